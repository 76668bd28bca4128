"""Shortest routes over the route graph, by distance or by time, filtered by mode and status.

Routing runs on the compact :class:`~corridors.network.index.RouteIndex` with a plain Dijkstra
(heapq), so a query needs neither networkx nor scipy; tests check it against networkx.

Time model (documented assumptions, overridable): average freight-train speed 40 km/h, ship
speed 12 knots (22.2 km/h), 24 hours per rail <-> sea transfer at a port.
"""

from __future__ import annotations

import heapq
import math
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from corridors.atlas.model import FREIGHT_MODES, MODES, STATUSES, Atlas
from corridors.atlas.names import normalise, place_labels, resolve_place
from corridors.errors import NoRouteError, UsageError
from corridors.geo.geodesy import km_to_nmi
from corridors.network.graph import TRANSFER
from corridors.network.index import Network

DEFAULT_SPEEDS_KMH: dict[str, float] = {"rail": 40.0, "sea": 12 * 1.852}
DEFAULT_TRANSFER_HOURS = 24.0
DEFAULT_STATUSES = ("operating",)
ENERGY_MODES = ("power", "pipeline")
OBJECTIVES = ("distance", "time")
# From this many edges a single route is searched by scipy (see :func:`shortest_edges`).
SCIPY_ROUTE_MIN_EDGES = 50_000


@dataclass(frozen=True)
class RouteOptions:
    """What a route may use and what it minimises."""

    modes: tuple[str, ...] = FREIGHT_MODES
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    by: str = "distance"
    speeds_kmh: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS_KMH))
    transfer_hours: float = DEFAULT_TRANSFER_HOURS

    @property
    def freight(self) -> bool:
        return set(self.modes) <= set(FREIGHT_MODES)


def make_options(
    *,
    modes: Iterable[str] | None = None,
    include_proposed: bool = False,
    statuses: Iterable[str] | None = None,
    by: str = "distance",
    speeds_kmh: Mapping[str, float] | None = None,
    transfer_hours: float | None = None,
) -> RouteOptions:
    """Validate user choices into :class:`RouteOptions` (``UsageError`` says what to change)."""
    chosen = tuple(dict.fromkeys(modes)) if modes else FREIGHT_MODES
    for mode in chosen:
        if mode not in MODES:
            raise UsageError(f"unknown mode '{mode}'; use one or more of {', '.join(MODES)}")
    energy = [m for m in chosen if m in ENERGY_MODES]
    if energy and (len(chosen) > 1):
        raise UsageError(
            "freight routes never run along power lines or pipelines: use --modes rail,sea, "
            "or one energy mode alone (--modes power or --modes pipeline)"
        )
    if by not in OBJECTIVES:
        raise UsageError(f"--by must be 'distance' or 'time', not '{by}'")
    if by == "time" and energy:
        raise UsageError("--by time applies to freight (rail, sea); route energy lines by distance")
    if statuses is not None:
        chosen_statuses = tuple(statuses)
        for status in chosen_statuses:
            if status not in STATUSES:
                raise UsageError(f"unknown status '{status}'; use {', '.join(STATUSES)}")
    else:
        chosen_statuses = STATUSES if include_proposed else DEFAULT_STATUSES
    speeds = dict(DEFAULT_SPEEDS_KMH)
    for mode, speed in (speeds_kmh or {}).items():
        if mode not in FREIGHT_MODES:
            raise UsageError(
                f"speed given for '{mode}': speeds apply to {', '.join(FREIGHT_MODES)}"
            )
        if not (math.isfinite(speed) and speed > 0):
            raise UsageError(f"speed for {mode} must be a positive number of km/h, not {speed}")
        speeds[mode] = float(speed)
    hours = DEFAULT_TRANSFER_HOURS if transfer_hours is None else float(transfer_hours)
    if not (math.isfinite(hours) and hours >= 0):
        raise UsageError(f"transfer hours must be zero or more, not {transfer_hours}")
    return RouteOptions(chosen, chosen_statuses, by, speeds, hours)


