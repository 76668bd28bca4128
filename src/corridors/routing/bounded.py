"""Least costs between groups of nodes of a CSR graph, searching no farther than needed.

Why: ``csgraph.dijkstra`` cannot stop at its targets, so a row of a small matrix on a route
file of 10^6 segments searched the whole graph (~0.1 s a row, twice: once for the numbers, once
more to explain the empty cells). Like :func:`corridors.routing.compiled.node_path`, each row
is searched first only as far as a limit (from a lower bound of its targets' costs), then
:data:`~corridors.routing.compiled.LIMIT_GROWTH` times farther, then without limit.

Exact: a node within the limit has the cost it has without one (every node that could lower it
is settled before it), so a target found is its least cost. A target not found is either
farther than the limit or unreachable; the search goes on only while that is open. It is
settled as unreachable, with no wider search, when

- the search **ran out of graph**: no usable edge (a finite cost) leads from a node it reached
  to a node it did not, so it reached everything that can be reached; or
- the target's **reverse search ran out of graph**: searched backwards (on the transposed
  graph) from the target, within the same limit, it reached every node that can reach the
  target, and none is a source. A place served only by planned corridors is such a target
  when the planned ones are left out: a few nodes, found at once.

Otherwise the limit grows. ``tests/test_bounded_rows.py`` compares every cell with an
unlimited search on random graphs (islands, one-way and zero-cost edges, unusable edges).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["bounded_rows"]


def bounded_rows(
    graph: Any,
    sources: Sequence[Sequence[int]],
    targets: Sequence[Sequence[int]],
    *,
    first_limits: Sequence[float],
    advance: Callable[[int], None] | None = None,
) -> Any:
    """The least cost from each group of source nodes to each group of target nodes.

    Parameters
    ----------
    graph : scipy.sparse.csr_matrix
        Square; an entry is a usable edge when its cost is finite (``inf``: left out).
    sources, targets : sequence of sequence of int
        Groups of nodes; a group's cost is the least over its nodes.
    first_limits : sequence of float
        Per source group, the cost to search as far as first (e.g. 1.5 times a lower bound
        of its costs); 0 or ``inf``: no limit.
    advance : callable, optional
        Called with the size of each source group when its row is done (a progress bar).

    Returns
    -------
    numpy.ndarray
        ``len(sources)`` × ``len(targets)`` costs, ``inf`` where there is no path, equal to
        ``csgraph.dijkstra(graph, indices=group, min_only=True)[group_j].min()``.
    """
    import numpy as np

    rows = np.full((len(sources), len(targets)), math.inf)
    if not any(sources) or not any(targets):
        return rows
    wanted = [np.asarray(sorted(set(group)), dtype=np.int64) for group in targets]
    backwards = _Backwards(graph, wanted)
    for k, group in enumerate(sources):
        if group:
            start = sorted(set(group))
            rows[k] = _row(graph, start, wanted, first_limits[k], backwards)
        if advance is not None:
            advance(len(group))
    return rows


def _search(graph: Any, start: Sequence[int], limit: float) -> Any:
    from scipy.sparse.csgraph import dijkstra

    if limit == math.inf:  # a limit costs even when it is inf
        return dijkstra(graph, directed=True, indices=start, min_only=True)
    return dijkstra(graph, directed=True, indices=start, min_only=True, limit=limit)


def _row(
    graph: Any, start: list[int], wanted: list[Any], first_limit: float, backwards: _Backwards
) -> Any:
    import numpy as np

    from corridors.routing.compiled import LIMIT_GROWTH, LIMIT_TRIES

    row = np.full(len(wanted), math.inf)
    limit = first_limit if 0 < first_limit < math.inf else math.inf
    for attempt in range(LIMIT_TRIES + 1):
        if attempt == LIMIT_TRIES:
            limit = math.inf
        dist = _search(graph, start, limit)
        open_ = []
        for j, nodes in enumerate(wanted):
            if len(nodes):
                row[j] = dist[nodes].min()
                if row[j] == math.inf:
                    open_.append(j)
        if not open_ or limit == math.inf or _ran_out(graph, dist):
            break
        if all(backwards.cannot_reach(j, start, limit) for j in open_):
            break
        limit *= LIMIT_GROWTH
    return row


def _ran_out(graph: Any, dist: Any) -> bool:
    """Whether no usable edge leads from a node the search reached to one it did not."""
    import numpy as np

    reached = np.flatnonzero(np.isfinite(dist))
    if len(reached) == len(dist):
        return True
    out = graph[reached]
    heads = out.indices[np.isfinite(out.data)]
    return bool(np.isfinite(dist[heads]).all())


class _Backwards:
    """Which nodes can reach each target group, from searches on the transposed graph (made
    once, when first needed); a group whose search did not run out of graph is not known."""

    def __init__(self, graph: Any, wanted: list[Any]) -> None:
        self.graph, self.wanted = graph, wanted
        self._transposed: Any = None
        self._reaching: dict[int, Any] = {}  # target group -> mask of nodes that reach it

    def cannot_reach(self, j: int, start: list[int], limit: float) -> bool:
        """True when no node of ``start`` can reach target group ``j`` (proven)."""
        if j not in self._reaching or self._reaching[j] is None:
            self._reaching[j] = self._reach(j, limit)
        mask = self._reaching[j]
        return mask is not None and not mask[start].any()

    def _reach(self, j: int, limit: float) -> Any:
        import numpy as np

        if self._transposed is None:
            self._transposed = self.graph.transpose().tocsr()
        dist = _search(self._transposed, self.wanted[j].tolist(), limit)
        if not _ran_out(self._transposed, dist):
            return None
        return np.isfinite(dist)
