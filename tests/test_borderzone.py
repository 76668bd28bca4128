"""The border lines and the widened border zone kept in the cache folder (geo/borderzone.py):
the very geometries the basemap and the buffer give, and a damaged, foreign or odd file is
never used, only rebuilt."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely
from shapely.geometry import shape
from shapely.ops import unary_union

from corridors.geo import borders, borderzone

MARGIN = borders.BORDER_TOLERANCE_M


def _clear() -> None:
    borders._borders.cache_clear()
    borders._near_borders.cache_clear()


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty cache folder of the test's own, and no geometry kept in memory."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(folder))
    _clear()
    yield folder
    _clear()


def _lines() -> bytes:
    """The border lines as computed from the basemap, without any cache."""
    lines = [
        shape(feature["geometry"])
        for feature in borders.load_basemap()["features"]
        if feature["properties"]["kind"] == "border"
    ]
    return shapely.to_wkb(unary_union(lines))


def _zone() -> bytes:
    zone = shapely.from_wkb(_lines()).buffer(MARGIN / borders.METRES_PER_DEGREE)
    return shapely.to_wkb(zone)


def test_the_kept_geometries_are_the_computed_ones_to_the_bit(fresh: Path) -> None:
    computed = (shapely.to_wkb(borders._borders()), shapely.to_wkb(borders._near_borders(MARGIN)))
    files = sorted(fresh.glob("borders-*.wkb"))
    assert len(files) == 2
    stamps = [f.stat().st_mtime_ns for f in files]
    _clear()
    read = (shapely.to_wkb(borders._borders()), shapely.to_wkb(borders._near_borders(MARGIN)))
    assert computed == read == (_lines(), _zone())
    assert [f.stat().st_mtime_ns for f in files] == stamps  # read, not written again


def test_lines_near_the_border_are_judged_alike(fresh: Path) -> None:
    """Crossings, distances and ``stays_near_border`` along and across the DPRK-ROK line,
    from computed and from kept geometries."""
    lines = [
        [(126.6, 37.95), (127.2, 38.3), (127.8, 38.3), (128.3, 38.6)],
        [(126.9, 37.6), (127.0, 38.4), (127.1, 39.0)],
        [(130.6, 42.42), (130.65, 42.43)],
    ]

    def judged() -> list[object]:
        near = [
            borders.stays_near_border(line, a, b, margin_m=MARGIN)
            for line in lines
            for a, b in ((0.0, 1e9), (0.0, 5_000.0), (10_000.0, 40_000.0))
        ]
        crossings = [borders.border_crossings(line) for line in lines]
        distances = [borders.distance_to_border_m(p) for line in lines for p in line]
        return [near, crossings, distances]

    computed = judged()
    _clear()
    assert judged() == computed
    assert True in computed[0] and False in computed[0] and any(computed[1])


def _damaged(data: bytes, damage: str) -> bytes:
    if damage == "flip":
        return data[:100] + bytes([data[100] ^ 1]) + data[101:]
    if damage == "truncate":
        return data[: len(data) // 2]
    if damage == "empty":
        return b""
    other = shapely.to_wkb(shapely.box(0, 0, 1, 1).boundary)
    return data[:32] + other  # "foreign": another line behind the old digest


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "foreign", "fifo", "symlink"])
def test_a_bad_file_is_rebuilt(fresh: Path, tmp_path: Path, damage: str) -> None:
    borders._near_borders(MARGIN)
    for number, path in enumerate(sorted(fresh.glob("borders-*.wkb"))):
        data = path.read_bytes()
        path.unlink()
        if damage == "fifo":
            os.mkfifo(path)
        elif damage == "symlink":
            target = tmp_path / f"elsewhere-{number}.wkb"
            target.write_bytes(data)
            path.symlink_to(target)
        else:
            path.write_bytes(_damaged(data, damage))
    _clear()
    assert (shapely.to_wkb(borders._borders()), shapely.to_wkb(borders._near_borders(MARGIN))) == (
        _lines(),
        _zone(),
    )
    for path in fresh.glob("borders-*.wkb"):
        assert stat.S_ISREG(os.lstat(path).st_mode)  # replaced by a good file


def test_a_geometry_of_another_kind_is_not_used(fresh: Path) -> None:
    key = borderzone.geometry_key("border lines", borders._basemap_text())
    borderzone.store_geometry(key, shapely.box(0, 0, 1, 1))
    assert borderzone.read_geometry(key, kinds=("Polygon",)) is not None
    assert borderzone.read_geometry(key, kinds=("LineString", "MultiLineString")) is None
    assert shapely.to_wkb(borders._borders()) == _lines()


def test_another_margin_or_basemap_is_another_key() -> None:
    text = borders._basemap_text()
    keys = {
        borderzone.geometry_key("border lines", text),
        borderzone.geometry_key(f"zone {MARGIN!r}", text),
        borderzone.geometry_key(f"zone {MARGIN + 1!r}", text),
        borderzone.geometry_key(f"zone {MARGIN!r}", text + " "),
    }
    assert len(keys) == 4


def test_an_unwritable_cache_folder_only_costs_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(blocker / "cache"))
    _clear()
    try:
        assert shapely.to_wkb(borders._near_borders(MARGIN)) == _zone()
    finally:
        _clear()
