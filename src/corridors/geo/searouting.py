"""Regional sea lanes that never cross land, checked against the 30 arc-second GLOBE land mask.

``searoute``'s world network is too coarse for the Sea of Japan, the Korea Strait and the Yellow
Sea: it joins Rajin about 140 km offshore and its lanes south of Korea cross islands. This
router works on the GLOBE mask of ``global_land_mask`` (about 1 km cells) instead:

1. A coarse grid (``resolution_deg``, 1/30 deg by default) over the region, where a cell is
   navigable only if every fine mask cell inside it is water, so the grid keeps off the coast.
   The 8-connected graph of the largest navigable water body is built once and cached.
2. Each berth (often on a land-classified cell) is joined by a straight harbour connector to
   the nearest water cell within ``harbour_radius_m``; a fine-grid search from there reaches
   the coarse grid, so narrow harbour approaches work.
3. Dijkstra finds the grid path; string pulling then replaces runs of it by straight geodesic
   segments whose samples (every 200 m) are water at full mask resolution, keeping
   ``clearance_m`` off the coast where the water is wide enough.

Everything heavy (numpy, scipy, pyproj, the mask) is imported lazily, inside functions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from corridors.atlas.model import Coord
from corridors.errors import SeaRoutingError
from corridors.geo.geodesy import dedupe_line, densify
from corridors.geo.landmask import CHECK_STEP_M, REGION

if TYPE_CHECKING:
    import numpy as np

    from corridors.geo.landmask import RegionMask


DEFAULT_RESOLUTION_DEG = 1.0 / 30.0
DEFAULT_HARBOUR_RADIUS_M = 3000.0
DEFAULT_CLEARANCE_M = 500.0
SAMPLE_STEP_M = 200.0

_FINE_CELLS_PER_DEG = 120  # the GLOBE grid: 30 arc-seconds
_M_PER_DEG = 111_195.0  # mean-sphere metres per degree, for grid edge weights only
_WINDOW_DEG = (0.25, 0.5, 1.0)  # harbour search windows (half-widths), tried in turn
_DENSIFY_M = (4000.0, 1000.0)  # spacing of the corner-cutting passes of string pulling


class LandCrossing(NamedTuple):
    """A run of consecutive land samples on a line: where it starts and how far along it is."""

    lon: float
    lat: float
    start_m: float
    end_m: float

    @property
    def length_m(self) -> float:
        """Distance along the line from the first to the last land sample of the run."""
        return self.end_m - self.start_m


@dataclass(frozen=True)
class _Grid:
    """The coarse navigable grid and its graph (nodes = navigable cells of the main water body)."""

    k: int  # fine cells per coarse cell, each way
    node_of: np.ndarray  # coarse (rows, cols) -> node id, -1 if not navigable
    node_lon: np.ndarray
    node_lat: np.ndarray
    indptr: np.ndarray  # CSR of the graph with one extra, empty row for a virtual source
    indices: np.ndarray
    weights: np.ndarray

    @property
    def n(self) -> int:
        return len(self.node_lon)


@dataclass
class _Anchor:
    """How one berth reaches the coarse grid."""

    point: Coord
    on_water: bool  # the point's own cell is the seed: no harbour connector needed
    seed: Coord  # centre of the water cell the harbour connector ends at
    nodes: np.ndarray  # coarse nodes reachable from the seed
    costs: np.ndarray  # metres from the seed to each node
    _pred: np.ndarray
    _fine_of_node: np.ndarray
    _cell_lonlat: tuple[np.ndarray, np.ndarray]
    _seed_index: int

    def path_to(self, node: int) -> list[Coord]:
        """Fine water path from the seed to the fine cell that enters coarse ``node``."""
        import numpy as np

        pos = int(np.flatnonzero(self.nodes == node)[0])
        chain: list[int] = []
        cur = int(self._fine_of_node[pos])
        while cur != self._seed_index and cur >= 0:
            chain.append(cur)
            cur = int(self._pred[cur])
        lons, lats = self._cell_lonlat
        out = [self.seed] + [(float(lons[i]), float(lats[i])) for i in reversed(chain)]
        return out


def _mask() -> RegionMask:
    from corridors.geo.landmask import region_mask

    return region_mask(REGION)


def _geod():
    from corridors.geo.geodesy import wgs84

    return wgs84()


def _grid_graph(ok: np.ndarray, lat_of_row: np.ndarray, dlat_deg: float, dlon_deg: float):
    """8-connected graph over True cells of ``ok`` (no corner cutting), weights in metres.

    Returns (node_of, src, dst, weight) with both directions of every edge.
    """
    import numpy as np

    h, w = ok.shape
    node_of = np.full(ok.shape, -1, dtype=np.int64)
    node_of[ok] = np.arange(int(ok.sum()))
    srcs, dsts, wts = [], [], []
    dy = abs(dlat_deg) * _M_PER_DEG
    for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
        ra, rb = slice(0, h - dr), slice(dr, h)
        ca, cb = (slice(0, w - dc), slice(dc, w)) if dc >= 0 else (slice(1, w), slice(0, w - 1))
        both = ok[ra, ca] & ok[rb, cb]
        if dr and dc:
            both &= ok[ra, cb] & ok[rb, ca]
        rows, cols = np.nonzero(both)
        a = node_of[ra, ca][rows, cols]
        b = node_of[rb, cb][rows, cols]
        lat_mid = lat_of_row[rows] + (lat_of_row[rows + dr] - lat_of_row[rows]) / 2
        dx = abs(dc) * abs(dlon_deg) * _M_PER_DEG * np.cos(np.radians(lat_mid))
        wt = np.hypot(dx, dr * dy)
        srcs += [a, b]
        dsts += [b, a]
        wts += [wt, wt]
    return node_of, np.concatenate(srcs), np.concatenate(dsts), np.concatenate(wts)


@lru_cache(maxsize=4)
def _grid(k: int) -> _Grid:
    """Build (once per process) the coarse grid graph of ``k`` x ``k`` fine-cell blocks."""
    import numpy as np
    from scipy import ndimage
    from scipy.sparse import csr_matrix

    mask = _mask()
    h, w = (s // k for s in mask.water.shape)
    blocks = mask.water[: h * k, : w * k].reshape(h, k, w, k)
    nav = blocks.all(axis=(1, 3))
    labels, count = ndimage.label(nav)  # 4-connectivity: what the no-corner-cut graph joins
    if count == 0:
        raise SeaRoutingError("no navigable water in the routing region; check the land mask")
    sizes = np.bincount(labels.ravel())
    sizes[0] = 0
    nav = labels == int(np.argmax(sizes))
    lat_of_row = mask.lat_of_row(np.arange(h + 1) * k + (k - 1) / 2)
    lon_of_col = mask.lon_of_col(np.arange(w) * k + (k - 1) / 2)
    node_of, src, dst, wt = _grid_graph(nav, lat_of_row, k * mask.dlat, k * mask.dlon)
    n = int(nav.sum())
    graph = csr_matrix((wt, (src, dst)), shape=(n + 1, n + 1))
    rows, cols = np.nonzero(nav)
    return _Grid(
        k=k,
        node_of=node_of,
        node_lon=lon_of_col[cols],
        node_lat=lat_of_row[rows],
        indptr=graph.indptr,
        indices=graph.indices,
        weights=graph.data,
    )


def _fmt(point: Coord) -> str:
    return f"({point[0]:.4f}, {point[1]:.4f})"


def _check_point(point: Sequence[float], role: str) -> Coord:
    """Validate a (lon, lat) input; raise SeaRoutingError saying what to do."""
    try:
        lon, lat = (float(v) for v in point)
    except (TypeError, ValueError):
        raise SeaRoutingError(
            f"{role} must be a (lon, lat) pair of numbers, got {point!r}"
        ) from None
    lon_min, lat_min, lon_max, lat_max = REGION
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise SeaRoutingError(f"{role} {point!r} is not a finite (lon, lat) position")
    if not (lon_min <= lon <= lon_max and lat_min <= lat <= lat_max):
        hint = (
            "; it looks like (lat, lon): pass (lon, lat)"
            if lon_min <= lat <= lon_max and lat_min <= lon <= lat_max
            else "; use searoute for voyages beyond it"
        )
        raise SeaRoutingError(
            f"{role} {_fmt((lon, lat))} is outside the sea-routing region "
            f"lon {lon_min:g}..{lon_max:g}, lat {lat_min:g}..{lat_max:g} "
            f"(Yellow Sea, Korea Strait, East Sea){hint}"
        )
    return (lon, lat)


def _anchor(point: Coord, grid: _Grid, radius_m: float, role: str) -> _Anchor:
    """Join ``point`` to the nearest sea water cell and find the coarse nodes it reaches."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components, dijkstra

    mask = _mask()
    k = grid.k
    r = int(mask.rows(point[1]))
    c = int(mask.cols(point[0]))
    nearest_any = math.inf
    for half_deg in _WINDOW_DEG:
        half = int(round(half_deg * _FINE_CELLS_PER_DEG))
        r0, r1 = max(0, r - half), min(mask.water.shape[0], r + half + 1)
        c0, c1 = max(0, c - half), min(mask.water.shape[1], c + half + 1)
        sub = mask.water[r0:r1, c0:c1]
        lat_of_row = mask.lat_of_row(np.arange(r0, r1 + 1))
        node_of, src, dst, wt = _grid_graph(sub, lat_of_row, mask.dlat, mask.dlon)
        n = int(sub.sum())
        if n == 0:
            continue
        graph = csr_matrix((wt, (src, dst)), shape=(n, n))
        rows, cols = np.nonzero(sub)
        cell_lat = mask.lat_of_row(rows + r0)
        cell_lon = mask.lon_of_col(cols + c0)
        # Coarse node of each fine water cell (-1 when its block is not navigable).
        cr, cc = (rows + r0) // k, (cols + c0) // k
        inside = (cr < grid.node_of.shape[0]) & (cc < grid.node_of.shape[1])
        coarse = np.full(n, -1, dtype=np.int64)
        coarse[inside] = grid.node_of[cr[inside], cc[inside]]
        _, comp = connected_components(graph, directed=False)
        sea_comps = np.unique(comp[coarse >= 0])
        dist_m = _approx_dist_m(point, cell_lon, cell_lat)
        nearest_any = min(nearest_any, float(dist_m.min()))
        usable = np.isin(comp, sea_comps)
        if not usable.any():
            continue
        candidates = np.where(usable, dist_m, np.inf)
        seed = int(np.argmin(candidates))
        if candidates[seed] > radius_m:
            if dist_m.min() > radius_m or half_deg == _WINDOW_DEG[-1]:
                break
            continue
        dist, pred = dijkstra(graph, indices=seed, return_predecessors=True)
        reach = (coarse >= 0) & np.isfinite(dist)
        if not reach.any():
            continue
        fine_idx = np.flatnonzero(reach)
        nodes_of_fine = coarse[fine_idx]
        to_centre = _approx_dist_m(
            (0.0, 0.0),
            cell_lon[fine_idx] - grid.node_lon[nodes_of_fine],
            cell_lat[fine_idx] - grid.node_lat[nodes_of_fine],
            at_lat=point[1],
        )
        cost = dist[fine_idx] + to_centre
        order = np.lexsort((cost, nodes_of_fine))
        nodes_sorted = nodes_of_fine[order]
        first = np.r_[True, nodes_sorted[1:] != nodes_sorted[:-1]]
        best = order[first]
        return _Anchor(
            point=point,
            on_water=bool(rows[seed] + r0 == r and cols[seed] + c0 == c),
            seed=(float(cell_lon[seed]), float(cell_lat[seed])),
            nodes=nodes_of_fine[best],
            costs=cost[best],
            _pred=pred,
            _fine_of_node=fine_idx[best],
            _cell_lonlat=(cell_lon, cell_lat),
            _seed_index=seed,
        )
    if nearest_any <= radius_m:
        raise SeaRoutingError(
            f"{role} {_fmt(point)}: the water within {radius_m / 1000:g} km is a closed basin, "
            "not joined to the open sea at 1 km mask resolution; move the point to a quay on "
            "open water"
        )
    near = (
        f"nearest water is {nearest_any / 1000:.1f} km away"
        if math.isfinite(nearest_any)
        else ("no water nearby")
    )
    raise SeaRoutingError(
        f"{role} {_fmt(point)} has no sea water within harbour_radius_m={radius_m:g} m "
        f"({near}); put the point on the berth or raise harbour_radius_m"
    )


