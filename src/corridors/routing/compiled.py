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
with the index per options (never written to the network cache), and so is its peeled form
(:mod:`corridors.routing.peel`: the graph less its dead ends), which routes and large matrices
search instead. ``tests/test_engine_peel.py`` proves every shortcut gives the Python core's
costs and paths exactly.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse.csgraph import dijkstra  # this module is imported only to search with it

from corridors.routing import peel

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

    from corridors.network.index import RouteIndex

# Rows of sources searched at once when filling a matrix: bounds the dense block held in
# memory to CHUNK_ROWS x nodes floats (8 MB per 10^4 nodes), never sources x nodes.
CHUNK_ROWS = 64
# From this many nodes a matrix searches each multi-node hub once (``min_only``): below it a
# search is cheaper than a call, and chunks of single-node searches win. Measured with
# benchmarks/ (CPU time, alternated): at 1k and 10k segments min_only is 5-10 % faster.
MIN_ONLY_NODES = 1_000
# From this many nodes a matrix searches the graph less its dead ends (:mod:`.peel`), made
# for its hubs (below it, making that costs more than it saves); a route always does.
PEEL_MIN_NODES = 2_000
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
    # Made once per graph, nothing per query: from any size on (a matrix query makes its own).
    matrix = peel.route_matrix(peel.peel(index, graph.matrix, key=key), targets)
    return path_in(graph, sources, targets, nodes=index.node_count, matrix=matrix)


def _search_matrix(index: RouteIndex, graph: CompiledGraph, key: Hashable, terminals: Any) -> Any:
    """The matrix to search between ``terminals``: from :data:`PEEL_MIN_NODES` nodes the
    graph less its dead ends (:mod:`corridors.routing.peel`), else the whole graph."""
    if index.node_count < PEEL_MIN_NODES:
        return graph.matrix
    return peel.search_matrix(graph.matrix, peel.peel(index, graph.matrix, key=key), terminals)


