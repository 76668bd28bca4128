"""Print the estimated outline of the Rason special economic zone (the ``rason_sez`` place).

No boundary of the zone has been published, only its area (746 km²) and its extent, "between
42°08'-42°38'N and 130°07'-130°42'E" (en.wikipedia "Rason Special Economic Zone", citing the
CPEEC). The zone is the territory of Rason city: the Tumen River (the borders with China and
Russia) to the north and east, the sea to the south-east, North Hamgyong to the west. So the
outline is built only from data this package ships, and one estimate:

- the Tumen: the WDBII border line of GSHHG in ``src/corridors/data/basemap.geojson``, from the
  river mouth upstream to its northernmost bend;
- the coast: the finest land of the same file (until issue 11 the GLOBE land mask, about 1 km,
  which the committed outline follows; now GSHHG full, simplified at 12 m, around Rason);
- the western boundary: an ESTIMATE, straight segments from that bend by one bend inland to
  the published western extent (130°07'E), then down to the coast;
- all of it clipped to the published extent.

The one inland bend is a curator's choice; its effect on the area is printed, to compare with
the published 746 km² (the bend was placed so the area comes within a few per cent of it, so
the area is a check of the estimate's scale, not independent evidence of its shape).

Cross-check only, nothing copied (its licence, ODbL 1.0, would bind the atlas): the
OpenStreetMap-derived boundary of Rason in geoBoundaries (wmgeolab/geoBoundaries, gbOpen
PRK ADM1, OSM data of Sep 2020) measures 840 km² and spans 130.04-130.68 E, 42.15-42.62 N;
its intersection over union with this outline is 0.71 (measured 2026-12-01).
Run from the repository root; it prints the geometry and the area:

    python tools/make_rason_zone.py
"""

from __future__ import annotations

import json
from pathlib import Path

from pyproj import Geod
from shapely import Polygon, box, set_precision
from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parents[1]
BASEMAP = ROOT / "src/corridors/data/basemap.geojson"
PUBLISHED_KM2 = 746.0
# The published extent: 42°08'-42°38'N, 130°07'-130°42'E.
EXTENT = box(130 + 7 / 60, 42 + 8 / 60, 130 + 42 / 60, 42 + 38 / 60)
# Vertices of the basemap's DPRK border along the Tumen, mouth first, to its northernmost bend
# (Russia - DPRK to the tripoint at 130.604, 42.421, then China - DPRK).
TUMEN_FROM = (130.691, 42.296)
TUMEN_TO = (130.487, 42.61)
# ESTIMATE: the western boundary (North Hamgyong), from the Tumen bend to the western extent.
WEST = [(130.37, 42.40), (130.117, 42.20)]
# Out at sea, to close the ring before it is cut by the land polygon.
SEA = [(130.117, 42.0), (130.75, 42.2)]


def _basemap() -> tuple[object, list[tuple[float, float]]]:
    doc = json.loads(BASEMAP.read_text(encoding="utf-8"))
    # The finest land at each place: the pieces drawn up to the highest zoom (no maxzoom).
    land = unary_union(
        [
            shape(f["geometry"])
            for f in doc["features"]
            if f["properties"]["kind"] == "land" and "maxzoom" not in f["properties"]
        ]
    )
    border = next(
        shape(f["geometry"]) for f in doc["features"] if f["properties"]["kind"] == "border"
    )
    return land, _tumen(border)


def _tumen(border) -> list[tuple[float, float]]:  # noqa: ANN001 - a shapely MultiLineString
    """The border vertices from the Tumen mouth upstream to the bend, in that order."""
    lines = [list(line.coords) for line in border.geoms]
    russia = next(line for line in lines if TUMEN_FROM in line)
    china = next(line for line in lines if TUMEN_TO in line)
    tripoint = russia.index(TUMEN_FROM)
    start = next(i for i, xy in enumerate(russia) if abs(xy[0] - 130.604) < 1e-6)
    part_ru = list(reversed(russia[start : tripoint + 1]))  # mouth -> tripoint
    part_cn = china[: china.index(TUMEN_TO) + 1]  # tripoint -> bend
    return part_ru + part_cn[1:]


def zone() -> Polygon:
    """The estimated zone outline (EPSG:4326), counter-clockwise, rounded to 0.0001 deg."""
    land, tumen = _basemap()
    ring = [*tumen, *WEST, *SEA, tumen[0]]
    area = Polygon(ring).buffer(0).intersection(land).intersection(EXTENT)
    if area.geom_type != "Polygon":
        area = max(area.geoms, key=lambda part: part.area)
    return orient(set_precision(area, 0.0001), 1.0)


def main() -> None:
    outline = zone()
    km2 = abs(Geod(ellps="WGS84").geometry_area_perimeter(outline)[0]) / 1e6
    point = outline.representative_point()
    print(json.dumps(mapping(outline)))
    print(f"point: [{point.x:.4f}, {point.y:.4f}]")
    print(f"area: {km2:.1f} km2 (published {PUBLISHED_KM2:.0f}; {km2 / PUBLISHED_KM2 - 1:+.1%})")


if __name__ == "__main__":
    main()
