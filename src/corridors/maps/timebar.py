"""Maps in time: the atlas's month control and the shipments map's day axis (no third-party JS).

- the atlas's month control (:mod:`corridors.maps.atlas_layers`) is this module's time bar
  over one short list of change points per corridor (:func:`status_changes`,
  :func:`corridor_changes`), not a copy of each feature per month;
- :func:`add_shipments_timebar`: an even day axis (one day is the same distance on the
  slider) with start and end labels, play/pause, speed, a cumulative or window mode, a
  shipment filter, a tonnes panel that follows the date, and each leg drawn at its own
  pixel offset so legs along the same water stay side by side (:func:`leg_offsets`).

Data reaches the page only as JSON (:func:`~corridors.maps.controls.js_string`) and enters
the DOM only through ``textContent``.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence

import folium
from branca.element import Element
from jinja2 import Template

from corridors.maps.controls import _LayerControl
from corridors.maps.features import fmt_tonnes
from corridors.maps.months import (
    FIRST_MONTH,
    corridor_changes,
    month_end,
    month_index,
    status_changes,
)

__all__ = [
    "FIRST_MONTH",
    "corridor_changes",
    "SHIPMENT_COLORS",
    "add_shipments_timebar",
    "leg_offsets",
    "month_end",
    "month_index",
    "status_changes",
]

SHIPMENT_COLORS = (
    "#e67e22",
    "#8e44ad",
    "#16a085",
    "#d4ac0d",
    "#e84393",
    "#2e86c1",
    "#6e2c00",
    "#27ae60",
    "#5d6d7e",
    "#c0392b",
)
"""One colour per shipment, in order (cycled); none is a mode colour of maps/style.py."""
SPEEDS = (1, 4, 16)
"""Days advanced per tick at each play speed."""
TICK_MS = 120
WINDOW_DAYS = 30
"""The window mode shows legs under way in the last this many days."""
OFFSET_CELL_DEGREES = 0.05
OFFSET_MIN_SHARED_CELLS = 3
OFFSET_GAP_PX = 1.0


# The bar both controls share: play/pause, start label, even range, end label, date label,
# speed and (if spec.modes) a mode switch. show(i) draws position i and returns its label;
# the bar's div carries data-date and data-index for tests.
_BAR_JS = """  function timeBar(map, spec, show, name, mode) {
    var ctl = L.control({position: spec.position});
    var st = {i: spec.open, timer: null, speed: spec.speeds[0]};
    var bar = {div: null};
    function mk(tag, cls, parent, text) {
      var e = L.DomUtil.create(tag, cls, parent);
      if (text !== undefined) { e.textContent = String(text); }
      return e;
    }
    var button, input, label;
    function go(i) {
      st.i = Math.max(0, Math.min(spec.count - 1, i));
      input.value = String(st.i);
      show(st.i, bar.div);
      label.textContent = name(st.i);
      bar.div.setAttribute("data-date", name(st.i));
      bar.div.setAttribute("data-index", String(st.i));
    }
    function stop() {
      if (st.timer !== null) { clearInterval(st.timer); st.timer = null; }
      button.textContent = "\\u25B6"; button.title = "Play";
      bar.div.setAttribute("data-playing", "0");
    }
    function tick() {
      if (st.i >= spec.count - 1) { stop(); return; }
      go(st.i + st.speed);
    }
    function play() {
      stop();
      if (st.i >= spec.count - 1) { go(0); }
      st.timer = setInterval(tick, spec.tick_ms);
      button.textContent = "\\u23F8"; button.title = "Pause";
      bar.div.setAttribute("data-playing", "1");
    }
    ctl.onAdd = function () {
      var div = L.DomUtil.create("div", spec.css + " corridors-bar leaflet-bar");
      bar.div = div;
      div.style.cssText = "background:#fff;padding:4px 8px;font:12px sans-serif;" +
                          "display:flex;align-items:center;gap:6px;flex-wrap:wrap;";
      button = mk("button", spec.css + "-play", div);
      button.type = "button";
      mk("span", spec.css + "-start", div, name(0));
      input = mk("input", spec.css + "-range", div);
      input.type = "range"; input.min = "0"; input.max = String(spec.count - 1);
      input.step = "1";
      input.style.width = String(spec.width_px) + "px";
      mk("span", spec.css + "-end", div, name(spec.count - 1));
      label = mk("b", spec.css + "-label", div, "");
      var speed = mk("select", spec.css + "-speed", div);
      speed.title = "Speed";
      spec.speeds.forEach(function (s) {
        var o = mk("option", null, speed, String(s) + "\\u00D7");
        o.value = String(s);
      });
      speed.addEventListener("change", function () { st.speed = parseInt(speed.value, 10); });
      if (mode && spec.modes) {
        var pick = mk("select", spec.css + "-mode", div);
        pick.title = "Show";
        spec.modes.forEach(function (m) {
          var o = mk("option", null, pick, m[1]);
          o.value = m[0];
        });
        pick.value = mode.value;
        pick.addEventListener("change", function () { mode.value = pick.value; go(st.i); });
      }
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      button.addEventListener("click", function () {
        if (st.timer === null) { play(); } else { stop(); }
      });
      input.addEventListener("input", function () { stop(); go(parseInt(input.value, 10)); });
      return div;
    };
    ctl.addTo(map);
    stop();
    go(spec.open);
    bar.refresh = function () { go(st.i); };
    return bar;
  }
