"""Add and remove corridors: validated against the whole atlas, written atomically, under a lock.

The command line (``corridors add``, ``add-sea-lane``, ``remove``) is a thin layer over
:func:`add_corridors`, :func:`add_via`, :func:`add_sea_lane` and :func:`remove_corridor`.

Every change runs the same way:

1. take the atlas's writer lock (``.corridors.lock`` in the atlas folder; skipped by
   ``dry_run``) and read the atlas files as they are now;
2. check the input (a line, two or more finite points, longitude first, not crossing itself,
   ends snapped to places, no duplicate id or name, known mode and status, rail/power/
   pipeline not over open sea and sea lanes not over land, by the same rules as
   ``corridors check``);
3. validate the WHOLE would-be atlas in memory with :func:`corridors.atlas.build_atlas`;
4. write: every changed file goes to a temp file in its own folder and is fsynced, then the
   temp files replace the originals one by one (:mod:`corridors.atomicio`).

Multi-file order. An add may touch ``sources.json`` (a new source), ``places.geojson`` (a new
junction) and ``corridors/<mode>.geojson``. Files are replaced in that order, so each state a
crash can leave is a valid atlas: a new source nobody cites yet, then a new place nobody uses
yet, then the corridor that cites both. A removal touches only its corridor file (orphaned
places and sources stay, and stay valid). Other features keep their exact bytes: the new
feature is spliced into the file's text, and the result is checked to parse to the intended
document (if it does not, the file is re-serialised instead).

Every failure is a :class:`~corridors.errors.CorridorsError` with a one-line message saying
what is wrong and how to fix it; on any failure no atlas file has changed.
"""

from __future__ import annotations

import csv
import datetime as _dt
import difflib
import functools
import io
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any, TypeVar

from corridors.atlas import (
    CORRIDORS_DIR,
    COUNTRIES,
    ID_PATTERN,
    MODES,
    PLACES_FILE,
    SHIPMENTS_FILE,
    SOURCE_ID_PATTERN,
    SOURCES_FILE,
    STATUSES,
    Atlas,
    Place,
    atlas_root,
    build_atlas,
    parse_json_bytes,
    read_atlas_bytes,
)
from corridors.errors import AtlasError, CorridorsError, UsageError

