"""The terms the route graph is spoken in: node names, edge modes, open-sea edges and lines
stored as flat coordinate arrays.

Kept apart from :mod:`corridors.network.graph`, which builds the graph: a route answered from
the network cache reads these terms but builds nothing, and importing the builders (their
record types, the geodesy, the sea table's builder) took ~1.5 ms of a 64 ms cold
``corridors route``.
"""

from __future__ import annotations

from array import array

from corridors.atlas.model import MODES, Coord

__all__ = [
    "MODE_CODES",
    "NO_CORRIDOR",
    "TRANSFER",
    "coords_between",
    "is_open_sea",
    "node_id",
    "node_place",
]

TRANSFER = "transfer"
"""The mode of an edge between two modes of one place (rail <-> sea at a port)."""
MODE_CODES = (*MODES, TRANSFER)  # the modes of ``EdgeColumns.mode_code``
NO_CORRIDOR = -1
"""The corridor code of an edge of no corridor (open sea, transfer) in coded columns."""


def node_id(place_id: str, mode: str) -> str:
    """The graph node of a place in one mode."""
    return f"{place_id}@{mode}"


def node_place(node: str) -> str:
    """The place id of a graph node."""
    return node.rsplit("@", 1)[0]


def is_open_sea(corridor: str | None, mode: str) -> bool:
    """Whether an edge of this corridor (None: none) and mode is an open-sea edge."""
    return corridor is None and mode != TRANSFER


def coords_between(coord_xy: array[float], first: int, stop: int) -> tuple[Coord, ...]:
    """Positions ``first`` to ``stop`` of a flat lon/lat array, as (lon, lat) pairs."""
    flat = coord_xy[2 * first : 2 * stop]
    return tuple(zip(flat[0::2], flat[1::2], strict=True))
