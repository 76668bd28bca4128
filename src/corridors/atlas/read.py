"""Read and validate the atlas folder (schema: ``geo/README.md``); the types are in
:mod:`corridors.atlas.model`.

Loading is plain JSON and pure Python on purpose: the command line must start fast, so no
geometry library is imported here. Every problem is raised as one :class:`AtlasError` line that
names the file, the feature and the field. What a file must be before its schema is checked
(regular, size, nesting, text, numbers) is in :mod:`corridors.atlas.safe_input`.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import re
from collections.abc import Callable, Collection
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any, NoReturn

from corridors._io.atomic import reads_under_lock
from corridors.atlas.folder import atlas_files, atlas_root
from corridors.atlas.model import (
    AREA_KINDS,
    CORRIDORS_DIR,
    COUNTRIES,
    DATE_PATTERN,
    FREIGHT_MODES,
    ID_PATTERN,
    MODES,
    PLACE_KINDS,
    PLACES_FILE,
    PROGRAMMES_FILE,
    SHIPMENTS_FILE,
    SOURCE_ID_PATTERN,
    SOURCES_FILE,
    STATUSES,
    Area,
    Atlas,
    Coord,
    Corridor,
    Leg,
    Place,
    Programme,
    Ring,
    Shipment,
    Source,
    StatusEvent,
    as_position,
    position_problem,
)
from corridors.atlas.native_names import parse_native_names
from corridors.atlas.safe_input import (
    check_document,
    parse_json_checked,
    parse_json_text,
    read_file_limited,
)
from corridors.atlas.scripts import fold
from corridors.errors import AtlasError


@reads_under_lock  # one edit's files, never two: see corridors._io.atomic
def read_atlas_bytes(root: Path) -> tuple[dict[Path, bytes], str]:
    """Read every atlas file once; return the bytes and their content hash (the cache key).

    Only regular files up to :data:`corridors.atlas.safe_input.MAX_FILE_BYTES` are read; anything
    else is a one-line :class:`AtlasError` naming the file.
    """
    contents: dict[Path, bytes] = {}
    digest = hashlib.sha256()
    for path in atlas_files(root):
        data = read_file_limited(path)
        contents[path] = data
        # The same bytes hashed as name, NUL, data, NUL without joining them (a copy of data).
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(data)
        digest.update(b"\0")
    return contents, digest.hexdigest()


def load_atlas(atlas: str | Path | None = None) -> Atlas:
    """Load and validate the atlas folder (``None``: ``CORRIDORS_ATLAS`` or the bundled one)."""
    root = atlas_root(atlas)
    contents, fingerprint = read_atlas_bytes(root)
    raw, checked = parse_atlas_bytes(contents)
    return build_atlas(root, raw, fingerprint=fingerprint, consume=True, checked=checked)


def parse_atlas_bytes(contents: dict[Path, bytes]) -> tuple[dict[Path, Any], set[Path]]:
    """Parse every file of :func:`read_atlas_bytes` (emptying ``contents`` meanwhile, so that
    each file's bytes go once parsed); return the documents and the paths whose documents
    need no :func:`~corridors.atlas.safe_input.check_document` (see :func:`build_atlas`).

    Raises
    ------
    AtlasError
        The first file (in atlas order) that is not safe, well-formed JSON.
    """
    raw: dict[Path, Any] = {}
    checked: set[Path] = set()
    for path in list(contents):
        raw[path], clean = parse_json_checked(path, contents.pop(path))
        if clean:
            checked.add(path)
    return raw, checked


def build_atlas(
    root: Path,
    raw: dict[Path, Any],
    *,
    fingerprint: str = "",
    consume: bool = False,
    checked: Collection[Path] = (),
) -> Atlas:
    """Validate already-parsed atlas documents (keyed by their path) into an :class:`Atlas`.

    With ``consume``, each place and corridor document is removed from ``raw`` once
    validated, so that its memory goes as the atlas's objects are made. The documents of
    ``checked`` paths are known to pass :func:`~corridors.atlas.safe_input.check_document`
    (:func:`~corridors.atlas.safe_input.parse_json_checked` said so) and are not walked again.
    """
    paths = list(raw)
    for path, doc in raw.items():
        if path not in checked:
            check_document(path, doc)
    take = raw.pop if consume else raw.__getitem__
    sources = parse_sources(root / SOURCES_FILE, raw[root / SOURCES_FILE])
    places = parse_places(root / PLACES_FILE, take(root / PLACES_FILE), sources)
    corridors: dict[str, Corridor] = {}
    names: dict[str, str] = {}
    for path in paths:
        if path.parent == root / CORRIDORS_DIR:
            for corridor in parse_corridors(path, take(path), places, sources):
                if corridor.id in corridors:
                    raise AtlasError(
                        f"{path}: corridor '{corridor.id}': field 'id': duplicate, "
                        f"already defined in {corridors[corridor.id].file}"
                    )
                folded = corridor.name.casefold()
                if folded in names:
                    raise AtlasError(
                        f"{path}: corridor '{corridor.id}': field 'name': '{corridor.name}' "
                        f"is already the name of corridor '{names[folded]}'"
                    )
                names[folded] = corridor.id
                corridors[corridor.id] = corridor
    shipments: dict[str, Shipment] = {}
    shipments_path = root / SHIPMENTS_FILE
    if shipments_path in raw:
        shipments = parse_shipments(shipments_path, raw[shipments_path], places, sources)
    programmes: dict[str, Programme] = {}
    programmes_path = root / PROGRAMMES_FILE
    if programmes_path in raw:
        programmes = parse_programmes(programmes_path, raw[programmes_path], corridors, sources)
    return Atlas(root, sources, places, corridors, shipments, fingerprint, programmes)


def parse_json_bytes(path: Path | str, data: bytes) -> Any:
    """Parse JSON bytes; malformed, non-UTF-8 or too deeply nested input is one-line
    :class:`AtlasError` (the checks of :func:`corridors.atlas.safe_input.parse_json_text`)."""
    return parse_json_text(path, data)


def date_span(text: str) -> tuple[_dt.date, _dt.date] | None:
    """First and last day of an ISO date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    ``None`` unless the date exists in the (proleptic Gregorian) calendar: ``2014-13-45``,
    ``2015-02-29`` and ``0000`` are not dates.
    """
    match = DATE_PATTERN.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(group) if group is not None else None for group in match.groups())
    try:
        if day is not None:
            exact = _dt.date(year, month, day)  # type: ignore[arg-type]
            return exact, exact
        if month is not None:
            first = _dt.date(year, month, 1)  # type: ignore[arg-type]
            import calendar  # not at import: ~2 % of a cold route

            return first, first.replace(day=calendar.monthrange(year, month)[1])  # type: ignore[arg-type]
        return _dt.date(year, 1, 1), _dt.date(year, 12, 31)  # type: ignore[arg-type]
    except ValueError:  # month 13, day 45, February 29 of a common year, year 0
        return None


class _Field:
    """Reads typed fields out of one feature's properties, naming the place of any error."""

    def __init__(self, where: str | Callable[[], str], props: Any) -> None:
        self._where = where  # a callable: the text is made only for a message
        if not isinstance(props, dict):
            self.fail("properties", "must be a JSON object")
        self.props: dict[str, Any] = props

    @property
    def where(self) -> str:
        return self._where if isinstance(self._where, str) else self._where()

    def fail(self, name: str, problem: str) -> NoReturn:
        raise AtlasError(f"{self.where}: field '{name}': {problem}")

    def text(self, name: str, *, required: bool = True) -> str | None:
        value = self.props.get(name)
        if value is None:
            if required:
                self.fail(name, "missing; a non-empty string is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(name, f"must be a non-empty string, got {value!r}")
        return value.strip()

    def ident(self, name: str, pattern: re.Pattern[str] = ID_PATTERN) -> str:
        value = self.text(name)
        assert value is not None
        if not pattern.match(value):
            self.fail(
                name,
                f"'{value}' is not a valid id: use lowercase letters, digits, '_' and '-'",
            )
        return value

    def choice(self, name: str, allowed: tuple[str, ...]) -> str:
        value = self.text(name)
        if value not in allowed:
            self.fail(name, f"'{value}' is not one of: {', '.join(allowed)}")
        assert value is not None
        return value

    def text_list(self, name: str, *, required: bool = True, min_items: int = 0) -> tuple[str, ...]:
        value = self.props.get(name)
        if value is None:
            if required:
                self.fail(name, "missing; a list of strings is required")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(name, f"must be a list of non-empty strings, got {value!r}")
        if len(value) < min_items:
            self.fail(name, f"needs at least {min_items} item(s)")
        return tuple(v.strip() for v in value)

    def number(self, name: str, *, required: bool = True, positive: bool = True) -> float | None:
        value = self.props.get(name)
        if value is None:
            if required:
                self.fail(name, "missing; a number is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(name, f"must be a number, got {value!r}")
        if not math.isfinite(value) or (positive and value <= 0):
            self.fail(name, f"must be a finite {'positive ' if positive else ''}number")
        return float(value)

    def year(self, name: str) -> int:
        value = self.props.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1850 <= value <= 2100:
            self.fail(name, f"must be a year between 1850 and 2100, got {value!r}")
        return int(value)

    def date(self, name: str, *, required: bool = True, year_only: bool = False) -> str | None:
        """A real ISO date ``YYYY-MM-DD`` or ``YYYY-MM`` (also ``YYYY`` if ``year_only``)."""
        value = self.text(name, required=required)
        if value is None:
            return None
        shapes = "YYYY-MM-DD, YYYY-MM or YYYY" if year_only else "YYYY-MM-DD or YYYY-MM"
        span = date_span(value)
        if span is None or (len(value) == 4 and not year_only):
            self.fail(name, f"'{value}' is not a real date: use {shapes} (e.g. 2014-11-27)")
        return value

    def sources(self, known: dict[str, Source], *, required: bool = True) -> tuple[str, ...]:
        ids = self.text_list("sources", required=required, min_items=1 if required else 0)
        for source_id in ids:
            if source_id not in known:
                self.fail("sources", f"'{source_id}' is not in sources.json; add it there first")
        return ids


def parse_sources(path: Path, doc: Any) -> dict[str, Source]:
    """Validate ``sources.json``."""
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        raise AtlasError(f"{path}: must be a JSON object with a 'sources' list")
    sources: dict[str, Source] = {}
    for index, item in enumerate(doc["sources"]):
        where = f"{path}: source {index}"
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            where = f"{path}: source '{item['id']}'"
        fields = _Field(where, item)
        source_id = fields.ident("id", SOURCE_ID_PATTERN)
        if source_id in sources:
            fields.fail("id", f"duplicate source id '{source_id}'")
        sources[source_id] = Source(
            id=source_id,
            title=fields.text("title") or "",
            url=fields.text("url", required=False),
            publisher=fields.text("publisher", required=False),
            date=fields.date("date", required=False, year_only=True),
            note=fields.text("note", required=False),
        )
    return sources


def _features(path: Path, doc: Any) -> list[Any]:
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise AtlasError(f"{path}: must be a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise AtlasError(f"{path}: 'features' must be a list")
    return features


def _feature_where(path: Path | str, index: int, feature: Any) -> str:
    props = feature.get("properties") if isinstance(feature, dict) else None
    if isinstance(props, dict) and isinstance(props.get("id"), str):
        return f"{path}: feature {index} ('{props['id']}')"
    return f"{path}: feature {index}"


def check_coord(value: Any, where: str) -> Coord:
    """Validate one ``[lon, lat]`` position; detects positions given as ``[lat, lon]``."""
    position = as_position(value)
    if position is None:
        raise AtlasError(f"{where}: a position must be [longitude, latitude], got {value!r}")
    problem = position_problem(*position)
    if problem == "not finite":
        raise AtlasError(f"{where}: coordinates must be finite numbers, got {value!r}")
    if problem is not None:
        raise AtlasError(f"{where}: {problem}")
    return position


def plain_line(positions: list[Any]) -> tuple[Coord, ...] | None:
    """``positions`` as :func:`check_coord` would return them, if every one is plainly valid:
    a list of exactly two floats, finite, longitude in -180..180, latitude in -90..90.

    ``None`` otherwise (an integer, a height, a bad value...): then :func:`check_coord` checks
    each position and names the problem. The fast path of corridor lines: whole-line checks
    with builtins instead of a function call and a formatted message per position.
    """
    try:
        coords = tuple([(lon, lat) for lon, lat in positions])
    except (TypeError, ValueError):  # not pairs: a height, a number, a short list
        return None
    if not all(map(list.__instancecheck__, positions)):  # a 2-character string or dict
        return None
    flat = list(chain.from_iterable(coords))
    if set(map(type, flat)) != {float}:
        return None
    lons, lats = flat[0::2], flat[1::2]
    if not (
        math.isfinite(sum(flat))  # NaN or infinity anywhere makes the sum so
        and min(lons) >= -180.0
        and max(lons) <= 180.0
        and min(lats) >= -90.0
        and max(lats) <= 90.0
    ):
        return None
    return coords


def _lon_span(coords: tuple[Coord, ...]) -> float:
    lons = [lon for lon, _ in coords]
    return max(lons) - min(lons)


def antimeridian_jump(coords: tuple[Coord, ...] | list[Coord]) -> int | None:
    """Index ``i`` of the first segment ``i -> i+1`` whose longitude jumps by more than 180 deg.

    Such a segment crosses the antimeridian (+-180 deg): its short way runs across the date
    line, but a web map joins the two longitudes the long way round the world. The atlas
    refuses these lines (the region is 117-143 deg E); ``None`` if there is none.
    """
    for index in range(len(coords) - 1):
        if abs(coords[index + 1][0] - coords[index][0]) > 180.0:
            return index
    return None


def antimeridian_problem(coords: tuple[Coord, ...] | list[Coord], index: int) -> str:
    """The one-line explanation for :func:`antimeridian_jump`'s segment ``index``."""
    a, b = coords[index][0], coords[index + 1][0]
    return (
        f"longitude jumps from {a:g} to {b:g} between positions {index} and {index + 1}, so the "
        "line crosses the antimeridian (180 deg), which the maps would draw the long way round "
        "the world; split it into two corridors that meet at a place on the 180 deg meridian"
    )


def check_area(geometry: Any, where: str) -> Area:
    """Validate a Polygon or MultiPolygon geometry into an :data:`Area` (polygons of rings).

    Each ring needs at least four positions, the last equal to the first (GeoJSON's closed
    ring), and may not cross the antimeridian. Whether rings self-intersect is left to
    ``corridors check`` (it needs a geometry library, which loading does not import).
    """
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    raw = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "Polygon":
        raw = [raw]
    elif kind != "MultiPolygon":
        raise AtlasError(f"{where}: an area must be a Polygon or MultiPolygon, got {kind}")
    if not isinstance(raw, list) or not raw:
        raise AtlasError(f"{where}: an area needs at least one polygon")
    polygons = []
    for p, polygon in enumerate(raw):
        if not isinstance(polygon, list) or not polygon:
            raise AtlasError(f"{where}: polygon {p} must be a list of rings (outer ring first)")
        rings = []
        for r, ring in enumerate(polygon):
            at = f"{where} polygon {p} ring {r}"
            if not isinstance(ring, list) or len(ring) < 4:
                raise AtlasError(f"{at}: a ring needs at least four positions (closed)")
            coords = tuple(check_coord(c, f"{at} position {i}") for i, c in enumerate(ring))
            if coords[0] != coords[-1]:
                raise AtlasError(
                    f"{at}: a ring must end where it starts (repeat the first position)"
                )
            if len(set(coords)) < 3:
                raise AtlasError(f"{at}: a ring needs at least three distinct positions")
            jump = antimeridian_jump(coords)
            if jump is not None:
                raise AtlasError(f"{at}: {antimeridian_problem(coords, jump)}")
            rings.append(coords)
        polygons.append(tuple(rings))
    return tuple(polygons)


def _in_ring(ring: Ring, lon: float, lat: float) -> bool:
    """Even-odd rule in plain lon/lat (areas here are small and far from the poles)."""
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def area_contains(area: Area, position: Coord) -> bool:
    """Whether ``position`` (lon, lat) lies inside one of the area's polygons (not in a hole)."""
    lon, lat = position
    return any(
        _in_ring(rings[0], lon, lat) and not any(_in_ring(hole, lon, lat) for hole in rings[1:])
        for rings in area
    )


def parse_places(path: Path, doc: Any, sources: dict[str, Source]) -> dict[str, Place]:
    """Validate ``places.geojson``: unique ids, names and aliases, real points, known sources."""
    places: dict[str, Place] = {}
    labels: dict[str, str] = {}
    folded_labels: dict[str, str] = {}  # every label's look-up key (scripts.fold) -> place id
    for index, feature in enumerate(_features(path, doc)):
        where = partial(_feature_where, path, index, feature)  # formatted only for a message
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise AtlasError(f"{where()}: must be a GeoJSON Feature")
        place = _plain_place(feature.get("properties"), feature.get("geometry"), sources)
        fields: _Field | None = None
        if place is None or place.id in places:
            place, fields = _checked_place(feature, where, places, sources)
        for label in (place.id, place.name, *place.aliases):
            folded = label.casefold()
            owner = labels.get(folded)
            if owner is not None and owner != place.id:
                fields = fields or _Field(where, feature.get("properties"))
                fields.fail("aliases", f"'{label}' already names place '{owner}'")
            labels[folded] = place.id
            folded_labels.setdefault(fold(label), place.id)
        if fields is not None:  # a plain place has no native names
            _check_native_unique(fields, place, folded_labels)
        places[place.id] = place
    return places


def _checked_place(
    feature: dict[str, Any],
    where: Callable[[], str],
    places: dict[str, Place],
    sources: dict[str, Source],
) -> tuple[Place, _Field]:
    """One place feature through every check, the first problem raised with its message."""
    geometry = feature.get("geometry")
    fields = _Field(where, feature.get("properties"))
    kind = fields.choice("kind", PLACE_KINDS)
    area: Area | None = None
    if kind in AREA_KINDS:
        area = check_area(geometry, f"{where()}: field 'geometry'")
        lon, lat = check_coord(fields.props.get("point"), f"{where()}: field 'point'")
        if not area_contains(area, (lon, lat)):
            fields.fail("point", f"[{lon}, {lat}] is not inside the {kind}'s area")
    elif not isinstance(geometry, dict) or geometry.get("type") != "Point":
        raise AtlasError(
            f"{where()}: field 'geometry': a place must be a Point (a Polygon or "
            f"MultiPolygon only for kind {', '.join(AREA_KINDS)})"
        )
    else:
        point = plain_line([geometry.get("coordinates")])
        if point is not None:
            lon, lat = point[0]
        else:
            lon, lat = check_coord(geometry.get("coordinates"), f"{where()}: field 'geometry'")
    place_id = fields.ident("id")
    if place_id in places:
        fields.fail("id", f"duplicate place id '{place_id}'")
    transfer = fields.text_list("transfer", required=False)
    if transfer and area is not None:
        fields.fail("transfer", f"a {kind} is an area, not a place where cargo changes mode")
    for mode in transfer:
        if mode not in FREIGHT_MODES:
            fields.fail("transfer", f"'{mode}' is not a freight mode ({', '.join(FREIGHT_MODES)})")
    place = Place(
        id=place_id,
        name=fields.text("name") or "",
        aliases=fields.text_list("aliases"),
        country=fields.choice("country", COUNTRIES),
        kind=kind,
        lon=lon,
        lat=lat,
        sources=fields.sources(sources),
        transfer=transfer,
        note=fields.text("note", required=False),
        area=area,
        names=parse_native_names(fields.props.get("names"), sources, fields.fail),
    )
    return place, fields


def _plain_place(props: Any, geometry: Any, sources: dict[str, Source]) -> Place | None:
    """The place of a plainly valid feature (a Point, tidy strings, known sources, no area, no
    native names), as :func:`_checked_place` would make it; ``None`` for anything else."""
    if type(props) is not dict or type(geometry) is not dict or geometry.get("type") != "Point":
        return None
    get: Callable[[str], Any] = props.get  # values as parsed: checked below
    ident, name, kind, country = get("id"), get("name"), get("kind"), get("country")
    aliases, ids, transfer, note = get("aliases"), get("sources"), get("transfer"), get("note")
    point = plain_line([geometry.get("coordinates")])
    if not (
        point is not None
        and _tidy(ident)
        and ID_PATTERN.match(ident)
        and _tidy(name)
        and kind in PLACE_KINDS
        and kind not in AREA_KINDS
        and country in COUNTRIES
        and _tidy_list(aliases)
        and _tidy_list(ids)
        and ids
        and all(map(sources.__contains__, ids))
        and (
            transfer is None
            or (_tidy_list(transfer) and all(map(FREIGHT_MODES.__contains__, transfer)))
        )
        and (note is None or _tidy(note))
        and get("names") is None
    ):
        return None
    lon, lat = point[0]
    return Place(
        id=ident,
        name=name,
        aliases=tuple(aliases),
        country=country,
        kind=kind,
        lon=lon,
        lat=lat,
        sources=tuple(ids),
        transfer=tuple(transfer) if transfer else (),
        note=note,
        area=None,
        names=(),
    )


def _check_native_unique(fields: _Field, place: Place, folded: dict[str, str]) -> None:
    """A place's native names and aliases name no other place, as look-up reads them."""
    for entry in place.names:
        for label in (entry.name, *entry.aliases):
            owner = folded.setdefault(fold(label), place.id)
            if owner != place.id:
                fields.fail(f"names.{entry.language}", f"'{label}' already names place '{owner}'")


def parse_corridors(
    path: Path, doc: Any, places: dict[str, Place], sources: dict[str, Source]
) -> list[Corridor]:
    """Validate one corridor file: LineStrings whose stops are known places."""
    file = str(path)
    return [
        parse_corridor_feature(feature, places, sources, file, index)
        for index, feature in enumerate(_features(path, doc))
    ]


def parse_corridor_feature(
    feature: Any,
    places: dict[str, Place],
    sources: dict[str, Source],
    file: str,
    index: int,
) -> Corridor:
    """Validate one corridor Feature (used by the loader and by ``add``)."""

    def where() -> str:  # made only for a message: formatting it per feature cost more than
        return _feature_where(file, index, feature)  # checking the feature

    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise AtlasError(f"{where()}: must be a GeoJSON Feature")
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") != "LineString":
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        raise AtlasError(
            f"{where()}: field 'geometry': a corridor must be a LineString, got {kind}"
        )
    raw_coords = geometry.get("coordinates")
    if not isinstance(raw_coords, list) or len(raw_coords) < 2:
        raise AtlasError(f"{where()}: field 'geometry': a line needs at least two positions")
    coords = plain_line(raw_coords)
    if coords is None:  # not plain: each position checked, the first problem named
        coords = tuple(
            check_coord(c, f"{where()}: field 'geometry' position {i}")
            for i, c in enumerate(raw_coords)
        )
        jump = antimeridian_jump(coords)
    else:
        jump = None if _lon_span(coords) <= 180.0 else antimeridian_jump(coords)
    if len(set(coords)) < 2:
        raise AtlasError(f"{where()}: field 'geometry': all positions are the same point")
    if jump is not None:
        raise AtlasError(f"{where()}: field 'geometry': {antimeridian_problem(coords, jump)}")
    plain = _plain_corridor(feature.get("properties"), coords, places, sources, file)
    if plain is not None:
        return plain
    fields = _Field(where, feature.get("properties"))
    start = fields.ident("from")
    end = fields.ident("to")
    via = fields.text_list("via", required=False)
    for name, place_id in [("from", start), ("to", end), *(("via", v) for v in via)]:
        if place_id not in places:
            fields.fail(name, f"unknown place '{place_id}'; add it to places.geojson first")
    reported = fields.number("reported_length_km", required=False)
    reported_source = fields.text("reported_length_source", required=False)
    if reported is not None:
        if reported_source is None:
            fields.fail("reported_length_source", "required when reported_length_km is set")
        elif reported_source not in sources:
            fields.fail("reported_length_source", f"'{reported_source}' is not in sources.json")
    attributes = fields.props.get("attributes", {})
    if attributes is None:
        attributes = {}
    if not isinstance(attributes, dict):
        fields.fail("attributes", "must be a JSON object")
    status = fields.choice("status", STATUSES)
    status_year = fields.year("status_year")
    history = _parse_history(fields, sources)
    if history:
        last = history[-1]
        if status != last.status:
            fields.fail(
                "status",
                f"'{status}' differs from the last history event ({last.date}: "
                f"'{last.status}'); make them equal",
            )
        if status_year < int(last.date[:4]):
            fields.fail(
                "status_year",
                f"{status_year} is before the last history event ({last.date}); "
                f"use {last.date[:4]} or later",
            )
    return Corridor(
        id=fields.ident("id"),
        name=fields.text("name") or "",
        mode=fields.choice("mode", MODES),
        status=status,
        status_year=status_year,
        start=start,
        end=end,
        via=via,
        coords=coords,
        sources=fields.sources(sources),
        attributes=attributes,
        reported_length_km=reported,
        reported_length_source=reported_source,
        note=fields.text("note", required=False),
        history=history,
        file=file,
        names=parse_native_names(fields.props.get("names"), sources, fields.fail),
    )


def _tidy(value: Any) -> bool:
    """A non-empty string with no space to strip: what :meth:`_Field.text` returns unchanged."""
    return type(value) is str and value != "" and value.strip() == value


def _tidy_list(value: Any) -> bool:
    return type(value) is list and all(map(_tidy, value))


def _plain_corridor(
    props: Any,
    coords: tuple[Coord, ...],
    places: dict[str, Place],
    sources: dict[str, Source],
    file: str,
) -> Corridor | None:
    """The corridor of a plainly valid feature's ``props``, as the full checks would make it,
    or ``None`` for anything else (then the full checks run and name the problem).

    Plain: tidy strings (no spaces to strip), known places and sources, no reported length,
    no history, no native names: a generated or bulk-imported line. One function with no
    message formatting, instead of a method call per field.
    """
    if type(props) is not dict:
        return None
    get: Callable[[str], Any] = props.get  # values as parsed: checked below
    ident, name, mode, status = get("id"), get("name"), get("mode"), get("status")
    start, end, via, ids = get("from"), get("to"), get("via"), get("sources")
    year, note, attributes = get("status_year"), get("note"), props.get("attributes", {})
    if attributes is None:
        attributes = {}
    if not (
        _tidy(ident)
        and _tidy(name)
        and _tidy(start)
        and _tidy(end)
        and ID_PATTERN.match(ident)
        and ID_PATTERN.match(start)
        and ID_PATTERN.match(end)
        and mode in MODES
        and status in STATUSES
        and type(year) is int
        and 1850 <= year <= 2100
        and start in places
        and end in places
        and (via is None or (_tidy_list(via) and all(map(places.__contains__, via))))
        and _tidy_list(ids)
        and ids
        and all(map(sources.__contains__, ids))
        and (note is None or _tidy(note))
        and type(attributes) is dict
        and get("reported_length_km") is None
        and get("reported_length_source") is None
        and get("history") is None
        and get("names") is None
    ):
        return None
    return Corridor(
        id=ident,
        name=name,
        mode=mode,
        status=status,
        status_year=year,
        start=start,
        end=end,
        via=tuple(via) if via else (),
        coords=coords,
        sources=tuple(ids),
        attributes=attributes,
        reported_length_km=None,
        reported_length_source=None,
        note=note,
        history=(),
        file=file,
        names=(),
    )


HISTORY_KEYS = ("date", "status", "sources", "built", "note")


def _parse_history(fields: _Field, sources: dict[str, Source]) -> tuple[StatusEvent, ...]:
    """A corridor's optional ``history``: dated events, strictly increasing, known statuses and
    sources, ``built`` only with ``closed`` (schema: ``geo/README.md``)."""
    raw = fields.props.get("history")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        fields.fail("history", "must be a non-empty list of events (or left out)")
    events: list[StatusEvent] = []
    previous: tuple[_dt.date, str] | None = None
    for number, item in enumerate(raw):
        name = f"history[{number}]"
        if not isinstance(item, dict):
            fields.fail(name, f"must be an object with {', '.join(HISTORY_KEYS[:3])}")
        unknown = sorted(set(item) - set(HISTORY_KEYS))
        if unknown:
            fields.fail(
                f"{name}.{unknown[0]}", f"unknown key; an event has {', '.join(HISTORY_KEYS)}"
            )
        date = _history_date(fields, f"{name}.date", item.get("date"))
        status = item.get("status")
        if status not in STATUSES:
            fields.fail(f"{name}.status", f"{status!r} is not one of: {', '.join(STATUSES)}")
        ids = item.get("sources")
        if (
            not isinstance(ids, list)
            or not ids
            or not all(isinstance(v, str) and v.strip() for v in ids)
        ):
            fields.fail(f"{name}.sources", f"must be a non-empty list of source ids, got {ids!r}")
        for source_id in ids:
            if source_id.strip() not in sources:
                fields.fail(
                    f"{name}.sources", f"'{source_id}' is not in sources.json; add it there first"
                )
        built = item.get("built")
        if built is not None:
            if not isinstance(built, bool):
                fields.fail(f"{name}.built", f"must be true or false, got {built!r}")
            if status != "closed":
                fields.fail(
                    f"{name}.built",
                    f"only a 'closed' event may say whether the line is built (this one is "
                    f"'{status}'); remove it",
                )
        note = item.get("note")
        if note is not None and (not isinstance(note, str) or not note.strip()):
            fields.fail(f"{name}.note", f"must be a non-empty string, got {note!r}")
        day = date_span(date)[0]  # type: ignore[index]
        if previous is not None and day <= previous[0]:
            fields.fail(
                f"{name}.date",
                f"{date} is not after the previous event ({previous[1]}); events must be in "
                "strictly increasing date order",
            )
        previous = (day, date)
        events.append(
            StatusEvent(
                date=date,
                status=status,
                sources=tuple(v.strip() for v in ids),
                built=built,
                note=note.strip() if note is not None else None,
            )
        )
    return tuple(events)


def _history_date(fields: _Field, name: str, value: Any) -> str:
    if not isinstance(value, str) or date_span(value.strip()) is None:
        fields.fail(
            name, f"{value!r} is not a real date: use YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2013-09-22)"
        )
    return value.strip()


def parse_shipments(
    path: Path, doc: Any, places: dict[str, Place], sources: dict[str, Source]
) -> dict[str, Shipment]:
    """Validate ``shipments.json``."""
    if not isinstance(doc, dict) or not isinstance(doc.get("shipments"), list):
        raise AtlasError(f"{path}: must be a JSON object with a 'shipments' list")
    shipments: dict[str, Shipment] = {}
    for index, item in enumerate(doc["shipments"]):
        where = _feature_where(path, index, {"properties": item}).replace("feature", "shipment")
        fields = _Field(where, item)
        shipment_id = fields.ident("id")
        if shipment_id in shipments:
            fields.fail("id", f"duplicate shipment id '{shipment_id}'")
        raw_legs = fields.props.get("legs")
        if not isinstance(raw_legs, list) or not raw_legs:
            fields.fail("legs", "must be a non-empty list")
        legs = tuple(
            _parse_leg(f"{where}: leg {i}", leg, places, sources) for i, leg in enumerate(raw_legs)
        )
        reported = fields.number("reported_tonnes", required=False)
        reported_source = fields.text("reported_tonnes_source", required=False)
        if reported is not None and reported_source is None:
            fields.fail("reported_tonnes_source", "required when reported_tonnes is set")
        if reported_source is not None and reported_source not in sources:
            fields.fail("reported_tonnes_source", f"'{reported_source}' is not in sources.json")
        shipments[shipment_id] = Shipment(
            id=shipment_id,
            name=fields.text("name") or "",
            cargo=fields.text("cargo") or "",
            tonnes=fields.number("tonnes") or 0.0,
            legs=legs,
            sources=fields.sources(sources),
            consignee=fields.text("consignee", required=False),
            note=fields.text("note", required=False),
            reported_tonnes=reported,
            reported_tonnes_source=reported_source,
        )
    return shipments


def _parse_leg(where: str, item: Any, places: dict[str, Place], sources: dict[str, Source]) -> Leg:
    fields = _Field(where, item)
    start = fields.ident("from")
    end = fields.ident("to")
    for name, place_id in (("from", start), ("to", end)):
        if place_id not in places:
            fields.fail(name, f"unknown place '{place_id}'")
    start_date = fields.date("start") or ""
    end_date = fields.date("end") or ""
    start_span, end_span = date_span(start_date), date_span(end_date)
    assert start_span is not None and end_span is not None
    if end_span[1] < start_span[0]:  # a month may end on any of its days
        fields.fail("end", f"{end_date} is before start {start_date}")
    return Leg(
        start=start,
        end=end,
        mode=fields.choice("mode", FREIGHT_MODES),
        start_date=start_date,
        end_date=end_date,
        tonnes=fields.number("tonnes") or 0.0,
        ship=fields.text("ship", required=False),
        consignee=fields.text("consignee", required=False),
        note=fields.text("note", required=False),
        sources=fields.sources(sources, required=False),
    )


def parse_programmes(
    path: Path, doc: Any, corridors: dict[str, Corridor], sources: dict[str, Source]
) -> dict[str, Programme]:
    """Validate ``programmes.json``: named programmes, their figures and member corridors."""
    if not isinstance(doc, dict) or not isinstance(doc.get("programmes"), list):
        raise AtlasError(f"{path}: must be a JSON object with a 'programmes' list")
    programmes: dict[str, Programme] = {}
    names: dict[str, str] = {}
    for index, item in enumerate(doc["programmes"]):
        where = _feature_where(path, index, {"properties": item}).replace("feature", "programme")
        fields = _Field(where, item)
        programme_id = fields.ident("id")
        if programme_id in programmes:
            fields.fail("id", f"duplicate programme id '{programme_id}'")
        name = fields.text("name") or ""
        if name.casefold() in names:
            fields.fail(
                "name", f"'{name}' is already the name of programme '{names[name.casefold()]}'"
            )
        names[name.casefold()] = programme_id
        members = fields.text_list("members")
        for member in members:
            if member not in corridors:
                fields.fail(
                    "members",
                    f"unknown corridor '{member}'; add it to corridors/ first, or leave "
                    "'members' empty when no route list was published",
                )
        if len(set(members)) != len(members):
            fields.fail("members", "names a corridor twice")
        raw_figures = fields.props.get("figures", {})
        if not isinstance(raw_figures, dict):
            fields.fail("figures", "must be a JSON object of name -> number (e.g. length_km)")
        figures = {}
        for key, value in raw_figures.items():
            if not ID_PATTERN.match(key):
                fields.fail(
                    "figures", f"'{key}' is not a figure name: use e.g. length_km, cost_usd"
                )
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                fields.fail(f"figures.{key}", f"must be a number, got {value!r}")
            if not math.isfinite(value) or value <= 0:
                fields.fail(f"figures.{key}", "must be a finite positive number")
            figures[key] = float(value)
        programmes[programme_id] = Programme(
            id=programme_id,
            name=name,
            sources=fields.sources(sources),
            members=members,
            figures=figures,
            announced=fields.date("announced", required=False, year_only=True),
            note=fields.text("note", required=False),
        )
    return programmes
