"""The widened border zone kept in the cache folder (geo/borderzone.py): the very polygon the
buffer gives, and a damaged, foreign or odd file is never used, only rebuilt."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely

from corridors.geo import borders, borderzone

MARGIN = borders.BORDER_TOLERANCE_M


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty cache folder of the test's own, and no zone kept in memory."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(folder))
    borders._near_borders.cache_clear()
    yield folder
    borders._near_borders.cache_clear()


def _computed() -> bytes:
    return shapely.to_wkb(borders._borders().buffer(MARGIN / borders.METRES_PER_DEGREE))


def test_the_kept_zone_is_the_buffer_to_the_bit(fresh: Path) -> None:
    first = borders._near_borders(MARGIN)  # computed, then kept
    (path,) = fresh.glob("borderzone-*.wkb")
    borders._near_borders.cache_clear()
    second = borders._near_borders(MARGIN)  # read back
    assert shapely.to_wkb(first) == shapely.to_wkb(second) == _computed()
    assert path.stat().st_mtime_ns == next(fresh.glob("borderzone-*.wkb")).stat().st_mtime_ns


def test_lines_near_the_border_are_judged_alike(fresh: Path) -> None:
    """``stays_near_border`` on parts along and across the DPRK-ROK line, computed and read."""
    lines = [
        [(126.6, 37.95), (127.2, 38.3), (127.8, 38.3), (128.3, 38.6)],
        [(126.9, 37.6), (127.0, 38.4), (127.1, 39.0)],
        [(130.6, 42.42), (130.65, 42.43)],
    ]

    def judged() -> list[bool]:
        return [
            borders.stays_near_border(line, a, b, margin_m=MARGIN)
            for line in lines
            for a, b in ((0.0, 1e9), (0.0, 5_000.0), (10_000.0, 40_000.0))
        ]

    computed = judged()
    borders._near_borders.cache_clear()
    assert judged() == computed and True in computed and False in computed


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "foreign", "fifo", "symlink"])
def test_a_bad_file_is_rebuilt(fresh: Path, tmp_path: Path, damage: str) -> None:
    borders._near_borders(MARGIN)
    (path,) = fresh.glob("borderzone-*.wkb")
    data = path.read_bytes()
    path.unlink()
    if damage == "fifo":
        os.mkfifo(path)
    elif damage == "symlink":
        target = tmp_path / "elsewhere.wkb"
        target.write_bytes(data)
        path.symlink_to(target)
    else:
        other = shapely.to_wkb(shapely.box(0, 0, 1, 1))
        path.write_bytes(
            {
                "flip": lambda: data[:100] + bytes([data[100] ^ 1]) + data[101:],
                "truncate": lambda: data[: len(data) // 2],
                "empty": lambda: b"",
                "foreign": lambda: data[:32] + other,  # another polygon behind the old digest
            }[damage]()
        )
    borders._near_borders.cache_clear()
    assert borderzone.read_zone(borderzone.zone_key(borders._basemap_text(), MARGIN)) is None
    assert shapely.to_wkb(borders._near_borders(MARGIN)) == _computed()
    assert stat.S_ISREG(os.lstat(path).st_mode)  # replaced by a good file
    assert borderzone.read_zone(borderzone.zone_key(borders._basemap_text(), MARGIN)) is not None


def test_another_margin_or_basemap_is_another_key() -> None:
    text = borders._basemap_text()
    keys = {
        borderzone.zone_key(text, MARGIN),
        borderzone.zone_key(text, MARGIN + 1),
        borderzone.zone_key(text + " ", MARGIN),
    }
    assert len(keys) == 3


def test_an_unwritable_cache_folder_only_costs_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(blocker / "cache"))
    borders._near_borders.cache_clear()
    try:
        assert shapely.to_wkb(borders._near_borders(MARGIN)) == _computed()
    finally:
        borders._near_borders.cache_clear()
