"""How the maps draw things: colour per mode, line style per status, colour per place kind.

One place for every visual choice, so the three maps and their legends always agree.
Operating corridors are solid and full colour; every other status is dashed and lighter.
"""

from __future__ import annotations

from corridors.atlas.model import MODES, PLACE_KINDS, STATUSES

PLACES_PANE = "corridors-places"
ROUTE_PANE = "corridors-route"
"""The Leaflet panes (z-order) of the places and of a drawn route."""
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

# Place kinds: light, bright fills inside a dark ring, a family apart from the deep mode colours
# of the lines (and their lightened non-operating shades, the grey network and the programme
# yellow): every kind colour is at least CIE76 20 from each of those (tests/test_map_markers.py),
# so a marker is never read as a line. Sea places are cyans, stations white (the most numerous,
# so the quietest), junctions magenta, border crossings orange, cities black.
KIND_COLORS = {
    "station": "#ffffff",
    "port": "#00acc1",
    "terminal": "#80deea",
    "junction": "#ea80fc",
    "city": "#212121",
    "bridge": "#795548",
    "plant": "#9ccc65",
    "substation": "#f06292",
    "border": "#ff6f00",
    "zone": "#5c6bc0",
}
PLACE_RING = "#1b2631"  # the ring around every place marker
KIND_RADIUS = {"city": 7, "port": 7, "terminal": 7, "border": 6}
DEFAULT_RADIUS = 5
# Label importance per kind: 0 first (and from any zoom), then 1, then 2 (see maps/labels.py).
KIND_RANK = {
    "port": 0,
    "terminal": 0,
    "border": 0,
    "city": 0,
    "junction": 1,
    "station": 1,
    "bridge": 1,
    "plant": 2,
    "substation": 2,
    "zone": 2,
}
RANK_MIN_ZOOM = {0: 0, 1: 8, 2: 9}  # a place's label shows from this zoom on
# Text of popups, tooltips, legends and labels: Korean source titles render wherever one of
# these CJK fonts exists (Linux, Windows, macOS), plain sans-serif elsewhere.
FONT_STACK = (
    '"Helvetica Neue", Arial, "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", '
    '"Apple SD Gothic Neo", sans-serif'
)

assert set(MODE_COLORS) == set(MODES) and set(STATUS_DASH) == set(STATUSES)
assert set(KIND_COLORS) == set(PLACE_KINDS) == set(KIND_RANK)
assert len(set(STATUS_DASH.values())) == len(STATUS_DASH)  # every status its own pattern


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
    """CircleMarker options for a place of `kind`: filled (so the whole disc takes the click)
    in the kind's colour, inside a dark ring."""
    return {
        "radius": KIND_RADIUS.get(kind, DEFAULT_RADIUS),
        "color": PLACE_RING,
        "weight": 1.5,
        "opacity": 1.0,
        "fill": True,
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
    """Legend rows for place kinds: a dot of the kind's colour in the marker's ring."""
    return [
        {"label": kind.capitalize(), "color": KIND_COLORS[kind], "ring": PLACE_RING}
        for kind in kinds
    ]
