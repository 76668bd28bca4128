"""The fast land/sea probes of ``corridors check`` give the findings the plain code gave.

Issue 13, item 4: ``open_sea_flags`` probes a sample's 8 neighbours only while it is still
water, and the land mask slices are kept 8 cells a byte. Here the plain code (every sample
probed 9 times, the mask read cell by cell from the package's own data file, as before) is the
reference: the land/sea flags of every shipped corridor, and the whole report of
:func:`corridors.check.check_atlas` on the shipped atlas and on atlases broken on purpose
(land lines across the sea and along a coast, a sea lane over land, a port inland, a line in
the long haul's box outside the routing region), must be identical. So must the numpy search
of :func:`corridors.geo.geodesy.nearest_on_line` on long lines (the border check's cuts).
"""

from __future__ import annotations

import json
import math
import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from atlas_factory import read_json

from corridors.atlas.read import load_atlas
from corridors.check import CheckReport, check_atlas
from corridors.geo import geodesy, landmask
from corridors.geo.geodesy import densify, wgs84

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def reference() -> dict[tuple[float, float, float, float], tuple[Any, ...]]:
    """The routing region's and the wide box's cells, read from the package's data file."""
    slices = {}
    for bounds in (landmask.REGION, landmask.WIDE):
        mask = landmask.region_mask(bounds)
        rows = (mask.row0, mask.row0 + mask.bits.shape[0])
        cols = (mask.col0, mask.col0 + mask.width)
        water, lat0, lon0, dlat, dlon = landmask._read_slice(landmask._package_npz(), rows, cols)
        assert (lat0, lon0, dlat, dlon) == (mask.lat0, mask.lon0, mask.dlat, mask.dlon)
        slices[bounds] = (water, mask.row0, mask.col0, lat0, lon0, dlat, dlon)
    return slices


def _plain_is_water(slices: dict[Any, tuple[Any, ...]]) -> Any:
    """``is_water`` as it was: one bool per cell, point by point (the long haul's box at most:
    the world grid is not loaded in tests)."""

    def is_water(lon: Any, lat: Any, *, bounds: Any = landmask.REGION) -> np.ndarray:
        lons = np.atleast_1d(np.asarray(lon, dtype=float))
        lats = np.atleast_1d(np.asarray(lat, dtype=float))
        out = []
        for x, y in zip(lons.tolist(), lats.tolist(), strict=True):
            for box in (bounds, landmask.WIDE):
                if box[0] <= x <= box[2] and box[1] <= y <= box[3]:
                    water, row0, col0, lat0, lon0, dlat, dlon = slices[box]
                    row = int((y - lat0) / dlat) - row0
                    col = int((x - lon0) / dlon) - col0
                    out.append(bool(water[row, col]))
                    break
            else:
                raise AssertionError(f"({x}, {y}) is outside the long haul's box")
        return np.array(out, dtype=bool)

    return is_water


def _plain_open_sea_flags(is_water: Any) -> Any:
    """``open_sea_flags`` as it was: every sample and all 8 of its neighbours probed."""

    def open_sea_flags(coords: Any) -> tuple[list[bool], list[float]]:
        points, along = densify(coords, landmask.CHECK_STEP_M)
        lons = np.array([p[0] for p in points])
        lats = np.array([p[1] for p in points])
        water = is_water(lons, lats)
        for azimuth in range(0, 360, 45):
            shifted_lons, shifted_lats, _ = wgs84().fwd(
                lons,
                lats,
                np.full(lons.shape, float(azimuth)),
                np.full(lons.shape, landmask.COAST_BUFFER_M),
            )
            water &= is_water(shifted_lons, shifted_lats)
        return [bool(v) for v in water], along

    return open_sea_flags


def _findings(report: CheckReport) -> list[tuple[Any, ...]]:
    return [(f.subject, f.check, f.ok, f.message, f.data) for f in report.findings]


