"""Why a cell of a distance matrix is empty: the option that would fill it, or none.

A matrix cell is empty (``None``) when no route joins the two places under the options it was
computed with. :func:`empty_cell_reasons` says why, by routing the empty rows again over a
network widened one step at a time, in the order a user would widen it:

``"no_line"``
    the place has no corridor of the chosen modes at all;
``"not_in_service"``
    a route exists over corridors whose service is suspended on the day (refused by
    ``in_service``);
``"planned"``
    a route exists only over planned corridors (``include_proposed``);
``"closed"``
    a route exists only over closed corridors (``include_closed``);
``"unreachable"``
    no corridor of these modes joins them on the day, whatever its status.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

from corridors.atlas.model import STATUSES
from corridors.atlas.timeline import PLANNED_STATUSES
from corridors.network.index import Network
from corridors.routing.matrix import Matrix
from corridors.routing.options import RouteOptions
from corridors.routing.search import costs_between

Between = Callable[[list[list[int]], list[list[int]], RouteOptions], list[list[float]]]
"""Costs between groups of nodes (sources, targets, options), ``inf`` where none."""

REASONS = ("no_line", "not_in_service", "planned", "closed", "unreachable")
"""Every reason :func:`empty_cell_reasons` gives, in the order they are tried."""

_WIDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("not_in_service", ("suspended",)),
    ("planned", PLANNED_STATUSES),
    ("closed", ("closed",)),
)


def empty_cell_reasons(
    network: Network, matrix: Matrix, options: RouteOptions, *, between: Between | None = None
) -> dict[tuple[int, int], str]:
    """The reason each empty cell of ``matrix`` is empty.

    Parameters
    ----------
    network : Network
        The network ``matrix`` was computed over.
    matrix : Matrix
        From :func:`corridors.routing.matrix.distance_matrix` with ``options``.
    options : RouteOptions
        The options it was computed with.
    between : callable, optional
        ``between(sources, targets, options)``: the costs between groups of nodes, as
        :func:`~corridors.routing.search.costs_between` on ``network.index`` gives them (the
        default); the route file brings its own (:mod:`corridors.routing.lazy_matrix`).

    Returns
    -------
    dict of (int, int) to str
        ``(row, column)`` of every ``None`` cell to one of :data:`REASONS`; the first widening
        of the statuses (suspended, then planned, then closed corridors) that would fill it.
    """
    modes = set(options.modes)
    groups = [network.nodes_of(place, modes) for place in matrix.places]
    reasons: dict[tuple[int, int], str] = {}
    pending = {
        (i, j)
        for i, row in enumerate(matrix.values)
        for j, value in enumerate(row)
        if value is None
    }
    for i, j in list(pending):
        if not groups[i] or not groups[j]:
            reasons[i, j] = "no_line"
            pending.discard((i, j))
    statuses = set(options.statuses)
    for reason, more in _WIDER:
        if not pending:
            break
        if set(more) <= statuses:
            continue
        statuses |= set(more)
        wider = dataclasses.replace(options, statuses=tuple(s for s in STATUSES if s in statuses))
        rows = sorted({i for i, _ in pending})
        sources = [groups[i] for i in rows]
        if between is None:
            costs = costs_between(network.index, sources, groups, wider)
        else:
            costs = between(sources, groups, wider)
        for row, found in zip(rows, costs, strict=True):
            for j, cost in enumerate(found):
                if (row, j) in pending and not math.isinf(cost):
                    reasons[row, j] = reason
                    pending.discard((row, j))
    for cell in pending:
        reasons[cell] = "unreachable"
    return reasons


__all__ = ["REASONS", "empty_cell_reasons"]
