"""How the maps draw things: colour per mode, line style per status, colour per place kind.

One place for every visual choice, so the three maps and their legends always agree.
Operating corridors are solid and full colour; every other status is dashed and lighter.
"""

from __future__ import annotations

from corridors.atlas.model import MODES, PLACE_KINDS, STATUSES

MODE_COLORS = {
    "rail": "#a93226",
    "sea": "#1a5276",
    "power": "#b9770e",
    "pipeline": "#1e8449",
    "road": "#6c3483",
}
MODE_LABELS = {
    "rail": "Rail",
    "sea": "Sea",
    "power": "Power",
    "pipeline": "Pipeline",
    "road": "Road",
}
STATUS_LABELS = {
    "operating": "operating",
    "pilot": "pilot",
    "suspended": "suspended",
    "under_construction": "under construction",
    "proposed": "proposed",
    "shelved": "shelved",
    "closed": "closed",
}
# Dash patterns (SVG stroke-dasharray); operating is solid.
STATUS_DASH = {
    "operating": None,
    "pilot": "12 6",
    "suspended": "12 6 2 6",
    "under_construction": "10 4",
    "proposed": "6 6",
    "shelved": "2 6",
    "closed": "1 3 1 3 6 3",  # dots and a dash: never mistaken for shelved
}
LINE_WEIGHT = 3.5
LIGHTEN = 0.45  # share of white mixed into the colour of non-operating lines
FADED_COLOR = "#7f8c8d"  # the network under a route or shipments

KIND_COLORS = {
    "station": "#a93226",
    "port": "#1a5276",
    "terminal": "#2874a6",
    "junction": "#6c3483",
    "city": "#424949",
    "bridge": "#7e5109",
    "plant": "#b9770e",
    "substation": "#d35400",
    "border": "#7b241c",
    "zone": "#b7950b",
}
KIND_RADIUS = {"city": 6, "port": 6, "terminal": 6}
DEFAULT_RADIUS = 5

assert set(MODE_COLORS) == set(MODES) and set(STATUS_DASH) == set(STATUSES)
assert set(KIND_COLORS) == set(PLACE_KINDS)


def lighten(color: str, share: float = LIGHTEN) -> str:
    """`color` (#rrggbb) mixed with `share` of white."""
    rgb = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * share) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def layer_label(mode: str, status: str) -> str:
    """The layer-control name of one mode and status, e.g. 'Rail – proposed'."""
    return f"{MODE_LABELS[mode]} \u2013 {STATUS_LABELS[status]}"


def corridor_style(mode: str, status: str, *, weight: float = LINE_WEIGHT) -> dict[str, object]:
    """Leaflet path options for a corridor line."""
    operating = status == "operating"
    color = MODE_COLORS[mode] if operating else lighten(MODE_COLORS[mode])
    style: dict[str, object] = {
        "color": color,
        "weight": weight,
        "opacity": 0.95 if operating else 0.9,
        "lineCap": "butt" if not operating else "round",
    }
    if STATUS_DASH[status]:
        style["dashArray"] = STATUS_DASH[status]
    return style


def faded_style(mode: str, status: str) -> dict[str, object]:
    """The network drawn as context under a route or shipments: thin, grey, see-through."""
    style: dict[str, object] = {"color": FADED_COLOR, "weight": 2, "opacity": 0.45}
    if STATUS_DASH[status]:
        style["dashArray"] = STATUS_DASH[status]
    return style


def place_style(kind: str) -> dict[str, object]:
    """CircleMarker options for a place of `kind`."""
    return {
        "radius": KIND_RADIUS.get(kind, DEFAULT_RADIUS),
        "color": "#ffffff",
        "weight": 1.5,
        "fillColor": KIND_COLORS[kind],
        "fillOpacity": 0.95,
    }


def zone_style(kind: str) -> dict[str, object]:
    """Path options for an area place (a zone): a thin dashed outline, a light fill."""
    return {
        "color": KIND_COLORS[kind],
        "weight": 1.5,
        "opacity": 0.9,
        "dashArray": "5 4",
        "fillColor": KIND_COLORS[kind],
        "fillOpacity": 0.12,
    }


PROGRAMME_COLOR = "#f4d03f"


def programme_style() -> dict[str, object]:
    """A wide, see-through band under a programme's member corridors."""
    return {"color": PROGRAMME_COLOR, "weight": 11, "opacity": 0.55, "lineCap": "round"}


def mode_legend(modes: list[str]) -> list[dict[str, object]]:
    """Legend rows: one colour per mode present."""
    return [
        {"label": MODE_LABELS[m], "color": MODE_COLORS[m], "weight": LINE_WEIGHT} for m in modes
    ]


def status_legend(statuses: list[str]) -> list[dict[str, object]]:
    """Legend rows: one line style per status present (drawn in neutral grey)."""
    rows: list[dict[str, object]] = []
    for status in statuses:
        operating = status == "operating"
        label = STATUS_LABELS[status].capitalize()
        label += " (solid)" if operating else " (dashed, lighter)"
        color = "#2c3e50" if operating else lighten("#2c3e50")
        rows.append({"label": label, "color": color, "dash": STATUS_DASH[status], "weight": 3})
    return rows


def kind_legend(kinds: list[str]) -> list[dict[str, object]]:
    """Legend rows for place kinds: a short thick dash reads as a dot of the kind's colour."""
    return [
        {"label": kind.capitalize(), "color": KIND_COLORS[kind], "dash": "9 40", "weight": 9}
        for kind in kinds
    ]
