"""The straightforward implementations the benchmarks compare against.

These are the per-row loops the package used before issue 5 (graph build: one pyproj call
per corridor piece, one ``add_edge`` per edge; matrix: networkx Dijkstra per pair), kept here
verbatim in spirit so every speed-up is measured against a fixed, readable reference.
"""

from __future__ import annotations

from typing import Any

from corridors.atlas import FREIGHT_MODES, Atlas
from corridors.geodesy import line_length_m, split_line
from corridors.graph import TRANSFER, GraphEdge, transfer_modes
from corridors.network import RouteIndex


def graph_edges_per_row(atlas: Atlas) -> list[GraphEdge]:
    """Cut every corridor at its via places and measure each piece with its own pyproj call."""
    edges: list[GraphEdge] = []
    modes_at: dict[str, set[str]] = {}
    for corridor in atlas.corridors.values():
        via_points = [atlas.places[place_id].coord for place_id in corridor.via]
        stops = corridor.stops
        for index, piece in enumerate(split_line(corridor.coords, via_points)):
            edge = GraphEdge(
                start=stops[index],
                end=stops[index + 1],
                mode=corridor.mode,
                corridor=corridor.id,
                status=corridor.status,
                status_year=corridor.status_year,
                length_m=line_length_m(piece),
                coords=tuple(piece),
            )
            modes_at.setdefault(edge.start, set()).add(edge.mode)
            modes_at.setdefault(edge.end, set()).add(edge.mode)
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


def build_index_per_row(atlas: Atlas) -> RouteIndex:
    """One :meth:`RouteIndex.add_edge` call per edge, garbage collector left on."""
    index = RouteIndex()
    for place_id in atlas.places:
        index.place_nodes.setdefault(place_id, [])
    for edge in graph_edges_per_row(atlas):
        index.add_edge(edge)
    return index


def networkx_graph(index: RouteIndex, weights: list[float | None]) -> Any:
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
