"""The lean layers of ``atlas.html``: the data tables once, lines and markers made in the page.

:class:`AtlasData` puts :func:`corridors.maps.atlas_data.atlas_data` into the page as one JSON
literal and the few functions that read it: the line decoder (the inverse of
:func:`~corridors.maps.atlas_data.encode_line`), popups written on demand from a record (the
rows by code, as :mod:`corridors.maps.atlas_data` documents them; the DOM built by
textContent only, as every popup of these maps), and each corridor's state in a month.

:class:`CorridorLayer` (one per mode and status) and :class:`PlaceLayer` are Leaflet layer
groups (named ``geo_json_...`` like folium's GeoJSON layers, so the layer control and tests see
them the same way) filled from the tables: one style per layer, a tooltip and a popup bound
per line or marker and written only when it opens. :class:`MonthControl` is the month slider:
it moves each corridor to the layer of its status in that month (styles and the legend follow
the layers) and rewrites an open popup.

Data reaches the page only as JSON (:func:`~corridors.maps.controls.js_string`) and enters the
DOM only through ``textContent``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import folium
from branca.element import Element
from jinja2 import Template

from corridors.maps.atlas_data import ALPHABET, DEFAULT_CORRIDOR_ROWS, DEFAULT_PLACE_ROWS
from corridors.maps.controls import _INFO_JS, _Control, _js_name, js_string
from corridors.maps.style import (
    DEFAULT_RADIUS,
    KIND_RADIUS,
    KIND_RANK,
    RANK_MIN_ZOOM,
    corridor_style,
    place_style,
)
from corridors.maps.timebar import _BAR_JS, FIRST_MONTH, month_index

__all__ = [
    "MANY_PLACES",
    "AtlasData",
    "CorridorLayer",
    "FromMonth",
    "MonthControl",
    "PlaceLayer",
    "add_from_month",
    "add_month_control",
    "marker_zooms",
]

_DATA_JS = """(function () {
  var D = JSON.parse(document.getElementById(__ID__).textContent);
  var digit = {}, ALPHA = __ALPHABET__;
  for (var a = 0; a < ALPHA.length; a++) { digit[ALPHA.charAt(a)] = a; }
"""
_DATA_JS += _INFO_JS
_DATA_JS += r"""
  // A line code: lon, lat differences in 1e-5 degree, 5-bit digits, zigzag sign.
  // Integers (zigzag, 5-bit digits), each added to the one before if `delta`.
  function ints(s, delta) {
    var out = [], i = 0, n = s.length, last = 0;
    while (i < n) {
      var z = 0, f = 1, d;
      do { d = digit[s.charAt(i++)]; z += (d & 31) * f; f *= 32; } while (d >= 32);
      var v = z % 2 ? -(z + 1) / 2 : z / 2;
      if (delta) { last += v; v = last; }
      out.push(v);
    }
    return out;
  }
  function decode(s, x0, y0) {
    var out = [], x = x0 || 0, y = y0 || 0, i = 0, n = s.length, v = [0, 0];
    while (i < n) {
      for (var j = 0; j < 2; j++) {
        var z = 0, f = 1, d;
        do { d = digit[s.charAt(i++)]; z += (d & 31) * f; f *= 32; } while (d >= 32);
        v[j] = z % 2 ? -(z + 1) / 2 : z / 2;
      }
      x += v[0]; y += v[1];
      out.push(new L.LatLng(y / 1e5, x / 1e5));  // what Leaflet would make of [lat, lon]
    }
    return out;
  }
  function fixed5(v) {
    var a = Math.abs(v), f = String(a % 100000);
    return (v < 0 ? "-" : "") + Math.floor(a / 100000) + "." + "00000".slice(f.length) + f;
  }
  var lines = [];
  function line(k) {
    if (!lines[k]) {
      var c = D.corridors[k], first = c[4].length ? D.places[c[4][0]] : [0, 0, 0, 0, 0];
      lines[k] = decode(c[5], first[3], first[4]);
    }
    return lines[k];
  }
  function pointAt(h, month) {
    var found = null;
    for (var k = 0; k < h.length && h[k][0] <= month; k++) { found = h[k]; }
    return found;
  }
  // The state shown in `month` (null: the map's day): [status, Status text, In service text].
  function state(k, month) {
    var c = D.corridors[k], h = c[10];
    if (h) {
      var p = month === null ? (h.length ? h[h.length - 1] : null) : pointAt(h, month);
      return p ? [D.statuses[p[1]], p[2], p[3]] : null;
    }
    var s = D.statuses[c[3]];
    return [s, D.status_labels[s] + " (" + (c[9] || D.year) + ")", D.svc[s]];
  }
  function links(list) {
    return (list || []).map(function (n) { return D.sources[n]; });
  }
  function corridorPopup(k, month) {
    var c = D.corridors[k], st = state(k, month), rows = [];
    (c[8] || __CROWS__).forEach(function (r) {
      if (typeof r !== "string") { rows.push(r); }
      else if (r === "m") { rows.push(["Mode", D.modes[c[2]]]); }
      else if (r === "s" && st) {
        rows.push(["Status", st[1]]);
        if (st[2] !== null) { rows.push(["In service", st[2]]); }
      }
      else if (r === "l") {
        var km = typeof c[6] === "number" ? Math.floor(c[6] / 10) + "." + c[6] % 10 + " km" : c[6];
        rows.push(["Length (computed)", km]);
      }
      else if (r === "r") {
        rows.push(["Route", c[4].map(function (p) { return D.places[p][1]; }).join(" \u2192 ")]);
      }
    });
    return {title: c[1], rows: rows, links: links(c[7])};
  }
  function placePopup(k) {
    var p = D.places[k], rows = [];
    (p[8] || __PROWS__).forEach(function (r) {
      if (typeof r !== "string") { rows.push(r); }
      else if (r === "k") { rows.push(["Kind", D.kinds[p[2]]]); }
      else if (r === "c") { rows.push(["Country", p[5]]); }
      else if (r === "a") { rows.push(["Also", (p[7] || []).join(", ")]); }
      else if (r === "o") {
        rows.push([p[9] ? "Label point" : "Position", fixed5(p[4]) + ", " + fixed5(p[3])]);
      }
    });
    return {title: p[1], rows: rows, links: links(p[6])};
  }
  function tooltip(text, status) {
    var box = el("span", "corridors-tooltip-box");
    box.appendChild(el("span", "corridors-tooltip", text));
    if (status) {
      box.appendChild(el("span", "corridors-tooltip-status", " \u2013 " + D.status_labels[status]));
    }
    return box;
  }
  // A line's or marker's tooltip and popup are bound the first time they are wanted (the
  // pointer over it, a click, getTooltip/getPopup), not thousands of them on load.
  function lazy(Base) {
    return Base.extend({
      getTooltip: function () { this._bindInfo(); return this._tooltip; },
      getPopup: function () { this._bindInfo(); return this._popup; },
      openTooltip: function (at) {
        this._bindInfo();
        return Base.prototype.openTooltip.call(this, at);
      },
      openPopup: function (at) {
        this._bindInfo();
        return Base.prototype.openPopup.call(this, at);
      },
      _bindInfo: function () {
        if (this._infoBound) { return; }
        this._infoBound = true;
        this.bindTooltip(this._info.tip, {sticky: this._info.sticky});
        this.bindPopup(this._info.popup, {maxWidth: 420, maxHeight: 420});
      }
    });
  }
  var Line = lazy(L.Polyline), Marker = lazy(L.CircleMarker);
  function bindOnDemand(layer) {
    layer.on("mouseover", function (e) {
      var l = e.propagatedFrom || e.layer;
      if (l && l._info && !l._infoBound) { l._bindInfo(); l.openTooltip(e.latlng); }
    });
    layer.on("click", function (e) {
      var l = e.propagatedFrom || e.layer;
      if (l && l._info && !l._infoBound) {
        l._bindInfo();
        L.DomEvent.stop(e);
        l.openPopup(e.latlng);
      }
    });
  }
  var items = [];  // per corridor: its line (once made) and the layer holding it
  var api = {
    data: D, line: line, decode: decode, ints: ints, state: state, month: null, items: items,
    build: build,
    corridorPopup: corridorPopup, placePopup: placePopup,
    // Fill `layer` with the corridors of mode `mode` whose status on the map's day is `status`.
    fillCorridors: function (layer, mode, status, style) {
      var m = D.modes.indexOf(mode);
      D.corridors.forEach(function (c, k) {
        if (c[2] !== m) { return; }
        var st = state(k, null);
        if (!st || st[0] !== status) { return; }
        var l = new Line(line(k), style);
        l.feature = {type: "Feature", id: c[0],
                     properties: {name: c[1], mode: mode, status: status}};
        l._info = {
          tip: function () { return tooltip(c[1], l.feature.properties.status); },
          sticky: true,
          popup: function () { return build(corridorPopup(k, api.month)); }
        };
        items[k] = {l: l, layer: layer, mode: mode};
        layer.addLayer(l);
      });
      bindOnDemand(layer);
    },
    // Markers of a kind with a zoom in `fromZoom` join `layer` only from that zoom on.
    fillPlaces: function (layer, styles, pane, fromZoom) {
      var later = [];
      D.places.forEach(function (p, k) {
        if (p[9]) { return; }  // an area: drawn in the zones layer
        var kind = D.kinds[p[2]], style = Object.assign({pane: pane}, styles[kind]);
        var l = new Marker([p[4] / 1e5, p[3] / 1e5], style);
        l.feature = {type: "Feature", id: p[0], properties: {name: p[1], kind: kind}};
        l._info = {
          tip: function () { return tooltip(p[1], null); },
          sticky: false,
          popup: function () { return build(placePopup(k)); }
        };
        if (fromZoom[kind] === undefined) { layer.addLayer(l); } else { later.push(l); }
      });
      bindOnDemand(layer);
      if (!later.length) { return; }
      var on = null;
      function zoomed(map) {
        var z = map.getZoom();
        later.forEach(function (l) {
          var want = z >= fromZoom[l.feature.properties.kind];
          if (want !== layer.hasLayer(l)) {
            if (want) { layer.addLayer(l); } else { layer.removeLayer(l); }
          }
        });
      }
      var watched = {};
      layer.on("add", function () {
        on = layer._map;
        if (!watched[L.stamp(on)]) {
          watched[L.stamp(on)] = true;
          on.on("zoomend", function () { if (on) { zoomed(on); } });
        }
        zoomed(on);
      });
      layer.on("remove", function () { on = null; });
    },
    // The place labels (maps/labels.py), read from the same place table.
    labelPlaces: function (spec) {
      var out = [];
      D.places.forEach(function (p) {
        var kind = D.kinds[p[2]], rank = spec.rank[kind];
        out.push({id: p[0], text: p[1], lat: p[4] / 1e5, lon: p[3] / 1e5, rank: rank,
                  min: spec.min_zoom === null ? spec.rank_min[rank] : spec.min_zoom,
                  r: p[9] ? 0 : (spec.radius[kind] || spec.radius_default),
                  mz: spec.marker_zoom[kind] || 0, local: p[11] || null});
      });
      return out.sort(function (a, b) { return a.rank - b.rank; });  // stable
    }
  };
  return api;
})()"""


class AtlasData(_Control):
    """The atlas's data tables in the page: one JSON block (``<script type="application/json">``,
    parsed by ``JSON.parse``, which is quicker than a script literal that size) and a JS object
    named after this element that reads it."""

    _template = Template(
        """
{% macro html(this, kwargs) %}
<script type="application/json" id="{{ this.get_name() }}">{{ this.data_js }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = {{ this.script_js() }};
{% endmacro %}
"""
    )

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__()
        self.data_js = js_string(data)

    def script_js(self) -> str:
        """The script that makes the data object (the data inlined as one JSON literal)."""
        return (
            _DATA_JS.replace("__ALPHABET__", js_string(ALPHABET))
            .replace("__CROWS__", js_string(list(DEFAULT_CORRIDOR_ROWS)))
            .replace("__PROWS__", js_string(list(DEFAULT_PLACE_ROWS)))
            .replace("__ID__", js_string(self.get_name()))
        )


class _DataLayer(folium.map.Layer):
    """A Leaflet feature group, listed in the layer control, filled from :class:`AtlasData`."""

    def __init__(self, data: AtlasData, *, name: str, show: bool = True, **spec: object) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GeoJson"  # geo_json_<id>, like folium's GeoJSON layers
        self.data = data
        self.spec_js = js_string(spec)

    def data_var(self) -> str:
        """The data object's JS variable (resolved at render time, after stable ids)."""
        return _js_name(self.data)


class CorridorLayer(_DataLayer):
    """The corridors of one mode and status, drawn in that status's style."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
(function (spec) {
  {{ this.data_var() }}.fillCorridors({{ this.get_name() }}, spec.mode, spec.status, spec.style);
})({{ this.spec_js }});
{% endmacro %}
"""
    )

    def __init__(self, data: AtlasData, *, name: str, mode: str, status: str) -> None:
        style = {"dashArray": None, **corridor_style(mode, status)}
        super().__init__(data, name=name, mode=mode, status=status, style=style)
        self.mode, self.status = mode, status


