"""Small Leaflet controls written here (no third-party JS): legend, time slider, safe labels.

Every data string reaches the page through `js_string` (JSON, safe inside <script>) and is put
into the DOM with `textContent`, never parsed as HTML, so place names cannot inject markup or
script. `escape_html` is for the rare case where HTML text must be built in Python.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

__all__ = [
    "LegendEntry",
    "add_legend",
    "add_time_control",
    "bind_text",
    "escape_html",
    "js_string",
]

LegendEntry = Mapping[str, Any]  # {"label", "color", "dash": "6 4" | None, "weight": 3}


def escape_html(text: object) -> str:
    """`text` as HTML text or attribute value (quotes escaped too)."""
    return html.escape(str(text), quote=True)


def js_string(value: object) -> str:
    """`value` (any JSON value) as a JS literal safe inside an HTML <script> element.

    `<`, `>`, `&` and the JS line separators are \\u-escaped, so `</script>` or `<!--` in data
    cannot end the script block.
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text


def _js_name(target: Element | str) -> str:
    """JS variable of a folium element (resolved at render time) or a given name."""
    if isinstance(target, Element):
        return target.get_name()
    if not str(target).isidentifier():
        raise ValueError(f"not a JS variable name: {target!r}; pass the folium layer itself")
    return str(target)


class Legend(MacroElement):
    """A Leaflet control listing line styles (colour, dash pattern) with labels."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var entries = {{ this.entries_js }};
  var ctl = L.control({position: {{ this.position_js }}});
  ctl.onAdd = function () {
    var div = L.DomUtil.create("div", "corridors-legend leaflet-bar");
    div.style.cssText = "background:#fff;padding:6px 8px;font:12px/1.4 sans-serif;";
    var svgNS = "http://www.w3.org/2000/svg";
    if ({{ this.title_js }}) {
      var h = document.createElement("div");
      h.style.fontWeight = "bold";
      h.textContent = {{ this.title_js }};
      div.appendChild(h);
    }
    entries.forEach(function (e) {
      var row = document.createElement("div");
      row.className = "corridors-legend-row";
      var svg = document.createElementNS(svgNS, "svg");
      svg.setAttribute("width", "34"); svg.setAttribute("height", "12");
      svg.style.verticalAlign = "middle"; svg.style.marginRight = "6px";
      var ln = document.createElementNS(svgNS, "line");
      ln.setAttribute("x1", "1"); ln.setAttribute("y1", "6");
      ln.setAttribute("x2", "33"); ln.setAttribute("y2", "6");
      ln.setAttribute("stroke", e.color);
      ln.setAttribute("stroke-width", String(e.weight));
      if (e.dash) { ln.setAttribute("stroke-dasharray", e.dash); }
      svg.appendChild(ln);
      var label = document.createElement("span");
      label.textContent = e.label;
      row.appendChild(svg); row.appendChild(label);
      div.appendChild(row);
    });
    return div;
  };
  ctl.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )

    def __init__(
        self, entries: Iterable[LegendEntry], *, title: str = "", position: str = "bottomright"
    ):
        super().__init__()
        self._name = "Legend"
        clean = []
        for e in entries:
            if "label" not in e or "color" not in e:
                raise ValueError(f"legend entry needs 'label' and 'color': {e!r}")
            clean.append(
                {
                    "label": str(e["label"]),
                    "color": str(e["color"]),
                    "dash": str(e["dash"]) if e.get("dash") else None,
                    "weight": float(e.get("weight", 3)),
                }
            )
        self.entries_js = js_string(clean)
        self.title_js = js_string(title)
        self.position_js = js_string(position)


def add_legend(
    m: folium.Map,
    entries: Iterable[LegendEntry],
    *,
    title: str = "",
    position: str = "bottomright",
) -> Legend:
    """Add a legend of line styles to `m`: entries are {"label", "color", "dash", "weight"}."""
    legend = Legend(entries, title=title, position=position)
    m.add_child(legend)
    return legend


class TimeControl(MacroElement):
    """Play/pause + range input + date label; shows features of a GeoJSON layer whose
    `start`..`end` (ISO dates, inclusive; either may be missing or partial like "2014-11")
    contain the current date."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var layer = {{ this.layer_var() }};
  var dates = {{ this.dates_js }};
  var startKey = {{ this.start_js }}, endKey = {{ this.end_js }};
  var all = [];
  layer.eachLayer(function (l) { all.push(l); });
  function shown(l, d) {
    var p = (l.feature && l.feature.properties) || {};
    var s = p[startKey], e = p[endKey];
    return (!s || d.slice(0, s.length) >= s) && (!e || d.slice(0, e.length) <= e);
  }
  var ctl = L.control({position: {{ this.position_js }}});
  var state = {i: 0, timer: null};
  var div, button, input, label;
  function show(i) {
    state.i = i;
    var d = dates[i], n = 0;
    all.forEach(function (l) {
      var v = shown(l, d);
      if (v) { n += 1; }
      if (v && !layer.hasLayer(l)) { layer.addLayer(l); }
      if (!v && layer.hasLayer(l)) { layer.removeLayer(l); }
    });
    input.value = String(i);
    label.textContent = d;
    div.setAttribute("data-date", d);
    div.setAttribute("data-visible", String(n));
  }
  function stop() {
    if (state.timer !== null) { clearInterval(state.timer); state.timer = null; }
    button.textContent = "\\u25B6"; button.title = "Play";
  }
  function play() {
    stop();
    state.timer = setInterval(function () { show((state.i + 1) % dates.length); },
                              {{ this.interval_ms }});
    button.textContent = "\\u23F8"; button.title = "Pause";
  }
  ctl.onAdd = function () {
    div = L.DomUtil.create("div", "corridors-time-control leaflet-bar");
    div.style.cssText = "background:#fff;padding:4px 8px;font:12px sans-serif;" +
                        "display:flex;align-items:center;gap:6px;";
    button = L.DomUtil.create("button", "corridors-time-play", div);
    button.type = "button";
    input = L.DomUtil.create("input", "corridors-time-range", div);
    input.type = "range"; input.min = "0"; input.max = String(dates.length - 1);
    input.step = "1";
    label = L.DomUtil.create("span", "corridors-time-label", div);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    button.addEventListener("click", function () {
      if (state.timer === null) { play(); } else { stop(); }
    });
    input.addEventListener("input", function () { stop(); show(parseInt(input.value, 10)); });
    return div;
  };
  ctl.addTo(map);
  stop();
  show(0);
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        layer: Element | str,
        dates: Sequence[str],
        *,
        start_field: str = "start",
        end_field: str = "end",
        interval_ms: int = 1000,
        position: str = "bottomleft",
    ):
        super().__init__()
        self._name = "TimeControl"
        dates = [str(d) for d in dates]
        if not dates:
            raise ValueError("time control needs at least one date")
        if dates != sorted(dates):
            raise ValueError(f"dates must be ISO strings in increasing order: {dates}")
        _js_name(layer)  # validate a string name early
        self.layer = layer
        self.dates_js = js_string(dates)
        self.start_js = js_string(start_field)
        self.end_js = js_string(end_field)
        self.interval_ms = int(interval_ms)
        self.position_js = js_string(position)

    def layer_var(self) -> str:
        """The filtered layer's JS variable, resolved at render time (after stable ids)."""
        return _js_name(self.layer)