@dataclass(frozen=True)
class RouteLeg:
    """A stretch of a route along one corridor."""

    start: str
    end: str
    mode: str
    corridor: str
    status: str
    distance_km: float
    hours: float | None
    coords: tuple[tuple[float, float], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "from": self.start,
            "to": self.end,
            "mode": self.mode,
            "corridor": self.corridor,
            "status": self.status,
            "distance_km": round(self.distance_km, 3),
            "hours": None if self.hours is None else round(self.hours, 2),
        }


@dataclass(frozen=True)
class Route:
    """A computed route: its legs, transfers and totals."""

    origin: str
    destination: str
    legs: tuple[RouteLeg, ...]
    transfers: tuple[str, ...]
    distance_km: float
    hours: float | None
    options: RouteOptions

    @property
    def distance_nmi(self) -> float:
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


def edge_weight(network: Network, edge: int, options: RouteOptions) -> float | None:
    """Cost of one edge under ``options``, or None where the edge may not be used."""
    index = network.index
    mode = index.edge_mode[edge]
    if mode == TRANSFER:
        if not (options.freight and set(FREIGHT_MODES) <= set(options.modes)):
            return None
        return options.transfer_hours if options.by == "time" else 0.0
    if mode not in options.modes or index.edge_status[edge] not in options.statuses:
        return None
    length_km = index.edge_length_m[edge] / 1000.0
    if options.by == "time":
        return length_km / options.speeds_kmh[mode]
    return length_km


def shortest_edges(
    network: Network, sources: list[int], targets: set[int], options: RouteOptions
) -> tuple[float, list[int]] | None:
    """Multi-source Dijkstra to the nearest target: (cost, edge ids along the path) or None.

    Graphs of :data:`SCIPY_ROUTE_MIN_EDGES` edges or more are searched by scipy's compiled
    Dijkstra (:mod:`corridors.routing.compiled`); smaller ones by the pure-Python search below,
    which stops at the first target and needs no numpy/scipy import (a cold start stays fast).
    """
    if network.index.edge_count >= SCIPY_ROUTE_MIN_EDGES:
        from corridors.routing.compiled import shortest_edges as compiled

        return compiled(network, sources, targets, options)
    return shortest_edges_python(network, sources, targets, options)


def shortest_edges_python(
    network: Network, sources: list[int], targets: set[int], options: RouteOptions
) -> tuple[float, list[int]] | None:
    """The pure-Python search behind :func:`shortest_edges` (heapq, early exit at a target)."""
    index = network.index
    best: dict[int, float] = {}
    came_by: dict[int, tuple[int, int]] = {}
    heap: list[tuple[float, int]] = []
    for source in sources:
        best[source] = 0.0
        heap.append((0.0, source))
    heapq.heapify(heap)
    weights: dict[int, float | None] = {}
    ptr, to, via = index.adj_ptr, index.adj_to, index.adj_edge
    while heap:
        cost, node = heapq.heappop(heap)
        if cost > best.get(node, math.inf):
            continue
        if node in targets:
            path: list[int] = []
            while node in came_by:
                node, edge = came_by[node]
                path.append(edge)
            return cost, path[::-1]
        first, stop = ptr[node], ptr[node + 1]
        for neighbour, edge in zip(to[first:stop], via[first:stop]):  # noqa: B905
            weight = weights.get(edge, -1.0)
            if weight == -1.0:
                weight = weights[edge] = edge_weight(network, edge, options)
            if weight is None:
                continue
            candidate = cost + weight
            if candidate < best.get(neighbour, math.inf):
                best[neighbour] = candidate
                came_by[neighbour] = (node, edge)
                heapq.heappush(heap, (candidate, neighbour))
    return None


