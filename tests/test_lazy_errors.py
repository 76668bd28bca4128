"""What the full path refuses, the route file refuses alike: same messages, same exit codes;
and what it lists (``matrix --places``, ``list places``), the route file lists alike.

An unknown name (with its suggested near names), an ambiguous name, the same place twice and
no route are answered from the route file (routing/lazy.py, network/near_labels.py) without
loading the atlas; the error must be the full path's, character for character. Both paths run
on the same atlas folders: the shipped atlas (copied) and a generated one (the benchmarks'
grid with the shipped atlas merged in), given shared aliases so that some names are ambiguous.
"""

from __future__ import annotations

import difflib
import itertools
import json
import random
import sys
from pathlib import Path

import pytest
from cli_runner import Ran, corridors_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from corridors.atlas.names import place_index
from corridors.atlas.scripts import fold
from corridors.errors import CacheMiss, CorridorsError
from corridors.network import load, routefile
from corridors.network.index import Network
from corridors.network.listing import place_records
from corridors.network.load import load_network
from corridors.network.near_labels import label_texts, near_labels
from corridors.network.place_rows import cached_place_records
from corridors.routing.lazy import cached_route, route_in
from corridors.routing.options import make_options
from corridors.routing.route import route

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402
from test_lazy_route import atlas_with_route_file  # noqa: E402

OPTIONS = {
    "default": {},
    "proposed": {"include_proposed": True},
    "in-service": {"in_service": True},
    "2012": {"as_of": "2012-06-01", "include_closed": True},
    "sea": {"modes": ["sea"]},
    "rail-time": {"modes": ["rail"], "by": "time"},
}


def _generated(root: Path) -> Path:
    docs = generate.generate(900, seed=11)
    features = docs["places.geojson"]["features"]
    # Three names folding alike (unique as written): "Shared Yard" names three places.
    for number, name in ((3, "Shared Yard"), (17, "Shared-Yard"), (40, "Shared_Yárd")):
        features[number]["properties"]["name"] = name
    return generate.write(docs, root)


@pytest.fixture(params=["shipped", "generated"])
def prepared(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path, Network]:
    write = None if request.param == "shipped" else _generated
    return atlas_with_route_file(tmp_path, monkeypatch, write)


def _outcome(function: object, *args: object) -> tuple[str, str]:
    try:
        found = function(*args)  # type: ignore[operator]
    except CorridorsError as exc:
        return type(exc).__name__, str(exc)
    assert found is not None
    return "route", repr(found.to_dict())


def test_near_labels_are_difflibs(prepared: tuple[Path, Path, Network]) -> None:
    root, _, network = prepared
    view = routefile.open_view(root)
    assert view is not None
    texts = label_texts(view)
    keys = [texts.key(k) for k in range(texts.size)]
    assert keys == list(place_index(network.atlas).exact)  # the full path's labels, in order
    rng = random.Random(3)
    words = ["", "x", "zzzz", "rajin", "vladivostk", "부산항", "хасан", "g1 1x", "g12 3"]
    for key in rng.sample(keys, 30):
        chars = list(key)
        for _ in range(rng.randint(1, 3)):  # typos: drop, double or replace a character
            at = rng.randrange(len(chars) + 1)
            chars.insert(at, rng.choice("aeiou 1234xg"))
            if len(chars) > 2:
                del chars[rng.randrange(len(chars))]
        words.append("".join(chars))
    for word in words:
        expected = difflib.get_close_matches(word, keys, n=6, cutoff=0.6)
        assert near_labels(texts, word) == expected, word


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(st.text(alphabet="ab c1é나", max_size=7), unique=True, max_size=40),
    word=st.text(alphabet="ab c1é나", max_size=7),
)
def test_near_labels_equal_difflib_on_any_labels(labels: list[str], word: str) -> None:
    import numpy as np

    from corridors.network.near_labels import LabelTexts

    ptr = np.zeros(len(labels) + 1, dtype=np.int64)
    np.cumsum([len(label) for label in labels], out=ptr[1:])
    texts = LabelTexts("".join(labels), ptr)
    for n, cutoff in ((6, 0.6), (1, 0.0), (3, 0.9)):
        assert near_labels(texts, word, n=n, cutoff=cutoff) == difflib.get_close_matches(
            word, labels, n=n, cutoff=cutoff
        )


def test_refusals_are_the_full_paths(prepared: tuple[Path, Path, Network]) -> None:
    root, _, network = prepared
    view = routefile.open_view(root)
    assert view is not None
    places = list(network.atlas.places.values())
    sample = random.Random(5).sample(places, min(8, len(places)))
    names = [p.id for p in sample[:4]] + [p.name for p in sample[4:]]
    names += ["no such place", "Shared Yard", fold(sample[0].name) + "x", sample[1].id[:-1]]
    kinds: set[str] = set()
    for values in OPTIONS.values():
        options = make_options(**values)
        for a, b in itertools.permutations(names, 2):
            full = _outcome(route, network, a, b, options)
            lazy = _outcome(route_in, view, a, b, options)
            assert lazy == full, (a, b, values)
            kinds.add(full[0])
        for a in names[:3]:
            full = _outcome(route, network, a, a, options)
            assert _outcome(route_in, view, a, a, options) == full
            kinds.add(full[0])
    for zone in [p.id for p in places if p.area is not None][:1]:  # no route: a zone's hint
        for a, b in ((zone, names[0]), (names[1], zone)):
            full = _outcome(route, network, a, b, make_options())
            assert _outcome(route_in, view, a, b, make_options()) == full
            assert "is an area" in full[1]
    assert {"route", "UnknownPlaceError", "NoRouteError", "UsageError"} <= kinds
    if any(p.name == "Shared Yard" for p in places):
        assert "AmbiguousNameError" in kinds


