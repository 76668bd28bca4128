"""The atlas stamp (network/stamp.py): unchanged files skip hashing, any edit is seen."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from corridors.atlas import read as atlas_read
from corridors.network import stamp
from corridors.network.load import load_network


@pytest.fixture
def stamped(atlas: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The factory atlas, loaded once so that its network is cached and its stamp recorded
    (the racy window is shortened to 0 s: the files were written a moment ago)."""
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(cache))
    monkeypatch.setattr(stamp, "RACY_S", 0.0)
    load_network(atlas, quiet=True)
    assert stamp.known_fingerprint(cache, atlas) is not None
    return atlas


def _no_reading(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    read: list[Path] = []
    original = atlas_read.read_atlas_bytes

    def spy(root: Path):  # noqa: ANN202 - as read_atlas_bytes
        read.append(root)
        return original(root)

    monkeypatch.setattr(atlas_read, "read_atlas_bytes", spy)  # load_network imports it late
    return read


def test_unchanged_atlas_is_not_read_again(stamped: Path, monkeypatch) -> None:
    read = _no_reading(monkeypatch)
    network = load_network(stamped, quiet=True)
    assert read == []
    assert network.atlas.places["khasan"].name == "Khasan"


def _edit_keeping_size_and_mtime(path: Path, old: str, new: str) -> None:
    assert len(old) == len(new)
    before = os.stat(path)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the mtime-restore trick
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)


def test_edit_with_same_size_and_restored_mtime_is_seen(stamped: Path, monkeypatch) -> None:
    read = _no_reading(monkeypatch)
    _edit_keeping_size_and_mtime(stamped / "places.geojson", '"Khasan"', '"Xhasan"')
    network = load_network(stamped, quiet=True)
    assert read == [stamped]  # hashed again
    assert network.atlas.places["khasan"].name == "Xhasan"


def test_file_replaced_by_rename_is_seen(stamped: Path, monkeypatch) -> None:
    path = stamped / "places.geojson"
    before = os.stat(path)
    text = path.read_text(encoding="utf-8").replace('"Khasan"', '"Xhasan"')
    spare = stamped / "places.tmp"
    spare.write_text(text, encoding="utf-8")
    os.utime(spare, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(spare, path)
    assert load_network(stamped, quiet=True).atlas.places["khasan"].name == "Xhasan"


def test_new_corridor_file_is_seen(stamped: Path) -> None:
    rail = json.loads((stamped / "corridors" / "rail.geojson").read_text(encoding="utf-8"))
    first = rail["features"][0]
    first["properties"]["id"] = "copy-of-first"
    first["properties"]["name"] = "A copy of the first"
    (stamped / "corridors" / "extra.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [first]}), encoding="utf-8"
    )
    assert "copy-of-first" in load_network(stamped, quiet=True).atlas.corridors


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"version": 1, "stat": 3}'])
def test_damaged_stamp_means_hashing(stamped: Path, cache: Path, monkeypatch, content) -> None:
    stamp.stamp_path(cache, stamped).write_bytes(content)
    read = _no_reading(monkeypatch)
    assert load_network(stamped, quiet=True).atlas.places["khasan"].name == "Khasan"
    assert read == [stamped]


def test_forged_stamp_fingerprint_is_never_served(stamped: Path, cache: Path) -> None:
    """A stamp naming another fingerprint finds no cache for it, so the atlas is hashed."""
    path = stamp.stamp_path(cache, stamped)
    data = json.loads(path.read_text())
    data["fingerprint"] = "0" * 64
    path.write_text(json.dumps(data))
    _edit_keeping_size_and_mtime(stamped / "places.geojson", '"Khasan"', '"Qhasan"')
    assert load_network(stamped, quiet=True).atlas.places["khasan"].name == "Qhasan"


def test_recent_files_are_not_stamped(atlas: Path, cache: Path, monkeypatch) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(cache))
    monkeypatch.setattr(stamp, "RACY_S", 3600.0)
    load_network(atlas, quiet=True)
    assert stamp.known_fingerprint(cache, atlas) is None


def test_exact_id_needs_no_label_index(atlas: Path, cache: Path, monkeypatch) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(cache))
    network = load_network(atlas, quiet=True, use_cache=False)  # built here: labels not yet
    assert network.resolve_place("khasan") == "khasan"
    assert network._labels is None  # noqa: SLF001 - the point: no index was built
    assert network.resolve_place("Tumen") == "tumangang"  # aliases still resolve
    assert network._labels is not None  # noqa: SLF001
