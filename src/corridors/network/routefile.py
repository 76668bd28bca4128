"""The route file: what a cached route query needs, memory-mapped, without the atlas's objects.

Why: at 10^6 segments, turning the network cache's million corridor rows back into Python
objects took ~80 % of a cached ``corridors route`` (20 s, 3.5 GB). A route needs the graph,
the edge columns that price it, a place look-up, and objects for the handful of legs found.
So, next to the network cache (:mod:`corridors.network.cache`) of a large atlas, this module
writes one more :mod:`~corridors.network.columnfile` (``route-v<format>-<key>.cnet``, the same
key: atlas content, package version and code, format) holding only numeric and byte columns:

- the route graph: node keys, the edges' place codes, mode and status codes, corridor codes,
  lengths and lines (``coord_xy``/``coord_ptr``), and every (node, node, edge) pair of the
  undirected graph sorted by (node, node, edge), so that a query only prices the edges and
  keeps the cheapest per pair (no sorting per query);
- each place's nodes; each dated corridor's history as (first-day ordinals, statuses);
- look-ups by hash: exact place id -> place code, and the place label index of
  :func:`corridors.atlas.names.place_index` (folded labels and Hangul stems -> place codes),
  built by that very function, so the folding is never re-implemented;
- the JSON row of every place and corridor (and every corridor's line), one blob each with
  offsets, decoded only for the legs found (:meth:`RouteView.place`, :meth:`RouteView.corridor`).

The file is opened with ``mmap`` and its columns are numpy views over it: nothing is read that a
query does not touch. Integrity without reading every byte: the header carries a BLAKE2b digest
of every :data:`PIECE`-byte piece of every section, and every piece is checked before any byte
of it is used (whole columns on first use, single rows piece by piece); the ranges, pointers and
codes of the columns are checked on first use as in the network cache. No pickle, no code: a
damaged, foreign or stale file is a :class:`~corridors.errors.CacheMiss` (or, found while a
query reads it, a :class:`~corridors.network.columnfile.ColumnFileError`), and the caller answers
from the full network instead. Staleness is the network cache's rule: the same key, found
through the same size/time stamp (:mod:`corridors.network.stamp`).
"""

from __future__ import annotations

import contextlib
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
from corridors.network.cache import (
    MAX_CACHE_BYTES,
    cache_key,
    code_stamp,
    corridor_from_row,
    corridor_row,
    place_from_row,
    place_row,
)
from corridors.network.columnfile import ColumnFile, ColumnFileError, decode, encode
from corridors.network.index import NODE_MODES, Network
from corridors.paths import cache_dir

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MIN_EDGES", "ROUTE_FORMAT", "RouteView", "ensure_route_file", "open_view"]

ROUTE_FORMAT = 1
"""Version of the route file's layout."""
MIN_EDGES = 50_000
"""A route file is written for networks of this many edges or more (below, the whole network
loads in well under a second and a route needs neither numpy nor scipy)."""
PIECE = 1 << 18
"""Bytes per digested piece of a section (256 KiB)."""
_DIGEST = 16
_KEEP = 4


def route_path(fingerprint: str) -> Path:
    """Where the route file of the atlas with ``fingerprint`` is kept."""
    return cache_dir() / f"route-v{ROUTE_FORMAT}-{cache_key(fingerprint)}.cnet"


# ----------------------------------------------------------------------------------- write


def ensure_route_file(network: Network, *, root: Path, min_edges: int | None = None) -> None:
    """Write the route file of ``network`` if it is large enough and none is there; best effort.

    Parameters
    ----------
    network : Network
        A network just built or read from the cache (its atlas's fingerprint is the key).
    root : Path
        The atlas folder (corridor files are stored relative to it).
    min_edges : int, optional
        Write only for networks of at least this many edges (default :data:`MIN_EDGES`).
    """
    if network.index.edge_count < (MIN_EDGES if min_edges is None else min_edges):
        return
    path = route_path(network.atlas.fingerprint)
    if os.path.lexists(path):
        return
    from corridors.network.columnfile import write_atomically

    try:
        chunks = encode_route_file(network, root=root)
        write_atomically(path, chunks)
    except (OSError, ValueError, TypeError, RecursionError, UnicodeError):
        return
    _prune(path)


def _prune(keep: Path) -> None:
    with contextlib.suppress(OSError):
        found = sorted(
            (entry.stat(follow_symlinks=False).st_mtime, entry.path)
            for entry in os.scandir(keep.parent)
            if entry.name.startswith("route-v") and entry.name.endswith(".cnet")
        )
        for _, stale in found[:-_KEEP]:
            if stale != str(keep):
                with contextlib.suppress(OSError):
                    os.unlink(stale)


