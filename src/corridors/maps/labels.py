"""Text labels on the maps: place names by importance and zoom, never overlapping, and the fixed
names of countries and seas.

:func:`add_place_labels` puts one label per place in a pane of its own above the markers (it
takes no clicks). After every zoom and move the browser runs one collision pass: labels are
taken greedily in order of importance (:data:`~corridors.maps.style.KIND_RANK`: ports,
terminals, border crossings and cities, then junctions and stations, then the rest; within a
rank in the given order), each tried right, left, above and below its marker (first with its
local-script name after the English, e.g. ``Khasan · Хасан``, then without it), and kept only
where its box overlaps no label already kept; a label whose kind is not yet shown at the zoom
(:data:`~corridors.maps.style.RANK_MIN_ZOOM`) or that lies outside the view is hidden. The map's
controls and the place markers are obstacles from the start (a label never covers a marker or
a legend), and country and sea names (:data:`REGION_LABELS`) are placed first, so place names
keep clear of them.

Names reach the page as JSON (:func:`corridors.maps.controls.js_string`) and the DOM through
``textContent`` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import folium
from branca.element import Element
from jinja2 import Template

from corridors.atlas.model import Atlas
from corridors.maps.controls import _js_name, _LayerControl
from corridors.maps.style import DEFAULT_RADIUS, KIND_RADIUS, KIND_RANK, RANK_MIN_ZOOM

__all__ = ["LABELS_PANE", "REGION_LABELS", "PlaceLabels", "add_place_labels", "label_specs"]

LABELS_PANE = "corridors-labels"

# Country and sea names at fixed positions [lat, lon]: estimates chosen by eye to sit inside
# the country or sea they name in this region's view (not published coordinates), with the
# zooms between which each shows.
REGION_LABELS: tuple[dict[str, Any], ...] = (
    {"text": "RUSSIA", "lat": 44.6, "lon": 133.6, "kind": "country", "min": 0, "max": 9},
    {"text": "CHINA", "lat": 43.4, "lon": 127.6, "kind": "country", "min": 0, "max": 9},
    {"text": "DPRK", "lat": 40.3, "lon": 126.9, "kind": "country", "min": 0, "max": 9},
    {"text": "ROK", "lat": 36.6, "lon": 128.0, "kind": "country", "min": 0, "max": 9},
    {"text": "JAPAN", "lat": 38.9, "lon": 140.3, "kind": "country", "min": 0, "max": 9},
    {
        "text": "Sea of Japan / East Sea",
        "lat": 40.2,
        "lon": 134.5,
        "kind": "sea",
        "min": 0,
        "max": 9,
    },
    {"text": "Yellow Sea", "lat": 36.4, "lon": 124.3, "kind": "sea", "min": 0, "max": 9},
    {"text": "Korea Strait", "lat": 34.35, "lon": 129.05, "kind": "sea", "min": 5, "max": 10},
)

# The label pane's CSS (no data in it): white halo so names read on land, sea and lines.
LABEL_CSS = """
.corridors-label{position:absolute;left:0;top:0;white-space:nowrap;pointer-events:none;
  font-size:12px;line-height:14px;color:#1b2631;text-shadow:0 0 2px #fff,0 0 2px #fff,
  0 0 3px #fff,0 0 4px #fff;}
.corridors-label-rank0{font-weight:bold;}
.corridors-label-local{font-weight:normal;color:#34495e;}
.corridors-label-country{font-size:15px;font-weight:bold;letter-spacing:3px;color:#5d6d7e;}
.corridors-label-sea{font-size:13px;font-style:italic;color:#2e6f9e;letter-spacing:1px;}
"""


class PlaceLabels(_LayerControl):
    """Place and region labels in their own pane, with a greedy collision pass per view."""

    data: Element | None = None  # the atlas's data tables (maps/atlas_layers.py), if any

    def data_var(self) -> str:
        """The data tables' JS variable, or ``null``."""
        return "null" if self.data is None else _js_name(self.data)

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var spec = {{ this.spec_js }};
  var markers = {{ this.layer_var() }};  // place labels show while this layer is on the map
  var shared = {{ this.data_var() }};  // the atlas's place table, if the map has one
  if (shared) { spec.places = shared.labelPlaces(spec.from_data); }
  var pane = map.getPane(spec.pane) || map.createPane(spec.pane);
  pane.style.zIndex = "460";
  pane.style.pointerEvents = "none";
  pane.classList.add("corridors-labels");
  var labels = [];
  // A label's element is made the first time it may show (its zoom, in view): a map of
  // thousands of places makes only the few it shows.
  function add(item, cls) {
    labels.push({item: item, el: null, cls: cls, local: null, w: 0, ws: 0, h: 0,
                 latlng: L.latLng(item.lat, item.lon)});
  }
  function make(l) {
    var div = document.createElement("div");
    div.className = "corridors-label " + l.cls;
    div.textContent = l.item.text;
    div.style.visibility = "hidden";
    if (l.item.id !== undefined) { div.setAttribute("data-place", l.item.id); }
    if (l.item.local) {  // the local-script name beside the English, dropped where no room
      l.local = document.createElement("span");
      l.local.className = "corridors-label-local";
      l.local.textContent = " \u00b7 " + l.item.local;
      div.appendChild(l.local);
    }
    pane.appendChild(div);
    l.el = div;
  }
  function hide(l) { if (l.el) { l.el.style.visibility = "hidden"; } }
  spec.regions.forEach(function (r) { add(r, "corridors-label-" + r.kind); });
  spec.places.forEach(function (p) {
    add(p, "corridors-label-place corridors-label-rank" + p.rank);
  });
  function overlaps(a, b) {
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  }
  function place() {
    var z = map.getZoom(), size = map.getSize(), kept = [], shown = 0;
    var origin = map.containerPointToLayerPoint([0, 0]);
    var frame = map.getContainer().getBoundingClientRect();
    // Obstacles first: the map's controls and every place marker in view.
    map.getContainer().querySelectorAll(".leaflet-control").forEach(function (c) {
      var b = c.getBoundingClientRect();
      if (b.width && b.height) {
        kept.push({x: b.left - frame.left, y: b.top - frame.top, w: b.width, h: b.height});
      }
    });
    var view = map.getBounds().pad(0.05), shows = [];
    labels.forEach(function (l) {  // markers drawn in view (mz: the zoom they show from)
      if (l.item.r && z >= (l.item.mz || 0) && view.contains(l.latlng)) {
        var c = map.latLngToContainerPoint(l.latlng), r = l.item.r + 1;
        kept.push({x: c.x - r, y: c.y - r, w: 2 * r, h: 2 * r});
      }
    });
    // The kept boxes in cells of 64 px, so a label is tested against its neighbours only.
    var cells = {};
    function cellKeys(b) {
      var out = [];
      for (var i = Math.floor(b.x / 64); i <= Math.floor((b.x + b.w) / 64); i++) {
        for (var j = Math.floor(b.y / 64); j <= Math.floor((b.y + b.h) / 64); j++) {
          out.push(i + "," + j);
        }
      }
      return out;
    }
    function keep(b) {
      cellKeys(b).forEach(function (key) { (cells[key] = cells[key] || []).push(b); });
    }
    function free(b) {
      return cellKeys(b).every(function (key) {
        return !(cells[key] || []).some(function (k) { return overlaps(b, k); });
      });
    }
    kept.forEach(keep);
    labels.forEach(function (l) {
      var it = l.item, show = z >= it.min && (it.max === undefined || z <= it.max);
      if (it.r !== undefined && markers && !map.hasLayer(markers)) { show = false; }
      show = show && view.contains(l.latlng);
      shows.push(show);
      if (show && !l.el) { make(l); }
    });
    labels.forEach(function (l, n) {  // all reads before any write: one layout, not one each
      if (shows[n] && !l.w) {
        l.w = l.el.offsetWidth; l.h = l.el.offsetHeight;
        l.ws = l.local ? l.w - l.local.offsetWidth : l.w;  // without the local name
      }
    });
    labels.forEach(function (l, n) {
      var it = l.item, show = shows[n];
      var best = null, widths = l.local ? [l.w, l.ws] : [l.w], fit = 0;
      for (var j = 0; show && j < widths.length && best === null; j++) {
        var w = widths[j], c = map.latLngToContainerPoint(l.latlng), gap = (it.r || 0) + 3;
        var tries = it.r === undefined
          ? [[-w / 2, -l.h / 2]]
          : [[gap, -l.h / 2], [-gap - w, -l.h / 2], [-w / 2, -gap - l.h], [-w / 2, gap]];
        for (var i = 0; i < tries.length && best === null; i++) {
          var box = {x: c.x + tries[i][0], y: c.y + tries[i][1], w: w, h: l.h};
          if (box.x < 0 || box.y < 0 || box.x + box.w > size.x || box.y + box.h > size.y) {
            continue;
          }
          if (free(box)) { best = box; fit = j; }
        }
      }
      if (l.local) { l.local.style.display = fit === 0 ? "" : "none"; }
      if (best === null) {
        hide(l);
        return;
      }
      keep(best);
      shown += 1;
      L.DomUtil.setPosition(l.el, L.point(best.x + origin.x, best.y + origin.y));
      l.el.style.visibility = "visible";
    });
    pane.setAttribute("data-shown", String(shown));
  }
  map.on("zoomstart", function () { pane.style.display = "none"; });
  map.on("zoomend moveend viewreset resize overlayadd overlayremove", function () {
    pane.style.display = "";
    place();
  });
  // First pass once every script of the page has run: the controls added after this one
  // (legends, panels) are obstacles too.
  map.whenReady(function () { setTimeout(place, 0); });
})();
{% endmacro %}
"""
    )


def label_specs(
    atlas: Atlas, place_ids: Iterable[str] | None = None, *, min_zoom: int | None = None
) -> list[dict[str, Any]]:
    """One label per place (all, or the given ids), in order of importance then given order.

    Each is ``{"id", "text", "lat", "lon", "rank", "min" (zoom), "r" (marker radius, px)}``
    and ``"local"``, the name in its country's script
    (:attr:`~corridors.atlas.model.Place.local_name`) if the atlas has one, shown after
    ``text`` where the label still fits with it (dropped where it does not); an area place
    (zone) is labelled at its label point. ``min`` is the rank's
    :data:`~corridors.maps.style.RANK_MIN_ZOOM`, or `min_zoom` for every place if given.
    """
    ids = list(atlas.places) if place_ids is None else list(dict.fromkeys(place_ids))
    specs = []
    for place_id in ids:
        place = atlas.places[place_id]
        rank = KIND_RANK[place.kind]
        spec = {
            "id": place.id,
            "text": place.name,
            "lat": round(place.lat, 5),
            "lon": round(place.lon, 5),
            "rank": rank,
            "min": RANK_MIN_ZOOM[rank] if min_zoom is None else min_zoom,
            "r": KIND_RADIUS.get(place.kind, DEFAULT_RADIUS) if place.area is None else 0,
        }
        local = place.local_name
        if local is not None:
            spec["local"] = local.name
        specs.append(spec)
    return sorted(specs, key=lambda s: s["rank"])  # stable: given order within a rank


def add_place_labels(
    m: folium.Map,
    atlas: Atlas,
    place_ids: Iterable[str] | None = None,
    *,
    layer: Element | None = None,
    min_zoom: int | None = None,
    regions: Sequence[dict[str, Any]] = REGION_LABELS,
    data: Element | None = None,
    marker_zoom: dict[str, int] | None = None,
) -> PlaceLabels:
    """Label the places of `atlas` (all, or `place_ids`) and the country and sea names on `m`.

    Parameters
    ----------
    m : folium.Map
        The map (its places already drawn or not: labels have their own pane).
    atlas : Atlas
        Where the places' names, kinds and positions come from.
    place_ids : iterable of str, optional
        The places to label, in order; all places if None.
    layer : folium.GeoJson, optional
        The place markers' layer: place labels show only while it is on the map (switched on
        in the layer control).
    min_zoom : int, optional
        The zoom from which every place label may show (the collision pass still decides);
        by default it depends on the place's kind (:data:`~corridors.maps.style.RANK_MIN_ZOOM`).
        A map of a few stops (a route, the shipments) labels them all from the start.
    regions : sequence of mapping
        Fixed labels ``{"text", "lat", "lon", "kind": "country" | "sea", "min", "max"}``
        (zooms); :data:`REGION_LABELS` by default.
    data : corridors.maps.atlas_layers.AtlasData, optional
        The page's place table: the labels are read from it (every place, ranked as
        :func:`label_specs` ranks them) instead of from a list of their own.
    marker_zoom : dict, optional
        With `data`: the zoom from which the markers of a place kind show
        (:func:`corridors.maps.atlas_layers.marker_zooms`); below it they are no obstacle.

    Returns
    -------
    PlaceLabels
        The control, already added to `m`.
    """
    from corridors.maps.safe_render import HeadStyle

    m.add_child(HeadStyle(f"<style>{LABEL_CSS}</style>", name="LabelCss", key="corridors_labels"))
    spec: dict[str, Any] = {"pane": LABELS_PANE, "regions": [dict(r) for r in regions]}
    if data is None:
        spec["places"] = label_specs(atlas, place_ids, min_zoom=min_zoom)
    else:
        from corridors.maps.atlas_layers import label_spec

        spec["from_data"] = label_spec(min_zoom, marker_zoom)
    control = PlaceLabels(layer, spec_js=spec)
    control.data = data
    m.add_child(control)
    return control
