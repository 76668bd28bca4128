"""The byte scanner of corridor files (atlas/corridor_scan.py) answers as ``json.loads`` does.

For every input it accepts, :func:`scan_corridor_columns` must return exactly the columns of
the usual path (``parse_json_checked`` + ``check_document`` + ``plain_corridor_columns``); for
everything else it returns ``None`` and the usual path decides. Checked on thousands of
generated corridor files (plain and not: key orders, both ``json.dumps`` layouts, non-ASCII
names, notes, attributes, via lists, odd numbers) and on random mutations of them (byte edits,
escapes, exponents, NaN, BOM, duplicated keys, trailing commas, whitespace), and the number
parser bit for bit against ``float()``.
"""

from __future__ import annotations

import json
import random
from typing import Any

import numpy as np
import pytest

from corridors.atlas.columns import CorridorColumns, plain_corridor_columns
from corridors.atlas.corridor_scan import _decimals, scan_corridor_columns
from corridors.atlas.safe_input import check_document, parse_json_checked
from corridors.errors import AtlasError

PLACES: dict[str, Any] = dict.fromkeys(["p1", "p2", "p3", "port-a", "j9", "x_0"])
SOURCES: dict[str, Any] = dict.fromkeys(["synthetic", "src-1", "osm"])
FIELDS = (
    "ids",
    "names",
    "modes",
    "statuses",
    "years",
    "starts",
    "ends",
    "vias",
    "sources",
    "notes",
    "attributes",
)
KEYS = [
    "id",
    "name",
    "mode",
    "status",
    "status_year",
    "from",
    "to",
    "via",
    "attributes",
    "reported_length_km",
    "reported_length_source",
    "sources",
    "note",
    "history",
    "names",
]
ODD_NUMBERS = [
    "1e5",
    "-0.0",
    "1E+2",
    "0.1000000000000000055511151231257827",
    "1e400",
    "-1e-400",
    "NaN",
    "Infinity",
    "-Infinity",
    "01.5",
    "1.",
    ".5",
    "-",
    "+1.0",
    "--1.0",
    "1.0.0",
    "1234.5",
    "12",
    "0",
    "-0",
    "179.99999999999999",
    "180.000000000000001",
    "9.999999999999999",
    "0.30000000000000004",
]


def reference(data: bytes) -> CorridorColumns | None | str:
    """What the usual path makes of ``data``: columns, None (not plain) or "error"."""
    try:
        doc, clean = parse_json_checked("f.geojson", data)
        if not clean:
            check_document("f.geojson", doc)
    except AtlasError:
        return "error"
    return plain_corridor_columns(doc, PLACES, SOURCES)


def same(a: CorridorColumns, b: CorridorColumns) -> bool:
    """Every column equal, with the very same types (json.dumps tells 1, 1.0 and true apart)
    and the positions bit for bit (-0.0 is not 0.0)."""
    return (
        all(json.dumps(getattr(a, f)) == json.dumps(getattr(b, f)) for f in FIELDS)
        and a.xy.shape == b.xy.shape
        and np.array_equal(a.xy.view(np.int64), b.xy.view(np.int64))
        and a.counts.dtype == b.counts.dtype
        and np.array_equal(a.counts, b.counts)
    )


def check(data: bytes) -> bool:
    """Assert that the scanner agrees with the usual path; whether it accepted ``data``."""
    scanned = scan_corridor_columns(data, PLACES, SOURCES)
    if scanned is None:
        return False
    expected = reference(data)
    assert isinstance(expected, CorridorColumns), (data[:300], expected)
    assert same(scanned, expected), data[:300]
    return True


def number(rng: random.Random, *, odd: bool) -> Any:
    """A coordinate as JSON text (a float, or now and then something odder)."""
    if odd and rng.random() < 0.02:
        return rng.choice(ODD_NUMBERS)
    value = rng.uniform(-180, 180) if rng.random() < 0.9 else rng.choice([0.0, -0.0, 1e-7])
    if not odd:
        return f"{value:.{rng.randint(1, 15)}f}"
    if rng.random() < 0.5:
        return f"{value:.{rng.randint(1, 18)}f}"
    return repr(value)


def line(rng: random.Random, *, odd: bool) -> str:
    count = rng.choice([2, 2, 3, 4, 6]) if not (odd and rng.random() < 0.03) else 1
    lon = rng.uniform(120, 135)
    positions = []
    for _ in range(count):
        digits = rng.choice([6, 6, 1, 3, 9, 12, 15])
        x = f"{lon + rng.uniform(-1, 1):.{digits}f}"
        y = f"{rng.uniform(-1, 1) * rng.choice([1, 10, 89]):.{digits}f}"
        if odd and rng.random() < 0.1:
            x, y = number(rng, odd=odd), number(rng, odd=odd)
        positions.append(f"[{x},{y}]")
    return "[" + ",".join(positions) + "]"