"""

# A leg drawn at a fixed pixel offset to the left of its direction, recomputed from the
# projected points at every zoom (Leaflet projects, then this shifts each vertex along the
# mean normal of its two segments, the miter capped at 3x so sharp turns do not spike).
_OFFSET_JS = """  function offsetPoints(pts, d) {
    var n = pts.length, out = [];
    for (var i = 0; i < n; i++) {
      var nx = 0, ny = 0, dx, dy, len, ends = 0;
      if (i > 0) {
        dx = pts[i].x - pts[i - 1].x; dy = pts[i].y - pts[i - 1].y;
        len = Math.sqrt(dx * dx + dy * dy);
        if (len > 0) { nx += -dy / len; ny += dx / len; ends += 1; }
      }
      if (i < n - 1) {
        dx = pts[i + 1].x - pts[i].x; dy = pts[i + 1].y - pts[i].y;
        len = Math.sqrt(dx * dx + dy * dy);
        if (len > 0) { nx += -dy / len; ny += dx / len; ends += 1; }
      }
      var m = Math.sqrt(nx * nx + ny * ny);
      if (m < 1e-9) { out.push(pts[i]); continue; }
      var scale = ends === 2 ? Math.min(2 / m, 3) : 1;
      out.push(L.point(pts[i].x + nx / m * d * scale, pts[i].y + ny / m * d * scale));
    }
    return out;
  }
  function offsetLine(l, d) {
    if (!l._project) { return; }
    var project = l._project;
    l._project = function () {
      project.call(this);
      this._rings = this._rings.map(function (r) { return offsetPoints(r, d); });
      var b = this._pxBounds, w = Math.abs(d) + 1;
      if (b) { this._pxBounds = L.bounds(b.min.subtract([w, w]), b.max.add([w, w])); }
    };
  }
"""


# ---------------------------------------------------------------- shipments


def _cells(coords: Sequence[Sequence[float]]) -> set[tuple[int, int]]:
    """Grid cells (OFFSET_CELL_DEGREES) a line passes, sampled at a fifth of a cell."""
    step = OFFSET_CELL_DEGREES / 5
    out: set[tuple[int, int]] = set()
    pts = [(float(p[0]), float(p[1])) for p in coords]
    for (x0, y0), (x1, y1) in zip(pts, pts[1:], strict=False):
        n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / step))
        for k in range(n + 1):
            x, y = x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n
            out.add((int(x // OFFSET_CELL_DEGREES), int(y // OFFSET_CELL_DEGREES)))
    return out


def leg_offsets(
    lines: Sequence[Sequence[Sequence[float]]], weights: Sequence[float]
) -> list[float]:
    """A pixel offset per line so that lines along the same way lie side by side.

    Two lines overlap when they pass at least ``OFFSET_MIN_SHARED_CELLS`` common cells of a
    ~5 km grid (sharing an end port is not enough). Each line in turn takes the offset
    nearest 0 where its band (its width, plus a 1 px gap) clears the bands of the lines it
    overlaps that are already placed. Offsets are perpendicular to the line's direction, in
    screen pixels, so they hold at every zoom.
    """
    cells = [_cells(line) for line in lines]
    placed: list[tuple[int, float]] = []  # (line index, offset)
    out: list[float] = []
    for i, weight in enumerate(weights):
        bands = [
            (off - weights[j] / 2 - OFFSET_GAP_PX, off + weights[j] / 2 + OFFSET_GAP_PX)
            for j, off in placed
            if len(cells[i] & cells[j]) >= OFFSET_MIN_SHARED_CELLS
        ]
        half = weight / 2
        candidates = [0.0] + [b[1] + half for b in bands] + [b[0] - half for b in bands]
        free = [c for c in candidates if all(c + half <= lo or c - half >= hi for lo, hi in bands)]
        best = min(free, key=lambda c: (abs(c), -c))
        out.append(round(best, 1))
        placed.append((i, best))
    return out


class ShipmentsTimebar(_LayerControl):
    """The shipments map's day axis, filter and tonnes panel; see :func:`add_shipments_timebar`."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var layer = {{ this.layer_var() }};
  var spec = {{ this.spec_js }};
