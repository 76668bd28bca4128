"""The plain places reader (atlas/place_scan.py) equals json.loads + parse_places, or says None.

Every file below is read both ways: the usual way (``parse_json_checked``, ``check_document``,
``parse_places``, ``place_index``, ``place_rows``) and by ``scan_places``. Whenever the scanner
answers, its places (field by field, in order, instance dictionaries included), its label index
and the JSON rows made from its runs must equal the usual ones; whenever the usual way refuses
the file, the scanner must answer None. The files are the generated atlas's (with the shipped
places in it), and a few thousand seeded mutations of plain files: numbers in every JSON shape,
strings that need escaping or trimming, unknown kinds, countries and sources, duplicate ids,
labels of two places, native names, areas, whitespace, broken and extra JSON.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from corridors.atlas import place_scan
from corridors.atlas.model import Atlas, Place, Source
from corridors.atlas.names import place_index
from corridors.atlas.place_scan import _fold_ascii, scan_places
from corridors.atlas.read import parse_places, read_atlas_bytes
from corridors.atlas.safe_input import check_document, parse_json_checked
from corridors.atlas.scripts import fold
from corridors.errors import AtlasError
from corridors.network import firstbuild
from corridors.network.cache import place_rows

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402

PATH = Path("places.geojson")
SOURCES = {name: Source(id=name, title=name) for name in ("synthetic", "other", "a.b")}


def _usual(data: bytes, sources: dict[str, Source]) -> dict[str, Place] | None:
    """The places the usual way, or None if it refuses the file."""
    try:
        doc, clean = parse_json_checked(PATH, data)
        if not clean:
            check_document(PATH, doc)
        return parse_places(PATH, doc, sources)
    except AtlasError:
        return None


def _same(data: bytes, sources: dict[str, Source] = SOURCES) -> bool:
    """Assert the scanner agrees with the usual way; True if the scanner answered."""
    expected = _usual(data, sources)
    read = scan_places(PATH, data, sources)
    if read is None:
        return False
    assert expected is not None, "the scanner accepted a file the usual way refuses"
    assert list(read.places) == list(expected)
    for got, want in zip(read.places.values(), expected.values(), strict=True):
        assert got == want
        assert list(vars(got).items()) == list(vars(want).items())
        assert type(got.lon) is float and type(got.lat) is float
    atlas = Atlas(Path("."), sources, expected, {}, {}, "")
    index = place_index(atlas)
    assert read.labels == index
    assert list(read.labels.exact) == list(index.exact)
    assert list(read.labels.stems) == list(index.stems)
    assert place_rows(read.places, plain=read.plain) == place_rows(expected)
    return True


def _feature(number: int, **change: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "id": f"p{number}",
        "name": f"Place {number}",
        "aliases": [],
        "country": "KOR",
        "kind": "station",
        "sources": ["synthetic"],
    }
    coords: Any = [round(124 + number * 0.001, 6), round(34 + number * 0.0007, 6)]
    geometry: dict[str, Any] = {"type": "Point", "coordinates": coords}
    for key, value in change.items():
        if key == "coordinates":
            geometry["coordinates"] = value
        else:
            props[key] = value
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _file(features: list[Any]) -> bytes:
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, separators=(",", ":")).encode()


def test_generated_atlas_places_are_read_plainly() -> None:
    docs = generate.generate(2000)  # the shipped atlas's places and sources merged in
    features = docs["places.geojson"]["features"]
    sources = {
        s["id"]: Source(id=s["id"], title=s["title"]) for s in docs["sources.json"]["sources"]
    }
    data = _file(features)
    assert _same(data, sources)
    read = scan_places(PATH, data, sources)
    assert read is not None and sum(len(run.ids) for run in read.plain) >= 1000
    assert len(read.places) > sum(len(run.ids) for run in read.plain)  # shipped: not plain
    # Written by json.dumps with its default separators: not recognised, read the usual way.
    spaced = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    assert scan_places(PATH, spaced, sources) is None
    assert _usual(spaced, sources) is not None


@pytest.mark.parametrize(
    "change",
    [
        {"coordinates": [124, 34]},  # integers: valid, not plain
        {"coordinates": [124.5e0, 34.25]},
        {"coordinates": [1.0e-5, 0.5]},
        {"coordinates": [181.0, 34.0]},
        {"coordinates": [124.0, -91.0]},
        {"coordinates": [124.0, 34.0, 10.0]},
        {"name": " Padded"},
        {"name": 'Say "hi"'},
        {"name": "Back\\slash"},
        {"name": "Ünïcode"},
        {"name": "Tab\there"},
        {"aliases": ["One", "Two, three"]},
        {"aliases": ["One", "one"]},
        {"aliases": ["P3"]},  # another place's id, by case: refused
        {"aliases": ["p-3"]},  # folds like another place's id: allowed, two owners
        {"kind": "zone"},
        {"kind": "harbour"},
        {"country": "USA"},
        {"sources": ["unknown"]},
        {"sources": []},
        {"sources": ["synthetic", "a.b"]},
        {"transfer": ["rail", "sea"]},
        {"note": "A note"},
        {"names": {"ko": {"name": "나진항", "sources": ["synthetic"]}}},
        {"id": "Upper"},
        {"id": "p1"},  # a duplicate id
    ],
)
def test_one_changed_feature_agrees(change: dict[str, Any]) -> None:
    features = [_feature(n) for n in range(6)]
    features[4] = _feature(4, **change)
    _same(_file(features))
    features.reverse()
    _same(_file(features))


@pytest.mark.parametrize("label", ["\u212aey", "\u017ftation", "Stra\u00dfe", "KEY", "k-e-y"])
def test_labels_that_case_fold_to_a_plain_label_agree(label: str) -> None:
    """A label outside ASCII whose casefold() is ASCII (the Kelvin sign, the long s) against
    plain places' labels: refused when it is another place's by casefold, as parse_places does."""
    features = [_feature(n) for n in range(6)]
    features[1] = _feature(1, name="Key")
    features[2] = _feature(2, name="Strasse", aliases=["station"])
    features[4] = _feature(4, aliases=[label])
    for order in (features, features[::-1]):
        data = _file(order)
        assert _same(data) == (_usual(data, SOURCES) is not None)


def test_plain_file_is_read_plainly() -> None:
    assert _same(_file([_feature(n) for n in range(50)]))
    assert _same(_file([_feature(n, aliases=[f"Alias {n}", f"Other {n}"]) for n in range(9)]))


_TEXTS = [
    "Plain",
    "two words",
    " lead",
    "trail ",
    "",
    " ",
    'quote"d',
    "back\\slash",
    "semi;colon, comma",
    "Ünï",
    "나진항",
    "Хасан",
    "ctrl\x1bx",
    "line\nbreak",
    "\u202eevil",
    "Tŭmangang",
    "Tumangang",
    "P1",
    "p 2",
    "p_3",
    "Rajin'",
    "del\x7f",
]
_NUMBERS = [
    "124.5",
    "124.50",
    "124",
    "-0.0",
    "0.0",
    "0.00012",
    "0.00001",
    "1e2",
    "1.5E+1",
    "-179.999999",
    "180.0",
    "180.000001",
    "90.0",
    "-90.1",
    "123.12345678901234567",
    "1.2345678901234",
    "NaN",
    "Infinity",
    "1" * 400 + ".0",
    "007.5",
    "-",
    "12.",
]


def _mutate(rng: random.Random, text: str) -> str:
    """One random change to a feature's JSON text (compact, as generated)."""
    try:
        feature = json.loads(text)
        props, geometry = feature["properties"], feature["geometry"]
        json.dumps(geometry["coordinates"])
    except (ValueError, TypeError, KeyError):  # already broken by an earlier change
        return text
    choice = rng.randrange(12)
    if choice == 0:
        number = rng.choice(_NUMBERS)
        at = rng.randrange(2)
        values = [json.dumps(v) for v in geometry["coordinates"]]
        values[at] = number
        coords = "[" + ",".join(values) + "]"
        return text.replace(json.dumps(geometry["coordinates"], separators=(",", ":")), coords)
    if choice == 1:
        props[rng.choice(["name", "id", "country", "kind"])] = rng.choice(_TEXTS)
    elif choice == 2:
        props["aliases"] = rng.sample(_TEXTS, rng.randrange(3))
    elif choice == 3:
        props["sources"] = rng.choice([[], ["other"], ["nope"], ["synthetic", "synthetic"], "x"])
    elif choice == 4:
        props.pop(rng.choice(list(props)))
    elif choice == 5:
        props[rng.choice(["note", "transfer", "names", "extra"])] = rng.choice(
            ["text", ["sea"], ["rail", "air"], {"ko": {"name": "나진", "sources": []}}, None]
        )
    elif choice == 6:
        props["kind"] = rng.choice(["port", "junction", "zone", "city"])
    elif choice == 7:
        return text.replace('"id"', '"id":"dup","id"', 1)
    elif choice == 8:
        return text.replace(",", rng.choice([" ,", ", ", ",\n", ",,"]), 1)
    elif choice == 9:
        return text[: rng.randrange(len(text))]
    elif choice == 10:
        geometry["type"] = rng.choice(["Polygon", "point", "LineString"])
    else:
        feature["type"] = rng.choice(["feature", "Point"])
    return json.dumps(feature, separators=(",", ":"), ensure_ascii=rng.random() < 0.5)


