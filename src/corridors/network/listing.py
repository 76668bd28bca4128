"""JSON-ready records of the atlas's places, corridors, shipments, programmes and sources
(``corridors list``), and the facts of each place and corridor (:func:`place_facts`,
:func:`corridor_facts`) that these records and every export's rows are written from."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

from corridors.atlas.model import Atlas, Corridor, Place
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


def countries(atlas: Atlas, corridor: Corridor) -> list[str]:
    """The countries of ``corridor``'s stops (start, via..., end), in order, each once."""
    seen: dict[str, None] = {}
    for stop in corridor.stops:
        place = atlas.places.get(stop)
        if place is not None:
            seen.setdefault(place.country)
    return list(seen)


def place_facts(atlas: Atlas) -> list[dict[str, Any]]:
    """What every listing and export says of each place, read from the atlas in one place.

    Parameters
    ----------
    atlas : Atlas

    Returns
    -------
    list of dict
        In atlas order: ``id``, ``name``, ``aliases`` (list), ``local_name`` (in its country's
        script, or None), ``names`` (the :class:`~corridors.atlas.model.NativeName` tuple),
        ``lat``, ``lon`` (EPSG:4326; a zone's is a point inside it), ``country``, ``kind``,
        ``area`` (a zone's polygons as the atlas holds them, else None) and ``sources`` (list).
        :func:`place_records` and :mod:`corridors.export.records` each write these their way.
    """
    return _facts_of_places(atlas.places.values())


def _facts_of_places(places: Iterable[Place]) -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "name": p.name,
            "aliases": list(p.aliases),
            "local_name": p.local_name.name if p.local_name is not None else None,
            "names": p.names,
            "lat": p.lat,
            "lon": p.lon,
            "country": p.country,
            "kind": p.kind,
            "area": p.area,
            "sources": list(p.sources),
        }
        for p in places
    ]


def corridor_facts(network: Network) -> list[dict[str, Any]]:
    """What every listing and export says of each corridor, read from the atlas in one place.

    Parameters
    ----------
    network : Network

    Returns
    -------
    list of dict
        In atlas order: ``id``, ``name``, ``mode``, ``status``, ``status_year``, ``from``,
        ``to``, ``via`` (place ids), ``countries`` (:func:`countries`), ``length_km``
        (the routed length, full precision: geodesic, or the published length of a schematic
        line), ``reported_length_km``, ``names`` (the
        :class:`~corridors.atlas.model.NativeName` tuple), ``attributes`` (dict), ``history``
        (a dict per event, without its empty fields), ``sources`` and ``coords`` (the line's
        (lon, lat) positions, EPSG:4326). :func:`corridor_records` and
        :mod:`corridors.export.records` each write these their way.
    """
    atlas = network.atlas
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
            "countries": countries(atlas, c),
            "length_km": lengths.get(c.id, 0.0),
            "reported_length_km": c.reported_length_km,
            "names": c.names,
            "attributes": c.attributes,
            "history": [{k: v for k, v in asdict(e).items() if v is not None} for e in c.history],
            "sources": list(c.sources),
            "coords": c.coords,
        }
        for c in atlas.corridors.values()
    ]


# What `corridors list` shows of the facts, in this order.
_PLACE_KEYS = ("id", "name", "aliases", "local_name", "names", "lat", "lon", "country", "kind")
_CORRIDOR_KEYS = (
    *("id", "name", "mode", "status", "status_year", "from", "to", "via", "length_km"),
    *("reported_length_km", "names", "attributes", "sources"),
)


def _picked(facts: dict[str, Any], keys: tuple[str, ...]) -> dict[str, object]:
    return {key: facts[key] for key in keys}


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
    return records_of_places(network.atlas.places.values())


def records_of_places(places: Iterable[Place]) -> list[dict[str, object]]:
    """:func:`place_records` of the given places (e.g. read from a route file without the
    network: :mod:`corridors.network.place_rows`), in their order."""
    records: list[dict[str, object]] = []
    for facts in _facts_of_places(places):
        record = _picked(facts, _PLACE_KEYS)
        record["names"] = names_record(facts["names"])
        if facts["area"] is not None:
            polygons = [[[list(xy) for xy in ring] for ring in rings] for rings in facts["area"]]
            record["area"] = {"type": "MultiPolygon", "coordinates": polygons}
        records.append(record)
    return records


def place_record_columns(columns: Mapping[str, Sequence[Any]]) -> dict[str, list[Any]]:
    """The records :func:`records_of_places` makes of places given as columns, a column each.

    Why: at 10^6 segments a :class:`Place` per place, then a record per place, cost ~2 s of
    ``list places``, and ``--csv`` reads the records back a column at a time. A place with
    native names or an area is still made a :class:`Place` and recorded by
    :func:`records_of_places` itself; one with neither (``local_name`` None, ``names`` empty,
    no ``area``: most places of a large generated atlas) is recorded straight from the columns.

    Parameters
    ----------
    columns : mapping of str to sequence
        Every :class:`Place` field to its values, as
        :func:`corridors.network.cache.place_columns` gives them (the tuple fields as lists:
        a record's ``aliases`` is that very list).

    Returns
    -------
    dict of str to list
        Each key of a place record, in a record's order, to its values in place order; the
        last, ``area``, is None for a place whose record has none
        (:func:`records_of_place_columns` makes the records).
    """
    from corridors.network.cache import place_at

    count = len(columns["id"])
    by_key: dict[str, list[Any]] = {
        "id": list(columns["id"]),
        "name": list(columns["name"]),
        "aliases": list(columns["aliases"]),
        "local_name": [None] * count,
        "names": [{} for _ in range(count)],
        "lat": list(columns["lat"]),
        "lon": list(columns["lon"]),
        "country": list(columns["country"]),
        "kind": list(columns["kind"]),
        "area": [None] * count,
    }
    table = {key: by_key[key] for key in (*_PLACE_KEYS, "area")}  # a record's order
    others = [
        at
        for at, (names, area) in enumerate(zip(columns["names"], columns["area"], strict=True))
        if names or area is not None
    ]
    records = records_of_places([place_at(columns, at) for at in others])
    for at, record in zip(others, records, strict=True):
        for key, values in table.items():
            values[at] = record.get(key)
    return table


def records_of_place_columns(columns: Mapping[str, Sequence[Any]]) -> list[dict[str, object]]:
    """:func:`records_of_places` of places given as columns (:func:`place_record_columns`):
    the same records, in their order."""
    table = place_record_columns(columns)
    areas = table.pop("area")
    records: list[dict[str, object]] = [
        dict(zip(table, row, strict=True)) for row in zip(*table.values(), strict=True)
    ]
    for record, area in zip(records, areas, strict=True):
        if area is not None:
            record["area"] = area
    return records


def corridor_records(network: Network) -> list[dict[str, object]]:
    """Every corridor as a JSON-ready record, with its routed ``length_km`` and geometry.

    Parameters
    ----------
    network : Network

    Returns
    -------
    list of dict
        In atlas order; ``length_km`` rounded to metres; ``geometry`` is a GeoJSON LineString
        (EPSG:4326).
    """
    records: list[dict[str, object]] = []
    for facts in corridor_facts(network):
        record = _picked(facts, _CORRIDOR_KEYS)
        record["length_km"] = round(facts["length_km"], 3)
        record["names"] = names_record(facts["names"])
        coordinates = [list(xy) for xy in facts["coords"]]
        record["geometry"] = {"type": "LineString", "coordinates": coordinates}
        records.append(record)
    return records


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
