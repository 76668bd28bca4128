"""National land borders (incl. the DPRK–ROK demarcation line) and where a line crosses them.

The borders are the ``border`` feature of the package's data basemap (``data/basemap.geojson``,
sources and licences in ``data/README.md``): GSHHG/WDBII land borders simplified at 600 m, so a
border can lie a kilometre or two from where it really runs (at the Tumen mouth the Russia–DPRK
line passes ~1.7 km south of the Friendship Bridge). :data:`BORDER_TOLERANCE_M` is that margin.
The map layer draws the same file (:mod:`corridors.maps.basemap` reads it through
:func:`load_basemap`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, NamedTuple

from corridors.atlas.model import Coord
from corridors.geo.geodesy import distance_m, line_length_m, nearest_on_line

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "BORDER_TOLERANCE_M",
    "BorderCrossing",
    "border_crossings",
    "distance_to_border_m",
    "stays_near_border",
    "load_basemap",
]

BORDER_TOLERANCE_M = 2500.0
"""How far the shipped border lines may be from the real border (simplification, river beds)."""
METRES_PER_DEGREE = 111_320.0


class BorderCrossing(NamedTuple):
    """A point where a line meets a border line: position and metres along the line."""

    lon: float
    lat: float
    along_m: float


@cache
def _basemap_text() -> str:
    return (resources.files("corridors") / "data" / "basemap.geojson").read_text(encoding="utf-8")


def load_basemap() -> dict[str, Any]:
    """The basemap FeatureCollection (a fresh copy): features with property kind land/border."""
    data: dict[str, Any] = json.loads(_basemap_text())
    return data


@cache
def _borders() -> BaseGeometry:
    """Every border line of the basemap as one shapely geometry (lon/lat, EPSG:4326), kept in
    the cache folder (:mod:`corridors.geo.borderzone`: the same geometry to the bit)."""
    from corridors.geo import borderzone

    key = borderzone.geometry_key("border lines", _basemap_text())
    found = borderzone.read_geometry(key, kinds=("LineString", "MultiLineString"))
    if found is None:
        from shapely.geometry import shape
        from shapely.ops import unary_union

        found = unary_union(
            [
                shape(feature["geometry"])
                for feature in load_basemap()["features"]
                if feature["properties"]["kind"] == "border"
            ]
        )
        borderzone.store_geometry(key, found)
    return found


def distance_to_border_m(point: Coord) -> float:
    """Geodesic distance in metres from (lon, lat) ``point`` to the nearest border line."""
    from shapely.geometry import Point
    from shapely.ops import nearest_points

    nearest = nearest_points(_borders(), Point(point))[0]
    return distance_m(point, (nearest.x, nearest.y))


def border_crossings(coords: Sequence[Coord]) -> list[BorderCrossing]:
    """Where a (lon, lat) line meets a border line, in order along the line.

    The intersection is planar in lon/lat (straight segments between close vertices, as the
    lines are drawn); each point's position along the line is measured geodesically. A stretch
    that runs along a border counts once, at its first point.

    Parameters
    ----------
    coords : sequence of (lon, lat)
        The line, EPSG:4326.

    Returns
    -------
    list of BorderCrossing
        Sorted by ``along_m`` (metres from the line's start); empty if it meets no border.
    """
    from shapely.geometry import LineString

    if len(coords) < 2:
        return []
    line = LineString(coords)
    found = line.intersection(_borders())
    if found.is_empty:
        return []
    parts = getattr(found, "geoms", [found])
    crossings = []
    for part in parts:
        x, y = part.coords[0]
        index, _, position = nearest_on_line(coords, (x, y))
        along = line_length_m([*coords[: index + 1], position])
        crossings.append(BorderCrossing(float(x), float(y), along))
    return sorted(crossings, key=lambda c: c.along_m)


@cache
def _near_borders(margin_m: float) -> BaseGeometry:
    """The borders widened by ``margin_m`` (in degrees at 111.32 km each: in longitude that is
    narrower than ``margin_m``, so whatever lies inside is within ``margin_m``), prepared.

    Widening every border line took ~0.05 s of each ``corridors check``, so the zone is kept
    in the cache folder (:mod:`corridors.geo.borderzone`) for the same basemap, margin and
    shapely/GEOS: the very same polygon, read back to the bit."""
    import shapely

    from corridors.geo import borderzone

    key = borderzone.geometry_key(f"zone {margin_m!r}", _basemap_text())
    zone = borderzone.read_geometry(key, kinds=("Polygon", "MultiPolygon"))
    if zone is None:
        zone = _borders().buffer(margin_m / METRES_PER_DEGREE)
        borderzone.store_geometry(key, zone)
    shapely.prepare(zone)
    return zone


def stays_near_border(
    coords: Sequence[Coord], start_m: float, end_m: float, *, margin_m: float
) -> bool:
    """Whether the part of a line between two points along it stays within ``margin_m`` of a
    border line.

    Parameters
    ----------
    coords : sequence of (lon, lat)
        The line, EPSG:4326.
    start_m, end_m : float
        The part, in metres from the line's start (as :attr:`BorderCrossing.along_m`).
    margin_m : float
        Metres; the test is conservative (a part called near is within ``margin_m``).

    Returns
    -------
    bool
    """
    import numpy as np
    from shapely.geometry import LineString

    from corridors.geo.geodesy import wgs84

    xy = np.asarray(coords, dtype=float)
    _, _, lengths = wgs84().inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    part = [_point_at(xy, along, start_m)]
    part += [tuple(p) for p in xy[(along > start_m) & (along < end_m)]]
    part.append(_point_at(xy, along, end_m))
    if len(part) == 2 and part[0] == part[1]:
        return True  # no length: nowhere away from the border
    return bool(_near_borders(margin_m).covers(LineString(part)))


def _point_at(xy: Any, along: Any, at_m: float) -> tuple[float, float]:
    """The point ``at_m`` metres along a line (linear between its vertices)."""
    import numpy as np

    i = int(np.clip(np.searchsorted(along, at_m, side="right") - 1, 0, len(along) - 2))
    span = along[i + 1] - along[i]
    t = 0.0 if span == 0 else min(1.0, max(0.0, (at_m - along[i]) / span))
    x0, y0 = xy[i]
    x1, y1 = xy[i + 1]
    return (float(x0 + t * (x1 - x0)), float(y0 + t * (y1 - y0)))
