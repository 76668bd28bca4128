"""User input to corridor lines: read GeoJSON, CSV, WKT or coordinate text, then check the line.

Reading (:func:`read_corridor_input`, :func:`parse_corridor_input`,
:func:`features_from_json`, :func:`parse_coordinate_text`) only turns input into GeoJSON
Feature dicts; :func:`line_coords` then checks a geometry is a usable corridor line
(finite, in range, longitude first, at least two distinct points, not crossing itself), once
the atlas is known, so a (lat, lon) swap can be told by the atlas's region.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from os import PathLike
from pathlib import Path
from typing import Any, BinaryIO

from corridors.atlas.model import Atlas, Coord, as_position, position_problem
from corridors.atlas.read import antimeridian_jump, antimeridian_problem, parse_json_bytes
from corridors.atlas.safe_input import (
    MAX_INPUT_BYTES,
    check_document,
    read_file_limited,
    read_stream_limited,
)
from corridors.edit.types import pair, short
from corridors.errors import AtlasError, EditError
from corridors.geo.geodesy import dedupe_line

_WKT = re.compile(r"^\s*([A-Za-z]+)\s*(?:ZM|Z|M)?\s*(\(.*\)|EMPTY)\s*$", re.DOTALL)
_REGION_PAD_DEG = 2.0


def read_corridor_input(path: str | PathLike[str]) -> list[dict[str, Any]]:
    """Read a GeoJSON (Feature, FeatureCollection or LineString), CSV or WKT file of a line.

    Returns GeoJSON Feature dicts; geometry is checked later, when the atlas is known.
    """
    path = Path(path)
    try:
        data = read_file_limited(path, max_bytes=MAX_INPUT_BYTES, allow_pipe=True)  # or a pipe
    except AtlasError as exc:
        raise EditError(f"{exc}; give a GeoJSON, CSV or WKT file") from None
    return parse_corridor_input(data, label=str(path), suffix=path.suffix.lower())


def read_input_stream(stream: BinaryIO, *, label: str = "stdin") -> bytes:
    """Read ``add -`` input from a stream, refusing more than :data:`MAX_INPUT_BYTES`."""
    try:
        return read_stream_limited(stream, label=label, max_bytes=MAX_INPUT_BYTES)
    except AtlasError as exc:
        raise EditError(str(exc)) from None


def parse_corridor_input(data: bytes, *, label: str = "input", suffix: str = "") -> list[dict]:
    """Parse GeoJSON / CSV / WKT bytes into Feature dicts (format from suffix, else sniffed)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EditError(f"{label}: not UTF-8 text; save it as UTF-8") from None
    stripped = text.strip()
    if not stripped:
        raise EditError(f"{label}: the file is empty; give a GeoJSON LineString, CSV or WKT")
    if suffix in (".json", ".geojson") or stripped[0] in "{[":
        try:
            doc = parse_json_bytes(label, data)
        except AtlasError as exc:
            raise EditError(
                f"{exc}; fix the JSON: it must be a GeoJSON Feature or FeatureCollection of "
                "LineStrings"
            ) from None
        return features_from_json(doc, label=label)
    if suffix == ".wkt" or _WKT.match(stripped):
        return [line_feature(_parse_wkt(stripped, label))]
    return [line_feature(parse_coordinate_text(stripped, label=label))]


def features_from_json(doc: Any, *, label: str = "input") -> list[dict[str, Any]]:
    """Feature dicts from a parsed GeoJSON Feature, FeatureCollection, geometry or position list.

    The whole input is first held to the atlas's own rules for text, numbers and nesting
    (:func:`corridors.atlas.safe_input.check_document`), so nothing ``add`` accepts can make the
    atlas unreadable.
    """
    try:
        check_document(label, doc)
    except AtlasError as exc:
        raise EditError(str(exc)) from None
    if isinstance(doc, list):
        return [line_feature(doc)]
    if not isinstance(doc, dict):
        raise EditError(
            f"{label}: expected a GeoJSON Feature, FeatureCollection or LineString, "
            f"got {type(doc).__name__}"
        )
    kind = doc.get("type")
    if kind == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list) or not features:
            raise EditError(f"{label}: the FeatureCollection has no features; add a LineString")
        for index, feature in enumerate(features):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise EditError(f"{label}: feature {index} is not a GeoJSON Feature")
        return list(features)
    if kind == "Feature":
        return [doc]
    if kind in ("LineString", "MultiLineString", "Point", "MultiPoint", "Polygon"):
        return [{"type": "Feature", "geometry": doc, "properties": {}}]
    raise EditError(
        f"{label}: expected a GeoJSON Feature, FeatureCollection or LineString, got type {kind!r}"
    )