"""
        + _BAR_JS
        + _OFFSET_JS
        + """
  var day0 = Date.UTC(spec.first[0], spec.first[1] - 1, spec.first[2]);
  function dayName(i) { return new Date(day0 + i * 86400000).toISOString().slice(0, 10); }
  function tonnes(t) {
    return String(Math.round(t)).replace(/\\B(?=(\\d{3})+(?!\\d))/g, ",") + " t";
  }
  var on = spec.shipments.map(function () { return true; });
  var mode = {value: spec.mode};
  var legs = [];
  layer.eachLayer(function (l) {
    var f = l.feature;
    var g = f && spec.legs[f.id];
    if (!g) { return; }
    if (g[3]) { offsetLine(l, g[3]); }
    legs.push({l: l, s: g[0], e: g[1], k: g[2]});
  });
  var cells = [];
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined) { e.textContent = String(text); }
    return e;
  }
  // the tonnes panel: delivered so far per destination
  var panel = L.control({position: "topright"});
  var panelDate;
  var foot;
  panel.onAdd = function () {
    var div = L.DomUtil.create("div", "corridors-panel leaflet-bar corridors-totals");
    div.style.cssText = "background:#fff;padding:6px 8px;font:12px/1.4 sans-serif;";
    div.appendChild(el("div", "corridors-panel-title", spec.title)).style.fontWeight = "bold";
    panelDate = div.appendChild(el("div", "corridors-totals-date", ""));
    var table = div.appendChild(el("table"));
    table.style.borderCollapse = "collapse";
    var tr = table.appendChild(el("thead")).appendChild(el("tr"));
    spec.columns.forEach(function (c, i) {
      var th = tr.appendChild(el("th", null, c));
      th.style.padding = "1px 4px";
      if (i) { th.style.textAlign = "right"; }
    });
    var body = table.appendChild(el("tbody"));
    function row(parent, name, tag) {
      var r = parent.appendChild(el("tr"));
      r.appendChild(el(tag, null, name)).style.padding = "1px 4px";
      var t = r.appendChild(el(tag, null, "")), n = r.appendChild(el(tag, null, ""));
      [t, n].forEach(function (c) { c.style.textAlign = "right"; c.style.padding = "1px 4px"; });
      return [t, n];
    }
    spec.destinations.forEach(function (d) { cells.push(row(body, d, "td")); });
    var tf = table.appendChild(el("tfoot"));
    foot = row(tf, spec.total_label, "th");
    tf.firstChild.style.borderTop = "1px solid #999";
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  panel.addTo(map);
  // the filter: one checkbox per shipment, in its colour
  var filter = L.control({position: "bottomright"});
  filter.onAdd = function () {
    var div = L.DomUtil.create("div", "corridors-panel leaflet-bar corridors-shipment-filter");
    div.style.cssText = "background:#fff;padding:6px 8px;font:12px/1.4 sans-serif;";
    div.appendChild(el("div", null, spec.filter_title)).style.fontWeight = "bold";
    spec.shipments.forEach(function (s, k) {
      var lab = div.appendChild(el("label", "corridors-shipment"));
      lab.style.display = "block";
      var box = lab.appendChild(el("input"));
      box.type = "checkbox"; box.checked = true;
      box.setAttribute("data-shipment", String(k));
      var sw = lab.appendChild(el("span", "corridors-shipment-swatch", ""));
      sw.style.cssText = "display:inline-block;width:18px;height:4px;margin:0 6px 3px 2px;" +
                         "vertical-align:middle;";
      sw.style.background = s[1];
      lab.appendChild(el("span", "corridors-shipment-name", s[0]));
      box.addEventListener("change", function () { on[k] = box.checked; bar.refresh(); });
    });
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  filter.addTo(map);
  function show(d, div) {
    var from = mode.value === "window" ? d - spec.window + 1 : -Infinity, n = 0;
    legs.forEach(function (g) {
      var v = on[g.k] && g.s <= d && g.e >= from;
      if (v) { n += 1; }
      if (v && !layer.hasLayer(g.l)) { layer.addLayer(g.l); }
      if (!v && layer.hasLayer(g.l)) { layer.removeLayer(g.l); }
    });
    var sums = spec.destinations.map(function () { return [0, 0]; }), total = [0, 0];
    spec.finals.forEach(function (f) {
      if (on[f[3]] && f[2] <= d) {
        sums[f[0]][0] += f[1]; sums[f[0]][1] += 1; total[0] += f[1]; total[1] += 1;
      }
    });
    sums.forEach(function (s, i) {
      cells[i][0].textContent = tonnes(s[0]); cells[i][1].textContent = String(s[1]);
    });
    foot[0].textContent = tonnes(total[0]); foot[1].textContent = String(total[1]);
    panelDate.textContent = spec.delivered_by + " " + dayName(d) + " (" + spec.in_all + ")";
    div.setAttribute("data-visible", String(n));
    div.setAttribute("data-tonnes", String(total[0]));
  }
  var bar = timeBar(map, spec, show, dayName, mode);
})();
{% endmacro %}
"""
    )


def add_shipments_timebar(
    m: folium.Map,
    layer: Element | str,
    *,
    first_day: _dt.date,
    last_day: _dt.date,
    legs: Mapping[str, tuple[_dt.date, _dt.date, int, float]],
    shipments: Sequence[tuple[str, str]],
    destinations: Sequence[str],
    finals: Sequence[tuple[int, float, _dt.date, int]],
    cumulative: bool = True,
    position: str = "bottomleft",
) -> ShipmentsTimebar:
    """Add the day axis, the shipment filter and the tonnes panel to the shipments map `m`.

    It opens on the last day, cumulative: everything delivered.

    Parameters
    ----------
    m : folium.Map
        The map.
    layer : folium.GeoJson or str
        The legs layer (features found by ``id``).
    first_day, last_day : datetime.date
        The ends of the axis.
    legs : mapping
        Per leg feature id: (first day, last day, shipment number, pixel offset).
    shipments : sequence of (str, str)
        (name, colour) per shipment number.
    destinations : sequence of str
        The tonnes panel's rows (destination names), in order.
    finals : sequence of (int, float, datetime.date, int)
        Per final leg: (row in `destinations`, tonnes, day delivered, shipment number).
    cumulative : bool
        Whether the map opens in the cumulative mode (else in the window mode).
    position : str
        A Leaflet control position.

    Returns
    -------
    ShipmentsTimebar
        The control, already added to `m`.
    """
    count = (last_day - first_day).days + 1
    if count < 1:
        raise ValueError(f"the last day {last_day} is before the first day {first_day}")

    def day(d: _dt.date) -> int:
        return (d - first_day).days

    spec = {
        "first": [first_day.year, first_day.month, first_day.day],
        "count": count,
        "open": count - 1,
        "legs": {fid: [day(s), day(e), int(k), float(off)] for fid, (s, e, k, off) in legs.items()},
        "shipments": [[str(n), str(c)] for n, c in shipments],
        "destinations": [str(d) for d in destinations],
        "finals": [[int(r), float(t), day(d), int(k)] for r, t, d, k in finals],
        "mode": "cumulative" if cumulative else "window",
        "modes": [["cumulative", "Cumulative"], ["window", f"Last {WINDOW_DAYS} days"]],
        "window": WINDOW_DAYS,
        "title": "Tonnes delivered per destination",
        "columns": ["Destination", "Tonnes", "Legs"],
        "total_label": "Total",
        "delivered_by": "Delivered by",
        "in_all": f"of {fmt_tonnes(sum(t for _, t, _, _ in finals))} in all",
        "filter_title": "Shipments",
        "position": position,
        "css": "corridors-timebar",
        "speeds": list(SPEEDS),
        "tick_ms": TICK_MS,
        "width_px": 300,
    }
    bar = ShipmentsTimebar(layer, spec_js=spec)
    m.add_child(bar)
    return bar
