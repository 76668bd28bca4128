"""A data basemap (land, borders, the demarcation line, the Tumen) drawn under everything, so
maps read without tiles, with more detail as one zooms in.

The basemap ships as package data (`data/basemap.geojson`, made by tools/make_basemap.py;
sources and licences in data/README.md), read by :func:`corridors.geo.borders.load_basemap`
(``check`` tests lines against the same borders). Its land comes in pieces, each with the
zooms it is drawn at (``minzoom``, ``maxzoom``): GSHHG low west and north of the region (under
the Kuzbass long haul), intermediate for the whole region, high for Korea and Primorye from
zoom 8, full for the Rason/Tumen area from zoom 11.

:class:`DataBasemap` writes them into the page as quantised integer deltas (about a third of
the bytes of GeoJSON) and its own JavaScript decodes a piece only when its zoom is first
reached, adding and removing pieces and the labels of the river and the demarcation line on
``zoomend``. The land sits in a pane below the tile pane: when OpenStreetMap tiles load they
cover it, when they cannot (offline) the data basemap shows through on a sea-coloured
background. Labels enter the DOM through ``textContent``.
"""

from __future__ import annotations

import json
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from corridors.geo.borders import load_basemap
from corridors.maps.controls import js_string
from corridors.maps.safe_render import HeadStyle

__all__ = [
    "BASEMAP_PANE",
    "DataBasemap",
    "add_basemap",
    "basemap_layer",
    "encode_basemap",
    "encode_feature",
    "load_basemap",
]

BASEMAP_PANE = "corridors-basemap"
LINES_PANE = "corridors-basemap-lines"
RIVERS_PANE = "corridors-basemap-rivers"
LABELS_PANE = "corridors-basemap-labels"
SEA_COLOR = "#d4e6f1"
LAND_COLOR = "#f4f1e8"
BORDER_COLOR = "#8b5a83"
MDL_COLOR = "#1f1f1f"
RIVER_COLOR = "#6b9ccc"

# Land pieces are stroked in their own fill colour: it hides the seams where pieces of one zoom
# meet along their boxes, and the sea colour against the land draws the coast.
_STYLES: dict[str, dict[str, Any]] = {
    "land": {"fillColor": LAND_COLOR, "fillOpacity": 1.0, "color": LAND_COLOR, "weight": 1},
    "river": {"color": RIVER_COLOR, "weight": 2, "fill": False, "pane": RIVERS_PANE},
    "border": {"color": BORDER_COLOR, "weight": 1.2, "dashArray": "5 3", "fill": False},
    "demarcation": {"color": MDL_COLOR, "weight": 2.5, "fill": False},
}
_PANES = {BASEMAP_PANE: 150, RIVERS_PANE: 155, LINES_PANE: 160, LABELS_PANE: 440}

_CSS = f"""<style>
.leaflet-container {{ background: {SEA_COLOR}; }}
.corridors-basemap-label{{font:italic 12px/1.2 sans-serif;white-space:nowrap;
  text-shadow:0 0 3px #fff,0 0 3px #fff;transform:translate(-50%,-50%);}}
.corridors-basemap-label-river{{color:#2f6ea8;}}
.corridors-basemap-label-demarcation{{color:{MDL_COLOR};font-style:normal;font-weight:bold;}}
</style>"""


def _deltas(coords: list[list[float]], decimals: int, *, ring: bool) -> list[int]:
    """[x0, y0, dx1, dy1, ...] in units of 10**-decimals degrees (a ring without its closing
    vertex)."""
    if ring and len(coords) > 1 and coords[0] == coords[-1]:
        coords = coords[:-1]
    scale = 10**decimals
    flat: list[int] = []
    px = py = 0
    for x, y in coords:
        ix, iy = round(x * scale), round(y * scale)
        flat += [ix - px, iy - py]
        px, py = ix, iy
    return flat


def encode_feature(feature: dict[str, Any]) -> dict[str, Any]:
    """One basemap feature in the page's compact form: kind ``k``, zooms ``z`` ([min, max or
    None]), decimals ``s``, geometry ``g`` (polygons of rings, or lines, as delta integers; see
    :func:`decode`), label positions ``labels`` and ``name``."""
    props = feature["properties"]
    geometry = feature["geometry"]
    decimals = int(props.get("decimals", 5))
    if geometry["type"] == "MultiPolygon":
        g: list[Any] = [
            [_deltas(r, decimals, ring=True) for r in poly] for poly in geometry["coordinates"]
        ]
    elif geometry["type"] == "MultiLineString":
        g = [_deltas(line, decimals, ring=False) for line in geometry["coordinates"]]
    else:
        raise ValueError(f"basemap geometry must be MultiPolygon or MultiLineString: {geometry}")
    return {
        "k": props["kind"],
        "z": [int(props.get("minzoom", 0)), props.get("maxzoom")],
        "s": decimals,
        "g": g,
        "name": props.get("name", ""),
        "labels": props.get("labels", []),
    }


def decode(flat: list[int], decimals: int) -> list[tuple[float, float]]:
    """The (lon, lat) points of a delta-encoded line or ring (what the page's JS does)."""
    out = []
    x = y = 0
    for i in range(0, len(flat), 2):
        x += flat[i]
        y += flat[i + 1]
        out.append((x / 10**decimals, y / 10**decimals))
    return out