def path_in(
    graph: CompiledGraph,
    sources: Sequence[int],
    targets: set[int],
    *,
    nodes: int,
    matrix: Any = None,
) -> tuple[float, list[int]] | None:
    """The cheapest path in a compiled graph of ``nodes`` nodes (see :func:`shortest_path`),
    searched in ``matrix`` if given (the graph less edges no such path uses)."""
    found = node_path(graph.matrix if matrix is None else matrix, sources, targets)
    if found is None:
        return None
    cost, passed = found
    # The CSR entry of each step, found by its (row, column) key in one search.
    steps = np.array(passed, dtype=np.int64)
    wanted = steps[:-1] * nodes
    wanted += steps[1:]
    slots = graph.keys.searchsorted(wanted)
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
    starts = sorted(set(sources))
    ends = sorted(targets)
    limit = first_limit if first_limit > 0 else math.inf
    for attempt in range(LIMIT_TRIES + 1):
        if attempt == LIMIT_TRIES:
            limit = math.inf
        bound = {} if limit == math.inf else {"limit": limit}  # a limit costs even if inf
        dist, pred, _ = dijkstra(
            matrix, directed=True, indices=starts, min_only=True, return_predecessors=True, **bound
        )
        best = ends[0] if len(ends) == 1 else min(ends, key=dist.item)
        cost = dist.item(best)
        if cost != math.inf or limit == math.inf:
            break
        limit *= LIMIT_GROWTH
    if cost == math.inf:
        return None
    passed = [best]  # the nodes along the path, from the target back
    step = pred.item
    node = step(best)
    while node >= 0:
        passed.append(node)
        node = step(node)
    passed.reverse()
    # Stop at the first target on the way, as the Python core does: a target reached through
    # another one at the same cost (a zero-cost transfer) is not a different route.
    for k, node in enumerate(passed):
        if node in targets:
            return cost, passed[: k + 1]
    raise AssertionError("a path ends at a target")  # pragma: no cover


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

    A group's members joined to its first node by a zero-cost edge (the rail and sea nodes of
    a port, by distance) are answered by the first node's search: nothing is cheaper to reach
    from one than from the other, exactly (adding 0.0 is exact), so one search serves them
    all, and one column serves them as a target. What is left of each group is searched as
    follows. On a graph of :data:`MIN_ONLY_NODES` nodes or more, each source group is
    searched once: a group of several nodes by one multi-source search (``csgraph.dijkstra``
    with ``min_only``), groups of one node together in chunks of :data:`CHUNK_ROWS`
    (``indices``). On a smaller graph a search costs less than a call, so every source node
    is searched, in chunks, and the minimum taken per group. Only the target columns are
    kept: memory is O(chunk x nodes + sources x targets), never quadratic in the number of
    nodes.
    """
    graph = compile_graph(index, costs, key=key)
    same = targets is sources
    sources = _joined_at_zero(graph, sources, index.node_count)
    targets = sources if same else _joined_at_zero(graph, targets, index.node_count)
    across = _Layout.of(targets)
    columns = np.asarray(across.nodes, dtype=np.int64)
    weights = [len(group) for group in sources]  # progress: source nodes as given
    matrix = _search_matrix(index, graph, key, [*across.nodes, *(n for g in sources for n in g)])
    if index.node_count < MIN_ONLY_NODES:
        down = _Layout.of(sources)
        node_rows = np.full((len(down.nodes), len(columns)), np.inf)
        for lo in range(0, len(down.nodes), CHUNK_ROWS):
            chunk = down.nodes[lo : lo + CHUNK_ROWS]
            if len(columns):
                block = dijkstra(matrix, directed=True, indices=chunk)
                node_rows[lo : lo + len(chunk)] = block[:, columns]
            if progress is not None:
                progress.advance(len(chunk))
        if progress is not None and sum(weights) > len(down.nodes):
            progress.advance(sum(weights) - len(down.nodes))  # nodes answered by another
        return across.fold(down.fold(node_rows, axis=0), axis=1)
    rows = np.full((len(sources), len(columns)), np.inf)
    # A group of one node shares a call with other such groups; a group of several is one
    # multi-source search (``min_only``), never one search per member.
    single = [k for k, group in enumerate(sources) if len(group) == 1]
    several = [k for k, group in enumerate(sources) if len(group) > 1]
    if len(columns):
        for lo in range(0, len(single), CHUNK_ROWS):
            chunk = single[lo : lo + CHUNK_ROWS]
            block = dijkstra(matrix, directed=True, indices=[sources[k][0] for k in chunk])
            rows[chunk] = block[:, columns]
            if progress is not None:
                progress.advance(sum(weights[k] for k in chunk))
        for k in several:
            group = list(sources[k])
            rows[k] = dijkstra(matrix, directed=True, indices=group, min_only=True)[columns]
            if progress is not None:
                progress.advance(weights[k])
    return across.fold(rows, axis=1)


@dataclass(frozen=True)
class _Layout:
    """Groups of nodes laid out in one list so that the minimum over each group's rows (or
    columns) is one copy and one ``np.minimum`` per extra member, not one call per group: the
    first node of every non-empty group (in group order), then every group's second node,
    then every third, ..."""

    count: int  # groups
    nodes: list[int]
    filled: list[int]  # the non-empty groups, in order (their first nodes lead ``nodes``)
    rounds: list[tuple[list[int], int]]  # positions among ``filled``, and where their nodes start

    @classmethod
    def of(cls, groups: Sequence[Sequence[int]]) -> _Layout:
        filled = [k for k, group in enumerate(groups) if group]
        nodes = [groups[k][0] for k in filled]
        rounds = []
        member = 1
        while True:
            positions = [at for at, k in enumerate(filled) if len(groups[k]) > member]
            if not positions:
                break
            rounds.append((positions, len(nodes)))
            nodes += [groups[filled[at]][member] for at in positions]
            member += 1
        return cls(len(groups), nodes, filled, rounds)

    def fold(self, values: np.ndarray, *, axis: int) -> np.ndarray:
        """From one row (``axis=0``) or column per laid-out node to one per group: the minimum
        over its nodes, ``inf`` for an empty group."""
        lead = len(self.filled)
        if not self.rounds and lead == self.count == values.shape[axis]:
            return values
        view = values if axis == 0 else values.T
        best = view[:lead].copy()
        for positions, start in self.rounds:
            extra = view[start : start + len(positions)]
            best[positions] = np.minimum(best[positions], extra)
        out = np.full((self.count, view.shape[1]), np.inf)
        out[self.filled] = best
        return out if axis == 0 else out.T


def _joined_at_zero(
    graph: CompiledGraph, groups: Sequence[Sequence[int]], nodes: int
) -> list[list[int]]:
    """Each group's distinct nodes (ascending) less those a zero-cost edge joins to its
    first: their costs, to and from anywhere, are the first node's (see :func:`costs_between`).
    """
    distinct = [sorted(set(group)) for group in groups]
    pairs = [
        (k, group[0], n) for k, group in enumerate(distinct) if len(group) > 1 for n in group[1:]
    ]
    if not pairs or not len(graph.keys):
        return distinct
    k, first, other = (np.asarray(column, dtype=np.int64) for column in zip(*pairs, strict=True))
    wanted = first * nodes + other
    slots = np.minimum(np.searchsorted(graph.keys, wanted), len(graph.keys) - 1)
    joined = (graph.keys[slots] == wanted) & (graph.matrix.data[slots] == 0.0)
    for group, node in zip(k[joined].tolist(), other[joined].tolist(), strict=True):
        distinct[group].remove(node)
    return distinct
