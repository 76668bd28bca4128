"""Two small Leaflet pieces the maps need beyond corridors.maps.leaflet (no third-party JS).

- :func:`bind_info`: per-feature tooltip (a name) and popup (title, label/value rows and a list
  of source links) for a GeoJSON layer;
- :func:`add_panel`: a fixed table control (shipment totals, route legs).

Data reaches the page only as JSON (``js_string``/``tojson``) and enters the DOM only through
``textContent``; a link is made only for an ``http:``/``https:`` URL, checked once in Python
(:func:`corridors.maps.features.safe_url`) and again in the browser, and set as ``href``,
never as markup. A hostile name therefore shows as text and cannot run anything.
"""

from __future__ import annotations

from collections.abc import Sequence

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from corridors.maps.leaflet import js_string

__all__ = ["InfoBinding", "Panel", "add_panel", "bind_info"]


class InfoBinding(MacroElement):
    """Tooltip from ``properties[tooltip_field]``, popup from ``properties[popup_field]``."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var target = {{ this._parent.get_name() }};
  var spec = {{ this.spec_js }};
  function safeHref(url) {
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
  target.eachLayer(function (l) {
    var props = (l.feature && l.feature.properties) || {};
    var name = props[spec.tooltip_field];
    if (name !== undefined && name !== null && name !== "") {
      l.bindTooltip(el("span", "corridors-tooltip", name), {sticky: spec.sticky});
    }
    var p = props[spec.popup_field];
    if (p) {
      l.bindPopup(function () { return build(p); }, {maxWidth: 380, maxHeight: 340});
    }
  });
})();
{% endmacro %}
"""
    )

    def __init__(self, *, tooltip_field: str, popup_field: str, sticky: bool):
        super().__init__()
        self._name = "InfoBinding"
        self.spec_js = js_string(
            {"tooltip_field": tooltip_field, "popup_field": popup_field, "sticky": sticky}
        )


def bind_info(
    layer: Element,
    *,
    tooltip_field: str = "name",
    popup_field: str = "popup",
    sticky: bool = True,
) -> InfoBinding:
    """Give each feature of GeoJSON `layer` a text tooltip and a popup with source links.

    ``properties[popup_field]`` is ``{"title": str, "rows": [[label, text]], "links":
    [[text, url or None]]}`` (see :mod:`corridors.maps.features`). Add it right after the
    layer, before anything (a time control) that removes features from it.
    """
    binding = InfoBinding(tooltip_field=tooltip_field, popup_field=popup_field, sticky=sticky)
    layer.add_child(binding)
    return binding


class Panel(MacroElement):
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

    def __init__(
        self,
        *,
        title: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[str]],
        footer: Sequence[str] | None,
        numeric: Sequence[bool],
        css_class: str,
        position: str,
    ):
        super().__init__()
        self._name = "Panel"
        width = len(columns)
        if any(len(r) != width for r in rows) or (footer is not None and len(footer) != width):
            raise ValueError(f"every panel row needs {width} cells")
        self.spec_js = js_string(
            {
                "title": title,
                "columns": [str(c) for c in columns],
                "rows": [[str(c) for c in r] for r in rows],
                "footer": None if footer is None else [str(c) for c in footer],
                "numeric": list(numeric) + [False] * (width - len(numeric)),
                "css_class": css_class,
                "position": position,
            }
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
    """Add a table control to `m`; all cells are text. `numeric` right-aligns columns."""
    panel = Panel(
        title=title,
        columns=columns,
        rows=rows,
        footer=footer,
        numeric=numeric,
        css_class=css_class,
        position=position,
    )
    m.add_child(panel)
    return panel
