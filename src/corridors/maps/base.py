"""What every map shares: the lean Leaflet map, data basemap, scale bar, styled GeoJSON layers
and writing the HTML (self-contained with ``offline``, byte-identical on every rebuild)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import folium

from corridors.errors import MapError
from corridors.maps.basemap import add_basemap
from corridors.maps.offline import OfflineError, lean_map, render_offline
from corridors.maps.popups import add_popup_fit
from corridors.maps.safe_render import HeadStyle
from corridors.maps.style import PLACES_PANE, ROUTE_PANE

# Static CSS for popups and tooltips (no data in it).
_CSS = """<style>
.leaflet-control-layers{font:13px/1.5 sans-serif;}
path.leaflet-interactive:focus{outline:none;}
.leaflet-tooltip{font:12px/1.3 sans-serif;}
.corridors-info{font:12px/1.35 sans-serif;}
.corridors-info-title{font-weight:bold;font-size:13px;margin-bottom:4px;}
.corridors-info-rows th{text-align:left;vertical-align:top;padding:0 8px 1px 0;
  white-space:nowrap;color:#444;}
.corridors-info-rows td{vertical-align:top;padding:0 0 1px 0;}
.corridors-info-sources{font-weight:bold;margin-top:4px;}
.corridors-info-links{margin:2px 0 0 0;padding-left:18px;}
</style>"""


def new_map(bounds: list[list[float]] | None, *, offline: bool) -> folium.Map:
    """A map with the data basemap (plus OSM tiles unless `offline`), a scale bar, fitted to
    `bounds` ([[south, west], [north, east]])."""
    m = lean_map(tiles=None, control_scale=True, jquery=False, prefer_canvas=False)
    add_basemap(m, tiles=not offline)
    folium.map.CustomPane(ROUTE_PANE, z_index=420).add_to(m)
    folium.map.CustomPane(PLACES_PANE, z_index=450).add_to(m)
    m.add_child(HeadStyle(_CSS, name="CorridorsCss", key="corridors_css"))
    add_popup_fit(m)
    if bounds is not None:
        fit = folium.map.FitBounds(bounds, padding=(20, 20))
        # Straight to the view: Leaflet would otherwise animate the zoom from the initial
        # world view, and a pan or click made in the first ~250 ms was undone when it ended.
        fit.options["animate"] = False
        m.add_child(fit)
    return m


def data_layer(
    data: dict[str, Any],
    *,
    name: str,
    show: bool = True,
    control: bool = True,
    interactive: bool = True,
    points: bool = False,
    pane: str | None = None,
) -> folium.GeoJson:
    """A GeoJSON layer styled by each feature's ``properties.style``.

    With `points`, Point features become CircleMarkers (in `pane` if given) styled the same way.
    """
    options: dict[str, Any] = {}
    if not interactive:
        options["interactive"] = False
    if pane and not points:
        options["pane"] = pane
    marker = None
    if points:
        marker = folium.CircleMarker(radius=5, fill=True)  # a filled disc takes clicks
        if pane:
            marker.options["pane"] = pane
    return folium.GeoJson(
        data,
        name=name,
        show=show,
        control=control,
        marker=marker,
        smooth_factor=1.0,
        **options,
    )


def write_html(m: folium.Map, path: Path, *, offline: bool) -> Path:
    """Render `m` (stable ids; assets inlined if `offline`) and write it to `path`.

    The folder is created if needed; the file is written through
    :func:`corridors._io.outputs.write_output`: atomically, and only ever as a regular file
    (an existing directory, FIFO, device or socket at `path` is refused with
    :class:`~corridors._io.outputs.OutputError` and left as it was; a symbolic link is replaced,
    its target untouched).
    """
    from corridors._io.outputs import check_output_path, make_folder, write_output

    path = check_output_path(path)  # refuse before the (slow) rendering
    html = render_html(m, offline=offline)
    make_folder(path.parent)
    return write_output(path, html_bytes(html))


def render_html(m: folium.Map, *, offline: bool) -> str:
    """The page of `m` as :func:`write_html` writes it (stable ids; assets inlined if
    `offline`).

    Raises
    ------
    MapError
        If an asset of an `offline` map cannot be inlined.
    """
    if offline:
        try:
            return render_offline(m)
        except OfflineError as exc:
            raise MapError(f"cannot write a self-contained map: {exc}") from None
    from corridors.maps.stable_ids import render_stable

    return render_stable(m)


def html_bytes(html: str) -> bytes:
    """A page's bytes as written: UTF-8, a lone surrogate (never in a valid atlas) as a
    visible ``\\udcXX`` rather than a crash."""
    return html.encode("utf-8", errors="backslashreplace")
