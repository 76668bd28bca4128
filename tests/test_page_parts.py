"""Pages joined from kept parts (maps/page_parts.py) are the pages folium renders, byte for byte.

- on the shipped atlas and on copies edited in notes (a corridor's, a history event's, a
  place's; hostile text too), the joined pages equal a full render of the edited atlas, and no
  folium is imported for them (the console script in a fresh process);
- any other edit (a name, a zone's note, a position) finds no parts: the full path runs;
- a missing, truncated, altered, foreign or non-regular parts file, or an atlas changed after
  the network was read, is never joined: the full path runs and writes the same bytes;
- hostile notes stay data: escaped JSON in the page, never markup or template source.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from atlas_factory import write_atlas

from corridors.atlas import notes_free
from corridors.atlas.read import read_atlas_bytes
from corridors.maps import page_parts
from corridors.maps.build import MAP_FILES, build_maps
from corridors.network.load import load_network

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "maps"
HOSTILE = "</script><script>alert(1)</script> {{ 7*7 }} {% raw %} {# <!-- & \u2028"


def _pages(folder: Path) -> list[bytes]:
    return [(folder / name).read_bytes() for name in MAP_FILES]


def _full(root: Path, out: Path) -> list[bytes]:
    build_maps(load_network(root), out, kept_parts=False)
    return _pages(out)


def _edit(root: Path, relative: str, change: Any) -> None:
    path = root / relative
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc["features"])
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def _shipped(tmp_path: Path) -> Path:
    root = tmp_path / "geo"
    shutil.copytree(REPO / "geo", root)
    return root


def _first_point_place(features: list[dict[str, Any]]) -> dict[str, Any]:
    return next(f for f in features if f["geometry"]["type"] == "Point")["properties"]


def _set_note(props: dict[str, Any], text: str) -> None:
    props["note"] = text


NOTE_EDITS = {
    "corridor note": ("corridors/rail.geojson", lambda f: _set_note(f[0]["properties"], HOSTILE)),
    "history note": (
        "corridors/rail.geojson",
        lambda f: _set_note(f[0]["properties"]["history"][0], "re-dated " + HOSTILE),
    ),
    "place note": ("places.geojson", lambda f: _set_note(_first_point_place(f), HOSTILE)),
}


def test_shipped_atlas_is_joined_to_the_committed_maps(tmp_path: Path, cache_env: Path) -> None:
    """A full build keeps the parts; the next build is joined, and both are maps/ exactly."""
    root = _shipped(tmp_path)
    network = load_network(root)
    build_maps(network, tmp_path / "full", offline=True)
    assert _pages(tmp_path / "full") == _pages(COMMITTED)
    assert page_parts.joined_pages(network, offline=True) is not None
    build_maps(network, tmp_path / "joined", offline=True)
    assert _pages(tmp_path / "joined") == _pages(COMMITTED)


@pytest.mark.parametrize("edit", sorted(NOTE_EDITS))
def test_note_edits_are_joined_to_what_folium_renders(
    tmp_path: Path, cache_env: Path, edit: str
) -> None:
    root = _shipped(tmp_path)
    build_maps(load_network(root), tmp_path / "before")  # keeps the parts
    relative, change = NOTE_EDITS[edit]
    _edit(root, relative, change)
    network = load_network(root)
    joined = page_parts.joined_pages(network, offline=True)
    assert joined is not None, "a note edit should find the kept parts"
    build_maps(network, tmp_path / "joined")
    expected = _full(root, tmp_path / "full")
    assert _pages(tmp_path / "joined") == expected
    if edit == "history note":  # not shown in the maps: the pages are as before
        assert expected == _pages(tmp_path / "before")
        return
    assert expected != _pages(tmp_path / "before")  # the note is in the page
    atlas_html = expected[0].decode("utf-8")
    assert "<script>alert(1)" not in atlas_html  # data, escaped: never markup
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in atlas_html
    assert "{{ 7*7 }}" in atlas_html  # never template source


OTHER_EDITS = {
    "corridor name": ("corridors/rail.geojson", lambda f: f[0]["properties"].update(name="X")),
    "a position": (
        "corridors/rail.geojson",
        lambda f: f[0]["geometry"]["coordinates"][1].__setitem__(0, 130.64301),
    ),
    "zone note": (
        "places.geojson",
        lambda f: _set_note(
            next(x for x in f if x["properties"]["kind"] == "zone")["properties"], "z"
        ),
    ),
}


@pytest.mark.parametrize("edit", sorted(OTHER_EDITS))
def test_other_edits_run_the_full_path(tmp_path: Path, cache_env: Path, edit: str) -> None:
    root = _shipped(tmp_path)
    build_maps(load_network(root), tmp_path / "before")
    relative, change = OTHER_EDITS[edit]
    _edit(root, relative, change)
    network = load_network(root)
    assert page_parts.joined_pages(network, offline=True) is None
    build_maps(network, tmp_path / "after")
    assert _pages(tmp_path / "after") == _full(root, tmp_path / "full")


def _kept(tmp_path: Path) -> tuple[Path, Path]:
    """The factory atlas built once (parts kept), then a corridor note edited."""
    root = write_atlas(tmp_path / "atlas")
    network = load_network(root)
    build_maps(network, tmp_path / "first")
    path = page_parts.parts_path(network, offline=True)
    assert path.is_file()
    _edit(root, "corridors/rail.geojson", lambda f: _set_note(f[0]["properties"], HOSTILE))
    assert page_parts.joined_pages(load_network(root), offline=True) is not None
    return root, path


def _flip_part(path: Path) -> None:
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["pages"][1][0] = stored["pages"][1][0].replace("<html>", "<html><script>x()</script>")
    path.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")


def _other_key(path: Path) -> None:
    stored = json.loads(path.read_text(encoding="utf-8"))
    stored["key"] = "0" * 64
    path.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")


def _as_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


DAMAGE = {
    "missing": lambda p: p.unlink(),
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
    "altered part": _flip_part,
    "another key": _other_key,
    "not JSON": lambda p: p.write_bytes(b"\x00\xff" * 100),
    "a folder": _as_folder,
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_damaged_parts_fall_back_to_the_full_path(
    tmp_path: Path, cache_env: Path, damage: str
) -> None:
    root, path = _kept(tmp_path)
    DAMAGE[damage](path)
    network = load_network(root)
    assert page_parts.joined_pages(network, offline=True) is None
    build_maps(network, tmp_path / "after")
    assert _pages(tmp_path / "after") == _full(root, tmp_path / "full")


def test_a_network_carries_its_digest_through_the_cache(tmp_path: Path, cache_env: Path) -> None:
    """The digest computed when the network was built is saved with it: a network read from
    the cache keys its pages by it without reading the atlas again, so an edit after loading
    changes nothing: its pages are what folium renders of that very network."""
    root, _ = _kept(tmp_path)
    network = load_network(root)  # from the cache
    contents, _ = read_atlas_bytes(root)
    assert network.notes_free == notes_free.notes_free_digest(root, contents)
    _edit(root, "corridors/rail.geojson", lambda f: _set_note(f[0]["properties"], "later"))
    assert page_parts.joined_pages(network, offline=True) is not None
    build_maps(network, tmp_path / "joined")
    build_maps(network, tmp_path / "full", kept_parts=False)
    assert _pages(tmp_path / "joined") == _pages(tmp_path / "full")


def test_atlas_changed_after_loading_is_not_joined(tmp_path: Path, cache_env: Path) -> None:
    """A network without its digest (built from an atlas over 1 MiB, or by the library without
    the cache) has the files read again, and those must be the ones it was built from."""
    root, _ = _kept(tmp_path)
    network = load_network(root)
    network.notes_free = None
    assert page_parts.page_key(network, offline=True, today=datetime.date.today()) is not None
    _edit(root, "corridors/rail.geojson", lambda f: _set_note(f[0]["properties"], "later"))
    assert page_parts.page_key(network, offline=True, today=datetime.date.today()) is None
    assert page_parts.joined_pages(network, offline=True) is None


def test_a_build_after_a_note_edit_digests_the_atlas_once(
    tmp_path: Path, cache_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, _ = _kept(tmp_path)
    _edit(root, "corridors/rail.geojson", lambda f: _set_note(f[0]["properties"], "once"))
    calls: list[Path] = []
    digest = notes_free.notes_free_digest

    def spy(root: Path, contents: Any) -> str:
        calls.append(root)
        return digest(root, contents)

    monkeypatch.setattr(notes_free, "notes_free_digest", spy)
    build_maps(load_network(root), tmp_path / "joined")
    assert len(calls) == 1
    assert _pages(tmp_path / "joined") == _full(root, tmp_path / "full")


def test_online_and_offline_parts_are_kept_apart(tmp_path: Path, cache_env: Path) -> None:
    root = write_atlas(tmp_path / "atlas")
    network = load_network(root)
    build_maps(network, tmp_path / "offline", offline=True)
    assert page_parts.joined_pages(network, offline=False) is None
    build_maps(network, tmp_path / "online", offline=False)
    joined = page_parts.joined_pages(network, offline=False)
    assert joined is not None
    assert [p.encode() for p in joined[0]] == _pages(tmp_path / "online")


def test_console_build_after_a_note_edit_imports_no_folium(tmp_path: Path, cache_env: Path) -> None:
    """The command in fresh processes: a full build, a note edit, a build without folium that
    writes what folium writes."""
    root = write_atlas(tmp_path / "atlas")
    env = dict(os.environ)  # with the test's cache folder
    command = [sys.executable, "-X", "importtime", "-m", "corridors.cli", "build"]
    command += ["--atlas", str(root), "--quiet"]
    first = subprocess.run(
        [*command, "--out", str(tmp_path / "first")], env=env, capture_output=True, text=True
    )
    assert first.returncode == 0, first.stderr
    assert re.search(r"\|\s*folium$", first.stderr, re.M)  # the full path
    _edit(root, "corridors/rail.geojson", lambda f: _set_note(f[0]["properties"], HOSTILE))
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "joined")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "folium" not in done.stderr and "jinja2" not in done.stderr
    assert _pages(tmp_path / "joined") == _full(root, tmp_path / "full")


def test_only_the_newest_parts_files_are_kept(tmp_path: Path, cache_env: Path) -> None:
    """One parts file per atlas folder, at most MAX_FILES of them: the oldest go."""
    cache_env.mkdir()
    old = []
    for number in range(page_parts.MAX_FILES + 2):
        path = cache_env / f"pages-v{page_parts.PARTS_FORMAT}-{number:032x}.json"
        path.write_text("{}", encoding="utf-8")
        os.utime(path, ns=(number * 10**9, number * 10**9))
        old.append(path)
    root = write_atlas(tmp_path / "atlas")
    network = load_network(root)
    build_maps(network, tmp_path / "maps")
    left = sorted(cache_env.glob("pages-v*.json"))
    assert len(left) == page_parts.MAX_FILES
    assert page_parts.parts_path(network, offline=True) in left
    assert not old[0].exists() and not old[2].exists() and old[-1].exists()
