"""The one search: edge costs and Dijkstra, behind which every route, matrix and leg is found.

One edge-cost function (:func:`edge_costs`) and one Dijkstra core (:func:`_dijkstra`, heapq)
serve every path: a single route (:func:`shortest_path`, stopping at the first target) and
costs from many places (:func:`costs_between`), by distance or by time. The compiled engine
(:mod:`corridors.routing.compiled`, scipy ``csgraph``) may replace the core behind the same two
functions for large work; both read the same edge costs and keep the same tie rule (the
lowest edge id among equally cheap parallel edges), and ``tests/test_routing_core.py`` proves
they return identical costs and edge sequences.

``engine="auto"`` chooses, in :func:`choose_engine` only: the pure-Python core for small work
(a route on the shipped atlas needs neither numpy nor scipy, ~0.3 s saved on a cold start),
scipy from :data:`SCIPY_MIN_EDGES` edges or :data:`SCIPY_MIN_WORK` (searches x edges); and
once scipy's ``csgraph`` is imported anyway (a warm process: a server, a notebook, a benchmark)
from :data:`WARM_SCIPY_MIN_WORK`, since then compiled code wins from a few hundred edges on
(``benchmarks/results.md``).
"""

from __future__ import annotations

import heapq
import math
import sys
from collections.abc import Hashable, Sequence
from typing import Any

from corridors.atlas.timeline import status_at_ordinal
from corridors.errors import UsageError
from corridors.network.index import RouteIndex
from corridors.network.terms import MODE_CODES, TRANSFER
from corridors.routing.options import RouteOptions

ENGINES = ("auto", "python", "scipy")
# "auto" uses scipy from this many edges (one search), or from this much work (source nodes x
# edges, a matrix): below both, the pure-Python core finishes before ``import scipy`` would.
SCIPY_MIN_EDGES = 50_000
SCIPY_MIN_WORK = 100_000
# With ``scipy.sparse.csgraph`` already imported, "auto" uses scipy from this much work.
WARM_SCIPY_MIN_WORK = 1_000
# From this many edges the edge costs are computed with numpy (per-edge arrays) instead of one
# Python loop; below it, the loop is cheaper than importing numpy on a cold start.
VECTOR_MIN_EDGES = SCIPY_MIN_EDGES

Path = tuple[float, list[int]]


def choose_engine(engine: str, *, searches: int, edges: int) -> str:
    """The engine that runs ``searches`` single-source searches over ``edges`` edges.

    Parameters
    ----------
    engine : {"auto", "python", "scipy"}
        ``"auto"`` picks by size (see the module's docstring); the others are returned as given.
    searches : int
        Number of source nodes searched from.
    edges : int
        Number of edges in the index.

    Returns
    -------
    str
        ``"python"`` or ``"scipy"``.

    Raises
    ------
    UsageError
        ``engine`` is not one of :data:`ENGINES`.
    """
    if engine not in ENGINES:
        raise UsageError(f"`engine` must be one of {', '.join(ENGINES)}, not '{engine}'")
    if engine != "auto":
        return engine
    if "scipy.sparse.csgraph" in sys.modules:
        return "scipy" if searches * edges >= WARM_SCIPY_MIN_WORK else "python"
    large = edges >= SCIPY_MIN_EDGES or searches * edges >= SCIPY_MIN_WORK
    return "scipy" if large else "python"


def edge_costs(index: RouteIndex, options: RouteOptions) -> list[float]:
    """The cost of every edge under ``options``: km (``by="distance"``), hours (``by="time"``) or
    generalised USD per tonne (``by="cost"``, from ``options.cost_model``).

    An edge a route may not use costs ``inf``: a corridor of another mode, or whose status on
    ``options.as_of`` is not one of ``options.statuses`` (or that does not exist yet that day),
    or a rail <-> sea transfer when the route is not freight over both modes. A corridor with a
    history has its status of that day; any other edge (no history, or a synthetic edge of no
    corridor) keeps its own ``edge_status``. A transfer costs ``transfer_hours`` by time and 0
    by distance. Kept with the index per options.

    Parameters
    ----------
    index : RouteIndex
    options : RouteOptions

    Returns
    -------
    list of float
        Cost by edge id.
    """
    return index.derived(("edge_costs", options.key), lambda: _edge_costs(index, options))


