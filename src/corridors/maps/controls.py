"""The Leaflet controls of our maps, written here (no third-party JS): one module for all.

- :func:`add_legend`: line styles (colour, dash) with labels;
- :func:`bind_info`: per-feature tooltip (a name) and popup (title, label/value rows and a
  list of source links) for a GeoJSON layer;
- :func:`add_panel`: a fixed table control (shipment totals, route legs);
- :func:`add_info_panel`: a fixed, foldable control showing entries built like popups
  (programmes: figures, notes and source links).

Data reaches the page only as JSON (:func:`js_string`, safe inside ``<script>``) and enters the
DOM only through ``textContent``, never parsed as HTML; a link is made only for an
``http:``/``https:`` URL, checked once in Python (:func:`corridors.maps.features.safe_url`) and
again in the browser, and set as ``href``, never as markup. A hostile name therefore shows as
text and cannot run anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from corridors.maps.js_json import js_string

__all__ = [
    "LegendEntry",
    "add_info_panel",
    "add_legend",
    "add_panel",
    "bind_info",
    "js_string",
]

LegendEntry = Mapping[str, Any]  # {"label", "color", "dash": "6 4" | None, "weight": 3}


def _js_name(target: Element | str) -> str:
    """JS variable of a folium element (resolved at render time) or a given name."""
    if isinstance(target, Element):
        return target.get_name()
    if not str(target).isidentifier():
        raise ValueError(f"not a JS variable name: {target!r}; pass the folium layer itself")
    return str(target)


class _Control(MacroElement):
    """A piece of Leaflet code whose template takes data only as JS literals.

    Each keyword becomes an attribute holding ``js_string(value)``, which the template inserts
    as ``{{ this.<keyword> }}``. Validation happens in the ``add_*``/``bind_*`` functions.
    """

    def __init__(self, **data: object) -> None:
        super().__init__()
        self._name = type(self).__name__
        for key, value in data.items():
            setattr(self, key, js_string(value))


class _LayerControl(_Control):
    """A control bound to one layer of the map (or none): ``layer_var()`` is that layer's JS
    variable, resolved at render time (after stable ids), or ``null``."""

    def __init__(self, layer: Element | str | None, **data: object) -> None:
        super().__init__(**data)
        self.layer = layer

    def layer_var(self) -> str:
        """The bound layer's JS variable, or ``null`` when there is none."""
        return "null" if self.layer is None else _js_name(self.layer)


class Legend(_Control):
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
      var ln = document.createElementNS(svgNS, e.ring ? "circle" : "line");
      if (e.ring) {  // a place marker: a filled dot in its ring
        ln.setAttribute("cx", "17"); ln.setAttribute("cy", "6"); ln.setAttribute("r", "4.5");
        ln.setAttribute("fill", e.color); ln.setAttribute("stroke", e.ring);
        ln.setAttribute("stroke-width", "1.5");
      } else {
        ln.setAttribute("x1", "1"); ln.setAttribute("y1", "6");
        ln.setAttribute("x2", "33"); ln.setAttribute("y2", "6");
        ln.setAttribute("stroke", e.color);
        ln.setAttribute("stroke-width", String(e.weight));
        if (e.dash) { ln.setAttribute("stroke-dasharray", e.dash); }
      }
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


def add_legend(
    m: folium.Map,
    entries: Iterable[LegendEntry],
    *,
    title: str = "",
    position: str = "bottomright",
) -> Legend:
    """Add a legend of line styles to `m`.

    Parameters
    ----------
    m : folium.Map
        The map.
    entries : iterable of mapping
        ``{"label", "color", "dash" (SVG dash pattern or None), "weight" (px, default 3)}``;
        with ``"ring"`` (a colour) the entry is a place marker: a dot of ``color`` in that ring.
    title : str
        Shown above the entries unless empty.
    position : str
        A Leaflet control position.

    Returns
    -------
    Legend
        The control, already added to `m`.

    Raises
    ------
    ValueError
        If an entry has no label or colour.
    """
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
                "ring": str(e["ring"]) if e.get("ring") else None,
            }
        )
    legend = Legend(entries_js=clean, title_js=title, position_js=position)
    m.add_child(legend)
    return legend


