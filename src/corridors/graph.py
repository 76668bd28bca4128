"""Build the multimodal route graph from the atlas.

Each corridor is cut at its ``via`` places into pieces; every piece becomes an edge between
two nodes. A node is a place in one mode (``"rajin_port@rail"``), so corridors of the same mode
that share a place meet there, and the explicit ``transfer`` edges at ports are the only way a
route changes mode (rail <-> sea). Lengths are geodesic on WGS84.

:func:`graph_edges` yields plain records (used by the fast routing index); :func:`build_graph`
turns them into a :class:`networkx.MultiGraph` for analysis and export (OSMnx conventions:
``x``/``y`` on nodes, ``length`` in metres on edges).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corridors.atlas import FREIGHT_MODES, Atlas, Corridor, Place
from corridors.geodesy import Coord, line_length_m, split_line

if TYPE_CHECKING:
    import networkx as nx

TRANSFER = "transfer"
DEFAULT_TRANSFER_KINDS = ("port", "terminal")


def node_id(place_id: str, mode: str) -> str:
    """The graph node of a place in one mode."""
    return f"{place_id}@{mode}"


def node_place(node: str) -> str:
    """The place id of a graph node."""
    return node.rsplit("@", 1)[0]


@dataclass(frozen=True)
class GraphEdge:
    """One edge: a corridor piece between two places, or a transfer inside one place."""

    start: str
    end: str
    mode: str
    corridor: str | None
    status: str
    status_year: int | None
    length_m: float
    coords: tuple[Coord, ...]

    @property
    def u(self) -> str:
        return node_id(self.start, self.mode if self.mode != TRANSFER else FREIGHT_MODES[0])

    @property
    def v(self) -> str:
        return node_id(self.end, self.mode if self.mode != TRANSFER else FREIGHT_MODES[1])


def corridor_pieces(corridor: Corridor, places: dict[str, Place]) -> list[list[Coord]]:
    """The corridor's line cut at its ``via`` places: one piece per consecutive pair of stops."""
    via_points = [places[place_id].coord for place_id in corridor.via]
    return split_line(corridor.coords, via_points)


def corridor_edges(corridor: Corridor, places: dict[str, Place]) -> Iterator[GraphEdge]:
    """The edges of one corridor, in order from its start to its end."""
    stops = corridor.stops
    for index, piece in enumerate(corridor_pieces(corridor, places)):
        yield GraphEdge(
            start=stops[index],
            end=stops[index + 1],
            mode=corridor.mode,
            corridor=corridor.id,
            status=corridor.status,
            status_year=corridor.status_year,
            length_m=line_length_m(piece),
            coords=tuple(piece),
        )


def transfer_modes(place: Place) -> tuple[str, ...]:
    """Freight modes that can exchange cargo at a place (ports and terminals: rail and sea)."""
    if place.transfer:
        return place.transfer
    if place.kind in DEFAULT_TRANSFER_KINDS:
        return FREIGHT_MODES
    return ()


def graph_edges(atlas: Atlas) -> Iterator[GraphEdge]:
    """Every edge of the route graph: corridor pieces, then transfers where freight modes meet."""
    modes_at: dict[str, set[str]] = {}
    for corridor in atlas.corridors.values():
        for edge in corridor_edges(corridor, atlas.places):
            modes_at.setdefault(edge.start, set()).add(edge.mode)
            modes_at.setdefault(edge.end, set()).add(edge.mode)
            yield edge
    for place_id in sorted(modes_at):
        place = atlas.places[place_id]
        allowed = set(transfer_modes(place))
        if set(FREIGHT_MODES) <= modes_at[place_id] and set(FREIGHT_MODES) <= allowed:
            yield GraphEdge(
                start=place_id,
                end=place_id,
                mode=TRANSFER,
                corridor=None,
                status="operating",
                status_year=None,
                length_m=0.0,
                coords=(place.coord, place.coord),
            )


def build_graph(atlas: Atlas) -> nx.MultiGraph:
    """The route graph as a networkx MultiGraph (nodes ``place@mode``; ``length`` in metres)."""
    import networkx as nx

    graph = nx.MultiGraph(crs="EPSG:4326", fingerprint=atlas.fingerprint)
    for edge in graph_edges(atlas):
        for node in (edge.u, edge.v):
            if node not in graph:
                place = atlas.places[node_place(node)]
                graph.add_node(
                    node,
                    place=place.id,
                    mode=node.rsplit("@", 1)[1],
                    name=place.name,
                    x=place.lon,
                    y=place.lat,
                )
        key = edge.corridor if edge.corridor else f"{TRANSFER}:{edge.start}"
        if edge.corridor and graph.has_edge(edge.u, edge.v, key):
            key = f"{edge.corridor}:{edge.start}-{edge.end}"
        graph.add_edge(
            edge.u,
            edge.v,
            key=key,
            corridor=edge.corridor or "",
            mode=edge.mode,
            status=edge.status,
            status_year=edge.status_year or 0,
            length=edge.length_m,
            coords=edge.coords,
        )
    return graph
