"""How each exported layer is drawn, taken from the maps' own style (:mod:`corridors.maps.style`),
so QGIS (the GeoPackage's ``layer_styles``) and Google Earth (KML) show what the maps show.

A layer's look is a list of :class:`Rule`: a label, the attribute values a feature must have
(all equal; none for the catch-all rule) and a :class:`Symbol`. Colours, widths, opacities and
dash patterns are read from the maps' style functions here and nowhere else; the QML, SLD and
KML writers only translate a :class:`Symbol` into their own words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from corridors.atlas.model import MODES, PLACE_KINDS, STATUSES
from corridors.maps import style

LINE, POINT, POLYGON = "line", "point", "polygon"


@dataclass(frozen=True)
class Symbol:
    """One way of drawing a feature; sizes in screen pixels, colours ``#rrggbb``.

    Attributes
    ----------
    geometry : str
        ``"line"``, ``"point"`` (a filled circle) or ``"polygon"``.
    stroke, stroke_opacity, width : str, float, float
        The line, or the outline of a circle or polygon.
    dash : tuple of float or None
        Dash and gap lengths (px), as SVG ``stroke-dasharray``; None for a solid line.
    cap : str
        Line ends: ``"round"`` or ``"butt"`` (SVG names).
    fill, fill_opacity : str or None, float
        The inside of a circle or polygon.
    size : float
        A circle's diameter (px).
    """

    geometry: str
    stroke: str
    stroke_opacity: float
    width: float
    dash: tuple[float, ...] | None = None
    cap: str = "round"
    fill: str | None = None
    fill_opacity: float = 0.0
    size: float = 0.0


@dataclass(frozen=True)
class Rule:
    """Draw the features whose ``where`` attributes equal these values with ``symbol``.

    An empty ``where`` is the catch-all (``ELSE``) rule: the features no other rule took.
    """

    label: str
    where: tuple[tuple[str, str], ...]
    symbol: Symbol


def _dash(value: object) -> tuple[float, ...] | None:
    return tuple(float(part) for part in str(value).split()) if value else None


def path_symbol(options: Mapping[str, Any]) -> Symbol:
    """The line :class:`Symbol` of Leaflet path options (``color``, ``weight``, ...)."""
    return Symbol(
        geometry=LINE,
        stroke=str(options["color"]),
        stroke_opacity=float(options.get("opacity", 1.0)),
        width=float(options["weight"]),
        dash=_dash(options.get("dashArray")),
        cap=str(options.get("lineCap", "round")),
    )


def marker_symbol(options: Mapping[str, Any]) -> Symbol:
    """The circle :class:`Symbol` of Leaflet CircleMarker options (``radius`` is half the
    diameter)."""
    return Symbol(
        geometry=POINT,
        stroke=str(options["color"]),
        stroke_opacity=float(options.get("opacity", 1.0)),
        width=float(options["weight"]),
        fill=str(options["fillColor"]),
        fill_opacity=float(options["fillOpacity"]),
        size=2.0 * float(options["radius"]),
    )


def area_symbol(options: Mapping[str, Any]) -> Symbol:
    """The polygon :class:`Symbol` of Leaflet path options with a fill."""
    return Symbol(
        geometry=POLYGON,
        stroke=str(options["color"]),
        stroke_opacity=float(options.get("opacity", 1.0)),
        width=float(options["weight"]),
        dash=_dash(options.get("dashArray")),
        fill=str(options["fillColor"]),
        fill_opacity=float(options["fillOpacity"]),
    )


def _present(rows: Iterable[Mapping[str, Any]], *fields: str) -> set[tuple[str, ...]]:
    return {tuple(str(row.get(f, "")) for f in fields) for row in rows}


def _catch_all(geometry: str) -> Rule:
    """Features no rule took (a value added after the export): the maps' faded grey."""
    faded = style.faded_style(MODES[0], STATUSES[0])
    if geometry == POINT:
        symbol = marker_symbol({**style.place_style(PLACE_KINDS[0]), "fillColor": faded["color"]})
    elif geometry == POLYGON:
        grey = {"color": faded["color"], "fillColor": faded["color"]}
        symbol = area_symbol({**style.zone_style(PLACE_KINDS[0]), **grey})
    else:
        symbol = path_symbol(faded)
    return Rule("other", (), symbol)


def mode_status_rules(rows: Iterable[Mapping[str, Any]]) -> list[Rule]:
    """Lines by ``mode`` and ``status``, as the atlas map draws corridors (present pairs, in
    the order of the atlas's modes and statuses)."""
    present = _present(rows, "mode", "status")
    rules = [
        Rule(
            style.layer_label(mode, status),
            (("mode", mode), ("status", status)),
            path_symbol(style.corridor_style(mode, status)),
        )
        for mode in style.MODE_COLORS
        for status in style.STATUS_DASH
        if (mode, status) in present
    ]
    return [*rules, _catch_all(LINE)]


def mode_rules(rows: Iterable[Mapping[str, Any]]) -> list[Rule]:
    """Lines by ``mode``, each drawn as an operating corridor of that mode (shipment legs)."""
    present = _present(rows, "mode")
    rules = [
        Rule(
            style.MODE_LABELS[mode],
            (("mode", mode),),
            path_symbol(style.corridor_style(mode, STATUSES[0])),
        )
        for mode in style.MODE_COLORS
        if (mode,) in present
    ]
    return [*rules, _catch_all(LINE)]


def kind_rules(rows: Iterable[Mapping[str, Any]]) -> list[Rule]:
    """Circles by place ``kind``, as the maps' place markers."""
    present = _present(rows, "kind")
    rules = [
        Rule(kind.capitalize(), (("kind", kind),), marker_symbol(style.place_style(kind)))
        for kind in style.KIND_COLORS
        if (kind,) in present
    ]
    return [*rules, _catch_all(POINT)]


def zone_rules(rows: Iterable[Mapping[str, Any]]) -> list[Rule]:
    """Areas by place ``kind``, as the maps' zone outlines."""
    present = _present(rows, "kind")
    rules = [
        Rule(kind.capitalize(), (("kind", kind),), area_symbol(style.zone_style(kind)))
        for kind in style.KIND_COLORS
        if (kind,) in present
    ]
    return [*rules, _catch_all(POLYGON)]


LAYER_RULES = {
    "places": kind_rules,
    "zones": zone_rules,
    "corridors": mode_status_rules,
    "shipment_legs": mode_rules,
    "graph_edges": mode_status_rules,
    "graph_transfers": kind_rules,
}
"""Each exported layer (GeoPackage layer names) and how its rules are made from its rows."""


def layer_rules(layer: str, rows: Iterable[Mapping[str, Any]]) -> list[Rule]:
    """The rules of one exported layer (see :data:`LAYER_RULES`), for the values in ``rows``."""
    return LAYER_RULES[layer](rows)


def rule_for(rules: Iterable[Rule], row: Mapping[str, Any]) -> Rule:
    """The first rule whose values ``row`` has, else the catch-all rule."""
    rules = list(rules)
    for rule in rules:
        if rule.where and all(str(row.get(f, "")) == v for f, v in rule.where):
            return rule
    return next(rule for rule in rules if not rule.where)


def rgba(color: str, opacity: float = 1.0) -> tuple[int, int, int, int]:
    """``#rrggbb`` and an opacity (0..1) as red, green, blue, alpha (0..255 each)."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return red, green, blue, round(255 * min(max(opacity, 0.0), 1.0))
