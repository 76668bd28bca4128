"""Geodesic measures the popups show, kept while each geometry and pyproj stay the same.

Why: in a ``corridors build`` whose network comes from its cache, pyproj is imported only for
two popup rows: the computed area of each zone (:func:`corridors.geo.geodesy.area_km2`) and the
drawn length of each schematic line (:func:`corridors.geo.geodesy.line_length_m`); that import
took 0.03-0.07 s of the build's 0.35 s budget, although those figures change only when the
geometry does. So :func:`area_km2` and :func:`line_length_m` keep each figure in the cache
folder under a key of:

- what is measured, and the geometry's exact coordinates (every float as its shortest repr:
  two geometries share a key only if every coordinate is the same number);
- the installed pyproj's version and its geodesic extension module (name, size, modification
  time), so an upgrade or a rebuilt pyproj computes again.

Never stale: a figure is only ever read back under the key of the very geometry and pyproj
it was computed with, and the number read back is the number computed (JSON keeps a float's
repr exactly). A missing, damaged or foreign cache file is a miss, and any doubt (pyproj's
version unknown) computes the figure as before. Never fatal: a file that cannot be written is
skipped.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from corridors.atlas.model import Area, Coord

__all__ = ["MEASURE_FORMAT", "area_km2", "line_length_m", "measure_cache_path"]

MEASURE_FORMAT = 1
MAX_ENTRIES = 10_000
MAX_CACHE_BYTES = 4 * 2**20
_LOCK = threading.Lock()
_KEPT: dict[str, float] | None = None  # this process's copy of the file


def measure_cache_path() -> Path:
    """The cache file of kept figures."""
    from corridors.paths import cache_dir

    return cache_dir() / f"measures-v{MEASURE_FORMAT}.json"


@functools.cache
def _pyproj_install() -> tuple[str, list[Path]] | None:
    """pyproj's version and geodesic extension files, found once per process without
    importing it (or from the module when it is imported already, as after a network build:
    asking the installed distributions for its version took 5-10 ms)."""
    import importlib.util

    loaded = sys.modules.get("pyproj")
    version = getattr(loaded, "__version__", None)
    where = getattr(loaded, "__file__", None)
    if isinstance(version, str) and isinstance(where, str):
        return version, sorted(Path(where).parent.glob("_geod*"))
    from importlib import metadata

    try:
        version = metadata.version("pyproj")
        spec = importlib.util.find_spec("pyproj")
    except (ValueError, metadata.PackageNotFoundError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations)))
    return version, sorted(folder.glob("_geod*"))


def _pyproj_stamp() -> list[Any] | None:
    """pyproj's version and its geodesic extension files as they are now (name, inode, size,
    modification time: a reinstall replaces them), or None when not known (nothing is kept)."""
    found = _pyproj_install()
    if found is None:
        return None
    version, files = found
    try:
        geod = [(p.name, p.stat()) for p in files]
    except OSError:
        return None
    if not geod:
        return None
    return [version, [[n, s.st_ino, s.st_size, s.st_mtime_ns] for n, s in geod]]


def _key(kind: str, shape: list[int], lines: Iterable[Sequence[Coord]], stamp: list[Any]) -> str:
    exact = [[[repr(float(x)), repr(float(y))] for x, y in line] for line in lines]
    text = json.dumps([MEASURE_FORMAT, kind, stamp, shape, exact])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load() -> dict[str, float]:
    from corridors._io.files import read_regular_file

    try:
        stored = json.loads(
            bytes(read_regular_file(measure_cache_path(), max_bytes=MAX_CACHE_BYTES))
        )
        entries = stored["entries"] if stored.get("format") == MEASURE_FORMAT else {}
        return {
            str(k): float(v)
            for k, v in entries.items()
            if isinstance(v, float) and math.isfinite(v) and v >= 0
        }
    except Exception:  # noqa: BLE001 - any doubt is a miss
        return {}


def _store(entries: dict[str, float]) -> None:
    import contextlib

    from corridors._io.files import write_atomically

    kept = dict(list(entries.items())[-MAX_ENTRIES:])
    body = json.dumps({"format": MEASURE_FORMAT, "entries": kept}, allow_nan=False)
    with contextlib.suppress(OSError, ValueError):
        write_atomically(measure_cache_path(), [body.encode("utf-8")], sync=False)


def _kept(key: str | None, compute: Callable[[], float]) -> float:
    """The figure kept under ``key``, or ``compute()`` (then kept)."""
    global _KEPT
    if key is None:
        return compute()
    with _LOCK:
        if _KEPT is None:
            _KEPT = _load()
        found = _KEPT.get(key)
        if found is not None:
            return found
        value = compute()
        _KEPT[key] = value
        _store(_KEPT)
        return value


def area_km2(area: Area) -> float:
    """:func:`corridors.geo.geodesy.area_km2` of ``area``, from the cache when it was computed
    before for the same polygon with the same pyproj.

    Parameters
    ----------
    area : Area
        Polygons of rings of (lon, lat) positions, EPSG:4326.

    Returns
    -------
    float
        Square kilometres on the WGS84 ellipsoid.
    """
    from corridors.geo import geodesy

    stamp = _pyproj_stamp()
    shape = [len(poly) for poly in area]
    key = None if stamp is None else _key("area", shape, [r for p in area for r in p], stamp)
    return _kept(key, lambda: geodesy.area_km2(area))


def line_length_m(coords: Sequence[Coord]) -> float:
    """:func:`corridors.geo.geodesy.line_length_m` of ``coords``, from the cache when it was
    computed before for the same line with the same pyproj.

    Parameters
    ----------
    coords : sequence of (lon, lat)
        The line, EPSG:4326.

    Returns
    -------
    float
        Metres on the WGS84 ellipsoid.
    """
    from corridors.geo import geodesy

    stamp = _pyproj_stamp()
    key = None if stamp is None else _key("length", [1], [coords], stamp)
    return _kept(key, lambda: geodesy.line_length_m(coords))
