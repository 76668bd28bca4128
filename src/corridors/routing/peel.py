"""Dead ends peeled off a compiled graph, so that a search skips trees that lead nowhere.

A node with at most one neighbour lies on no path between two other nodes (a path into a dead
end must come back the way it went). Peeling such nodes until none is left leaves the graph's
2-core: on the generated benchmark atlases a quarter of the nodes are peeled, and a search
among the core's nodes settles only those. :func:`peel` does it once per compiled graph (kept
with the index, as the graph is). ``Peeled.upward`` gives a route whose targets are in the
core the core plus one upward entry per peeled node (a search climbs out of a dead end, never
into one), made once; :func:`upward_graph` gives a matrix query the core plus the upward
entries of the branches to its own sources and targets (which may lie in peeled trees), and
:func:`fold` then carries each block of searched costs down those branches.

Same answer: every path between two nodes kept is a path of the graph, and every simple path
of the graph between two nodes kept lies in what is kept, so the cost of each kept node is the
same sum of the same edge costs, in the same order, as on the whole graph; a cost folded down
a branch is the same addition the search would have made (see :func:`upward_graph`).
``tests/test_engine_peel.py`` and ``tests/test_engine_random.py`` check identical costs and
paths against the Python core.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from corridors.network.index import RouteIndex

__all__ = ["Folds", "Peeled", "fold", "peel", "upward_graph"]


@dataclass(frozen=True)
class Peeled:
    """The 2-core of a compiled graph and how each peeled node hung on it."""

    alive: np.ndarray  # per node: in the core
    parent: np.ndarray  # per peeled node: the neighbour it hung from when peeled (-1: none)
    rows: np.ndarray  # the row of each stored entry of the compiled matrix
    upward: Any  # the core, plus each peeled node's one entry towards the node it hung from
    up_entry: np.ndarray  # per stored entry of the compiled matrix: one that ``upward`` keeps


def peel(index: RouteIndex, matrix: Any, *, key: Hashable) -> Peeled:
    """The peeled form of a compiled graph's CSR ``matrix`` (built once, kept with ``index``
    under ``key``; :func:`corridors.routing.compiled.compile_graph` makes the matrix)."""
    return index.derived(("peeled", key), lambda: _peel(matrix))


def _peel(matrix: Any) -> Peeled:
    size = matrix.shape[0]
    indptr = matrix.indptr.astype(np.int64)
    rows = np.repeat(np.arange(size, dtype=np.int64), np.diff(indptr))
    cols = matrix.indices.astype(np.int64)
    # The compiled matrix is symmetric with one entry per neighbour and no self-loops, so the
    # entries of a row count its distinct neighbours.
    degree = np.diff(indptr)
    alive = np.ones(size, dtype=bool)
    parent = np.full(size, -1, dtype=np.int64)
    upward = np.zeros(len(rows), dtype=bool)
    frontier = np.flatnonzero(degree <= 1)
    while len(frontier):  # each round touches only the entries of the nodes it peels
        starts, counts = indptr[frontier], indptr[frontier + 1] - indptr[frontier]
        entries = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        entries = entries[alive[cols[entries]]]  # towards a live neighbour (at most one each)
        parent[rows[entries]] = cols[entries]
        upward[entries] = True
        alive[frontier] = False
        neighbours = cols[entries]
        neighbours = neighbours[alive[neighbours]]
        np.subtract.at(degree, neighbours, 1)
        frontier = np.unique(neighbours[degree[neighbours] <= 1])
    kept = (alive[rows] & alive[cols]) | upward
    return Peeled(alive, parent, rows, _restrict(matrix, rows, kept), kept)


def _restrict(matrix: Any, rows: np.ndarray, entry: np.ndarray) -> Any:
    """``matrix`` with only the stored entries where ``entry`` holds (same shape, numbers)."""
    from scipy.sparse import csr_matrix

    size = matrix.shape[0]
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[entry], minlength=size), out=indptr[1:])
    return csr_matrix((matrix.data[entry], matrix.indices[entry], indptr), shape=matrix.shape)


# One level of a fold (:func:`upward_graph`): peeled nodes, the node each hung from, and the
# cost of the entry from that node down to it (all in the searched graph's numbers).
Folds = list[tuple[np.ndarray, np.ndarray, np.ndarray]]


def upward_graph(
    matrix: Any, peeled: Peeled, terminals: Iterable[int], keys: np.ndarray
) -> tuple[Any, np.ndarray, Folds]:
    """The graph a matrix searches between ``terminals``: the core, plus the branch from each
    terminal outside it up to the core, with only the upward entries of those branches (a
    search climbs out of a dead end, never into one), renumbered to the nodes kept in their
    order (rows stay in CSR order, columns sorted in each); the new number of every node (-1:
    not kept); and the fold that gives the kept peeled nodes their costs afterwards, level by
    level from the core down (:func:`fold`).

    Same answer: a search's cost at a node is the least of (cost of a neighbour + the entry
    from it), the same float additions whatever the order they are made in. A peeled node's
    neighbours are the node it hung from and the nodes that hung from it; a path from
    outside its branch reaches it from the node it hung from, one from inside climbs to it,
    which the search does. So its cost is the lesser of its searched cost (the climb) and
    its parent's final cost plus the entry down, which :func:`fold` takes top-down. ``keys``
    are the compiled matrix's (row * nodes + column, ascending), to find each entry down.
    """
    from scipy.sparse import csr_matrix

    alive, parent = peeled.alive, peeled.parent
    keep = alive.copy()
    depth: dict[int, int] = {}
    for start in {node for node in terminals if not alive[node]}:
        chain = []
        node = start
        while node >= 0 and not keep[node]:
            keep[node] = True
            chain.append(node)
            node = int(parent[node])
        base = 0
        if node >= 0 and not alive[node]:
            if node in depth:
                base = depth[node]
            else:  # two nodes peeled in one round, each hung from the other: a piece of no
                top = chain.index(node)  # core, whose two entries up the search has
                depth.update(dict.fromkeys(chain[top:], 0))
                chain = chain[:top]
        for level, node in enumerate(reversed(chain), start=base + 1):
            depth[node] = level
    rows, cols = peeled.rows, matrix.indices
    entry = peeled.up_entry & keep[rows] & keep[cols]
    kept = np.flatnonzero(keep)
    size = len(kept)
    new = np.full(len(keep), -1, dtype=np.int64)
    new[kept] = np.arange(size)
    indptr = np.zeros(size + 1, dtype=matrix.indptr.dtype)
    np.cumsum(np.bincount(new[rows[entry]], minlength=size), out=indptr[1:])
    columns = new[cols[entry]].astype(cols.dtype)
    graph = csr_matrix((matrix.data[entry], columns, indptr), shape=(size, size))
    return graph, new, _folds(matrix, parent, depth, new, keys)


def _folds(
    matrix: Any, parent: np.ndarray, depth: dict[int, int], new: np.ndarray, keys: np.ndarray
) -> Folds:
    if not depth:
        return []
    nodes = np.fromiter(depth, dtype=np.int64, count=len(depth))
    levels = np.fromiter(depth.values(), dtype=np.int64, count=len(depth))
    up = parent[nodes]
    hung = (up >= 0) & (levels > 0)
    nodes, levels, up = nodes[hung], levels[hung], up[hung]
    order = np.argsort(levels, kind="stable")
    nodes, levels, up = nodes[order], levels[order], up[order]
    size = matrix.shape[0]
    down = matrix.data[keys.searchsorted(up * size + nodes)]  # the entry parent -> node
    cuts = np.flatnonzero(np.diff(levels)) + 1
    starts, stops = np.concatenate([[0], cuts]), np.concatenate([cuts, [len(levels)]])
    return [
        (new[nodes[a:b]], new[up[a:b]], down[a:b])
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True)
    ]


def fold(block: np.ndarray, folds: Folds) -> None:
    """Each kept peeled node's cost in ``block`` (rows of searched costs, in the numbers of
    :func:`upward_graph`'s graph) made final, in place: the lesser of its own and its
    parent's plus the entry down, parents first."""
    for nodes, up, down in folds:
        block[:, nodes] = np.minimum(block[:, nodes], block[:, up] + down)
