"""Popups that fit their content and the map, and no hover tooltip while one is open.

:func:`add_popup_fit` gives every map one behaviour: a popup is at most 420 px wide and as
tall as fits the map (at most 420 px); longer content scrolls inside it (Leaflet's
``maxHeight``), long words and URLs wrap instead of being cut; while a popup is open the map
carries the class ``corridors-popup-open`` and tooltips are hidden, so none covers the popup.
"""

from __future__ import annotations

import folium
from jinja2 import Template

from corridors.maps.controls import _Control
from corridors.maps.safe_render import HeadStyle
from corridors.maps.style import FONT_STACK

__all__ = ["POPUP_MAX_PX", "PopupFit", "add_popup_fit"]

POPUP_MAX_PX = 420  # widest and tallest a popup gets (less on a small map)

POPUP_CSS = f"""<style>
.corridors-popup-open .leaflet-tooltip-pane{{display:none;}}
.leaflet-popup-content .corridors-info{{overflow-wrap:anywhere;}}
.leaflet-popup-scrolled{{overflow-x:hidden;overflow-y:auto;}}
.corridors-info,.corridors-panel,.corridors-legend,.corridors-label,.leaflet-tooltip,
.leaflet-control-layers,.corridors-time-control{{font-family:{FONT_STACK} !important;}}
</style>"""


class PopupFit(_Control):
    """Sizes each popup to the map when it opens; hides tooltips while it is open."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  var most = {{ this.most_js }};
  map.on("popupopen", function (e) {
    var size = map.getSize(), o = e.popup.options;
    var w = Math.max(160, Math.min(most, size.x - 80));
    var h = Math.max(120, Math.min(most, size.y - 120));
    if (o.maxWidth !== w || o.maxHeight !== h) {
      o.maxWidth = w; o.maxHeight = h; o.minWidth = Math.min(200, w);
      e.popup.update();
    }
    map.getContainer().classList.add("corridors-popup-open");
  });
  map.on("popupclose", function () {
    map.getContainer().classList.remove("corridors-popup-open");
  });
})();
{% endmacro %}
"""
    )


def add_popup_fit(m: folium.Map, *, most_px: int = POPUP_MAX_PX) -> PopupFit:
    """Give `m` popups that fit (at most `most_px` wide and tall, scrolling inside) and hide
    tooltips while a popup is open; also sets the fonts (a CJK fallback) of popups, tooltips,
    legends and labels (:data:`~corridors.maps.style.FONT_STACK`)."""
    m.add_child(HeadStyle(POPUP_CSS, name="PopupCss", key="corridors_popup_css"))
    fit = PopupFit(most_js=int(most_px))
    m.add_child(fit)
    return fit
