"""The shipped basemap's page data, encoded once and kept while its inputs stay the same.

Why: every map writes the same data basemap (:mod:`corridors.maps.basemap`), and encoding it
(parsing the 0.76 MB ``data/basemap.geojson``, cutting the borders by zoom with shapely,
delta-encoding 200,000 positions) took 0.08 s per map, 0.16 s of a ``corridors build`` of 0.7 s
that writes two maps, although it changes only with the package's data or code. So
:func:`shipped_basemap_js` encodes it once per process, and keeps the result in the cache
folder under a key of everything the encoding is computed from:

- the bytes of ``data/basemap.geojson`` (SHA-256; the encoding is made from those very bytes);
- the code of the encoding functions as loaded in this process (their bytecode, constants and
  names, and those of every function of :mod:`corridors.maps.basemap` they call), so a code
  change can never be answered with the old code's result, and an edit of the file after it
  was imported cannot make the key disagree with what runs;
- the shapely and GEOS versions (the border cuts) and the Python version.

Never stale: a file whose key differs is recomputed (and replaced). Never trusted blindly:
the file is JSON read through :func:`corridors._io.files.read_regular_file` (a regular file,
size-limited), the geometry must be integers only (it is written into a ``<script>`` as is),
the feature records are encoded again by :func:`corridors.maps.controls.js_string`, and the
SHA-256 of the result must match the one stored with it; anything missing, damaged or foreign
is a miss. Never fatal: a cache that cannot be written is skipped.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

__all__ = ["BASEMAP_FORMAT", "basemap_cache_path", "encoding_key", "shipped_basemap_js"]

BASEMAP_FORMAT = 1
MAX_CACHE_BYTES = 64 * 2**20
_INTEGERS = re.compile(r"[\[\]0-9,\-]*")
_LOCK = threading.Lock()
_KEPT: dict[str, tuple[str, str]] = {}  # key -> (geoms_js, feats_js), this process

Encoder = Callable[[dict[str, Any]], tuple[str, list[dict[str, Any]]]]


def _basemap_bytes() -> bytes:
    from importlib import resources

    return (resources.files("corridors") / "data" / "basemap.geojson").read_bytes()


def _code_parts(code: types.CodeType) -> Iterator[bytes]:
    """What a code object computes: its bytecode, names and constants (nested code too)."""
    yield code.co_code
    yield repr((code.co_names, code.co_varnames, code.co_argcount, code.co_kwonlyargcount)).encode()
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_parts(const)
        else:
            yield _const_repr(const).encode("utf-8", "surrogateescape")


def _const_repr(const: object) -> str:
    """``repr`` of a constant, the same in every process (a frozenset's order depends on the
    string hash seed: its members are sorted)."""
    if isinstance(const, frozenset):
        return "frozenset(" + repr(sorted(_const_repr(c) for c in const)) + ")"
    if isinstance(const, tuple):
        return "(" + ",".join(_const_repr(c) for c in const) + ")"
    return f"{type(const).__name__}:{const!r}"


def _code_key(encode: Encoder) -> str:
    """A digest of ``encode``'s code and of every function of its module it calls (by name,
    transitively), as loaded in this process."""
    digest = hashlib.sha256()
    module = sys.modules[encode.__module__]
    seen: set[str] = set()
    todo = [encode]
    while todo:
        function = todo.pop()
        if function.__qualname__ in seen:
            continue
        seen.add(function.__qualname__)
        digest.update(function.__qualname__.encode("utf-8") + b"\0")
        code = function.__code__
        for part in _code_parts(code):
            digest.update(part)
        for name in _all_names(code):
            found = vars(module).get(name)
            if isinstance(found, types.FunctionType) and found.__module__ == module.__name__:
                todo.append(found)
    return digest.hexdigest()


def _all_names(code: types.CodeType) -> Iterator[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _all_names(const)


def encoding_key(data: bytes, encode: Encoder) -> str:
    """The key of the basemap encoded from ``data`` by ``encode`` (see the module text)."""
    import shapely

    head = json.dumps(
        {
            "format": BASEMAP_FORMAT,
            "code": _code_key(encode),
            "shapely": [shapely.__version__, shapely.geos_version_string],
            "python": sys.version,
        },
        sort_keys=True,
    )
    digest = hashlib.sha256(head.encode("utf-8"))
    digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


def basemap_cache_path() -> Path:
    """The cache file (one per installed package folder: a new key replaces the old file)."""
    from corridors.paths import cache_dir

    tag = hashlib.sha256(str(Path(__file__).resolve().parent).encode("utf-8", "surrogateescape"))
    return cache_dir() / f"basemap-v{BASEMAP_FORMAT}-{tag.hexdigest()[:16]}.json"


def _content_sha(geoms_js: str, feats_js: str) -> str:
    return hashlib.sha256(f"{geoms_js}\n{feats_js}".encode("utf-8", "surrogateescape")).hexdigest()


def _recall(path: Path, key: str) -> tuple[str, str] | None:
    """The stored (geoms_js, feats_js) under ``key``, or None (missing, damaged, other key)."""
    from corridors._io.files import read_regular_file
    from corridors.maps.controls import js_string

    try:
        stored = json.loads(bytes(read_regular_file(path, max_bytes=MAX_CACHE_BYTES)))
        if not isinstance(stored, dict) or stored.get("format") != BASEMAP_FORMAT:
            return None
        if stored.get("key") != key:
            return None
        geoms_js, feats = stored["geoms"], stored["feats"]
        if not isinstance(geoms_js, str) or not _INTEGERS.fullmatch(geoms_js):
            return None
        if not isinstance(feats, list) or not all(isinstance(f, dict) for f in feats):
            return None
        feats_js = js_string(feats)
        if stored.get("sha256") != _content_sha(geoms_js, feats_js):
            return None
    except Exception:  # noqa: BLE001 - any doubt is a miss
        return None
    return geoms_js, feats_js


def _store(path: Path, key: str, geoms_js: str, feats: list[dict[str, Any]], feats_js: str) -> None:
    import contextlib

    from corridors._io.files import write_atomically

    body = json.dumps(
        {
            "format": BASEMAP_FORMAT,
            "key": key,
            "sha256": _content_sha(geoms_js, feats_js),
            "geoms": geoms_js,
            "feats": feats,
        },
        ensure_ascii=False,
        allow_nan=False,
    )
    with contextlib.suppress(OSError, ValueError):
        write_atomically(path, [body.encode("utf-8", "surrogateescape")], sync=False)


def shipped_basemap_js(encode: Encoder) -> tuple[str, str]:
    """The shipped basemap as the page's ``(geoms_js, feats_js)``.

    Parameters
    ----------
    encode : callable
        ``encode(feature_collection)`` gives the geometry as compact JSON text (integers only)
        and the feature records (JSON values):
        :func:`corridors.maps.basemap.encode_basemap`.

    Returns
    -------
    (str, str)
        The geometry's JSON text and the records as :func:`~corridors.maps.controls.js_string`
        writes them: from this process's earlier call, the cache file, or ``encode``.
    """
    from corridors.maps.controls import js_string

    data = _basemap_bytes()
    key = encoding_key(data, encode)
    with _LOCK:
        kept = _KEPT.get(key)
        if kept is not None:
            return kept
        path = basemap_cache_path()
        found = _recall(path, key)
        if found is None:
            geoms_js, feats = encode(json.loads(data))
            feats_js = js_string(feats)
            found = (geoms_js, feats_js)
            _store(path, key, geoms_js, feats, feats_js)
        _KEPT.clear()
        _KEPT[key] = found
        return found
