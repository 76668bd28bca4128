"""A data basemap (land, national borders) drawn under everything, so maps read without tiles.

The land and borders ship as package data (`data/basemap.geojson`, made by
tools/make_basemap.py; sources and licences in data/README.md). `add_basemap` puts them in a
pane below the tile pane: when OpenStreetMap tiles load they cover it, when they cannot
(offline) the data basemap shows through on a sea-coloured background.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import folium
from branca.element import Element

from corridors.maps.safe_render import Literal

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


@cache
def _basemap_text() -> str:
    return (resources.files("corridors") / "data" / "basemap.geojson").read_text(encoding="utf-8")


def load_basemap() -> dict:
    """The basemap FeatureCollection (a fresh copy): features with property kind land/border."""
    return json.loads(_basemap_text())


def _style(feature: dict) -> dict:
    return _STYLES[feature["properties"]["kind"]]


def basemap_layer(*, name: str = "Land and borders", pane: str | None = BASEMAP_PANE):
    """The basemap as a non-interactive folium GeoJson (land fill, coastline, border lines).

    `pane` must exist on the map (add_basemap creates it); None uses the overlay pane.
    """
    data = load_basemap()
    for i, feat in enumerate(data["features"]):
        feat["id"] = f"basemap-{i}"
    opts = {"interactive": False}
    if pane:
        opts["pane"] = pane
    return folium.GeoJson(
        data, name=name, style_function=_style, control=False, smooth_factor=1.0, **opts
    )


class _SeaBackground(Element):
    """CSS giving the map container the sea colour, seen where there is no land polygon."""

    def __init__(self, color: str):
        super().__init__()
        self._name = "SeaBackground"
        self.color = color

    def render(self, **kwargs) -> None:
        css = f"<style>.leaflet-container {{ background: {self.color}; }}</style>"
        self.get_root().header.add_child(Literal(css), name="corridors_sea_background")


def add_basemap(
    m: folium.Map, *, tiles: bool = True, name: str = "Land and borders"
) -> folium.GeoJson:
    """Add the data basemap to `m` (under the tiles) and, if `tiles`, an OSM base layer.

    Create `m` with `tiles=None` (e.g. `lean_map(tiles=None)`); call this before adding
    other layers so the layer control lists OpenStreetMap first.
    """
    folium.map.CustomPane(BASEMAP_PANE, z_index=150, pointer_events=False).add_to(m)
    m.add_child(_SeaBackground(SEA_COLOR))
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)").add_to(m)
    layer = basemap_layer(name=name)
    layer.add_to(m)
    return layer
