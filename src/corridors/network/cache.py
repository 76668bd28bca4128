"""The network cache: a built :class:`~corridors.network.index.Network` as a column file on disk.

Why: a route query must not pay for validating and measuring the atlas again, and the cache
must never run code, serve stale graphs or break a command. So:

- **No code on load.** The file is a :mod:`corridors.network.columnfile`: a checksummed JSON header,
  raw little-endian numeric columns at 64-byte aligned offsets (memory-mappable later), and
  JSON. The validated atlas is stored as plain JSON rows of its dataclasses' fields and is not
  validated again on load (skipping that is the point of the cache), but every value's JSON
  type, every column's length, every index's range and the names the index uses (places,
  corridors, modes, statuses of the atlas) are checked, so that a damaged file is refused
  rather than failing later. The checksum is not a signature: whoever can write the cache
  folder (created private, mode 0700) could write a consistent wrong graph, as they could
  edit the atlas itself; what no file can do is run code.
- **Never stale.** The file name is a hash of the atlas files' contents, the package version,
  a stamp of the package's own code files (size and modification time, so that an edited
  checkout does not keep serving graphs built by its old code) and :data:`CACHE_FORMAT`; the
  header repeats all of them and the reader compares each.
- **Never fatal.** A missing, unreadable, truncated, corrupted, foreign or planted file, or
  a directory, FIFO or symlink at the cache path, raises :class:`CacheMiss` with a reason; the
  caller rebuilds and replaces it. Writing is best effort and atomic.

String columns of the index (place ids, corridor ids, modes, statuses) are stored as a JSON
table of distinct values plus ``<i4`` codes. The open-sea table
(:class:`~corridors.network.seatable.SeaTable`) is stored with the index: its ports and problems
as JSON (``sea``), its lanes as columns (``sea_start``, ``sea_end``, ``sea_length_m``,
``sea_xy``, ``sea_ptr``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from functools import lru_cache
from itertools import accumulate, chain, repeat
from operator import attrgetter
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from corridors import __version__
from corridors.atlas.model import (
    STATUSES,
    Area,
    Atlas,
    Corridor,
    Leg,
    NativeName,
    Place,
    Programme,
    Shipment,
    Source,
    StatusEvent,
)
from corridors.atlas.names import LabelIndex, place_index
from corridors.errors import CacheMiss
from corridors.network.columnfile import (
    ColumnFile,
    ColumnFileError,
    RawJSONParts,
    decode,
    encode,
    read_regular_file,
    write_atomically,
)
from corridors.network.index import Network, RouteIndex, first_seen, paused_gc
from corridors.network.seatable import table_from_columns, table_sections
from corridors.network.terms import MODE_CODES, coords_between
from corridors.paths import cache_dir

if TYPE_CHECKING:
    from corridors.atlas.place_scan import PlainPlaces
    from corridors.network.bulkindex import BulkIndex

CACHE_FORMAT = 7
"""Version of the layout written here; format 3 and older were pickles and are never read;
5 added corridors' ``history``, 6 the open-sea table (``sea`` and ``sea_*`` sections), 7 the
native ``names`` of places and corridors."""
KEEP_CACHED_NETWORKS = 8
MAX_CACHE_BYTES = 4 * 2**30
"""A cache file larger than this (4 GiB) is not read, but rebuilt."""
SUFFIX = ".cnet"
STALE_TEMP_S = 3600.0
_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/corridors

# Each dataclass as a JSON row: (field, kind). Kinds: s str, s? str or null, i int, f float,
# f? float or null, t list of str (a tuple), obj JSON object, legs rows of Leg, area null or
# polygons of rings of [lon, lat] (Place, a zone's area: :func:`_area`), events rows of
# StatusEvent (a Corridor's ``history``), b? bool or null; ``coords``
# (Corridor) lives in numeric sections, ``file`` (Corridor) is stored relative to the atlas.
_ROWS: dict[type, tuple[tuple[str, str], ...]] = {
    Source: (
        ("id", "s"),
        ("title", "s"),
        ("url", "s?"),
        ("publisher", "s?"),
        ("date", "s?"),
        ("note", "s?"),
    ),
    Place: (
        ("id", "s"),
        ("name", "s"),
        ("aliases", "t"),
        ("country", "s"),
        ("kind", "s"),
        ("lon", "f"),
        ("lat", "f"),
        ("sources", "t"),
        ("transfer", "t"),
        ("note", "s?"),
        ("area", "area"),
        ("names", "names"),
    ),
    Corridor: (
        ("id", "s"),
        ("name", "s"),
        ("mode", "s"),
        ("status", "s"),
        ("status_year", "i"),
        ("start", "s"),
        ("end", "s"),
        ("via", "t"),
        ("sources", "t"),
        ("attributes", "obj"),
        ("reported_length_km", "f?"),
        ("reported_length_source", "s?"),
        ("note", "s?"),
        ("history", "events"),
        ("names", "names"),
        ("file", "file"),  # last: the writer stores it relative to the atlas
    ),
    NativeName: (
        ("language", "s"),
        ("name", "s"),
        ("aliases", "t"),
        ("sources", "t"),
        ("estimate", "b"),
    ),
    StatusEvent: (
        ("date", "s"),
        ("status", "s"),
        ("sources", "t"),
        ("built", "b?"),
        ("note", "s?"),
    ),
    Leg: (
        ("start", "s"),
        ("end", "s"),
        ("mode", "s"),
        ("start_date", "s"),
        ("end_date", "s"),
        ("tonnes", "f"),
        ("ship", "s?"),
        ("consignee", "s?"),
        ("note", "s?"),
        ("sources", "t"),
    ),
    Shipment: (
        ("id", "s"),
        ("name", "s"),
        ("cargo", "s"),
        ("tonnes", "f"),
        ("legs", "legs"),
        ("sources", "t"),
        ("consignee", "s?"),
        ("note", "s?"),
        ("reported_tonnes", "f?"),
        ("reported_tonnes_source", "s?"),
    ),
    Programme: (
        ("id", "s"),
        ("name", "s"),
        ("sources", "t"),
        ("members", "t"),
        ("figures", "obj"),
        ("announced", "s?"),
        ("note", "s?"),
    ),
}
_FIELDS_OUTSIDE_ROWS = {Corridor: {"coords"}}
_NONE = type(None)
_TYPES: dict[str, type | tuple[type, ...]] = {
    "s": str,
    "s?": (str, _NONE),
    "i": int,
    "f": float,
    "f?": (float, _NONE),
    "t": list,
    "obj": dict,
    "legs": list,
    "events": list,
    "b?": (bool, _NONE),
    "b": bool,
    "names": list,
    "file": str,
    "area": (list, _NONE),
}
_PLANS = {
    cls: (
        tuple(name for name, _ in row),
        tuple(_TYPES[kind] for _, kind in row),
        tuple(name for name, kind in row if kind == "t"),
    )
    for cls, row in _ROWS.items()
}
# RouteIndex columns of strings: stored as a table of distinct values and codes.
_STRING_COLUMNS = ("edge_start", "edge_end", "edge_mode", "edge_corridor", "edge_status")
_INT_COLUMNS = ("node_keys", "adj_ptr", "adj_to", "adj_edge", "edge_u", "edge_v")


def cache_key(fingerprint: str) -> str:
    """The cache key of an atlas: its content hash, the package version, code and format.

    Parameters
    ----------
    fingerprint : str
        SHA-256 of the atlas files (:func:`corridors.atlas.read.read_atlas_bytes`).
    """
    text = "\n".join((fingerprint, __version__, code_stamp(), str(CACHE_FORMAT)))
    return hashlib.sha256(text.encode()).hexdigest()


def cache_path(fingerprint: str) -> Path:
    """Where the network of the atlas with ``fingerprint`` is cached."""
    return cache_dir() / f"network-v{CACHE_FORMAT}-{cache_key(fingerprint)}{SUFFIX}"


ROUTE_FORMAT = 2
"""Version of the route file's layout (:mod:`corridors.network.routefile`); 2: the preamble's
digest covers the header only (the sections have their own digests), not every byte twice."""
ROUTE_MIN_EDGES = 50_000
"""A route file is written for networks of this many edges or more (below, the whole network
loads in well under a second and a route needs neither numpy nor scipy)."""


def route_path(fingerprint: str) -> Path:
    """Where the route file of the atlas with ``fingerprint`` is kept.

    Here, beside :func:`cache_path`, so that a small atlas's route (which has no route file)
    learns it without importing :mod:`corridors.network.routefile`.
    """
    return cache_dir() / f"route-v{ROUTE_FORMAT}-{cache_key(fingerprint)}.cnet"


_stamp: str | None = None


def code_stamp() -> str:
    """A hash of the name, size and modification time of every module of the package.

    A release changes :data:`corridors.__version__`; this also catches code edited in place
    (an editable install) without a version change. Computed once per process.
    """
    global _stamp
    if _stamp is None:
        digest = hashlib.sha256()
        for folder, dirs, files in os.walk(_PACKAGE_DIR):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            relative = os.path.relpath(folder, _PACKAGE_DIR)
            for name in sorted(f for f in files if f.endswith(".py")):
                found = os.stat(os.path.join(folder, name))
                line = f"{relative}/{name}\0{found.st_size}\0{found.st_mtime_ns}\n"
                digest.update(line.encode())
        _stamp = digest.hexdigest()[:32]
    return _stamp


def _meta(fingerprint: str, notes_free: str | None = None) -> dict[str, Any]:
    meta = {
        "format": CACHE_FORMAT,
        "package": __version__,
        "code": code_stamp(),
        "fingerprint": fingerprint,
        "rows": {cls.__name__: [name for name, _ in row] for cls, row in _ROWS.items()},
    }
    if notes_free is not None:
        meta["notes_free"] = notes_free
    return meta


# ------------------------------------------------------------------------------------ read


def read_network(path: Path, *, root: Path, fingerprint: str) -> Network:
    """The cached network at ``path`` for the atlas at ``root``.

    Parameters
    ----------
    path : Path
        Cache file (see :func:`cache_path`).
    root : Path
        Atlas folder the network belongs to (becomes ``atlas.root``; corridor files are
        stored relative to it).
    fingerprint : str
        The atlas's current content hash; the file must have been written for it.

    Returns
    -------
    Network

    Raises
    ------
    CacheMiss
        For any reason the file cannot be used (the message names the file and the reason).
    """
    data = _cache_bytes(path)
    with _unusable_is_a_miss(path), paused_gc():  # decoding allocates in bulk
        return decode_network(data, root=root, fingerprint=fingerprint)


def read_index(path: Path, *, fingerprint: str) -> RouteIndex:
    """The route index of the cached network at ``path``, without decoding its atlas.

    The file is checked as :func:`read_network` checks it, but for the names the index uses:
    pair the index only with an atlas it fits (:func:`index_fits`). For the index kept across
    an edit of notes (:mod:`corridors.network.kept_index`), whose atlas is validated anew.

    Raises
    ------
    CacheMiss
        For any reason the file cannot be used.
    """
    data = _cache_bytes(path)
    with _unusable_is_a_miss(path), paused_gc():
        return _decode_index(_checked_columns(data, fingerprint))


def index_fits(index: RouteIndex, atlas: Atlas) -> bool:
    """Whether ``index`` speaks only of ``atlas``'s places and corridors and of known modes
    and statuses (what :func:`read_network` checks of the index it reads)."""
    try:
        _check_names(index, atlas)
    except ColumnFileError:
        return False
    return True


@contextlib.contextmanager
def _unusable_is_a_miss(path: Path) -> Iterator[None]:
    """Any failure while decoding the file at ``path`` as a one-line :class:`CacheMiss`."""
    try:
        yield
    except ColumnFileError as exc:
        raise CacheMiss(f"{path} is unusable: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - a forged file must never become a traceback
        raise CacheMiss(f"{path} is unusable: {type(exc).__name__}") from None


def _cache_bytes(path: Path) -> bytes | bytearray:
    try:
        return read_regular_file(path, max_bytes=MAX_CACHE_BYTES)
    except FileNotFoundError:
        raise CacheMiss(f"nothing cached yet at {path}") from None
    except ColumnFileError as exc:
        raise CacheMiss(f"{path} is {exc}") from None
    except OSError as exc:
        raise CacheMiss(f"{path} is unreadable ({exc.strerror or exc})") from None


def decode_network(data: bytes | bytearray, *, root: Path, fingerprint: str) -> Network:
    """:func:`read_network` from bytes in memory.

    Raises
    ------
    ColumnFileError
        If the bytes are not a valid network cache for ``fingerprint`` and this version.
    """
    columns = _checked_columns(data, fingerprint)
    meta = columns.meta
    atlas = _decode_atlas(columns, root=root, fingerprint=fingerprint)
    index = _decode_index(columns)
    _check_names(index, atlas)
    network = Network(atlas, index)
    notes_free = meta.get("notes_free")
    if notes_free is not None:
        if type(notes_free) is not str:
            raise ColumnFileError("notes_free is not text")
        network.notes_free = notes_free
    if "labels" in columns.names:
        network.keep_place_labels(_decode_labels(columns.json("labels"), atlas.places.keys()))
    return network


def _decode_labels(doc: Any, places: AbstractSet[str]) -> LabelIndex:
    """The stored label index: each key a string naming one or more places of the atlas."""
    if type(doc) is not dict or doc.keys() != {"exact", "stems"}:
        raise ColumnFileError("labels section is not an object of exact and stems")
    tables = []
    for name in ("exact", "stems"):
        table = doc[name]
        if type(table) is not dict:
            raise ColumnFileError(f"labels {name} is not an object")
        for ids in table.values():
            if type(ids) is not list or not ids or not all(type(i) is str for i in ids):
                raise ColumnFileError(f"labels {name} holds something other than id lists")
            if not places >= set(ids):
                raise ColumnFileError(f"labels {name} names an unknown place")
        tables.append({key: tuple(ids) for key, ids in table.items()})
    return LabelIndex(tables[0], tables[1], "places")


def _checked_columns(data: bytes | bytearray, fingerprint: str) -> ColumnFile:
    """The column file in ``data``, written by this code and format for ``fingerprint``."""
    columns = decode(data, version=CACHE_FORMAT)
    meta = columns.meta
    found = (meta.get("package"), meta.get("code"), meta.get("format"))
    if found != (__version__, code_stamp(), CACHE_FORMAT):
        raise ColumnFileError(
            f"written by corridors {found[0]} (code {found[1]}, format {found[2]}), "
            f"this is {__version__} (code {code_stamp()}, format {CACHE_FORMAT})"
        )
    if meta.get("fingerprint") != fingerprint:
        raise ColumnFileError("written for other atlas contents")
    if meta.get("rows") != _meta(fingerprint)["rows"]:
        raise ColumnFileError("written with other atlas fields")
    return columns


def _check_names(index: RouteIndex, atlas: Atlas) -> None:
    """The index speaks only of the atlas's places and corridors, and of known modes and
    statuses (checked on the distinct values, so cheaply)."""
    places = set(index.place_ids) | set(index.edge_start) | set(index.edge_end)
    places |= set(index.sea_table.ports) | (set(index.sea_table.problems) - {""})
    checks: list[tuple[str, AbstractSet[Any], AbstractSet[Any]]] = [
        ("place", places, atlas.places.keys()),
        ("corridor", set(index.edge_corridor) - {None}, atlas.corridors.keys()),
        ("mode", set(index.edge_mode), set(MODE_CODES)),
        ("status", set(index.edge_status), set(STATUSES)),
    ]
    for what, used, known in checks:
        if not used <= known:
            raise ColumnFileError(f"the index names an unknown {what}")


def _decode_atlas(columns: ColumnFile, *, root: Path, fingerprint: str) -> Atlas:
    doc = columns.json("atlas")
    if type(doc) is not dict:
        raise ColumnFileError("atlas section is not an object")
    xy = columns.array("corridor_xy", "<f8")
    ptr = columns.array("corridor_ptr", "<i8")
    rows = doc.get("corridors")
    if type(rows) is not list or len(ptr) != len(rows) + 1:
        raise ColumnFileError("corridor rows and lines disagree")
    _check_pointers(ptr, len(xy) // 2, "corridor_ptr")
    lines = [coords_between(xy, ptr[k], ptr[k + 1]) for k in range(len(rows))]
    files: dict[str, str] = {}  # a few distinct files for 10^6 corridors: one Path each

    def file_of(relative: str) -> str:
        found = files.get(relative)
        if found is None:
            found = files[relative] = str(root / relative)
        return found

    def corridor(row: Any, coords: tuple[tuple[float, float], ...]) -> Corridor:
        return corridor_from_row(row, coords, file_of)

    def shipment(row: Any) -> Shipment:
        values = _row_values(Shipment, row)
        values["legs"] = tuple(Leg(**_row_values(Leg, leg)) for leg in values["legs"])
        return Shipment(**values)

    sources = _keyed([Source(**_row_values(Source, row)) for row in _rows(doc, "sources")])
    places = _keyed([place_from_row(row) for row in _rows(doc, "places")])
    corridors = _keyed([corridor(row, line) for row, line in zip(rows, lines, strict=True)])
    shipments = _keyed([shipment(row) for row in _rows(doc, "shipments")])
    programmes = _keyed(
        [Programme(**_row_values(Programme, row)) for row in _rows(doc, "programmes")]
    )
    return Atlas(root, sources, places, corridors, shipments, fingerprint, programmes)


def corridor_from_row(
    row: Any, coords: tuple[tuple[float, float], ...], file_of: Callable[[str], str]
) -> Corridor:
    """A :class:`Corridor` from its JSON row (every type checked), its line and a function
    making its file's path from the stored relative one.

    Raises
    ------
    ColumnFileError
        If the row has the wrong shape or types, or a history event an unknown status.
    """
    values = _row_values(Corridor, row)
    values["history"] = tuple(
        StatusEvent(**_row_values(StatusEvent, event)) for event in values["history"]
    )
    if any(event.status not in STATUSES for event in values["history"]):
        raise ColumnFileError("a history event names an unknown status")
    values["coords"] = coords
    values["file"] = file_of(values["file"])
    values["names"] = _native_names(values["names"])
    return Corridor(**values)


def place_from_row(row: Any) -> Place:
    """A :class:`Place` from its JSON row, every type checked (raises ColumnFileError)."""
    values = _row_values(Place, row)
    values["area"] = _area(values["area"])
    values["names"] = _native_names(values["names"])
    return Place(**values)


def place_columns(rows: list[Any]) -> dict[str, Sequence[Any]]:
    """The fields of many places' JSON rows as columns, checked as :func:`place_from_row`
    checks each row, without making a :class:`Place` per row.

    Why: a list of every place of a 10^6-segment atlas spent ~1.5 s making 600,000 frozen
    dataclasses only to read their fields back. The shape and JSON types are checked a column
    at a time (the tests of :func:`place_from_row`, in bulk); if any fails,
    :func:`place_from_row` decodes the rows one by one and raises its own error. Areas and
    native names are decoded by the very functions :func:`place_from_row` calls.

    Parameters
    ----------
    rows : list
        The places' JSON rows (decoded JSON), in atlas order.

    Returns
    -------
    dict of str to sequence
        Each :class:`Place` field to its values in row order, as :func:`place_from_row` gives
        them, except that the tuple fields (``aliases``, ``sources``, ``transfer``) are the
        rows' own lists of str: :func:`place_at` makes the :class:`Place` of one row.

    Raises
    ------
    ColumnFileError
        If any row is not a sound place row.
    """
    names, types, tuples = _PLANS[Place]
    columns = _sound_columns(rows, types, [names.index(name) for name in tuples])
    if columns is None:
        for row in rows:
            place_from_row(row)  # the first unsound row says what is wrong
        columns = list(zip(*rows, strict=True))
    by_name: dict[str, Sequence[Any]] = dict(zip(names, columns, strict=True))
    by_name["area"] = [None if value is None else _area(value) for value in by_name["area"]]
    by_name["names"] = [_native_names(value) if value else () for value in by_name["names"]]
    return by_name


def place_at(columns: Mapping[str, Sequence[Any]], at: int) -> Place:
    """The :class:`Place` of row ``at`` of :func:`place_columns`: ``place_from_row(rows[at])``."""
    _, _, tuples = _PLANS[Place]
    values = {name: column[at] for name, column in columns.items()}
    return Place(**values | {name: tuple(values[name]) for name in tuples})


def _sound_columns(
    rows: list[Any], types: tuple[type | tuple[type, ...], ...], tuple_at: list[int]
) -> list[tuple[Any, ...]] | None:
    """``rows`` as columns if each passes what :func:`_row_values` checks (checked a column at
    a time), else None."""
    if not set(map(type, rows)) <= {list} or not set(map(len, rows)) <= {len(types)}:
        return None
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(types)
    sound = all(
        all(map(isinstance, column, repeat(kind)))
        for column, kind in zip(columns, types, strict=True)
    ) and all(
        all(map(isinstance, chain.from_iterable(columns[at]), repeat(str))) for at in tuple_at
    )
    return columns if sound else None


def corridor_row(corridor: Corridor, *, root: Path) -> list[Any]:
    """The JSON row of a corridor (its file relative to ``root``; its line is stored apart)."""
    row = _row(Corridor, corridor)
    row[-1] = _relative(corridor.file, root)
    return row


def place_row(place: Place) -> list[Any]:
    """The JSON row of a place."""
    return _row(Place, place)


def _area(value: Any) -> Area | None:
    """A zone's area from its JSON rows (polygons of rings of [lon, lat]), every type checked."""
    if value is None:
        return None
    polygons = []
    for polygon in value:
        if type(polygon) is not list or not polygon:
            raise ColumnFileError("a place area polygon is not a list of rings")
        rings = []
        for ring in polygon:
            if type(ring) is not list or not all(
                type(xy) is list and len(xy) == 2 and all(type(v) is float for v in xy)
                for xy in ring
            ):
                raise ColumnFileError("a place area ring is not a list of [lon, lat]")
            rings.append(tuple((xy[0], xy[1]) for xy in ring))
        polygons.append(tuple(rings))
    return tuple(polygons)


