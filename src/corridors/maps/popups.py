"""Popups that fit their content and the map, and no hover tooltip while one is open.

:func:`add_popup_fit` gives every map one behaviour: a popup is at most 420 px wide and tall,
and never wider or taller than the window leaves room for (CSS ``max-width``/``max-height``
on the content, which Leaflet measures before it pans the popup into view); longer content
scrolls inside it, long words and URLs wrap instead of being cut; while a popup is open the map
carries the class ``corridors-popup-open`` and tooltips are hidden, so none covers the popup.
A popup is also never taller than its map leaves room for, and 350 ms after it opens, when
Leaflet's auto-pan should be over, whatever still sticks out of the map is panned back in
(Leaflet measures once, before fonts and wrapping settle, and its pan can stay unfinished,
which left popups 30-160 px outside a 900x520 map).
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
.leaflet-popup-content{{max-width:min({POPUP_MAX_PX}px,calc(100vw - 80px));
  max-height:min({POPUP_MAX_PX}px,calc(100vh - 140px));overflow-x:hidden;overflow-y:auto;}}
.corridors-info,.corridors-panel,.corridors-legend,.corridors-label,.leaflet-tooltip,
.leaflet-control-layers,.corridors-time-control{{font-family:{FONT_STACK} !important;}}
</style>"""


class PopupFit(_Control):
    """Marks the map while a popup is open (CSS then hides the tooltips)."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  map.on("popupopen", function (e) {
    map.getContainer().classList.add("corridors-popup-open");
    // Never taller than the map leaves room for.
    var popup = e.popup, room = map.getSize().y - 90;
    if (room > 100 && popup.options.maxHeight > room) {
      popup.options.maxHeight = room;
      popup.update();
    }
    // Leaflet pans on its first measure (before fonts and wrapping settle) and its pan can be
    // left unfinished: once it is over, pan whatever still sticks out back into the map.
    setTimeout(function () {
      if (!map.hasLayer(popup) || !popup.getElement()) { return; }
      if (map._panAnim) { map._panAnim.stop(); }  // a pan still under way ends here
      var box = popup.getElement().getBoundingClientRect();
      var frame = map.getContainer().getBoundingClientRect(), pad = 5, dx = 0, dy = 0;
      if (box.top < frame.top + pad) { dy = box.top - frame.top - pad; }
      else if (box.bottom > frame.bottom - pad) { dy = box.bottom - frame.bottom + pad; }
      if (box.left < frame.left + pad) { dx = box.left - frame.left - pad; }
      else if (box.right > frame.right - pad) { dx = box.right - frame.right + pad; }
      if (dx || dy) { map.panBy([Math.round(dx), Math.round(dy)], {animate: false}); }
    }, 350);
  });
  map.on("popupclose", function () {
    map.getContainer().classList.remove("corridors-popup-open");
  });
})();
{% endmacro %}
"""
    )


def add_popup_fit(m: folium.Map) -> PopupFit:
    """Give `m` popups that fit (at most :data:`POPUP_MAX_PX` wide and tall and never more than
    the window, scrolling inside) and hide tooltips while a popup is open; also sets the fonts
    (a CJK fallback) of popups, tooltips, legends and labels
    (:data:`~corridors.maps.style.FONT_STACK`)."""
    m.add_child(HeadStyle(POPUP_CSS, name="PopupCss", key="corridors_popup_css"))
    fit = PopupFit()
    m.add_child(fit)
    return fit
