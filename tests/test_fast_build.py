"""The first build's fast paths give the answers and the errors of the full checks.

- :func:`corridors.atlas.json_scan.scan_json_bytes` finds the exact nesting depth, and says
  "clean" only when :func:`corridors.atlas.safe_input.check_document` finds nothing;
- :func:`corridors.atlas.read.plain_line` accepts only what :func:`check_coord` accepts, and
  returns the very same positions;
- a large atlas file (scanned in bulk) with a bad coordinate, control character, infinite
  number or deep nesting is refused with the same one line, exit 2, as a small one;
- the place and corridor rows encoded once for both cache files equal the rows each file
  encoded for itself before.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from atlas_factory import write_atlas
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridors.atlas.json_scan import scan_json_bytes
from corridors.atlas.read import check_coord, plain_line
from corridors.atlas.safe_input import (
    SCAN_MIN_BYTES,
    check_document,
    check_json_depth,
    parse_json_checked,
)
from corridors.errors import AtlasError

TEXT = st.text(
    alphabet=st.sampled_from(
        [
            "a",
            "Z",
            " ",
            "\\",
            '"',
            "[",
            "]",
            "{",
            "}",
            "\n",
            "\t",
            "\x00",
            "\x1b",
            "\x7f",
            "\x85",
            "\u2028",
            "\u202e",
            "\u2066",
            "\ud800",
            "\u00e9",
            "\u2013",
            "\ub098",
            "e",
            "1",
        ]
    ),
    max_size=12,
)
NUMBERS = st.one_of(
    st.integers(-(10**400), 10**400),
    st.floats(allow_nan=False, allow_infinity=False),
)
KEYS = st.one_of(TEXT, st.sampled_from(["note", "name", "id"]))
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBERS, TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=30,
)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


def _passes(doc: Any) -> bool:
    try:
        check_document("doc.json", doc)
    except AtlasError:
        return False
    return True


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=JSON_VALUES, ascii_only=st.booleans(), big=st.sampled_from(["", "1e400", "-2E+3"]))
def test_scan_finds_the_depth_and_is_clean_only_when_the_walk_passes(
    doc: Any, ascii_only: bool, big: str
) -> None:
    text = json.dumps([doc], ensure_ascii=ascii_only)
    if big:
        text = text[:-1] + ", " + big + "]"  # a number the parser may make infinite
    data = text.encode("utf-8", "surrogatepass")
    try:
        parsed = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:  # a raw lone surrogate: the reader refuses the file anyway
        return
    scan = scan_json_bytes(data)
    assert scan.depth == _depth(parsed)
    if scan.clean:
        assert _passes(parsed)


def test_scan_depth_ignores_brackets_and_escaped_quotes_in_strings() -> None:
    doc = {"a": ['[[[{"\\"]]', "\\\\", '\\"[', {"b": [[]]}]}
    data = json.dumps(doc).encode()
    assert scan_json_bytes(data).depth == 5  # object, list, object, list, list
    assert scan_json_bytes(b'"[[["').depth == 0


POSITION_VALUES = st.one_of(
    st.floats(),
    st.floats(-180, 180),
    st.integers(-200, 200),
    st.booleans(),
    st.none(),
    st.text(max_size=2),
)
POSITIONS = st.one_of(
    st.lists(POSITION_VALUES, min_size=0, max_size=4),
    st.tuples(st.floats(-180, 180), st.floats(-90, 90)).map(list),
    st.text(max_size=2),
    st.integers(),
)


@settings(max_examples=500, deadline=None)
@given(positions=st.lists(POSITIONS, min_size=1, max_size=6))
def test_plain_line_is_check_coord_or_declines(positions: list[Any]) -> None:
    fast = plain_line(positions)
    try:
        full = tuple(check_coord(p, "here") for p in positions)
    except AtlasError:
        assert fast is None  # never accepts what the full check refuses
        return
    if fast is not None:
        assert fast == full
        assert all(type(v) is float for xy in fast for v in xy)


def test_plain_line_takes_ordinary_lines() -> None:
    line = [[129.5, 42.3], [-180.0, -90.0], [180.0, 90.0]]
    assert plain_line(line) == ((129.5, 42.3), (-180.0, -90.0), (180.0, 90.0))
    assert plain_line([[129.5, 42.3, 10.0]]) is None  # a height: checked position by position
    assert plain_line([[129, 42.3]]) is None  # an integer: the same
    assert plain_line([[math.nan, 42.3]]) is None
    assert plain_line([[180.5, 42.3]]) is None


# ------------------------------------------------------------------ large files, same errors


def _padded(doc: dict[str, Any]) -> bytes:
    """``doc`` as JSON text over :data:`SCAN_MIN_BYTES` (padded with harmless places)."""
    text = json.dumps(doc, indent=1)
    pad = " " * (SCAN_MIN_BYTES + 10 - len(text))
    return (text[:-1] + pad + "}").encode()


def _small_path_error(path: str, data: bytes) -> str:
    """The error the checks give on their own: depth, parse, then the document walk."""
    text = data.decode("utf-8-sig")
    try:
        check_json_depth(path, text)
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise AtlasError(
                f"{path}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from None
        check_document(path, doc)
    except AtlasError as exc:
        return str(exc)
    return ""


@pytest.mark.parametrize(
    "bad",
    [
        '"name": "a\\u001bb"',
        '"name": "x\\u202ey"',
        '"name": "\\ud800"',
        '"value": 1e400',
        '"nested": ' + "[" * 70 + "]" * 70,
        '"broken": [1, 2',
        '"ok": "fine"',
    ],
)
def test_large_input_gives_the_errors_of_the_full_checks(bad: str) -> None:
    data = _padded({"type": "FeatureCollection", "features": [], "x": "PLACEHOLDER"})
    data = data.replace(b'"x": "PLACEHOLDER"', bad.encode())
    assert len(data) >= SCAN_MIN_BYTES
    expected = _small_path_error("f.geojson", data)
    try:
        doc, clean = parse_json_checked("f.geojson", data)
        if not clean:
            check_document("f.geojson", doc)
        found = ""
    except AtlasError as exc:
        found = str(exc)
    assert found == expected
    assert (found == "") == (bad == '"ok": "fine"')


def _big_atlas(tmp_path: Path, *, bad_position: Any) -> Path:
    """The mini atlas, its rail file padded over the bulk-scan size, one position set."""
    root = write_atlas(tmp_path / "atlas")
    rail = root / "corridors" / "rail.geojson"
    doc = json.loads(rail.read_text())
    doc["features"][0]["geometry"]["coordinates"][1] = bad_position
    rail.write_bytes(_padded(doc))
    return root


@pytest.mark.parametrize(
    ("position", "problem"),
    [
        ([130.1, 95.5], "latitude 95.5 is outside -90..90"),
        ([190.25, 42.0], "longitude 190.25 is outside -180..180"),
        ([130.0], "a position must be [longitude, latitude], got [130.0]"),
        ([130, True], "a position must be [longitude, latitude], got [130, True]"),
    ],
)
def test_bad_coordinate_in_a_large_file_is_one_line_exit_2(
    tmp_path: Path, position: Any, problem: str
) -> None:
    root = _big_atlas(tmp_path, bad_position=position)
    done = subprocess.run(
        [sys.executable, "-m", "corridors.cli", "list", "corridors", "--atlas", str(root)],
        capture_output=True,
        text=True,
        env={"CORRIDORS_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert f"field 'geometry' position 1: {problem}" in lines[0]
    assert "rail.geojson: feature 0 (" in lines[0]


# ------------------------------------------------------------------ rows encoded once


def test_rows_encoded_once_are_the_rows_each_file_encoded(tmp_path: Path) -> None:
    from corridors.network import cache as netcache
    from corridors.network.load import load_network
    from corridors.network.routefile import encode_route_file

    root = write_atlas(tmp_path / "atlas")
    network = load_network(root, use_cache=False, quiet=True)
    rows = netcache.atlas_rows(network.atlas, root=root)
    shared = netcache.encode_network(network, root=root, rows=rows)
    assert b"".join(shared) == b"".join(netcache.encode_network(network, root=root))
    assert b"".join(encode_route_file(network, root=root, rows=rows)) == b"".join(
        encode_route_file(network, root=root)
    )
    # The atlas section is what json.dumps writes for the rows, field by field.
    columns = netcache.decode(b"".join(shared), version=netcache.CACHE_FORMAT)
    atlas_doc = columns.json("atlas")
    assert [json.dumps(r, separators=(",", ":")).encode() for r in atlas_doc["places"]] == rows[0]
    assert [json.dumps(r, separators=(",", ":")).encode() for r in atlas_doc["corridors"]] == rows[
        1
    ]
    expected = [
        netcache._row(type(c), c)[:-1] for c in network.atlas.corridors.values()
    ]  # every field but the file, which is stored relative to the atlas
    assert [row[:-1] for row in json.loads(b"[" + b",".join(rows[1]) + b"]")] == json.loads(
        json.dumps(expected)
    )


# ------------------------------------------------------------------ plain corridors


def _feature(props: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [[129.5, 42.3], [129.6, 42.4]]},
        "properties": props,
    }


TIDY_OR_NOT = st.one_of(
    st.sampled_from(["khasan", "rajin", "tumangang", " khasan", "rajin ", "", "Rajin", "x y"]),
    st.none(),
    st.integers(0, 3),
    st.lists(st.sampled_from(["khasan", "test-source", " rajin"]), max_size=2),
)
CORRIDOR_PROPS = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["c1", "c-2", "C3", " c4", ""]),
        "name": st.sampled_from(["Line", " Line", "", "Line\\n"]),
        "mode": st.sampled_from(["rail", "sea", "power", "bus", " rail"]),
        "status": st.sampled_from(["operating", "proposed", "open", " pilot"]),
        "status_year": st.one_of(st.integers(1840, 2110), st.just(True), st.floats(2000, 2001)),
        "from": TIDY_OR_NOT,
        "to": TIDY_OR_NOT,
        "sources": st.one_of(
            st.just(["test-source"]), st.just([]), st.just(["nope"]), st.just([" test-source"])
        ),
    },
    optional={
        "via": TIDY_OR_NOT,
        "note": st.one_of(st.none(), st.sampled_from(["a note", " padded ", "", "x"])),
        "attributes": st.one_of(st.none(), st.just({"gauge_mm": 1520}), st.just([1])),
        "reported_length_km": st.one_of(st.none(), st.just(12.5)),
        "reported_length_source": st.one_of(st.none(), st.just("test-source")),
        "history": st.one_of(
            st.none(),
            st.just([{"date": "2014", "status": "operating", "sources": ["test-source"]}]),
        ),
        "names": st.one_of(
            st.none(), st.just({"ko": {"name": "나진", "sources": ["test-source"]}})
        ),
    },
)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # patched per example
)
@given(props=CORRIDOR_PROPS)
def test_plain_corridor_is_the_full_check_or_declines(
    props: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import corridors.atlas.read as read
    from corridors.atlas.model import Place, Source

    places = {
        pid: Place(pid, pid.title(), (), "PRK", "station", 129.5, 42.3, ("test-source",))
        for pid in ("khasan", "rajin", "tumangang")
    }
    sources = {"test-source": Source("test-source", "Test")}

    def outcome() -> Any:
        try:
            return read.parse_corridor_feature(_feature(props), places, sources, "f.geojson", 0)
        except AtlasError as exc:
            return str(exc)

    fast = outcome()
    with monkeypatch.context() as patch:
        patch.setattr(read, "_plain_corridor", lambda *args: None)
        full = outcome()
    assert fast == full
    if not isinstance(fast, str):
        assert fast.attributes == full.attributes and fast.coords == full.coords


def test_a_plain_feature_takes_the_fast_path_and_equals_the_full_one() -> None:
    import corridors.atlas.read as read
    from corridors.atlas.model import Place, Source

    places = {p: Place(p, p, (), "PRK", "station", 129.5, 42.3, ("s",)) for p in ("a", "b", "j")}
    sources = {"s": Source("s", "Test")}
    props = {"id": "c1", "name": "Line", "mode": "rail", "status": "operating"}
    props |= {"status_year": 2015, "from": "a", "to": "b", "via": ["j"], "sources": ["s"]}
    props |= {"attributes": {"gauge_mm": 1520}, "note": "n", "reported_length_km": None}
    coords = ((129.5, 42.3), (129.6, 42.4))
    fast = read._plain_corridor(props, coords, places, sources, "f.geojson")
    assert fast is not None
    full = read.parse_corridor_feature(_feature(props), places, sources, "f.geojson", 0)
    assert fast == full and fast.via == ("j",) and fast.attributes is props["attributes"]


PLACE_PROPS = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["rajin", "khasan", " rajin", "Rajin", ""]),
        "name": st.sampled_from(["Rajin", "Khasan", " Rajin", "", "khasan"]),
        "kind": st.sampled_from(["station", "port", "zone", "town", " port"]),
        "country": st.sampled_from(["PRK", "RUS", "XXX"]),
        "aliases": st.one_of(st.none(), st.just([]), st.just(["Najin"]), st.just(["Rajin"])),
        "sources": st.sampled_from([["s"], [], ["nope"], [" s"]]),
    },
    optional={
        "transfer": st.one_of(st.none(), st.just(["rail", "sea"]), st.just(["road"])),
        "note": st.one_of(st.none(), st.sampled_from(["a note", " padded", ""])),
        "names": st.one_of(st.none(), st.just({"ko": {"name": "나진", "sources": ["s"]}})),
    },
)
POINTS = st.one_of(
    st.just([130.3, 42.2]), st.just([130, 42.2]), st.just([130.3, 95.0]), st.just([130.3])
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # patched per example
)
@given(first=PLACE_PROPS, second=PLACE_PROPS, point=POINTS)
def test_plain_place_is_the_full_check_or_declines(
    first: dict[str, Any], second: dict[str, Any], point: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import corridors.atlas.read as read
    from corridors.atlas.model import Source

    sources = {"s": Source("s", "Test")}
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": point},
                "properties": p,
            }
            for p in (first, second)
        ],
    }

    def outcome() -> Any:
        try:
            return read.parse_places(Path("places.geojson"), doc, sources)
        except AtlasError as exc:
            return str(exc)

    fast = outcome()
    with monkeypatch.context() as patch:
        patch.setattr(read, "_plain_place", lambda *args: None)
        full = outcome()
    assert fast == full