class PlaceLayer(_DataLayer):
    """Every place that is a point, as a filled marker in its kind's colour."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup();
(function (spec) {
  {{ this.data_var() }}.fillPlaces({{ this.get_name() }}, spec.styles, spec.pane,
                                   spec.from_zoom);
})({{ this.spec_js }});
{% endmacro %}
"""
    )

    def __init__(
        self,
        data: AtlasData,
        *,
        name: str,
        kinds: Sequence[str],
        pane: str,
        from_zoom: dict[str, int] | None = None,
    ) -> None:
        styles = {kind: place_style(kind) for kind in kinds}
        from_zoom = dict(from_zoom or {})
        super().__init__(data, name=name, styles=styles, pane=pane, from_zoom=from_zoom)
        self.from_zoom = from_zoom


MANY_PLACES = 1000
"""Above this many point places, the markers of the less important kinds (stations, junctions,
bridges, plants, substations: :data:`~corridors.maps.style.KIND_RANK` above 0) show from the
zoom at which their labels show (:data:`~corridors.maps.style.RANK_MIN_ZOOM`), as labels do:
thousands of dots over the whole region tell nothing and cost the first drawing dearly."""


def marker_zooms(point_places: int, kinds: Sequence[str]) -> dict[str, int]:
    """The zoom from which each place kind's markers show (kinds not named: every zoom)."""
    if point_places <= MANY_PLACES:
        return {}
    return {k: RANK_MIN_ZOOM[KIND_RANK[k]] for k in kinds if KIND_RANK[k] > 0}