@pytest.mark.parametrize("seed", range(8))
def test_fuzzed_files_agree(seed: int) -> None:
    rng = random.Random(seed)
    answered = 0
    for _ in range(250):
        texts = [json.dumps(_feature(n), separators=(",", ":")) for n in range(rng.randrange(1, 8))]
        for _ in range(rng.randrange(3)):
            at = rng.randrange(len(texts))
            texts[at] = _mutate(rng, texts[at])
        body = ",".join(texts)
        head, tail = '{"type":"FeatureCollection","features":[', "]}"
        if rng.random() < 0.1:
            head, tail = rng.choice(
                [
                    ('\ufeff{"type":"FeatureCollection","features":[', "]}"),
                    ('{"type":"FeatureCollection","features":[', "]} \n"),
                    ('{"type":"FeatureCollection","features":[', '],"features":[]}'),
                    ('{"type":"FeatureCollection","features":[', "]}x"),
                    ('{"type":"FeatureCollection","features":[ ', " ]}"),
                    ('{"type":"FeatureCollection","features":[', ",]}"),
                ]
            )
        data = (head + body + tail).encode("utf-8", "surrogatepass")
        answered += _same(data)
    assert answered > 60  # most files are still plain enough to be read by the scanner


def test_plain_labels_fold_as_fold_does() -> None:
    rng = random.Random(11)
    alphabet = "aZ09 _-'`.,()/&" + "".join(map(chr, range(32, 127)))
    labels = [
        "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 12))) for _ in range(4000)
    ]
    labels += ["a", "_a_", "-", "a - b", "O'Neil", "a``b", "x__ -y", " lead", "trail ", "A B"]
    labels = [label for label in labels if "\0" not in label]
    assert _fold_ascii(labels) == [fold(label) for label in labels]
    for label in labels[:300]:
        assert _fold_ascii([label]) == [fold(label)]


def test_the_first_build_reads_a_generated_atlas_places_with_the_scanner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So that tests/test_firstbuild.py's byte-for-byte comparisons cover this reader."""
    root = generate.write(generate.generate(300, seed=5), tmp_path / "atlas")
    seen: list[Any] = []

    def spy(*args: Any) -> Any:
        seen.append(real(*args))
        return seen[-1]

    real = place_scan.scan_places
    monkeypatch.setattr(place_scan, "scan_places", spy)
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    contents, fingerprint = read_atlas_bytes(root)
    assert firstbuild.write_caches(root, contents, fingerprint)
    assert len(seen) == 1 and seen[0] is not None and seen[0].plain
