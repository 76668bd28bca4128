"""The first build of a large atlas from columns: both cache files, no object per corridor.

Why: at 10^6 segments the first ``corridors route`` made a :class:`~corridors.atlas.model.Corridor`
per line, then a row, a line and look-ups from each, and loaded nothing it could not have read
from the cache it was writing: ~90 % of its time was Python work per object (see
research/first-build-profile.md). Here a *plain* corridor file
(:func:`corridors.atlas.columns.plain_corridor_columns`) becomes columns (ids, stops, codes,
positions as numpy arrays); its JSON rows are encoded from the parsed values; its edges are cut,
measured and numbered by the functions the object path uses
(:func:`corridors.network.graph.lines_to_columns`, :func:`corridors.network.index.node_arrays`),
kept as integer codes and numpy arrays (:class:`corridors.network.bulkindex.BulkIndex`: no
string per edge, no list per column); and the network cache and route file are encoded by the
same encoders
(:func:`corridors.network.cache.encode_network_parts`,
:func:`corridors.network.routefile.encode_route_parts`). Files that are not plain (the shipped
atlas's, with histories and native names) are validated into objects as usual and join the
columns. Sources, places, shipments and programmes are always validated the usual way.

Safety: the files written are byte for byte those the object path writes for the same atlas
(tests/test_firstbuild.py compares them), under the same key (content hash, package version and
code, format), so the usual rules against stale caches hold. Any doubt means this path does
nothing and says so (:func:`write_caches` returns False): a file that is not safe JSON, a
validation error, a duplicate id or name, a value JSON cannot store. The caller then builds the
usual way, which reports the problem with its usual message.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from corridors.errors import AtlasError

if TYPE_CHECKING:  # imported when a build runs, not by every route that checks the size
    from corridors.atlas.columns import CorridorColumns
    from corridors.atlas.model import Corridor

__all__ = ["MIN_BYTES", "build_route_caches", "worth_it", "write_caches"]

MIN_BYTES = 32 * 2**20
"""Atlases whose files add up to less (32 MiB, ~50,000 segments) take the object path: it
loads in a few seconds, and its network is used right away."""


def _no_phase(name: str) -> None:
    """Told when each phase of a build ends (benchmarks/build_phases.py times them)."""


phase: Callable[[str], None] = _no_phase


class _SeaLine:
    """What the open-sea table reads of a sea corridor (see ``network/seatable.py``)."""

    __slots__ = ("end", "mode", "start", "via")

    def __init__(self, start: str, via: tuple[str, ...], end: str) -> None:
        self.mode, self.start, self.via, self.end = "sea", start, via, end


def worth_it(root: Path) -> bool:
    """Whether the atlas at ``root`` is large enough for the columnar build (by file sizes)."""
    from corridors.atlas.folder import atlas_files

    try:
        return sum(os.stat(path).st_size for path in atlas_files(root)) >= MIN_BYTES
    except (OSError, AtlasError):
        return False


def build_route_caches(
    atlas: str | os.PathLike[str] | None = None,
    *,
    on_cache_event: Callable[[str], None] | None = None,
) -> bool:
    """Make sure a large atlas's network cache and route file exist, building them from columns.

    For ``corridors route``'s first run: afterwards the route is answered from the route file
    (:mod:`corridors.routing.lazy`) without loading the network.

    Parameters
    ----------
    atlas : str or Path, optional
        Atlas folder (default: ``CORRIDORS_ATLAS`` or the bundled atlas).
    on_cache_event : callable, optional
        As for :func:`corridors.network.load.load_network`: told when the caches are built.

    Returns
    -------
    bool
        True if both files for the atlas's current contents are now in the cache folder
        (built here or found); False if the atlas is small, already had its route file
        when this began, or is not plain or not valid (the caller then loads the network
        as usual, which reports any problem).

    Raises
    ------
    AtlasError
        If the atlas folder is missing, lacks its required files, or a file cannot be read.
    """
    from corridors.atlas.folder import atlas_root

    root = atlas_root(atlas)
    if not worth_it(root):
        return False  # a small atlas (most runs): nothing more imported for it
    from corridors.atlas.read import read_atlas_bytes
    from corridors.network import cache as netcache
    from corridors.network import stamp
    from corridors.network.index import paused_gc
    from corridors.paths import cache_dir

    folder = cache_dir()
    known = stamp.known_fingerprint(folder, root)
    if known is not None and os.path.lexists(netcache.route_path(known)):
        return False  # its route file is there: whatever the caller missed, not a build
    before = stamp.stat_key(root)
    contents, fingerprint = read_atlas_bytes(root)
    stamp.remember(folder, root, before=before, fingerprint=fingerprint)
    cache_file = netcache.cache_path(fingerprint)
    if os.path.lexists(netcache.route_path(fingerprint)) and os.path.lexists(cache_file):
        return True  # read (and checked) by the caller
    with paused_gc():
        built = write_caches(root, contents, fingerprint)
    if built and on_cache_event is not None:
        on_cache_event(f"cache: nothing usable cached at {cache_file}; built it from columns")
    return built


def write_caches(root: Path, contents: dict[Path, bytes], fingerprint: str) -> bool:
    """Build and write the network cache (and, for a large network, the route file) of the
    atlas whose files' bytes are ``contents`` (emptied meanwhile) from columns.

    Returns
    -------
    bool
        True when the network cache was written (and the route file, if the network has
        :data:`~corridors.network.cache.ROUTE_MIN_EDGES` edges or more and none was there);
        False when this path cannot be sure (see the module docstring) or a file cannot be
        written: nothing is served from it, and the caller builds the usual way.
    """
    from concurrent.futures import ThreadPoolExecutor

    from corridors.network import cache as netcache
    from corridors.network.columnfile import write_atomically
    from corridors.network.routefile import _prune, encode_route_parts

    try:
        built = _build(root, contents, fingerprint)
    except (AtlasError, ValueError, TypeError, RecursionError, UnicodeError):
        return False
    finally:
        contents.clear()
    if built is None:
        return False
    shim, index, corridor_ids, rows, lines, labels = built
    try:
        chunks = netcache.encode_network_parts(
            shim, index, lines=lines, rows=rows, corridor_ids=corridor_ids, labels=labels
        )
    except (ValueError, TypeError, RecursionError):
        return False
    cache_file = netcache.cache_path(fingerprint)
    path = netcache.route_path(fingerprint)
    phase("network cache encode")
    route: list[bytes] | None = None
    # The network cache goes to disk (a copy into the page cache, then fsync: mostly waiting)
    # on a thread while the route file is encoded; both are done before this returns.
    with ThreadPoolExecutor(max_workers=1) as pool:
        written = pool.submit(write_atomically, cache_file, chunks)
        del chunks
        if index.edge_count >= netcache.ROUTE_MIN_EDGES and not os.path.lexists(path):
            with contextlib.suppress(ValueError, TypeError, RecursionError, UnicodeError):
                route = encode_route_parts(
                    shim,
                    index,
                    corridor_ids=corridor_ids,
                    rows=rows,
                    lines=lines,
                    labels=labels,
                )
        try:
            written.result()
        except OSError:
            return False
    phase("route file encode (network cache written meanwhile)")
    netcache.prune_cache(cache_file.parent, keep=cache_file)
    if route is not None:
        with contextlib.suppress(OSError):
            write_atomically(path, route)
            phase("route file write")
            _prune(path)
    return True


def _build(root: Path, contents: dict[Path, bytes], fingerprint: str) -> Any:
    """The atlas (corridors only as sea lines), index, corridor ids, rows, lines, pieces per
    corridor and the place label index (None: made by the route file's encoder); None when a
    corridor is a duplicate (the object path names it)."""
    from corridors.atlas.columns import CorridorColumns, plain_corridor_columns
    from corridors.atlas.corridor_scan import scan_corridor_columns
    from corridors.atlas.model import (
        CORRIDORS_DIR,
        MODES,
        PLACES_FILE,
        PROGRAMMES_FILE,
        SHIPMENTS_FILE,
        SOURCES_FILE,
        STATUSES,
        Atlas,
    )
    from corridors.atlas.place_scan import scan_places
    from corridors.atlas.read import (
        parse_corridors,
        parse_places,
        parse_programmes,
        parse_shipments,
        parse_sources,
    )
    from corridors.atlas.safe_input import check_document, parse_json_checked
    from corridors.atlas.timeline import timeline
    from corridors.network.cache import encode_row, relative_file

    def parse(path: Path) -> Any:
        doc, clean = parse_json_checked(path, contents.pop(path))
        if not clean:
            check_document(path, doc)
        return doc

    paths = list(contents)
    sources = parse_sources(root / SOURCES_FILE, parse(root / SOURCES_FILE))
    places_path = root / PLACES_FILE
    scanned = scan_places(places_path, contents[places_path], sources)  # None: the usual way
    if scanned is None:
        places = parse_places(places_path, parse(places_path), sources)
    else:
        del contents[places_path]
        places = scanned.places
    phase("sources and places: parse, validate")
    corridor_dir = root / CORRIDORS_DIR
    parts: list[tuple[Path, CorridorColumns | list[Corridor]]] = []
    for path in paths:
        if path.parent == corridor_dir:
            # A plain file straight from its bytes; any other the usual way (which may refuse it).
            columns = scan_corridor_columns(contents[path], places, sources)
            if columns is not None:
                del contents[path]
                parts.append((path, columns))
                continue
            doc = parse(path)
            columns = plain_corridor_columns(doc, places, sources)
            parts.append((path, columns or parse_corridors(path, doc, places, sources)))
            del doc
    phase("corridor files: parse, columns")
    ids: list[str] = []
    names: list[str] = []
    for _, part in parts:
        if isinstance(part, CorridorColumns):
            ids += part.ids
            names += part.names
        else:
            ids += [corridor.id for corridor in part]
            names += [corridor.name for corridor in part]
    if len(set(ids)) != len(ids) or len({name.casefold() for name in names}) != len(names):
        return None  # a duplicate id or name: the object path names it
    del names
    shipments_path, programmes_path = root / SHIPMENTS_FILE, root / PROGRAMMES_FILE
    shipments = {}
    if shipments_path in contents:
        shipments = parse_shipments(shipments_path, parse(shipments_path), places, sources)
    programmes = {}
    if programmes_path in contents:
        known = cast("dict[str, Corridor]", dict.fromkeys(ids))
        programmes = parse_programmes(programmes_path, parse(programmes_path), known, sources)

    import numpy as np

    starts: list[str] = []
    ends: list[str] = []
    modes: list[str] = []
    statuses: list[str] = []
    years: list[int] = []
    vias: list[Any] = []
    xy_parts: list[Any] = []
    counts_parts: list[Any] = []
    corridor_rows: list[bytes] = []
    published: list[tuple[int, float]] = []
    timelines: dict[str, Any] = {}
    sea: dict[str, Any] = {}
    place_key = {place_id: place_id for place_id in places}
    one_of = {value: value for value in (*MODES, *STATUSES)}
    for path, part in parts:
        number = len(starts)
        if isinstance(part, CorridorColumns):
            file = relative_file(str(path), root)
            # One string object per distinct value (the parser makes one per corridor):
            # every later pass over these columns then reads a few hot objects.
            starts += map(place_key.__getitem__, part.starts)
            ends += map(place_key.__getitem__, part.ends)
            modes += map(one_of.__getitem__, part.modes)
            statuses += map(one_of.__getitem__, part.statuses)
            years += part.years
            vias += part.vias
            xy_parts.append(part.xy)
            counts_parts.append(part.counts)
            corridor_rows += _plain_rows(part, file)
            for k in [k for k, mode in enumerate(part.modes) if mode == "sea"]:
                via = part.vias[k]
                sea[part.ids[k]] = _SeaLine(part.starts[k], tuple(via or ()), part.ends[k])
        else:
            for offset, corridor in enumerate(part):
                starts.append(corridor.start)
                ends.append(corridor.end)
                modes.append(corridor.mode)
                statuses.append(corridor.status)
                years.append(corridor.status_year)
                vias.append(corridor.via)
                corridor_rows.append(encode_row(_corridor_row(corridor, root)))
                if corridor.schematic and corridor.reported_length_km is not None:
                    published.append((number + offset, corridor.reported_length_km * 1000.0))
                line = timeline(corridor)
                if line is not None:
                    timelines[corridor.id] = line
                if corridor.mode == "sea":
                    sea[corridor.id] = corridor
            coords = [corridor.coords for corridor in part]
            counts_parts.append(np.fromiter(map(len, coords), dtype=np.int64, count=len(part)))
            flat = np.fromiter(chain.from_iterable(chain.from_iterable(coords)), dtype=np.float64)
            xy_parts.append(flat.reshape(-1, 2))
    raw = np.concatenate(xy_parts) if xy_parts else np.zeros((0, 2), dtype=np.float64)
    counts = np.concatenate(counts_parts) if counts_parts else np.zeros(0, dtype=np.int64)
    phase("corridor rows, duplicates, shipments")
    shim = Atlas(root, sources, places, cast("Any", sea), shipments, fingerprint, programmes)
    corridor_columns = (ids, starts, ends, modes, statuses, years, vias)
    del starts, ends, modes, statuses, years
    return _finish(
        shim, corridor_columns, raw, counts, published, timelines, corridor_rows, scanned
    )


def _finish(
    shim: Any,
    columns: tuple[list[Any], ...],
    raw: Any,
    counts: Any,
    published: list[tuple[int, float]],
    timelines: dict[str, Any],
    corridor_rows: list[bytes],
    scanned: Any,
) -> Any:
    """The end of :func:`_build`: the corridors' edges (``columns``: ids, starts, ends, modes,
    statuses, years and vias; ``raw``/``counts``: their positions), the index and the rows
    (``scanned``: the places scan, whose plain rows and labels are reused, or None)."""
    import numpy as np

    from corridors.network.bulkindex import build_bulk_index
    from corridors.network.cache import place_rows
    from corridors.network.graph import lines_to_columns

    places = shim.places
    ids, vias = columns[0], columns[6]
    pieces = _piece_codes(list(places), *columns)
    del columns
    edges = lines_to_columns(places, raw, counts, vias, pieces, published)
    phase("edges: cut at via places")
    index = build_bulk_index(atlas=shim, corridor_edges=edges)
    index.corridor_timelines = timelines
    ptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    lines = (np.ascontiguousarray(raw, dtype=np.float64).reshape(-1), ptr)
    phase("index: sea, transfers, nodes, lengths")
    rows = (place_rows(places, plain=scanned.plain if scanned else ()), corridor_rows)
    phase("place rows")
    labels = scanned.labels if scanned else None
    return shim, index, ids, rows, lines, labels


def _piece_codes(
    place_ids: list[str],
    ids: list[str],
    starts: list[str],
    ends: list[str],
    modes: list[str],
    statuses: list[str],
    years: list[int],
    vias: list[Any],
) -> Any:
    """Start, end, mode, corridor and status of every corridor piece (each corridor cut at its
    ``via`` places, as :func:`corridors.network.graph._attribute_columns` cuts them), as
    :class:`~corridors.network.graph.PieceCodes`: every string looked up once, the pieces
    made with numpy. ``years`` are not needed: the index keeps no status year."""
    import numpy as np

    from corridors.atlas.model import STATUSES
    from corridors.network.graph import PieceCodes
    from corridors.network.terms import MODE_CODES

    count = len(ids)
    codes = _Codes(place_ids)
    start, end = codes.of(starts), codes.of(ends)
    mode_of = {mode: number for number, mode in enumerate(MODE_CODES)}
    status_of = {status: number for number, status in enumerate(STATUSES)}
    mode = np.fromiter(map(mode_of.__getitem__, modes), dtype=np.int64, count=count)
    status = np.fromiter(map(status_of.__getitem__, statuses), dtype=np.int64, count=count)
    cut = [k for k, via in enumerate(vias) if via]
    pieces = np.ones(count, dtype=np.int64)
    pieces[cut] = [len(vias[k]) + 1 for k in cut]
    if not cut:
        return PieceCodes(start, end, mode, np.arange(count, dtype=np.int64), status)
    # Every corridor's stops back to back (start, via..., end); a piece per adjacent pair.
    first = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(pieces + 1, out=first[1:])
    stops = np.empty(int(first[-1]), dtype=np.int64)
    is_via = np.ones(len(stops), dtype=bool)
    is_via[first[:-1]] = False
    is_via[first[1:] - 1] = False
    stops[first[:-1]] = start
    stops[first[1:] - 1] = end
    stops[is_via] = codes.of(list(chain.from_iterable(vias[k] for k in cut)))
    not_last = np.ones(len(stops), dtype=bool)
    not_last[first[1:] - 1] = False
    not_first = np.ones(len(stops), dtype=bool)
    not_first[first[:-1]] = False
    return PieceCodes(
        start=stops[not_last],
        end=stops[not_first],
        mode=np.repeat(mode, pieces),
        corridor=np.repeat(np.arange(count, dtype=np.int64), pieces),
        status=np.repeat(status, pieces),
    )


def _plain_rows(part: CorridorColumns, file: str) -> list[bytes]:
    """The JSON rows of a plain file's corridors (``file``: relative to the atlas), as
    :func:`~corridors.network.cache.corridor_row` and
    :func:`~corridors.network.cache.encode_row` make them: the strings escaped by the JSON
    encoder's own function, the rest formatted, without a row list and an encoder call
    per corridor (tests/test_firstbuild.py compares the bytes)."""
    from json.encoder import encode_basestring_ascii as quote

    from corridors.network.cache import encode_row

    def strings(values: list[str] | None) -> str:
        return "[" + ",".join(map(quote, values)) + "]" if values else "[]"

    lists: dict[tuple[str, ...], str] = {}

    def sources(values: list[str]) -> str:
        key = tuple(values)
        found = lists.get(key)
        if found is None:
            found = lists[key] = strings(values)
        return found

    def attributes(value: dict[str, Any] | None) -> str:
        return encode_row([value]).decode("ascii")[1:-1] if value else "{}"

    tail_bytes = (",[],[]," + quote(file) + "]").encode("ascii")
    return [
        (
            f"[{quote(i)},{quote(n)},{quote(m)},{quote(s)},{int.__repr__(y)},{quote(a)},"
            f"{quote(b)},{strings(v)},{sources(o)},{attributes(t)},null,null,"
            f"{'null' if note is None else quote(note)}"
        ).encode("ascii")
        + tail_bytes
        for i, n, m, s, y, a, b, v, o, t, note in zip(
            part.ids,
            part.names,
            part.modes,
            part.statuses,
            part.years,
            part.starts,
            part.ends,
            part.vias,
            part.sources,
            part.attributes,
            part.notes,
            strict=True,
        )
    ]


def _corridor_row(corridor: Corridor, root: Path) -> list[Any]:
    from corridors.network.cache import corridor_row

    return corridor_row(corridor, root=root)


class _Codes:
    """The positions of strings in a list of distinct ids (``ids.index``, in bulk).

    Why not a dictionary: the build makes each stop the very string object that is the place's
    id (one object per place), so a stop's code is found by the object's identity: its address
    (``id``) searched among the ids' sorted addresses, with numpy. A dictionary look-up reads
    each stop's hash from the string object and then probes a table of 600,000 entries, two
    cache misses per stop at 10^6 corridors; this is one. A string that is not one of those
    objects (an equal copy) is looked up in a dictionary, so every answer is exact.
    """

    def __init__(self, ids: list[str]) -> None:
        import numpy as np

        self.ids = ids
        address = np.fromiter(map(id, ids), dtype=np.uint64, count=len(ids))
        self.order = np.argsort(address, kind="stable")
        self.address = address[self.order]
        self.by_value: dict[str, int] | None = None

    def of(self, values: list[str]) -> Any:
        """The code of every value (KeyError if one is not an id), as an int64 array."""
        import numpy as np

        wanted = np.fromiter(map(id, values), dtype=np.uint64, count=len(values))
        if not len(self.ids) or not len(values):
            return np.fromiter(map(self._lookup, values), dtype=np.int64, count=len(values))
        ordered = np.argsort(wanted, kind="stable")  # sorted needles: a sequential search
        at = np.empty(len(values), dtype=np.int64)
        at[ordered] = np.searchsorted(self.address, wanted[ordered])
        np.minimum(at, len(self.ids) - 1, out=at)
        codes = self.order[at].astype(np.int64)
        missed = np.flatnonzero(self.address[at] != wanted)
        if len(missed):
            codes[missed] = [self._lookup(values[k]) for k in missed.tolist()]
        return codes

    def _lookup(self, value: str) -> int:
        if self.by_value is None:
            self.by_value = dict(zip(self.ids, range(len(self.ids)), strict=True))
        return self.by_value[value]
