"""The straightforward implementations the benchmarks compare against.

These are the per-row loops the package used before issue 5 (graph build: one pyproj call
per corridor piece, one ``add_edge`` per edge; matrix: networkx Dijkstra per pair), kept here
verbatim in spirit so every speed-up is measured against a fixed, readable reference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corridors.atlas.model import FREIGHT_MODES, Atlas
from corridors.geo.geodesy import line_length_m, split_line
from corridors.network.graph import GraphEdge, transfer_modes
from corridors.network.index import RouteIndex
from corridors.network.seatable import build_sea_table, named_lane_pairs
from corridors.network.terms import TRANSFER


def graph_edges_per_row(atlas: Atlas) -> list[GraphEdge]:
    """Cut every corridor at its via places and measure each piece with its own pyproj call."""
    edges: list[GraphEdge] = []
    modes_at: dict[str, set[str]] = {}
    for corridor in atlas.corridors.values():
        via_points = [atlas.places[place_id].coord for place_id in corridor.via]
        stops = corridor.stops
        pieces = split_line(corridor.coords, via_points)
        lengths = [line_length_m(piece) for piece in pieces]
        if corridor.schematic and corridor.reported_length_km is not None:
            factor = corridor.reported_length_km * 1000.0 / sum(lengths)
            lengths = [length * factor for length in lengths]
        for index, piece in enumerate(pieces):
            edge = GraphEdge(
                start=stops[index],
                end=stops[index + 1],
                mode=corridor.mode,
                corridor=corridor.id,
                status=corridor.status,
                status_year=corridor.status_year,
                length_m=lengths[index],
                coords=tuple(piece),
            )
            modes_at.setdefault(edge.start, set()).add(edge.mode)
            modes_at.setdefault(edge.end, set()).add(edge.mode)
            edges.append(edge)
    named = named_lane_pairs(atlas)
    for start, end, _, coords in build_sea_table(atlas).lanes():
        if frozenset((start, end)) not in named:
            edge = GraphEdge(
                start, end, "sea", None, "operating", None, line_length_m(coords), coords
            )
            modes_at.setdefault(start, set()).add("sea")
            modes_at.setdefault(end, set()).add("sea")
            edges.append(edge)
    for place_id in sorted(modes_at):
        place = atlas.places[place_id]
        allowed = set(transfer_modes(place))
        if set(FREIGHT_MODES) <= modes_at[place_id] and set(FREIGHT_MODES) <= allowed:
            edges.append(
                GraphEdge(
                    place_id, place_id, TRANSFER, None, "operating", None, 0.0, (place.coord,) * 2
                )
            )
    return edges


@dataclass
class PerRowIndex:
    """The route index as it was built before the columnar index: per-node lists of
    (neighbour, edge) tuples, one :meth:`add_edge` call per edge, a tuple of positions per edge.
    """

    nodes: list[str] = field(default_factory=list)
    node_index: dict[str, int] = field(default_factory=dict)
    place_nodes: dict[str, list[int]] = field(default_factory=dict)
    adjacency: list[list[tuple[int, int]]] = field(default_factory=list)
    edge_start: list[str] = field(default_factory=list)
    edge_end: list[str] = field(default_factory=list)
    edge_u: list[int] = field(default_factory=list)
    edge_v: list[int] = field(default_factory=list)
    edge_mode: list[str] = field(default_factory=list)
    edge_corridor: list[str | None] = field(default_factory=list)
    edge_status: list[str] = field(default_factory=list)
    edge_length_m: list[float] = field(default_factory=list)
    edge_coords: list[tuple[tuple[float, float], ...]] = field(default_factory=list)

    def add_node(self, node: str) -> int:
        index = self.node_index.get(node)
        if index is None:
            index = len(self.nodes)
            self.nodes.append(node)
            self.node_index[node] = index
            self.adjacency.append([])
            self.place_nodes.setdefault(node.rsplit("@", 1)[0], []).append(index)
        return index

    def add_edge(self, edge: GraphEdge) -> None:
        u = self.add_node(edge.u)
        v = self.add_node(edge.v)
        edge_index = len(self.edge_u)
        self.edge_start.append(edge.start)
        self.edge_end.append(edge.end)
        self.edge_u.append(u)
        self.edge_v.append(v)
        self.edge_mode.append(edge.mode)
        self.edge_corridor.append(edge.corridor)
        self.edge_status.append(edge.status)
        self.edge_length_m.append(edge.length_m)
        self.edge_coords.append(edge.coords)
        self.adjacency[u].append((v, edge_index))
        if v != u:
            self.adjacency[v].append((u, edge_index))


def build_index_per_row(atlas: Atlas) -> PerRowIndex:
    """One :meth:`PerRowIndex.add_edge` call per edge, garbage collector left on."""
    index = PerRowIndex()
    for place_id in atlas.places:
        index.place_nodes.setdefault(place_id, [])
    for edge in graph_edges_per_row(atlas):
        index.add_edge(edge)
    return index


def assert_same_index(ours: RouteIndex, reference: PerRowIndex) -> None:
    """The bulk index holds what the per-row build holds: same nodes (same numbers), same
    places, same edges with the same ends, attributes, exact lengths and lines, and the same
    adjacency (as sets per node). Raises AssertionError naming the first difference.
    """
    assert ours.nodes == reference.nodes, "nodes differ"
    assert ours.place_nodes == reference.place_nodes, "place nodes differ"
    for name in (
        "edge_start",
        "edge_end",
        "edge_u",
        "edge_v",
        "edge_mode",
        "edge_corridor",
        "edge_status",
        "edge_length_m",
    ):
        assert getattr(ours, name) == getattr(reference, name), f"{name} differs"
    for edge, coords in enumerate(reference.edge_coords):
        assert ours.edge_coords_of(edge) == coords, f"line of edge {edge} differs"
    assert len(ours.adj_ptr) == len(reference.adjacency) + 1, "adjacency size differs"
    for node, pairs in enumerate(reference.adjacency):
        assert set(ours.neighbours(node)) == set(pairs), f"adjacency of node {node} differs"


def networkx_graph(index: RouteIndex | PerRowIndex, weights: list[float | None]) -> Any:
    """A networkx Graph over index node ids with the cheapest allowed edge between each pair."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(len(index.nodes)))
    for edge, weight in enumerate(weights):
        if weight is None:
            continue
        u, v = index.edge_u[edge], index.edge_v[edge]
        if u == v:
            continue
        current = graph.get_edge_data(u, v)
        if current is None or weight < current["weight"]:
            graph.add_edge(u, v, weight=weight)
    return graph