def _both_ways(root: Path, slices: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The report's findings from the code as it is, after asserting the plain code's are
    the same."""
    fast = _findings(check_atlas(load_atlas(root)))
    plain_is_water = _plain_is_water(slices)
    with monkeypatch.context() as patch:
        patch.setattr(landmask, "is_water", plain_is_water)
        patch.setattr(landmask, "open_sea_flags", _plain_open_sea_flags(plain_is_water))
        plain = _findings(check_atlas(load_atlas(root)))
    assert fast == plain
    return fast


def test_open_sea_flags_of_every_shipped_corridor(reference: Any) -> None:
    plain = _plain_open_sea_flags(_plain_is_water(reference))
    atlas = load_atlas(REPO / "geo")
    lines = [c.coords for c in atlas.corridors.values()]
    assert sum(len(densify(line, landmask.CHECK_STEP_M)[0]) for line in lines) > 15_000
    at_sea = 0
    for line in lines:
        flags, along = landmask.open_sea_flags(line)
        assert (flags, along) == plain(line)
        at_sea += sum(flags)
    assert at_sea > 0  # the sea lanes: the probes did find open sea


def _add(root: Path, cid: str, mode: str, coords: list[Any], start: str, end: str) -> None:
    path = root / "corridors" / f"{mode}.geojson"
    doc = read_json(path)
    doc["features"].append(
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(c) for c in coords]},
            "properties": {
                "id": cid,
                "name": cid,
                "mode": mode,
                "status": "proposed",
                "status_year": 2020,
                "from": start,
                "to": end,
                "via": [],
                "sources": ["curator-estimate"],
            },
        }
    )
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def _move_place(root: Path, pid: str, coord: tuple[float, float]) -> None:
    path = root / "places.geojson"
    doc = read_json(path)
    (feature,) = [f for f in doc["features"] if f["properties"]["id"] == pid]
    feature["geometry"]["coordinates"] = list(coord)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def _problems(findings: list[tuple[Any, ...]]) -> set[tuple[str, str]]:
    return {(subject, check) for subject, check, ok, _, _ in findings if not ok}


def test_shipped_atlas_report_is_the_same(
    reference: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(shutil.copytree(REPO / "geo", tmp_path / "geo"))
    assert _problems(_both_ways(root, reference, monkeypatch)) == set()


def test_broken_atlas_reports_are_the_same(
    reference: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(shutil.copytree(REPO / "geo", tmp_path / "geo"))
    places = {p.id: p for p in load_atlas(root).places.values()}

    def at(pid: str) -> tuple[float, float]:
        return places[pid].coord

    vladivostok, vostochny = at("vladivostok"), at("vostochny")
    pohang, busan = at("pohang"), at("busan")
    # A railway straight across Peter the Great Gulf, and a pipeline out to sea off Ulsan.
    _add(root, "test_rail_over_gulf", "rail", [vladivostok, vostochny], "vladivostok", "vostochny")
    offshore = (129.5, 35.6)
    _add(root, "test_pipe_offshore", "pipeline", [pohang, offshore, busan], "pohang", "busan")
    # A power line hugging the coast a little inland (samples on water near the shore only).
    coast = [(129.38 + 0.002 * k, 36.0 - 0.05 * k) for k in range(18)]
    _add(root, "test_power_coast", "power", coast, "pohang", "busan")
    # A sea lane straight over the Korean peninsula.
    _add(root, "test_lane_over_land", "sea", [pohang, at("dangjin")], "pohang", "dangjin")
    # A rail line in the long haul's box, north of the routing region: over the Tatar Strait.
    sakhalin = [at("khabarovsk"), (140.0, 49.5), (142.5, 49.5)]
    _add(root, "test_rail_to_sakhalin", "rail", sakhalin, "khabarovsk", "vostochny")
    # A port moved inland.
    _move_place(root, "gwangyang", at("daejeon"))

    problems = _problems(_both_ways(root, reference, monkeypatch))
    assert {
        ("test_rail_over_gulf", "sea"),
        ("test_pipe_offshore", "sea"),
        ("test_lane_over_land", "land"),
        ("test_rail_to_sakhalin", "sea"),
    } <= problems
    assert any(subject == "gwangyang" for subject, _ in problems)


def _plain_nearest_on_line(coords: Any, point: Any) -> tuple[int, float, Any]:
    """``nearest_on_line`` as it was: a Python loop over the segments."""
    px, py = point
    scale = math.cos(math.radians(py))
    best: Any = None
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
    return best[1], best[2], best[3]


def test_nearest_on_a_long_line_is_the_loops_answer_to_the_bit() -> None:
    """Lines longer than ``VECTOR_MIN_POSITIONS`` are searched with numpy: same answers."""
    atlas = load_atlas(REPO / "geo")
    rng = random.Random(13)
    long_lines = [
        list(c.coords)
        for c in atlas.corridors.values()
        if len(c.coords) > geodesy.VECTOR_MIN_POSITIONS
    ]
    assert len(long_lines) >= 5
    # Repeated vertices (zero-length segments) and equally near segments: the first wins.
    zigzag = [(130.0 + 0.01 * (k // 2), 42.0 + 0.01 * (k % 2)) for k in range(80)]
    long_lines += [[(130.0, 42.0)] * 70 + [(130.1, 42.1)] * 5, zigzag]
    asked = 0
    for line in long_lines:
        xs, ys = [x for x, _ in line], [y for _, y in line]
        points = [p.coord for p in atlas.places.values()] + line[::5]
        points += [
            (rng.uniform(min(xs) - 0.2, max(xs) + 0.2), rng.uniform(min(ys) - 0.2, max(ys) + 0.2))
            for _ in range(40)
        ]
        for point in points:
            assert geodesy.nearest_on_line(line, point) == _plain_nearest_on_line(line, point)
            asked += 1
    assert asked > 1000


def _plain_densify(coords: Any, step_m: float) -> tuple[list[Any], list[float]]:
    """``densify`` as it was: one sample appended at a time."""
    geod = wgs84()
    points = [(float(coords[0][0]), float(coords[0][1]))]
    along = [0.0]
    for (lon1, lat1), (lon2, lat2) in zip(coords[:-1], coords[1:], strict=True):
        _, _, length = geod.inv(lon1, lat1, lon2, lat2)
        count = int(length // step_m)
        if count > 0:
            for lon, lat in geod.npts(lon1, lat1, lon2, lat2, count):
                points.append((lon, lat))
        base = along[-1]
        for i in range(1, count + 1):
            along.append(base + length * i / (count + 1))
        points.append((float(lon2), float(lat2)))
        along.append(base + length)
    return points, along


@pytest.mark.parametrize("step_m", [landmask.CHECK_STEP_M, 200.0, 5_000.0])
def test_densify_gives_the_samples_it_gave(step_m: float) -> None:
    atlas = load_atlas(REPO / "geo")
    lines = [c.coords for c in atlas.corridors.values()] + [((130.0, 42.0),)]
    for line in lines:
        points, along = densify(line, step_m)
        assert (points, along) == _plain_densify(line, step_m)
        assert all(type(p) is tuple and type(p[0]) is float for p in points)
