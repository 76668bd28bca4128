"""Popup figures kept in the cache folder (maps/measure_cache.py): the very numbers pyproj
gives, never one for another geometry or another pyproj, and a damaged file is recomputed."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from corridors.geo import geodesy
from corridors.maps import measure_cache

SQUARE = (((130.0, 42.0), (130.5, 42.0), (130.5, 42.5), (130.0, 42.5), (130.0, 42.0)),)
HOLE = ((130.1, 42.1), (130.2, 42.1), (130.2, 42.2), (130.1, 42.1))
AREA = (SQUARE[0:1] + (HOLE,),)
LINE = ((130.0, 42.0), (130.3, 42.2), (131.0, 42.9))


@pytest.fixture
def counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A cache folder of the test's own, nothing remembered in this process, and the calls of
    pyproj's measures counted."""
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(measure_cache, "_KEPT", None)
    calls: list[str] = []
    area, length = geodesy.area_km2, geodesy.line_length_m
    monkeypatch.setattr(geodesy, "area_km2", lambda a: calls.append("area") or area(a))
    monkeypatch.setattr(geodesy, "line_length_m", lambda c: calls.append("length") or length(c))
    return calls


def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(measure_cache, "_KEPT", None)


def test_kept_figures_are_pyprojs(counted: list[str], monkeypatch) -> None:
    area, length = geodesy.area_km2(AREA), geodesy.line_length_m(LINE)
    counted.clear()
    assert measure_cache.area_km2(AREA) == area
    assert measure_cache.line_length_m(LINE) == length
    assert counted == ["area", "length"]
    _new_process(monkeypatch)
    assert measure_cache.area_km2(AREA) == area  # from the file, the same float
    assert measure_cache.line_length_m(LINE) == length
    assert counted == ["area", "length"]
    assert measure_cache.measure_cache_path().is_file()


def test_another_geometry_or_pyproj_is_computed(counted: list[str], monkeypatch) -> None:
    measure_cache.area_km2(AREA)
    measure_cache.line_length_m(LINE)
    nudged = ((LINE[0][0], math.nextafter(LINE[0][1], 90.0)), *LINE[1:])
    assert measure_cache.line_length_m(nudged) == geodesy.line_length_m(nudged)
    without_hole = ((SQUARE[0],),)
    assert measure_cache.area_km2(without_hole) != measure_cache.area_km2(AREA)
    before = len(counted)
    measure_cache.line_length_m(SQUARE[0])  # the positions of a kept area, measured as a line
    assert len(counted) == before + 1
    before = len(counted)
    stamp = measure_cache._pyproj_stamp()
    assert stamp is not None
    monkeypatch.setattr(measure_cache, "_pyproj_stamp", lambda: ["0.0.1", stamp[1]])
    measure_cache.area_km2(AREA)
    measure_cache.line_length_m(LINE)
    assert len(counted) == before + 2
    monkeypatch.setattr(measure_cache, "_pyproj_stamp", lambda: None)  # unknown: never kept
    measure_cache.area_km2(AREA)
    measure_cache.area_km2(AREA)
    assert len(counted) == before + 4


@pytest.mark.parametrize(
    "damage",
    ["garbage", "not an object", "other format", "negative", "text", "folder"],
)
def test_damaged_cache_is_recomputed(counted: list[str], monkeypatch, damage: str) -> None:
    area = measure_cache.area_km2(AREA)
    path = measure_cache.measure_cache_path()
    stored = json.loads(path.read_text())
    key = next(iter(stored["entries"]))
    if damage == "garbage":
        path.write_bytes(b"\x00{]" * 100)
    elif damage == "not an object":
        path.write_text("[1, 2]")
    elif damage == "other format":
        path.write_text(json.dumps({"format": 99, "entries": {key: 1.0}}))
    elif damage == "negative":
        path.write_text(json.dumps({"format": 1, "entries": {key: -1.0}}))
    elif damage == "text":
        path.write_text(json.dumps({"format": 1, "entries": {key: "726"}}))
    else:
        path.unlink()
        path.mkdir()
    _new_process(monkeypatch)
    counted.clear()
    assert measure_cache.area_km2(AREA) == area
    assert counted == ["area"]
