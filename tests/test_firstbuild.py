"""The columnar first build (network/firstbuild.py) writes the object path's bytes, or nothing.

Both builds run on the same atlas folder into cache folders of their own: the shipped atlas
(copied; its files are not plain, so they are validated into objects), a generated grid (plain
files, with single and double ``via`` cuts, notes, attributes, names that need escaping, the
shipped atlas merged in) and the same grid with a file that is valid but not plain (integer
positions, a published length). The network cache and the route file must be byte-identical.
A bad atlas must give the very same one-line error and exit code 2 whichever path is on, with
nothing cached; an edited atlas is never answered from the caches of its old contents.
"""

from __future__ import annotations

import copy
import json
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_runner import corridors_cli

from corridors.atlas import corridor_scan
from corridors.atlas.read import atlas_root, read_atlas_bytes
from corridors.network import cache as netcache
from corridors.network import firstbuild, kept_index, stamp
from corridors.network.load import load_network
from corridors.paths import bundled_atlas_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402

RAIL = "corridors/grid-rail.geojson"


def _varied(docs: dict[str, Any]) -> dict[str, Any]:
    """The generated grid with every plain shape a row can take."""
    docs = copy.deepcopy(docs)
    features = docs[RAIL]["features"]
    junctions = [f["properties"]["via"][0] for f in features if f["properties"]["via"]]
    for number, feature in enumerate(features[:40]):
        props = feature["properties"]
        if number % 5 == 0:
            props["note"] = f'Note "{number}" with a \\ and ü — 北'
        if number % 5 == 1:
            props["attributes"] = {"gauge_mm": 1520, "electrified": True, "share": 0.25}
        if number % 5 == 2:
            props["name"] = f"Коридор {number} ü"
            props.pop("attributes")
        if number % 5 == 3:
            props["attributes"] = None
            props["via"] = []
        if number % 5 == 4 and len(junctions) >= 2:
            props["via"] = junctions[:2]  # two cuts: the Python splitter
        if number % 7 == 0:
            props.pop("via")
    return docs


def _with_object_file(docs: dict[str, Any]) -> dict[str, Any]:
    """Plus a valid file that is not plain: integer positions and a published length."""
    docs = copy.deepcopy(docs)
    extra = []
    for number, feature in enumerate(docs[RAIL]["features"][:6]):
        feature = copy.deepcopy(feature)
        props = feature["properties"]
        props["id"], props["name"] = f"x{number}", f"Extra {number}"
        if number % 2 == 0:
            coords = feature["geometry"]["coordinates"]
            coords.insert(1, [int(coords[0][0]) + 1, int(coords[0][1])])
        else:
            props["reported_length_km"] = 12.5
            props["reported_length_source"] = generate.SOURCE_ID
        extra.append(feature)
    docs["corridors/extra.geojson"] = {"type": "FeatureCollection", "features": extra}
    return docs


def _atlas(kind: str, root: Path) -> Path:
    if kind == "shipped":
        shutil.copytree(bundled_atlas_dir(), root)
        return root
    docs = _varied(generate.generate(600, seed=11))
    if kind == "mixed":
        docs = _with_object_file(docs)
    return generate.write(docs, root)


def _caches(folder: Path) -> dict[str, bytes]:
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.glob("*.cnet"))
        if path.name.startswith(("network-", "route-"))
    }


@pytest.fixture(autouse=True)
def _small_is_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netcache, "ROUTE_MIN_EDGES", 0)  # the route file at every size
    # and no notes-free digest (nor kept index) in the object path, as over 1 MiB
    monkeypatch.setattr(kept_index, "MAX_ATLAS_BYTES", -1)


@pytest.mark.parametrize("kind", ["shipped", "generated", "mixed"])
def test_columnar_caches_are_the_object_paths_bytes(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _atlas(kind, tmp_path / "atlas")
    monkeypatch.setattr(firstbuild, "MIN_BYTES", 1 << 62)  # load_network: the object path
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "objects"))
    load_network(root, quiet=True)
    expected = _caches(tmp_path / "objects")
    assert sorted(name.split("-")[0] for name in expected) == ["network", "route"]

    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "columns"))
    scanned: list[bool] = []
    scan = corridor_scan.scan_corridor_columns

    def spy(*args: Any) -> Any:
        columns = scan(*args)
        scanned.append(columns is not None)
        return columns

    monkeypatch.setattr(corridor_scan, "scan_corridor_columns", spy)
    contents, fingerprint = read_atlas_bytes(atlas_root(root))
    assert firstbuild.write_caches(root, contents, fingerprint)
    assert contents == {}  # the bytes go as they are parsed
    found = _caches(tmp_path / "columns")
    assert found.keys() == expected.keys()
    for name, data in expected.items():
        assert found[name] == data, f"{name} differs"
    # The generated grid's files come from the byte scanner (all but the varied rail file,
    # whose notes hold escapes), the shipped atlas's (not plain) from json.loads.
    assert any(scanned) == (kind != "shipped") and not all(scanned)