# The popup builder shared by InfoBinding and InfoPanel: DOM nodes and textContent only; a
# link only for an http(s) URL, checked again here as the browser parses it.
_INFO_JS = """  function safeHref(url) {
    if (typeof url !== "string" || !/^https?:\\/\\//i.test(url)) { return null; }
    var a = document.createElement("a");
    a.href = url;
    return (a.protocol === "http:" || a.protocol === "https:") ? a.href : null;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function build(p) {
    var box = el("div", "corridors-info");
    if (p.title) { box.appendChild(el("div", "corridors-info-title", p.title)); }
    var table = el("table", "corridors-info-rows");
    (p.rows || []).forEach(function (r) {
      var tr = el("tr");
      tr.appendChild(el("th", null, r[0]));
      tr.appendChild(el("td", null, r[1]));
      table.appendChild(tr);
    });
    box.appendChild(table);
    if (p.links && p.links.length) {
      box.appendChild(el("div", "corridors-info-sources", "Sources"));
      var list = el("ol", "corridors-info-links");
      p.links.forEach(function (s) {
        var li = el("li");
        var href = safeHref(s[1]);
        if (href) {
          var a = el("a", null, s[0]);
          a.href = href;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          li.appendChild(a);
        } else {
          li.appendChild(el("span", null, s[0]));
        }
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    return box;
  }
"""


class InfoBinding(_Control):
    """Tooltip from ``properties[tooltip_field]``, popup from ``properties[popup_field]``."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var target = {{ this._parent.get_name() }};
  var spec = {{ this.spec_js }};
"""
        + _INFO_JS
        + """  target.eachLayer(function (l) {
    var props = (l.feature && l.feature.properties) || {};
    var name = props[spec.tooltip_field];
    if (name !== undefined && name !== null && name !== "") {
      l.bindTooltip(el("span", "corridors-tooltip", name), {sticky: spec.sticky});
    }
    var p = props[spec.popup_field];
    if (p) {
      l.bindPopup(function () { return build(p); }, {maxWidth: 420, maxHeight: 420});
    }
  });
})();
{% endmacro %}
"""
    )


def bind_info(
    layer: Element,
    *,
    tooltip_field: str = "name",
    popup_field: str = "popup",
    sticky: bool = True,
) -> InfoBinding:
    """Give each feature of GeoJSON `layer` a text tooltip and a popup with source links.

    Add it right after the layer, before anything (a time control) that removes features
    from it.

    Parameters
    ----------
    layer : folium.GeoJson
        The layer whose features get the tooltip and popup.
    tooltip_field : str
        The feature property shown as the tooltip (nothing if missing or empty).
    popup_field : str
        The feature property holding the popup: ``{"title": str, "rows": [[label, text]],
        "links": [[text, url or None]]}`` (see :mod:`corridors.maps.features`); a link
        whose URL is not ``http:``/``https:`` shows as plain text.
    sticky : bool
        Whether the tooltip follows the pointer.

    Returns
    -------
    InfoBinding
        The binding, already added to `layer`.
    """
    binding = InfoBinding(
        spec_js={"tooltip_field": tooltip_field, "popup_field": popup_field, "sticky": sticky}
    )
    layer.add_child(binding)
    return binding