def dated_usable(index: RouteIndex, options: RouteOptions) -> dict[str, bool]:
    """Whether each corridor with a history may be used on ``options.as_of``.

    One lookup per dated corridor (never per edge): its status that day must be one of
    ``options.statuses``; before its first event it does not exist.
    """
    day, statuses = options.as_of.toordinal(), set(options.statuses)
    return {
        corridor: status_at_ordinal(line, day) in statuses
        for corridor, line in index.corridor_timelines.items()
    }


def _edge_costs(
    index: RouteIndex, options: RouteOptions, *, vector: bool | None = None
) -> list[float]:
    if options.by == "cost" and options.cost_model is not None:
        return _generalised_costs(index, options, vector=vector)
    transfer = transfer_cost(options)
    usable = dated_usable(index, options)
    if vector if vector is not None else index.edge_count >= VECTOR_MIN_EDGES:
        return _edge_costs_vector(index, options, usable, transfer)
    modes, statuses = set(options.modes), set(options.statuses)
    speed = options.speeds_kmh if options.by == "time" else None
    dated = usable.get
    costs: list[float] = []
    for mode, corridor, status, length_m in zip(
        index.edge_mode, index.edge_corridor, index.edge_status, index.edge_length_m, strict=True
    ):
        if mode == TRANSFER:
            costs.append(transfer)
            continue
        ok = dated(corridor)  # type: ignore[arg-type]
        if mode in modes and (status in statuses if ok is None else ok):
            length_km = length_m / 1000.0
            costs.append(length_km if speed is None else length_km / speed[mode])
        else:
            costs.append(math.inf)
    return costs


def transfer_cost(options: RouteOptions) -> float:
    """The cost of a rail <-> sea transfer edge under ``options`` (not for ``by="cost"``)."""
    if not options.transfers:
        return math.inf  # not freight over both rail and sea: no mode change
    return options.transfer_hours if options.by == "time" else 0.0


def _generalised_costs(
    index: RouteIndex, options: RouteOptions, *, vector: bool | None = None
) -> list[float]:
    """``by="cost"``: the usable edges of ``by="distance"``, each costing ``km * per_km +
    fixed`` of the options' cost model (a transfer: ``fixed``)."""
    from dataclasses import replace

    assert options.cost_model is not None
    km = _edge_costs(index, replace(options, by="distance", cost_model=None), vector=vector)
    per_km, fixed = options.cost_model.edge_weights(index)
    return [
        k * rate + extra if k != math.inf else math.inf
        for k, rate, extra in zip(km, per_km, fixed, strict=True)
    ]


def _edge_costs_vector(
    index: RouteIndex, options: RouteOptions, usable: dict[str, bool], transfer: float
) -> list[float]:
    """:func:`_edge_costs` with numpy: per-corridor decisions, then array indexing per edge."""
    import numpy as np

    columns = index.derived("edge_code_columns", lambda: _edge_code_columns(index))
    corridor_code, corridors, status_code, status_table, mode_code, length_km = columns
    # Per corridor: 1 usable, 0 not, -1 no history (its edges' own status decides).
    dated = np.array([-1 if c not in usable else int(usable[c]) for c in corridors], np.int8)
    coded = (corridor_code, status_code, status_table, mode_code, length_km)
    return coded_costs(coded, dated, options, transfer).tolist()


