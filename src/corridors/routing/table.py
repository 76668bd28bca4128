"""The route table: the routes the project exists to measure (the README's headline table).

Domain data and its measurement live here; ``corridors table`` prints it
(:func:`corridors.cli.report.print_route_table`).
"""

from __future__ import annotations

from corridors.errors import CorridorsError
from corridors.network.index import Network
from corridors.routing.options import make_options
from corridors.routing.route import Route, route

# The routes the project exists to measure: (from, to, modes). Each is routed over every
# corridor whatever its status, and the table shows the statuses it used.
ROUTE_TABLE: tuple[tuple[str, str, str], ...] = (
    ("khasan", "rajin_port", "rail"),
    ("baranovsky", "rajin_port", "rail"),
    ("rajin_port", "pohang", "sea"),
    ("rajin_port", "dangjin", "sea"),
    ("rajin_port", "gwangyang", "sea"),
    ("rajin_port", "boryeong", "sea"),
    ("rajin_port", "busan", "sea"),
    ("khasan", "pohang", "rail,sea"),
    ("vostochny", "pohang", "sea"),
    ("vostochny", "busan", "sea"),
    ("khasan", "busan", "rail"),
    ("khasan", "seoul", "rail"),
    ("vladivostok", "seoul", "pipeline"),
    ("vladivostok", "seoul", "power"),
)


def route_table(network: Network) -> list[dict[str, object]]:
    """Measure every route of :data:`ROUTE_TABLE` that this atlas can answer.

    Each route is searched over every corridor of its modes, whatever their status; a route
    whose places are missing or that has no path is left out.

    Parameters
    ----------
    network : Network

    Returns
    -------
    list of dict
        One row per route: ``from``, ``to`` (place ids), ``modes``, ``distance_km``,
        ``distance_nmi`` (rounded to 0.1), ``reported_km`` (the published length when the
        route is one whole corridor that has one, else None), ``statuses`` and ``corridors``
        used.
    """
    rows: list[dict[str, object]] = []
    places = network.atlas.places
    for origin, destination, modes in ROUTE_TABLE:
        if origin not in places or destination not in places:
            continue
        options = make_options(modes=modes.split(","), include_proposed=True)
        try:
            result = route(network, origin, destination, options)
        except CorridorsError:
            continue
        reported = _reported_km(network, result)
        rows.append(
            {
                "from": origin,
                "to": destination,
                "modes": modes,
                "distance_km": round(result.distance_km, 1),
                "distance_nmi": round(result.distance_nmi, 1),
                "reported_km": reported,
                "statuses": sorted({leg.status for leg in result.legs}),
                "corridors": [leg.corridor for leg in result.legs],
            }
        )
    return rows


def _reported_km(network: Network, result: Route) -> float | None:
    """The published length when the route is exactly one whole corridor that has one."""
    if len(result.legs) != 1:
        return None
    corridor = network.atlas.corridors.get(result.legs[0].corridor)
    if corridor is None:  # open sea
        return None
    whole = {corridor.start, corridor.end} == {result.origin, result.destination}
    return corridor.reported_length_km if whole else None


__all__ = ["ROUTE_TABLE", "route_table"]