def line_feature(coords: Any) -> dict[str, Any]:
    """A bare LineString Feature (no properties yet) around ``coords``."""
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {},
    }


def _number(token: str, label: str, where: str) -> float:
    try:
        return float(token)
    except ValueError:
        raise EditError(
            f"{label}: {where}: '{token[:40]}' is not a number; write decimal degrees"
        ) from None


def parse_coordinate_text(text: str, *, label: str = "coordinates") -> list[list[float]]:
    """Positions from CSV rows (``lon,lat``; a header may name ``lat``/``lon`` columns in any
    order) or from ``lon,lat;lon,lat`` on one line."""
    rows = [r for r in text.replace(";", "\n").splitlines() if r.strip() and not r.startswith("#")]
    table = list(csv.reader(io.StringIO("\n".join(rows))))
    if not table:
        raise EditError(f"{label}: no coordinates; write one 'longitude,latitude' pair a line")
    lon_col, lat_col = 0, 1
    header = [cell.strip().casefold() for cell in table[0]]
    if header and not _looks_numeric(header[0]):
        lon_names = ("lon", "lng", "long", "longitude", "x")
        lat_names = ("lat", "latitude", "y")
        lon_cols = [i for i, h in enumerate(header) if h in lon_names]
        lat_cols = [i for i, h in enumerate(header) if h in lat_names]
        if not lon_cols or not lat_cols:
            raise EditError(
                f"{label}: header {','.join(table[0])[:60]!r} has no lon and lat columns; "
                "name them 'lon,lat' (or leave the header out and write lon,lat)"
            )
        lon_col, lat_col = lon_cols[0], lat_cols[0]
        table = table[1:]
    coords = []
    for number, row in enumerate(table, start=1):
        if len(row) <= max(lon_col, lat_col):
            raise EditError(
                f"{label}: row {number} has {len(row)} value(s); write 'longitude,latitude'"
            )
        coords.append(
            [
                _number(row[lon_col].strip(), label, f"row {number}"),
                _number(row[lat_col].strip(), label, f"row {number}"),
            ]
        )
    return coords


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_wkt(text: str, label: str) -> list[list[float]]:
    """The positions of a WKT ``LINESTRING`` (2D, Z, M or ZM: the first two ordinates), read by
    ``shapely.from_wkt`` (GEOS); any other WKT is a one-line :class:`EditError`."""
    import warnings

    import shapely

    malformed = "malformed WKT{reason}; write LINESTRING (lon lat, lon lat, ...)"
    if _WKT.match(text) is None or "\x00" in text:  # GEOS would stop reading at a NUL
        raise EditError(f"{label}: {malformed.format(reason='')}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NaN and 1e400: checked later
            geometry = shapely.from_wkt(text, on_invalid="raise")
    except shapely.errors.GEOSException as exc:
        reason = " ".join(str(exc).split())[:80]
        if "must contain 0 or >1 elements" in reason:
            raise EditError(
                f"{label}: a line needs at least two points, got 1; give its two ends (and any "
                "points between)"
            ) from None
        raise EditError(f"{label}: {malformed.format(reason=f' ({reason})')}") from None
    kind = geometry.geom_type.upper()
    if kind != "LINESTRING":
        raise EditError(f"{label}: not a line: got a WKT {kind}; give a LINESTRING")
    if geometry.is_empty:
        raise EditError(f"{label}: the LINESTRING is empty; a line needs at least two points")
    return [[float(x), float(y)] for x, y in shapely.get_coordinates(geometry).tolist()]


def _atlas_bbox(atlas: Atlas) -> tuple[float, float, float, float] | None:
    if not atlas.places:
        return None
    lons = [p.lon for p in atlas.places.values()]
    lats = [p.lat for p in atlas.places.values()]
    pad = _REGION_PAD_DEG
    return (min(lons) - pad, min(lats) - pad, max(lons) + pad, max(lats) + pad)


def _in_bbox(coords: Sequence[Coord], bbox: tuple[float, float, float, float]) -> bool:
    return all(bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3] for x, y in coords)