def add_time_control(
    m: folium.Map,
    layer: Element | str,
    dates: Sequence[str],
    *,
    start_field: str = "start",
    end_field: str = "end",
    interval_ms: int = 1000,
    position: str = "bottomleft",
) -> TimeControl:
    """Add a time slider filtering `layer` (a folium GeoJson, or its JS variable name).

    Add it after the layer; the layer's data must be embedded (folium's default embed=True).
    """
    ctl = TimeControl(
        layer,
        dates,
        start_field=start_field,
        end_field=end_field,
        interval_ms=interval_ms,
        position=position,
    )
    m.add_child(ctl)
    return ctl


class TextBinding(MacroElement):
    """Plain-text tooltip/popup for a layer: per-feature from GeoJSON properties, or fixed."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var target = {{ this._parent.get_name() }};
  var spec = {{ this.spec_js }};
  function text(props, fixed, field) {
    if (fixed !== null) { return fixed; }
    var v = props ? props[field] : undefined;
    return (v === undefined || v === null) ? "" : String(v);
  }
  function rows(props) {
    var box = document.createElement("div");
    box.className = "corridors-popup";
    if (spec.popup !== null) {
      box.textContent = spec.popup;
      return box;
    }
    spec.popup_fields.forEach(function (f) {
      var v = props ? props[f[0]] : undefined;
      if (v === undefined || v === null || v === "") { return; }
      var row = document.createElement("div");
      var b = document.createElement("b");
      b.textContent = f[1] + ": ";
      row.appendChild(b);
      row.appendChild(document.createTextNode(Array.isArray(v) ? v.join(", ") : String(v)));
      box.appendChild(row);
    });
    return box;
  }
  function bind(l) {
    var props = l.feature ? l.feature.properties : null;
    if (spec.tooltip !== null || spec.tooltip_field !== null) {
      var t = document.createElement("span");
      t.className = "corridors-tooltip";
      t.textContent = text(props, spec.tooltip, spec.tooltip_field);
      l.bindTooltip(t, {sticky: spec.sticky});
    }
    if (spec.popup !== null || spec.popup_fields.length) {
      l.bindPopup(function () { return rows(props); });
    }
  }
  if (target.eachLayer && !target.getLatLng && !target.getLatLngs) {
    target.eachLayer(bind);
  } else {
    bind(target);
  }
})();
{% endmacro %}
"""
    )

    def __init__(
        self,
        *,
        tooltip: str | None = None,
        tooltip_field: str | None = None,
        popup: str | None = None,
        popup_fields: Sequence[str | tuple[str, str]] = (),
        sticky: bool = True,
    ):
        super().__init__()
        self._name = "TextBinding"
        fields = [(f, f) if isinstance(f, str) else (str(f[0]), str(f[1])) for f in popup_fields]
        self.spec_js = js_string(
            {
                "tooltip": tooltip,
                "tooltip_field": tooltip_field,
                "popup": popup,
                "popup_fields": fields,
                "sticky": sticky,
            }
        )


def bind_text(
    layer: Element,
    *,
    tooltip: str | None = None,
    tooltip_field: str | None = None,
    popup: str | None = None,
    popup_fields: Sequence[str | tuple[str, str]] = (),
    sticky: bool = True,
) -> TextBinding:
    """Attach plain-text tooltip/popup to `layer` (never parsed as HTML).

    For a GeoJson layer give `tooltip_field` and `popup_fields` (property names, or
    (property, label) pairs) to label each feature; for a single marker/line give `tooltip`
    and/or `popup` text. Use this instead of folium.Tooltip/Popup for data strings: those put
    the text into a JS template literal and HTML unescaped.
    """
    binding = TextBinding(
        tooltip=tooltip,
        tooltip_field=tooltip_field,
        popup=popup,
        popup_fields=popup_fields,
        sticky=sticky,
    )
    layer.add_child(binding)
    return binding