def _approx_dist_m(origin: Coord, lon, lat, *, at_lat: float | None = None):
    """Local equirectangular distance in metres (for ranking cells a few km apart)."""
    import numpy as np

    lat_ref = origin[1] if at_lat is None else at_lat
    dx = (np.asarray(lon) - origin[0]) * math.cos(math.radians(lat_ref)) * _M_PER_DEG
    dy = (np.asarray(lat) - origin[1]) * _M_PER_DEG
    return np.hypot(dx, dy)


def _search_from(grid: _Grid, a: _Anchor) -> tuple[np.ndarray, np.ndarray]:
    """Distances (m) and predecessors of every coarse node from anchor ``a``.

    One Dijkstra over the grid plus a virtual source joined to the nodes ``a`` reaches: the
    one search behind :func:`route_sea` (one target) and :func:`sea_lanes` (every target).
    """
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    order = np.argsort(a.nodes)
    indptr = grid.indptr.copy()
    indptr[-1] = indptr[-2] + len(order)
    graph = csr_matrix(
        (
            np.concatenate([grid.weights, a.costs[order]]),
            np.concatenate([grid.indices, a.nodes[order]]),
            indptr,
        ),
        shape=(grid.n + 1, grid.n + 1),
    )
    return dijkstra(graph, indices=grid.n, return_predecessors=True)