DEFAULT_SNAP_M = 2000.0
MODE_WORDS = {"rail": "railway", "sea": "sea lane", "power": "power line", "pipeline": "pipeline"}
CORRIDOR_FIELDS = (
    "id",
    "name",
    "mode",
    "status",
    "status_year",
    "from",
    "to",
    "via",
    "attributes",
    "reported_length_km",
    "reported_length_source",
    "note",
    "sources",
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_WKT = re.compile(r"^\s*([A-Za-z]+)\s*(?:ZM|Z|M)?\s*(\(.*\)|EMPTY)\s*$", re.DOTALL)
_REGION_PAD_DEG = 2.0

Coord = tuple[float, float]
F = TypeVar("F", bound=Callable[..., Any])


class EditError(CorridorsError):
    """The corridor to add (or remove) is not acceptable; the message says how to fix it."""


def _one_line(func: F) -> F:
    """Guarantee the API's promise: only CorridorsError escapes, and its message is one line."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CorridorsError as exc:
            text = str(exc)
            if "\n" in text or "\r" in text:
                flat = type(exc).__new__(type(exc))
                flat.args = (" ".join(text.split()),)
                raise flat from None
            raise

    return wrapper  # type: ignore[return-value]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Snap:
    """Where one end of a new corridor was attached: which place, how far it was moved."""

    corridor: str
    end: str  # "start" or "end"
    place: str
    distance_m: float
    created: bool = False


@dataclass
class EditResult:
    """What an add or remove changed (or, with ``dry_run``, would change)."""

    action: str  # "add" or "remove"
    dry_run: bool
    corridors: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    snaps: list[Snap] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    ignored_properties: list[str] = field(default_factory=list)

    @property
    def corridor_ids(self) -> list[str]:
        return [c["properties"]["id"] for c in self.corridors]

    def lines(self) -> list[str]:
        """Human-readable report, one fact a line."""
        from corridors.geodesy import line_length_m

        if self.dry_run:
            verb = f"would {self.action}"
        else:
            verb = "added" if self.action == "add" else "removed"
        out: list[str] = []
        for source in self.sources:
            out.append(f"{verb} source '{source['id']}' ({source['title']}) in {SOURCES_FILE}")
        for place in self.places:
            props = place["properties"]
            lon, lat = place["geometry"]["coordinates"]
            out.append(
                f"{verb} place '{props['id']}' ({props['name']}, {props['kind']}, "
                f"{props['country']}) at {lon:.5f}, {lat:.5f} in {PLACES_FILE}"
            )
        for feature in self.corridors:
            props = feature["properties"]
            km = line_length_m([tuple(c) for c in feature["geometry"]["coordinates"]]) / 1000
            out.append(
                f"{verb} corridor '{props['id']}' ({props['name']}; {props['mode']}, "
                f"{props['status']}) {props['from']} -> {props['to']}, {km:,.1f} km, in "
                f"{CORRIDORS_DIR}/{props['mode']}.geojson"
            )
            for snap in self.snaps:
                if snap.corridor == props["id"]:
                    how = "new place" if snap.created else f"snapped {snap.distance_m:,.0f} m"
                    out.append(f"  {snap.end}: {snap.place} ({how})")
        if self.ignored_properties:
            out.append(
                f"ignored properties not in the schema: {', '.join(self.ignored_properties)}"
            )
        if self.dry_run:
            out.append("dry run: no file was changed")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "dry_run": self.dry_run,
            "corridors": [c["properties"]["id"] for c in self.corridors],
            "places": [p["properties"]["id"] for p in self.places],
            "sources": [s["id"] for s in self.sources],
            "snaps": [
                {
                    "corridor": s.corridor,
                    "end": s.end,
                    "place": s.place,
                    "distance_m": round(s.distance_m, 1),
                    "created": s.created,
                }
                for s in self.snaps
            ],
            "files": self.files,
        }


# --------------------------------------------------------------------------- reading input


def read_corridor_input(path: str | PathLike[str]) -> list[dict[str, Any]]:
    """Read a GeoJSON (Feature, FeatureCollection or LineString), CSV or WKT file of a line.

    Returns GeoJSON Feature dicts; geometry is checked later, when the atlas is known.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EditError(
            f"cannot read {path}: {exc.strerror or exc}; give a GeoJSON, CSV or WKT file"
        ) from None
    return parse_corridor_input(data, label=str(path), suffix=path.suffix.lower())


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
        return [_line_feature(_parse_wkt(stripped, label))]
    return [_line_feature(parse_coordinate_text(stripped, label=label))]


def features_from_json(doc: Any, *, label: str = "input") -> list[dict[str, Any]]:
    """Feature dicts from a parsed GeoJSON Feature, FeatureCollection, geometry or position list."""
    if isinstance(doc, list):
        return [_line_feature(doc)]
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


def _line_feature(coords: Any) -> dict[str, Any]:
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
    match = _WKT.match(text)
    if match is None:
        raise EditError(f"{label}: malformed WKT; write LINESTRING (lon lat, lon lat, ...)")
    kind, body = match.group(1).upper(), match.group(2)
    if kind != "LINESTRING":
        raise EditError(f"{label}: not a line: got a WKT {kind}; give a LINESTRING")
    if body.upper() == "EMPTY":
        raise EditError(f"{label}: the LINESTRING is empty; a line needs at least two points")
    inner = body[1:-1]
    if "(" in inner or ")" in inner:
        raise EditError(f"{label}: malformed WKT; write LINESTRING (lon lat, lon lat, ...)")
    coords = []
    for number, item in enumerate(inner.split(","), start=1):
        parts = item.split()
        if len(parts) not in (2, 3, 4):
            raise EditError(
                f"{label}: WKT point {number} '{item.strip()[:40]}' must be 'longitude latitude'"
            )
        coords.append([_number(p, label, f"WKT point {number}") for p in parts[:2]])
    return coords


# --------------------------------------------------------------------------- geometry checks


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
    return -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0


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
        if (
            not isinstance(position, (list, tuple))
            or len(position) not in (2, 3)
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position)
        ):
            raise EditError(
                f"{label}: position {index} is {_short(position)}; write each position as "
                "[longitude, latitude] in decimal degrees"
            )
        try:
            lon, lat = float(position[0]), float(position[1])
        except OverflowError:
            lon, lat = math.inf, math.inf
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise EditError(
                f"{label}: position {index} {_short(position)} is not a finite number (NaN or "
                "infinite); give real decimal degrees"
            )
        coords.append((lon, lat))
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
                f"{_pair(coords[bad])} is out of range as [longitude, latitude] but valid "
                "swapped; put longitude first (GeoJSON order) and try again"
            )
        lon, lat = coords[bad]
        problem = (
            f"longitude {lon:g} is outside -180..180"
            if not -180 <= lon <= 180
            else f"latitude {lat:g} is outside -90..90"
        )
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
    coords = _dedupe(coords)
    if len(coords) < 2:
        raise EditError(f"{label}: all positions are the same point; a line needs two ends")
    if simple:
        _check_simple(coords, label)
    return coords


def _check_simple(coords: Sequence[Coord], label: str) -> None:
    from shapely.geometry import LineString

    if not LineString(coords).is_simple:
        raise EditError(
            f"{label}: the line crosses itself; redraw it without loops or doubling back"
        )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _pair(coord: Coord) -> str:
    return f"[{coord[0]:g}, {coord[1]:g}]"


