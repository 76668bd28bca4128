"""The atlas as rows of attributes and a shapely geometry, one list per layer: what every
export writes (GeoPackage layers, GeoJSON features, CSV rows, KML placemarks).

Every geometry is valid and non-empty: a graph edge that joins two nodes at one position
(a rail-sea transfer at a port) is a Point in :func:`edge_rows`'s second list, never a line
of two identical points. Coordinates are (longitude, latitude), EPSG:4326.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corridors.atlas.model import Atlas, Coord
from corridors.atlas.native_text import names_field
from corridors.export._text import json_text
from corridors.network.index import Network
from corridors.network.listing import corridor_facts, place_facts

Row = dict[str, Any]


_JOINED = ("aliases", "via", "countries", "sources")
_JSON = ("attributes", "history")
_COLUMN = {"from": "from_place", "to": "to_place"}
_PLACE = ("id", "name", "aliases", "names", "country", "kind")
_CORRIDOR = (
    *("id", "name", "mode", "status", "status_year", "from", "to", "via", "countries"),
    *("length_km", "reported_length_km", "attributes", "history", "sources"),
)


def _cells(facts: Row, keys: Sequence[str], joined: bool) -> Row:
    """The facts named by ``keys`` (of :func:`corridors.network.listing.place_facts` or
    :func:`~corridors.network.listing.corridor_facts`), one value a cell: lists joined with
    ``"; "`` if ``joined`` (else lists), attributes and history as JSON text, native names as
    one text (:func:`~corridors.atlas.native_text.names_field`); ``from``/``to`` named
    ``from_place`` and ``to_place``."""
    row: Row = {}
    for key in keys:
        value = facts[key]
        if key in _JOINED:
            value = "; ".join(value) if joined else value
        elif key in _JSON:
            value = json_text(value)
        elif key == "names":
            value = names_field(value)
        row[_COLUMN.get(key, key)] = value
    return row


def _line(coords: Sequence[Coord]) -> Any:
    from shapely.geometry import LineString

    return LineString(coords)


def distinct_points(coords: Sequence[Coord]) -> int:
    """How many distinct positions ``coords`` has (a line needs two)."""
    return len(set(coords))


def place_rows(atlas: Atlas, *, joined: bool = True) -> list[Row]:
    """One row per place at its point (a zone at its label point, inside it); lists (aliases,
    sources) joined with ``"; "``, or kept as lists if not ``joined``."""
    from shapely.geometry import Point

    return [
        {**_cells(p, (*_PLACE, "sources"), joined), "geometry": Point(p["lon"], p["lat"])}
        for p in place_facts(atlas)
    ]


def zone_rows(atlas: Atlas, *, joined: bool = True) -> list[Row]:
    """One row per area place (zone): its MultiPolygon and geodesic area in km²; lists as in
    :func:`place_rows`."""
    from shapely.geometry import MultiPolygon

    from corridors.geo.geodesy import area_km2

    return [
        {
            **_cells(p, _PLACE, joined),
            "area_km2": area_km2(p["area"]),
            **_cells(p, ("sources",), joined),
            "geometry": MultiPolygon([(rings[0], list(rings[1:])) for rings in p["area"]]),
        }
        for p in place_facts(atlas)
        if p["area"] is not None
    ]


def corridor_rows(network: Network, *, joined: bool = True) -> list[Row]:
    """One row per corridor: its attributes, geodesic ``length_km`` and LineString; lists
    (via, countries, sources) as in :func:`place_rows`."""
    return [
        {**_cells(c, _CORRIDOR, joined), "geometry": _line(c["coords"])}
        for c in corridor_facts(network)
    ]


def leg_rows(network: Network) -> list[Row]:
    """One row per routed shipment leg (legs that cannot be routed have no line: left out)."""
    from corridors.routing.shipments import routed_legs

    return [
        {
            "shipment": routed.shipment.id,
            "leg": routed.number,
            "from_place": routed.leg.start,
            "to_place": routed.leg.end,
            "mode": routed.leg.mode,
            "start": routed.leg.start_date,
            "end": routed.leg.end_date,
            "tonnes": routed.leg.tonnes,
            "ship": routed.leg.ship,
            "cargo": routed.shipment.cargo,
            "distance_km": routed.route.distance_km,
            "geometry": _line(routed.route.coords),
        }
        for routed in routed_legs(network)
        if routed.route is not None and distinct_points(routed.route.coords) >= 2
    ]


def edge_rows(network: Network) -> tuple[list[Row], list[Row]]:
    """The route graph's edges: ``(lines, transfers)``.

    ``lines`` are the edges with a length (corridor pieces, open-sea lanes) as LineStrings;
    ``transfers`` are the edges between two nodes at one position (rail <-> sea at a port),
    as a Point at that place, with its ``place`` id and ``kind`` and the ``transfer_hours``
    of the default time model.
    """
    from shapely.geometry import Point

    from corridors.network.terms import TRANSFER, node_place
    from corridors.routing.options import DEFAULT_TRANSFER_HOURS

    atlas = network.atlas
    lines: list[Row] = []
    transfers: list[Row] = []
    for row in network.index.edge_records():
        coords = row.pop("coords")
        if distinct_points(coords) >= 2:
            lines.append({**row, "geometry": _line(coords)})
            continue
        place = atlas.places.get(node_place(row["u"]))
        transfers.append(
            {
                **row,
                "place": place.id if place else node_place(row["u"]),
                "kind": place.kind if place else "",
                "transfer_hours": DEFAULT_TRANSFER_HOURS if row["mode"] == TRANSFER else None,
                "geometry": Point(coords[0]),
            }
        )
    return lines, transfers