def _coarse_path(
    grid: _Grid, searched: tuple[np.ndarray, np.ndarray], b: _Anchor
) -> tuple[list[int], int, int]:
    """Shortest node path to anchor ``b`` from the anchor that ``searched`` started at."""
    import numpy as np

    dist, pred = searched
    total = dist[b.nodes] + b.costs
    best = int(np.argmin(total))
    if not math.isfinite(float(total[best])):
        raise SeaRoutingError("no sea route joins these points within the region")
    end_node = int(b.nodes[best])
    chain = [end_node]
    while pred[chain[-1]] != grid.n:
        chain.append(int(pred[chain[-1]]))
    chain.reverse()
    return chain, chain[0], end_node


def _segments_clear(a: Coord, b: Coord, clearance_m: float, step_m: float = SAMPLE_STEP_M) -> bool:
    """Whether the geodesic a-b is water at every ``step_m`` sample (and ±clearance_m abeam)."""
    import numpy as np

    geod = _geod()
    mask = _mask()
    lon_min, lat_min, lon_max, lat_max = REGION
    az, _, dist = geod.inv(a[0], a[1], b[0], b[1])
    # Quick reject on a sparse sampling first: most candidate shortcuts cross a lot of land.
    for step in (10 * step_m, step_m):
        n = max(2, int(math.ceil(dist / step)) + 1)
        d = np.linspace(0.0, dist, n)
        lon, lat, back = geod.fwd(np.full(n, a[0]), np.full(n, a[1]), np.full(n, az), d)
        if lon.min() < lon_min or lon.max() > lon_max or lat.min() < lat_min or lat.max() > lat_max:
            return False
        rows, cols = mask.rows(lat), mask.cols(lon)
        if not mask.water[rows, cols].all():
            return False
    # Samples are closer than a cell, so the line between two of them stays in the 2 x 2
    # block of cells they span: checking the block's other two cells too means no land cell
    # can slip between samples, whatever step a later check uses.
    water = mask.water
    if not (water[rows[:-1], cols[1:]].all() and water[rows[1:], cols[:-1]].all()):
        return False
    if clearance_m <= 0:
        return True
    # Abeam offsets in a local flat frame (exact to well under a metre at this distance).
    heading = np.radians(back + 180.0)
    dlat = clearance_m / _M_PER_DEG * -np.sin(heading)
    dlon = clearance_m / _M_PER_DEG * np.cos(heading) / np.cos(np.radians(lat))
    for sign in (1.0, -1.0):
        olon, olat = lon + sign * dlon, lat + sign * dlat
        if not mask.contains(olon, olat).all() or not mask.is_water(olon, olat).all():
            return False
    return True


