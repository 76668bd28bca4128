"""Byte-identical folium output: replace branca's random element ids with stable ones.

branca gives every Element a random hex `_id`, and folium uses it in JS variable names
(`map_<id>`, `geo_json_<id>`), so every rebuild of the same map differs. `assign_stable_ids`
walks the element tree in insertion order and derives each id from the element's path
(sibling index and element kind), so the same map built twice renders identically and an
element's JS name only changes when the tree above or before it changes.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

from branca.element import Element

__all__ = ["assign_stable_ids", "render_stable"]

# Sub-elements that some branca/folium classes keep outside `_children` (Figure, Popup).
_SUB_ELEMENTS = ("header", "html", "script")


def _walk(el: Element, path: str, out: list[tuple[Element, str]], seen: set[int]) -> None:
    if id(el) in seen:
        return
    seen.add(id(el))
    out.append((el, path))
    for attr in _SUB_ELEMENTS:
        sub = getattr(el, attr, None)
        if isinstance(sub, Element) and sub is not el:
            _walk(sub, f"{path}/{attr}", out, seen)
    for i, child in enumerate(list(el._children.values())):
        _walk(child, f"{path}/{i}:{child._name}", out, seen)


def assign_stable_ids(root: Element, *, salt: str = "") -> dict[str, str]:
    """Give every element under `root` an id derived from its tree path; return old->new names.

    Children dicts keyed by an element's auto name are re-keyed, and string attributes that
    hold an old name (e.g. a layer's default `layer_name`, a control's `target`) are updated.
    Call after the map is complete and before rendering.
    """
    found: list[tuple[Element, str]] = []
    _walk(root, "root", found, set())
    renames: dict[str, str] = {}
    for el, path in found:
        old = el.get_name()
        el._id = hashlib.sha1(f"{salt}|{path}".encode()).hexdigest()[:32]
        renames[old] = el.get_name()
    for el, _ in found:
        el._children = OrderedDict(
            (renames.get(key, key), child) for key, child in el._children.items()
        )
        for attr, value in list(vars(el).items()):
            if isinstance(value, str) and value in renames:
                setattr(el, attr, renames[value])
    return renames


def render_stable(m: Element) -> str:
    """Render `m`'s root figure to HTML with stable ids (idempotent), data kept as data
    (:func:`corridors.maps.safe_render.render_literal`)."""
    from corridors.maps.safe_render import render_literal

    root = m.get_root()
    assign_stable_ids(root)
    return render_literal(root)
