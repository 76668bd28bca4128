"""``check`` and ``build`` from the memo (cli/memo.py): the same answer as computing it, and
never a stale one: any edit of the atlas (even one that restores the size and modification
time), a changed parameter or a damaged memo file computes again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_runner import corridors_cli

import corridors.check
import corridors.maps.build
from corridors.cli import memo

SHIPPED = Path(__file__).resolve().parents[1] / "geo"
RACY_S = 0.05


@pytest.fixture
def quick_racy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs are trusted 0.05 s after their last change (instead of 2 s): tests wait that."""
    monkeypatch.setattr(memo, "RACY_S", RACY_S)


def _settle() -> None:
    time.sleep(3 * RACY_S)


def _copy_shipped(tmp_path: Path) -> Path:
    root = tmp_path / "geo"
    shutil.copytree(SHIPPED, root, ignore=shutil.ignore_patterns(".corridors*"))
    return root


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("computed although nothing changed")


def _check_outputs(root: Path, cache: Path) -> list[tuple[int, str]]:
    runs = [
        corridors_cli("check", *flags, atlas=root, cache=cache)
        for flags in ([], ["--verbose"], ["--json"], ["--csv"], ["--tolerance-m", "1"])
    ]
    return [(done.returncode, done.stdout) for done in runs]


