"""Distance (or time) matrix between places over the route graph."""

from __future__ import annotations

import math
from dataclasses import dataclass

from corridors.atlas.model import Atlas
from corridors.atlas.names import normalise, place_labels, resolve_place
from corridors.errors import UsageError
from corridors.network.index import Network
from corridors.progress import progress
from corridors.routing.route import RouteOptions, make_options, shortest_costs


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


def resolve_places(atlas: Atlas, texts: list[str]) -> list[str]:
    """Place ids for many names at once (one label index, not one per name)."""
    labels = place_labels(atlas)
    return [labels.get(normalise(text)) or resolve_place(atlas, text) for text in texts]


def default_matrix_places(network: Network) -> list[str]:
    """Places where freight can start or end: ports, terminals and rail ends with a corridor."""
    wanted = ("port", "terminal")
    return [
        place.id
        for place in network.atlas.places.values()
        if place.kind in wanted and network.index.place_nodes.get(place.id)
    ]


ENGINES = ("auto", "python", "scipy")
# "auto" switches to scipy once (source nodes x edges) exceeds this: below it the pure-Python
# Dijkstra finishes before ``import scipy.sparse.csgraph`` (~0.3 s cold) would.
SCIPY_MIN_WORK = 2_000_000


def distance_matrix(
    network: Network,
    places: list[str] | None = None,
    options: RouteOptions | None = None,
    *,
    engine: str = "auto",
    quiet: bool = False,
    **option_values: object,
) -> Matrix:
    """Route costs between every pair of ``places`` (names, aliases or ids).

    ``engine``: ``"python"`` (one heapq Dijkstra per place), ``"scipy"`` (``csgraph.dijkstra``
    over a CSR of the allowed edges, see :mod:`corridors.routing.compiled`) or ``"auto"`` (scipy for
    large work). Both give the same numbers. A progress bar shows on a terminal unless
    ``quiet``.
    """
    if options is None:
        options = make_options(**option_values)  # type: ignore[arg-type]
    if engine not in ENGINES:
        raise UsageError(f"engine must be one of {', '.join(ENGINES)}, not '{engine}'")
    ids = resolve_places(network.atlas, places) if places else default_matrix_places(network)
    ids = list(dict.fromkeys(ids))
    modes = set(options.modes)
    groups = [network.nodes_of(place, modes) for place in ids]
    work = sum(map(len, groups)) * network.index.edge_count
    if engine == "scipy" or (engine == "auto" and work >= SCIPY_MIN_WORK):
        rows = _scipy_rows(network, groups, options, quiet=quiet)
    else:
        rows = _python_rows(network, groups, options, quiet=quiet)
    values = tuple(
        tuple(None if math.isinf(best) else (0.0 if i == j else best) for j, best in enumerate(row))
        for i, row in enumerate(rows)
    )
    return Matrix(tuple(ids), values, "h" if options.by == "time" else "km")


def _python_rows(
    network: Network, groups: list[list[int]], options: RouteOptions, *, quiet: bool
) -> list[list[float]]:
    rows: list[list[float]] = []
    with progress("distance matrix", total=len(groups), quiet=quiet) as bar:
        for source in groups:
            get = shortest_costs(network, source, options).get
            rows.append(
                [
                    get(target[0], math.inf)
                    if len(target) == 1
                    else min((get(n, math.inf) for n in target), default=math.inf)
                    for target in groups
                ]
            )
            bar.advance()
    return rows


def _scipy_rows(
    network: Network, groups: list[list[int]], options: RouteOptions, *, quiet: bool
) -> list[list[float]]:
    from corridors.routing.compiled import costs_between

    sources = sum(map(len, groups))
    with progress("distance matrix", total=sources, quiet=quiet) as bar:
        costs = costs_between(network, groups, groups, options, progress=bar)
    return costs.tolist()
