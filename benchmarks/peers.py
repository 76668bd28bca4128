"""The peers the benchmarks compare against, each used the way its documentation intends.

Every peer gets the same graph: the route index's usable edges under one set of route options
(``u``, ``v``, cost arrays, the cheapest of parallel edges, no self-loops) as an undirected
graph, built once outside the timing (as our compiled graph is built once and kept). Every peer
answers the same two questions:

- ``matrix(groups)``: the cost from each hub to each hub, where a hub is a group of nodes (a
  port has a rail and a sea node) and a route may start at any node of its group. Each peer
  searches once per hub with its multi-source search where it has one (networkx
  ``multi_source_dijkstra_path_length``), else once per node and takes the minimum (scipy
  ``dijkstra`` over all hub nodes, 64 rows per call to bound memory; igraph ``distances`` in one
  call over all hub nodes; rustworkx ``dijkstra_shortest_path_lengths`` per node). No per-pair
  search, no extrapolation.
- ``route(sources, targets)``: the cost of one route, with the peer's early exit where it has
  one (networkx and rustworkx stop at the target; scipy and igraph search from the sources).

A peer whose package is not installed is skipped (:func:`available`).
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Groups = Sequence[Sequence[int]]
PEERS = ("networkx", "scipy", "igraph", "rustworkx")
_MODULES = {"networkx": "networkx", "scipy": "scipy", "igraph": "igraph", "rustworkx": "rustworkx"}


def available() -> list[str]:
    """The peers installed here (``pip install -e '.[bench]'`` installs them all)."""
    return [name for name in PEERS if importlib.util.find_spec(_MODULES[name]) is not None]


def edge_arrays(
    index: Any, costs: Sequence[float]
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Node count and the usable undirected edges (u < v, cheapest of parallel edges)."""
    u = np.asarray(index.edge_u, dtype=np.int64)
    v = np.asarray(index.edge_v, dtype=np.int64)
    w = np.asarray(costs, dtype=np.float64)
    keep = np.isfinite(w) & (u != v)
    a, b, w = np.minimum(u, v)[keep], np.maximum(u, v)[keep], w[keep]
    order = np.lexsort((w, b, a))
    a, b, w = a[order], b[order], w[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    return index.node_count, a[first], b[first], w[first]


def _group_min(rows: np.ndarray, groups: Groups, columns: dict[int, int]) -> list[list[float]]:
    """Minimum over each target group of per-source rows (``rows[i, columns[node]]``), numpy."""
    filled = [k for k, group in enumerate(groups) if group]
    out = np.full((len(rows), len(groups)), np.inf)
    if filled and len(rows):
        flat = [columns[n] for k in filled for n in groups[k]]
        starts = np.cumsum([0] + [len(groups[k]) for k in filled[:-1]])
        out[:, filled] = np.minimum.reduceat(rows[:, flat], starts, axis=1)
    return out.tolist()


class Peer:
    """One peer's graph plus its two answers."""

    name = ""

    def matrix(self, groups: Groups) -> list[list[float]]:
        raise NotImplementedError

    def route(self, sources: Sequence[int], targets: Sequence[int]) -> float:
        raise NotImplementedError


class NetworkxPeer(Peer):
    name = "networkx"

    def __init__(self, n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> None:
        import networkx as nx

        self.nx = nx
        self.graph = nx.Graph()
        self.graph.add_nodes_from(range(n))
        self.graph.add_weighted_edges_from(zip(a.tolist(), b.tolist(), w.tolist(), strict=True))

    def matrix(self, groups: Groups) -> list[list[float]]:
        rows = []
        for group in groups:
            found = self.nx.multi_source_dijkstra_path_length(self.graph, set(group))
            get = found.get
            rows.append([min((get(n, math.inf) for n in g), default=math.inf) for g in groups])
        return rows

    def route(self, sources: Sequence[int], targets: Sequence[int]) -> float:
        best = math.inf
        for target in targets:  # networkx stops at one target: one search per target node
            try:
                best = min(best, self.nx.multi_source_dijkstra(self.graph, set(sources), target)[0])
            except self.nx.NetworkXNoPath:
                continue
        return best


class ScipyPeer(Peer):
    name = "scipy"

    def __init__(self, n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> None:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        self.dijkstra = dijkstra
        rows, cols = np.concatenate([a, b]), np.concatenate([b, a])
        self.graph = csr_matrix((np.concatenate([w, w]), (rows, cols)), shape=(n, n))

    def matrix(self, groups: Groups) -> list[list[float]]:
        nodes = sorted({n for g in groups for n in g})
        columns = {node: k for k, node in enumerate(nodes)}
        picked = np.asarray(nodes, dtype=np.int64)
        per_node = np.empty((len(nodes), len(nodes)))
        for lo in range(0, len(nodes), 64):  # all hub nodes per call, 64 rows at a time
            block = self.dijkstra(self.graph, directed=True, indices=nodes[lo : lo + 64])
            per_node[lo : lo + 64] = block[:, picked]
        rows = np.asarray([per_node[[columns[n] for n in g]].min(axis=0) for g in groups])
        return _group_min(rows, groups, columns)

    def route(self, sources: Sequence[int], targets: Sequence[int]) -> float:
        dist = self.dijkstra(self.graph, directed=True, indices=list(sources), min_only=True)
        return float(min(dist[t] for t in targets))


class IgraphPeer(Peer):
    name = "igraph"

    def __init__(self, n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> None:
        import igraph

        self.graph = igraph.Graph(n=n, edges=np.column_stack([a, b]).tolist(), directed=False)
        self.graph.es["weight"] = w.tolist()

    def matrix(self, groups: Groups) -> list[list[float]]:
        nodes = sorted({n for g in groups for n in g})
        columns = {node: k for k, node in enumerate(nodes)}
        per_node = np.asarray(
            self.graph.distances(source=nodes, target=nodes, weights="weight"), dtype=float
        )
        rows = np.asarray([per_node[[columns[n] for n in g]].min(axis=0) for g in groups])
        return _group_min(rows, groups, columns)

    def route(self, sources: Sequence[int], targets: Sequence[int]) -> float:
        found = self.graph.distances(
            source=sorted(set(sources)), target=sorted(set(targets)), weights="weight"
        )
        return float(min(min(row) for row in found))


class RustworkxPeer(Peer):
    name = "rustworkx"

    def __init__(self, n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> None:
        import rustworkx as rx

        self.rx = rx
        self.graph = rx.PyGraph(multigraph=False)
        self.graph.add_nodes_from(range(n))
        self.graph.add_edges_from(list(zip(a.tolist(), b.tolist(), w.tolist(), strict=True)))

    def matrix(self, groups: Groups) -> list[list[float]]:
        nodes = sorted({n for g in groups for n in g})
        columns = {node: k for k, node in enumerate(nodes)}
        per_node = {}
        for node in nodes:
            found = self.rx.graph_dijkstra_shortest_path_lengths(self.graph, node, float)
            get = dict(found).get  # a PathLengthMapping has no .get
            per_node[node] = [0.0 if t == node else get(t, math.inf) for t in nodes]
        rows = np.asarray([np.min([per_node[n] for n in g], axis=0) for g in groups], dtype=float)
        return _group_min(rows, groups, columns)

    def route(self, sources: Sequence[int], targets: Sequence[int]) -> float:
        best = math.inf
        for source in sources:
            for target in targets:
                found = self.rx.graph_dijkstra_shortest_path_lengths(
                    self.graph, source, float, goal=target
                )
                if source == target or target in found:
                    best = min(best, 0.0 if source == target else found[target])
        return best


MAKERS: dict[str, Callable[..., Peer]] = {
    "networkx": NetworkxPeer,
    "scipy": ScipyPeer,
    "igraph": IgraphPeer,
    "rustworkx": RustworkxPeer,
}


def make(name: str, index: Any, costs: Sequence[float]) -> Peer:
    """The peer ``name`` over the usable edges of ``index`` under ``costs``."""
    return MAKERS[name](*edge_arrays(index, costs))