class Panel(_Control):
    """A Leaflet control holding a small table: title, header, rows and a footer row."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var spec = {{ this.spec_js }};
  var ctl = L.control({position: spec.position});
  function cell(tag, text, i) {
    var c = document.createElement(tag);
    c.textContent = String(text);
    if (spec.numeric[i]) { c.style.textAlign = "right"; }
    c.style.padding = "1px 4px";
    return c;
  }
  function row(tag, values) {
    var tr = document.createElement("tr");
    values.forEach(function (v, i) { tr.appendChild(cell(tag, v, i)); });
    return tr;
  }
  ctl.onAdd = function () {
    var div = L.DomUtil.create("div", "corridors-panel leaflet-bar");
    div.classList.add(spec.css_class);
    div.style.cssText = "background:#fff;padding:6px 8px;font:12px/1.4 sans-serif;" +
                        "max-width:420px;";
    var h = document.createElement("div");
    h.className = "corridors-panel-title";
    h.style.fontWeight = "bold";
    h.textContent = spec.title;
    div.appendChild(h);
    var table = document.createElement("table");
    table.style.borderCollapse = "collapse";
    var head = document.createElement("thead");
    head.appendChild(row("th", spec.columns));
    table.appendChild(head);
    var body = document.createElement("tbody");
    spec.rows.forEach(function (r) { body.appendChild(row("td", r)); });
    table.appendChild(body);
    if (spec.footer) {
      var foot = document.createElement("tfoot");
      var tr = row("th", spec.footer);
      tr.style.borderTop = "1px solid #999";
      foot.appendChild(tr);
      table.appendChild(foot);
    }
    div.appendChild(table);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  ctl.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )


def add_panel(
    m: folium.Map,
    *,
    title: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    footer: Sequence[str] | None = None,
    numeric: Sequence[bool] = (),
    css_class: str = "corridors-panel-table",
    position: str = "topright",
) -> Panel:
    """Add a table control to `m`; every cell is shown as text.

    Parameters
    ----------
    m : folium.Map
        The map.
    title : str
        The panel's heading.
    columns : sequence of str
        The header row.
    rows : sequence of sequence of str
        The body rows, each as wide as `columns`.
    footer : sequence of str, optional
        A totals row, as wide as `columns`.
    numeric : sequence of bool
        Which columns are right-aligned (missing ones are not).
    css_class : str
        An extra CSS class of the panel (tests and styles find it by this).
    position : str
        A Leaflet control position.

    Returns
    -------
    Panel
        The control, already added to `m`.

    Raises
    ------
    ValueError
        If a row or the footer is not as wide as `columns`.
    """
    width = len(columns)
    if any(len(r) != width for r in rows) or (footer is not None and len(footer) != width):
        raise ValueError(f"every panel row needs {width} cells")
    panel = Panel(
        spec_js={
            "title": title,
            "columns": [str(c) for c in columns],
            "rows": [[str(c) for c in r] for r in rows],
            "footer": None if footer is None else [str(c) for c in footer],
            "numeric": list(numeric) + [False] * (width - len(numeric)),
            "css_class": css_class,
            "position": position,
        }
    )
    m.add_child(panel)
    return panel


class InfoPanel(_Control):
    """A foldable Leaflet control listing entries shaped like popups (title, rows, links)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var spec = {{ this.spec_js }};
"""
        + _INFO_JS
        + """  var ctl = L.control({position: spec.position});
  ctl.onAdd = function () {
    // Not "leaflet-bar": Leaflet styles every link in a bar as a 26 px button.
    var div = L.DomUtil.create("div", "corridors-panel");
    div.classList.add(spec.css_class);
    div.style.cssText = "background:#fff;padding:6px 8px;font:12px/1.4 sans-serif;" +
                        "border:2px solid rgba(0,0,0,0.2);border-radius:4px;" +
                        "background-clip:padding-box;max-width:380px;max-height:60vh;" +
                        "overflow:auto;";
    var details = el("details");
    details.open = spec.open;
    var summary = el("summary", "corridors-panel-title", spec.title);
    summary.style.fontWeight = "bold";
    summary.style.cursor = "pointer";
    details.appendChild(summary);
    spec.entries.forEach(function (p) { details.appendChild(build(p)); });
    div.appendChild(details);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  ctl.addTo({{ this._parent.get_name() }});
})();
{% endmacro %}
"""
    )


def add_info_panel(
    m: folium.Map,
    entries: Sequence[Mapping[str, Any]],
    *,
    title: str,
    open_: bool = False,
    css_class: str = "corridors-info-panel",
    position: str = "bottomleft",
) -> InfoPanel:
    """Add a foldable control to `m` showing `entries` as popups show them (text and links).

    Parameters
    ----------
    m : folium.Map
        The map.
    entries : sequence of mapping
        Each ``{"title": str, "rows": [[label, text]], "links": [[text, url or None]]}`` (see
        :mod:`corridors.maps.features`); a link whose URL is not ``http:``/``https:`` shows
        as plain text.
    title : str
        The panel's heading (the line shown while it is folded).
    open_ : bool
        Whether the panel starts unfolded.
    css_class : str
        An extra CSS class of the panel (tests and styles find it by this).
    position : str
        A Leaflet control position.

    Returns
    -------
    InfoPanel
        The control, already added to `m`.

    Raises
    ------
    ValueError
        If an entry has no title.
    """
    clean = []
    for entry in entries:
        if not entry.get("title"):
            raise ValueError(f"info panel entry needs a 'title': {entry!r}")
        clean.append(
            {
                "title": str(entry["title"]),
                "rows": [[str(a), str(b)] for a, b in entry.get("rows", [])],
                "links": [
                    [str(a), None if b is None else str(b)] for a, b in entry.get("links", [])
                ],
            }
        )
    panel = InfoPanel(
        spec_js={
            "title": title,
            "entries": clean,
            "open": bool(open_),
            "css_class": css_class,
            "position": position,
        }
    )
    m.add_child(panel)
    return panel
