"""The atlas as one GeoJSON FeatureCollection (RFC 7946): what web maps, geojson.io, Kepler,
QGIS and every GIS library read.

Features, in this order: corridors (LineString), places (Point; a zone at its label point),
zones (MultiPolygon) and routed shipment legs (LineString). Each feature's ``properties``
start with ``layer`` (``corridor``, ``place``, ``zone`` or ``shipment_leg``), then the
attributes of the GeoPackage layer of the same name; lists (aliases, via, countries, sources)
are JSON arrays and ``attributes`` / ``history`` JSON objects, not text. Coordinates are
longitude, latitude in WGS84 (EPSG:4326, the only CRS RFC 7946 allows, so no ``crs`` member).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from corridors.export._text import encodable_tree
from corridors.export.records import Row
from corridors.network.index import Network

LAYER_NAMES = {
    "corridors": "corridor",
    "places": "place",
    "zones": "zone",
    "shipment_legs": "shipment_leg",
}
"""GeoPackage layer name to the ``layer`` property of its GeoJSON features."""
_OBJECTS = ("attributes", "history")


def _properties(layer: str, row: Row) -> dict[str, Any]:
    properties: dict[str, Any] = {"layer": LAYER_NAMES[layer]}
    for key, value in row.items():
        if key == "geometry":
            continue
        if key in _OBJECTS and isinstance(value, str):
            value = json.loads(value)
        properties[key] = value
    return properties


def feature_collection(network: Network) -> dict[str, Any]:
    """The atlas as a GeoJSON FeatureCollection (a JSON-ready dict; see the module).

    Parameters
    ----------
    network : Network

    Returns
    -------
    dict
        ``{"type": "FeatureCollection", "features": [...]}``.
    """
    from shapely.geometry import mapping

    from corridors.export.records import corridor_rows, leg_rows, place_rows, zone_rows

    atlas = network.atlas
    layers = {
        "corridors": corridor_rows(network, joined=False),  # lists as JSON arrays
        "places": place_rows(atlas, joined=False),
        "zones": zone_rows(atlas, joined=False),
        "shipment_legs": leg_rows(network),
    }
    features = [
        {
            "type": "Feature",
            "id": f"{LAYER_NAMES[layer]}/{row.get('id', '')}"
            if "id" in row
            else f"{LAYER_NAMES[layer]}/{row['shipment']}/{row['leg']}",
            "geometry": mapping(row["geometry"]),
            "properties": _properties(layer, row),
        }
        for layer, rows in layers.items()
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def write_geojson(network: Network, path: Path) -> None:
    """Write :func:`feature_collection` to ``path`` as UTF-8 JSON (no NaN: strict JSON).

    Writes ``path`` directly (a new file; :func:`corridors.export.export_file` gives a
    temporary one).
    """
    collection = encodable_tree(feature_collection(network))
    text = json.dumps(collection, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    path.write_text(text + "\n", encoding="utf-8")