def _valid(lon: float, lat: float) -> bool:
    return position_problem(lon, lat) is None


def line_coords(
    geometry: Any, *, label: str, atlas: Atlas | None = None, simple: bool = True
) -> list[Coord]:
    """Check a GeoJSON geometry is a usable corridor line; return its (lon, lat) positions.

    Rejects: not a LineString, fewer than two distinct points, non-numeric, NaN or infinite
    values, longitude/latitude out of range, positions given as (lat, lon) (detected when the
    swapped reading is valid and lies in the atlas's region while the given one does not),
    and lines that cross themselves.
    """
    if not isinstance(geometry, dict):
        raise EditError(f"{label}: not a line: the feature has no geometry; give a LineString")
    kind = geometry.get("type")
    if kind != "LineString":
        hint = (
            "; split it into one LineString Feature per line" if kind == "MultiLineString" else ""
        )
        raise EditError(
            f"{label}: not a line: geometry type is {str(kind)[:40]!r}, a corridor must be a "
            f"LineString{hint}"
        )
    raw = geometry.get("coordinates")
    if not isinstance(raw, list):
        raise EditError(
            f"{label}: the LineString's 'coordinates' must be a list of [longitude, latitude]"
        )
    coords: list[Coord] = []
    for index, position in enumerate(raw):
        parsed = as_position(position)
        if parsed is None:
            raise EditError(
                f"{label}: position {index} is {short(position)}; write each position as "
                "[longitude, latitude] in decimal degrees"
            )
        if position_problem(*parsed) == "not finite":
            raise EditError(
                f"{label}: position {index} {short(position)} is not a finite number (NaN or "
                "infinite); give real decimal degrees"
            )
        coords.append(parsed)
    if len(coords) < 2:
        raise EditError(
            f"{label}: a line needs at least two points, got {len(coords)}; give its two ends "
            "(and any points between)"
        )
    bad = next((i for i, (x, y) in enumerate(coords) if not _valid(x, y)), None)
    swapped = [(y, x) for x, y in coords]
    bbox = _atlas_bbox(atlas) if atlas is not None else None
    if bad is not None:
        if all(_valid(x, y) for x, y in swapped):
            raise EditError(
                f"{label}: positions look like (latitude, longitude): position {bad} "
                f"{pair(coords[bad])} is out of range as [longitude, latitude] but valid "
                "swapped; put longitude first (GeoJSON order) and try again"
            )
        problem = position_problem(*coords[bad])
        raise EditError(
            f"{label}: position {bad}: {problem}; give [longitude, latitude] in decimal degrees"
        )
    if (
        bbox is not None
        and not _in_bbox(coords, bbox)
        and all(_valid(x, y) for x, y in swapped)
        and _in_bbox(swapped, bbox)
    ):
        raise EditError(
            f"{label}: positions look like (latitude, longitude): read longitude first the line "
            f"lies outside the atlas's region, read swapped it lies inside; put longitude first "
            "(GeoJSON order) and try again"
        )
    coords = dedupe_line(coords)
    if len(set(coords)) < 2:
        raise EditError(f"{label}: all positions are the same point; a line needs two ends")
    jump = antimeridian_jump(coords)
    if jump is not None:
        raise EditError(f"{label}: {antimeridian_problem(coords, jump)}")
    if simple:
        check_simple(coords, label)
    return coords


def check_simple(coords: Sequence[Coord], label: str) -> None:
    """Reject a line that crosses itself (shapely, imported only when a line is checked)."""
    from shapely.geometry import LineString

    if not LineString(coords).is_simple:
        raise EditError(
            f"{label}: the line crosses itself; redraw it without loops or doubling back"
        )