def coded_costs(
    columns: tuple[Any, ...], dated: Any, options: RouteOptions, transfer: float
) -> Any:
    """Edge costs (a numpy array) from integer-coded edge columns: the one vector rule.

    Parameters
    ----------
    columns : tuple
        Per edge: corridor code, status code; the status table; per edge: mode number (in
        ``MODE_CODES``), length in km.
    dated : numpy array of int8
        Per corridor code: 1 usable on ``options.as_of``, 0 not, -1 no history.
    options : RouteOptions
    transfer : float
        The cost of a rail <-> sea transfer edge.
    """
    import numpy as np

    corridor_code, status_code, status_table, mode_code, length_km = columns
    allowed = np.array([s in set(options.statuses) for s in status_table], dtype=bool)
    per_edge = dated[corridor_code]
    ok = np.where(per_edge >= 0, per_edge == 1, allowed[status_code])
    mode_ok = np.array([m in set(options.modes) for m in MODE_CODES], dtype=bool)
    divisor = np.ones(len(MODE_CODES))
    if options.by == "time":
        for number, mode in enumerate(MODE_CODES):
            divisor[number] = options.speeds_kmh.get(mode, 1.0)
    costs = np.where(ok & mode_ok[mode_code], length_km / divisor[mode_code], np.inf)
    costs[mode_code == MODE_CODES.index(TRANSFER)] = transfer
    return costs


def _edge_code_columns(index: RouteIndex) -> tuple[Any, ...]:
    """Integer codes of each edge's corridor, status and mode, and lengths in km (numpy).

    Built once per index (kept by :meth:`RouteIndex.derived`): a C-level ``map`` over the
    columns, then every query is array indexing.
    """
    import numpy as np

    def factorize(values: list[Any]) -> tuple[Any, list[Any]]:
        table = list(dict.fromkeys(values))  # distinct values, first-seen order (in C)
        code = {value: number for number, value in enumerate(table)}
        codes = np.fromiter(map(code.__getitem__, values), dtype=np.int64, count=len(values))
        return codes, table

    corridor_code, corridors = factorize(index.edge_corridor)
    status_code, statuses = factorize(index.edge_status)
    number = {mode: k for k, mode in enumerate(MODE_CODES)}
    mode_code = np.fromiter(
        map(number.__getitem__, index.edge_mode), dtype=np.int64, count=index.edge_count
    )
    length_km = np.asarray(index.edge_length_m, dtype=np.float64) / 1000.0
    return corridor_code, corridors, status_code, statuses, mode_code, length_km


def _dijkstra(
    index: RouteIndex,
    costs: list[float],
    sources: Sequence[int],
    targets: set[int] | frozenset[int] = frozenset(),
) -> tuple[dict[int, float], dict[int, tuple[int, int]], int | None]:
    """The Dijkstra core: multi-source, stopping at the first of ``targets`` settled.

    Returns the settled nodes' costs, the (previous node, edge) each was reached by, and the
    target reached (None: every reachable node was settled). Ties: a node keeps the first
    cheapest way found; a node's edges are scanned in edge-id order.
    """
    best: dict[int, float] = dict.fromkeys(sources, 0.0)
    done: dict[int, float] = {}
    came_by: dict[int, tuple[int, int]] = {}
    heap = [(0.0, source) for source in best]
    heapq.heapify(heap)
    ptr, to, via = index.adj_ptr, index.adj_to, index.adj_edge
    inf = math.inf
    while heap:
        cost, node = heapq.heappop(heap)
        if node in done:
            continue
        done[node] = cost
        if node in targets:
            return done, came_by, node
        first, stop = ptr[node], ptr[node + 1]
        for neighbour, edge in zip(to[first:stop], via[first:stop]):  # noqa: B905
            candidate = cost + costs[edge]
            if candidate < best.get(neighbour, inf):
                best[neighbour] = candidate
                came_by[neighbour] = (node, edge)
                heapq.heappush(heap, (candidate, neighbour))
    return done, came_by, None