def _farthest(points: list[Coord], i: int, clear) -> int:
    """Largest j found (exponential then binary search) with ``clear(points[i], points[j])``."""
    last = len(points) - 1
    if i + 1 >= last or clear(points[i], points[last]):
        return last
    good, step = i + 1, 2
    bad = last
    while i + step < last:
        if clear(points[i], points[i + step]):
            good = i + step
            step *= 2
        else:
            bad = i + step
            break
    while bad - good > 1:
        mid = (good + bad) // 2
        if clear(points[i], points[mid]):
            good = mid
        else:
            bad = mid
    return good


def _pull_once(points: list[Coord], clearance_m: float) -> list[Coord]:
    """One greedy pass: from each kept vertex jump to the farthest clear vertex ahead."""

    def with_clearance(p: Coord, q: Coord) -> bool:
        return _segments_clear(p, q, clearance_m)

    def bare(p: Coord, q: Coord) -> bool:
        return _segments_clear(p, q, 0.0)

    out = [points[0]]
    i = 0
    while i < len(points) - 1:
        j = _farthest(points, i, with_clearance) if clearance_m > 0 else i + 1
        if j <= i + 1:
            j = _farthest(points, i, bare)
        out.append(points[j])
        i = j
    return out


def _pull(points: list[Coord], clearance_m: float) -> list[Coord]:
    """String pulling: few vertices, every new segment verified on the fine mask.

    Greedy passes alternate direction; between passes the line is densified so later passes
    can cut corners of the grid path at any point, not only at grid vertices. That pulls
    the lane towards the taut (locally shortest) line around headlands and islands.
    """
    points = _pull_once(points, clearance_m)
    for spacing in _DENSIFY_M:
        points = _pull_once(densify(points, spacing)[0][::-1], clearance_m)[::-1]
        points = _pull_once(densify(points, spacing)[0], clearance_m)
    return points


