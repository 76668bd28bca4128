"""Findings kept per corridor, port and zone (``check_atlas(remembered=...)``, cli/check_units.py)
are exactly the findings of checking again, after any edit, and only what an edit touches is
checked again.

Every edit is made to a copy of the shipped atlas from what the copy holds (no coordinate or
length of the shipped atlas is written here); each report is compared, as JSON, with the
report of a plain ``check_atlas`` of the same edited atlas.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from atlas_factory import read_json, write_json
from cli_runner import corridors_cli

from corridors import check
from corridors.atlas.read import load_atlas
from corridors.check import CheckReport, check_atlas
from corridors.cli import check_units, memo, remembered

REPO = Path(__file__).resolve().parents[1]


class Recording(dict):  # type: ignore[type-arg]
    """A plain mapping of kept findings that notes which units were checked (written)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.written: list[str] = []

    def __setitem__(self, key: str, value: Any) -> None:
        self.written.append(key)
        super().__setitem__(key, value)


def as_json(report: CheckReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False)


def corridor_features(root: Path) -> list[tuple[Path, dict[str, Any], dict[str, Any]]]:
    """(file, its document, feature) of every corridor of the atlas at ``root``."""
    found = []
    for path in sorted((root / "corridors").glob("*.geojson")):
        doc = read_json(path)
        found.extend((path, doc, feature) for feature in doc["features"])
    return found


def edit_note(root: Path) -> set[str]:
    for path, doc, feature in corridor_features(root):
        for entry in feature["properties"].get("history", []):
            if "note" in entry:
                entry["note"] += " (edited)"
                write_json(path, doc)
                return set()
    raise AssertionError("no corridor has a note")


