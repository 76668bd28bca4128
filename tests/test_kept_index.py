"""The route index kept across edits of notes (network/kept_index.py) is the index a fresh
build gives, and is used only when nothing but notes changed.

- after an edit of a corridor's, a history event's or a point place's note (hostile text too),
  the network loaded equals a build from scratch, field by field and bit for bit, and says
  so on ``--verbose``; the console script then imports neither numpy nor pyproj;
- any other edit (a name, a zone's note, a position) builds anew;
- a missing, damaged, foreign or non-regular pointer, or a pointer to a network file that is
  gone or damaged, builds anew, silently, with the same result;
- the pointers do not pile up.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from atlas_factory import write_atlas
from test_hostile_cache import assert_same_network

from corridors.atlas.notes_free import notes_free_digest
from corridors.atlas.read import read_atlas_bytes
from corridors.network import cache as netcache
from corridors.network import kept_index
from corridors.network.load import load_network

REPO = Path(__file__).resolve().parents[1]
HOSTILE = "</script><script>alert(1)</script> {{ 7*7 }} [bold]x[/] \u2028 $(rm -rf /)"
KEPT = "kept its route graph"
REBUILT = "rebuilt the route graph"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    copy = tmp_path / "geo"
    shutil.copytree(REPO / "geo", copy)
    return copy


Edit = Callable[[list[dict[str, Any]]], None]


def _edit(root: Path, relative: str, change: Edit) -> None:
    path = root / relative
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc["features"])
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def _set(props: dict[str, Any], **values: Any) -> None:
    props.update(values)


def _point(features: list[dict[str, Any]]) -> dict[str, Any]:
    return next(f for f in features if f["geometry"]["type"] == "Point")["properties"]


def _zone(features: list[dict[str, Any]]) -> dict[str, Any]:
    return next(f for f in features if f["properties"]["kind"] == "zone")["properties"]


def _move(features: list[dict[str, Any]]) -> None:
    lon, lat = features[0]["geometry"]["coordinates"][1]
    features[0]["geometry"]["coordinates"][1] = [lon, lat + 1e-6]


NOTE_EDITS: dict[str, tuple[str, Edit]] = {
    "corridor note": ("corridors/rail.geojson", lambda f: _set(f[0]["properties"], note=HOSTILE)),
    "history note": (
        "corridors/rail.geojson",
        lambda f: _set(f[0]["properties"]["history"][0], note="re-dated " + HOSTILE),
    ),
    "place note": ("places.geojson", lambda f: _set(_point(f), note=HOSTILE)),
    "note removed": ("corridors/rail.geojson", lambda f: f[0]["properties"].pop("note")),
}
OTHER_EDITS: dict[str, tuple[str, Edit]] = {
    "corridor name": ("corridors/rail.geojson", lambda f: _set(f[0]["properties"], name="X")),
    "zone note": ("places.geojson", lambda f: _set(_zone(f), note="z")),
    "a position": ("corridors/rail.geojson", _move),
    "a place name": ("places.geojson", lambda f: _set(_point(f), name="Somewhere Else")),
}


def _load(root: Path) -> tuple[Any, list[str]]:
    events: list[str] = []
    return load_network(root, on_cache_event=events.append), events


@pytest.mark.parametrize("edit", sorted(NOTE_EDITS))
def test_a_note_edit_keeps_the_index_of_a_fresh_build(
    root: Path, cache_env: Path, edit: str
) -> None:
    load_network(root)  # builds, caches, points at it
    relative, change = NOTE_EDITS[edit]
    _edit(root, relative, change)
    network, events = _load(root)
    assert len(events) == 1 and KEPT in events[0], events
    assert_same_network(load_network(root, use_cache=False), network)
    if edit != "note removed":
        found = json.dumps([c.note for c in network.atlas.corridors.values()])
        found += json.dumps([p.note for p in network.atlas.places.values()])
        found += json.dumps(
            [e.note for c in network.atlas.corridors.values() for e in c.history or ()]
        )
        assert json.dumps(HOSTILE)[1:-1] in found  # the edited atlas, not the old one
    again, events = _load(root)  # and it was cached under the new contents
    assert events == []
    assert_same_network(network, again)


def test_a_chain_of_note_edits_keeps_one_index(root: Path, cache_env: Path) -> None:
    load_network(root)
    for number in range(3):
        _edit(
            root,
            "corridors/rail.geojson",
            lambda f, n=number: _set(f[0]["properties"], note=str(n)),
        )
        network, events = _load(root)
        assert len(events) == 1 and KEPT in events[0], events
    assert_same_network(load_network(root, use_cache=False), network)


@pytest.mark.parametrize("edit", sorted(OTHER_EDITS))
def test_any_other_edit_builds_anew(root: Path, cache_env: Path, edit: str) -> None:
    before = load_network(root)
    relative, change = OTHER_EDITS[edit]
    _edit(root, relative, change)
    network, events = _load(root)
    assert len(events) == 1 and REBUILT in events[0] and KEPT not in events[0], events
    assert_same_network(load_network(root, use_cache=False), network)
    assert network.index != before.index or edit in ("zone note", "corridor name", "a place name")


def test_the_digest_leaves_out_only_notes(root: Path) -> None:
    contents, _ = read_atlas_bytes(root)
    base = notes_free_digest(root, contents)
    for relative, change in NOTE_EDITS.values():
        _edit(root, relative, change)
    contents, _ = read_atlas_bytes(root)
    assert notes_free_digest(root, contents) == base
    for relative, change in OTHER_EDITS.values():
        shutil.rmtree(root)
        shutil.copytree(REPO / "geo", root)
        _edit(root, relative, change)
        contents, _ = read_atlas_bytes(root)
        assert notes_free_digest(root, contents) != base, relative


def _pointer(root: Path) -> Path:
    contents, _ = read_atlas_bytes(root)
    return kept_index.pointer_path(notes_free_digest(root, contents))


DAMAGES: dict[str, Callable[[Path], None]] = {
    "missing": lambda p: p.unlink(),
    "empty": lambda p: p.write_bytes(b""),
    "not JSON": lambda p: p.write_bytes(b"\x80\x00{{ 7*7 }}"),
    "a list": lambda p: p.write_text("[1, 2]"),
    "another digest": lambda p: p.write_text(
        json.dumps(
            {"notes_free": "0" * 64, "fingerprint": json.loads(p.read_text())["fingerprint"]}
        )
    ),
    "a fingerprint not hex": lambda p: p.write_text(
        json.dumps(
            {"notes_free": json.loads(p.read_text())["notes_free"], "fingerprint": "../" * 22}
        )
    ),
    "a directory": lambda p: (p.unlink(), p.mkdir()),
    "a symlink": lambda p: (p.rename(p.with_suffix(".real")), p.symlink_to(p.with_suffix(".real"))),
    "a FIFO": lambda p: (p.unlink(), os.mkfifo(p)),
    "too large": lambda p: p.write_bytes(b" " * 10_000 + p.read_bytes()),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_bad_pointer_builds_anew(root: Path, cache_env: Path, damage: str) -> None:
    load_network(root)
    pointer = _pointer(root)
    assert pointer.is_file()
    DAMAGES[damage](pointer)
    _edit(root, "corridors/rail.geojson", lambda f: _set(f[0]["properties"], note="n"))
    network, events = _load(root)
    assert len(events) == 1 and REBUILT in events[0], events
    assert_same_network(load_network(root, use_cache=False), network)


def test_a_pointer_to_another_atlas_network_builds_anew(
    root: Path, cache_env: Path, tmp_path: Path
) -> None:
    """A pointer naming a sound network of another atlas (other places): its index is not
    paired with this atlas."""
    load_network(root)
    other = load_network(write_atlas(tmp_path / "other"))
    pointer = _pointer(root)
    doc = json.loads(pointer.read_text())
    pointer.write_text(json.dumps({**doc, "fingerprint": other.atlas.fingerprint}))
    _edit(root, "corridors/rail.geojson", lambda f: _set(f[0]["properties"], note="n"))
    network, events = _load(root)
    assert len(events) == 1 and REBUILT in events[0] and KEPT not in events[0], events
    assert_same_network(load_network(root, use_cache=False), network)


@pytest.mark.parametrize("damage", ["removed", "truncated", "flipped"])
def test_a_pointer_to_a_lost_network_builds_anew(root: Path, cache_env: Path, damage: str) -> None:
    first = load_network(root)
    target = netcache.cache_path(first.atlas.fingerprint)
    data = target.read_bytes()
    if damage == "removed":
        target.unlink()
    elif damage == "truncated":
        target.write_bytes(data[: len(data) // 2])
    else:
        target.write_bytes(data[:-100] + bytes([data[-100] ^ 1]) + data[-99:])
    _edit(root, "corridors/rail.geojson", lambda f: _set(f[0]["properties"], note="n"))
    network, events = _load(root)
    assert len(events) == 1 and REBUILT in events[0], events
    assert_same_network(load_network(root, use_cache=False), network)


def test_pointers_do_not_pile_up(root: Path, cache_env: Path) -> None:
    for number in range(netcache.KEEP_CACHED_NETWORKS + 4):
        _edit(root, "corridors/rail.geojson", lambda f, n=number: _move(f) if n else None)
        load_network(root)
    kept = sorted(cache_env.glob("kept-index-v*.json"))
    assert 1 <= len(kept) <= netcache.KEEP_CACHED_NETWORKS
    assert _pointer(root) in kept  # the newest is never the one removed


def test_console_check_after_a_note_edit_imports_no_numpy(root: Path, cache_env: Path) -> None:
    """The point of keeping the index: ``corridors check`` after a note edit validates the
    atlas and reuses the rest (the per-corridor findings: cli/check_units.py)."""
    env = {**os.environ, "CORRIDORS_CACHE_DIR": str(cache_env), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "corridors.cli",
        "check",
        "--atlas",
        str(root),
    ]
    command.append("--verbose")
    first = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr[-2000:]
    _edit(root, "corridors/rail.geojson", lambda f: _set(f[0]["properties"], note=HOSTILE))
    after = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert after.returncode == 0, after.stderr[-2000:]
    assert KEPT in after.stderr, [line for line in after.stderr.splitlines() if "|" not in line]
    imported = {
        line.rsplit("|", 1)[-1].strip() for line in after.stderr.splitlines() if "|" in line
    }
    assert "corridors.network.kept_index" in imported
    assert not {"numpy", "pyproj"} & imported, sorted({"numpy", "pyproj"} & imported)
    assert after.stdout == first.stdout  # notes are not findings: the same report


def test_a_larger_atlas_is_not_digested(
    root: Path, cache_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above MAX_ATLAS_BYTES the digest would cost a build more than it saves: no pointer is
    left, and a note edit builds anew (the same network)."""
    monkeypatch.setattr(kept_index, "MAX_ATLAS_BYTES", 1000)
    load_network(root)
    assert not list(cache_env.glob("kept-index-v*.json"))
    _edit(root, "corridors/rail.geojson", lambda f: _set(f[0]["properties"], note="n"))
    network, events = _load(root)
    assert len(events) == 1 and REBUILT in events[0], events
    assert_same_network(load_network(root, use_cache=False), network)
