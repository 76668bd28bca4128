"""``list places`` read and written a column at a time prints the general path's bytes.

The lane (network/place_rows.py ``cached_place_table``, network/cache.py ``place_columns``,
network/listing.py ``place_record_columns``, cli/bulk_cells.py, the column-wise ``csv_text``,
``csv_column_pieces`` and ``print_table`` of cli/output.py) is checked three ways:

- cells: every bulk conversion equals the per-cell rule (``_csv_value``, ``safe_text(_cell())``)
  on hypothesis columns of hostile values (formula starts, controls, bidi marks, lone
  surrogates, markup, quotes, commas, newlines, non-BMP text, -0.0, 1e-7, NaN, lists, dicts),
  and ``csv_text`` equals the per-cell CSV writer it replaced;
- rows: ``place_columns`` gives ``place_from_row``'s places and refuses exactly the rows
  ``place_from_row`` refuses; the records equal ``records_of_places``;
- the command: ``corridors list places`` (table, ``--json``, ``--csv``) from the route file
  prints what the full network prints, on the shipped atlas, a generated one and a generated
  one with hostile names, also after the route file is damaged.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_runner import corridors_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridors.cli.bulk_cells import column_texts, plain_texts
from corridors.cli.output import (
    _CSV_BULK,
    Column,
    _cell,
    _csv_text,
    _csv_value,
    _table_column,
    csv_column_pieces,
    csv_text,
)
from corridors.cli.terminal import _UNSAFE, safe_text
from corridors.errors import CacheMiss
from corridors.network import cache as network_cache
from corridors.network import load, place_rows, routefile
from corridors.network.cache import place_at, place_columns, place_from_row
from corridors.network.columnfile import ColumnFileError
from corridors.network.index import Network
from corridors.network.listing import (
    place_record_columns,
    place_records,
    records_of_place_columns,
    records_of_places,
)
from corridors.network.load import load_network
from corridors.paths import bundled_atlas_dir

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402
from test_lazy_route import atlas_with_route_file  # noqa: E402

# Pieces of hostile text: formula starts, controls, bidi marks, separators, lone surrogates,
# markup, CSV syntax, non-BMP and native scripts, characters Python calls unprintable but
# safe_text keeps (NBSP, ZWJ), and numbers a spreadsheet reads as numbers.
PIECES = (
    *("=cmd", "+1", "-x", "@SUM(A1)", "\t=1", "\r=1", "-2.5", "+1e3", "-inf", "=", "-", "@"),
    *("\x1b[31m", "\x07", "\x7f", "\x85", "\x9b", "\u202e", "\u2066", "\u200f", "\u061c"),
    *("\u2028", "\u2029", "\ud800", "\udc80", "\u00a0", "\u200d", "\u00ad"),
    *("[bold]", "[/foo]", "[link=https://x]", '"', "'", ",", ";", "\n", "\r\n", " ", ""),
    *("𝕏", "😀", "나진항", "Раджин", "罗津", "Rajin", "e\u0301"),
)
TEXT = st.lists(st.sampled_from(PIECES) | st.text(max_size=4), max_size=4).map("".join)
FLOATS = st.sampled_from((-0.0, 0.0, 1e-7, -1e-7, 1e300, 42.0)) | st.floats()
SCALARS = st.none() | st.booleans() | st.integers() | FLOATS | TEXT
VALUES = SCALARS | st.lists(SCALARS, max_size=3) | st.tuples(TEXT, TEXT)
VALUES |= st.dictionaries(TEXT, SCALARS | st.lists(TEXT, max_size=2), max_size=3)
# Columns mostly of one type (the bulk paths), sometimes of several (the split by type).
COLUMNS = (
    st.lists(TEXT, max_size=12)
    | st.lists(FLOATS, max_size=12)
    | st.lists(st.none() | TEXT, max_size=12)
    | st.lists(st.lists(TEXT, max_size=3), max_size=12)
    | st.lists(st.dictionaries(TEXT, TEXT, max_size=2), max_size=12)
    | st.lists(VALUES, max_size=12)
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- cells ------------------------------------------------------------------------------------


def test_every_character_safe_text_escapes_is_unprintable() -> None:
    # plain_texts leaves printable text alone: sound only if safe_text changes no printable text
    escaped = [chr(code) for code in range(0x110000) if _UNSAFE.match(chr(code))]
    assert len(escaped) > 2000  # C0, C1, bidi marks, separators, surrogates
    assert not any(ch.isprintable() for ch in escaped)


@FAST
@given(st.lists(TEXT, max_size=12), st.booleans())
def test_plain_texts_equal_the_rule_cell_by_cell(values: list[str], formulas: bool) -> None:
    rule = _csv_text if formulas else safe_text
    assert plain_texts(values, rule, formulas=formulas) == [rule(v) for v in values]


@FAST
@given(COLUMNS)
def test_csv_cells_by_column_equal_the_rule_cell_by_cell(values: list[Any]) -> None:
    assert column_texts(values, each=_csv_value, bulk=_CSV_BULK) == [_csv_value(v) for v in values]


@FAST
@given(COLUMNS, st.sampled_from((None, 0, 1, 4)))
def test_table_cells_by_column_equal_the_rule_cell_by_cell(
    values: list[Any], digits: int | None
) -> None:
    column = Column("key", "header", digits)
    assert _table_column(values, column) == [safe_text(_cell(v, column)) for v in values]


def _csv_cell_by_cell(rows: list[dict[str, Any]], columns: list[str] | None = None) -> str:
    """``csv_text`` as it was written before (a row at a time, ``_csv_value`` per cell)."""
    keys = list(columns) if columns is not None else list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_csv_text(k) for k in keys])
    writer.writerows([_csv_value(row.get(k)) for k in keys] for row in rows)
    return buffer.getvalue()


@FAST
@given(st.lists(st.dictionaries(st.sampled_from(("a", "=b", "c\x1b", "d")), VALUES), max_size=8))
def test_csv_text_is_the_cell_by_cell_writer(rows: list[dict[str, Any]]) -> None:
    assert csv_text(rows) == _csv_cell_by_cell(rows)
    keys = ["d", "a", "zz"]
    assert csv_text(rows, keys) == _csv_cell_by_cell(rows, keys)
    assert csv_text(rows, []) == _csv_cell_by_cell(rows, [])  # a line per row, no cell
    by_key = {key: [row.get(key) for row in rows] for key in keys}
    if rows:
        assert "".join(csv_column_pieces(by_key)) == csv_text(rows, keys)
    assert "".join(csv_column_pieces({})) == csv_text([]) == "\n"


def test_csv_pieces_join_to_the_whole_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import corridors.cli.output as output

    rows = [{"a": f"=x{n}", "b": n / 7, "c": ["p", "q"] if n % 2 else []} for n in range(10)]
    by_key = {key: [row[key] for row in rows] for key in ("a", "b", "c")}
    whole = csv_text(rows)
    monkeypatch.setattr(output, "_PIECE_ROWS", 3)
    pieces = list(csv_column_pieces(by_key))
    assert len(pieces) == 4 and pieces[0].startswith("a,b,c\n'=x0,0.0,\n")
    assert "".join(pieces) == whole == csv_text(rows)
    monkeypatch.setattr(output, "_PIECE_ROWS", 5)
    assert len(list(csv_column_pieces(by_key))) == 2


# --- rows -------------------------------------------------------------------------------------


def _atlas_rows(root: Path) -> list[Any]:
    """The JSON rows of the atlas's places, through JSON text as the route file holds them."""
    network = load_network(root, quiet=True)
    return [json.loads(row) for row in network_cache.place_rows(network.atlas.places)]


