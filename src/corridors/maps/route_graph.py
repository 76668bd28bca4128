"""The route graph of ``atlas.html``'s route panel as compact JSON-ready data (:func:`route_graph`).

Kept apart from :mod:`corridors.maps.route_panel` (the panel and its router, which re-exports
this) because it needs no folium: :mod:`corridors.maps.page_parts` computes a map's data
without importing folium.
"""

from __future__ import annotations

from typing import Any

from corridors.atlas.model import FREIGHT_MODES, STATUSES
from corridors.atlas.native_names import native_labels
from corridors.atlas.timeline import (
    BUILT_STATUSES,
    IN_SERVICE_STATUSES,
    PLANNED_STATUSES,
    event_day,
)
from corridors.maps.features import DECIMALS, clean_line
from corridors.maps.style import MODE_COLORS, MODE_LABELS, ROUTE_PANE, STATUS_LABELS
from corridors.network.index import NODE_MODES, Network
from corridors.network.seatable import OPEN_SEA
from corridors.routing.options import DEFAULT_SPEEDS_KMH, DEFAULT_TRANSFER_HOURS, SOLO_MODES
from corridors.routing.route import _area_hint

__all__ = ["route_graph"]

_SCALE = 10**DECIMALS


def _line_code(coords: Any) -> list[int]:
    """A line as integers of 1e-5 degrees: the first position, then differences."""
    out: list[int] = []
    last = (0, 0)
    for lon, lat in clean_line(coords):
        x, y = round(lon * _SCALE), round(lat * _SCALE)
        out += [x - last[0], y - last[1]]
        last = (x, y)
    return out


def route_graph(network: Network, *, shared: bool = False) -> dict[str, Any]:
    """The route graph of ``network`` as compact JSON-ready data for the page's router.

    Parameters
    ----------
    network : Network
    shared : bool
        The page holds the atlas's tables (:mod:`corridors.maps.atlas_data`): places are given
        only by their hints (``hints``: place number to hint), corridors only when they have a
        history (``timed``: corridor number to [status, events]), and a corridor edge's line
        as its number of positions, a slice of its corridor's line there
        (:func:`corridors.maps.atlas_data.corridor_lines`); nothing is written twice.

    Returns
    -------
    dict
        ``places`` ([id, name, aliases, hint]: hint is the no-route message of an area no
        corridor stops at, else None), ``nodes`` (place number * 8 + mode number), edge columns
        ``u``, ``v``, ``m`` (mode number), ``c`` (corridor number, -1: none), ``s`` (status
        number), ``len`` (metres, WGS84 geodesic) and ``geom`` (lines, EPSG:4326, delta-coded
        1e-5 degrees), ``corridors`` ([id, name, status, [[day ordinal, status, built, date]]]),
        and the constants the router needs (modes, statuses, speeds in km/h, transfer hours).
        A place's aliases include its native names (``나진항``, ``Раджин``).
    """
    atlas, index = network.atlas, network.index
    place_ids = list(atlas.places)
    place_number = {pid: k for k, pid in enumerate(place_ids)}
    status_number = {s: k for k, s in enumerate(STATUSES)}
    corridor_ids = list(atlas.corridors)
    corridor_number = {cid: k for k, cid in enumerate(corridor_ids)}
    places = [
        [p.id, p.name, [*p.aliases, *native_labels(p.names)], _area_hint(network, p.id)]
        for p in atlas.places.values()
    ]
    corridors = []
    for corridor in atlas.corridors.values():
        events = [
            [
                event_day(event.date).toordinal(),
                status_number[event.status],
                event.built,
                event.date,
            ]
            for event in corridor.history
        ]
        corridors.append([corridor.id, corridor.name, status_number[corridor.status], events])
    nodes = [place_number[index.place_ids[key >> 3]] * 8 + (key & 7) for key in index.node_keys]
    edges = range(index.edge_count)
    geom: list[Any]
    if shared:
        from corridors.maps.atlas_data import corridor_lines, encode_line

        _, counts = corridor_lines(network)
        geom = [
            counts[e] if counts[e] else encode_line(clean_line(index.edge_coords_of(e)))
            for e in edges
        ]
        hints = {str(k): p[3] for k, p in enumerate(places) if p[3] is not None}
        places = []
        timed = {str(k): c[2:] for k, c in enumerate(corridors) if c[3]}
        corridors = []
    else:
        geom = [_line_code(index.edge_coords_of(e)) for e in edges]
        hints, timed = {}, {}
    u, v = list(index.edge_u), list(index.edge_v)
    m = [NODE_MODES.index(mode) for mode in index.edge_mode]
    c = [-1 if cid is None else corridor_number[cid] for cid in index.edge_corridor]
    s = [status_number[status] for status in index.edge_status]
    columns: dict[str, Any] = {"nodes": nodes, "u": u, "v": v, "m": m, "c": c, "s": s}
    if shared:  # as short texts (maps/atlas_data.py), read by the page's `ints`
        from corridors.maps.atlas_data import encode_ints

        columns = {
            "nodes": encode_ints(nodes, delta=True),
            "u": encode_ints(u, delta=True),
            "v": encode_ints([b - a for a, b in zip(u, v, strict=True)]),
            "m": encode_ints(m),
            "c": encode_ints(c, delta=True),
            "s": encode_ints(s),
        }
    return {
        **columns,
        "places": places,
        "hints": hints,
        "timed": timed,
        "len": list(index.edge_length_m),
        "geom": geom,
        "corridors": corridors,
        "modes": list(NODE_MODES),
        "freight": list(FREIGHT_MODES),
        "solo": list(SOLO_MODES),
        "statuses": list(STATUSES),
        "in_service": list(IN_SERVICE_STATUSES),
        "planned": list(PLANNED_STATUSES),
        "built": list(BUILT_STATUSES),
        "speeds": dict(DEFAULT_SPEEDS_KMH),
        "transfer_hours": DEFAULT_TRANSFER_HOURS,
        "open_sea": OPEN_SEA,
        "mode_labels": MODE_LABELS,
        "mode_colors": MODE_COLORS,
        "status_labels": STATUS_LABELS,
        "pane": ROUTE_PANE,
    }
