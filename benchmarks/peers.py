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
- ``route(sources, targets)``: one route, its cost and its nodes (as ours gives its cost and
  its edges), with the peer's early exit where it has one (networkx and rustworkx stop at the
  target; scipy and igraph search from the sources). Where a peer's search gives only the
  path (rustworkx, igraph), its cost is summed along it, edge by edge from the source, as a
  Dijkstra adds it up.

A peer whose package is not installed is skipped (:func:`available`).
"""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

Groups = Sequence[Sequence[int]]
Route = tuple[float, list[int]]  # cost, and the nodes from a source to a target
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

    def route(self, sources: Sequence[int], targets: Sequence[int]) -> Route:
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

    def route(self, sources: Sequence[int], targets: Sequence[int]) -> Route:
        best: Route = (math.inf, [])
        for target in targets:  # networkx stops at one target: one search per target node
            try:
                found = self.nx.multi_source_dijkstra(self.graph, set(sources), target)
            except self.nx.NetworkXNoPath:
                continue
            if found[0] < best[0]:
                best = found
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

    def route(self, sources: Sequence[int], targets: Sequence[int]) -> Route:
        dist, pred, _ = self.dijkstra(
            self.graph,
            directed=True,
            indices=list(sources),
            min_only=True,
            return_predecessors=True,
        )
        target = min(targets, key=lambda node: dist[node])
        if math.isinf(dist[target]):
            return math.inf, []
        nodes = [target]
        while pred[nodes[-1]] >= 0:
            nodes.append(int(pred[nodes[-1]]))
        return float(dist[target]), nodes[::-1]


class IgraphPeer(Peer):
    name = "igraph"

    def __init__(self, n: int, a: np.ndarray, b: np.ndarray, w: np.ndarray) -> None:
        import igraph

        self.graph = igraph.Graph(n=n, edges=np.column_stack([a, b]).tolist(), directed=False)
        self.graph.es["weight"] = w.tolist()
        self.ends = list(zip(a.tolist(), b.tolist(), strict=True))
        self.weights = w.tolist()

    def matrix(self, groups: Groups) -> list[list[float]]:
        nodes = sorted({n for g in groups for n in g})
        columns = {node: k for k, node in enumerate(nodes)}
        per_node = np.asarray(
            self.graph.distances(source=nodes, target=nodes, weights="weight"), dtype=float
        )
        rows = np.asarray([per_node[[columns[n] for n in g]].min(axis=0) for g in groups])
        return _group_min(rows, groups, columns)

    def route(self, sources: Sequence[int], targets: Sequence[int]) -> Route:
        best: Route = (math.inf, [])
        for source in sorted(set(sources)):  # one search per source to all the targets
            found = self.graph.get_shortest_paths(
                source, to=sorted(set(targets)), weights="weight", output="epath"
            )
            for target, edges in zip(sorted(set(targets)), found, strict=True):
                if not edges and source != target:
                    continue  # unreachable
                cost, nodes = 0.0, [source]
                for edge in edges:
                    cost += self.weights[edge]
                    a, b = self.ends[edge]
                    nodes.append(b if a == nodes[-1] else a)
                if cost < best[0]:
                    best = (cost, nodes)
        return best


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

    def route(self, sources: Sequence[int], targets: Sequence[int]) -> Route:
        best: Route = (math.inf, [])
        weight = self.graph.get_edge_data
        for source in sources:
            for target in targets:  # rustworkx stops at one target: one search per pair
                if source == target:
                    return 0.0, [source]
                found = self.rx.graph_dijkstra_shortest_paths(
                    self.graph, source, target=target, weight_fn=float
                )
                if target not in found:
                    continue
                nodes = list(found[target])
                cost = 0.0
                for a, b in zip(nodes, nodes[1:]):  # noqa: B905
                    cost += weight(a, b)
                if cost < best[0]:
                    best = (cost, nodes)
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