def properties(rng: random.Random, number_: int, order: list[str], *, odd: bool) -> dict[str, Any]:
    def maybe(good: Any, *bad: Any) -> Any:
        return rng.choice(bad) if odd and bad and rng.random() < 0.01 else good

    values: dict[str, Any] = {
        "id": maybe(f"c{number_}", "", "C1", " c1", "c 1", 5, None),
        "name": maybe(
            rng.choice([f"Corridor {number_}", f"Коридор {number_} ü", f"北 {number_}"]),
            "",
            " x",
            "x ",
            "a\tb",
            "a\u202eb",
            "a\x7fb",
            "a\x85b",
            7,
        ),
        "mode": maybe(rng.choice(["rail", "sea", "road", "pipeline", "power"]), "boat", None),
        "status": maybe(rng.choice(["operating", "proposed"]), "gone", 1),
        "status_year": maybe(rng.choice([2015, 1850, 2100, 1999]), 1849, 2101, 2015.0, "2015"),
        "from": maybe(rng.choice(list(PLACES)), "nowhere", None),
        "to": maybe(rng.choice(list(PLACES)), "nowhere"),
        "via": maybe(rng.choice([[], None, ["j9"], ["j9", "p3"]]), ["nowhere"], [""], "j9", [1]),
        "attributes": maybe(
            rng.choice([{}, None, {"gauge_mm": 1520, "electrified": True, "share": 0.25}]),
            [],
            {"deep": {"er": [1]}},
            {"x": 1e300},
        ),
        "reported_length_km": maybe(None, 12.5),
        "reported_length_source": maybe(None, "synthetic"),
        "sources": maybe(rng.choice([["synthetic"], ["src-1", "osm"]]), [], ["unknown"], None),
        "note": maybe(rng.choice([None, "a note", "nöte 北"]), "", "two\nlines", " pad"),
        "history": maybe(None, []),
        "names": maybe(None, {"ko": "x"}),
    }
    return {key: values[key] for key in order}


def corridor_file(rng: random.Random, *, odd: bool) -> bytes:
    """A corridor file as a generator or a tidy contributor writes it (``odd``: with some
    values that are not plain)."""
    order = ["id", "name", "mode", "status", "status_year", "from", "to", "sources"]
    order += [key for key in KEYS if key not in order and rng.random() < 0.5]
    rng.shuffle(order)
    compact = rng.random() < 0.6
    features = []
    for k in range(rng.randint(1, 8)):
        props = properties(rng, k, order, odd=odd)
        if odd and rng.random() < 0.02:
            props.pop(rng.choice(order))  # a feature with other keys than the first
        features.append((line(rng, odd=odd), props))
    c, k = (",", ":") if compact else (", ", ": ")
    ascii_only = odd and rng.random() < 0.2
    geometry_first = rng.random() < 0.8
    texts = []
    for coordinates, props in features:
        if not compact:
            coordinates = coordinates.replace(",", ", ")
        geometry = f'{{"type"{k}"LineString"{c}"coordinates"{k}{coordinates}}}'
        props_text = json.dumps(props, separators=(c, k), ensure_ascii=ascii_only)
        if geometry_first if not odd else rng.random() < 0.9:
            texts.append(
                f'{{"type"{k}"Feature"{c}"geometry"{k}{geometry}{c}"properties"{k}{props_text}}}'
            )
        else:
            texts.append(
                f'{{"type"{k}"Feature"{c}"properties"{k}{props_text}{c}"geometry"{k}{geometry}}}'
            )
    text = f'{{"type"{k}"FeatureCollection"{c}"features"{k}[' + c.join(texts) + "]}"
    if rng.random() < 0.3:
        text += "\n"
    return text.encode("utf-8")


MUTATIONS = [
    b'"',
    b"\\",
    b"\\n",
    b"\\u0041",
    b"\\u202e",
    b",",
    b":",
    b"[",
    b"]",
    b"{",
    b"}",
    b" ",
    b"\t",
    b"\n",
    b"\r",
    b"\x0c",
    b"\x00",
    b"\x7f",
    b"\xc2\x85",
    b"\xe2\x80\xae",
    b"\xff",
    b"\xef\xbb\xbf",
    b"e",
    b"E",
    b"+",
    b"-",
    b".",
    b"0",
    b"5",
    b"null",
    b"true",
    b"NaN",
    b'"id":"c1",',
    b',"id":"c1"',
    b"e400",
]


