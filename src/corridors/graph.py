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
from itertools import chain, compress
from typing import TYPE_CHECKING

from corridors.atlas import FREIGHT_MODES, Atlas, Corridor, Place
from corridors.geodesy import Coord, dedupe_line, line_length_m, lines_lengths_m, split_line

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


# Below this many corridor pieces, one pyproj call per piece is cheaper than importing numpy.
VECTORISE_MIN_PIECES = 256


@dataclass
class EdgeColumns:
    """The edges of :func:`graph_edges` column by column (what bulk index building reads)."""

    start: list[str]
    end: list[str]
    mode: list[str]
    corridor: list[str | None]
    status: list[str]
    status_year: list[int | None]
    length_m: list[float]
    coords: list[tuple[Coord, ...]]

    def __len__(self) -> int:
        return len(self.start)

    def node_keys(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """Each edge's two graph nodes as (place, mode) pairs (:func:`node_id` joins them).

        Pairs, not strings: they hash from the ids' cached hashes, so bulk building only
        formats one string per distinct node.
        """
        rail, sea = FREIGHT_MODES
        u_modes = [rail if m == TRANSFER else m for m in self.mode]
        v_modes = [sea if m == TRANSFER else m for m in self.mode]
        return list(zip(self.start, u_modes, strict=True)), list(
            zip(self.end, v_modes, strict=True)
        )


def graph_edges(atlas: Atlas) -> Iterator[GraphEdge]:
    """Every edge of the route graph: corridor pieces, then transfers where freight modes meet."""
    columns = edge_columns(atlas)
    yield from map(
        GraphEdge,
        columns.start,
        columns.end,
        columns.mode,
        columns.corridor,
        columns.status,
        columns.status_year,
        columns.length_m,
        columns.coords,
    )


def edge_columns(atlas: Atlas) -> EdgeColumns:
    """The edges of :func:`graph_edges`, built in bulk as columns.

    All pieces are cut first and measured together (:func:`lines_lengths_m`, one vectorised
    geodesic call): that, and skipping per-edge objects, is what makes large atlases build
    fast. Lengths are bit-identical to measuring each piece on its own.
    """
    corridors = list(atlas.corridors.values())
    cut = [
        tuple(tuple(piece) for piece in corridor_pieces(c, atlas.places))
        if c.via
        else (_whole_line(c.coords),)
        for c in corridors
    ]
    owner = [i for i, pieces in enumerate(cut) for _ in pieces]  # corridor of each piece
    pieces = list(chain.from_iterable(cut))
    start = list(chain.from_iterable(c.stops[:-1] if c.via else (c.start,) for c in corridors))
    end = list(chain.from_iterable(c.stops[1:] if c.via else (c.end,) for c in corridors))
    mode = [corridors[i].mode for i in owner]
    if len(pieces) >= VECTORISE_MIN_PIECES:
        length_m = lines_lengths_m(pieces)
    else:
        length_m = [line_length_m(piece) for piece in pieces]
    out = EdgeColumns(
        start=start,
        end=end,
        mode=mode,
        corridor=[corridors[i].id for i in owner],
        status=[corridors[i].status for i in owner],
        status_year=[corridors[i].status_year for i in owner],
        length_m=length_m,
        coords=pieces,
    )
    served = []  # per freight mode: the places a corridor piece of that mode starts or ends at
    for freight_mode in FREIGHT_MODES:
        mask = [m == freight_mode for m in mode]
        served.append(set(compress(start, mask)) | set(compress(end, mask)))
    freight = set(FREIGHT_MODES)
    for place_id in sorted(set.intersection(*served)):
        place = atlas.places[place_id]
        if freight <= set(transfer_modes(place)):
            for column, value in (
                (out.start, place_id),
                (out.end, place_id),
                (out.mode, TRANSFER),
                (out.corridor, None),
                (out.status, "operating"),
                (out.status_year, None),
                (out.length_m, 0.0),
                (out.coords, (place.coord, place.coord)),
            ):
                column.append(value)
    return out


def _whole_line(coords: tuple[Coord, ...]) -> tuple[Coord, ...]:
    """What :func:`split_line` returns for a line with no cut points, without its overhead.

    Corridor positions are already float pairs (the loader's ``check_coord`` makes them so);
    when they are also all distinct there is nothing to drop, and the line is used as is.
    """
    if len(coords) > 1 and len(set(coords)) == len(coords):
        return coords
    return tuple(dedupe_line([(float(x), float(y)) for x, y in coords]))


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
