"""Geodesic measurements on the WGS84 ellipsoid (pyproj), never planar degrees."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any

from corridors.atlas.model import Area, Coord

if TYPE_CHECKING:
    from pyproj import Geod

METRES_PER_NAUTICAL_MILE = 1852.0
# Segments per worker thread at least: a thread more is started per this many segments, up
# to one per spare core (the same code measures one line or 10^6 segments).
SEGMENTS_PER_THREAD = 50_000
TAIL_LINES = 64
"""Lines summed one by one once this few have segments left (see ``flat_lines_lengths_m``)."""
VECTOR_MIN_POSITIONS = 64
"""A longer line is searched by :func:`nearest_on_line` with numpy (the same answer)."""


@lru_cache(maxsize=1)
def wgs84() -> Geod:
    """The WGS84 ellipsoid (imported lazily: pyproj is not needed on a graph-cache hit)."""
    from pyproj import Geod

    return Geod(ellps="WGS84")


def line_length_m(coords: Sequence[Coord]) -> float:
    """Geodesic length in metres of a line of (lon, lat) positions."""
    if len(coords) < 2:
        return 0.0
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    return float(wgs84().line_length(lons, lats))


def lines_lengths_m(lines: Sequence[Sequence[Coord]]) -> list[float]:
    """Geodesic lengths in metres of many lines of (lon, lat) pairs, each as :func:`line_length_m`.

    Why: one vectorised ``Geod.inv`` over every segment of every line (split across threads,
    pyproj releases the GIL) instead of one pyproj call per line, which dominated graph builds
    of large atlases. Each line's segments are summed in order from 0.0, exactly as pyproj's
    ``line_length`` does, so the results are bit-identical, not just close.
    """
    import numpy as np

    counts = np.fromiter((len(line) for line in lines), dtype=np.int64, count=len(lines))
    total = int(counts.sum())
    if total == 0:
        return [0.0] * len(lines)
    flat = np.fromiter(
        chain.from_iterable(chain.from_iterable(lines)), dtype=np.float64, count=2 * total
    ).reshape(total, 2)
    return flat_lines_lengths_m(flat, counts)


def flat_lines_lengths_m(points: object, counts: object) -> list[float]:
    """:func:`lines_lengths_m` of lines stored back to back: ``points`` is an (n, 2) lon/lat
    array, line ``i`` being the next ``counts[i]`` rows (bit-identical results).
    """
    return start_flat_lines_lengths_m(points, counts)()


def start_flat_lines_lengths_m(points: object, counts: object) -> Callable[[], list[float]]:
    """Start :func:`flat_lines_lengths_m`; the returned function waits for and returns it.

    Why: on large inputs the geodesic distances run on worker threads (pyproj releases the
    GIL), so the caller can do its own Python work meanwhile instead of waiting idle.
    """
    import numpy as np

    flat = np.asarray(points, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.int64)
    total = len(flat)
    if total == 0 or len(counts) == 0:
        return lambda: [0.0] * len(counts)
    ends = np.cumsum(counts)
    keep = np.ones(total, dtype=bool)
    keep[ends[counts > 0] - 1] = False  # the last point of a line starts no segment
    first = np.flatnonzero(keep)
    distances = _start_inverse_distances(flat[first], flat[first + 1])

    def finish() -> list[float]:
        segment_m = distances()
        segments = np.maximum(counts - 1, 0)
        seg_start = np.cumsum(segments) - segments
        sums = np.zeros(len(counts), dtype=np.float64)
        order = np.argsort(-segments, kind="stable")
        descending = -segments[order]
        offsets = seg_start[order]
        for k in range(int(-descending[0])):
            n = int(np.searchsorted(descending, -k, side="left"))  # lines with > k segments
            if n <= TAIL_LINES:
                # Few lines left, often long ones: each finished in a plain loop (the same
                # additions in the same order) rather than one array step per position.
                for line in order[:n].tolist():
                    total = float(sums[line])
                    first = int(seg_start[line])
                    for step in segment_m[first + k : first + int(segments[line])].tolist():
                        total += step
                    sums[line] = total
                break
            sums[order[:n]] += segment_m[offsets[:n] + k]
        return sums.tolist()

    return finish


def _start_inverse_distances(a: Any, b: Any) -> Callable[[], Any]:
    """Geodesic distances between rows of two (n, 2) lon/lat arrays, measured on worker threads.

    Returns a function that waits for the distances. The rows are split into one chunk per
    :data:`SEGMENTS_PER_THREAD` (at least one, at most one per spare core), each measured on
    its own worker thread while the caller's thread goes on with its own work. One chunk per
    thread, not many small ones: a worker needs the GIL to start each chunk, and a busy caller
    holds it.
    """
    from concurrent.futures import ThreadPoolExecutor

    import numpy as np

    geod = wgs84()
    n = len(a)
    if n < SEGMENTS_PER_THREAD:  # a worker thread would cost more than it saves
        found = geod.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])[2]
        return lambda: found
    spare = max(min(os.cpu_count() or 1, 8) - 1, 1)
    threads = max(1, min(spare, n // SEGMENTS_PER_THREAD))
    bounds = np.linspace(0, n, threads + 1).astype(int).tolist()
    pool = ThreadPoolExecutor(threads)
    parts = [
        pool.submit(geod.inv, a[lo:hi, 0], a[lo:hi, 1], b[lo:hi, 0], b[lo:hi, 1])
        for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
    ]
    pool.shutdown(wait=False)  # the submitted chunks still run; no new work is accepted
    return lambda: np.concatenate([part.result()[2] for part in parts])


def distance_m(a: Coord, b: Coord) -> float:
    """Geodesic distance in metres between two (lon, lat) positions."""
    _, _, dist = wgs84().inv(a[0], a[1], b[0], b[1])
    return float(dist)


def area_km2(area: Area) -> float:
    """Geodesic area in km² of an :data:`~corridors.atlas.model.Area` (outer rings less holes).

    Parameters
    ----------
    area : Area
        Polygons of rings of (lon, lat) positions, EPSG:4326.

    Returns
    -------
    float
        Square kilometres on the WGS84 ellipsoid, whichever way the rings wind.
    """
    total = 0.0
    for rings in area:
        for number, ring in enumerate(rings):
            measured, _ = wgs84().polygon_area_perimeter([c[0] for c in ring], [c[1] for c in ring])
            total += abs(measured) if number == 0 else -abs(measured)
    return total / 1e6


def km_to_nmi(km: float) -> float:
    """Kilometres to international nautical miles."""
    return km * 1000.0 / METRES_PER_NAUTICAL_MILE


def nearest_on_line(coords: Sequence[Coord], point: Coord) -> tuple[int, float, Coord]:
    """Where ``point`` projects onto the line: (segment index, fraction along it, position).

    The search uses a local equirectangular frame centred on the point, which is accurate to
    well under a metre for the few-kilometre offsets that matter here; the caller measures
    the resulting offset geodesically.
    """
    px, py = point
    scale = math.cos(math.radians(py))
    if len(coords) > VECTOR_MIN_POSITIONS:
        return _nearest_on_long_line(coords, px, py, scale)
    best: tuple[float, int, float, Coord] | None = None
    for index in range(len(coords) - 1):
        (ax, ay), (bx, by) = coords[index], coords[index + 1]
        ux, uy = (ax - px) * scale, ay - py
        vx, vy = (bx - px) * scale, by - py
        dx, dy = vx - ux, vy - uy
        seg2 = dx * dx + dy * dy
        t = 0.0 if seg2 == 0 else max(0.0, min(1.0, -(ux * dx + uy * dy) / seg2))
        qx, qy = ux + t * dx, uy + t * dy
        d2 = qx * qx + qy * qy
        if best is None or d2 < best[0]:
            best = (d2, index, t, (ax + t * (bx - ax), ay + t * (by - ay)))
    assert best is not None
    return best[1], best[2], best[3]


def _nearest_on_long_line(
    coords: Sequence[Coord], px: float, py: float, scale: float
) -> tuple[int, float, Coord]:
    """:func:`nearest_on_line` with numpy: the same floating-point operations in the same
    order, and the first of equally near segments, so the answer is the same to the bit."""
    import numpy as np

    xy = np.asarray(coords, dtype=np.float64)
    t, d2 = segment_projections(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1], px, py, scale)
    index = int(np.argmin(d2))  # the first of equal distances
    (x0, y0), (x1, y1) = coords[index], coords[index + 1]
    at = float(t[index])
    return index, at, (x0 + at * (x1 - x0), y0 + at * (y1 - y0))


def segment_projections(
    ax: Any, ay: Any, bx: Any, by: Any, px: Any, py: Any, scale: Any
) -> tuple[Any, Any]:
    """The loop of :func:`nearest_on_line` over numpy arrays of segments ``a -> b``.

    Returns, per segment, the fraction ``t`` of the projection of ``(px, py)`` (clamped to
    the segment, 0 for a segment of no length) and the squared distance to it in the local
    equirectangular frame (x scaled by ``scale``), with the same floating-point operations in
    the same order as the loop, so every value is the loop's to the bit. ``px``, ``py`` and
    ``scale`` are scalars or arrays aligned with the segments.
    """
    import numpy as np

    ux, uy = (ax - px) * scale, ay - py
    vx, vy = (bx - px) * scale, by - py
    dx, dy = vx - ux, vy - uy
    seg2 = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):
        t = -(ux * dx + uy * dy) / seg2
    t = np.where(t < 1.0, t, 1.0)  # min(1.0, t)
    t = np.where(t > 0.0, t, 0.0)  # max(0.0, t)
    t = np.where(seg2 == 0, 0.0, t)
    qx, qy = ux + t * dx, uy + t * dy
    return t, qx * qx + qy * qy


def split_line(coords: Sequence[Coord], points: Sequence[Coord]) -> list[list[Coord]]:
    """Split a line at the positions on it nearest to ``points``, taken in order along it.

    Returns ``len(points) + 1`` pieces; each cut position ends one piece and starts the next,
    so the pieces' lengths add up to the line's length.
    """
    remaining: list[Coord] = [(float(x), float(y)) for x, y in coords]
    pieces: list[list[Coord]] = []
    for point in points:
        index, _, position = nearest_on_line(remaining, point)
        pieces.append(dedupe_line([*remaining[: index + 1], position]))
        remaining = [position, *remaining[index + 1 :]]
    pieces.append(dedupe_line(remaining))
    return pieces


def dedupe_line(coords: Sequence[Coord], *, keep_two: bool = True) -> list[Coord]:
    """Drop repeated consecutive positions.

    With ``keep_two`` (the default) a line keeps at least two positions: a line of one repeated
    position becomes that position twice. The one copy of this rule; the network builder has a
    vectorised twin for pieces stored back to back.
    """
    out = [coords[0]]
    for coord in coords[1:]:
        if coord != out[-1]:
            out.append(coord)
    if keep_two and len(out) == 1:
        out.append(out[0])
    return out


def densify(coords: Sequence[Coord], step_m: float) -> tuple[list[Coord], list[float]]:
    """Sample a line geodesically every ``step_m`` metres (vertices included).

    Returns the sample positions and their distance in metres from the line's start. Each
    segment of ``d`` metres gets ``int(d // step_m)`` intermediate points, so no piece is longer
    than ``step_m``.
    """
    geod = wgs84()
    points: list[Coord] = [(float(coords[0][0]), float(coords[0][1]))]
    along: list[float] = [0.0]
    for (lon1, lat1), (lon2, lat2) in zip(coords[:-1], coords[1:], strict=True):
        _, _, length = geod.inv(lon1, lat1, lon2, lat2)
        count = int(length // step_m)
        if count > 0:
            points.extend(geod.npts(lon1, lat1, lon2, lat2, count))
        base = along[-1]
        along.extend([base + length * i / (count + 1) for i in range(1, count + 1)])
        points.append((float(lon2), float(lat2)))
        along.append(base + length)
    return points, along
