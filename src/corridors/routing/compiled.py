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
(:mod:`corridors.routing.peel`: the graph less its dead ends), which routes and matrices of
many hubs search instead (a matrix renumbered to the nodes it keeps, its costs folded down
the dead ends afterwards). A matrix searches each source
group once, a group of several nodes from a node added for the query (see
:func:`costs_between`), all in shared calls. ``tests/test_engine_peel.py`` and
``tests/test_engine_random.py`` (random graphs, and each shortcut broken on purpose) prove
every shortcut gives the Python core's costs and paths exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy.sparse.csgraph import dijkstra  # this module is imported only to search with it

from corridors.routing import peel

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

    from corridors.network.index import RouteIndex

# Rows of sources searched at once when filling a matrix, at most; and at most this many
# cells in one such block (rows x nodes floats, 64 MB), never sources x nodes.
CHUNK_ROWS = 64
CHUNK_CELLS = 8 * 2**20
# From this many nodes, or this many source groups, a matrix searches the graph less its
# dead ends (:func:`.peel.upward_graph`), made for its hubs (below both, making that costs
# more than it saves: ~0.4 ms at 1k nodes, against ~15 % of each search); a route always does.
PEEL_MIN_NODES = 2_000
PEEL_MIN_SOURCES = 32
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
    costs: Sequence[float] | Callable[[], Sequence[float]],
    sources: Sequence[int],
    targets: set[int],
    *,
    key: Hashable,
) -> tuple[float, list[int]] | None:
    """:func:`corridors.routing.search.shortest_path`, searched by ``scipy.sparse.csgraph``.

    ``costs`` may be a function giving them: it is called only when the route's graph is not
    kept yet. Everything a route needs (the compiled graph, its peeled form, the edge of each
    step) is kept with the index under one key, so a warm route is one look-up, one search and
    the path read back in one loop: at 1k segments the search itself is a few dozen
    microseconds, and any per-call work beyond it shows in the benchmark against scipy
    called directly (``benchmarks/cases.py route``).
    """
    plan = index.derived(("route", key), lambda: _route_plan(index, costs, key))
    # A search climbs out of a source's dead end but never into one: with every target in
    # the core, the upward matrix (``Peeled.upward``) will do.
    alive = plan.alive_list
    matrix = plan.upward
    for node in targets:
        if not alive[node]:
            matrix = plan.graph.matrix
            break
    if len(targets) == 1 and plan.edge_at is not None:
        (target,) = targets
        return _path_to(matrix, sources, target, plan.edge_at, len(alive))
    found = node_path(matrix, sources, targets)
    if found is None:
        return None
    cost, passed = found
    return cost, plan.edges_along(passed)


def _path_to(
    matrix: Any, sources: Sequence[int], target: int, edge_at: dict[int, int], nodes: int
) -> tuple[float, list[int]] | None:
    """:func:`node_path` to one target, read back as edges in the same loop (a route between
    two places of one node each: the common case, where this loop is most of the Python)."""
    starts = sources if len(sources) == 1 else sorted(set(sources))
    dist, pred = dijkstra(
        matrix, directed=True, indices=starts, min_only=True, return_predecessors=True
    )[:2]
    cost = dist.item(target)
    if cost == math.inf:
        return None
    edges = []
    step = pred.item
    node = target
    before = step(node)
    while before >= 0:
        edges.append(edge_at[before * nodes + node])
        node = before
        before = step(node)
    edges.reverse()
    return cost, edges


@dataclass(frozen=True)
class RoutePlan:
    """What a route keeps with the index per options (see :func:`shortest_path`)."""

    graph: CompiledGraph
    upward: Any  # the core plus one entry up from each peeled node (``Peeled.upward``)
    alive: np.ndarray  # per node: in the core
    alive_list: list[bool]  # the same as a list (one look-up per target costs less)
    edge_at: dict[int, int] | None  # row * nodes + column -> edge, below EDGE_DICT_MAX entries

    def edges_along(self, passed: list[int]) -> list[int]:
        """The edge of each step of a node path (its cheapest edge, as compiled)."""
        at = self.edge_at
        if at is None or len(passed) > EDGE_DICT_PATH:
            return _edges_along(self.graph, passed, len(self.alive_list))
        nodes = len(self.alive_list)
        return [at[a * nodes + b] for a, b in zip(passed, passed[1:])]  # noqa: B905


# A route reads the edge of each step from a dict when the graph has at most this many CSR
# entries (~100 bytes each in a dict: 5 MB at 10k segments) and, to several targets, the path
# at most this many nodes; else from the sorted keys with numpy (one call per path).
EDGE_DICT_MAX = 50_000
EDGE_DICT_PATH = 400


def _route_plan(
    index: RouteIndex, costs: Sequence[float] | Callable[[], Sequence[float]], key: Hashable
) -> RoutePlan:
    graph = compile_graph(index, costs() if callable(costs) else costs, key=key)
    peeled = peel.peel(index, graph.matrix, key=key)
    edge_at = None
    if len(graph.keys) <= EDGE_DICT_MAX:
        edge_at = dict(zip(graph.keys.tolist(), graph.edge_of.tolist(), strict=True))
    alive = peeled.alive
    return RoutePlan(graph, peeled.upward, alive, alive.tolist(), edge_at)


