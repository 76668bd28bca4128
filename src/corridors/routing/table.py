"""The route table: the routes the project exists to measure (the README's headline table).

Domain data and its measurement live here; ``corridors table`` prints it
(:func:`corridors.cli.report.print_route_table`).
"""

from __future__ import annotations

import datetime as _dt

from corridors.errors import CorridorsError
from corridors.network.index import Network
from corridors.routing.options import make_options
from corridors.routing.route import Route, route

# The routes the project exists to measure: (from, to, modes). By default each is routed over
# every corridor that exists on the day, whatever its status, and the table shows the statuses
# it used that day.
ROUTE_TABLE: tuple[tuple[str, str, str], ...] = (
    ("khasan", "rajin_port", "rail"),
    ("baranovsky", "rajin_port", "rail"),
    ("rajin_port", "pohang", "sea"),
    ("rajin_port", "dangjin", "sea"),
    ("rajin_port", "gwangyang", "sea"),
    ("rajin_port", "boryeong", "sea"),
    ("rajin_port", "busan_new_port", "sea"),
    ("khasan", "pohang", "rail,sea"),
    ("vostochny", "pohang", "sea"),
    ("vostochny", "busan", "sea"),
    ("khasan", "busan", "rail"),
    ("khasan", "seoul", "rail"),
    ("vladivostok", "pyeongtaek_lng", "pipeline"),
    ("vladivostok", "seoul", "power"),
    ("khasan", "vladivostok", "rail"),
    ("pyongyang", "kowon", "rail"),
    ("kowon", "rajin_station", "rail"),
    ("pyongyang", "kaesong", "rail"),
    ("kowon", "pyonggang", "rail"),
    ("seoul", "busan_station", "rail"),
    ("pohang", "gwangyang", "sea"),
    ("dangjin", "boryeong", "sea"),
)


def route_table(
    network: Network,
    *,
    as_of: _dt.date | str | None = None,
    in_service: bool = False,
) -> list[dict[str, object]]:
    """Measure every route of :data:`ROUTE_TABLE` that this atlas can answer.

    Each route is searched over the network as it stood on ``as_of`` (the rules of
    :func:`~corridors.routing.options.make_options`), over every corridor of its modes that
    exists that day, whatever its status (planned and closed ones included), or only over
    corridors in service with ``in_service``; a route whose places are missing or that has no
    path is left out.

    Parameters
    ----------
    network : Network
    as_of : datetime.date or str, optional
        The day (``"YYYY-MM-DD"``; default today).
    in_service : bool
        Only corridors in service that day.

    Returns
    -------
    list of dict
        One row per route: ``from``, ``to`` (place ids), ``modes``, ``distance_km``,
        ``distance_nmi`` (the whole route; rounded to 0.1), ``sea_nmi`` (the sea legs only, None
        without one), ``reported_km`` (the published length when the
        route is one whole corridor that has one, else None), ``statuses`` and ``corridors``
        used, ``as_of`` (the day) and ``not_in_service`` (corridors of legs not in service).

    Raises
    ------
    UsageError
        ``as_of`` is not a day.
    """
    rows: list[dict[str, object]] = []
    places = network.atlas.places
    every = not in_service
    day = make_options(as_of=as_of).as_of
    for origin, destination, modes in ROUTE_TABLE:
        if origin not in places or destination not in places:
            continue
        options = make_options(
            modes=modes.split(","),
            as_of=day,
            in_service=in_service,
            include_proposed=every,
            include_closed=every,
        )
        try:
            result = route(network, origin, destination, options)
        except CorridorsError:
            continue
        reported = _reported_km(network, result)
        sea_nmi = result.sea_distance_nmi
        rows.append(
            {
                "from": origin,
                "to": destination,
                "modes": modes,
                "distance_km": round(result.distance_km, 1),
                "distance_nmi": round(result.distance_nmi, 1),
                "sea_nmi": None if sea_nmi is None else round(sea_nmi, 1),
                "reported_km": reported,
                "statuses": sorted({leg.status for leg in result.legs}),
                "corridors": [leg.corridor for leg in result.legs],
                "as_of": day.isoformat(),
                "not_in_service": [leg.corridor for leg in result.legs if not leg.in_service],
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