def _borders_by_zoom(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The features with the ``border`` lines inside a ``border_detail`` box cut out from that
    feature's zoom on (drawn there from the full-resolution lines instead), and the
    ``border_detail`` feature drawn as a border."""
    from shapely.geometry import box, shape

    details = [f for f in features if f["properties"]["kind"] == "border_detail"]
    out = []
    for feature in features:
        props = feature["properties"]
        if props["kind"] == "border_detail":
            out.append({**feature, "properties": {**props, "kind": "border"}})
            continue
        if props["kind"] != "border" or not details:
            out.append(feature)
            continue
        lines = shape(feature["geometry"])
        props = {**props, "decimals": 3}  # the border lines are rounded to 0.001 degree
        for detail in details:
            area = box(*detail["properties"]["box"])
            inside = {**props, "maxzoom": detail["properties"]["minzoom"]}
            out.append({**feature, "properties": inside, "geometry": _lines(lines & area)})
            lines = lines - area
        out.append({**feature, "properties": props, "geometry": _lines(lines)})
    return out


def _lines(geom: Any) -> dict[str, Any]:
    """A (Multi)LineString or collection as a MultiLineString GeoJSON geometry, 3 decimals."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "LineString"]
    coords = [[[round(x, 3), round(y, 3)] for x, y in part.coords] for part in parts]
    return {"type": "MultiLineString", "coordinates": coords}


def encode_basemap(data: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The basemap FeatureCollection `data` as the page has it: the geometry of every feature
    as compact JSON text (integers only, so safe inside ``<script>`` as it is) and the features'
    other fields (:func:`encode_feature` without ``g``)."""
    encoded = [encode_feature(f) for f in _borders_by_zoom(data["features"])]
    geoms_js = json.dumps([e.pop("g") for e in encoded], separators=(",", ":"))
    return geoms_js, encoded


class DataBasemap(MacroElement):
    """The data basemap: land pieces, rivers, borders and the demarcation line, each shown at
    its zooms, with labels. Geometry enters the page as integer arrays, everything else as
    JSON from :func:`js_string`; label text is set through ``textContent``."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var geoms = {{ this.geoms_js }};
  var feats = {{ this.feats_js }};
  var styles = {{ this.styles_js }};
  var panes = {{ this.panes_js }};
  Object.keys(panes).forEach(function (name) {
    if (!map.getPane(name)) {
      var p = map.createPane(name);
      p.style.zIndex = String(panes[name]);
      p.style.pointerEvents = "none";
    }
  });
  function decode(flat, decimals) {
    var out = [], x = 0, y = 0, scale = Math.pow(10, decimals);
    for (var i = 0; i < flat.length; i += 2) {
      x += flat[i]; y += flat[i + 1];
      out.push([y / scale, x / scale]);
    }
    return out;
  }
  var items = [];
  feats.forEach(function (f, n) {
    var make = function () {
      var opts = L.extend({interactive: false, pane: {{ this.pane_js }}}, styles[f.k]);
      if (f.k === "land") {
        return L.polygon(geoms[n].map(function (poly) {
          return poly.map(function (ring) { return decode(ring, f.s); });
        }), opts);
      }
      if (!styles[f.k].pane) { opts.pane = {{ this.lines_pane_js }}; }
      return L.polyline(geoms[n].map(function (line) { return decode(line, f.s); }), opts);
    };
    items.push({make: make, min: f.z[0], max: f.z[1]});
    f.labels.forEach(function (label) {
      items.push({min: label.minzoom, max: null, make: function () {
        var el = document.createElement("div");
        el.className = "corridors-basemap-label corridors-basemap-label-" + f.k;
        el.textContent = f.name;
        return L.marker([label.at[1], label.at[0]], {
          icon: L.divIcon({html: el, className: "", iconSize: null}),
          interactive: false, keyboard: false, pane: {{ this.labels_pane_js }}
        });
      }});
    });
  });
  function update() {
    var z = map.getZoom();
    items.forEach(function (it) {
      var on = z >= it.min && (it.max === null || z < it.max);
      if (on && !it.layer) { it.layer = it.make(); }
      if (on && !map.hasLayer(it.layer)) { it.layer.addTo(map); }
      if (!on && it.layer && map.hasLayer(it.layer)) { map.removeLayer(it.layer); }
    });
  }
  map.on("zoomend", update);
  map.whenReady(update);
})();
{% endmacro %}
"""
    )

    def __init__(
        self, data: dict[str, Any] | None = None, *, encoded: tuple[str, str] | None = None
    ) -> None:
        super().__init__()
        self._name = "DataBasemap"
        if encoded is None:  # else (geoms_js, feats_js) already made (maps/basemap_cache.py)
            geoms_js, feats = encode_basemap(data if data is not None else load_basemap())
            encoded = (geoms_js, js_string(feats))
        self.geoms_js, self.feats_js = encoded
        self.styles_js = js_string(_STYLES)
        self.panes_js = js_string(_PANES)
        self.pane_js = js_string(BASEMAP_PANE)
        self.lines_pane_js = js_string(LINES_PANE)
        self.labels_pane_js = js_string(LABELS_PANE)


def basemap_layer() -> DataBasemap:
    """The basemap as a :class:`DataBasemap` element (add it to a map); its data is encoded
    once (:func:`corridors.maps.basemap_cache.shipped_basemap_js`)."""
    from corridors.maps.basemap_cache import shipped_basemap_js

    return DataBasemap(encoded=shipped_basemap_js(encode_basemap))


def add_basemap(m: folium.Map, *, tiles: bool = True) -> DataBasemap:
    """Add the data basemap to `m` (under the tiles) and, if `tiles`, an OSM base layer.

    Create `m` with `tiles=None` (e.g. `lean_map(tiles=None)`); call this before adding
    other layers so the layer control lists OpenStreetMap first.
    """
    folium.map.CustomPane(BASEMAP_PANE, z_index=150, pointer_events=False).add_to(m)
    m.add_child(HeadStyle(_CSS, name="SeaBackground", key="corridors_sea_background"))
    if tiles:
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)").add_to(m)
    layer = basemap_layer()
    m.add_child(layer)
    return layer