def _route(root: Path, cache: Path, columnar: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(firstbuild, "MIN_BYTES", 0 if columnar else 1 << 62)
    return corridors_cli(
        "route", "g0_0", "g2_3", "--include-proposed", "--json", atlas=root, cache=cache
    )


def test_first_route_is_answered_from_the_columnar_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _atlas("mixed", tmp_path / "atlas")
    monkeypatch.setattr(stamp, "RACY_S", 0.0)  # stamp the files just written
    expected = _route(root, tmp_path / "objects", False, monkeypatch)
    assert expected.returncode == 0, expected.stderr
    built: list[str] = []
    real = firstbuild.write_caches

    def spy(*args: Any, **kwargs: Any) -> bool:
        built.append("columns")
        return real(*args, **kwargs)

    monkeypatch.setattr(firstbuild, "write_caches", spy)
    import corridors.network.load as load

    def no_full_load(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the first route loaded the whole network")

    monkeypatch.setattr(load, "load_network", no_full_load)
    found = _route(root, tmp_path / "columns", True, monkeypatch)
    assert found == expected
    assert built == ["columns"]
    assert _caches(tmp_path / "columns") == _caches(tmp_path / "objects")


def test_an_edited_atlas_is_never_answered_from_its_old_caches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _atlas("generated", tmp_path / "atlas")
    monkeypatch.setattr(stamp, "RACY_S", 0.0)
    cache = tmp_path / "cache"
    before = _route(root, cache, True, monkeypatch)
    assert before.returncode == 0, before.stderr
    used = json.loads(before.stdout)["legs"][0]["corridor"]
    path = root / RAIL
    doc = json.loads(path.read_text())
    for feature in doc["features"]:
        if feature["properties"]["id"] == used:  # a detour: the route changes
            coords = feature["geometry"]["coordinates"]
            coords.insert(1, [coords[0][0] + 0.3, coords[0][1] + 0.3])
    path.write_text(json.dumps(doc, separators=(",", ":")))
    after = _route(root, cache, True, monkeypatch)
    fresh = _route(root, tmp_path / "fresh", False, monkeypatch)
    assert after == fresh
    assert after.returncode == 0 and after.stdout != before.stdout


def _set(feature: int, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(docs: dict[str, Any]) -> None:
        docs[RAIL]["features"][feature]["properties"][key] = value

    return change


def _coords(feature: int, coords: list[list[float]]) -> Callable[[dict[str, Any]], None]:
    def change(docs: dict[str, Any]) -> None:
        docs[RAIL]["features"][feature]["geometry"]["coordinates"] = coords

    return change


def _duplicate_in_sea_file(key: str) -> Callable[[dict[str, Any]], None]:
    def change(docs: dict[str, Any]) -> None:
        rail = docs[RAIL]["features"][0]["properties"]
        sea = docs["corridors/grid-sea.geojson"]["features"][0]["properties"]
        sea[key] = rail[key].upper() if key == "name" else rail[key]

    return change


BROKEN: dict[str, Callable[[dict[str, Any]], None]] = {
    "duplicate id": _duplicate_in_sea_file("id"),
    "duplicate name": _duplicate_in_sea_file("name"),
    "unknown place": _set(3, "to", "nowhere"),
    "bad status": _set(4, "status", "dreaming"),
    "old year": _set(5, "status_year", 1700),
    "year as text": _set(5, "status_year", "2015"),
    "padded id": _set(6, "id", " c6"),
    "unknown source": _set(7, "sources", ["nobody"]),
    "control character": _set(8, "name", "Bell \u0007 line"),
    "bidi override": _set(8, "note", "a \u202e b"),
    "latitude 95": _coords(2, [[125.0, 40.0], [125.5, 95.0]]),
    "one point": _coords(2, [[125.0, 40.0], [125.0, 40.0]]),
    "antimeridian": _coords(2, [[179.5, 40.0], [-179.5, 40.0]]),
    "not a line": lambda docs: docs[RAIL]["features"][1].update(
        geometry={"type": "Point", "coordinates": [125.0, 40.0]}
    ),
}


def _nan_position(text: str) -> str:
    head, tail = text.split('"coordinates":[[', 1)
    return head + '"coordinates":[[NaN,' + tail.split(",", 1)[1]


TEXT_BREAKS: dict[str, Callable[[str], str]] = {
    "truncated": lambda text: text[: len(text) // 2],
    "NaN": _nan_position,
    "huge number": lambda text: text.replace('"status_year":2015', '"status_year":1e999', 1),
}


VALID_NOT_PLAIN: dict[str, Callable[[dict[str, Any]], None]] = {
    "height": _coords(2, [[125.0, 40.0, 3.0], [125.5, 40.5, 3.0]]),
    "integer position": _coords(2, [[125, 40], [125.5, 40.5]]),
    "padded name": _set(6, "name", " Corridor six "),
}


@pytest.mark.parametrize("odd", VALID_NOT_PLAIN)
def test_a_valid_file_that_is_not_plain_is_built_as_before(
    odd: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = generate.generate(300, seed=5)
    VALID_NOT_PLAIN[odd](docs)
    root = generate.write(docs, tmp_path / "atlas")
    usual = _route(root, tmp_path / "objects", False, monkeypatch)
    columnar = _route(root, tmp_path / "columns", True, monkeypatch)
    assert columnar == usual
    assert _caches(tmp_path / "columns") == _caches(tmp_path / "objects") != {}


@pytest.mark.parametrize("broken", [*BROKEN, *TEXT_BREAKS])
def test_a_bad_atlas_gives_the_same_one_line_error(
    broken: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = generate.generate(300, seed=5)
    if broken in BROKEN:
        BROKEN[broken](docs)
    root = generate.write(docs, tmp_path / "atlas")
    if broken in TEXT_BREAKS:
        path = root / RAIL
        path.write_text(TEXT_BREAKS[broken](path.read_text()))
    usual = _route(root, tmp_path / "objects", False, monkeypatch)
    columnar = _route(root, tmp_path / "columns", True, monkeypatch)
    assert columnar == usual
    assert usual.returncode == 2, usual.stdout
    assert usual.stderr.count("\n") == 1 and "Traceback" not in usual.stderr
    assert _caches(tmp_path / "columns") == {} == _caches(tmp_path / "objects")


def test_write_caches_refuses_what_it_cannot_be_sure_of(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = generate.generate(300, seed=5)
    _duplicate_in_sea_file("id")(docs)
    root = generate.write(docs, tmp_path / "atlas")
    contents, fingerprint = read_atlas_bytes(root)
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    assert not firstbuild.write_caches(root, contents, fingerprint)
    assert _caches(tmp_path / "cache") == {}


def test_load_network_after_a_columnar_build_is_the_object_paths_network(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _atlas("mixed", tmp_path / "atlas")
    monkeypatch.setattr(firstbuild, "MIN_BYTES", 1 << 62)
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "objects"))
    expected = load_network(root, quiet=True)
    monkeypatch.setattr(firstbuild, "MIN_BYTES", 0)
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "columns"))
    events: list[str] = []
    found = load_network(root, quiet=True, on_cache_event=events.append)
    assert len(events) == 1 and events[0].startswith("cache: nothing cached yet")
    assert found.atlas == expected.atlas
    assert [c.attributes for c in found.atlas.corridors.values()] == [
        c.attributes for c in expected.atlas.corridors.values()
    ]
    assert list(found.index.edge_records()) == list(expected.index.edge_records())
    assert found.index.place_nodes == expected.index.place_nodes
    assert found.index.corridor_timelines == expected.index.corridor_timelines
    assert _caches(tmp_path / "columns") == _caches(tmp_path / "objects")


def test_place_codes_by_identity_are_exact() -> None:
    """Stops are coded by the identity of their string objects, and equal copies (or ids not
    made by the build) by value: every code is the position of an equal id."""
    ids = [f"place_{k}" for k in range(1000)]
    copies = ["".join(["place_", str(k)]) for k in range(1000)]  # equal, other objects
    assert all(a == b and a is not b for a, b in zip(ids, copies, strict=True))
    stops = [ids[k * 7 % 1000] if k % 3 else copies[k * 11 % 1000] for k in range(5000)]
    codes = firstbuild._Codes(ids)
    assert codes.of(stops).tolist() == [ids.index(stop) for stop in stops]
    assert codes.of([]).tolist() == []
    assert firstbuild._Codes([]).of([]).tolist() == []
    with pytest.raises(KeyError):
        codes.of([ids[0], "nowhere"])
