"""The widened border zone of :func:`corridors.geo.borders.stays_near_border`, kept on disk.

Why: buffering every border line of the basemap by the border tolerance costs ~0.05 s, paid
by every ``corridors check`` that missed its memo, for a polygon that changes only with the
basemap, the margin and the geometry library. It is stored in the cache folder as WKB (exact
doubles: the polygon read back is the very one computed) under a key of all three, behind a
SHA-256 of its bytes. Never fatal, never code: a missing, damaged or foreign file is rebuilt;
a file that cannot be written is skipped; WKB is parsed by GEOS, which runs nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from corridors._io.files import read_regular_file, write_atomically
from corridors.paths import cache_dir

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = ["read_zone", "store_zone", "zone_key", "zone_path"]

ZONE_FORMAT = 1
MAX_ZONE_BYTES = 64 * 2**20  # the shipped basemap's zone is ~0.3 MB
_DIGEST = 32


def zone_key(basemap: str, margin_m: float) -> str:
    """The key of the zone of ``basemap`` (its text) widened by ``margin_m`` metres, with this
    shapely and GEOS."""
    import shapely

    digest = hashlib.sha256()
    for part in (
        f"format {ZONE_FORMAT}",
        f"margin {margin_m!r}",
        f"shapely {shapely.__version__}",
        f"geos {shapely.geos_version_string}",
        basemap,
    ):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def zone_path(key: str) -> Path:
    """The cache file of the zone with ``key``."""
    return cache_dir() / f"borderzone-v{ZONE_FORMAT}-{key[:32]}.wkb"


def read_zone(key: str) -> BaseGeometry | None:
    """The stored zone of ``key``, or None (missing, damaged, another key's: rebuild it)."""
    import shapely

    try:
        data = bytes(read_regular_file(zone_path(key), max_bytes=MAX_ZONE_BYTES))
    except Exception:  # noqa: BLE001 - missing, not a regular file, too large: rebuild
        return None
    head, body = data[:_DIGEST], data[_DIGEST:]
    if head != hashlib.sha256(key.encode("ascii") + body).digest():
        return None
    try:
        zone = shapely.from_wkb(body)
    except Exception:  # noqa: BLE001 - GEOS rejects what it cannot parse
        return None
    return zone if zone.geom_type in ("Polygon", "MultiPolygon") else None


def store_zone(key: str, zone: BaseGeometry) -> None:
    """Keep ``zone`` under ``key``; best effort (a cache folder that cannot be written is
    skipped: the zone is computed again next time)."""
    import shapely

    body = shapely.to_wkb(zone)
    head = hashlib.sha256(key.encode("ascii") + body).digest()
    with contextlib.suppress(OSError, ValueError):
        write_atomically(zone_path(key), [head, body])
