"""A data basemap (land, national borders) drawn under everything, so maps read without tiles.

The land and borders ship as package data (`data/basemap.geojson`, made by
tools/make_basemap.py; sources and licences in data/README.md), read by
:func:`corridors.geo.borders.load_basemap` (``check`` tests lines against the same borders).
`add_basemap` puts them in a pane below the tile pane: when OpenStreetMap tiles load they cover
it, when they cannot (offline) the data basemap shows through on a sea-coloured background.
"""

from __future__ import annotations

from typing import Any

import folium

from corridors.geo.borders import load_basemap
from corridors.maps.safe_render import HeadStyle

__all__ = ["BASEMAP_PANE", "add_basemap", "basemap_layer", "load_basemap"]

BASEMAP_PANE = "corridors-basemap"
SEA_COLOR = "#d4e6f1"
LAND_COLOR = "#f4f1e8"
COAST_COLOR = "#8a9aa6"
BORDER_COLOR = "#8b5a83"

_STYLES = {
    "land": {"fillColor": LAND_COLOR, "fillOpacity": 1.0, "color": COAST_COLOR, "weight": 0.8},
    "border": {"color": BORDER_COLOR, "weight": 1.2, "dashArray": "5 3", "fill": False},
}


def _style(feature: dict[str, Any]) -> dict[str, Any]:
    return _STYLES[feature["properties"]["kind"]]


def basemap_layer(
    *, name: str = "Land and borders", pane: str | None = BASEMAP_PANE
) -> folium.GeoJson:
    """The basemap as a non-interactive folium GeoJson (land fill, coastline, border lines).

    `pane` must exist on the map (add_basemap creates it); None uses the overlay pane.
    """
    data = load_basemap()
    for i, feat in enumerate(data["features"]):
        feat["id"] = f"basemap-{i}"
    opts: dict[str, Any] = {"interactive": False}
    if pane:
        opts["pane"] = pane
    return folium.GeoJson(
        data, name=name, style_function=_style, control=False, smooth_factor=1.0, **opts
    )


def add_basemap(
    m: folium.Map, *, tiles: bool = True, name: str = "Land and borders"
) -> folium.GeoJson:
    """Add the data basemap to `m` (under the tiles) and, if `tiles`, an OSM base layer.

    Create `m` with `tiles=None` (e.g. `lean_map(tiles=None)`); call this before adding
    other layers so the layer control lists OpenStreetMap first.
    """
    folium.map.CustomPane(BASEMAP_PANE, z_index=150, pointer_events=False).add_to(m)
    sea = f"<style>.leaflet-container {{ background: {SEA_COLOR}; }}</style>"
    m.add_child(HeadStyle(sea, name="SeaBackground", key="corridors_sea_background"))
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)").add_to(m)
    layer: folium.GeoJson = basemap_layer(name=name)
    layer.add_to(m)
    return layer