def _dedupe(coords: Sequence[Coord]) -> list[Coord]:
    out = [coords[0]]
    for coord in coords[1:]:
        if coord != out[-1]:
            out.append(coord)
    return out


# --------------------------------------------------------------------------- atlas state


@dataclass
class _State:
    """The atlas as read under the lock: raw bytes, parsed documents, validated atlas."""

    root: Path
    contents: dict[Path, bytes]
    docs: dict[Path, Any]
    atlas: Atlas

    @classmethod
    def read(cls, root: Path) -> _State:
        contents, fingerprint = read_atlas_bytes(root)
        docs = {path: parse_json_bytes(path, data) for path, data in contents.items()}
        return cls(root, contents, docs, build_atlas(root, docs, fingerprint=fingerprint))


@dataclass
class _FileEdit:
    """Append items to (or remove one item from) the list ``key`` of one atlas file."""

    path: Path
    key: str
    append: list[dict[str, Any]] = field(default_factory=list)
    remove_index: int | None = None


def _new_doc(state: _State, edit: _FileEdit) -> Any:
    old = state.docs.get(edit.path)
    if old is None:
        doc: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    else:
        doc = dict(old)
        doc[edit.key] = list(old[edit.key])
    if edit.remove_index is not None:
        del doc[edit.key][edit.remove_index]
    doc[edit.key].extend(edit.append)
    return doc


def _ordered_raw(root: Path, docs: dict[Path, Any]) -> dict[Path, Any]:
    """Documents in the loader's order: sources, places, corridor files by name, shipments."""
    corridor_dir = root / CORRIDORS_DIR
    order = [root / SOURCES_FILE, root / PLACES_FILE]
    order += sorted(p for p in docs if p.parent == corridor_dir)
    order += [root / SHIPMENTS_FILE]
    return {p: docs[p] for p in order if p in docs}


def _validate_and_write(state: _State, edits: list[_FileEdit], *, dry_run: bool) -> list[str]:
    """Validate the whole would-be atlas, then (unless dry run) write the edits in order."""
    from corridors.atomicio import write_files_atomically

    docs = dict(state.docs)
    new_docs = {edit.path: _new_doc(state, edit) for edit in edits}
    docs.update(new_docs)
    try:
        build_atlas(state.root, _ordered_raw(state.root, docs))
    except AtlasError as exc:
        raise EditError(f"the atlas would not be valid after this change: {exc}") from None
    changes = [
        (edit.path, _serialise(state.contents.get(edit.path), new_docs[edit.path], edit))
        for edit in edits
    ]
    if not dry_run:
        write_files_atomically(changes)
    return [str(edit.path.relative_to(state.root)) for edit in edits]


# --------------------------------------------------------------------------- serialising


def _serialise(old: bytes | None, doc: Any, edit: _FileEdit) -> bytes:
    """New file bytes: the old text with the edit spliced in, so other items keep their bytes."""
    if old is not None:
        bom = old.startswith(b"\xef\xbb\xbf")
        text = old.decode("utf-8-sig")
        spliced = _splice(text, edit)
        if spliced is not None:
            try:
                ok = json.loads(spliced) == doc
            except ValueError:
                ok = False
            if ok:
                return (b"\xef\xbb\xbf" if bom else b"") + spliced.encode("utf-8")
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _list_spans(text: str, key: str) -> tuple[int, int, list[tuple[int, int]]] | None:
    """Positions of the top-level list ``key``: its '[' and ']' and each item's span."""
    decoder = json.JSONDecoder()
    try:
        i = _skip_ws(text, 0)
        if text[i] != "{":
            return None
        i = _skip_ws(text, i + 1)
        while text[i] != "}":
            if text[i] != '"':
                return None
            name, i = json.decoder.scanstring(text, i + 1)
            i = _skip_ws(text, i)
            if text[i] != ":":
                return None
            i = _skip_ws(text, i + 1)
            if name == key:
                if text[i] != "[":
                    return None
                opening = i
                spans: list[tuple[int, int]] = []
                j = _skip_ws(text, i + 1)
                while text[j] != "]":
                    _, end = decoder.raw_decode(text, j)
                    spans.append((j, end))
                    j = _skip_ws(text, end)
                    if text[j] == ",":
                        j = _skip_ws(text, j + 1)
                    elif text[j] != "]":
                        return None
                return opening, j, spans
            _, i = decoder.raw_decode(text, i)
            i = _skip_ws(text, i)
            if text[i] == ",":
                i = _skip_ws(text, i + 1)
    except (ValueError, IndexError):
        return None
    return None