def route_sea(
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    resolution_deg: float = DEFAULT_RESOLUTION_DEG,
    harbour_radius_m: float = DEFAULT_HARBOUR_RADIUS_M,
    clearance_m: float = DEFAULT_CLEARANCE_M,
) -> list[tuple[float, float]]:
    """A sea lane from ``start`` to ``end`` as (lon, lat) vertices that stays on water.

    The line begins exactly at ``start`` and ends exactly at ``end``; each berth is joined to
    the nearest sea water within ``harbour_radius_m`` by a straight connector, and everything
    between is water at every 200 m sample of the 30 arc-second GLOBE mask. ``resolution_deg``
    is the coarse search grid (a multiple of 1/120 deg); ``clearance_m`` is the distance kept
    off the coast where the water allows it. Raises SeaRoutingError with what to do.
    """
    a_pt = _check_point(start, "start")
    b_pt = _check_point(end, "end")
    k = _grid_cells(resolution_deg, harbour_radius_m)
    if a_pt == b_pt:
        return [a_pt, b_pt]
    grid = _grid(k)
    a = _anchor(a_pt, grid, harbour_radius_m, "start")
    b = _anchor(b_pt, grid, harbour_radius_m, "end")
    return _lane(grid, a, b, _search_from(grid, a), clearance_m)


