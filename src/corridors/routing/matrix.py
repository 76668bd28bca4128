"""Distance (or time) matrix between places over the route graph."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from corridors.network.index import Network
from corridors.progress import progress
from corridors.routing.options import RouteOptions, make_options
from corridors.routing.parallel import check_workers, parallel_cost_rows
from corridors.routing.search import ENGINES, cost_rows


@dataclass(frozen=True)
class Matrix:
    """Square matrix of route costs (km, or hours with ``by='time'``); None where unreachable."""

    places: tuple[str, ...]
    values: tuple[tuple[float | None, ...], ...]
    unit: str

    def to_rows(self) -> list[list[object]]:
        header: list[object] = ["", *self.places]
        rows = [header]
        for place, row in zip(self.places, self.values, strict=True):
            rows.append([place, *("" if v is None else round(v, 1) for v in row)])
        return rows


def default_matrix_places(network: Network) -> list[str]:
    """Places where freight can start or end: ports, terminals and rail ends with a corridor."""
    wanted = ("port", "terminal")
    return [
        place.id
        for place in network.atlas.places.values()
        if place.kind in wanted and network.nodes_of(place.id)
    ]


def distance_matrix(
    network: Network,
    places: list[str] | None = None,
    options: RouteOptions | None = None,
    *,
    engine: str = "auto",
    workers: int = 1,
    quiet: bool = False,
    **option_values: object,
) -> Matrix:
    """Route costs between every pair of ``places``.

    Parameters
    ----------
    network : Network
    places : list of str, optional
        Place ids, names or aliases (default: :func:`default_matrix_places`).
    options : RouteOptions, optional
        As for :func:`corridors.routing.route.route`; if not given, ``option_values`` are
        passed to :func:`~corridors.routing.options.make_options`.
    engine : {"auto", "python", "scipy"}
        See :func:`corridors.routing.search.choose_engine`; every engine gives the same numbers.
    workers : int
        Processes to share the source places among (:mod:`corridors.routing.parallel`); the
        numbers are the same as with 1, the default (searched in this process).
    quiet : bool
        No progress bar (one shows on a terminal otherwise).

    Returns
    -------
    Matrix
        Costs in km (``by="distance"``) or hours (``by="time"``); None where unreachable.

    Raises
    ------
    UnknownPlaceError
        A place name matches no place.
    UsageError
        ``engine``, ``workers`` or an option value cannot be used.
    CorridorsError
        A worker process died before answering.
    """
    check_workers(workers)
    if options is None:
        options = make_options(**option_values)  # type: ignore[arg-type]
    ids = [network.resolve_place(p) for p in places] if places else default_matrix_places(network)
    ids = list(dict.fromkeys(ids))
    modes = set(options.modes)
    groups = [network.nodes_of(place, modes) for place in ids]
    with progress("distance matrix", total=sum(map(len, groups)), quiet=quiet) as bar:
        if workers > 1:
            rows = parallel_cost_rows(
                network.index, groups, groups, options, workers=workers, engine=engine, progress=bar
            )
        else:
            rows = cost_rows(network.index, groups, groups, options, engine=engine, progress=bar)
    return Matrix(tuple(ids), _values(rows), "h" if options.by == "time" else "km")


def _values(rows: Any) -> tuple[tuple[float | None, ...], ...]:
    """The matrix cells: None where unreachable, 0.0 on the reachable diagonal.

    ``rows`` is a list of lists or (the compiled engine's) a numpy array: then only the
    unreachable cells are visited one by one, found by numpy (500 x 500 cells tested one by
    one cost more than the searches)."""
    if not isinstance(rows, list):
        return _array_values(rows)
    inf = math.inf
    out = []
    for i, row in enumerate(rows):
        cells: list[float | None] = [None if v == inf else v for v in row]
        if i < len(cells) and cells[i] is not None:
            cells[i] = 0.0
        out.append(tuple(cells))
    return tuple(out)


def _array_values(rows: Any) -> tuple[tuple[float | None, ...], ...]:
    import numpy as np

    rows = np.array(rows, dtype=np.float64, ndmin=2)  # a copy: the diagonal is set below
    diagonal = np.arange(min(rows.shape))
    diagonal = diagonal[np.isfinite(rows[diagonal, diagonal])]
    rows[diagonal, diagonal] = 0.0
    cells: list[list[float | None]] = rows.tolist()
    at_row, at_column = np.nonzero(np.isinf(rows))
    for i, j in zip(at_row.tolist(), at_column.tolist(), strict=True):
        cells[i][j] = None
    return tuple(map(tuple, cells))


__all__ = ["ENGINES", "Matrix", "default_matrix_places", "distance_matrix"]