def mutate(rng: random.Random, data: bytes) -> bytes:
    """``data`` with a few random edits: bytes replaced, inserted or deleted, numbers swapped
    for odd ones, a BOM, a trailing comma."""
    for _ in range(rng.randint(1, 3)):
        choice = rng.random()
        at = rng.randrange(len(data) + 1)
        if choice < 0.4:
            data = data[:at] + rng.choice(MUTATIONS) + data[at + rng.randint(0, 2) :]
        elif choice < 0.55:
            data = data[:at] + data[at + rng.randint(1, 4) :]
        elif choice < 0.8:
            numbers = [m for m in range(len(data)) if data[m : m + 1] in b"0123456789"]
            if numbers:
                m = rng.choice(numbers)
                end = m
                while end < len(data) and data[end : end + 1] in b"0123456789.-":
                    end += 1
                odd = rng.choice(ODD_NUMBERS).encode()
                data = data[:m] + odd + data[end:]
        elif choice < 0.9:
            data = b"\xef\xbb\xbf" + data if rng.random() < 0.5 else data.replace(b"]}", b",]}")
        else:
            data = data.replace(b'"properties":{', b'"properties":{"id":"c0",', 1)
    return data


@pytest.mark.parametrize("seed", range(4))
def test_plain_files_are_scanned_exactly(seed: int) -> None:
    """Plain files in every layout the scanner knows: all accepted, all the same columns."""
    rng = random.Random(seed)
    plain = 0
    for _ in range(400):
        data = corridor_file(rng, odd=False)
        if isinstance(reference(data), CorridorColumns):
            assert check(data), data[:400]
            plain += 1
    assert plain > 300


@pytest.mark.parametrize("seed", range(8))
def test_odd_and_mutated_files_are_scanned_exactly_or_refused(seed: int) -> None:
    """Odd values and random mutations: the scanner returns the usual path's columns or None,
    never another answer; and it still accepts what it should (the count is not zero)."""
    rng = random.Random(100 + seed)
    accepted = refused = 0
    for _ in range(500):
        data = corridor_file(rng, odd=True)
        if rng.random() < 0.5:
            data = mutate(rng, data)
        if check(data):
            accepted += 1
        else:
            refused += 1
    assert accepted > 20 and refused > 200


def test_numbers_round_as_float() -> None:
    """The bulk number parser gives float()'s double, bit for bit, for every accepted form."""
    rng = random.Random(7)
    texts = []
    for _ in range(100_000):
        whole = rng.choice(["0", str(rng.randint(1, 9)), str(rng.randint(10, 999))])
        fraction = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 15)))
        if rng.random() < 0.1:
            fraction = rng.choice(
                ["5", "05", "25", "1", "3", "9" * 15, "0" * 15, "000000000000001"]
            )
        texts.append(("-" if rng.random() < 0.5 else "") + whole + "." + fraction)
    texts += ["0.0", "-0.0", "999.999999999999999", "0.1", "179.999999999999"]
    texts += [t for t in ("999.9999999999999", "123.456789012345678") if len(t) <= 19]
    accepted = [t for t in texts if t.split(".")[1].__len__() <= 15]
    values = _decimals(",".join(accepted).encode())
    assert values is not None
    expected = np.array([float(t) for t in accepted])
    assert np.array_equal(values.view(np.int64), expected.view(np.int64))


@pytest.mark.parametrize(
    "text",
    [
        "1.0,",
        ",1.0",
        "1.0,,2.0",
        "01.0",
        "-01.0",
        "1.",
        ".1",
        "1..0",
        "1.0.0",
        "--1.0",
        "1-.0",
        "1.0-",
        "1",
        "1234.0",
        "1.0000000000000000",
        "+1.0",
        "1e5",
        "1.0e5",
        "-",
        "",
    ],
)
def test_numbers_not_plain_are_refused(text: str) -> None:
    assert _decimals(text.encode()) is None


def test_generated_atlas_file_is_scanned() -> None:
    """A file as benchmarks/generate.py writes it (compact, no spaces) is accepted."""
    assert isinstance(reference(data_of_generated()), CorridorColumns)
    assert check(data_of_generated())


def data_of_generated() -> bytes:
    rng = random.Random(3)
    features = []
    for k in range(50):
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": json.loads(line(rng, odd=False))},
                "properties": properties(rng, k, KEYS[:12], odd=False),
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode()
