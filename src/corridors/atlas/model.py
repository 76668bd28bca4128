"""The atlas as data: its constants, its dataclasses and the one coordinate type, :data:`Coord`.

No reading or validating here (that is :mod:`corridors.atlas.read`), so every layer may import
these types without importing a parser.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODES = ("rail", "sea", "power", "pipeline", "road")
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
    "zone",
)
AREA_KINDS = ("zone",)
"""Place kinds drawn as an area (a Polygon or MultiPolygon); every other kind is a Point."""
COUNTRIES = ("RUS", "PRK", "KOR", "CHN", "JPN")
COUNTRY_LANGUAGE = {"RUS": "ru", "PRK": "ko", "KOR": "ko", "CHN": "zh"}
"""The language of a country's local place names (the key of a :class:`NativeName`)."""
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
SOURCE_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
DATE_PATTERN = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
"""ISO 8601 dates at year, month or day precision (:func:`date_span` checks they exist)."""

SOURCES_FILE = "sources.json"
PLACES_FILE = "places.geojson"
CORRIDORS_DIR = "corridors"
SHIPMENTS_FILE = "shipments.json"
PROGRAMMES_FILE = "programmes.json"

Coord = tuple[float, float]
"""A position: (longitude, latitude) in decimal degrees, WGS84 (EPSG:4326). The one definition."""
Ring = tuple[Coord, ...]
"""A closed ring of positions (first == last), as in GeoJSON."""
Area = tuple[tuple[Ring, ...], ...]
"""An area as polygons, each an outer ring then its holes (a GeoJSON MultiPolygon's shape)."""


def as_position(value: Any) -> Coord | None:
    """``value`` as (lon, lat) if it has the shape of a GeoJSON position, else ``None``.

    A position is a list or tuple of 2 or 3 real numbers (not bools; a third, the height, is
    ignored). The numbers are not checked here: see :func:`position_problem`. A number too
    large for a float (a 400-digit integer) becomes infinity.
    """
    if (
        not isinstance(value, (list, tuple))
        or len(value) not in (2, 3)
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    ):
        return None
    try:
        return float(value[0]), float(value[1])
    except OverflowError:
        return math.inf, math.inf


def position_problem(lon: float, lat: float) -> str | None:
    """What makes (lon, lat) no place on Earth, or ``None`` if it is one.

    ``"not finite"`` for NaN or infinity; else ``"longitude X is outside -180..180"`` or
    ``"latitude X is outside -90..90"``. The one range check of atlas and edit input.
    """
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return "not finite"
    if not -180.0 <= lon <= 180.0:
        return f"longitude {lon} is outside -180..180"
    if not -90.0 <= lat <= 90.0:
        return f"latitude {lat} is outside -90..90"
    return None


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
class NativeName:
    """A place's or corridor's name in one language's own script (``names`` in the atlas).

    Attributes
    ----------
    language : str
        ``ko`` (Hangul), ``ru`` (Cyrillic) or ``zh`` (Han): see
        :data:`corridors.atlas.scripts.LANGUAGE_SCRIPTS`.
    name : str
        The name as that language writes it (``나진항``, ``Раджин``, ``罗津港``).
    aliases : tuple of str
        Other spellings in the same language (the DPRK's ``라진항`` beside the ROK's ``나진항``).
    sources : tuple of str
        Source ids that give the name (none only if ``estimate``).
    estimate : bool
        True when no source gives it: the curator's own transliteration, shown as such.
    """

    language: str
    name: str
    aliases: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    estimate: bool = False


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
    area: Area | None = None
    """For a zone: its polygons; ``lon``/``lat`` is then a representative point inside it."""
    names: tuple[NativeName, ...] = ()
    """Its names in Korean, Russian and Chinese scripts, as the atlas gives them."""

    def native(self, language: str) -> NativeName | None:
        """Its name in ``language`` (``ko``, ``ru``, ``zh``), if the atlas gives one."""
        return next((n for n in self.names if n.language == language), None)

    @property
    def local_name(self) -> NativeName | None:
        """Its name in the language of its country (Korean in both Koreas, Russian in Russia,
        Chinese in China), if the atlas gives one: the one maps show beside ``name``."""
        return self.native(COUNTRY_LANGUAGE.get(self.country, ""))

    @property
    def coord(self) -> Coord:
        return (self.lon, self.lat)


@dataclass(frozen=True)
class StatusEvent:
    """One dated change of a corridor's state (its ``history``; rules in :mod:`.timeline`).

    Attributes
    ----------
    date : str
        ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a year or month counts from its first day.
    status : str
        One of :data:`STATUSES`, from ``date`` until the next event.
    sources : tuple of str
        Source ids that support the date and status.
    built : bool or None
        Only with ``closed``: False when the line itself is gone (None: it still exists).
    note : str or None
    """

    date: str
    status: str
    sources: tuple[str, ...]
    built: bool | None = None
    note: str | None = None


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
    history: tuple[StatusEvent, ...] = ()
    file: str = ""
    names: tuple[NativeName, ...] = ()
    """Its names in Korean, Russian and Chinese scripts, as the atlas gives them."""

    def native(self, language: str) -> NativeName | None:
        """Its name in ``language`` (``ko``, ``ru``, ``zh``), if the atlas gives one."""
        return next((n for n in self.names if n.language == language), None)

    @property
    def stops(self) -> tuple[str, ...]:
        """The places the line joins, in order: start, via…, end."""
        return (self.start, *self.via, self.end)

    @property
    def schematic(self) -> bool:
        """Whether the line is schematic (``attributes.schematic``: straight chords between
        cited points, routed at :attr:`reported_length_km`; geo/README.md)."""
        return self.attributes.get("schematic") is True


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
    reported_tonnes: float | None = None
    reported_tonnes_source: str | None = None


def final_legs(shipment: Shipment) -> tuple[Leg, ...]:
    """The legs that deliver: those ending where no leg of the same shipment starts.

    Their tonnes add up to what the shipment delivered, which ``check`` requires to equal the
    shipment's ``tonnes``.
    """
    origins = {leg.start for leg in shipment.legs}
    return tuple(leg for leg in shipment.legs if leg.end not in origins)


def total_tonnes(shipments: Iterable[Shipment]) -> float:
    """The tonnes of all ``shipments`` together: the one total that lists and maps show."""
    return float(sum(shipment.tonnes for shipment in shipments))


@dataclass(frozen=True)
class Programme:
    """A named programme of works the sources report (e.g. Pobeda): figures and member corridors.

    ``members`` may be empty: a programme announced without a published list of lines is not
    drawn as corridors. ``figures`` maps a name with its unit (``length_km``, ``cost_usd``,
    ``years``) to a number.
    """

    id: str
    name: str
    sources: tuple[str, ...]
    members: tuple[str, ...] = ()
    figures: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    announced: str | None = None
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
    programmes: dict[str, Programme] = field(default_factory=dict)

    def place(self, place_id: str) -> Place:
        return self.places[place_id]

    def corridor(self, corridor_id: str) -> Corridor:
        return self.corridors[corridor_id]
