"""The atlas as data: its constants, its dataclasses and the one coordinate type, :data:`Coord`.

No reading or validating here (that is :mod:`corridors.atlas.read`), so every layer may import
these types without importing a parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODES = ("rail", "sea", "power", "pipeline")
FREIGHT_MODES = ("rail", "sea")
STATUSES = (
    "operating",
    "pilot",
    "suspended",
    "under_construction",
    "proposed",
    "shelved",
    "closed",
)
PLACE_KINDS = (
    "station",
    "port",
    "terminal",
    "junction",
    "city",
    "bridge",
    "plant",
    "substation",
    "border",
)
COUNTRIES = ("RUS", "PRK", "KOR", "CHN", "JPN")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
SOURCE_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
DATE_PATTERN = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
"""ISO 8601 dates at year, month or day precision (:func:`date_span` checks they exist)."""

SOURCES_FILE = "sources.json"
PLACES_FILE = "places.geojson"
CORRIDORS_DIR = "corridors"
SHIPMENTS_FILE = "shipments.json"

Coord = tuple[float, float]


@dataclass(frozen=True)
class Source:
    """A citable source."""

    id: str
    title: str
    url: str | None = None
    publisher: str | None = None
    date: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Place:
    """A point on the map: station, port berth, junction, city…"""

    id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    kind: str
    lon: float
    lat: float
    sources: tuple[str, ...]
    transfer: tuple[str, ...] = ()
    note: str | None = None

    @property
    def coord(self) -> Coord:
        return (self.lon, self.lat)


@dataclass(frozen=True)
class Corridor:
    """A line: a railway, sea lane, power line or pipeline, drawn from ``start`` to ``end``."""

    id: str
    name: str
    mode: str
    status: str
    status_year: int
    start: str
    end: str
    via: tuple[str, ...]
    coords: tuple[Coord, ...]
    sources: tuple[str, ...]
    attributes: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    reported_length_km: float | None = None
    reported_length_source: str | None = None
    note: str | None = None
    file: str = ""

    @property
    def stops(self) -> tuple[str, ...]:
        """The places the line joins, in order: start, via…, end."""
        return (self.start, *self.via, self.end)


@dataclass(frozen=True)
class Leg:
    """One leg of a shipment: a single mode between two places."""

    start: str
    end: str
    mode: str
    start_date: str
    end_date: str
    tonnes: float
    ship: str | None = None
    consignee: str | None = None
    note: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shipment:
    """A cargo movement made of one or more legs."""

    id: str
    name: str
    cargo: str
    tonnes: float
    legs: tuple[Leg, ...]
    sources: tuple[str, ...]
    consignee: str | None = None
    note: str | None = None


@dataclass
class Atlas:
    """The whole validated atlas, as loaded from ``root``."""

    root: Path
    sources: dict[str, Source]
    places: dict[str, Place]
    corridors: dict[str, Corridor]
    shipments: dict[str, Shipment]
    fingerprint: str

    def place(self, place_id: str) -> Place:
        return self.places[place_id]

    def corridor(self, corridor_id: str) -> Corridor:
        return self.corridors[corridor_id]