def _no_route_file(path: Path, **_k: object) -> None:
    raise CacheMiss(f"no route file at {path}")


def _both(args: tuple[str, ...], root: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> Ran:
    """Run ``args`` by the full path and from the route file; assert identical; the result."""
    env = {"COLUMNS": "200"}
    with monkeypatch.context() as patch:
        patch.setattr(routefile, "read_view", _no_route_file)
        full = corridors_cli(*args, atlas=root, cache=cache, env=env)

    def no_full_load(*_a: object, **_k: object) -> Network:
        raise AssertionError("the full network was loaded")

    with monkeypatch.context() as patch:
        patch.setattr(load, "load_network", no_full_load)
        lazy = corridors_cli(*args, atlas=root, cache=cache, env=env)
    assert (lazy.returncode, lazy.stdout, lazy.stderr) == (
        full.returncode,
        full.stdout,
        full.stderr,
    ), args
    return lazy


def test_cli_refusals_come_from_the_route_file(
    prepared: tuple[Path, Path, Network], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache, network = prepared
    connected = [p.id for p in network.atlas.places.values() if network.nodes_of(p.id)]
    a, b = connected[0], connected[-1]
    codes = set()
    for args in (
        ("route", a, "no such place"),
        ("route", "Shared Yard", a),
        ("route", a.upper(), a),
        ("route", a, b[:-1] + "q"),
        ("route", a, b, "--in-service", "--modes", "sea"),
        ("route", a, b, "--json", "--in-service", "--as-of", "1990-01-01"),
    ):
        codes.add(_both(args, root, cache, monkeypatch).returncode)
    assert codes <= {0, 1, 2}
    assert 2 in codes


def test_cli_matrix_comes_from_the_route_file(
    prepared: tuple[Path, Path, Network], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache, network = prepared
    connected = [p for p in network.atlas.places.values() if network.nodes_of(p.id)]
    chosen = random.Random(9).sample(connected, 5)
    places = ",".join([chosen[0].id, chosen[1].name, *(p.id for p in chosen[2:]), chosen[0].id])
    outputs: list[str] = []
    for extra in ((), ("--json",), ("--csv",), ("--in-service",), ("--modes", "sea", "--json")):
        ran = _both(("matrix", "--places", places, *extra), root, cache, monkeypatch)
        assert ran.returncode == 0, ran.stderr
        outputs.append(ran.stdout)
    assert any('"reason"' in out for out in outputs)  # the empty cells were explained
    for bad in (places + ",no such place", places + ",,x", "Shared Yard," + chosen[0].id):
        assert _both(("matrix", "--places", bad), root, cache, monkeypatch).returncode == 2


def test_cli_place_list_comes_from_the_route_file(
    prepared: tuple[Path, Path, Network], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, cache, network = prepared
    for extra in ((), ("--csv",), ("--json",)):
        ran = _both(("list", "places", *extra), root, cache, monkeypatch)
        assert ran.returncode == 0, ran.stderr
    assert [r["id"] for r in json.loads(ran.stdout)] == list(network.atlas.places)


def test_a_damaged_route_file_never_lists_wrong_places(
    prepared: tuple[Path, Path, Network],
) -> None:
    root, cache, network = prepared
    expected = place_records(network)
    assert cached_place_records(root) == expected
    (path,) = cache.glob("route-v*.cnet")
    original = path.read_bytes()
    for at in random.Random(2).sample(range(64, len(original)), 25):
        damaged = bytearray(original)
        damaged[at] ^= 0x21
        path.write_bytes(bytes(damaged))
        assert cached_place_records(root) in (None, expected), at
    path.write_bytes(original[: len(original) // 3])
    assert cached_place_records(root) is None


def test_a_refusal_asked_again_is_the_same_and_never_stale(
    prepared: tuple[Path, Path, Network],
) -> None:
    root, _, network = prepared
    connected = [p for p in network.atlas.places if network.nodes_of(p)]
    options = make_options()
    with pytest.raises(CorridorsError) as first:
        cached_route(root, connected[0], "nowhere at all", options)
    with pytest.raises(CorridorsError) as again:  # remembered: the same error
        cached_route(root, connected[0], "nowhere at all", options)
    assert again.value is first.value
    # The atlas gains that place: the remembered refusal no longer applies.
    places = root / "places.geojson"
    doc = json.loads(places.read_text(encoding="utf-8"))
    feature = next(f for f in doc["features"] if f["properties"]["id"] == connected[1])
    feature["properties"]["aliases"] = [*feature["properties"]["aliases"], "Nowhere at all"]
    places.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert cached_route(root, connected[0], "nowhere at all", options) is None  # stamp changed
    fresh = load_network(root, quiet=True)
    found = cached_route(root, connected[0], "nowhere at all", options)
    assert found is not None
    assert found[1] == route(fresh, connected[0], connected[1], options)
