"""JSON-ready records of the atlas's places, corridors, shipments, programmes and sources
(``corridors list``)."""

from __future__ import annotations

from collections.abc import Callable

from corridors.atlas.native_text import names_record
from corridors.network.index import Network


def corridor_lengths_km(network: Network) -> dict[str, float]:
    """Geodesic length of every corridor in km (:meth:`RouteIndex.corridor_lengths_km`).

    Parameters
    ----------
    network : Network

    Returns
    -------
    dict of str to float
        Corridor id to km (WGS84 geodesic).
    """
    return network.index.corridor_lengths_km()


def place_records(network: Network) -> list[dict[str, object]]:
    """Every place as a JSON-ready record (id, name, aliases, ``local_name`` (in its country's
    script, or None), ``names`` (every native name with its sources), lat/lon in EPSG:4326...).

    Parameters
    ----------
    network : Network

    Returns
    -------
    list of dict
        In atlas order. A zone's ``lat``/``lon`` is a point inside it; its record also has
        ``area``, a GeoJSON MultiPolygon (EPSG:4326).
    """
    records: list[dict[str, object]] = []
    for p in network.atlas.places.values():
        record: dict[str, object] = {
            "id": p.id,
            "name": p.name,
            "aliases": list(p.aliases),
            "local_name": p.local_name.name if p.local_name is not None else None,
            "names": names_record(p.names),
            "lat": p.lat,
            "lon": p.lon,
            "country": p.country,
            "kind": p.kind,
        }
        if p.area is not None:
            polygons = [[[list(xy) for xy in ring] for ring in rings] for rings in p.area]
            record["area"] = {"type": "MultiPolygon", "coordinates": polygons}
        records.append(record)
    return records


def corridor_records(network: Network) -> list[dict[str, object]]:
    """Every corridor as a JSON-ready record, with its geodesic ``length_km`` and geometry.

    Parameters
    ----------
    network : Network

    Returns
    -------
    list of dict
        In atlas order; ``geometry`` is a GeoJSON LineString (EPSG:4326).
    """
    lengths = corridor_lengths_km(network)
    return [
        {
            "id": c.id,
            "name": c.name,
            "mode": c.mode,
            "status": c.status,
            "status_year": c.status_year,
            "from": c.start,
            "to": c.end,
            "via": list(c.via),
            "length_km": round(lengths.get(c.id, 0.0), 3),
            "reported_length_km": c.reported_length_km,
            "names": names_record(c.names),
            "attributes": c.attributes,
            "sources": list(c.sources),
            "geometry": {"type": "LineString", "coordinates": [list(xy) for xy in c.coords]},
        }
        for c in network.atlas.corridors.values()
    ]


def shipment_records(network: Network) -> list[dict[str, object]]:
    """Every shipment as a JSON-ready record, with its legs.

    Parameters
    ----------
    network : Network

    Returns
    -------
    list of dict
        In atlas order.
    """
    return [
        {
            "id": s.id,
            "name": s.name,
            "cargo": s.cargo,
            "tonnes": s.tonnes,
            "reported_tonnes": s.reported_tonnes,
            "reported_tonnes_source": s.reported_tonnes_source,
            "consignee": s.consignee,
            "sources": list(s.sources),
            "legs": [
                {
                    "from": leg.start,
                    "to": leg.end,
                    "mode": leg.mode,
                    "start": leg.start_date,
                    "end": leg.end_date,
                    "tonnes": leg.tonnes,
                    "ship": leg.ship,
                    "consignee": leg.consignee,
                    "sources": list(leg.sources),
                }
                for leg in s.legs
            ],
        }
        for s in network.atlas.shipments.values()
    ]


def programme_records(network: Network) -> list[dict[str, object]]:
    """Every programme as a JSON-ready record: figures, member corridor ids, sources.

    Parameters
    ----------
    network : Network

    Returns
    -------
    list of dict
        In atlas order; ``members`` is empty for a programme announced without a published
        list of lines.
    """
    return [
        {
            "id": p.id,
            "name": p.name,
            "announced": p.announced,
            "figures": dict(p.figures),
            "members": list(p.members),
            "sources": list(p.sources),
            "note": p.note,
        }
        for p in network.atlas.programmes.values()
    ]


def source_records(network: Network) -> list[dict[str, object]]:
    """Every source the atlas cites, as a JSON-ready record.

    Parameters
    ----------
    network : Network

    Returns
    -------
    list of dict
        In atlas order: ``id``, ``title``, ``publisher``, ``date``, ``url``, ``note`` (None
        where the source does not say).
    """
    return [
        {
            "id": s.id,
            "title": s.title,
            "publisher": s.publisher,
            "date": s.date,
            "url": s.url,
            "note": s.note,
        }
        for s in network.atlas.sources.values()
    ]


LISTS: dict[str, Callable[[Network], list[dict[str, object]]]] = {
    "places": place_records,
    "corridors": corridor_records,
    "shipments": shipment_records,
    "programmes": programme_records,
    "sources": source_records,
}
