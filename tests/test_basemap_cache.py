"""The basemap's page data kept in the cache folder (maps/basemap_cache.py): the same text as
encoding it afresh, recomputed whenever the data, the code or shapely differ, and a damaged,
foreign or hostile cache file is never written into a page."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from corridors.geo.borders import load_basemap
from corridors.maps import basemap, basemap_cache
from corridors.maps.controls import js_string


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own, and nothing remembered in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(folder))
    monkeypatch.setattr(basemap_cache, "_KEPT", {})
    return folder


def _fresh(data: dict[str, Any] | None = None) -> tuple[str, str]:
    made = basemap.DataBasemap(data if data is not None else load_basemap())
    return made.geoms_js, made.feats_js


def _stored(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _restore(path: Path, stored: dict[str, Any]) -> None:
    path.write_text(json.dumps(stored, ensure_ascii=False), encoding="utf-8")


def _forget() -> None:
    basemap_cache._KEPT.clear()  # as a new process: only the file is left


def test_cached_basemap_is_the_fresh_encoding(cache: Path) -> None:
    fresh = _fresh()
    first = basemap_cache.shipped_basemap_js(basemap.encode_basemap)
    path = basemap_cache.basemap_cache_path()
    assert path.parent == cache and path.is_file()
    _forget()
    again = basemap_cache.shipped_basemap_js(basemap.encode_basemap)
    assert first == fresh and again == fresh
    layer = basemap.basemap_layer()
    assert (layer.geoms_js, layer.feats_js) == fresh


def test_a_valid_file_is_read_not_recomputed(cache: Path) -> None:
    """The file is what is served (so the checks below matter): a file with the right key and
    a consistent checksum gives its own geometry."""
    basemap_cache.shipped_basemap_js(basemap.encode_basemap)
    path = basemap_cache.basemap_cache_path()
    stored = _stored(path)
    stored["geoms"] = stored["geoms"].replace("[", "[7,", 1)
    stored["sha256"] = hashlib.sha256(
        f"{stored['geoms']}\n{js_string(stored['feats'])}".encode()
    ).hexdigest()
    _restore(path, stored)
    _forget()
    geoms_js, _ = basemap_cache.shipped_basemap_js(basemap.encode_basemap)
    assert geoms_js.startswith("[7,") and geoms_js != _fresh()[0]


def test_changed_basemap_data_is_recomputed(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    basemap_cache.shipped_basemap_js(basemap.encode_basemap)
    data = load_basemap()
    data["features"] = [f for f in data["features"] if f["properties"]["kind"] != "river"]
    assert len(data["features"]) < len(load_basemap()["features"])
    monkeypatch.setattr(basemap_cache, "_basemap_bytes", lambda: json.dumps(data).encode())
    _forget()
    assert basemap_cache.shipped_basemap_js(basemap.encode_basemap) == _fresh(data)
    assert basemap_cache.shipped_basemap_js(basemap.encode_basemap) != _fresh()


def test_changed_encoder_or_shapely_is_recomputed(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shapely

    shipped = basemap_cache.shipped_basemap_js(basemap.encode_basemap)
    path = basemap_cache.basemap_cache_path()
    first_key = _stored(path)["key"]
    other = [{"k": "land", "labels": [], "name": "other"}]

    def other_encoder(data: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        return "[[1,2]]", other

    _forget()
    assert basemap_cache.shipped_basemap_js(other_encoder) == ("[[1,2]]", js_string(other))
    _forget()
    assert basemap_cache.shipped_basemap_js(basemap.encode_basemap) == shipped
    assert _stored(path)["key"] == first_key
    monkeypatch.setattr(shapely, "geos_version_string", "0.0.0-other")
    _forget()
    assert basemap_cache.shipped_basemap_js(basemap.encode_basemap) == shipped
    assert _stored(path)["key"] != first_key  # computed again and kept under the new key


def _module(source: str) -> types.ModuleType:
    module = types.ModuleType("corridors_test_encoder")
    exec(compile(source, "<encoder>", "exec"), module.__dict__)  # noqa: S102 - test code
    sys.modules[module.__name__] = module
    return module


def test_code_key_follows_the_helpers_the_encoder_calls() -> None:
    """A change in a helper of the encoder's module (a constant, a frozenset member) changes the
    key; the key of unchanged code is the same."""
    template = (
        "def _helper(x):\n    return x in {KINDS} and round(x, {DIGITS})\n"
        "def encode(data):\n    return _helper(data), []\n"
    )
    keys = []
    try:
        for kinds, digits in [("{1, 2}", 3), ("{1, 2}", 3), ("{1, 3}", 3), ("{1, 2}", 4)]:
            module = _module(template.replace("{KINDS}", kinds).replace("{DIGITS}", str(digits)))
            keys.append(basemap_cache._code_key(module.encode))
    finally:
        sys.modules.pop("corridors_test_encoder", None)
    assert keys[0] == keys[1]
    assert len({keys[0], keys[2], keys[3]}) == 3


def test_key_is_the_same_in_every_process(tmp_path: Path) -> None:
    """No hash seed in the key (frozenset constants are sorted): a new process finds the file."""
    code = (
        "from corridors.maps import basemap, basemap_cache as c\n"
        "print(c.encoding_key(c._basemap_bytes(), basemap.encode_basemap))"
    )
    keys = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert len(keys) == 1


@pytest.mark.parametrize(
    "damage",
    ["truncated", "garbage", "not integers", "checksum", "other key", "other format", "folder"],
)
def test_damaged_or_hostile_cache_is_recomputed(cache: Path, damage: str) -> None:
    fresh = _fresh()
    basemap_cache.shipped_basemap_js(basemap.encode_basemap)
    path = basemap_cache.basemap_cache_path()
    stored = _stored(path)
    if damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "garbage":
        path.write_bytes(os.urandom(4096))
    elif damage == "not integers":  # script in the geometry, its checksum made to match
        stored["geoms"] = '[1];alert("x")//'
        stored["sha256"] = hashlib.sha256(
            f"{stored['geoms']}\n{js_string(stored['feats'])}".encode()
        ).hexdigest()
        _restore(path, stored)
    elif damage == "checksum":  # one digit changed
        stored["geoms"] = stored["geoms"].replace("1", "2", 1)
        _restore(path, stored)
    elif damage == "other key":
        stored["key"] = "0" * 64
        stored["geoms"] = "[[1]]"
        _restore(path, stored)
    elif damage == "other format":
        stored["format"] = basemap_cache.BASEMAP_FORMAT + 1
        _restore(path, stored)
    else:
        path.unlink()
        path.mkdir()
        (path / "inside").write_text("kept")
    _forget()
    assert basemap_cache.shipped_basemap_js(basemap.encode_basemap) == fresh
    if damage == "folder":
        assert (path / "inside").read_text() == "kept"  # never deleted what is inside
    else:
        _forget()
        assert basemap_cache.shipped_basemap_js(basemap.encode_basemap) == fresh
        assert _stored(path)["key"] != "0" * 64  # the file was replaced by a good one


def test_unwritable_cache_folder_still_builds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(blocked / "cache"))
    monkeypatch.setattr(basemap_cache, "_KEPT", {})
    assert basemap_cache.shipped_basemap_js(basemap.encode_basemap) == _fresh()