@pytest.fixture(scope="module")
def shipped_and_generated(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    root = tmp_path_factory.mktemp("generated") / "atlas"
    _hostile(generate.generate(600, seed=5), root)
    return _atlas_rows(bundled_atlas_dir()) + _atlas_rows(root)


def test_place_columns_are_place_from_rows_places(shipped_and_generated: list[Any]) -> None:
    rows = shipped_and_generated
    columns = place_columns(rows)
    places = [place_from_row(row) for row in rows]
    assert [place_at(columns, at) for at in range(len(rows))] == places
    assert any(p.area for p in places) and any(p.names for p in places)  # not only plain ones
    assert records_of_place_columns(columns) == records_of_places(places)
    table = place_record_columns(columns)
    records = records_of_places(places)
    assert {key: [r.get(key) for r in records] for key in table} == table
    assert list(table)[:-1] == list(records[0]) and list(table)[-1] == "area"
    assert not any(map(len, place_columns([]).values()))
    assert records_of_place_columns(place_columns([])) == []


def _mutations(row: list[Any], rng: random.Random) -> list[Any]:
    """A row changed in one of the ways a damaged or foreign file might change it."""
    if type(row) is not list or len(row) != 12:
        return row  # damaged already
    changed = copy.deepcopy(row)
    at = rng.randrange(len(row))
    choice = rng.randrange(9)
    if choice == 0:
        changed[at] = rng.choice([None, 1, 1.5, True, "x", [], {}, ["x"], [1]])
    elif choice == 1:
        changed.pop(at)
    elif choice == 2:
        changed.append(None)
    elif choice == 3:
        return rng.choice([None, "row", {"id": "x"}, tuple(row)])  # type: ignore[return-value]
    elif choice == 4:
        changed[2] = [*changed[2], rng.choice([1, None, ["x"], True])]  # an alias not text
    elif choice == 5:
        changed[10] = rng.choice([[], [[]], [[[1.0, 2.0], [3, 4.0]]], [[[1.0]]], "area", [None]])
    elif choice == 6:
        changed[11] = rng.choice([[["ko"]], [["ko", "x", [], [], 1]], [None], ["ko"], [[]]])
    elif choice == 7:
        changed[rng.choice([5, 6])] = rng.choice([1, "1.0", None, True])  # lon/lat not a float
    else:
        changed[11] = [["ko", "나진", ["라진"], ["s"], False]]  # sound: a native name
    return changed


def _outcome(function: Any, rows: list[Any]) -> str:
    try:
        function(rows)
    except ColumnFileError:
        return "refused"
    return "read"


def test_place_columns_refuse_what_place_from_row_refuses(
    shipped_and_generated: list[Any],
) -> None:
    rng = random.Random(4)
    plain = shipped_and_generated[:40] + shipped_and_generated[-40:]
    outcomes = set()
    for _ in range(600):
        rows = list(plain)
        for _ in range(rng.randint(1, 2)):
            at = rng.randrange(len(rows))
            rows[at] = _mutations(rows[at], rng)
        expected = _outcome(lambda rs: [place_from_row(r) for r in rs], rows)
        assert _outcome(place_columns, rows) == expected
        if expected == "read":
            columns = place_columns(rows)
            assert [place_at(columns, at) for at in range(len(rows))] == list(
                map(place_from_row, rows)
            )
        outcomes.add(expected)
    assert outcomes == {"read", "refused"}


# --- the command ------------------------------------------------------------------------------

HOSTILE_NAMES = (
    "=cmd|' /C calc'!A0",
    "+SUM(1)",
    "-2+3",
    "@import",
    "-2.5",
    "[bold]Rajin[/bold] [link=https://x]y[/link]",
    'say "hi", then; go',
    "Rajin\u200fport \u061cmark",
    "nb\u00a0sp zw\u200dj",
    "𝕏 non-BMP 😀",
    "e\u0301 나진항 Раджин 罗津",
    "'quoted'",
    "\\x1b not an escape",
    "1e-7",
)


def _hostile(docs: dict[str, Any], root: Path) -> Path:
    """A generated atlas whose plain places carry hostile names and aliases."""
    features = docs["places.geojson"]["features"]
    plain = [f for f in features if f["properties"]["id"].startswith("g")]
    for number, feature in enumerate(plain[: 3 * len(HOSTILE_NAMES)]):
        props = feature["properties"]
        props["name"] = f"{HOSTILE_NAMES[number % len(HOSTILE_NAMES)]} {number}"
        hostile = HOSTILE_NAMES[(number + 1) % len(HOSTILE_NAMES)]
        props["aliases"] = [f"{hostile} a{number}", f"a,{number};b"]
    return generate.write(docs, root)


@pytest.fixture(params=["shipped", "generated", "hostile"])
def prepared(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path, Network]:
    writers: dict[str, Callable[[Path], object] | None] = {
        "shipped": None,
        "generated": lambda root: generate.write(generate.generate(900, seed=11), root),
        "hostile": lambda root: _hostile(generate.generate(900, seed=3), root),
    }
    return atlas_with_route_file(tmp_path, monkeypatch, writers[request.param])


def _no_route_file(*_a: object, **_k: object) -> None:
    raise CacheMiss("no route file")


def _full_and_lane(
    args: tuple[str, ...], root: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str]:
    """``args`` run by the full network and from the route file (the lane asserted taken)."""
    with monkeypatch.context() as patch:
        patch.setattr(routefile, "read_view", _no_route_file)
        full = corridors_cli(*args, atlas=root, cache=cache)

    def no_full_load(*_a: object, **_k: object) -> Network:
        raise AssertionError("the full network was loaded")

    with monkeypatch.context() as patch:
        patch.setattr(load, "load_network", no_full_load)
        lane = corridors_cli(*args, atlas=root, cache=cache)
    assert (full.returncode, full.stderr, lane.returncode, lane.stderr) == (0, "", 0, ""), args
    return full.stdout, lane.stdout


@pytest.mark.parametrize("fmt", [(), ("--csv",), ("--json",)], ids=["table", "csv", "json"])
def test_list_places_prints_the_full_paths_bytes(
    prepared: tuple[Path, Path, Network], monkeypatch: pytest.MonkeyPatch, fmt: tuple[str, ...]
) -> None:
    root, cache, network = prepared
    for columns in (None, "200"):  # the table drawn without rich, and by rich
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        full, lane = _full_and_lane(("list", "places", *fmt), root, cache, monkeypatch)
        assert lane == full
    if fmt == ("--json",):
        assert [r["id"] for r in json.loads(lane)] == list(network.atlas.places)
    if fmt == ("--csv",):
        rows = list(csv.DictReader(io.StringIO(lane)))
        assert [r["id"] for r in rows] == list(network.atlas.places)
        if "=cmd" in lane:  # the hostile atlas: defused, escaped
            assert re.search(r"^g[^,]*,'=cmd", lane, re.M) and "\\u200f" in lane


def test_pieces_of_a_few_rows_print_the_same_bytes(
    prepared: tuple[Path, Path, Network], monkeypatch: pytest.MonkeyPatch
) -> None:
    import corridors.cli.output as output
    from corridors.cli import plaintable

    root, cache, network = prepared
    whole = place_rows.cached_place_table(root)
    monkeypatch.setattr(place_rows, "PIECE_ROWS", 7)  # rows decoded 7 at a time
    monkeypatch.setattr(plaintable, "PIECE_ROWS", 5)  # table lines drawn 5 at a time
    monkeypatch.setattr(output, "_PIECE_ROWS", 3)  # CSV lines written 3 at a time
    assert place_rows.cached_place_table(root) == whole
    view = routefile.open_view(root)
    assert view is not None
    assert len(place_rows.view_place_rows(view)) == len(network.atlas.places)
    monkeypatch.delenv("COLUMNS", raising=False)
    for fmt in ((), ("--csv",), ("--json",)):
        full, lane = _full_and_lane(("list", "places", *fmt), root, cache, monkeypatch)
        assert lane == full


def test_a_damaged_route_file_still_lists_the_same_places(
    prepared: tuple[Path, Path, Network], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache, network = prepared
    expected = place_records(network)
    table = place_rows.cached_place_table(root)
    assert table is not None
    assert [dict(zip(table, r, strict=True)) for r in zip(*table.values(), strict=True)] == [
        r | {"area": r.get("area")} for r in expected
    ]
    (path,) = cache.glob("route-v*.cnet")
    original = path.read_bytes()
    answered = 0
    for at in random.Random(7).sample(range(64, len(original)), 12):
        damaged = bytearray(original)
        damaged[at] ^= 0x21
        path.write_bytes(bytes(damaged))
        found = place_rows.cached_place_table(root)
        assert found in (None, table), at
        answered += found is not None
    path.write_bytes(original[: len(original) // 3])
    assert place_rows.cached_place_table(root) is None
    listed = corridors_cli("list", "places", "--csv", atlas=root, cache=cache)
    with monkeypatch.context() as patch:
        patch.setattr(routefile, "read_view", _no_route_file)
        full = corridors_cli("list", "places", "--csv", atlas=root, cache=cache)
    assert (listed.returncode, listed.stdout, listed.stderr) == (0, full.stdout, full.stderr)
    assert answered  # some damage lands where the places are not read: still listed