def _splice(text: str, edit: _FileEdit) -> str | None:
    found = _list_spans(text, edit.key)
    if found is None:
        return None
    opening, closing, spans = found
    if edit.remove_index is not None:
        k = edit.remove_index
        if len(spans) == 1:
            text = text[: opening + 1] + text[closing:]
        elif k == 0:
            text = text[: spans[0][0]] + text[spans[1][0] :]
        else:
            text = text[: spans[k - 1][1]] + text[spans[k][1] :]
        if not edit.append:
            return text
        found = _list_spans(text, edit.key)
        if found is None:
            return None
        opening, closing, spans = found
    if not edit.append:
        return text
    if not spans:
        return None  # an empty list: re-serialise the whole (small) file
    start, end = spans[-1]
    line_start = text.rfind("\n", 0, start) + 1
    prefix = text[line_start:start] if not text[line_start:start].strip() else ""
    item_text = text[start:end]
    indent: int | None = None
    if "\n" in item_text:
        second = item_text.split("\n", 1)[1]
        indent = max(1, len(second) - len(second.lstrip(" ")) - len(prefix))
    separator = text[spans[-2][1] : spans[-1][0]] if len(spans) > 1 else ",\n" + prefix
    if "," not in separator:
        return None
    ascii_only = "\\u" in text and all(ord(c) < 128 for c in text)
    pieces = []
    for item in edit.append:
        dumped = json.dumps(item, indent=indent, ensure_ascii=ascii_only)
        if indent is not None:
            dumped = dumped.replace("\n", "\n" + prefix)
        pieces.append(separator + dumped)
    return text[:end] + "".join(pieces) + text[end:]


# --------------------------------------------------------------------------- naming helpers


def slugify(text: str, *, max_len: int = 60) -> str:
    """An atlas id from free text: lowercase ASCII letters and digits joined by '_'."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")
    return slug[:max_len].strip("_")


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def _check_text(value: Any, what: str, option: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise EditError(f"{what} must be a non-empty string, got {_short(value)}; fix {option}")
    if _CONTROL.search(value):
        raise EditError(f"{what} {_short(value)} contains control characters; use one line of text")
    return value.strip()


def _resolve_source(atlas: Atlas, text: str) -> tuple[str, dict[str, Any] | None]:
    """An existing source id (by id or URL), or a new source entry derived from the text."""
    text = _check_text(text, "--source", "--source")
    if text in atlas.sources:
        return text, None
    for source in atlas.sources.values():
        if source.url and source.url == text:
            return source.id, None
    is_url = bool(_URL.match(text))
    if not is_url and SOURCE_ID_PATTERN.match(text):
        close = difflib.get_close_matches(text, list(atlas.sources), n=1, cutoff=0.85)
        if close:
            raise EditError(
                f"--source '{text}' is not a source id; did you mean '{close[0]}'? (give a URL "
                "or a title instead to add a new source)"
            )
    base = text
    if is_url:
        base = re.sub(r"^[a-z][a-z0-9+.-]*://(www\.)?", "", text, flags=re.IGNORECASE)
    source_id = re.sub(r"[^a-z0-9.]+", "-", base.casefold()).strip("-.")[:60].strip("-.")
    source_id = source_id or "source"
    if not SOURCE_ID_PATTERN.match(source_id):
        source_id = "src-" + source_id
    n, candidate = 2, source_id
    while candidate in atlas.sources:
        candidate = f"{source_id}-{n}"
        n += 1
    entry: dict[str, Any] = {"id": candidate, "title": text}
    if is_url:
        entry["url"] = text
    entry["note"] = "added by 'corridors add'; complete the title, publisher and date"
    return candidate, entry


# --------------------------------------------------------------------------- snapping


@dataclass
class _Places:
    """The atlas's places plus any new junctions made during this add."""

    atlas: Atlas
    extra: list[Place] = field(default_factory=list)

    def all(self) -> list[Place]:
        return [*self.atlas.places.values(), *self.extra]

    def get(self, place_id: str) -> Place | None:
        found = self.atlas.places.get(place_id)
        if found is not None:
            return found
        return next((p for p in self.extra if p.id == place_id), None)

    def resolve(self, text: Any, what: str) -> Place:
        from corridors.names import normalise, resolve_place

        if not isinstance(text, str) or not text.strip():
            raise EditError(f"{what} must be a place id or name, got {_short(text)}")
        for place in self.extra:
            if normalise(text) in (normalise(place.id), normalise(place.name)):
                return place
        return self.atlas.places[resolve_place(self.atlas, text)]

    def nearest(self, coord: Coord) -> tuple[Place, float]:
        import numpy as np

        from corridors.geodesy import wgs84

        places = self.all()
        if not places:
            raise EditError("the atlas has no places to attach a corridor to; add places first")
        lons = np.array([p.lon for p in places])
        lats = np.array([p.lat for p in places])
        _, _, dist = wgs84().inv(
            np.full(lons.shape, coord[0]), np.full(lats.shape, coord[1]), lons, lats
        )
        best = int(np.argmin(dist))
        return places[best], float(dist[best])

    def labels(self) -> set[str]:
        from corridors.names import normalise

        return {normalise(label) for p in self.all() for label in (p.id, p.name, *p.aliases)}