def label_spec(
    min_zoom: int | None = None, marker_zoom: dict[str, int] | None = None
) -> dict[str, Any]:
    """What :meth:`AtlasData` ``labelPlaces`` needs to rank the labels as
    :func:`corridors.maps.labels.label_specs` does."""
    return {
        "rank": dict(KIND_RANK),
        "rank_min": {str(k): v for k, v in RANK_MIN_ZOOM.items()},
        "radius": dict(KIND_RADIUS),
        "radius_default": DEFAULT_RADIUS,
        "min_zoom": min_zoom,
        "marker_zoom": dict(marker_zoom or {}),
    }


class MonthControl(_Control):
    """The atlas's month slider over :class:`CorridorLayer` s; see :func:`add_month_control`."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var A = {{ this.data_var() }}, D = A.data;
  var spec = {{ this.spec_js }};
  var layers = {};
  [{{ this.layer_vars() }}].forEach(function (layer, n) {
    var key = spec.layers[n];
    layers[key[0] + "/" + key[1]] = {layer: layer, style: key[2]};
  });
"""
        + _BAR_JS
        + """
  function monthName(i) {
    var n = spec.first[0] * 12 + spec.first[1] - 1 + i;
    var m = n % 12 + 1;
    return String(Math.floor(n / 12)) + "-" + (m < 10 ? "0" : "") + String(m);
  }
  var timed = [];  // corridors with a history: the only ones a month changes
  D.corridors.forEach(function (c, k) { if (c[10] && A.items[k]) { timed.push(k); } });
  function show(i, div) {
    A.month = i === spec.count - 1 ? null : i;
    timed.forEach(function (k) {
      var it = A.items[k], st = A.state(k, A.month);
      var target = st ? layers[it.mode + "/" + st[0]] : null;
      if (!target) {
        if (it.layer.hasLayer(it.l)) { it.layer.removeLayer(it.l); }
        return;
      }
      if (target.layer !== it.layer || !it.layer.hasLayer(it.l)) {
        var open = it.l._popup && it.l.isPopupOpen() ? it.l._popup.getLatLng() : null;
        it.layer.removeLayer(it.l);  // closes its popup: opened again below
        it.layer = target.layer;
        it.layer.addLayer(it.l);
        if (open && map.hasLayer(it.l)) { it.l.openPopup(open); }
      }
      it.l.feature.properties.status = st[0];
      it.l.setStyle(target.style);
      var e = it.l.getElement && it.l.getElement();
      if (e) { e.setAttribute("data-status", st[0]); }
    });
    var n = 0;
    Object.keys(layers).forEach(function (key) {
      n += layers[key].layer.getLayers().length;
    });
    div.setAttribute("data-visible", String(n));
    var popup = map._popup;  // an open popup says the state of the month shown
    if (popup && map.hasLayer(popup) && popup._source && popup._source.feature) {
      popup.update();
    }
    map.fire("corridorsmonth", {month: A.month, index: i, name: monthName(i)});
  }
  timeBar(map, spec, show, monthName);
})();
{% endmacro %}
"""
    )

    def __init__(self, data: AtlasData, layers: Sequence[CorridorLayer], **spec: object) -> None:
        super().__init__(**spec)
        self.data = data
        self.layers = list(layers)

    def data_var(self) -> str:
        """The data object's JS variable."""
        return _js_name(self.data)

    def layer_vars(self) -> str:
        """The corridor layers' JS variables, in the order of ``spec.layers``."""
        return ", ".join(_js_name(layer) for layer in self.layers)


