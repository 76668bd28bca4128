"""Where the atlas map opens: the corridors of the Korean region, not the long haul.

The atlas reaches far west of its subject (the Kuzbass long haul runs from Novokuznetsk,
87°E), but the map opens on the Russia - North Korea - South Korea corridors: only the lines
wholly inside :data:`FOCUS` set the first view; the others are drawn all the same and reached
by panning or zooming out.
"""

from __future__ import annotations

from collections.abc import Sequence

from corridors.maps.features import bounds

FOCUS = (124.0, 33.0, 133.5, 44.0)
"""(lon_min, lat_min, lon_max, lat_max) of the first view's region: the Korean peninsula and
southern Primorye (the basemap's ``korea`` level box, ``data/README.md``)."""


def inside(line: Sequence[Sequence[float]], box: tuple[float, float, float, float] = FOCUS) -> bool:
    """Whether every position of ``line`` ([lon, lat, ...]) lies in ``box``."""
    west, south, east, north = box
    return all(west <= p[0] <= east and south <= p[1] <= north for p in line)


def first_view_bounds(
    lines: Sequence[Sequence[Sequence[float]]],
) -> list[list[float]] | None:
    """[[south, west], [north, east]] around the lines wholly inside :data:`FOCUS`; around
    all of them when none is (an atlas of another region), None when there are no lines."""
    focused = [line for line in lines if inside(line)]
    return bounds(focused or lines)


__all__ = ["FOCUS", "first_view_bounds", "inside"]