def _snap_end(
    places: _Places,
    coord: Coord,
    *,
    which: str,
    given: Any,
    snap_m: float,
    new_places: list[str],
    country: str | None,
    sources: list[str],
    label: str,
    created: list[dict[str, Any]],
) -> tuple[Place, float, bool]:
    """The place an end attaches to: the one the file names, the nearest, or a new junction."""
    from corridors.geodesy import distance_m

    field_name = "from" if which == "start" else "to"
    if given is not None:
        place = places.resolve(given, f"{label}: '{field_name}'")
        offset = distance_m(place.coord, coord)
        if offset > snap_m:
            raise EditError(
                f"{label}: the line's {which} is {offset / 1000:,.2f} km from its '{field_name}' "
                f"place {place.id} (tolerance {snap_m:,.0f} m); move the end onto the place or "
                "raise --snap-m"
            )
        return place, offset, False
    place, offset = places.nearest(coord)
    if offset <= snap_m:
        return place, offset, False
    if not new_places:
        raise EditError(
            f"{label}: the line's {which} {_pair(coord)} is {offset / 1000:,.1f} km from the "
            f"nearest place, {place.id} ({place.name}); move it within {snap_m:,.0f} m of a "
            "place, raise --snap-m, or pass --new-place NAME to make it a new junction"
        )
    name = _check_text(new_places.pop(0), "--new-place", "--new-place")
    from corridors.names import normalise

    if normalise(name) in places.labels():
        raise EditError(
            f"--new-place '{name}': a place with that id, name or alias exists; pick another name"
        )
    place_id = _unique(slugify(name) or "junction", {p.id for p in places.all()})
    if not ID_PATTERN.match(place_id):
        raise EditError(f"--new-place '{name}': give a name with letters or digits")
    chosen_country = country or place.country
    if chosen_country not in COUNTRIES:
        raise EditError(f"--country '{chosen_country}' is not one of {', '.join(COUNTRIES)}")
    new = Place(
        id=place_id,
        name=name,
        aliases=(),
        country=chosen_country,
        kind="junction",
        lon=coord[0],
        lat=coord[1],
        sources=tuple(sources),
        note="junction added by 'corridors add'",
    )
    places.extra.append(new)
    created.append(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [coord[0], coord[1]]},
            "properties": {
                "id": new.id,
                "name": new.name,
                "aliases": [],
                "country": new.country,
                "kind": new.kind,
                "note": new.note,
                "sources": list(sources),
            },
        }
    )
    return new, 0.0, True


# --------------------------------------------------------------------------- the add pipeline


def _merge(props: dict[str, Any], key: str, option: Any, label: str, flag: str) -> Any:
    value = props.get(key)
    if value is not None and option is not None and value != option:
        raise EditError(
            f"{label}: the file says {key} {_short(value)} but {flag} says {_short(option)}; "
            f"drop {flag} or fix the file"
        )
    return value if value is not None else option


def _choice(value: Any, allowed: tuple[str, ...], what: str, flag: str, label: str) -> str:
    if value is None:
        raise EditError(f"{label}: no {what}: pass {flag} ({', '.join(allowed)})")
    if value not in allowed:
        raise EditError(f"{label}: unknown {what} {_short(value)}: use one of {', '.join(allowed)}")
    return value


@dataclass
class _AddRequest:
    mode: str | None = None
    status: str | None = None
    name: str | None = None
    corridor_id: str | None = None
    source: str | None = None
    status_year: int | None = None
    snap_m: float = DEFAULT_SNAP_M
    new_places: list[str] = field(default_factory=list)
    country: str | None = None
    simple_lines: bool = True  # False for router-made sea lanes, which may double back at a port