def route(
    network: Network,
    origin: str,
    destination: str,
    options: RouteOptions | None = None,
    **option_values: object,
) -> Route:
    """The best route between two places named by id, name or alias.

    ``options`` (or keyword values for :func:`make_options`) choose modes, statuses and the
    objective. Raises ``UnknownPlaceError`` (exit 2) or ``NoRouteError`` (exit 1).
    """
    if options is None:
        options = make_options(**option_values)  # type: ignore[arg-type]
    start = _resolve(network.atlas, origin)
    end = _resolve(network.atlas, destination)
    if start == end:
        raise UsageError(f"'{origin}' and '{destination}' are the same place ({start})")
    modes = set(options.modes)
    sources = network.nodes_of(start, modes)
    targets = set(network.nodes_of(end, modes))
    found = shortest_edges(network, sources, targets, options) if sources and targets else None
    if found is None:
        raise NoRouteError(_no_route_message(network, start, end, options))
    return _assemble(network, start, end, found[1], options)


_labels_cache: dict[int, tuple[int, dict[str, str]]] = {}


def _resolve(atlas: Atlas, text: str) -> str:
    """:func:`resolve_place` with the label index kept per atlas (rebuilt if places change).

    Why: building the index walks every place; on a 10^5-place atlas that cost more than the
    route search itself.
    """
    key = id(atlas)
    cached = _labels_cache.get(key)
    if cached is None or cached[0] != len(atlas.places):
        if cached is None:
            weakref.finalize(atlas, _labels_cache.pop, key, None)
        cached = _labels_cache[key] = (len(atlas.places), place_labels(atlas))
    found = cached[1].get(normalise(text))
    return found if found is not None else resolve_place(atlas, text)


def _no_route_message(network: Network, start: str, end: str, options: RouteOptions) -> str:
    atlas = network.atlas
    message = (
        f"no route from {atlas.places[start].name} to {atlas.places[end].name} "
        f"over {'/'.join(options.modes)} corridors with status {'/'.join(options.statuses)}"
    )
    if set(options.statuses) != set(STATUSES):
        relaxed = make_options(modes=options.modes, include_proposed=True, by=options.by)
        sources = network.nodes_of(start, set(options.modes))
        targets = set(network.nodes_of(end, set(options.modes)))
        if sources and targets and shortest_edges(network, sources, targets, relaxed):
            return message + "; one exists over non-operating corridors: add --include-proposed"
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
        corridor = index.edge_corridor[edge] or ""
        coords = index.edge_coords_of(edge)
        if place != here:
            coords = coords[::-1]
        if legs and legs[-1].corridor == corridor and legs[-1].end == place:
            previous = legs.pop()
            km += previous.distance_km
            hours = None if hours is None else hours + (previous.hours or 0.0)
            coords = previous.coords + coords[1:]
            place = previous.start
        legs.append(
            RouteLeg(place, following, mode, corridor, index.edge_status[edge], km, hours, coords)
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


def shortest_costs(network: Network, sources: list[int], options: RouteOptions) -> dict[int, float]:
    """Cost from the nearest of ``sources`` to every reachable node (one full Dijkstra)."""
    index = network.index
    best: dict[int, float] = dict.fromkeys(sources, 0.0)
    done: dict[int, float] = {}
    heap = [(0.0, source) for source in sources]
    heapq.heapify(heap)
    ptr, to, via = index.adj_ptr, index.adj_to, index.adj_edge
    while heap:
        cost, node = heapq.heappop(heap)
        if node in done:
            continue
        done[node] = cost
        first, stop = ptr[node], ptr[node + 1]
        for neighbour, edge in zip(to[first:stop], via[first:stop]):  # noqa: B905
            weight = edge_weight(network, edge, options)
            if weight is None or neighbour in done:
                continue
            candidate = cost + weight
            if candidate < best.get(neighbour, math.inf):
                best[neighbour] = candidate
                heapq.heappush(heap, (candidate, neighbour))
    return done