def shortest_path(
    index: RouteIndex,
    sources: Sequence[int],
    targets: set[int],
    options: RouteOptions,
    *,
    engine: str = "auto",
) -> Path | None:
    """The cheapest path from any of ``sources`` to the nearest of ``targets``.

    Parameters
    ----------
    index : RouteIndex
    sources, targets : node ids
    options : RouteOptions
        What the path may use and what it minimises.
    engine : {"auto", "python", "scipy"}
        See :func:`choose_engine`; every engine gives the same result.

    Returns
    -------
    tuple of (float, list of int) or None
        The cost (km or hours) and the edge ids from source to target; None if no path.
    """
    if not sources or not targets:
        return None
    if choose_engine(engine, searches=1, edges=index.edge_count) == "scipy":
        # The costs only if the compiled graph is not kept yet (a warm route needs no list).
        return _compiled().shortest_path(
            index, lambda: edge_costs(index, options), sources, targets, key=options.key
        )
    costs = edge_costs(index, options)
    done, came_by, reached = _dijkstra(index, costs, sources, targets)
    if reached is None:
        return None
    node, path = reached, []
    while node in came_by:
        node, edge = came_by[node]
        path.append(edge)
    return done[reached], path[::-1]


def _compiled() -> Any:
    """The compiled engine's module, imported on first use (it imports numpy and scipy). An
    ``import`` statement in a warm route costs a few microseconds; a dict look-up does not."""
    module = sys.modules.get("corridors.routing.compiled")
    if module is None:
        from corridors.routing import compiled as module
    return module


def costs_between(
    index: RouteIndex,
    sources: Sequence[Sequence[int]],
    targets: Sequence[Sequence[int]],
    options: RouteOptions,
    *,
    engine: str = "auto",
    progress: Any = None,
) -> list[list[float]]:
    """Cost from each group of source nodes to each group of target nodes.

    Parameters
    ----------
    index : RouteIndex
    sources, targets : sequences of sequences of node ids
        Row ``i`` starts at any node of ``sources[i]``; column ``j`` ends at any of ``targets[j]``.
    options : RouteOptions
    engine : {"auto", "python", "scipy"}
        See :func:`choose_engine`; every engine gives the same numbers.
    progress : object, optional
        A progress bar (``advance(n)``), advanced once per source node searched.

    Returns
    -------
    list of list of float
        Costs in km or hours; ``inf`` where no path joins the two groups.
    """
    rows = cost_rows(index, sources, targets, options, engine=engine, progress=progress)
    return rows if isinstance(rows, list) else rows.tolist()


def cost_rows(
    index: RouteIndex,
    sources: Sequence[Sequence[int]],
    targets: Sequence[Sequence[int]],
    options: RouteOptions,
    *,
    engine: str = "auto",
    progress: Any = None,
) -> Any:
    """:func:`costs_between` as the engine gives it: a list of lists, or a numpy array."""
    chosen = choose_engine(engine, searches=sum(map(len, sources)), edges=index.edge_count)
    return rows_for_costs(
        index,
        edge_costs(index, options),
        sources,
        targets,
        key=options.key,
        engine=chosen,
        progress=progress,
    )


def rows_for_costs(
    index: RouteIndex,
    costs: Sequence[float],
    sources: Sequence[Sequence[int]],
    targets: Sequence[Sequence[int]],
    *,
    key: Hashable,
    engine: str,
    progress: Any = None,
) -> Any:
    """The rows of :func:`cost_rows` for given edge ``costs``, searched by ``engine``
    (``"python"`` or ``"scipy"``, already chosen); ``key`` names the costs for what is kept
    with the index. :mod:`corridors.routing.parallel` runs it on each share of the sources."""
    if engine == "scipy":
        from corridors.routing import compiled

        return compiled.costs_between(index, costs, sources, targets, key=key, progress=progress)
    listed = costs if isinstance(costs, list) else list(costs)
    rows: list[list[float]] = []
    for group in sources:
        get = _dijkstra(index, listed, group)[0].get
        rows.append(
            [min((get(n, math.inf) for n in target), default=math.inf) for target in targets]
        )
        if progress is not None:
            progress.advance(len(group))
    return rows