def test_check_from_the_memo_is_the_checked_answer(
    tmp_path: Path, quick_racy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _copy_shipped(tmp_path), tmp_path / "cache"
    _settle()
    computed = _check_outputs(root, cache)
    # one memo per tolerance: the output formats print the same report
    assert sorted(p.name.split("-")[2] for p in cache.glob("memo-*.json")) == ["check"] * 2
    monkeypatch.setattr(corridors.check, "check_atlas", _refuse)
    assert _check_outputs(root, cache) == computed  # every format, from the memo
    # --tolerance-m 1 finds problems (the ends are farther than 1 m): its own memo, exit 1
    assert computed[-1][0] == 1 and computed[0][0] == 0


@pytest.mark.parametrize("keep_times", [False, True], ids=["edit", "edit-restoring-mtime"])
def test_an_edited_atlas_is_checked_again(
    tmp_path: Path, quick_racy: None, monkeypatch: pytest.MonkeyPatch, keep_times: bool
) -> None:
    root, cache = _copy_shipped(tmp_path), tmp_path / "cache"
    _settle()
    before = corridors_cli("check", "--json", atlas=root, cache=cache)
    assert json.loads(before.stdout)["clean"]
    # The same length, one digit of one coordinate changed: the line now misses its place.
    path = root / "places.geojson"
    text = path.read_text(encoding="utf-8")
    stat = path.stat()
    place = json.loads(text)["features"][0]
    lon = json.dumps(place["geometry"]["coordinates"][0])
    moved = lon[:-1] + str((int(lon[-1]) + 5) % 10)
    edited = text.replace(lon, moved, 1)
    assert len(edited) == len(text) and edited != text
    path.write_text(edited, encoding="utf-8")
    if keep_times:
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert path.stat().st_mtime_ns == stat.st_mtime_ns and path.stat().st_size == stat.st_size
    _settle()
    calls: list[object] = []
    real = corridors.check.check_atlas

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(corridors.check, "check_atlas", counted)
    after = corridors_cli("check", "--json", atlas=root, cache=cache)
    assert calls, "the memo answered for an edited atlas"
    fresh = corridors_cli("check", "--json", atlas=root, cache=tmp_path / "fresh")
    assert after.stdout == fresh.stdout and after.returncode == fresh.returncode


def test_a_damaged_or_foreign_memo_is_computed_again(
    tmp_path: Path, quick_racy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _copy_shipped(tmp_path), tmp_path / "cache"
    _settle()
    first = corridors_cli("check", "--json", atlas=root, cache=cache)
    (path,) = cache.glob("memo-*-check-*.json")
    stored = json.loads(path.read_text(encoding="utf-8"))
    for damage in (
        b"{not json",
        json.dumps({**stored, "key": "0" * 64}).encode(),  # another key: other inputs
        json.dumps({**stored, "answer": {"counts": {}, "findings": [[1, 2]]}}).encode(),
        json.dumps(
            {**stored, "answer": {"counts": {}, "findings": [["a", "b", 1, "c", 2]]}}
        ).encode(),
    ):
        path.write_bytes(damage)
        again = corridors_cli("check", "--json", atlas=root, cache=cache)
        assert again.stdout == first.stdout
    path.unlink()
    path.mkdir()  # a folder where the memo goes: computed, never an error
    assert corridors_cli("check", "--json", atlas=root, cache=cache).stdout == first.stdout


def test_inputs_key_changes_with_what_the_answer_depends_on(
    tmp_path: Path, quick_racy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _copy_shipped(tmp_path)
    _settle()
    key = memo.inputs_key(root, "check", {"a": 1})
    assert key is not None and key == memo.inputs_key(root, "check", {"a": 1})
    assert memo.inputs_key(root, "check", {"a": 2}) != key
    assert memo.inputs_key(root, "build", {"a": 1}) != key
    monkeypatch.setenv("CORRIDORS_SOMETHING", "x")
    assert memo.inputs_key(root, "check", {"a": 1}) != key
    monkeypatch.delenv("CORRIDORS_SOMETHING")
    (root / ".corridors.read.lock").write_bytes(b"")  # taking a lock changes nothing read
    (root / "scenarios" / "new.toml").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(memo, "RACY_S", 60.0)  # however slow this machine is
    assert memo.inputs_key(root, "check", {"a": 1}) is None  # just changed: not trusted
    monkeypatch.setattr(memo, "RACY_S", RACY_S)
    _settle()
    assert memo.inputs_key(root, "check", {"a": 1}) not in (None, key)
    assert memo.inputs_key(tmp_path / "missing", "check", {"a": 1}) is None
    (root / "dangling").symlink_to(tmp_path / "nothing")  # cannot be stat'ed: no key
    _settle()
    assert memo.inputs_key(root, "check", {"a": 1}) is None


def test_build_from_the_memo_writes_the_same_maps(
    tmp_path: Path, quick_racy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _copy_shipped(tmp_path), tmp_path / "cache"
    _settle()
    first = corridors_cli("build", "--out", str(tmp_path / "a"), atlas=root, cache=cache)
    assert first.returncode == 0, first.stderr
    monkeypatch.setattr(corridors.maps.build, "build_maps", _refuse)
    again = corridors_cli("build", "--out", str(tmp_path / "b"), atlas=root, cache=cache)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout.replace(str(tmp_path / "a"), str(tmp_path / "b"))
    assert again.stderr == first.stderr
    for name in corridors.maps.build.MAP_FILES:
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes()
    # A refused map path is refused from the memo too, and nothing is written.
    (tmp_path / "c" / "shipments.html").mkdir(parents=True)
    refused = corridors_cli("build", "--out", str(tmp_path / "c"), atlas=root, cache=cache)
    assert refused.returncode == 2 and "shipments.html" in refused.stderr
    assert not (tmp_path / "c" / "atlas.html").exists()


def test_build_after_an_edit_draws_the_edit(
    tmp_path: Path, quick_racy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _copy_shipped(tmp_path), tmp_path / "cache"
    _settle()
    corridors_cli("build", "-q", "--out", str(tmp_path / "a"), atlas=root, cache=cache)
    path = root / "places.geojson"
    name = json.loads(path.read_text(encoding="utf-8"))["features"][0]["properties"]["name"]
    path.write_text(path.read_text(encoding="utf-8").replace(name, name + "x"), encoding="utf-8")
    _settle()
    done = corridors_cli("build", "-q", "--out", str(tmp_path / "b"), atlas=root, cache=cache)
    assert done.returncode == 0, done.stderr
    assert (name + "x").encode() in (tmp_path / "b" / "atlas.html").read_bytes()


def test_a_remembered_check_imports_no_geometry_library(tmp_path: Path) -> None:
    """The point of the memo: a cold ``corridors check`` with nothing changed needs neither
    pyproj, numpy, shapely nor the land mask (a real process, as a user runs it)."""
    root = _copy_shipped(tmp_path)
    time.sleep(memo.RACY_S + 0.1)
    env = {**os.environ, "CORRIDORS_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("CORRIDORS_ATLAS", None)
    argv = [sys.executable, "-X", "importtime", "-m", "corridors.cli", "check"]
    argv += ["--atlas", str(root)]
    runs = [subprocess.run(argv, capture_output=True, text=True, env=env) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0] and runs[0].stdout == runs[1].stdout
    first, second = (_imported(run.stderr) for run in runs)
    assert "pyproj" in first  # computed the first time
    assert not {"pyproj", "numpy", "shapely", "global_land_mask"} & second


def _imported(importtime: str) -> set[str]:
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime.splitlines()
        if line.startswith("import time:")
    }


def test_export_from_the_memo_writes_the_same_file(
    tmp_path: Path, quick_racy: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache = _copy_shipped(tmp_path), tmp_path / "cache"
    _settle()
    import corridors.export

    suffixes = (".geojson", ".csv", ".kml", ".graphml")
    for suffix in suffixes:
        done = corridors_cli("export", str(tmp_path / f"a{suffix}"), atlas=root, cache=cache)
        assert done.returncode == 0, done.stderr
    real = corridors.export.export_file
    monkeypatch.setattr(corridors.export, "export_file", _refuse)
    for suffix in suffixes:
        done = corridors_cli("export", str(tmp_path / f"b{suffix}"), atlas=root, cache=cache)
        assert done.returncode == 0 and done.stdout == f"wrote {tmp_path / f'b{suffix}'}\n"
        assert (tmp_path / f"b{suffix}").read_bytes() == (tmp_path / f"a{suffix}").read_bytes()
    monkeypatch.setattr(corridors.export, "export_file", real)
    # Refusals are the library's, from the memo too: a missing folder, an unknown suffix.
    missing = corridors_cli("export", str(tmp_path / "no" / "x.csv"), atlas=root, cache=cache)
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    unknown = corridors_cli("export", str(tmp_path / "x.txt"), atlas=root, cache=cache)
    assert unknown.returncode == 2 and "cannot export" in unknown.stderr
