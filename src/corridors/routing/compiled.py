"""The compiled engine: the route graph as a scipy CSR matrix, searched by ``csgraph``.

Why: the pure-Python core in :mod:`corridors.routing.search` is the right tool for one route
on the shipped atlas (no numpy/scipy import on a cold start), but a distance matrix among
hundreds of hubs, or routes over 10^5 corridor pieces, need compiled code. This module is
reached only through :func:`corridors.routing.search.shortest_path` and
:func:`~corridors.routing.search.costs_between`, which give it the edge costs (the one
:func:`~corridors.routing.search.edge_costs`): it computes no cost of its own.

The CSR holds, for each ordered node pair, the cheapest usable edge (the lowest edge id among
equally cheap ones, as the Python core keeps). Explicit zero costs (rail <-> sea transfers by
distance) stay edges: scipy treats stored zeros in a sparse graph as edges. The matrix is kept
with the index per options (never written to the network cache).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

    from corridors.network.index import RouteIndex

# Rows of sources searched at once when filling a matrix: bounds the dense block held in
# memory to CHUNK_ROWS x nodes floats (8 MB per 10^4 nodes), never sources x nodes.
CHUNK_ROWS = 64
# From this many nodes a matrix searches each multi-node hub once (``min_only``): below it a
# search is cheaper than a call, and chunks of single-node searches win (benchmarks/).
MIN_ONLY_NODES = 20_000
# A limited search (:func:`path_in`) grows its limit this many times, by this factor each time.
LIMIT_TRIES = 6
LIMIT_GROWTH = 3.0


@dataclass(frozen=True)
class CompiledGraph:
    """A CSR adjacency for one set of edge costs, with the edge behind each entry."""

    matrix: csr_matrix
    edge_of: np.ndarray  # index edge id of each stored CSR entry
    keys: np.ndarray  # row * nodes + column of each stored entry, ascending (CSR order)


def compile_graph(index: RouteIndex, costs: Sequence[float], *, key: Hashable) -> CompiledGraph:
    """The CSR graph of ``index`` with edge ``costs`` (kept with the index under ``key``)."""
    return index.derived(("csr", key), lambda: _compile(index, costs))


def _compile(index: RouteIndex, costs: Sequence[float]) -> CompiledGraph:
    from scipy.sparse import csr_matrix

    u = np.asarray(index.edge_u, dtype=np.int64)
    v = np.asarray(index.edge_v, dtype=np.int64)
    weights = np.asarray(costs, dtype=np.float64)
    edge = np.flatnonzero(np.isfinite(weights) & (u != v))
    row = np.concatenate([u[edge], v[edge]])
    col = np.concatenate([v[edge], u[edge]])
    edge = np.concatenate([edge, edge])
    weight = weights[edge]
    # For parallel edges keep the cheapest (lowest edge id on ties), as the Python core does.
    order = np.lexsort((edge, weight, col, row))
    row, col, edge, weight = row[order], col[order], edge[order], weight[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = (row[1:] != row[:-1]) | (col[1:] != col[:-1])
    row, col, edge, weight = row[first], col[first], edge[first], weight[first]
    size = index.node_count
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=size), out=indptr[1:])
    matrix = csr_matrix((weight, col.astype(np.int32), indptr), shape=(size, size))
    return CompiledGraph(matrix, edge, row * size + col)


def shortest_path(
    index: RouteIndex,
    costs: Sequence[float],
    sources: Sequence[int],
    targets: set[int],
    *,
    key: Hashable,
) -> tuple[float, list[int]] | None:
    """:func:`corridors.routing.search.shortest_path`, searched by ``scipy.sparse.csgraph``."""
    graph = compile_graph(index, costs, key=key)
    return path_in(graph, sources, targets, nodes=index.node_count)


def path_in(
    graph: CompiledGraph, sources: Sequence[int], targets: set[int], *, nodes: int
) -> tuple[float, list[int]] | None:
    """The cheapest path in a compiled graph of ``nodes`` nodes (see :func:`shortest_path`)."""
    found = node_path(graph.matrix, sources, targets)
    if found is None:
        return None
    cost, passed = found
    # The CSR entry of each step, found by its (row, column) key in one search.
    steps = np.asarray(passed, dtype=np.int64)
    slots = np.searchsorted(graph.keys, steps[:-1] * nodes + steps[1:])
    return cost, graph.edge_of[slots].tolist()


def node_path(
    matrix: Any, sources: Sequence[int], targets: set[int], *, first_limit: float = math.inf
) -> tuple[float, list[int]] | None:
    """The cost and the nodes of the cheapest path from ``sources`` to the nearest target in a
    CSR ``matrix`` (None: no path), up to the first target on the way (as the Python core).

    ``first_limit`` (a cost, e.g. a lower bound of the route's): search only as far as that
    first, then :data:`LIMIT_GROWTH` times farther, up to :data:`LIMIT_TRIES` times, then
    without limit. ``csgraph.dijkstra`` cannot stop at a target; a limit spares searching
    the whole graph for a short route. Same answer: a node within the limit has the same cost
    and predecessor as without one (every node that can improve it is settled before it).
    """
    from scipy.sparse.csgraph import dijkstra

    limit = first_limit if first_limit > 0 else math.inf
    for attempt in range(LIMIT_TRIES + 1):
        if attempt == LIMIT_TRIES:
            limit = math.inf
        dist, pred, _ = dijkstra(
            matrix,
            directed=True,
            indices=sorted(set(sources)),
            min_only=True,
            return_predecessors=True,
            limit=limit,
        )
        best = min(sorted(targets), key=lambda node: dist[node])
        cost = float(dist[best])
        if not math.isinf(cost) or math.isinf(limit):
            break
        limit *= LIMIT_GROWTH
    if math.isinf(cost):
        return None
    passed = [best]  # the nodes along the path, from the target back
    node = best
    while pred[node] >= 0:
        node = int(pred[node])
        passed.append(node)
    passed.reverse()
    # Stop at the first target on the way, as the Python core does: a target reached through
    # another one at the same cost (a zero-cost transfer) is not a different route.
    first = next(k for k, node in enumerate(passed) if node in targets)
    return cost, passed[: first + 1]


def costs_between(
    index: RouteIndex,
    costs: Sequence[float],
    sources: Sequence[Sequence[int]],
    targets: Sequence[Sequence[int]],
    *,
    key: Hashable,
    progress: Any = None,
) -> np.ndarray:
    """:func:`corridors.routing.search.costs_between`, searched by ``scipy.sparse.csgraph``.

    On a graph of :data:`MIN_ONLY_NODES` nodes or more, each source group is searched once: a
    group of several nodes by one multi-source search (``csgraph.dijkstra`` with
    ``min_only``), groups of one node together in chunks of :data:`CHUNK_ROWS` (``indices``).
    On a smaller graph a search costs less than a call, so every source node is searched, in
    chunks, and the minimum taken per group. Only the target columns are kept: memory is
    O(chunk x nodes + sources x targets), never quadratic in the number of nodes.
    """
    from scipy.sparse.csgraph import dijkstra

    graph = compile_graph(index, costs, key=key)
    target_nodes = sorted({n for group in targets for n in group})
    where = {node: k for k, node in enumerate(target_nodes)}
    columns = np.asarray(target_nodes, dtype=np.int64)
    if index.node_count < MIN_ONLY_NODES:
        source_nodes = sorted({n for group in sources for n in group})
        node_rows = np.full((len(source_nodes), len(target_nodes)), np.inf)
        for lo in range(0, len(source_nodes), CHUNK_ROWS):
            chunk = source_nodes[lo : lo + CHUNK_ROWS]
            if len(columns):
                block = dijkstra(graph.matrix, directed=True, indices=chunk)
                node_rows[lo : lo + len(chunk)] = block[:, columns]
            if progress is not None:
                progress.advance(len(chunk))
        row_of = {node: k for k, node in enumerate(source_nodes)}
        rows = _group_min(node_rows, [[row_of[n] for n in g] for g in sources], axis=0)
        return _group_min(rows, [[where[n] for n in g] for g in targets], axis=1)
    rows = np.full((len(sources), len(target_nodes)), np.inf)
    # A group of one node shares a call with other such groups; a group of several is one
    # multi-source search (``min_only``), never one search per member.
    single = [k for k, group in enumerate(sources) if len(set(group)) == 1]
    several = [k for k, group in enumerate(sources) if len(set(group)) > 1]
    if len(columns):
        for lo in range(0, len(single), CHUNK_ROWS):
            chunk = single[lo : lo + CHUNK_ROWS]
            block = dijkstra(graph.matrix, directed=True, indices=[sources[k][0] for k in chunk])
            rows[chunk] = block[:, columns]
            if progress is not None:
                progress.advance(sum(len(sources[k]) for k in chunk))
        for k in several:
            group = sorted(set(sources[k]))
            rows[k] = dijkstra(graph.matrix, directed=True, indices=group, min_only=True)[columns]
            if progress is not None:
                progress.advance(len(sources[k]))
    return _group_min(rows, [[where[n] for n in g] for g in targets], axis=1)


def _group_min(values: np.ndarray, groups: list[list[int]], *, axis: int) -> np.ndarray:
    """Minimum of ``values`` over each group of rows (axis 0) or columns (axis 1); inf if empty."""
    shape = list(values.shape)
    shape[axis] = len(groups)
    out = np.full(shape, np.inf)
    filled = [k for k, group in enumerate(groups) if group]
    if not filled:
        return out
    flat = [member for k in filled for member in groups[k]]
    starts = np.cumsum([0] + [len(groups[k]) for k in filled[:-1]])
    picked = np.take(values, flat, axis=axis)
    reduced = np.minimum.reduceat(picked, starts, axis=axis)
    if axis == 0:
        out[filled] = reduced
    else:
        out[:, filled] = reduced
    return out