def _plan_add(
    state: _State, features: list[dict[str, Any]], request: _AddRequest, *, label: str
) -> tuple[list[_FileEdit], EditResult]:
    """Turn input features into file edits (sources, places, corridor files), all checked."""
    atlas = state.atlas
    if not features:
        raise EditError(f"{label}: nothing to add; give at least one LineString")
    if len(features) > 1 and (request.name is not None or request.corridor_id is not None):
        raise UsageError(
            f"{label} holds {len(features)} lines: --name and --id apply to one line; put "
            "'name' and 'id' in each feature's properties instead"
        )
    if not (isinstance(request.snap_m, (int, float)) and 0 <= request.snap_m < math.inf):
        raise UsageError(f"--snap-m must be a distance in metres >= 0, got {request.snap_m!r}")
    result = EditResult(action="add", dry_run=False)
    new_source_id: str | None = None
    if request.source is not None:
        new_source_id, entry = _resolve_source(atlas, request.source)
        if entry is not None:
            result.sources.append(entry)
    places = _Places(atlas)
    new_places = list(request.new_places)
    taken_ids = {c: c for c in atlas.corridors}
    taken_names = {c.name.casefold(): c.id for c in atlas.corridors.values()}
    ignored: set[str] = set()
    for index, feature in enumerate(features):
        where = label if len(features) == 1 else f"{label}: feature {index}"
        if not isinstance(feature, dict):
            raise EditError(f"{where}: not a GeoJSON Feature")
        props = feature.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            raise EditError(f"{where}: 'properties' must be a JSON object")
        ignored.update(k for k in props if k not in CORRIDOR_FIELDS and isinstance(k, str))
        coords = line_coords(
            feature.get("geometry"), label=where, atlas=atlas, simple=request.simple_lines
        )
        mode = _choice(
            _merge(props, "mode", request.mode, where, "--mode"), MODES, "mode", "--mode", where
        )
        status = _choice(
            _merge(props, "status", request.status, where, "--status"),
            STATUSES,
            "status",
            "--status",
            where,
        )
        year = _merge(props, "status_year", request.status_year, where, "--year")
        if year is None:
            year = _dt.date.today().year
        sources = props.get("sources") or []
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise EditError(f"{where}: 'sources' must be a list of source ids")
        sources = list(sources)
        if new_source_id is not None and new_source_id not in sources:
            sources.append(new_source_id)
        if not sources:
            raise EditError(
                f"{where}: no source: pass --source SOURCE_ID_OR_URL (every corridor must cite "
                "where it comes from; see sources.json)"
            )
        ends = []
        for which, position in (("start", coords[0]), ("end", coords[-1])):
            ends.append(
                _snap_end(
                    places,
                    position,
                    which=which,
                    given=props.get("from" if which == "start" else "to"),
                    snap_m=request.snap_m,
                    new_places=new_places,
                    country=request.country,
                    sources=sources,
                    label=where,
                    created=result.places,
                )
            )
        (start, start_m, start_new), (end, end_m, end_new) = ends
        if start.id == end.id:
            raise EditError(
                f"{where}: both ends attach to {start.id} ({start.name}); a corridor joins two "
                "different places: check the line's ends or lower --snap-m"
            )
        coords = _dedupe([start.coord, *coords[1:-1], end.coord])
        if len(coords) < 2:
            raise EditError(f"{where}: after snapping the ends, the line has no length")
        if request.simple_lines:
            _check_simple(coords, where)
        via = _via(places, props.get("via"), coords, request.snap_m, where)
        name = _merge(props, "name", request.name, where, "--name")
        if name is None:
            name = f"{start.name} - {end.name} {MODE_WORDS[mode]}"
        name = _check_text(name, f"{where}: name", "--name")
        if name.casefold() in taken_names:
            raise EditError(
                f"{where}: a corridor named '{name}' already exists "
                f"('{taken_names[name.casefold()]}'); choose another name with --name"
            )
        corridor_id = _merge(props, "id", request.corridor_id, where, "--id")
        if corridor_id is None:
            corridor_id = _unique(slugify(f"{start.id} {end.id} {mode}"), set(taken_ids))
        corridor_id = _check_text(corridor_id, f"{where}: id", "--id")
        if not ID_PATTERN.match(corridor_id):
            raise EditError(
                f"{where}: id '{corridor_id}' is not valid: use lowercase letters, digits, '_' "
                "and '-'; fix --id"
            )
        if corridor_id in taken_ids:
            existing = atlas.corridors.get(corridor_id)
            home = f" (in {Path(existing.file).name})" if existing is not None else ""
            raise EditError(
                f"{where}: corridor id '{corridor_id}' already exists{home}; choose another "
                "with --id"
            )
        taken_ids[corridor_id] = corridor_id
        taken_names[name.casefold()] = corridor_id
        properties: dict[str, Any] = {
            "id": corridor_id,
            "name": name,
            "mode": mode,
            "status": status,
            "status_year": year,
            "from": start.id,
            "to": end.id,
            "via": via,
            "attributes": props.get("attributes") if props.get("attributes") is not None else {},
            "reported_length_km": props.get("reported_length_km"),
            "reported_length_source": props.get("reported_length_source"),
        }
        if props.get("note") is not None:
            properties["note"] = props["note"]
        properties["sources"] = sources
        result.corridors.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[x, y] for x, y in coords]},
                "properties": properties,
            }
        )
        for which, place, offset, created in (
            ("start", start, start_m, start_new),
            ("end", end, end_m, end_new),
        ):
            result.snaps.append(Snap(corridor_id, which, place.id, offset, created))
    if new_places:
        raise UsageError(
            f"--new-place {', '.join(new_places)} was not needed: every end is within "
            f"{request.snap_m:,.0f} m of a place; drop it"
        )
    result.ignored_properties = sorted(ignored)
    edits: list[_FileEdit] = []
    if result.sources:
        edits.append(_FileEdit(state.root / SOURCES_FILE, "sources", append=result.sources))
    if result.places:
        edits.append(_FileEdit(state.root / PLACES_FILE, "features", append=result.places))
    by_mode: dict[str, list[dict[str, Any]]] = {}
    for feature in result.corridors:
        by_mode.setdefault(feature["properties"]["mode"], []).append(feature)
    for mode, items in by_mode.items():
        path = state.root / CORRIDORS_DIR / f"{mode}.geojson"
        edits.append(_FileEdit(path, "features", append=items))
    return edits, result