def _grid_cells(resolution_deg: float, harbour_radius_m: float) -> int:
    """Fine cells per coarse cell for ``resolution_deg``; both parameters checked."""
    k = resolution_deg * _FINE_CELLS_PER_DEG
    if not (1 <= round(k) <= 60 and abs(k - round(k)) < 1e-6):
        raise SeaRoutingError(
            f"resolution_deg={resolution_deg!r} must be a multiple of 1/120 deg between "
            "1/120 and 0.5; use e.g. 1/30"
        )
    if not harbour_radius_m > 0:
        raise SeaRoutingError(f"harbour_radius_m must be positive, got {harbour_radius_m!r}")
    return int(round(k))


def _lane(
    grid: _Grid,
    a: _Anchor,
    b: _Anchor,
    searched: tuple[np.ndarray, np.ndarray],
    clearance_m: float,
) -> list[Coord]:
    """The pulled lane from anchor ``a`` (whose search is ``searched``) to anchor ``b``."""
    a_pt, b_pt = a.point, b.point
    chain, first, last = _coarse_path(grid, searched, b)
    middle = [(float(grid.node_lon[n]), float(grid.node_lat[n])) for n in chain]
    dense = a.path_to(first) + middle + list(reversed(b.path_to(last)))
    if a.on_water:
        dense = [a_pt, *dense]
    if b.on_water:
        dense = [*dense, b_pt]
    pulled = _pull(dedupe_line(dense, keep_two=False), clearance_m)
    line = pulled if a.on_water else [a_pt, *pulled]
    if not b.on_water:
        line.append(b_pt)
    line[0], line[-1] = a_pt, b_pt
    return dedupe_line(line)


@dataclass(frozen=True)
class SeaLanes:
    """Lanes between many points (:func:`sea_lanes`).

    Attributes
    ----------
    lines : dict
        ``(i, j)`` (indices into the points, ``i < j``) to the lane from point ``i`` to point
        ``j``, (lon, lat) vertices in EPSG:4326; the same line :func:`route_sea` draws.
    problems : dict
        Index of each point that no lane can reach to the one-line reason (outside the
        region, no sea water within the harbour radius, a closed basin).
    """

    lines: dict[tuple[int, int], list[Coord]]
    problems: dict[int, str]


def sea_lanes(
    points: Sequence[tuple[float, float]],
    pairs: Iterable[tuple[int, int]] | None = None,
    *,
    resolution_deg: float = DEFAULT_RESOLUTION_DEG,
    harbour_radius_m: float = DEFAULT_HARBOUR_RADIUS_M,
    clearance_m: float = DEFAULT_CLEARANCE_M,
) -> SeaLanes:
    """The lanes between many pairs of ``points``, with one grid search per start point.

    Each point of a pair is anchored once (harbour connector and approach), and each pair's
    lower-numbered point is searched once over the coarse grid to every node (one Dijkstra
    per start point, not per pair); each lane is then traced back and string-pulled exactly
    as :func:`route_sea` does, so ``lines[i, j]`` equals ``route_sea(points[i], points[j])``.
    Points are (lon, lat) in EPSG:4326. A point that cannot be anchored is reported in
    ``problems``, not raised; nothing is computed (not even the grid) when there is no pair.

    Parameters
    ----------
    points : sequence of (lon, lat)
    pairs : iterable of (int, int), optional
        Index pairs ``(i, j)`` with ``i < j`` (default: every pair).
    resolution_deg, harbour_radius_m, clearance_m : float
        As for :func:`route_sea`.

    Returns
    -------
    SeaLanes

    Raises
    ------
    SeaRoutingError
        If an option is invalid.
    ValueError
        If a pair is not ``(i, j)`` with ``0 <= i < j < len(points)``.
    """
    k = _grid_cells(resolution_deg, harbour_radius_m)
    count = len(points)
    if pairs is None:
        wanted = [(i, j) for i in range(count) for j in range(i + 1, count)]
    else:
        wanted = sorted(set(pairs))
    for i, j in wanted:
        if not 0 <= i < j < count:
            raise ValueError(f"pair {(i, j)!r} is not (i, j) with 0 <= i < j < {count}")
    anchors: dict[int, _Anchor] = {}
    problems: dict[int, str] = {}
    lines: dict[tuple[int, int], list[Coord]] = {}
    if not wanted:
        return SeaLanes(lines, problems)
    grid = _grid(k)
    for i in sorted({end for pair in wanted for end in pair}):
        try:
            anchors[i] = _anchor(_check_point(points[i], "point"), grid, harbour_radius_m, "point")
        except SeaRoutingError as exc:
            problems[i] = str(exc)
    searched_from: int | None = None
    searched: tuple[np.ndarray, np.ndarray] | None = None
    for i, j in wanted:  # sorted: each start point's pairs come together
        if i not in anchors or j not in anchors:
            continue
        a, b = anchors[i], anchors[j]
        if a.point == b.point:
            lines[i, j] = [a.point, b.point]
            continue
        if searched is None or searched_from != i:
            searched, searched_from = _search_from(grid, a), i
        try:
            lines[i, j] = _lane(grid, a, b, searched, clearance_m)
        except SeaRoutingError:
            continue  # no water path joins them (cannot happen on one water body)
    return SeaLanes(lines, problems)


