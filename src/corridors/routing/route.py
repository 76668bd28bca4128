"""Shortest routes over the route graph, by distance or by time, filtered by mode and status.

A route is searched by the one core of :mod:`corridors.routing.search` (a plain heapq Dijkstra
on the shipped atlas, so a query needs neither networkx nor scipy; tests check it against
networkx) and assembled here into legs along corridors. Options: :mod:`corridors.routing.options`.
"""

from __future__ import annotations

from dataclasses import dataclass

from corridors.atlas.model import STATUSES
from corridors.errors import NoRouteError, UsageError
from corridors.geo.geodesy import km_to_nmi
from corridors.network.graph import TRANSFER
from corridors.network.index import Network
from corridors.network.seatable import OPEN_SEA
from corridors.routing.options import RouteOptions, make_options
from corridors.routing.search import shortest_path


@dataclass(frozen=True)
class RouteLeg:
    """A stretch of a route along one corridor.

    Attributes
    ----------
    start, end : str
        Place ids.
    mode, corridor, status : str
        The corridor's mode, id and status (an open-sea leg: ``"open sea"``, ``"operating"``).
    distance_km : float
        Geodesic length (WGS84).
    hours : float or None
        Travel time at the route's speeds (None for energy lines).
    coords : tuple of (lon, lat)
        The leg's line from ``start`` to ``end`` (EPSG:4326).
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
    open_sea: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "from": self.start,
            "to": self.end,
            "mode": self.mode,
            "corridor": self.corridor,
            "open_sea": self.open_sea,
            "status": self.status,
            "distance_km": round(self.distance_km, 3),
            "hours": None if self.hours is None else round(self.hours, 2),
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
        What the route was searched with.
    """

    origin: str
    destination: str
    legs: tuple[RouteLeg, ...]
    transfers: tuple[str, ...]
    distance_km: float
    hours: float | None
    options: RouteOptions

    @property
    def distance_nmi(self) -> float:
        """Total length in international nautical miles."""
        return km_to_nmi(self.distance_km)

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
        return {
            "from": self.origin,
            "to": self.destination,
            "distance_km": round(self.distance_km, 3),
            "distance_nmi": round(self.distance_nmi, 3),
            "hours": None if self.hours is None else round(self.hours, 2),
            "by": self.options.by,
            "legs": [leg.to_dict() for leg in self.legs],
            "transfers": list(self.transfers),
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
        passed to :func:`~corridors.routing.options.make_options` (``modes``,
        ``include_proposed``, ``statuses``, ``by``, ``speeds_kmh``, ``transfer_hours``).

    Returns
    -------
    Route
        Legs along corridors (lines in EPSG:4326), distance in km, hours for freight.

    Raises
    ------
    UnknownPlaceError
        A place name matches no place (CLI exit 2).
    UsageError
        The two places are the same, or an option value cannot be used (CLI exit 2).
    NoRouteError
        No path joins the places under the options (CLI exit 1).
    """
    if options is None:
        options = make_options(**option_values)  # type: ignore[arg-type]
    start = network.resolve_place(origin)
    end = network.resolve_place(destination)
    if start == end:
        raise UsageError(f"'{origin}' and '{destination}' are the same place ({start})")
    found = _search(network, start, end, options)
    if found is None:
        raise NoRouteError(_no_route_message(network, start, end, options))
    return _assemble(network, start, end, found[1], options)


def _search(
    network: Network, start: str, end: str, options: RouteOptions
) -> tuple[float, list[int]] | None:
    modes = set(options.modes)
    sources = network.nodes_of(start, modes)
    targets = set(network.nodes_of(end, modes))
    return shortest_path(network.index, sources, targets, options)


def _no_route_message(network: Network, start: str, end: str, options: RouteOptions) -> str:
    atlas = network.atlas
    message = (
        f"no route from {atlas.places[start].name} to {atlas.places[end].name} "
        f"over {'/'.join(options.modes)} corridors with status {'/'.join(options.statuses)}"
    )
    if set(options.statuses) != set(STATUSES):
        relaxed = make_options(modes=options.modes, include_proposed=True, by=options.by)
        if _search(network, start, end, relaxed) is not None:
            return message + "; one exists over non-operating corridors: set `include_proposed`"
    return message


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
        legs.append(
            RouteLeg(
                place,
                following,
                mode,
                corridor,
                index.edge_status[edge],
                km,
                hours,
                coords,
                open_sea=open_sea,
            )
        )
        place = following
    return Route(
        origin=start,
        destination=end,
        legs=tuple(legs),
        transfers=tuple(transfers),
        distance_km=total_km,
        hours=total_hours if options.freight else None,
        options=options,
    )


__all__ = ["Route", "RouteLeg", "RouteOptions", "make_options", "route"]