def _via(places: _Places, raw: Any, coords: list[Coord], snap_m: float, where: str) -> list[str]:
    from corridors.geodesy import distance_m, nearest_on_line

    if raw is None:
        return []
    if not isinstance(raw, list):
        raise EditError(f"{where}: 'via' must be a list of place ids")
    out = []
    for item in raw:
        place = places.resolve(item, f"{where}: 'via'")
        _, _, position = nearest_on_line(coords, place.coord)
        offset = distance_m(place.coord, position)
        if offset > snap_m:
            raise EditError(
                f"{where}: via place {place.id} is {offset / 1000:,.2f} km from the line "
                f"(tolerance {snap_m:,.0f} m); draw the line through it or drop it from 'via'"
            )
        out.append(place.id)
    return out


def _check_land_and_sea(features: list[dict[str, Any]]) -> None:
    """The rules of ``corridors check``: sea lanes stay at sea, land lines stay on land."""
    from corridors.check import open_sea_runs, sea_lane_land_runs

    for feature in features:
        props = feature["properties"]
        coords = tuple((float(x), float(y)) for x, y in feature["geometry"]["coordinates"])
        if props["mode"] == "sea":
            runs = sea_lane_land_runs(coords)
            if runs:
                a, b = runs[0]
                raise EditError(
                    f"sea lane '{props['id']}' crosses land {len(runs)} time(s), first at km "
                    f"{a / 1000:,.1f}-{b / 1000:,.1f}; let 'corridors add-sea-lane FROM TO' "
                    "route it at sea, or redraw it"
                )
        else:
            runs = open_sea_runs(coords)
            if runs:
                a, b = max(runs, key=lambda run: run[1] - run[0])
                raise EditError(
                    f"{props['mode']} line '{props['id']}' runs across open sea {len(runs)} "
                    f"time(s), longest km {a / 1000:,.1f}-{b / 1000:,.1f} "
                    f"({(b - a) / 1000:,.1f} km); draw it along the coast or, for a ship route, "
                    "use --mode sea"
                )


def _run_add(
    atlas: str | PathLike[str] | None,
    features_for: Callable[[_State], list[dict[str, Any]]],
    request: _AddRequest,
    *,
    label: str,
    dry_run: bool,
    lock_timeout_s: float,
) -> EditResult:
    from corridors.atomicio import atlas_lock, remove_stale_temps

    root = atlas_root(atlas)

    def attempt() -> EditResult:
        state = _State.read(root)
        features = features_for(state)
        edits, result = _plan_add(state, features, request, label=label)
        _check_land_and_sea(result.corridors)
        result.files = _validate_and_write(state, edits, dry_run=dry_run)
        result.dry_run = dry_run
        return result

    if dry_run:
        return attempt()
    with atlas_lock(root, timeout_s=lock_timeout_s):
        remove_stale_temps([root, root / CORRIDORS_DIR])
        return attempt()


def _request(**kwargs: Any) -> _AddRequest:
    new_places = kwargs.pop("new_places", None) or []
    if isinstance(new_places, str):
        new_places = [new_places]
    return _AddRequest(new_places=list(new_places), **kwargs)


@_one_line
def add_corridors(
    data: str | PathLike[str] | bytes | dict[str, Any] | list[Any],
    *,
    atlas: str | PathLike[str] | None = None,
    mode: str | None = None,
    status: str | None = None,
    name: str | None = None,
    corridor_id: str | None = None,
    source: str | None = None,
    status_year: int | None = None,
    snap_m: float = DEFAULT_SNAP_M,
    new_places: Sequence[str] = (),
    country: str | None = None,
    dry_run: bool = False,
    lock_timeout_s: float = 30.0,
    label: str | None = None,
) -> EditResult:
    """Add the line(s) in ``data``: a file path, raw file bytes, or parsed GeoJSON / positions.

    Options fill what the input does not carry (a conflicting value is an error). Each end
    snaps to the place named by the feature's ``from``/``to``, else to the nearest place
    within ``snap_m`` metres, else to a new junction named by the next of ``new_places``.
    """
    if isinstance(data, (str, PathLike)):
        label = label or str(data)
        features = read_corridor_input(data)
    elif isinstance(data, bytes):
        label = label or "input"
        features = parse_corridor_input(data, label=label)
    else:
        label = label or "input"
        features = features_from_json(data, label=label)
    request = _request(
        mode=mode,
        status=status,
        name=name,
        corridor_id=corridor_id,
        source=source,
        status_year=status_year,
        snap_m=snap_m,
        new_places=new_places,
        country=country,
    )
    return _run_add(
        atlas,
        lambda _state: features,
        request,
        label=label,
        dry_run=dry_run,
        lock_timeout_s=lock_timeout_s,
    )


