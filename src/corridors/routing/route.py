"""Shortest routes over the route graph, by distance or by time, filtered by mode and status.

The network is taken as it stood on the options' ``as_of`` day (rules in
:mod:`corridors.routing.options`): every leg carries its corridor's status that day, whether it
is built and in service, and the route carries one warning per leg not in service.

A route is searched by the one core of :mod:`corridors.routing.search` (a plain heapq Dijkstra
on the shipped atlas, so a query needs neither networkx nor scipy; tests check it against
networkx) and assembled here into legs along corridors. Options: :mod:`corridors.routing.options`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from corridors.atlas.timeline import is_built, is_in_service, state_on
from corridors.errors import NoRouteError, UsageError
from corridors.geo.geodesy import km_to_nmi
from corridors.network.index import Network
from corridors.network.seatable import OPEN_SEA
from corridors.network.terms import TRANSFER
from corridors.routing.options import RouteOptions, make_options
from corridors.routing.search import shortest_path


@dataclass(frozen=True)
class RouteLeg:
    """A stretch of a route along one corridor.

    Attributes
    ----------
    start, end : str
        Place ids.
    mode, corridor : str
        The corridor's mode and id (an open-sea leg: ``"open sea"``).
    status : str
        The corridor's status on the route's ``as_of`` day (an open-sea leg: ``"operating"``).
    distance_km : float
        Geodesic length (WGS84).
    hours : float or None
        Travel time at the route's speeds (None for energy lines).
    coords : tuple of (lon, lat)
        The leg's line from ``start`` to ``end`` (EPSG:4326).
    built, in_service : bool
        Whether the line physically exists, and carries traffic, on that day.
    since : str or None
        Date of the history event that set ``status`` (None: the corridor has no history).
    open_sea : bool
        An open-sea voyage between two ports that no named sea corridor joins (no atlas
        corridor; its line is the regional sea router's).
    """

    start: str
    end: str
    mode: str
    corridor: str
    status: str
    distance_km: float
    hours: float | None
    coords: tuple[tuple[float, float], ...] = ()
    built: bool = True
    in_service: bool = True
    since: str | None = None
    open_sea: bool = False

    @property
    def distance_nmi(self) -> float | None:
        """Length in international nautical miles for a sea leg; None for any other mode."""
        return km_to_nmi(self.distance_km) if self.mode == "sea" else None

    def to_dict(self) -> dict[str, object]:
        nmi = self.distance_nmi
        return {
            "from": self.start,
            "to": self.end,
            "mode": self.mode,
            "corridor": self.corridor,
            "open_sea": self.open_sea,
            "status": self.status,
            "status_since": self.since,
            "built": self.built,
            "in_service": self.in_service,
            "distance_km": self.distance_km,
            "distance_nmi": nmi,
            "hours": self.hours,
        }


@dataclass(frozen=True)
class Route:
    """A computed route: its legs, transfers and totals.

    Attributes
    ----------
    origin, destination : str
        Place ids.
    legs : tuple of RouteLeg
        Consecutive pieces along one corridor are joined into one leg.
    transfers : tuple of str
        Place ids where cargo changes between rail and sea.
    distance_km : float
        Total geodesic length (WGS84).
    hours : float or None
        Total time incl. transfers, for freight routes (None for energy lines).
    options : RouteOptions
        What the route was searched with (its ``as_of`` is the day routed).
    warnings : tuple of str
        One line per leg not in service on that day, naming it and its status, and one per
        port where an open-sea voyage meets another voyage (the cargo changes ship there).
    """

    origin: str
    destination: str
    legs: tuple[RouteLeg, ...]
    transfers: tuple[str, ...]
    distance_km: float
    hours: float | None
    options: RouteOptions
    warnings: tuple[str, ...] = ()

    @property
    def as_of(self) -> _dt.date:
        """The day whose network the route was searched over."""
        return self.options.as_of

    @property
    def distance_nmi(self) -> float:
        """Total length in international nautical miles."""
        return km_to_nmi(self.distance_km)

    @property
    def sea_distance_nmi(self) -> float | None:
        """Length of the sea legs in nautical miles; None for a route with no sea leg."""
        sea = [leg.distance_km for leg in self.legs if leg.mode == "sea"]
        return km_to_nmi(sum(sea)) if sea else None

    @property
    def coords(self) -> tuple[tuple[float, float], ...]:
        """The whole route as one line, from origin to destination."""
        joined: tuple[tuple[float, float], ...] = ()
        for leg in self.legs:
            joined += leg.coords[1:] if joined else leg.coords
        return joined

    @property
    def edge_corridors(self) -> tuple[str, ...]:
        """The corridor id of each leg."""
        return tuple(leg.corridor for leg in self.legs)

    def to_dict(self) -> dict[str, object]:
        sea = self.sea_distance_nmi
        return {
            "from": self.origin,
            "to": self.destination,
            "distance_km": self.distance_km,
            "distance_nmi": self.distance_nmi,
            "sea_distance_nmi": sea,
            "hours": self.hours,
            "by": self.options.by,
            "as_of": self.as_of.isoformat(),
            "legs": [leg.to_dict() for leg in self.legs],
            "transfers": list(self.transfers),
            "warnings": list(self.warnings),
        }


def route(
    network: Network,
    origin: str,
    destination: str,
    options: RouteOptions | None = None,
    **option_values: object,
) -> Route:
    """The best route between two places named by id, name or alias.

    Parameters
    ----------
    network : Network
        From :func:`corridors.load_network`.
    origin, destination : str
        Place ids, names or aliases.
    options : RouteOptions, optional
        What the route may use and what it minimises; if not given, ``option_values`` are
        passed to :func:`~corridors.routing.options.make_options` (``modes``, ``as_of``,
        ``in_service``, ``include_proposed``, ``include_closed``, ``statuses``, ``by``,
        ``speeds_kmh``, ``transfer_hours``).

    Returns
    -------
    Route
        Legs along corridors (lines in EPSG:4326), distance in km, hours for freight; each leg
        with its status on ``as_of`` and the route with a warning per leg not in service.

    Raises
    ------
    UnknownPlaceError
        A place name matches no place (CLI exit 2).
    UsageError
        The two places are the same, or an option value cannot be used (CLI exit 2).
    NoRouteError
        No path joins the places under the options (CLI exit 1); the message says which
        option would find one (and, with ``in_service``, which legs are not in service).
    """
    if options is None:
        options = make_options(**option_values)  # type: ignore[arg-type]
    return route_with(network, origin, destination, options, search=_search)


Search = Callable[[Network, str, str, RouteOptions], "tuple[float, list[int]] | None"]
"""A path search: (network, start id, end id, options) -> (cost, edge ids) or None."""


def route_with(
    network: Network, origin: str, destination: str, options: RouteOptions, *, search: Search
) -> Route:
    """:func:`route` with another path ``search`` (the route file's: :mod:`.lazy`), so that
    both paths resolve, refuse and explain (no-route messages) with the same code."""
    start = network.resolve_place(origin)
    end = network.resolve_place(destination)
    if start == end:
        raise UsageError(f"'{origin}' and '{destination}' are the same place ({start})")
    found = search(network, start, end, options)
    if found is None:
        raise NoRouteError(_no_route_message(network, start, end, options, search=search))
    return _assemble(network, start, end, found[1], options)


def _search(
    network: Network, start: str, end: str, options: RouteOptions
) -> tuple[float, list[int]] | None:
    modes = set(options.modes)
    sources = network.nodes_of(start, modes)
    targets = set(network.nodes_of(end, modes))
    return shortest_path(network.index, sources, targets, options)


def _no_route_message(
    network: Network, start: str, end: str, options: RouteOptions, *, search: Search = _search
) -> str:
    atlas = network.atlas
    for place_id in (start, end):
        hint = _area_hint(network, place_id)
        if hint is not None:
            return hint
    day = options.as_of.isoformat()
    message = (
        f"no route from {atlas.places[start].name} to {atlas.places[end].name} on {day} "
        f"over {'/'.join(options.modes)} corridors with status {'/'.join(options.statuses)}"
    )
    if options.in_service:
        relaxed = _relaxed(options)
        found = search(network, start, end, relaxed)
        if found is not None:
            route = _assemble(network, start, end, found[1], relaxed)
            idle = [leg for leg in route.legs if not leg.in_service]
            blocked = "; ".join(_leg_label(network, leg) for leg in idle)
            return (
                f"{message}: the route needs legs not in service that day ({blocked}); "
                "drop `in_service` to use them (they are then marked and warned about)"
            )
        return message
    if options.statuses != make_options(**_flags(options)).statuses:  # type: ignore[arg-type]
        return message  # exactly the `statuses` asked for: nothing to suggest
    missing = [
        flag
        for flag, given in (
            ("include_proposed", options.include_proposed),
            ("include_closed", options.include_closed),
        )
        if not given
    ]
    for flags in [[flag] for flag in missing] + ([missing] if len(missing) > 1 else []):
        if search(network, start, end, _relaxed(options, **dict.fromkeys(flags, True))):
            return message + "; one exists that day: set " + " and ".join(f"`{f}`" for f in flags)
    return message


def _flags(options: RouteOptions) -> dict[str, object]:
    return {
        "modes": options.modes,
        "as_of": options.as_of,
        "in_service": options.in_service,
        "include_proposed": options.include_proposed,
        "include_closed": options.include_closed,
        "by": options.by,
        "cost_model": options.cost_model,
    }


def _relaxed(options: RouteOptions, **flags: bool) -> RouteOptions:
    """``options`` without ``in_service``, plus ``flags`` (for no-route messages)."""
    values = _flags(options)
    values["in_service"] = False
    values.update(flags)
    return make_options(**values)  # type: ignore[arg-type]


def port_calls(legs: Sequence[RouteLeg]) -> list[tuple[RouteLeg, RouteLeg]]:
    """Consecutive sea legs of which one is open sea: two voyages, the cargo changing ship at
    the port between them (no named service makes that call)."""
    return [
        (first, second)
        for first, second in zip(legs, legs[1:], strict=False)
        if first.mode == second.mode == "sea" and (first.open_sea or second.open_sea)
    ]


def port_call_warning(network: Network, first: RouteLeg, second: RouteLeg) -> str:
    """The warning line for a port call between two voyages (see :func:`port_calls`)."""
    places = network.atlas.places
    return (
        f"two voyages: the cargo changes ship at {places[first.end].name} "
        f"({places[first.start].name} \u2192 {places[first.end].name} \u2192 "
        f"{places[second.end].name}), a port call no named service makes"
    )


def _leg_label(network: Network, leg: RouteLeg) -> str:
    corridor = network.atlas.corridors.get(leg.corridor)
    name = corridor.name if corridor is not None else leg.corridor or leg.mode
    label = f"{name} is {leg.status.replace('_', ' ')}"
    label += f" since {leg.since}" if leg.since else ""
    return label + ("" if leg.built or leg.status != "closed" else " (the line is gone)")


def _assemble(
    network: Network, start: str, end: str, edges: list[int], options: RouteOptions
) -> Route:
    index = network.index
    legs: list[RouteLeg] = []
    transfers: list[str] = []
    place = start
    total_km = 0.0
    total_hours = 0.0
    for edge in edges:
        mode = index.edge_mode[edge]
        here, there = index.edge_start[edge], index.edge_end[edge]
        following = there if place == here else here
        if mode == TRANSFER:
            transfers.append(place)
            total_hours += options.transfer_hours
            continue
        km = index.edge_length_m[edge] / 1000.0
        hours = km / options.speeds_kmh[mode] if options.freight else None
        total_km += km
        total_hours += hours or 0.0
        open_sea = index.is_open_sea(edge)
        corridor = OPEN_SEA if open_sea else index.edge_corridor[edge] or ""
        coords = index.edge_coords_of(edge)
        if place != here:
            coords = coords[::-1]
        if legs and not open_sea and legs[-1].corridor == corridor and legs[-1].end == place:
            previous = legs.pop()
            km += previous.distance_km
            hours = None if hours is None else hours + (previous.hours or 0.0)
            coords = previous.coords + coords[1:]
            place = previous.start
        status, built, in_service, since = _leg_state(network, corridor, edge, options)
        legs.append(
            RouteLeg(
                place,
                following,
                mode,
                corridor,
                status,
                km,
                hours,
                coords,
                built=built,
                in_service=in_service,
                since=since,
                open_sea=open_sea,
            )
        )
        place = following
    day = options.as_of.isoformat()
    places = network.atlas.places
    warnings = tuple(
        f"{_leg_label(network, leg)}, not in service on {day} "
        f"(leg {places[leg.start].name} \u2192 {places[leg.end].name})"
        for leg in legs
        if not leg.in_service
    ) + tuple(port_call_warning(network, first, second) for first, second in port_calls(legs))
    return Route(
        origin=start,
        destination=end,
        legs=tuple(legs),
        transfers=tuple(transfers),
        distance_km=total_km,
        hours=total_hours if options.freight else None,
        options=options,
        warnings=warnings,
    )


def _leg_state(
    network: Network, corridor_id: str, edge: int, options: RouteOptions
) -> tuple[str, bool, bool, str | None]:
    """Status, built, in service and since of one leg's corridor on the route's day."""
    corridor = network.atlas.corridors.get(corridor_id)
    state = None if corridor is None else state_on(corridor, options.as_of)
    if state is None:  # a synthetic edge (no atlas corridor): its own status on every day
        status = network.index.edge_status[edge]
        return status, is_built(status), is_in_service(status), None
    return state.status, state.built, state.in_service, state.since


__all__ = ["Route", "RouteLeg", "RouteOptions", "make_options", "route"]


def _area_hint(network: Network, place_id: str) -> str | None:
    """Why a route to a zone fails: it is an area no corridor stops at; name stops inside it."""
    from corridors.atlas.read import area_contains

    place = network.atlas.places[place_id]
    if place.area is None or network.nodes_of(place_id):
        return None
    inside = [
        p.name
        for p in network.atlas.places.values()
        if p.area is None and network.nodes_of(p.id) and area_contains(place.area, p.coord)
    ]
    message = f"{place.name} is an area ({place.kind}) that no corridor stops at"
    if inside:
        return f"{message}: route from or to a place in it, e.g. {', '.join(inside[:3])}"
    return f"{message}: route from or to a place on the network instead"
