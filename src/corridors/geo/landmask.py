"""The GLOBE 30 arc-second land mask of ``global_land_mask``, read lazily and regionally.

Importing ``global_land_mask.globe`` costs seconds and about 1 GB, because it decompresses the
whole 21600 x 43200 world grid. The routing region needs about 7 MB of it, so this module
streams the package's own ``.npz`` file, keeps only the rows and columns of the region, and
caches that slice on disk. A cell is classified exactly as ``globe.is_ocean`` classifies it
(same index arithmetic, same data), so both agree point for point.
"""

from __future__ import annotations

import contextlib
import math
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import metadata, util
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from corridors._io.files import read_regular_file, write_atomically
from corridors.atlas.model import Coord
from corridors.errors import ColumnFileError, LandMaskUnavailableError
from corridors.paths import cache_dir

if TYPE_CHECKING:
    import numpy as np

Bounds = tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max

REGION: Bounds = (117.0, 30.0, 143.0, 48.0)
"""Supported region (lon_min, lat_min, lon_max, lat_max): Yellow Sea, Korea Strait, East Sea.

The mask slice read and cached for it is what the sea router and the land/sea checks use."""
WIDE: Bounds = (84.0, 27.0, 150.0, 60.0)
"""The long haul's box (Kuzbass to the Pacific): points outside :data:`REGION` but inside it are
read from a second cached slice (~31 MB in memory) instead of the whole world grid."""
CHECK_STEP_M = 250.0
"""Spacing of the geodesic samples of the land/sea checks (``corridors check`` and ``add``)."""
COAST_BUFFER_M = 1000.0
"""A sample is open sea if there is water, and no land, this far all round it."""
OPEN_SEA_RUN_M = 500.0
"""A land line may cross open sea for at most this long (a bridge, a bay's mouth)."""

_MASK_MEMBER = "mask.npy"
_CACHE_FORMAT = 3  # 2: packed 8 cells a byte; 3: not a zip, read as it is
_CHUNK_ROWS = 64
_MAX_CACHE_BYTES = 256 * 2**20  # the cached slices: ~0.9 MB (routing region), ~4 MB (wide)