def add_month_control(
    m: folium.Map,
    data: AtlasData,
    layers: Sequence[CorridorLayer],
    *,
    today: _dt.date,
    first: tuple[int, int] = FIRST_MONTH,
    position: str = "bottomleft",
) -> MonthControl:
    """Add the month control to the atlas map `m` (after `layers`); it opens on `today`'s month.

    Parameters
    ----------
    m : folium.Map
    data : AtlasData
        The page's tables (corridor change points per month).
    layers : sequence of CorridorLayer
        One per (mode, status) any month shows: a corridor moves to the layer of its status.
    today : datetime.date
        The build day: the last month, where the control opens.
    first : (int, int)
        The first month (year, month).
    position : str
        A Leaflet control position.

    Returns
    -------
    MonthControl
        The control, already added to `m`.
    """
    months = month_index(today, first=first) + 1
    if months < 1:
        raise ValueError(f"today ({today}) is before the first month {first}")
    spec = {
        "first": list(first),
        "count": months,
        "open": months - 1,
        "layers": [
            [layer.mode, layer.status, {"dashArray": None, **corridor_style(mode, status)}]
            for layer, mode, status in ((x, x.mode, x.status) for x in layers)
        ],
        "position": position,
        "css": "corridors-datebar",
        "speeds": [1, 4, 16],
        "tick_ms": 250,
        "width_px": 260,
    }
    control = MonthControl(data, layers, spec_js=spec)
    m.add_child(control)
    return control