def _edges_along(graph: CompiledGraph, passed: list[int], nodes: int) -> list[int]:
    """The edge of each step of a node path: its CSR entry found by (row, column) key."""
    steps = np.array(passed, dtype=np.int64)
    slots = graph.keys.searchsorted(steps[:-1] * nodes + steps[1:])
    return graph.edge_of[slots].tolist()


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
    return cost, _edges_along(graph, passed, nodes)


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
    starts = sources if len(sources) == 1 else sorted(set(sources))
    ends = sorted(targets)
    limit = first_limit if first_limit > 0 else math.inf
    for attempt in range(LIMIT_TRIES + 1):
        if attempt == LIMIT_TRIES:
            limit = math.inf
        if limit == math.inf:  # a limit costs even if inf
            dist, pred = dijkstra(
                matrix, directed=True, indices=starts, min_only=True, return_predecessors=True
            )[:2]
        else:
            dist, pred = dijkstra(
                matrix,
                directed=True,
                indices=starts,
                min_only=True,
                return_predecessors=True,
                limit=limit,
            )[:2]
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
    # another one at the same cost (a zero-cost transfer) is not a different route. One
    # target cannot be on the way to itself (a shortest path passes a node once).
    if len(ends) > 1 and not targets.isdisjoint(passed[:-1]):
        for k, node in enumerate(passed):
            if node in targets:
                return cost, passed[: k + 1]
    return cost, passed


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
    all, and one column serves them as a target. Each source group is then searched once, and
    every search shares calls of up to :func:`chunk_rows` rows: a group of one node from that
    node; a group of several from a node of its own added to the searched graph for the query,
    joined to each member by a zero-cost edge towards it (nothing leads back to it, so no path
    passes it). That search is the multi-source search of the group (``min_only``), exactly:
    each member costs 0.0 + 0.0 = 0.0 and every sum after it is the same sum, in the same
    order. From :data:`PEEL_MIN_NODES` nodes or :data:`PEEL_MIN_SOURCES` source groups the
    graph searched is the core without its dead ends plus the upward entries of the branches
    to the query's own nodes (:func:`corridors.routing.peel.upward_graph`), renumbered to what
    is kept, and each block of rows is folded down those branches after its search
    (:func:`corridors.routing.peel.fold`). Only the target columns are kept: memory is
    O(chunk x nodes + sources x targets), never quadratic in the number of nodes.
    """
    graph = compile_graph(index, costs, key=key)
    same = targets is sources
    weights = [len(group) for group in sources]  # progress: source nodes as given
    sources = _joined_at_zero(graph, sources, index.node_count)
    targets = sources if same else _joined_at_zero(graph, targets, index.node_count)
    across = _Layout.of(targets)
    folds: peel.Folds = []
    if index.node_count < PEEL_MIN_NODES and len(sources) < PEEL_MIN_SOURCES:
        base, new = graph.matrix, None
    else:
        terminals = {*across.nodes, *(n for group in sources for n in group)}
        peeled = peel.peel(index, graph.matrix, key=key)
        base, new, folds = peel.upward_graph(graph.matrix, peeled, terminals, graph.keys)
    if new is not None:  # the query's nodes, renumbered as the searched graph is
        columns = new[np.asarray(across.nodes, dtype=np.int64)]
        sources = [new[np.asarray(group, dtype=np.int64)].tolist() for group in sources]
    else:
        columns = np.asarray(across.nodes, dtype=np.int64)
    matrix, starts = _with_group_sources(base, sources)
    rows = np.full((len(sources), len(columns)), np.inf)
    filled = [k for k, start in enumerate(starts) if start >= 0]
    step = chunk_rows(matrix.shape[0])
    for lo in range(0, len(filled) if len(columns) else 0, step):
        chunk = filled[lo : lo + step]
        block = dijkstra(matrix, directed=True, indices=[starts[k] for k in chunk])
        peel.fold(block, folds)
        rows[chunk] = block[:, columns]
        if progress is not None:
            progress.advance(sum(weights[k] for k in chunk))
    return across.fold(rows, axis=1)


def chunk_rows(nodes: int) -> int:
    """Sources searched per call among ``nodes`` nodes: :data:`CHUNK_ROWS`, fewer on a graph so
    large that a block of them would pass :data:`CHUNK_CELLS` cells (64 MB of floats)."""
    return max(1, min(CHUNK_ROWS, CHUNK_CELLS // max(nodes, 1)))


def _with_group_sources(matrix: Any, groups: Sequence[Sequence[int]]) -> tuple[Any, list[int]]:
    """``matrix`` plus one node per group of several nodes, with a zero-cost entry from it to
    each member (none into it), and the node each group's search starts from (-1: empty)."""
    from scipy.sparse import csr_matrix

    size = matrix.shape[0]
    starts: list[int] = []
    counts: list[int] = []  # entries of each added node
    members: list[int] = []
    for group in groups:
        if len(group) == 1:
            starts.append(group[0])
        elif not group:
            starts.append(-1)
        else:
            starts.append(size + len(counts))
            counts.append(len(group))
            members += sorted(group)
    if not counts:
        return matrix, starts
    added = len(counts)
    indptr = np.concatenate([matrix.indptr, matrix.indptr[-1] + np.cumsum(counts)])
    indices = np.concatenate([matrix.indices, np.asarray(members, dtype=matrix.indices.dtype)])
    data = np.concatenate([matrix.data, np.zeros(len(members))])
    shape = (size + added, size + added)
    return csr_matrix((data, indices, indptr.astype(matrix.indptr.dtype)), shape=shape), starts


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
        if axis == 1:  # along each row: no transposed (strided) view of a C-ordered array
            best = values[:, :lead].copy()
            for positions, start in self.rounds:
                extra = values[:, start : start + len(positions)]
                best[:, positions] = np.minimum(best[:, positions], extra)
            if lead == self.count:
                return best
            out = np.full((values.shape[0], self.count), np.inf)
            out[:, self.filled] = best
            return out
        best = values[:lead].copy()
        for positions, start in self.rounds:
            extra = values[start : start + len(positions)]
            best[positions] = np.minimum(best[positions], extra)
        out = np.full((self.count, values.shape[1]), np.inf)
        out[self.filled] = best
        return out


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
