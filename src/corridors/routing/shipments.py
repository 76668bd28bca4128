"""Shipment legs routed over the graph: the one place that turns a leg into a path.

Maps draw these paths, the GeoPackage export writes them and ``check`` requires them, so the
rule lives here once: the shortest route over corridors of the leg's mode, whatever their
status, as the network stood on the leg's start date (a corridor absent that day is not used).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from corridors.atlas.model import Leg, Shipment
from corridors.atlas.timeline import event_day
from corridors.errors import CorridorsError
from corridors.network.index import Network
from corridors.routing.options import make_options
from corridors.routing.route import Route, route


@dataclass(frozen=True)
class RoutedLeg:
    """One shipment leg and its route in the graph (``route`` None: ``error`` says why)."""

    shipment: Shipment
    number: int
    leg: Leg
    route: Route | None
    error: str | None = None


def route_leg(network: Network, leg: Leg) -> Route:
    """The route a leg is drawn along: its mode only, any status on the leg's start date
    (its first day for a month), shortest by distance.

    Parameters
    ----------
    network : Network
    leg : Leg
        A shipment leg (its ``start``, ``end`` and ``mode``).

    Returns
    -------
    Route

    Raises
    ------
    CorridorsError
        ``NoRouteError`` if no corridor of the leg's mode joins its places.
    """
    options = make_options(
        modes=[leg.mode],
        as_of=event_day(leg.start_date),
        include_proposed=True,
        include_closed=True,
    )
    return route(network, leg.start, leg.end, options)


def routed_legs(network: Network) -> Iterator[RoutedLeg]:
    """Every leg of every shipment with its route; each distinct leg is routed once.

    Parameters
    ----------
    network : Network

    Returns
    -------
    iterator of RoutedLeg
        In shipment then leg order; a leg that cannot be routed carries the reason in
        ``error`` (never raises for it).
    """
    found: dict[tuple[str, str, str, str], Route | str] = {}
    for shipment in network.atlas.shipments.values():
        for number, leg in enumerate(shipment.legs):
            key = (leg.start, leg.end, leg.mode, leg.start_date)
            if key not in found:
                try:
                    found[key] = route_leg(network, leg)
                except CorridorsError as exc:
                    found[key] = str(exc)
            result = found[key]
            if isinstance(result, str):
                yield RoutedLeg(shipment, number, leg, None, result)
            else:
                yield RoutedLeg(shipment, number, leg, result)
