"""Distance (or time) matrix between places over the route graph."""

from __future__ import annotations

import math
from dataclasses import dataclass

from corridors.names import resolve_place
from corridors.network import Network
from corridors.routing import RouteOptions, make_options, shortest_costs


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
        if place.kind in wanted and network.index.place_nodes.get(place.id)
    ]


def distance_matrix(
    network: Network,
    places: list[str] | None = None,
    options: RouteOptions | None = None,
    **option_values: object,
) -> Matrix:
    """Route costs between every pair of ``places`` (names, aliases or ids)."""
    if options is None:
        options = make_options(**option_values)  # type: ignore[arg-type]
    ids = (
        [resolve_place(network.atlas, p) for p in places]
        if places
        else default_matrix_places(network)
    )
    ids = list(dict.fromkeys(ids))
    modes = set(options.modes)
    rows: list[tuple[float | None, ...]] = []
    for source in ids:
        costs = shortest_costs(network, network.nodes_of(source, modes), options)
        row: list[float | None] = []
        for target in ids:
            best = min(
                (costs.get(n, math.inf) for n in network.nodes_of(target, modes)), default=math.inf
            )
            row.append(None if math.isinf(best) else (0.0 if target == source else best))
        rows.append(tuple(row))
    return Matrix(tuple(ids), tuple(rows), "h" if options.by == "time" else "km")
