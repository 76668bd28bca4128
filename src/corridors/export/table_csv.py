"""The corridors as one CSV table: a row per corridor, for spreadsheets and any tool that
reads WKT (QGIS "Delimited text", GDAL's CSV driver, pandas + shapely).

Columns: ``id``, ``name``, ``mode``, ``status``, ``status_year``, ``length_km`` (geodesic on
WGS84, full precision), ``reported_length_km``, ``from_id``, ``from``, ``to_id``, ``to``
(place ids and names), ``via`` (place ids), ``countries`` (of its stops, in order),
``sources`` (source ids) and ``WKT``: the LineString in EPSG:4326 (longitude latitude).
Lists are joined with ``"; "``. UTF-8 with a byte-order mark, so spreadsheets read the Hangul
and Cyrillic names right.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return and is not a
plain number is written with a leading apostrophe, so a spreadsheet shows it as text and never
runs it as a formula (names come from atlas files anyone may edit;
:func:`corridors._io.spreadsheet.spreadsheet_text`, the guard of every CSV we write).
"""

from __future__ import annotations

import csv
from pathlib import Path

from corridors._io.spreadsheet import spreadsheet_text
from corridors.export._text import encodable
from corridors.network.index import Network

COLUMNS = (
    "id",
    "name",
    "mode",
    "status",
    "status_year",
    "length_km",
    "reported_length_km",
    "from_id",
    "from",
    "to_id",
    "to",
    "via",
    "countries",
    "sources",
    "WKT",
)


def _cell(value: object) -> object:
    """A text cell that a spreadsheet would take as a formula, made plain text."""
    if value is None:
        return ""
    if isinstance(value, str):
        return spreadsheet_text(str(encodable(value)))
    return value


def corridor_table(network: Network) -> list[dict[str, object]]:
    """The rows of the CSV (see the module), one per corridor in atlas order.

    Parameters
    ----------
    network : Network

    Returns
    -------
    list of dict
        Column name to value (numbers as numbers, WKT as text); not yet made safe for
        spreadsheets.
    """
    from corridors.export.records import corridor_rows

    places = network.atlas.places

    def name(place_id: str) -> str:
        place = places.get(place_id)
        return place.name if place else ""

    return [
        {
            "id": row["id"],
            "name": row["name"],
            "mode": row["mode"],
            "status": row["status"],
            "status_year": row["status_year"],
            "length_km": row["length_km"],
            "reported_length_km": row["reported_length_km"],
            "from_id": row["from_place"],
            "from": name(row["from_place"]),
            "to_id": row["to_place"],
            "to": name(row["to_place"]),
            "via": row["via"],
            "countries": row["countries"],
            "sources": row["sources"],
            "WKT": row["geometry"].wkt,
        }
        for row in corridor_rows(network)
    ]


def write_csv(network: Network, path: Path) -> None:
    """Write :func:`corridor_table` to ``path`` (UTF-8 with BOM, comma-separated, quoted
    where needed, ``\\r\\n`` line ends as RFC 4180).

    Writes ``path`` directly (a new file; :func:`corridors.export.export_file` gives a
    temporary one).
    """
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        for row in corridor_table(network):
            writer.writerow({key: _cell(value) for key, value in row.items()})