def edit_vertex(root: Path) -> set[str]:
    """Move a middle vertex of a land line by 0.02 deg north: that line only."""
    for path, doc, feature in corridor_features(root):
        coords = feature["geometry"]["coordinates"]
        if feature["properties"]["mode"] == "rail" and len(coords) > 4:
            coords[len(coords) // 2][1] += 0.02
            write_json(path, doc)
            return {feature["properties"]["id"]}
    raise AssertionError("no rail line with five positions")


def edit_length(root: Path) -> set[str]:
    """Double a published length: that line's length check fails."""
    for path, doc, feature in corridor_features(root):
        props = feature["properties"]
        if props.get("reported_length_km") and not props.get("attributes", {}).get("schematic"):
            props["reported_length_km"] *= 2
            write_json(path, doc)
            return {props["id"]}
    raise AssertionError("no line with a published length")


def _stop_place(root: Path) -> tuple[dict[str, Any], dict[str, Any], set[str]]:
    """places.geojson, the land place that most corridors stop at, and those corridors."""
    places = read_json(root / "places.geojson")
    stopping: dict[str, set[str]] = {}
    for _, _, feature in corridor_features(root):
        props = feature["properties"]
        for stop in [props["from"], *props.get("via", []), props["to"]]:
            stopping.setdefault(stop, set()).add(props["id"])
    land = [
        f
        for f in places["features"]
        if f["properties"]["kind"] not in ("port", "terminal", "zone")
        and f["properties"]["id"] in stopping
    ]
    place = max(land, key=lambda f: len(stopping[f["properties"]["id"]]))
    return places, place, stopping[place["properties"]["id"]]


def edit_place_position(root: Path) -> set[str]:
    places, place, lines = _stop_place(root)
    place["geometry"]["coordinates"][0] += 0.001
    write_json(root / "places.geojson", places)
    return lines


def edit_place_country(root: Path) -> set[str]:
    """A stop's country changed: the lines through it break the border rule."""
    places, place, lines = _stop_place(root)
    props = place["properties"]
    props["country"] = "JPN" if props["country"] != "JPN" else "CHN"
    write_json(root / "places.geojson", places)
    return lines


EDITS: dict[str, Callable[[Path], set[str]]] = {
    "note": edit_note,
    "vertex": edit_vertex,
    "published length": edit_length,
    "stop position": edit_place_position,
    "stop country": edit_place_country,
}


def _corridor_keys(root: Path, ids: set[str], **tolerances: float) -> set[str]:
    atlas = load_atlas(root)
    tolerance_m = tolerances.get("tolerance_m", check.SNAP_TOLERANCE_M)
    length = tolerances.get("length_tolerance", check.LENGTH_TOLERANCE)
    return {
        check.unit_key(check.corridor_inputs(atlas, atlas.corridors[i], tolerance_m, length))
        for i in ids
    }


@pytest.mark.parametrize("edit", list(EDITS), ids=str)
def test_kept_findings_are_the_findings_after_an_edit(edit: str, shipped_copy: Path) -> None:
    kept = Recording()
    first = check_atlas(load_atlas(shipped_copy), remembered=kept)
    assert as_json(first) == as_json(check_atlas(load_atlas(shipped_copy)))
    assert len(kept) == len(kept.written) > len(load_atlas(shipped_copy).corridors)

    touched = EDITS[edit](shipped_copy)
    edited = load_atlas(shipped_copy)
    again = Recording(kept)
    report = check_atlas(edited, remembered=again)
    plain = check_atlas(edited)
    assert as_json(report) == as_json(plain)
    # only the units the edit touched were checked again
    assert set(again.written) >= _corridor_keys(shipped_copy, touched)
    assert len(set(again.written) - _corridor_keys(shipped_copy, touched)) <= 1  # a moved berth
    if edit == "note":
        assert again.written == []
    if edit in ("published length", "stop country"):
        assert report.problems and not first.problems  # the edit is seen, not remembered


def test_other_tolerances_check_every_line_again(shipped_copy: Path) -> None:
    atlas = load_atlas(shipped_copy)
    kept = Recording()
    check_atlas(atlas, remembered=kept)
    again = Recording(kept)
    report = check_atlas(atlas, tolerance_m=5.0, length_tolerance=0.07, remembered=again)
    assert as_json(report) == as_json(check_atlas(atlas, tolerance_m=5.0, length_tolerance=0.07))
    assert report.problems  # ends farther than 5 m
    assert set(again.written) == _corridor_keys(
        shipped_copy, set(atlas.corridors), tolerance_m=5.0, length_tolerance=0.07
    )


def test_damaged_kept_findings_are_checked_again(shipped_copy: Path) -> None:
    atlas = load_atlas(shipped_copy)
    kept = Recording()
    check_atlas(atlas, remembered=kept)
    keys = list(kept)
    damaged = Recording(kept)
    damaged[keys[0]] = "not findings"
    damaged[keys[1]] = [["a", "b", "yes", "message", None]]  # ok not a bool
    damaged[keys[2]] = [["a", "b", True, "message"]]  # four fields
    damaged.written.clear()
    report = check_atlas(atlas, remembered=damaged)
    assert as_json(report) == as_json(check_atlas(atlas))
    assert sorted(damaged.written) == sorted(keys[:3])


# --- the command: the kept file -------------------------------------------------------------


@pytest.fixture
def quick_racy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Package files edited a moment ago (as while developing) still give a code key."""
    monkeypatch.setattr(memo, "RACY_S", 0.0)


def _check_json(root: Path, cache: Path) -> tuple[int, str]:
    ran = corridors_cli("check", "--json", atlas=root, cache=cache)
    assert ran.returncode in (0, 1), ran.stderr
    return ran.returncode, ran.stdout


@pytest.mark.usefixtures("quick_racy")
def test_the_command_after_edits_prints_what_a_fresh_check_prints(
    shipped_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    checked: list[str] = []
    original = check._check_corridor

    def counted(report: CheckReport, **kwargs: Any) -> None:
        checked.append(kwargs["corridor"].id)
        original(report, **kwargs)

    monkeypatch.setattr(check, "_check_corridor", counted)
    _check_json(shipped_copy, cache)
    assert len(checked) == len(load_atlas(shipped_copy).corridors)
    for edit in ("note", "published length", "vertex"):
        checked.clear()
        touched = EDITS[edit](shipped_copy)
        found = _check_json(shipped_copy, cache)
        assert set(checked) == touched
        assert found == _check_json(shipped_copy, tmp_path / f"fresh-{edit}")
    assert found[0] == 1  # the doubled published length


def test_kept_file_is_dropped_when_damaged_foreign_or_of_other_code(
    shipped_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quick_racy: None
) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    atlas = load_atlas(shipped_copy)
    units = check_units.open_units(shipped_copy)
    assert units is not None and len(units) == 0
    expected = as_json(check_atlas(atlas, remembered=units))
    check_units.save_units(units)
    path = check_units.units_path(shipped_copy)
    stored = read_json(path)
    assert len(stored["units"]) == len(units) > 0
    assert check_units.open_units(shipped_copy)._stored == stored["units"]  # type: ignore[union-attr]
    for body in (
        b"{not json",
        json.dumps({**stored, "format": 99}).encode(),
        json.dumps({**stored, "code": "0" * 64}).encode(),  # other code or libraries
        json.dumps({**stored, "units": []}).encode(),
    ):
        path.write_bytes(body)
        again = check_units.open_units(shipped_copy)
        assert again is not None and again._stored == {}
        assert as_json(check_atlas(atlas, remembered=again)) == expected
    path.unlink()
    path.mkdir()  # not a regular file: read as empty, and not written through
    (path / "inside").write_text("x")
    again = check_units.open_units(shipped_copy)
    assert again is not None and again._stored == {}
    check_units.save_units(again)
    assert path.is_dir()


def test_only_the_units_of_the_last_check_are_kept(
    shipped_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quick_racy: None
) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    for _ in range(3):  # three different lines: the file does not grow
        edit_vertex(shipped_copy)
        units = check_units.open_units(shipped_copy)
        assert units is not None
        check_atlas(load_atlas(shipped_copy), remembered=units)
        check_units.save_units(units)
        assert len(read_json(check_units.units_path(shipped_copy))["units"]) == len(units)
    everything = Recording()
    check_atlas(load_atlas(shipped_copy), remembered=everything)
    assert set(units.kept()) == set(everything)


def test_code_key_follows_every_package_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "corridors"
    (package / "geo").mkdir(parents=True)
    module = package / "geo" / "geodesy.py"
    module.write_text("A = 1\n")
    old = time.time() - 60
    os.utime(module, (old, old))
    monkeypatch.setattr(memo, "_PACKAGE_DIR", package)
    monkeypatch.setattr(memo, "RACY_S", 0.5)
    assert memo.code_key("check-units") is None  # its change time is now
    time.sleep(0.6)
    first = memo.code_key("check-units")
    assert first is not None and first == memo.code_key("check-units")
    assert memo.code_key("other") != first
    module.write_text("A = 2\n")  # same size, edited now: not trusted yet
    os.utime(module, (old, old))
    assert memo.code_key("check-units") is None
    time.sleep(0.6)  # same size and times as before: the change time still differs
    assert memo.code_key("check-units") not in (None, first)


def test_units_are_not_used_while_the_code_is_being_edited(
    shipped_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(memo, "RACY_S", 10 * 365 * 86400.0)  # every file "just edited"
    assert check_units.open_units(shipped_copy) is None
    report = remembered.check_report(shipped_copy, {})
    assert as_json(report) == as_json(check_atlas(load_atlas(shipped_copy)))
    assert not check_units.units_path(shipped_copy).exists()