@_one_line
def add_via(
    places: Sequence[str],
    *,
    mode: str,
    atlas: str | PathLike[str] | None = None,
    status: str | None = None,
    name: str | None = None,
    corridor_id: str | None = None,
    source: str | None = None,
    status_year: int | None = None,
    dry_run: bool = False,
    lock_timeout_s: float = 30.0,
) -> EditResult:
    """Add a corridor through named places, in order (ids, names or aliases).

    Rail, power and pipeline lines are drawn place to place (geodesic straight segments);
    a sea corridor is routed at sea between consecutive places by the maritime router.
    """
    if len(places) < 2:
        raise UsageError("--via needs at least two places, e.g. --via Rajin,Chongjin")
    if mode not in MODES:
        raise EditError(f"unknown mode {_short(mode)}: use one of {', '.join(MODES)}")

    def features_for(state: _State) -> list[dict[str, Any]]:
        from corridors.names import resolve_place

        chosen = [state.atlas.places[resolve_place(state.atlas, text)] for text in places]
        for a, b in zip(chosen[:-1], chosen[1:], strict=True):
            if a.id == b.id:
                raise UsageError(f"--via names {a.id} twice in a row; list each place once")
        coords: list[Coord] = [chosen[0].coord]
        for a, b in zip(chosen[:-1], chosen[1:], strict=True):
            leg = _sea_route(a, b) if mode == "sea" else [a.coord, b.coord]
            coords.extend(leg[1:])
        props: dict[str, Any] = {
            "from": chosen[0].id,
            "to": chosen[-1].id,
            "via": [p.id for p in chosen[1:-1]],
        }
        feature = _line_feature([list(c) for c in coords])
        feature["properties"] = props
        return [feature]

    request = _request(
        mode=mode,
        status=status,
        name=name,
        corridor_id=corridor_id,
        source=source,
        status_year=status_year,
        simple_lines=mode != "sea",
    )
    return _run_add(
        atlas, features_for, request, label="--via", dry_run=dry_run, lock_timeout_s=lock_timeout_s
    )


def _sea_route(a: Place, b: Place) -> list[Coord]:
    from corridors.searouting import route_sea

    return [(float(x), float(y)) for x, y in route_sea(a.coord, b.coord)]


@_one_line
def add_sea_lane(
    start: str,
    end: str,
    *,
    atlas: str | PathLike[str] | None = None,
    status: str | None = None,
    name: str | None = None,
    corridor_id: str | None = None,
    source: str | None = None,
    status_year: int | None = None,
    dry_run: bool = False,
    lock_timeout_s: float = 30.0,
) -> EditResult:
    """Add a sea lane between two ports, routed at sea by :func:`corridors.searouting.route_sea`."""
    return add_via(
        [start, end],
        mode="sea",
        atlas=atlas,
        status=status,
        name=name,
        corridor_id=corridor_id,
        source=source,
        status_year=status_year,
        dry_run=dry_run,
        lock_timeout_s=lock_timeout_s,
    )


@_one_line
def remove_corridor(
    corridor: str,
    *,
    atlas: str | PathLike[str] | None = None,
    dry_run: bool = False,
    lock_timeout_s: float = 30.0,
) -> EditResult:
    """Remove one corridor (by id or name) from its file; places and sources stay."""
    from corridors.atomicio import atlas_lock, remove_stale_temps
    from corridors.names import resolve_corridor

    root = atlas_root(atlas)

    def attempt() -> EditResult:
        state = _State.read(root)
        corridor_id = resolve_corridor(state.atlas, corridor)
        path = Path(state.atlas.corridors[corridor_id].file)
        features = state.docs[path]["features"]
        index = next(
            i
            for i, f in enumerate(features)
            if isinstance(f, dict) and (f.get("properties") or {}).get("id") == corridor_id
        )
        result = EditResult(action="remove", dry_run=dry_run, corridors=[features[index]])
        edit = _FileEdit(path, "features", remove_index=index)
        result.files = _validate_and_write(state, [edit], dry_run=dry_run)
        return result

    if dry_run:
        return attempt()
    with atlas_lock(root, timeout_s=lock_timeout_s):
        remove_stale_temps([root, root / CORRIDORS_DIR])
        return attempt()


__all__ = [
    "DEFAULT_SNAP_M",
    "EditError",
    "EditResult",
    "Snap",
    "add_corridors",
    "add_sea_lane",
    "add_via",
    "line_coords",
    "parse_coordinate_text",
    "parse_corridor_input",
    "read_corridor_input",
    "remove_corridor",
]