def _text(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def _hash(value: str) -> int:
    digest = hashlib.blake2b(_text(value), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def _blob(items: list[bytes]) -> tuple[array[int], array[int]]:
    from itertools import accumulate

    data = array("B", b"".join(items))
    ptr = array("q", [0])
    ptr.extend(accumulate(map(len, items)))
    return data, ptr


def _lookup(keys: list[str], name: str, sections: dict[str, array[Any]]) -> None:
    """Sections ``<name>_keys``/``_kptr`` (the keys), ``<name>_hash``/``_order`` (sorted)."""
    sections[f"{name}_keys"], sections[f"{name}_kptr"] = _blob([_text(k) for k in keys])
    pairs = sorted((_hash(key), number) for number, key in enumerate(keys))
    sections[f"{name}_hash"] = array("q", [h for h, _ in pairs])
    sections[f"{name}_order"] = array("q", [n for _, n in pairs])


def _labels(
    table: dict[str, tuple[str, ...]], code: dict[str, int], name: str, sections: dict[str, Any]
) -> None:
    keys = list(table)
    _lookup(keys, name, sections)
    members = array("q")
    ptr = array("q", [0])
    for key in keys:
        members.extend(code[i] for i in table[key])
        ptr.append(len(members))
    sections[f"{name}_vptr"], sections[f"{name}_values"] = ptr, members


def _as_array(typecode: str, values: Any) -> array[Any]:
    out = array(typecode)
    out.frombytes(values.tobytes())
    return out


def encode_route_file(network: Network, *, root: Path) -> list[bytes]:
    """The route file of ``network`` as chunks (see the module docstring)."""
    import numpy as np

    from corridors.atlas.names import place_index

    atlas, index = network.atlas, network.index
    place_ids = list(atlas.places)
    place_code = {pid: k for k, pid in enumerate(place_ids)}
    corridor_ids = list(atlas.corridors)
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
    u = np.asarray(index.edge_u, dtype=np.int64)
    v = np.asarray(index.edge_v, dtype=np.int64)
    edge = np.arange(len(u), dtype=np.int64)
    loop = u == v
    row = np.concatenate([u[~loop], v[~loop]])
    col = np.concatenate([v[~loop], u[~loop]])
    via = np.concatenate([edge[~loop], edge[~loop]])
    order = np.lexsort((via, col, row))
    sections: dict[str, Any] = {
        "node_keys": _as_array("q", node_keys),
        "pair_row": _as_array("q", row[order]),
        "pair_col": _as_array("q", col[order]),
        "pair_edge": _as_array("q", via[order]),
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
    _lookup(place_ids, "place", sections)
    labels = place_index(atlas)
    _labels(labels.exact, place_code, "label", sections)
    _labels(labels.stems, place_code, "stem", sections)
    _lookup(corridor_ids, "corridor", sections)

    def dumps(value: Any) -> bytes:
        text = json.dumps(value, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
        return text.encode("ascii")

    sections["place_rows"], sections["place_rptr"] = _blob(
        [dumps(place_row(p)) for p in atlas.places.values()]
    )
    sections["corridor_rows"], sections["corridor_rptr"] = _blob(
        [dumps(corridor_row(c, root=root)) for c in atlas.corridors.values()]
    )
    xy: array[float] = array("d")
    line_ptr = array("q", [0])
    for corridor in atlas.corridors.values():
        for lon, lat in corridor.coords:
            xy.append(lon)
            xy.append(lat)
        line_ptr.append(len(xy) // 2)
    sections["corridor_xy"], sections["corridor_ptr"] = xy, line_ptr
    small = {
        "statuses": statuses,
        "timelines": [
            [corridor_code[c], list(days), list(states)]
            for c, (days, states) in index.corridor_timelines.items()
        ],
    }
    sections["small"] = array("B", dumps(small))
    digests = {name: _digests(memoryview(values).cast("B")) for name, values in sections.items()}
    meta = {
        "format": ROUTE_FORMAT,
        "package": _package(),
        "code": code_stamp(),
        "fingerprint": atlas.fingerprint,
        "piece": PIECE,
        "digests": digests,
    }
    return encode(version=ROUTE_FORMAT, meta=meta, sections=sections)


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
    from corridors.atlas.read import atlas_root
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

    def part(self, name: str, dtype: str, first: int, stop: int) -> np.ndarray:
        """Items ``first`` to ``stop`` of a column, checking only the pieces they lie in."""
        import numpy as np

        data = self.columns.section_bytes(name, dtype)
        size = np.dtype(dtype).itemsize
        if not 0 <= first <= stop <= len(data) // size:
            raise ColumnFileError(f"section '{name}': items out of range")
        self._check(name, data, first * size, stop * size)
        return np.frombuffer(data[first * size : stop * size], dtype=np.dtype(dtype))

    def item_bytes(self, blob: str, ptr: str, item: int) -> bytes:
        """Item ``item`` of a byte blob with its offsets column."""
        offsets = self.array(ptr, "<i8")
        if not 0 <= item < len(offsets) - 1:
            raise ColumnFileError(f"section '{ptr}': item out of range")
        first, stop = int(offsets[item]), int(offsets[item + 1])
        return self.part(blob, "|u1", first, stop).tobytes()


def _check_pointers(ptr: Any, size: int, name: str) -> None:
    import numpy as np

    if not len(ptr) or ptr[0] != 0 or ptr[-1] != size or np.any(np.diff(ptr) < 0):
        raise ColumnFileError(f"{name} does not span its column")


def _check_range(values: Any, size: int, name: str) -> None:
    if len(values) and (int(values.min()) < 0 or int(values.max()) >= size):
        raise ColumnFileError(f"{name} out of range")


class _Lookup:
    """A hashed string look-up of a route file: key -> item number (and item values)."""

    def __init__(self, store: _Store, name: str, size: int) -> None:
        import numpy as np

        self.store, self.name = store, name
        self.hashes = store.array(f"{name}_hash", "<i8")
        self.order = store.array(f"{name}_order", "<i8")
        ptr = store.array(f"{name}_kptr", "<i8")
        if len(self.hashes) != len(self.order) or len(ptr) != len(self.order) + 1:
            raise ColumnFileError(f"{name} look-up has the wrong length")
        if np.any(np.diff(self.hashes) < 0):
            raise ColumnFileError(f"{name} look-up is not sorted")
        _check_range(self.order, size, f"{name}_order")
        self.size = size

    def key(self, number: int) -> str:
        """The key of item ``number``."""
        raw = self.store.item_bytes(f"{self.name}_keys", f"{self.name}_kptr", number)
        return raw.decode("utf-8", "surrogatepass")

    def number(self, key: str) -> int | None:
        """The item number of ``key`` (None: no such key)."""
        import numpy as np

        wanted = np.int64(_hash(key))
        at = int(np.searchsorted(self.hashes, wanted))
        while at < len(self.hashes) and self.hashes[at] == wanted:
            found = int(self.order[at])
            if self.key(found) == key:
                return found
            at += 1
        return None


class _Labels:
    """A label table (folded key -> place ids) read from a route file; ``get`` as a dict's."""

    def __init__(self, store: _Store, name: str, keys: int, view: RouteView) -> None:
        self.lookup = _Lookup(store, name, keys)
        self.store, self.name, self.view = store, name, view
        self.ptr = store.array(f"{name}_vptr", "<i8")
        values = store.array(f"{name}_values", "<i8")
        if len(self.ptr) != keys + 1:
            raise ColumnFileError(f"{name}_vptr has the wrong length")
        _check_pointers(self.ptr, len(values), f"{name}_vptr")
        _check_range(values, view.place_count, f"{name}_values")
        self.values = values

    def get(self, key: str | None, default: Any = None) -> tuple[str, ...] | None:
        number = None if key is None else self.lookup.number(key)
        if number is None:
            return default
        codes = self.values[int(self.ptr[number]) : int(self.ptr[number + 1])]
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

    def __getitem__(self, key: str) -> Any:
        found = self.found.get(key)
        if found is None:
            lookup = self.view.place_lookup if self.places else self.view.corridor_lookup
            number = lookup.number(key) if type(key) is str else None
            if number is None:
                raise KeyError(key)
            found = self.view.place(number) if self.places else self.view.corridor(number)
            self.found[key] = found
        return found

    def __iter__(self) -> Iterator[str]:
        lookup = self.view.place_lookup if self.places else self.view.corridor_lookup
        return (lookup.key(k) for k in range(lookup.size))

    def __len__(self) -> int:
        return self.view.place_lookup.size if self.places else self.view.corridor_lookup.size


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
    """

    def __init__(self, data: memoryview, *, root: Path, fingerprint: str) -> None:
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
        self.node_keys = store.array("node_keys", "<i8")
        self.node_count = len(self.node_keys)
        self.edge_length = store.array("edge_length_m", "<f8")
        self.edge_count = edges = len(self.edge_length)
        self.place_lookup = _Lookup(store, "place", len(store.array("place_kptr", "<i8")) - 1)
        self.place_count = places = self.place_lookup.size
        self.corridor_lookup = _Lookup(
            store, "corridor", len(store.array("corridor_kptr", "<i8")) - 1
        )
        corridors = self.corridor_lookup.size
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
        if len(self.node_keys) and (
            int(self.node_keys.min()) < 0 or int(self.node_keys.max()) >> 3 >= places
        ):
            raise ColumnFileError("node_keys out of range")
        _check_range(self.node_keys & 7, len(NODE_MODES), "node modes")
        self.pairs = tuple(store.array(f"pair_{n}", "<i8") for n in ("row", "col", "edge"))
        if not len(self.pairs[0]) == len(self.pairs[1]) == len(self.pairs[2]):
            raise ColumnFileError("pairs have different lengths")
        _check_range(self.pairs[0], self.node_count, "pair_row")
        _check_range(self.pairs[1], self.node_count, "pair_col")
        _check_range(self.pairs[2], edges, "pair_edge")
        keys = self.pairs[0] * max(self.node_count, 1) + self.pairs[1]
        import numpy as np

        if np.any(np.diff(keys) < 0):
            raise ColumnFileError("pairs are not sorted")
        self.pair_keys = keys
        self.coord_ptr = store.array("coord_ptr", "<i8")
        if len(self.coord_ptr) != edges + 1:
            raise ColumnFileError("coord_ptr has the wrong length")
        xy_size = len(columns.section_bytes("coord_xy", "<f8")) // 8
        _check_pointers(self.coord_ptr, xy_size // 2, "coord_ptr")
        self.place_nodes_ptr = store.array("place_nodes_ptr", "<i8")
        self.place_nodes = store.array("place_nodes", "<i8")
        if len(self.place_nodes_ptr) != places + 1:
            raise ColumnFileError("place_nodes_ptr has the wrong length")
        _check_pointers(self.place_nodes_ptr, len(self.place_nodes), "place_nodes_ptr")
        _check_range(self.place_nodes, self.node_count, "place_nodes")
        for blob, ptr, count in (
            ("place_rows", "place_rptr", places),
            ("corridor_rows", "corridor_rptr", corridors),
            ("place_keys", "place_kptr", places),
            ("corridor_keys", "corridor_kptr", corridors),
        ):
            offsets = store.array(ptr, "<i8")
            if len(offsets) != count + 1:
                raise ColumnFileError(f"{ptr} has the wrong length")
            _check_pointers(offsets, len(columns.section_bytes(blob, "|u1")), ptr)
        self.corridor_ptr = store.array("corridor_ptr", "<i8")
        if len(self.corridor_ptr) != corridors + 1:
            raise ColumnFileError("corridor_ptr has the wrong length")
        line_size = len(columns.section_bytes("corridor_xy", "<f8")) // 16
        _check_pointers(self.corridor_ptr, line_size, "corridor_ptr")
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
        self.corridor_count = corridors
        self.labels = _Labels(store, "label", len(store.array("label_kptr", "<i8")) - 1, self)
        self.stems = _Labels(store, "stem", len(store.array("stem_kptr", "<i8")) - 1, self)
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
        first, stop = int(self.corridor_ptr[code]), int(self.corridor_ptr[code + 1])
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
        first, stop = int(self.place_nodes_ptr[code]), int(self.place_nodes_ptr[code + 1])
        nodes = [int(n) for n in self.place_nodes[first:stop]]
        if modes is None:
            return nodes
        return [n for n in nodes if NODE_MODES[int(self.node_keys[n]) & 7] in modes]

    # -- edges

    def is_open_sea(self, edge: int) -> bool:
        """Whether an edge is open sea (see :meth:`RouteIndex.is_open_sea`)."""
        from corridors.network.graph import is_open_sea

        return is_open_sea(self.edge_corridor[edge], self.edge_mode[edge])

    def edge_coords_of(self, edge: int) -> tuple[tuple[float, float], ...]:
        """The line of one edge as (lon, lat) pairs, from its start place to its end place."""
        first, stop = int(self.coord_ptr[edge]), int(self.coord_ptr[edge + 1])
        flat = self.store.part("coord_xy", "<f8", 2 * first, 2 * stop).tolist()
        return tuple(zip(flat[0::2], flat[1::2], strict=True))

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
