"""Render a folium map so that data stays data: no rendered output is compiled as a template.

branca renders a ``MacroElement`` by calling its Jinja macros and wrapping each result in a new
``Element(text)``, which compiles ``text`` as a Jinja *template* and renders it a second time.
Any atlas string inside that text (a corridor name in the GeoJSON, a popup row, a legend label)
is then template source: ``{{ 7*7 }}`` shows as ``49``, ``{#`` or ``{% raw %}`` stops the build
with a Jinja error, and a crafted name can reach Python objects and run commands.

:func:`render_literal` renders the figure with the same macros (so folium's own templates and
ours still produce the page), but every macro's output is added as a :class:`Literal`, which is
returned as it is and never compiled. It does this for each element of the map, so a map cannot
be rendered the unsafe way by forgetting a step. Elements whose classes are not known to be
safe are refused (:class:`UnsafeElementError`): a class that wraps its own output in
``Element(...)`` outside ``MacroElement.render`` (folium's ``Popup``, ``Tooltip``, ``Vega`` ...)
would reopen the hole, so adding one to a map is an error until it has been reviewed and added
to :func:`reviewed_classes`.

Data must still enter templates as data: as JSON from
:func:`corridors.maps.controls.js_string` or folium's ``tojson`` (both escape ``<``, ``>`` and
``&``, so a string cannot end the ``<script>``), and into the DOM through ``textContent``.
"""

from __future__ import annotations

import functools
from typing import Any

from branca.element import Element, Figure, MacroElement

from corridors.errors import UnsafeElementError

__all__ = ["HeadStyle", "Literal", "UnsafeElementError", "render_literal", "reviewed_classes"]

# Parts of a MacroElement template, and the figure section each one's output goes to.
_PARTS = ("header", "html", "script")


class Literal(Element):
    """Text that is already HTML/JS: output exactly as given, never compiled as a template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Literal"
        self.text = str(text)

    def render(self, **kwargs: Any) -> str:
        """Return the text unchanged."""
        return self.text


def _figure(el: Element) -> Figure:
    figure = el.get_root()
    if not isinstance(figure, Figure):
        raise UnsafeElementError(f"{el._name} cannot be rendered outside a Figure")
    return figure


class HeadStyle(Element):
    """Constant CSS (``<style>...</style>``, no data in it) put once into the page's head."""

    def __init__(self, css: str, *, name: str, key: str) -> None:
        super().__init__()
        self._name = name
        self.css = css
        self.key = key  # the head's child name: a second HeadStyle with this key replaces it

    def render(self, **kwargs: Any) -> str:
        """Add the CSS to the figure's header (as a :class:`Literal`); nothing in place."""
        _figure(self).header.add_child(Literal(self.css), name=self.key)
        return ""


class _LiteralMacroRender(MacroElement):
    """``MacroElement.render`` without the second, template-compiling pass."""

    def render(self, **kwargs: Any) -> str:
        """Add each macro's output to its figure section as a :class:`Literal`; nothing in
        place (branca ignores what a MacroElement's ``render`` returns)."""
        figure = _figure(self)
        module = self._template.module
        for part in _PARTS:
            macro = getattr(module, part, None)
            if macro is not None:
                section = getattr(figure, part)
                text = str(macro(self, kwargs))
                # branca's second pass dropped one trailing newline (Jinja's default); do the
                # same so that data without braces renders byte for byte as before.
                if text.endswith("\n"):
                    text = text[:-1]
                section.add_child(Literal(text), name=self.get_name())
        for child in list(self._children.values()):
            # a child added while rendering (a folium Layer adds its ``addTo`` element then)
            # was not there when render_literal looked: rendered literally too, not compiled
            _make_literal(child)
            child.render(**kwargs)
        return ""


@functools.cache
def reviewed_classes() -> frozenset[type]:
    """The folium/branca classes whose rendering has been reviewed as safe for data.

    Their own ``render`` adds nothing that holds data outside their macros (the vector
    layers have none of their own; ``Map`` adds constant CSS, ``GeoJson`` computes style maps,
    ``LayerControl`` writes layer names with ``tojson``). Classes of this package are
    reviewed where they are written: their macros take data only as JSON (``js_string``) and
    put it into the DOM through ``textContent``.
    """
    import folium
    from folium import map as folium_map
    from folium.elements import ElementAddToElement

    return frozenset(
        {
            Element,
            Figure,
            Literal,
            folium.Map,
            folium.GeoJson,
            folium.CircleMarker,
            folium.Circle,
            folium.PolyLine,
            folium.Polygon,
            folium.Rectangle,
            folium.TileLayer,
            folium.FeatureGroup,
            folium_map.CustomPane,
            folium_map.FitBounds,
            folium_map.LayerControl,
            ElementAddToElement,  # writes two element names (variables), no data
        }
    )


def _is_reviewed(cls: type) -> bool:
    if cls in reviewed_classes():
        return True
    module = getattr(cls, "__module__", "") or ""
    return module == "corridors" or module.startswith("corridors.")


_LITERAL_CLASSES: dict[type[MacroElement], type[MacroElement]] = {}


def _literal_class(cls: type[MacroElement]) -> type[MacroElement]:
    """``cls`` with :class:`_LiteralMacroRender` placed just before ``MacroElement`` in its MRO,
    so the class's own ``render`` (which ends in ``super().render()``) still runs first. Made
    once per class."""
    made = _LITERAL_CLASSES.get(cls)
    if made is None:
        made = _LITERAL_CLASSES[cls] = type(
            cls.__name__,
            (cls, _LiteralMacroRender),
            {"__module__": cls.__module__, "__qualname__": cls.__qualname__},
        )
    return made


def _elements(root: Element) -> list[Element]:
    found: list[Element] = []
    seen: set[int] = set()
    stack = [root]
    while stack:
        el = stack.pop()
        if id(el) in seen:
            continue
        seen.add(id(el))
        found.append(el)
        stack.extend(
            getattr(el, part) for part in _PARTS if isinstance(getattr(el, part, None), Element)
        )
        stack.extend(el._children.values())
        marker = getattr(el, "marker", None)  # GeoJson's point template, rendered inside it
        if isinstance(marker, Element):
            stack.append(marker)
    return found


def render_literal(m: Element) -> str:
    """Render ``m``'s figure to HTML; no element's output is compiled as a template.

    Parameters
    ----------
    m : branca.element.Element
        The map (or any element of it); its root figure is rendered.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    UnsafeElementError
        If the map holds an element of a class not in :func:`reviewed_classes` (nor defined in
        this package).
    """
    root = m.get_root()
    for el in _elements(root):
        _make_literal(el)
    return root.render()


def _make_literal(el: Element) -> None:
    """Check that ``el``'s class is reviewed, and make a MacroElement render literally."""
    cls = type(el)
    if issubclass(cls, _LiteralMacroRender):
        return
    if not _is_reviewed(cls):
        raise UnsafeElementError(
            f"map element {cls.__module__}.{cls.__qualname__} has not been reviewed for "
            "safe rendering of data; use the corridors.maps controls, or review it and "
            "add it to corridors.maps.safe_render.reviewed_classes"
        )
    if isinstance(el, MacroElement):
        el.__class__ = _literal_class(type(el))