def land_crossings(
    coords: Sequence[Sequence[float]],
    *,
    step_m: float = 250.0,
    skip_ends_m: float = DEFAULT_HARBOUR_RADIUS_M,
) -> list[LandCrossing]:
    """Where a (lon, lat) line runs over land on the 30 arc-second GLOBE mask.

    The line is sampled along each geodesic segment every ``step_m`` (vertices included);
    samples within ``skip_ends_m`` of either end (the harbour approaches) are ignored. Returns
    one LandCrossing per run of consecutive land samples, in order; empty means all at sea.
    """
    import numpy as np

    from corridors.geo.landmask import is_water

    if step_m <= 0:
        raise ValueError(f"step_m must be positive, got {step_m!r}")
    pts = [(float(p[0]), float(p[1])) for p in coords]
    if len(pts) < 2:
        return []
    geod = _geod()
    lons, lats, along = [], [], []
    offset = 0.0
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:], strict=True):
        az, _, dist = geod.inv(x0, y0, x1, y1)
        n = max(2, int(math.ceil(dist / step_m)) + 1)
        d = np.linspace(0.0, dist, n)
        lon, lat, _ = geod.fwd(np.full(n, x0), np.full(n, y0), np.full(n, az), d)
        lon[-1], lat[-1] = x1, y1
        lons.append(lon)
        lats.append(lat)
        along.append(offset + d)
        offset += dist
    lon_all, lat_all, s = np.concatenate(lons), np.concatenate(lats), np.concatenate(along)
    keep = (s >= skip_ends_m) & (s <= offset - skip_ends_m)
    lon_all, lat_all, s = lon_all[keep], lat_all[keep], s[keep]
    if len(s) == 0:
        return []
    land = ~is_water(lon_all, lat_all, bounds=REGION)
    runs: list[LandCrossing] = []
    idx = np.flatnonzero(land)
    if len(idx) == 0:
        return runs
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.r_[idx[0], idx[breaks + 1]]
    ends = np.r_[idx[breaks], idx[-1]]
    for i0, i1 in zip(starts, ends, strict=True):
        runs.append(
            LandCrossing(float(lon_all[i0]), float(lat_all[i0]), float(s[i0]), float(s[i1]))
        )
    return runs


def sea_lane_land_runs(coords: Sequence[Coord]) -> list[tuple[float, float]]:
    """Stretches (start m, end m) where a sea lane is on land, outside the harbour approaches.

    The rule of ``corridors check`` and of ``corridors add`` for sea lanes: samples every
    :data:`~corridors.geo.landmask.CHECK_STEP_M`, the first and last
    ``DEFAULT_HARBOUR_RADIUS_M`` ignored.
    """
    crossings = land_crossings(coords, step_m=CHECK_STEP_M, skip_ends_m=DEFAULT_HARBOUR_RADIUS_M)
    return [(crossing.start_m, crossing.end_m) for crossing in crossings]