class FromMonth(_Control):
    """Shows the features of some layers only from a month of the month control on (a
    programme's band from the month it was announced); see :func:`add_from_month`."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var from = {{ this.from_js }};
  [{{ this.layer_vars() }}].forEach(function (layer, n) {
    var all = layer.getLayers();
    map.on("corridorsmonth", function (e) {
      var show = e.index >= from[n];
      all.forEach(function (l) {
        if (show && !layer.hasLayer(l)) { layer.addLayer(l); }
        if (!show && layer.hasLayer(l)) { layer.removeLayer(l); }
      });
    });
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, layers: Sequence[Element], **data: object) -> None:
        super().__init__(**data)
        self.layers = list(layers)

    def layer_vars(self) -> str:
        """The layers' JS variables."""
        return ", ".join(_js_name(layer) for layer in self.layers)


def add_from_month(
    m: folium.Map,
    layers: Sequence[tuple[Element, _dt.date]],
    *,
    first: tuple[int, int] = FIRST_MONTH,
) -> FromMonth | None:
    """Show each layer's features only from its date's month on the month control (add it before
    the month control, which tells it the month). None when `layers` is empty."""
    if not layers:
        return None
    control = FromMonth(
        [layer for layer, _ in layers],
        from_js=[month_index(day, first=first) for _, day in layers],
    )
    m.add_child(control)
    return control
