"""A distance matrix answered from the route file, without loading the atlas (issue 13).

Why: at 10^6 segments ``corridors matrix --places A,B,C`` loaded the whole network (~25 s,
several GB) to run three searches of a fraction of a second each. :func:`cached_matrix` runs
them on the memory-mapped route graph of :mod:`corridors.network.routefile`, with the edge
costs of :func:`corridors.routing.lazy` (the vector rule of the full path), and explains the
empty cells with the full path's own code (:func:`corridors.routing.gaps.empty_cell_reasons`,
given this module's searches). Places are resolved as the full path resolves them
(:class:`~corridors.routing.lazy.ViewNetwork`: same messages for unknown or ambiguous names).

Same numbers: each row is one multi-source ``csgraph.dijkstra`` (``min_only``) from the
place's nodes, searched only as far as its targets need (:mod:`corridors.routing.bounded`:
first within 1.5 times a lower bound of its costs, exact either way); a cost is the least sum
of edge costs over paths, added along the path, which every exact Dijkstra finds alike
(``tests/test_lazy_matrix.py`` compares both paths' output).

Returns None (the caller loads the network) when there is no current route file, no places
are given and the file does not list its hubs (the default places), or the file is found
damaged while reading.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from corridors.errors import CacheMiss
from corridors.network.columnfile import ColumnFileError
from corridors.routing.options import RouteOptions

if TYPE_CHECKING:
    from corridors.network.index import Network
    from corridors.network.routefile import RouteView
    from corridors.routing.matrix import Matrix

__all__ = ["CachedMatrix", "cached_matrix", "view_costs_between"]

CachedMatrix = tuple[list[str], "Matrix", dict[tuple[int, int], str]]
"""The place names (in order), the matrix and the reason of each empty cell."""


def cached_matrix(
    atlas: str | os.PathLike[str] | None,
    places: str | None,
    options: RouteOptions,
    *,
    reasons: bool = True,
    quiet: bool = False,
) -> CachedMatrix | None:
    """``corridors matrix`` from the atlas's route file, or None (load the network).

    Parameters
    ----------
    atlas : str or path-like, optional
        Atlas folder (default: ``CORRIDORS_ATLAS`` or the bundled atlas).
    places : str, optional
        The ``--places`` text: comma-separated place ids, names or aliases (None: the
        default places, ports and terminals on the network).
    options : RouteOptions
    reasons : bool
        Also say why each empty cell is empty (else an empty mapping).
    quiet : bool
        No progress bar.

    Returns
    -------
    tuple of (list of str, Matrix, dict) or None
        The places' names, the matrix of :func:`corridors.routing.matrix.distance_matrix` and
        the reasons of :func:`corridors.routing.gaps.empty_cell_reasons`, identical to the
        full path's; None when the full network must answer (see the module docstring).

    Raises
    ------
    AtlasError
        If the atlas folder is missing or lacks its required files.
    UnknownPlaceError, UsageError
        A place name matches no place or several; an empty item in ``places``.
    """
    from corridors.network.routefile import open_view

    view = open_view(atlas)
    if view is None:
        return None
    try:
        return _matrix_in(view, places, options, reasons=reasons, quiet=quiet)
    except (CacheMiss, ColumnFileError):
        return None


def _matrix_in(
    view: RouteView, places: str | None, options: RouteOptions, *, reasons: bool, quiet: bool
) -> CachedMatrix | None:
    from corridors.atlas.names import parse_csv_option
    from corridors.progress import progress
    from corridors.routing.gaps import empty_cell_reasons
    from corridors.routing.lazy import ViewNetwork
    from corridors.routing.matrix import Matrix, _values

    chosen = parse_csv_option(places, option="--places") or None
    if chosen is None:
        return None  # the default places need every place's kind: the full network
    network = ViewNetwork(view)
    ids = list(dict.fromkeys(network.resolve_place(p) for p in chosen))
    modes = set(options.modes)
    groups = [view.nodes_of(place, modes) for place in ids]
    place_of = {tuple(group): place for place, group in zip(ids, groups, strict=True)}
    with progress("distance matrix", total=sum(map(len, groups)), quiet=quiet) as bar:
        limits = _first_limits(view, ids, ids, options)
        rows = _rows(view, groups, groups, options, bar, limits)
    result = Matrix(tuple(ids), _values(rows), "h" if options.by == "time" else "km")
    found: dict[tuple[int, int], str] = {}
    if reasons:

        def between(
            sources: list[list[int]], targets: list[list[int]], wider: RouteOptions
        ) -> list[list[float]]:
            starts = [place_of.get(tuple(group)) for group in sources]
            ends = [place_of.get(tuple(group)) for group in targets]
            limits = _first_limits(view, starts, ends, wider)
            return _rows(view, sources, targets, wider, None, limits).tolist()

        full = cast("Network", network)
        found = empty_cell_reasons(full, result, options, between=between)
    names = [view.atlas.places[place].name for place in result.places]
    return names, result, found


def view_costs_between(
    view: RouteView,
    sources: list[list[int]],
    targets: list[list[int]],
    options: RouteOptions,
) -> list[list[float]]:
    """Cost from each group of source nodes to each group of target nodes on the route file
    (:func:`corridors.routing.search.costs_between`'s answer); ``inf`` where no path."""
    return _rows(view, sources, targets, options, None, [math.inf] * len(sources)).tolist()


def _first_limits(
    view: RouteView,
    sources: Sequence[str | None],
    targets: Sequence[str | None],
    options: RouteOptions,
) -> list[float]:
    """Per source place, how far its row is searched first: 1.5 times the largest lower bound
    of its costs to the target places (as a route's first search); ``inf`` (no limit) when
    a place is not known."""
    from corridors.routing.lazy import _lower_bound

    limits = []
    for start in sources:
        if start is None or None in targets:
            limits.append(math.inf)
            continue
        bounds = [_lower_bound(view, start, end, options) for end in targets if end is not None]
        limits.append(1.5 * max(bounds, default=0.0))
    return limits


def _rows(
    view: RouteView,
    sources: list[list[int]],
    targets: list[list[int]],
    options: RouteOptions,
    bar: Any,
    limits: list[float],
) -> Any:
    """Each source group's least cost to each target group (``inf``: no path): searched only
    as far as needed (routing/bounded.py), the same numbers as whole-graph searches."""
    import numpy as np

    from corridors.routing.bounded import bounded_rows
    from corridors.routing.lazy import _costs, _matrix

    if not any(sources) or not any(targets):
        return np.full((len(sources), len(targets)), math.inf)
    graph = _matrix(view, _costs(view, options))
    advance = None if bar is None else bar.advance
    return bounded_rows(graph, sources, targets, first_limits=limits, advance=advance)