def _rows(doc: dict[str, Any], name: str) -> list[Any]:
    rows = doc.get(name)
    if type(rows) is not list:
        raise ColumnFileError(f"atlas '{name}' is not a list")
    return rows


def _keyed(items: list[Any]) -> dict[str, Any]:
    keyed = {item.id: item for item in items}
    if len(keyed) != len(items):
        raise ColumnFileError("duplicate ids")
    return keyed


def _row_values(cls: type, row: Any) -> dict[str, Any]:
    """Keyword arguments for ``cls`` from one JSON row, every value's JSON type checked."""
    names, types, tuples = _PLANS[cls]
    if type(row) is not list or len(row) != len(names) or not all(map(isinstance, row, types)):
        raise ColumnFileError(f"a {cls.__name__} row has the wrong shape or types")
    values = dict(zip(names, row, strict=True))
    for name in tuples:
        items = values[name]
        if not all(map(isinstance, items, repeat(str))):
            raise ColumnFileError(f"{cls.__name__}.{name} is not a list of strings")
        values[name] = tuple(items)
    return values


def _decode_index(columns: ColumnFile) -> RouteIndex:
    strings = columns.json("strings")
    if type(strings) is not dict:
        raise ColumnFileError("strings section is not an object")
    place_ids = _string_list(strings.get("place_ids"), "place_ids")
    node_keys = columns.array("node_keys", "<i8")
    nodes = len(node_keys)
    index = RouteIndex(
        node_keys=node_keys.tolist(),
        place_ids=place_ids,
        edge_length_m=columns.array("edge_length_m", "<f8").tolist(),
        coord_xy=columns.array("coord_xy", "<f8"),
        coord_ptr=columns.array("coord_ptr", "<i8"),
    )
    if nodes and (min(node_keys) < 0 or max(node_keys) >> 3 >= len(place_ids)):
        raise ColumnFileError("node_keys out of range")
    if any(key & 7 >= len(MODE_CODES) for key in node_keys):
        raise ColumnFileError("node_keys name an unknown mode")
    edges = len(index.edge_length_m)
    for name in _STRING_COLUMNS:
        table = strings.get(name)
        allow_none = name == "edge_corridor"
        if type(table) is not list or not all(
            type(s) is str or (allow_none and s is None) for s in table
        ):
            raise ColumnFileError(f"{name} table is not a list of strings")
        codes = columns.array(name, "<i4")
        _check_range(codes, len(table), name)
        setattr(index, name, list(map(table.__getitem__, codes)))
    for name in _INT_COLUMNS[1:]:
        setattr(index, name, columns.array(name, "<i8").tolist())
    for name in ("edge_u", "edge_v", "edge_start", "edge_end", "edge_mode", "edge_status"):
        if len(getattr(index, name)) != edges:
            raise ColumnFileError(f"{name} has the wrong length")
    if len(index.edge_corridor) != edges:
        raise ColumnFileError("edge_corridor has the wrong length")
    _check_range(index.edge_u, nodes, "edge_u")
    _check_range(index.edge_v, nodes, "edge_v")
    if len(index.adj_ptr) != nodes + 1 or len(index.adj_to) != len(index.adj_edge):
        raise ColumnFileError("adjacency has the wrong length")
    _check_pointers(index.adj_ptr, len(index.adj_to), "adj_ptr")
    _check_range(index.adj_to, nodes, "adj_to")
    _check_range(index.adj_edge, edges, "adj_edge")
    if len(index.coord_ptr) != edges + 1:
        raise ColumnFileError("coord_ptr has the wrong length")
    _check_pointers(index.coord_ptr, len(index.coord_xy) // 2, "coord_ptr")
    keys = _string_list(strings.get("place_nodes"), "place_nodes")
    ptr = columns.array("place_nodes_ptr", "<i8")
    members = columns.array("place_nodes_members", "<i8").tolist()
    if len(ptr) != len(keys) + 1:
        raise ColumnFileError("place_nodes_ptr has the wrong length")
    _check_pointers(ptr, len(members), "place_nodes_ptr")
    _check_range(members, nodes, "place_nodes_members")
    index.place_nodes = {key: members[ptr[k] : ptr[k + 1]] for k, key in enumerate(keys)}
    if len(index.place_nodes) != len(keys):
        raise ColumnFileError("duplicate place_nodes keys")
    index.sea_table = table_from_columns(columns)
    return index


def _string_list(value: Any, name: str) -> list[str]:
    if type(value) is not list or not all(type(s) is str for s in value):
        raise ColumnFileError(f"{name} is not a list of strings")
    return value


def _check_range(values: Any, size: int, name: str) -> None:
    """Every value is a valid index into something of ``size`` items."""
    if len(values) and (min(values) < 0 or max(values) >= size):
        raise ColumnFileError(f"{name} out of range")


def _check_pointers(ptr: Any, size: int, name: str) -> None:
    """A CSR pointer column: starts at 0, never decreases, ends at ``size``."""
    if not len(ptr) or ptr[0] != 0 or ptr[-1] != size:
        raise ColumnFileError(f"{name} does not span its column")
    if any(a > b for a, b in zip(ptr, ptr[1:], strict=False)):
        raise ColumnFileError(f"{name} decreases")


# ----------------------------------------------------------------------------------- write


def encode_network(network: Network, *, root: Path, rows: AtlasRows | None = None) -> list[bytes]:
    """The column file of ``network`` (chunks; see :func:`corridors.network.columnfile.encode`).

    ``rows``: its places' and corridors' JSON rows (:func:`atlas_rows`) when already encoded
    for the route file; encoded here otherwise.

    Raises
    ------
    ValueError, TypeError, RecursionError
        If the atlas holds something JSON cannot store exactly (e.g. an infinite number or
        very deep nesting in corridor attributes): such a network is not cached.
    """
    atlas, index = network.atlas, network.index
    xy, ptr = corridor_lines(atlas)
    if any(key != item.id for key, item in atlas.corridors.items()):
        raise ValueError("an atlas dictionary is not keyed by id")
    return encode_network_parts(
        atlas,
        index,
        lines=(xy, ptr),
        rows=atlas_rows(atlas, root=root) if rows is None else rows,
        labels=network.place_labels() if index.edge_count < ROUTE_MIN_EDGES else None,
        notes_free=network.notes_free,
    )


def encode_network_parts(
    atlas: Atlas,
    index: RouteIndex | BulkIndex,
    *,
    lines: tuple[Any, Any],
    rows: AtlasRows,
    corridor_ids: list[str] | None = None,
    labels: LabelIndex | None = None,
    notes_free: str | None = None,
) -> list[bytes]:
    """:func:`encode_network` from its parts: ``atlas`` for its sources, places, shipments,
    programmes and fingerprint (its ``corridors`` are not read), the corridors' ``lines``
    (:func:`corridor_lines`: arrays, or numpy arrays ``<f8`` and ``<i8``) and the place and
    corridor ``rows`` (:func:`atlas_rows`).

    A network of fewer than :data:`ROUTE_MIN_EDGES` edges (no route file) also stores its
    places' label index (``labels``, or :func:`~corridors.atlas.names.place_index` of
    ``atlas``): a route by name then folds no label (1.4 ms of a 60 ms cold route).
    ``notes_free``: the atlas's digest without notes, when known
    (:attr:`~corridors.network.index.Network.notes_free`).

    The columnar first build (:mod:`corridors.network.firstbuild`) calls it with rows and lines
    made without corridor objects, and with its index as codes
    (:class:`~corridors.network.bulkindex.BulkIndex`, whose corridor codes number
    ``corridor_ids``); the bytes are the same.
    """
    xy, ptr = lines
    for collection in (atlas.sources, atlas.places, atlas.shipments, atlas.programmes):
        if any(key != item.id for key, item in collection.items()):
            raise ValueError("an atlas dictionary is not keyed by id")
    place_rows, corridor_rows = rows
    # The atlas as json.dumps would write {"sources": [...], "places": [...], ...}, with the
    # place and corridor rows encoded once (the route file stores the same rows).
    atlas_doc = RawJSONParts(
        [
            b'{"sources":'
            + _JSON.encode([_row(Source, s) for s in atlas.sources.values()]).encode("ascii")
            + b',"places":[',
            b",".join(place_rows),
            b'],"corridors":[',
            b",".join(corridor_rows),
            b'],"shipments":'
            + _JSON.encode([_shipment_row(s) for s in atlas.shipments.values()]).encode("ascii")
            + b',"programmes":'
            + _JSON.encode([_row(Programme, p) for p in atlas.programmes.values()]).encode("ascii")
            + b"}",
        ]
    )
    if not isinstance(index, RouteIndex):  # a BulkIndex: imported only by the builds
        if corridor_ids is None:
            raise ValueError("a coded index needs its corridor ids")
        coded = _bulk_sections(index, atlas_doc, lines, corridor_ids)
        coded.update(_label_sections(atlas, index.edge_count, labels))
        meta = _meta(atlas.fingerprint, notes_free)
        return encode(version=CACHE_FORMAT, meta=meta, sections=coded)
    strings: dict[str, Any] = {"place_ids": index.place_ids, "place_nodes": list(index.place_nodes)}
    sections: dict[str, Any] = {"atlas": atlas_doc, "strings": strings}
    sections["corridor_xy"], sections["corridor_ptr"] = xy, ptr
    for name in _STRING_COLUMNS:
        table: dict[str | None, int] = {}
        codes = array("i", [table.setdefault(v, len(table)) for v in getattr(index, name)])
        strings[name] = list(table)
        sections[name] = codes
    for name in _INT_COLUMNS:
        sections[name] = array("q", getattr(index, name))
    sections["edge_length_m"] = array("d", index.edge_length_m)
    sections["coord_xy"] = array("d", index.coord_xy)
    sections["coord_ptr"] = array("q", index.coord_ptr)
    members = array("q")
    place_ptr = array("q", [0])
    for nodes in index.place_nodes.values():
        members.extend(nodes)
        place_ptr.append(len(members))
    sections["place_nodes_ptr"], sections["place_nodes_members"] = place_ptr, members
    sections.update(table_sections(index.sea_table))
    sections.update(_label_sections(atlas, index.edge_count, labels))
    meta = _meta(atlas.fingerprint, notes_free)
    return encode(version=CACHE_FORMAT, meta=meta, sections=sections)


def _label_sections(atlas: Atlas, edges: int, labels: LabelIndex | None) -> dict[str, Any]:
    """The ``labels`` section of a network with no route file (which holds them otherwise)."""
    if edges >= ROUTE_MIN_EDGES:
        return {}
    if labels is None:
        labels = place_index(atlas)
    return {"labels": {"exact": labels.exact, "stems": labels.stems}}


def _bulk_sections(
    index: BulkIndex, atlas_doc: RawJSONParts, lines: tuple[Any, Any], corridor_ids: list[str]
) -> dict[str, Any]:
    """The sections :func:`encode_network_parts` makes of a RouteIndex, from a coded one:
    the same values, in the same order, from numpy arrays (string columns: distinct values in
    first-seen order and their ``<i4`` codes)."""
    import numpy as np

    from corridors.network.terms import NO_CORRIDOR

    ids = index.place_ids
    place_names = np.array(ids, dtype=object)
    corridor_names = np.array([*corridor_ids, None], dtype=object)
    corridor = np.where(index.corridor_code == NO_CORRIDOR, len(corridor_ids), index.corridor_code)
    coded = {
        "edge_start": (index.start_code, place_names),
        "edge_end": (index.end_code, place_names),
        "edge_mode": (index.mode_code, np.array(MODE_CODES, dtype=object)),
        "edge_corridor": (corridor, corridor_names),
        "edge_status": (index.status_code, np.array(STATUSES, dtype=object)),
    }
    # The strings section as encode() would write it, with the place ids (twice: they are
    # also the keys of place_nodes) encoded once.
    place_list = _json_bytes(ids)
    strings = [b'{"place_ids":' + place_list, b',"place_nodes":' + place_list]
    sections: dict[str, Any] = {"atlas": atlas_doc, "strings": RawJSONParts(strings)}
    sections["corridor_xy"], sections["corridor_ptr"] = lines
    for name in _STRING_COLUMNS:
        codes, names = coded[name]
        distinct, rank = first_seen(codes)
        strings.append(b',"' + name.encode("ascii") + b'":' + _json_bytes(names[distinct].tolist()))
        sections[name] = rank.astype("<i4")
    strings.append(b"}")
    sections["strings"] = RawJSONParts(strings)  # in its place: the second section
    for name in _INT_COLUMNS:
        sections[name] = np.ascontiguousarray(getattr(index, name), dtype="<i8")
    sections["edge_length_m"] = np.ascontiguousarray(index.edge_length_m, dtype="<f8")
    sections["coord_xy"] = np.ascontiguousarray(index.coord_xy, dtype="<f8")
    sections["coord_ptr"] = np.ascontiguousarray(index.coord_ptr, dtype="<i8")
    sections["place_nodes_ptr"] = np.ascontiguousarray(index.place_ptr, dtype="<i8")
    sections["place_nodes_members"] = np.ascontiguousarray(index.place_members, dtype="<i8")
    sections.update(table_sections(index.sea_table))
    return sections


def _json_bytes(value: Any) -> bytes:
    """``value`` as :func:`~corridors.network.columnfile.encode` writes a JSON section."""
    text = json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text.encode("ascii")


def corridor_lines(atlas: Atlas) -> tuple[array[float], array[int]]:
    """Every corridor's line back to back: ``xy`` (lon, lat, lon, lat, ...) and ``ptr``
    (corridor ``k``'s positions are ``ptr[k]:ptr[k + 1]``), in the atlas's corridor order.

    Built from the coordinate tuples in one pass of C loops, without numpy (a command after
    an edit of notes saves a network without importing it: network/kept_index.py).
    """
    lines = [corridor.coords for corridor in atlas.corridors.values()]
    xy: array[float] = array("d", chain.from_iterable(chain.from_iterable(lines)))
    ptr: array[int] = array("q", [0])
    ptr.extend(accumulate(map(len, lines)))
    return xy, ptr


# Each dataclass's row fields read at once (one attrgetter call), then its nested rows.
_GETTERS = {
    cls: (
        attrgetter(*(name for name, _ in row)),
        tuple((at, kind) for at, (_, kind) in enumerate(row) if kind in ("events", "names")),
    )
    for cls, row in _ROWS.items()
}


AtlasRows = tuple[list[bytes], list[bytes]]
"""Every place's and every corridor's JSON row, encoded (:func:`atlas_rows`)."""
_JSON = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"))
"""Encodes as :func:`corridors.network.columnfile.encode` does (one encoder for every row)."""


def atlas_rows(atlas: Atlas, *, root: Path) -> AtlasRows:
    """The JSON row of every place and of every corridor (its file relative to ``root``), as
    ASCII bytes in atlas order: what the network cache and the route file both store.

    Raises
    ------
    ValueError, TypeError, RecursionError
        If a value cannot be stored as JSON exactly.
    """
    return place_rows(atlas.places), [
        encode_row(corridor_row(c, root=root)) for c in atlas.corridors.values()
    ]


def place_rows(places: dict[str, Place], *, plain: Iterable[PlainPlaces] = ()) -> list[bytes]:
    """Every place's JSON row, encoded (the first half of :func:`atlas_rows`).

    ``plain``: runs of these places (in order) read plainly from the file
    (:func:`corridors.atlas.place_scan.scan_places`): their rows are formatted from the text
    the file holds (strings that need no escaping) and the floats' ``repr``, the
    same bytes as the encoder's, without a row list and an encoder call per place.
    """
    values = list(places.values())
    rows: list[bytes] = []
    done = 0
    for run in plain:
        rows += [encode_row(_row(Place, p)) for p in values[done : run.start]]
        text = "\0".join(
            map(
                _PLAIN_PLACE_ROW.__mod__,
                zip(
                    run.ids,
                    run.names,
                    run.aliases,
                    run.countries,
                    run.kinds,
                    run.lons,
                    run.lats,
                    run.sources,
                    strict=True,
                ),
            )
        )
        rows += text.encode("ascii").split(b"\0")
        done = run.start + len(run.ids)
    rows += [encode_row(_row(Place, p)) for p in values[done:]]
    return rows


_PLAIN_PLACE_ROW = '["%s","%s",[%s],"%s","%s",%r,%r,[%s],[],null,null,[]]'
"""A plain place's row (:data:`_ROWS`: no transfer, note, area or native names; a float's
``repr`` is the JSON encoder's text for it)."""


def encode_row(row: list[Any]) -> bytes:
    """One JSON row as the caches store it (ASCII bytes, compact, no NaN).

    Raises
    ------
    ValueError, TypeError, RecursionError
        If a value cannot be stored as JSON exactly.
    """
    return _JSON.encode(row).encode("ascii")


def relative_file(file: str, root: Path) -> str:
    """A corridor's file as its row stores it: relative to the atlas ``root``."""
    return _relative(file, root)


def _row(cls: type, item: Any) -> list[Any]:
    getter, nested = _GETTERS[cls]
    row = list(getter(item))
    for at, kind in nested:
        inner = StatusEvent if kind == "events" else NativeName
        row[at] = [_row(inner, entry) for entry in row[at]]
    return row


def _native_names(rows: list[Any]) -> tuple[NativeName, ...]:
    return tuple(NativeName(**_row_values(NativeName, row)) for row in rows)


def _shipment_row(shipment: Shipment) -> list[Any]:
    return [
        [_row(Leg, leg) for leg in shipment.legs] if name == "legs" else getattr(shipment, name)
        for name, _ in _ROWS[Shipment]
    ]


@lru_cache(maxsize=1024)  # a few files hold a million corridors: one path operation each
def _relative(file: str, root: Path) -> str:
    """A corridor's file relative to the atlas root (absolute if it lies elsewhere)."""
    try:
        return PurePath(file).relative_to(root).as_posix()
    except ValueError:
        return file


def save_network(
    path: Path, network: Network, *, root: Path, rows: AtlasRows | None = None
) -> str | None:
    """Cache ``network`` at ``path`` atomically, then prune old cache files; best effort.

    ``rows``: the atlas's JSON rows (:func:`atlas_rows`) if already encoded.

    Returns
    -------
    str or None
        None when saved, else why not (the command goes on without a cache).
    """
    try:
        with paused_gc():  # a row per corridor: no collector passes over the whole atlas
            chunks = encode_network(network, root=root, rows=rows)
    except (ValueError, TypeError, RecursionError) as exc:
        return f"the atlas cannot be stored exactly ({type(exc).__name__}: {exc})"
    try:
        write_atomically(path, chunks)
    except OSError as exc:
        return f"cannot write it ({exc.strerror or exc})"
    prune_cache(path.parent, keep=path)
    return None


def prune_cache(folder: Path, *, keep: Path | None = None) -> None:
    """Delete all but the :data:`KEEP_CACHED_NETWORKS` newest networks, every old pickle
    cache (format 3 and older), and temp files a killed writer left over an hour ago."""
    now = time.time()
    current: list[tuple[float, str]] = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            name = entry.name
            with contextlib.suppress(OSError):
                if name.startswith("network-v") and name.endswith(".pickle"):
                    os.unlink(entry.path)
                elif name.startswith("network-v") and name.endswith(SUFFIX):
                    current.append((entry.stat(follow_symlinks=False).st_mtime, entry.path))
                elif (
                    name.startswith(".network-v")
                    and name.endswith(".tmp")
                    and now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMP_S
                ):
                    os.unlink(entry.path)
    current.sort(reverse=True)
    for _, stale in current[KEEP_CACHED_NETWORKS:]:
        if keep is None or stale != str(keep):
            with contextlib.suppress(OSError):
                os.unlink(stale)


__all__ = [
    "CACHE_FORMAT",
    "KEEP_CACHED_NETWORKS",
    "ROUTE_FORMAT",
    "ROUTE_MIN_EDGES",
    "CacheMiss",
    "cache_path",
    "index_fits",
    "read_index",
    "read_network",
    "route_path",
    "save_network",
]
