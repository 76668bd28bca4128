"""The border lines and the widened border zone of :mod:`corridors.geo.borders`, kept on disk.

Why: parsing the basemap (0.7 MB of GeoJSON) and joining its border lines, then buffering them
by the border tolerance, cost ~0.1 s of every ``corridors check`` that missed its memo, for
geometries that change only with the basemap, the margin and the geometry library. Each is
stored in the cache folder as WKB (exact doubles: the geometry read back is the very one
computed) under a key of all three (:func:`geometry_key`), behind a SHA-256 of key and bytes.
Never fatal, never code: a missing, damaged or foreign file is rebuilt; a file that cannot be
written is skipped; WKB is parsed by GEOS, which runs nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from corridors._io.files import read_regular_file, write_atomically
from corridors.paths import cache_dir

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = ["geometry_key", "geometry_path", "read_geometry", "store_geometry"]

GEOMETRY_FORMAT = 1
MAX_GEOMETRY_BYTES = 64 * 2**20  # the shipped basemap's border zone is ~0.3 MB
_DIGEST = 32


def geometry_key(what: str, basemap: str) -> str:
    """The key of geometry ``what`` (e.g. ``"zone 2500.0"``) made from ``basemap`` (its text)
    with this shapely and GEOS."""
    import shapely

    digest = hashlib.sha256()
    for part in (
        f"format {GEOMETRY_FORMAT}",
        what,
        f"shapely {shapely.__version__}",
        f"geos {shapely.geos_version_string}",
        _text_digest(basemap),
    ):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=4)
def _text_digest(text: str) -> str:
    """SHA-256 of ``text`` (the basemap's: hashed once for every geometry made from it)."""
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def geometry_path(key: str) -> Path:
    """The cache file of the geometry with ``key``."""
    return cache_dir() / f"borders-v{GEOMETRY_FORMAT}-{key[:32]}.wkb"


def read_geometry(key: str, *, kinds: tuple[str, ...]) -> BaseGeometry | None:
    """The stored geometry of ``key`` if it is one of ``kinds`` (``"Polygon"``, ...), else
    None (missing, damaged, another key's: rebuild it)."""
    import shapely

    try:
        data = bytes(read_regular_file(geometry_path(key), max_bytes=MAX_GEOMETRY_BYTES))
    except Exception:  # noqa: BLE001 - missing, not a regular file, too large: rebuild
        return None
    head, body = data[:_DIGEST], data[_DIGEST:]
    if head != hashlib.sha256(key.encode("ascii") + body).digest():
        return None
    try:
        found = shapely.from_wkb(body)
    except Exception:  # noqa: BLE001 - GEOS rejects what it cannot parse
        return None
    return found if found.geom_type in kinds else None


def store_geometry(key: str, geometry: BaseGeometry) -> None:
    """Keep ``geometry`` under ``key``; best effort (a cache folder that cannot be written is
    skipped: the geometry is computed again next time)."""
    import shapely

    body = shapely.to_wkb(geometry)
    head = hashlib.sha256(key.encode("ascii") + body).digest()
    with contextlib.suppress(OSError, ValueError):
        write_atomically(geometry_path(key), [head, body])
