"""The route file: what a cached route query needs, memory-mapped, without the atlas's objects.

Why: at 10^6 segments, turning the network cache's million corridor rows back into Python
objects took ~80 % of a cached ``corridors route`` (20 s, 3.5 GB). A route needs the graph,
the edge columns that price it, a place look-up, and objects for the handful of legs found.
So, next to the network cache (:mod:`corridors.network.cache`) of a large atlas, this module
writes one more :mod:`~corridors.network.columnfile` (``route-v<format>-<key>.cnet``, the same
key: atlas content, package version and code, format) holding only numeric and byte columns:

- the route graph: node keys, the edges' place codes, mode and status codes, corridor codes,
  lengths and lines (``coord_xy``/``coord_ptr``), and the graph's fixed CSR structure (one
  slot per node pair, with its edge, or its parallel edges: :func:`_graph_sections`), so that
  a query only prices the edges (no sorting, no building per query);
- each place's nodes; each dated corridor's history as (first-day ordinals, statuses);
- look-ups by hash: exact place id -> place code, and the place label index of
  :func:`corridors.atlas.names.place_index` (folded labels and Hangul stems -> place codes),
  built by that very function, so the folding is never re-implemented;
- the JSON row of every place and corridor (and every corridor's line), one blob each with
  offsets, decoded only for the legs found (:meth:`RouteView.place`, :meth:`RouteView.corridor`).

The file is opened with ``mmap`` and its columns are numpy views over it: nothing is read that a
query does not touch. Integrity without reading every byte: the header carries a BLAKE2b digest
of every :data:`PIECE`-byte piece of every section (the preamble's digest covers the header),
and every piece is checked before any byte
of it is used (whole columns on first use, single rows piece by piece); the ranges, pointers and
codes of the columns are checked on first use as in the network cache. No pickle, no code: a
damaged, foreign or stale file is a :class:`~corridors.errors.CacheMiss` (or, found while a
query reads it, a :class:`~corridors.network.columnfile.ColumnFileError`), and the caller answers
from the full network instead. Staleness is the network cache's rule: the same key, found
through the same size/time stamp (:mod:`corridors.network.stamp`).
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
from array import array
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridors.atlas.model import STATUSES, Corridor, Place
from corridors.errors import CacheMiss
from corridors.network import cache as netcache
from corridors.network.cache import (
    MAX_CACHE_BYTES,
    ROUTE_FORMAT,
    AtlasRows,
    atlas_rows,
    code_stamp,
    corridor_from_row,
    corridor_lines,
    place_from_row,
    route_path,
)
from corridors.network.columnfile import ColumnFile, ColumnFileError, decode, encode
from corridors.network.index import NODE_MODES, Network, paused_gc
from corridors.paths import cache_dir

if TYPE_CHECKING:
    import numpy as np

    from corridors.atlas.names import LabelIndex

__all__ = ["RouteView", "ensure_route_file", "open_view"]

PIECE = 1 << 15
"""Bytes per digested piece of a section (32 KiB: a long route touches thousands of rows)."""
_DIGEST = 8
_KEEP = 4


# ----------------------------------------------------------------------------------- write


def ensure_route_file(
    network: Network,
    *,
    root: Path,
    min_edges: int | None = None,
    rows: AtlasRows | None = None,
) -> None:
    """Write the route file of ``network`` if it is large enough and none is there; best effort.

    Parameters
    ----------
    network : Network
        A network just built or read from the cache (its atlas's fingerprint is the key).
    root : Path
        The atlas folder (corridor files are stored relative to it).
    min_edges : int, optional
        Write only for networks of at least this many edges (default
        :data:`~corridors.network.cache.ROUTE_MIN_EDGES`).
    rows : tuple of two lists of bytes, optional
        The atlas's place and corridor JSON rows (:func:`~corridors.network.cache.atlas_rows`)
        if already encoded for the network cache.
    """
    if network.index.edge_count < (netcache.ROUTE_MIN_EDGES if min_edges is None else min_edges):
        return
    path = route_path(network.atlas.fingerprint)
    if os.path.lexists(path):
        return
    from corridors.network.columnfile import write_atomically

    try:
        with paused_gc():  # a row per place and corridor: no collector passes over them all
            chunks = encode_route_file(network, root=root, rows=rows)
        write_atomically(path, chunks)
    except (OSError, ValueError, TypeError, RecursionError, UnicodeError):
        return
    _prune(path)


def _prune(keep: Path) -> None:
    """Delete all but the :data:`_KEEP` newest route files; best effort."""
    from corridors._io.files import keep_newest

    keep_newest(keep.parent, prefix="route-v", suffix=".cnet", count=_KEEP, keep=keep)


def _text(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def _hash(value: str) -> int:
    digest = hashlib.blake2b(_text(value), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _hashes(texts: list[bytes]) -> np.ndarray:
    """:func:`_hash` of many keys (already UTF-8) as one int64 array."""
    import numpy as np

    blake2b = hashlib.blake2b
    joined = b"".join([blake2b(text, digest_size=8).digest() for text in texts])
    return np.frombuffer(joined, dtype="<i8").astype(np.int64)


def _blob(items: list[bytes]) -> tuple[Any, Any]:
    """The items back to back (``|u1``) and their offsets (``<i8``), as numpy arrays: the
    joined bytes are not copied again."""
    import numpy as np

    data = np.frombuffer(b"".join(items), dtype="|u1")
    ptr = np.zeros(len(items) + 1, dtype="<i8")
    np.cumsum(np.fromiter(map(len, items), dtype=np.int64, count=len(items)), out=ptr[1:])
    return data, ptr


def _lookup(keys: list[str], name: str, sections: dict[str, array[Any]]) -> None:
    """Sections ``<name>_keys``/``_kptr`` (the keys), ``<name>_hash``/``_order`` (sorted)."""
    import numpy as np

    texts = [_text(k) for k in keys]
    sections[f"{name}_keys"], sections[f"{name}_kptr"] = _blob(texts)
    hashes = _hashes(texts)
    order = np.argsort(hashes, kind="stable")  # (hash, number) order, as sorting pairs
    sections[f"{name}_hash"] = _as_array("q", hashes[order])
    sections[f"{name}_order"] = _as_array("q", order.astype(np.int64))


def _labels(
    table: dict[str, tuple[str, ...]], code: dict[str, int], name: str, sections: dict[str, Any]
) -> None:
    from itertools import accumulate, chain

    keys = list(table)
    _lookup(keys, name, sections)
    values = list(table.values())
    members = array("q", map(code.__getitem__, chain.from_iterable(values)))
    ptr = array("q", [0])
    ptr.extend(accumulate(map(len, values)))
    sections[f"{name}_vptr"], sections[f"{name}_values"] = ptr, members


def _as_array(typecode: str, values: Any) -> array[Any]:
    out = array(typecode)
    out.frombytes(values.tobytes())
    return out


def encode_route_file(
    network: Network, *, root: Path, rows: AtlasRows | None = None
) -> list[bytes]:
    """The route file of ``network`` as chunks (see the module docstring); ``rows`` are its
    atlas's JSON rows (:func:`~corridors.network.cache.atlas_rows`), encoded here if None."""
    atlas = network.atlas
    return encode_route_parts(
        atlas,
        network.index,
        corridor_ids=list(atlas.corridors),
        rows=atlas_rows(atlas, root=root) if rows is None else rows,
        lines=corridor_lines(atlas),
    )


def encode_route_parts(
    atlas: Any,
    index: Any,
    *,
    corridor_ids: list[str],
    rows: AtlasRows,
    lines: tuple[Any, Any],
    labels: LabelIndex | None = None,
) -> list[bytes]:
    """:func:`encode_route_file` from its parts: ``atlas`` for its ``places`` and
    ``fingerprint`` (its corridors are not read), the index, the corridor ids in atlas
    order, the place and corridor JSON rows and the corridors' lines
    (:func:`~corridors.network.cache.corridor_lines`). The columnar first build
    (:mod:`corridors.network.firstbuild`) calls it without corridor objects; the bytes are
    the same. ``index`` may be a :class:`~corridors.network.bulkindex.BulkIndex` (codes and
    numpy arrays; its corridor codes number ``corridor_ids``). ``labels``: the atlas's
    :func:`~corridors.atlas.names.place_index`, when already made."""
    from corridors.atlas.names import place_index
    from corridors.network.bulkindex import BulkIndex

    place_ids = list(atlas.places)
    place_code = {pid: k for k, pid in enumerate(place_ids)}
    parts = _bulk_sections if isinstance(index, BulkIndex) else _index_sections
    sections, statuses, corridor_code = parts(index, place_ids, place_code, corridor_ids)
    _lookup(place_ids, "place", sections)
    if labels is None:
        labels = place_index(atlas)
    _labels(labels.exact, place_code, "label", sections)
    _labels(labels.stems, place_code, "stem", sections)
    _lookup(corridor_ids, "corridor", sections)

    place_rows, corridor_rows = rows
    sections["place_rows"], sections["place_rptr"] = _blob(place_rows)
    sections["corridor_rows"], sections["corridor_rptr"] = _blob(corridor_rows)
    sections["corridor_xy"], sections["corridor_ptr"] = lines
    small = {
        "statuses": statuses,
        "timelines": [
            [corridor_code(c), list(days), list(states)]
            for c, (days, states) in index.corridor_timelines.items()
        ],
    }
    text = json.dumps(small, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    sections["small"] = array("B", text.encode("ascii"))
    digests = _section_digests(sections)
    meta = {
        "format": ROUTE_FORMAT,
        "package": _package(),
        "code": code_stamp(),
        "fingerprint": atlas.fingerprint,
        "piece": PIECE,
        "digests": digests,
    }
    return encode(version=ROUTE_FORMAT, meta=meta, sections=sections, checksum=False)


def _index_sections(
    index: Any, place_ids: list[str], place_code: dict[str, int], corridor_ids: list[str]
) -> tuple[dict[str, Any], list[str], Any]:
    """The graph's sections of a RouteIndex (node keys to place nodes), its statuses, and a
    function numbering a corridor id (``place_code``: place id -> its number)."""
    import numpy as np

    corridor_code: dict[str | None, int] = {cid: k for k, cid in enumerate(corridor_ids)}
    corridor_code[None] = len(corridor_ids)  # synthetic edges (transfers, open sea)
    statuses = sorted(set(index.edge_status))
    status_code = {s: k for k, s in enumerate(statuses)}
    mode_code = {m: k for k, m in enumerate(NODE_MODES)}
    node_keys = np.asarray(index.node_keys, dtype=np.int64)
    # Node keys are codes into ``index.place_ids``: re-code them into the atlas's place order.
    recode = np.asarray([place_code[p] for p in index.place_ids], dtype=np.int64)
    if len(node_keys):
        node_keys = recode[node_keys >> 3] * 8 + (node_keys & 7)
    sections: dict[str, Any] = {
        "node_keys": _as_array("q", node_keys),
        **_graph_sections(index),
        "edge_start": array("q", map(place_code.__getitem__, index.edge_start)),
        "edge_end": array("q", map(place_code.__getitem__, index.edge_end)),
        "edge_mode": array("i", map(mode_code.__getitem__, index.edge_mode)),
        "edge_status": array("i", map(status_code.__getitem__, index.edge_status)),
        "edge_corridor": array("i", map(corridor_code.__getitem__, index.edge_corridor)),
        "edge_length_m": array("d", index.edge_length_m),
        "coord_xy": array("d", index.coord_xy),
        "coord_ptr": array("q", index.coord_ptr),
    }
    members = array("q")
    ptr = array("q", [0])
    for pid in place_ids:
        members.extend(index.place_nodes.get(pid, ()))
        ptr.append(len(members))
    sections["place_nodes_ptr"], sections["place_nodes"] = ptr, members
    return sections, statuses, corridor_code.__getitem__


def _bulk_sections(
    index: Any, place_ids: list[str], place_code: dict[str, int], corridor_ids: list[str]
) -> tuple[dict[str, Any], list[str], Any]:
    """:func:`_index_sections` of a coded index (:class:`~corridors.network.bulkindex.BulkIndex`):
    the same bytes from numpy arrays."""
    import numpy as np

    from corridors.atlas.model import STATUSES
    from corridors.network.terms import NO_CORRIDOR

    node_keys = index.node_keys
    start, end = index.start_code, index.end_code
    place_ptr, members = index.place_ptr, index.place_members
    if index.place_ids != place_ids:  # re-code into the atlas's place order
        recode = np.asarray([place_code[p] for p in index.place_ids], dtype=np.int64)
        node_keys = recode[node_keys >> 3] * 8 + (node_keys & 7)
        start, end = recode[start], recode[end]
        where = np.empty(len(place_ids), dtype=np.int64)
        where[recode] = np.arange(len(recode))
        counts = np.diff(place_ptr)[where]
        place_ptr = np.zeros(len(place_ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=place_ptr[1:])
        first = np.repeat(index.place_ptr[where] - place_ptr[:-1], counts)
        members = members[first + np.arange(len(first))]
    present = np.unique(index.status_code)
    names = [STATUSES[code] for code in present.tolist()]
    statuses = sorted(names)
    status_rank = np.zeros(len(STATUSES), dtype=np.int64)
    status_rank[present] = [statuses.index(name) for name in names]
    count = len(corridor_ids)
    corridor = np.where(index.corridor_code == NO_CORRIDOR, count, index.corridor_code)
    code_of: dict[str | None, int] = {}
    sections: dict[str, Any] = {
        "node_keys": np.ascontiguousarray(node_keys, dtype="<i8"),
        **_graph_sections(index),
        "edge_start": np.ascontiguousarray(start, dtype="<i8"),
        "edge_end": np.ascontiguousarray(end, dtype="<i8"),
        "edge_mode": np.ascontiguousarray(index.mode_code, dtype="<i4"),
        "edge_status": status_rank[index.status_code].astype("<i4"),
        "edge_corridor": corridor.astype("<i4"),
        "edge_length_m": np.ascontiguousarray(index.edge_length_m, dtype="<f8"),
        "coord_xy": np.ascontiguousarray(index.coord_xy, dtype="<f8"),
        "coord_ptr": np.ascontiguousarray(index.coord_ptr, dtype="<i8"),
        "place_nodes_ptr": np.ascontiguousarray(place_ptr, dtype="<i8"),
        "place_nodes": np.ascontiguousarray(members, dtype="<i8"),
    }

    def corridor_code(cid: str | None) -> int:  # made on first use: few corridors are dated
        if not code_of:
            code_of.update(zip(corridor_ids, range(count), strict=True))
            code_of[None] = count
        return code_of[cid]

    return sections, statuses, corridor_code


def _graph_sections(index: Any) -> dict[str, Any]:
    """The undirected graph as a fixed CSR structure: one slot per ordered node pair joined by
    an edge (self-loops left out), columns ascending in each row; per slot its lowest edge id,
    and for the few slots of parallel edges all their edges (ascending), so that a query only
    looks up costs: ``csr_ptr``, ``csr_col``, ``slot_edge``, ``multi_slot``, ``multi_ptr``,
    ``multi_edge``."""
    import numpy as np

    u = np.asarray(index.edge_u, dtype=np.int64)
    v = np.asarray(index.edge_v, dtype=np.int64)
    nodes = len(index.node_keys)
    edge = np.arange(len(u), dtype=np.int64)
    loop = u == v
    row = np.concatenate([u[~loop], v[~loop]])
    col = np.concatenate([v[~loop], u[~loop]])
    via = np.concatenate([edge[~loop], edge[~loop]])
    order = np.lexsort((via, col, row))
    row, col, via = row[order], col[order], via[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = (row[1:] != row[:-1]) | (col[1:] != col[:-1])
    starts = np.flatnonzero(first)
    counts = np.diff(np.append(starts, len(row)))
    ptr = np.zeros(nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(row[starts], minlength=nodes), out=ptr[1:])
    multi = np.flatnonzero(counts > 1)
    members = via[np.repeat(counts > 1, counts)]  # entries are grouped by slot, in order
    multi_ptr = np.zeros(len(multi) + 1, dtype=np.int64)
    np.cumsum(counts[multi], out=multi_ptr[1:])
    return {
        "csr_ptr": ptr.astype("<i8"),
        "csr_col": col[starts].astype("<i4"),
        "slot_edge": via[starts].astype("<i8"),
        "multi_slot": multi.astype("<i8"),
        "multi_ptr": multi_ptr.astype("<i8"),
        "multi_edge": members.astype("<i8"),
    }


def _section_digests(sections: dict[str, Any]) -> dict[str, str]:
    """:func:`_digests` of every section, on two threads (BLAKE2b lets go of the GIL while it
    hashes a piece, so a 10^6 route file's ~550 MB take about half the time on two cores);
    the digests are the same as one thread's, in the sections' order."""
    from concurrent.futures import ThreadPoolExecutor

    views = [memoryview(values).cast("B") for values in sections.values()]
    with ThreadPoolExecutor(max_workers=2) as pool:  # route files are written from ~30 MB
        found = list(pool.map(_digests, views))
    return dict(zip(sections, found, strict=True))


def _digests(data: memoryview) -> str:
    return "".join(
        hashlib.blake2b(data[at : at + PIECE], digest_size=_DIGEST).hexdigest()
        for at in range(0, len(data), PIECE)
    )


def _package() -> str:
    from corridors import __version__

    return __version__


# ------------------------------------------------------------------------------------ read


def open_view(atlas: str | os.PathLike[str] | None = None) -> RouteView | None:
    """The route view of ``atlas`` if its route file is there and current, else None.

    Current means: the atlas files' size/time stamp names a known content hash
    (:func:`corridors.network.stamp.known_fingerprint`, else None: the caller loads the full
    network, which reads and hashes the files) and the route file for that hash, this package
    version, code and format exists and is sound. Never raises for a bad cache file.

    Raises
    ------
    AtlasError
        If the atlas folder is missing or lacks its required files.
    """
    from corridors.atlas.folder import atlas_root
    from corridors.network import stamp

    root = atlas_root(atlas)
    known = stamp.known_fingerprint(cache_dir(), root)
    if known is None:
        return None
    try:
        return read_view(route_path(known), root=root, fingerprint=known)
    except CacheMiss:
        return None


def read_view(path: Path, *, root: Path, fingerprint: str) -> RouteView:
    """The route file at ``path``, memory-mapped and checked (see the module docstring).

    Raises
    ------
    CacheMiss
        For any reason the file cannot be used.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise CacheMiss(f"no route file at {path}") from None
    except OSError as exc:
        raise CacheMiss(f"{path} is unreadable ({exc.strerror or exc})") from None
    try:
        import stat

        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode) or not 0 < found.st_size <= MAX_CACHE_BYTES:
            raise CacheMiss(f"{path} is not a regular file of a usable size")
        mapped = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)
    except OSError as exc:
        raise CacheMiss(f"{path} is unreadable ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    try:
        return RouteView(memoryview(mapped), root=root, fingerprint=fingerprint)
    except (ColumnFileError, ValueError, TypeError, KeyError, IndexError) as exc:
        raise CacheMiss(f"{path} is unusable: {exc}") from None


class _Store:
    """The sections of a route file, each piece checked against its digest before use."""

    def __init__(self, columns: ColumnFile, digests: dict[str, str], piece: int) -> None:
        self.columns = columns
        self.digests = digests
        self.piece = piece
        self.checked: set[tuple[str, int]] = set()
        self.arrays: dict[str, Any] = {}
        self.raw: dict[str, Any] = {}

    def _check(self, name: str, data: memoryview, first: int, stop: int) -> None:
        known = self.digests.get(name)
        pieces = -(-len(data) // self.piece)
        if type(known) is not str or len(known) != 2 * _DIGEST * pieces:
            raise ColumnFileError(f"section '{name}' has no digests")
        for k in range(first // self.piece, -(-stop // self.piece)):
            if (name, k) in self.checked:
                continue
            at = k * self.piece
            digest = hashlib.blake2b(data[at : at + self.piece], digest_size=_DIGEST)
            if digest.hexdigest() != known[2 * _DIGEST * k : 2 * _DIGEST * (k + 1)]:
                raise ColumnFileError(f"section '{name}' is corrupted (digest mismatch)")
            self.checked.add((name, k))

    def array(self, name: str, dtype: str) -> np.ndarray:
        """A whole column, checked (once)."""
        found = self.arrays.get(name)
        if found is None:
            import numpy as np

            data = self.columns.section_bytes(name, dtype)
            self._check(name, data, 0, len(data))
            found = self.arrays[name] = np.frombuffer(data, dtype=np.dtype(dtype))
        return found

    def unchecked(self, name: str, dtype: str) -> np.ndarray:
        """A whole column NOT checked: only to search in, never to use a value of unchecked
        (:meth:`part` the items found)."""
        found = self.raw.get(name)
        if found is None:
            import numpy as np

            data = self.columns.section_bytes(name, dtype)
            found = self.raw[name] = np.frombuffer(data, dtype=np.dtype(dtype))
        return found

    def length(self, name: str, dtype: str) -> int:
        """The number of items of a column (from the checked section table)."""
        import numpy as np

        return len(self.columns.section_bytes(name, dtype)) // np.dtype(dtype).itemsize

    def part(self, name: str, dtype: str, first: int, stop: int) -> np.ndarray:
        """Items ``first`` to ``stop`` of a column, checking only the pieces they lie in."""
        import numpy as np

        data = self.columns.section_bytes(name, dtype)
        size = np.dtype(dtype).itemsize
        if not 0 <= first <= stop <= len(data) // size:
            raise ColumnFileError(f"section '{name}': items out of range")
        self._check(name, data, first * size, stop * size)
        return np.frombuffer(data[first * size : stop * size], dtype=np.dtype(dtype))

    def span(self, ptr: str, item: int) -> tuple[int, int]:
        """``ptr[item]`` and ``ptr[item + 1]`` of an offsets column (checked, ordered)."""
        first, stop = (int(x) for x in self.part(ptr, "<i8", item, item + 2))
        if not 0 <= first <= stop:
            raise ColumnFileError(f"section '{ptr}': offsets out of order")
        return first, stop

    def item_bytes(self, blob: str, ptr: str, item: int) -> bytes:
        """Item ``item`` of a byte blob with its offsets column."""
        first, stop = self.span(ptr, item)
        return self.part(blob, "|u1", first, stop).tobytes()


def _check_pointers(ptr: Any, size: int, name: str) -> None:
    import numpy as np

    if not len(ptr) or ptr[0] != 0 or ptr[-1] != size or np.any(ptr[1:] < ptr[:-1]):
        raise ColumnFileError(f"{name} does not span its column")


def _check_range(values: Any, size: int, name: str) -> None:
    if len(values) and (int(values.min()) < 0 or int(values.max()) >= size):
        raise ColumnFileError(f"{name} out of range")


class _Lookup:
    """A hashed string look-up of a route file: key -> item number.

    The sorted hashes are searched unchecked (a damaged hash can only make a key not found,
    and then the full network answers); the item found is checked, and its key compared.
    """

    def __init__(self, store: _Store, name: str) -> None:
        self.store, self.name = store, name
        self.size = store.length(f"{name}_kptr", "<i8") - 1
        if self.size < 0 or store.length(f"{name}_order", "<i8") != self.size:
            raise ColumnFileError(f"{name} look-up has the wrong length")
        self.hashes = store.unchecked(f"{name}_hash", "<i8")
        if len(self.hashes) != self.size:
            raise ColumnFileError(f"{name} look-up has the wrong length")

    def key(self, number: int) -> str:
        """The key of item ``number``."""
        if not 0 <= number < self.size:
            raise ColumnFileError(f"{self.name}: item out of range")
        raw = self.store.item_bytes(f"{self.name}_keys", f"{self.name}_kptr", number)
        return raw.decode("utf-8", "surrogatepass")

    def number(self, key: str) -> int | None:
        """The item number of ``key`` (None: no such key)."""
        import numpy as np

        wanted = np.int64(_hash(key))
        at = int(np.searchsorted(self.hashes, wanted))
        while at < self.size and self.hashes[at] == wanted:
            found = int(self.store.part(f"{self.name}_order", "<i8", at, at + 1)[0])
            if self.key(found) == key:
                return found
            at += 1
        return None


class _Labels:
    """A label table (folded key -> place ids) read from a route file; ``get`` as a dict's."""

    def __init__(self, store: _Store, name: str, view: RouteView) -> None:
        self.lookup = _Lookup(store, name)
        self.store, self.name, self.view = store, name, view

    def get(self, key: str | None, default: Any = None) -> tuple[str, ...] | None:
        number = None if key is None else self.lookup.number(key)
        if number is None:
            return default
        first, stop = self.store.span(f"{self.name}_vptr", number)
        codes = self.store.part(f"{self.name}_values", "<i8", first, stop)
        return tuple(self.view.place_id(int(code)) for code in codes)


class _Column:
    """One edge column as a sequence of Python values (``column[edge]``)."""

    def __init__(self, values: Any, table: Any = None) -> None:
        self.values, self.table = values, table

    def __getitem__(self, item: int) -> Any:
        value = self.values[item]
        return self.table(int(value)) if self.table is not None else value.item()

    def __len__(self) -> int:
        return len(self.values)


class _Items(Mapping[str, Any]):
    """Places or corridors by id, each decoded from its row when first asked for."""

    def __init__(self, view: RouteView, *, places: bool) -> None:
        self.view, self.places = view, places
        self.found: dict[str, Any] = {}

    def _lookup(self) -> _Lookup:
        return self.view.place_lookup if self.places else self.view.corridor_lookup

    def __getitem__(self, key: str) -> Any:
        found = self.found.get(key)
        if found is None:
            number = self._lookup().number(key) if type(key) is str else None
            if number is None:
                raise KeyError(key)
            found = self.view.place(number) if self.places else self.view.corridor(number)
            self.found[key] = found
        return found

    def __iter__(self) -> Iterator[str]:
        lookup = self._lookup()
        return (lookup.key(k) for k in range(lookup.size))

    def __len__(self) -> int:
        return self._lookup().size


class _LazyAtlas:
    """The parts of :class:`~corridors.atlas.model.Atlas` a route and its report read."""

    def __init__(self, view: RouteView, root: Path, fingerprint: str) -> None:
        self.root, self.fingerprint = root, fingerprint
        self.places: Mapping[str, Place] = _Items(view, places=True)
        self.corridors: Mapping[str, Corridor] = _Items(view, places=False)


class RouteView:
    """A route file opened: the route graph's columns (numpy, memory-mapped) and the atlas's
    places and corridors decoded one by one on demand.

    It offers what :func:`corridors.routing.route.route`'s assembly and the route report read
    of a :class:`~corridors.network.index.Network`: ``atlas.places``, ``atlas.corridors``
    (mappings), and on ``index`` the edge columns ``edge_mode``, ``edge_start``, ``edge_end``,
    ``edge_corridor``, ``edge_status``, ``edge_length_m`` and ``is_open_sea``,
    ``edge_coords_of``. ``view.index`` is the view itself.

    Checked on opening (every piece's digest, and ranges): the columns every query reads whole
    (edge codes and lengths, the CSR structure). Everything else is checked piece by piece
    as it is read (rows, lines, look-ups, each place's nodes).
    """

    def __init__(self, data: memoryview, *, root: Path, fingerprint: str) -> None:
        import numpy as np

        columns = decode(data, version=ROUTE_FORMAT, checksum=False)
        meta = columns.meta
        found = (meta.get("package"), meta.get("code"), meta.get("format"))
        if found != (_package(), code_stamp(), ROUTE_FORMAT):
            raise ColumnFileError("written by another version or code")
        if meta.get("fingerprint") != fingerprint:
            raise ColumnFileError("written for other atlas contents")
        digests, piece = meta.get("digests"), meta.get("piece")
        if type(digests) is not dict or type(piece) is not int or piece <= 0:
            raise ColumnFileError("no digests")
        store = self.store = _Store(columns, digests, piece)
        self.index = self
        self.atlas = _LazyAtlas(self, root, fingerprint)
        self._file_of: dict[str, str] = {}
        try:
            small = json.loads(store.array("small", "|u1").tobytes())
        except ValueError:
            raise ColumnFileError("unreadable small section") from None
        if type(small) is not dict:
            raise ColumnFileError("unreadable small section")
        self.statuses: list[str] = small.get("statuses")  # type: ignore[assignment]
        if type(self.statuses) is not list or not set(self.statuses) <= set(STATUSES):
            raise ColumnFileError("unknown statuses")
        self.node_count = nodes = store.length("node_keys", "<i8")
        self.edge_length = store.array("edge_length_m", "<f8")
        self.edge_count = edges = len(self.edge_length)
        self.place_lookup = _Lookup(store, "place")
        self.place_count = places = self.place_lookup.size
        self.corridor_lookup = _Lookup(store, "corridor")
        self.corridor_count = corridors = self.corridor_lookup.size
        codes = {
            "edge_start": ("<i8", places),
            "edge_end": ("<i8", places),
            "edge_mode": ("<i4", len(NODE_MODES)),
            "edge_status": ("<i4", len(self.statuses)),
            "edge_corridor": ("<i4", corridors + 1),
        }
        self.codes: dict[str, Any] = {}
        for name, (dtype, size) in codes.items():
            values = self.codes[name] = store.array(name, dtype)
            if len(values) != edges:
                raise ColumnFileError(f"{name} has the wrong length")
            _check_range(values, size, name)
        # The CSR structure goes to scipy's compiled code: every index must be in range.
        self.csr_ptr = store.array("csr_ptr", "<i8")
        self.csr_col = store.array("csr_col", "<i4")
        self.slot_edge = store.array("slot_edge", "<i8")
        slots = len(self.csr_col)
        if len(self.csr_ptr) != nodes + 1 or len(self.slot_edge) != slots:
            raise ColumnFileError("the CSR structure has the wrong length")
        _check_pointers(self.csr_ptr, slots, "csr_ptr")
        _check_range(self.csr_col, nodes, "csr_col")
        _check_range(self.slot_edge, edges, "slot_edge")
        self.multi_slot = store.array("multi_slot", "<i8")
        self.multi_ptr = store.array("multi_ptr", "<i8")
        self.multi_edge = store.array("multi_edge", "<i8")
        if len(self.multi_ptr) != len(self.multi_slot) + 1:
            raise ColumnFileError("multi_ptr has the wrong length")
        _check_pointers(self.multi_ptr, len(self.multi_edge), "multi_ptr")
        _check_range(self.multi_slot, slots, "multi_slot")
        _check_range(self.multi_edge, edges, "multi_edge")
        if len(self.multi_slot) and np.any(self.multi_slot[1:] <= self.multi_slot[:-1]):
            raise ColumnFileError("multi_slot is not ascending")
        if store.length("coord_ptr", "<i8") != edges + 1:
            raise ColumnFileError("coord_ptr has the wrong length")
        if store.length("place_nodes_ptr", "<i8") != places + 1:
            raise ColumnFileError("place_nodes_ptr has the wrong length")
        if store.length("corridor_ptr", "<i8") != corridors + 1:
            raise ColumnFileError("corridor_ptr has the wrong length")
        for ptr, count in (("place_rptr", places), ("corridor_rptr", corridors)):
            if store.length(ptr, "<i8") != count + 1:
                raise ColumnFileError(f"{ptr} has the wrong length")
        self.timelines: list[tuple[int, tuple[tuple[int, ...], tuple[str, ...]]]] = []
        lines = small.get("timelines")
        if type(lines) is not list:
            raise ColumnFileError("unreadable timelines")
        for entry in lines:
            if (
                type(entry) is not list
                or len(entry) != 3
                or type(entry[0]) is not int
                or not 0 <= entry[0] < corridors
                or type(entry[1]) is not list
                or type(entry[2]) is not list
                or len(entry[1]) != len(entry[2])
                or not all(type(d) is int for d in entry[1])
                or not all(s in STATUSES for s in entry[2])
            ):
                raise ColumnFileError("unreadable timelines")
            self.timelines.append((entry[0], (tuple(entry[1]), tuple(entry[2]))))
        self.labels = _Labels(store, "label", self)
        self.stems = _Labels(store, "stem", self)
        self.edge_mode = _Column(self.codes["edge_mode"], NODE_MODES.__getitem__)
        self.edge_start = _Column(self.codes["edge_start"], self.place_id)
        self.edge_end = _Column(self.codes["edge_end"], self.place_id)
        self.edge_status = _Column(self.codes["edge_status"], self.statuses.__getitem__)
        self.edge_corridor = _Column(self.codes["edge_corridor"], self.corridor_id)
        self.edge_length_m = _Column(self.edge_length)

    # -- places and corridors

    def place_id(self, code: int) -> str:
        """The id of the place with ``code``."""
        return self.place_lookup.key(code)

    def corridor_id(self, code: int) -> str | None:
        """The id of the corridor with ``code`` (None: a synthetic edge of no corridor)."""
        return None if code == self.corridor_count else self.corridor_lookup.key(code)

    def place(self, code: int) -> Place:
        """The place with ``code``, decoded from its row."""
        row = _json(self.store.item_bytes("place_rows", "place_rptr", code))
        return place_from_row(row)

    def corridor(self, code: int) -> Corridor:
        """The corridor with ``code``, decoded from its row and line."""
        row = _json(self.store.item_bytes("corridor_rows", "corridor_rptr", code))
        first, stop = self.store.span("corridor_ptr", code)
        flat = self.store.part("corridor_xy", "<f8", 2 * first, 2 * stop).tolist()
        coords = tuple(zip(flat[0::2], flat[1::2], strict=True))
        return corridor_from_row(row, coords, self._file)

    def _file(self, relative: str) -> str:
        found = self._file_of.get(relative)
        if found is None:
            found = self._file_of[relative] = str(self.atlas.root / relative)
        return found

    def place_code(self, place_id: str) -> int | None:
        """The code of the place with id ``place_id`` (None: no such place)."""
        return self.place_lookup.number(place_id)

    def nodes_of(self, place_id: str, modes: set[str] | None = None) -> list[int]:
        """The place's nodes (ascending), restricted to ``modes`` if given."""
        code = self.place_code(place_id)
        if code is None:
            return []
        first, stop = self.store.span("place_nodes_ptr", code)
        nodes = [int(n) for n in self.store.part("place_nodes", "<i8", first, stop)]
        if not all(0 <= n < self.node_count for n in nodes):
            raise ColumnFileError("place_nodes out of range")
        if modes is None:
            return nodes
        return [n for n in nodes if self.node_mode(n) in modes]

    def node_mode(self, node: int) -> str:
        """The mode of a node."""
        key = int(self.store.part("node_keys", "<i8", node, node + 1)[0])
        if not 0 <= key & 7 < len(NODE_MODES):
            raise ColumnFileError("node_keys name an unknown mode")
        return NODE_MODES[key & 7]

    # -- edges

    def is_open_sea(self, edge: int) -> bool:
        """Whether an edge is open sea (see :meth:`RouteIndex.is_open_sea`)."""
        from corridors.network.terms import is_open_sea

        return is_open_sea(self.edge_corridor[edge], self.edge_mode[edge])

    def edge_coords_of(self, edge: int) -> tuple[tuple[float, float], ...]:
        """The line of one edge as (lon, lat) pairs, from its start place to its end place."""
        first, stop = self.store.span("coord_ptr", edge)
        flat = self.store.part("coord_xy", "<f8", 2 * first, 2 * stop).tolist()
        return tuple(zip(flat[0::2], flat[1::2], strict=True))

    def slot_of(self, row: int, col: int) -> int:
        """The CSR slot of the node pair (row, col) (which must be joined)."""
        import numpy as np

        first, stop = int(self.csr_ptr[row]), int(self.csr_ptr[row + 1])
        at = first + int(np.searchsorted(self.csr_col[first:stop], col))
        if at >= stop or int(self.csr_col[at]) != col:
            raise ColumnFileError("a path step is not an edge")
        return at

    def dated(self, ordinal: int, statuses: set[str]) -> np.ndarray:
        """Per corridor code (plus one for no corridor): 1 usable on the day with ``ordinal``,
        0 not, -1 no history (its edges' own status decides)."""
        import numpy as np

        from corridors.atlas.timeline import status_at_ordinal

        dated = np.full(self.corridor_count + 1, -1, dtype=np.int8)
        for code, line in self.timelines:
            dated[code] = status_at_ordinal(line, ordinal) in statuses
        return dated


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw, parse_constant=_refuse)
    except (ValueError, RecursionError):
        raise ColumnFileError("unreadable row") from None


def _refuse(name: str) -> Any:
    raise ValueError(name)