@dataclass(frozen=True)
class RegionMask:
    """Water cells of a rectangular slice of the GLOBE mask, 8 cells a byte.

    Cell ``(r, c)`` is the global cell ``(row0 + r, col0 + c)``; global rows run south from
    90 deg N in steps of ``dlat`` (negative), columns east from 180 deg W in steps of ``dlon``.
    ``bits`` holds the cells as :func:`numpy.packbits` packs them along rows (first cell in the
    most significant bit), ``width`` cells a row: the wide slice is 4 MB instead of 31 MB,
    read as it is from the cache file, and a probe reads one byte. :attr:`water` unpacks it
    (for the sea router's grids) the first time it is asked for.
    """

    bits: np.ndarray
    width: int
    row0: int
    col0: int
    lat0: float
    lon0: float
    dlat: float
    dlon: float
    bounds: Bounds

    @cached_property
    def water(self) -> np.ndarray:
        """Water (True) of every cell, a (rows, ``width``) bool array."""
        import numpy as np

        return np.unpackbits(self.bits, axis=1, count=self.width).astype(bool)

    def rows(self, lat: np.ndarray | float) -> np.ndarray:
        """Local row index of each latitude (the package's truncating arithmetic)."""
        import numpy as np

        return ((np.asarray(lat, dtype=float) - self.lat0) / self.dlat).astype(int) - self.row0

    def cols(self, lon: np.ndarray | float) -> np.ndarray:
        """Local column index of each longitude (the package's truncating arithmetic)."""
        import numpy as np

        return ((np.asarray(lon, dtype=float) - self.lon0) / self.dlon).astype(int) - self.col0

    def lat_of_row(self, row: np.ndarray) -> np.ndarray:
        """Latitude of the centre of local row ``row``."""
        return self.lat0 + (self.row0 + row + 0.5) * self.dlat

    def lon_of_col(self, col: np.ndarray) -> np.ndarray:
        """Longitude of the centre of local column ``col``."""
        return self.lon0 + (self.col0 + col + 0.5) * self.dlon

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Whether each position lies inside the region's bounds."""
        import numpy as np

        lon_min, lat_min, lon_max, lat_max = self.bounds
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        return (lon >= lon_min) & (lon <= lon_max) & (lat >= lat_min) & (lat <= lat_max)

    def is_water(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Water (True) or land (False) at each position; positions must be inside bounds."""
        return cell_water(self.bits, self.width, self.rows(lat), self.cols(lon))


def cell_water(bits: np.ndarray, width: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Water (True) at cells ``(rows, cols)`` of a mask packed ``width`` cells a row.

    Indexes as the unpacked (rows, ``width``) bool array would: a negative index counts from
    the end, one out of range raises IndexError.
    """
    import numpy as np

    rows = np.asarray(rows)
    cols = np.asarray(cols)
    if cols.size and (cols.max() >= width or cols.min() < -width):
        raise IndexError(f"column index out of range for {width} columns")
    cols = np.where(cols < 0, cols + width, cols)
    return (bits[rows, cols >> 3] >> (7 - (cols & 7))) & 1 != 0


def _package_npz() -> Path:
    spec = util.find_spec("global_land_mask")
    if spec is None or not spec.submodule_search_locations:
        raise LandMaskUnavailableError(
            "the global_land_mask package is not installed; run: pip install global-land-mask"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "globe_combined_mask_compressed.npz"
    if not path.is_file():
        raise LandMaskUnavailableError(
            f"land mask data file missing: {path}; reinstall it: pip install --force-reinstall "
            "global-land-mask"
        )
    return path


def _package_version() -> str:
    try:
        return metadata.version("global-land-mask")
    except metadata.PackageNotFoundError:
        return "unknown"


def save_atomically(path: Path, writer: Callable[[BinaryIO], object]) -> None:
    """Write a cache file with :func:`corridors._io.files.write_atomically`; a cache that
    cannot be written is skipped (the mask is read from the package again next time)."""
    import io

    buffer = io.BytesIO()
    writer(buffer)
    with contextlib.suppress(OSError):
        write_atomically(path, [buffer.getvalue()])


def _read_slice(npz: Path, rows: tuple[int, int], cols: tuple[int, int]) -> tuple:
    """Stream ``mask.npy`` out of the zip, keeping rows [r0, r1) and columns [c0, c1)."""
    import numpy as np

    with zipfile.ZipFile(npz) as archive:
        lat = np.load(archive.open("lat.npy"))
        lon = np.load(archive.open("lon.npy"))
        with archive.open(_MASK_MEMBER) as stream:
            version = np.lib.format.read_magic(stream)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
            else:
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
            if fortran or dtype != np.dtype(bool) or len(shape) != 2:
                raise LandMaskUnavailableError(
                    f"unexpected layout of {npz.name}; pin global-land-mask==1.0.0"
                )
            width = shape[1]
            stream.seek(stream.tell() + rows[0] * width)
            out = np.empty((rows[1] - rows[0], cols[1] - cols[0]), dtype=bool)
            for start in range(0, out.shape[0], _CHUNK_ROWS):
                n = min(_CHUNK_ROWS, out.shape[0] - start)
                buf = stream.read(n * width)
                block = np.frombuffer(buf, dtype=np.uint8).reshape(n, width)
                out[start : start + n] = block[:, cols[0] : cols[1]] != 0
    return out, float(lat[0]), float(lon[0]), float(lat[1] - lat[0]), float(lon[1] - lon[0])


@lru_cache(maxsize=4)
def region_mask(bounds: Bounds) -> RegionMask:
    """The water mask for ``bounds`` (lon_min, lat_min, lon_max, lat_max), cached on disk."""
    import numpy as np

    lon_min, lat_min, lon_max, lat_max = bounds
    box = f"{lon_min}_{lat_min}_{lon_max}_{lat_max}"
    key = f"landmask-v{_CACHE_FORMAT}-glm{_package_version()}-{box}"
    cache_file = cache_dir() / f"{key}.bits"
    cached = _read_cached(cache_file, bounds)
    if cached is not None:
        return cached
    # Index arithmetic of the package: 90 N / 180 W origin, 1/120 deg steps.
    step = 1.0 / 120.0
    r0 = max(0, math.floor((90.0 - lat_max) / step) - 2)
    r1 = min(21600, math.ceil((90.0 - lat_min) / step) + 3)
    c0 = max(0, math.floor((lon_min + 180.0) / step) - 2)
    c1 = min(43200, math.ceil((lon_max + 180.0) / step) + 3)
    water, lat0, lon0, dlat, dlon = _read_slice(_package_npz(), (r0, r1), (c0, c1))
    mask = RegionMask(
        np.packbits(water, axis=1), water.shape[1], r0, c0, lat0, lon0, dlat, dlon, bounds
    )
    save_atomically(cache_file, lambda handle: handle.writelines(_encode(mask)))
    return mask


# The cache file: this header (magic; rows, bytes a row, width, row0, col0; lat0, lon0, dlat,
# dlon; CRC-32 of the rest of the header and of the bits), then the packed bits, row by row.
# Not compressed, not a zip: read as it is (numpy views the bytes), inflating the 31 MB wide
# slice took ~0.1 s of every check.
_MAGIC = b"CORRLMK3"
_HEADER = struct.Struct("<8s5q4dI4x")


def _encode(mask: RegionMask) -> list[bytes]:
    rows, row_bytes = mask.bits.shape
    numbers = (rows, row_bytes, mask.width, mask.row0, mask.col0)
    floats = (mask.lat0, mask.lon0, mask.dlat, mask.dlon)
    body = mask.bits.tobytes()
    crc = zlib.crc32(body, zlib.crc32(struct.pack("<5q4d", *numbers, *floats)))
    return [_HEADER.pack(_MAGIC, *numbers, *floats, crc), body]


def _read_cached(cache_file: Path, bounds: Bounds) -> RegionMask | None:
    """The cached slice, or None if it is missing or unusable (the caller rebuilds it).

    Read as the network cache is (no symlink followed, no FIFO or device opened, at most
    :data:`_MAX_CACHE_BYTES`); the header's CRC-32 catches a damaged file, and the shape and
    numbers are checked. Nothing in it is code: numbers and bytes.
    """
    import numpy as np

    try:
        data = read_regular_file(cache_file, max_bytes=_MAX_CACHE_BYTES)
        magic, rows, row_bytes, width, row0, col0, *floats, crc = _HEADER.unpack_from(data)
    except (OSError, ColumnFileError, struct.error):  # missing, not a regular file, short
        return None
    body = memoryview(data)[_HEADER.size :]
    head = struct.pack("<5q4d", rows, row_bytes, width, row0, col0, *floats)
    if (
        magic != _MAGIC
        or not (rows > 0 and row_bytes > 0 and len(body) == rows * row_bytes)
        or not 8 * row_bytes - 8 < width <= 8 * row_bytes
        or min(row0, col0) < 0
        or not all(math.isfinite(v) for v in floats)
        or zlib.crc32(body, zlib.crc32(head)) != crc
    ):
        return None
    bits = np.frombuffer(data, dtype=np.uint8, offset=_HEADER.size).reshape(rows, row_bytes)
    lat0, lon0, dlat, dlon = floats
    return RegionMask(bits, width, row0, col0, lat0, lon0, dlat, dlon, bounds)


def is_water(lon, lat, *, bounds: Bounds = REGION) -> np.ndarray:
    """Water (True) or land at each (lon, lat); outside ``bounds`` (the routing region: then from
    the :data:`WIDE` slice first) asks ``globe`` itself."""
    import numpy as np

    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    mask = region_mask(bounds)
    inside = mask.contains(lon, lat)
    out = np.empty(lon.shape, dtype=bool)
    out[inside] = mask.is_water(lon[inside], lat[inside])
    rest = ~inside
    if rest.any() and bounds == REGION:
        wide = region_mask(WIDE)
        in_wide = rest & wide.contains(lon, lat)
        out[in_wide] = wide.is_water(lon[in_wide], lat[in_wide])
        rest &= ~in_wide
    if rest.any():
        from global_land_mask import globe  # slow (seconds, ~1 GB): only for outside points

        out[rest] = globe.is_ocean(lat[rest], lon[rest])
    return out


def open_sea_flags(coords: Sequence[Coord]) -> tuple[list[bool], list[float]]:
    """Open sea (True) at geodesic samples: water with no land within ``COAST_BUFFER_M``.

    The land mask has ~1 km cells, so a railway that hugs the shore often samples as water;
    requiring water all round the sample separates that from a line across a bay. Returns the
    flags and each sample's distance (m) from the line's start.

    A sample is probed 9 times: itself, then 8 points ``COAST_BUFFER_M`` away, one every 45
    deg. Each probe asks only about the samples still water after the ones before (a sample
    found on land is not open sea whatever the others say), so the flags are those of probing
    every sample 9 times, while a land line, most of its samples on land, costs one probe.
    """
    import numpy as np

    from corridors.geo.geodesy import densify

    points, along = densify(coords, CHECK_STEP_M)
    flat = np.fromiter(chain.from_iterable(points), dtype=float, count=2 * len(points))
    flat = flat.reshape(-1, 2)
    lons, lats = flat[:, 0], flat[:, 1]
    water = is_water(lons, lats)
    for azimuth in range(0, 360, 45):
        still = np.flatnonzero(water)
        if not len(still):
            break
        water[still] = probe_around(lons[still], lats[still], float(azimuth))
    return water.tolist(), along


def probe_around(lons: np.ndarray, lats: np.ndarray, azimuth: float) -> np.ndarray:
    """Water (True) or land ``COAST_BUFFER_M`` from each (lon, lat) towards ``azimuth`` (deg)."""
    import numpy as np

    from corridors.geo.geodesy import wgs84

    shifted_lons, shifted_lats, _ = wgs84().fwd(
        lons, lats, np.full(lons.shape, azimuth), np.full(lons.shape, COAST_BUFFER_M)
    )
    return is_water(shifted_lons, shifted_lats)


def _runs(flags: list[bool], along: list[float], value: bool) -> list[tuple[float, float]]:
    """Stretches (start m, end m) where the samples equal ``value``."""
    runs: list[tuple[float, float]] = []
    start: float | None = None
    for flag, position in zip(flags, along, strict=True):
        if flag == value and start is None:
            start = position
        elif flag != value and start is not None:
            runs.append((start, position))
            start = None
    if start is not None:
        runs.append((start, along[-1]))
    return runs


def open_sea_runs(coords: Sequence[Coord]) -> list[tuple[float, float]]:
    """Stretches (start m, end m) longer than ``OPEN_SEA_RUN_M`` where a land line is at sea.

    The rule of ``corridors check`` and of ``corridors add`` for rail, power and pipeline lines.
    """
    flags, along = open_sea_flags(coords)
    return [(a, b) for a, b in _runs(flags, along, True) if b - a > OPEN_SEA_RUN_M]
