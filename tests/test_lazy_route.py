"""A cached route answered from the route file (routing/lazy.py) is the full path's route.

Both paths run on the same atlas folder: the shipped atlas (copied) and a generated one (the
benchmarks' grid, with the shipped atlas merged in: dated corridors, open sea, transfers).
Every pair of a sample of places is routed under several option sets by the full network
(:func:`corridors.routing.route.route`) and by the route view; the JSON, the legs' lines and
the report rows and warnings must be identical, and where the full path finds no route the
lazy path must raise the same error (more of those: tests/test_lazy_errors.py). Staleness and
damage: an edited atlas or a damaged route file is never answered from.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_runner import corridors_cli

from corridors.cli.report import route_rows, route_warnings
from corridors.errors import CorridorsError
from corridors.network import cache as netcache
from corridors.network import routefile, stamp
from corridors.network.index import Network
from corridors.network.load import load_network
from corridors.paths import bundled_atlas_dir
from corridors.routing.lazy import cached_route, route_in
from corridors.routing.options import make_options
from corridors.routing.route import route

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402

OPTIONS = {
    "default": {},
    "proposed": {"include_proposed": True},
    "in-service": {"in_service": True},
    "2012": {"as_of": dt.date(2012, 6, 1), "include_proposed": True, "include_closed": True},
    "2035-time": {"as_of": dt.date(2035, 1, 1), "include_proposed": True, "by": "time"},
    "rail": {"modes": ["rail"], "include_proposed": True},
    "sea-time": {"modes": ["sea"], "by": "time", "transfer_hours": 3.0},
    "freight-time": {"modes": ["rail", "sea"], "by": "time", "include_closed": True},
}


def route_files_at_every_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """A route file written whatever the network's size, and the stamp trusted at once."""
    monkeypatch.setattr(stamp, "RACY_S", 0.0)
    monkeypatch.setattr(netcache, "ROUTE_MIN_EDGES", 0)


def prepare_route_file(root: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> Network:
    """The network of ``root`` loaded with ``cache`` as the cache folder, a route file written
    whatever its size (and the stamp trusted at once)."""
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(cache))
    route_files_at_every_size(monkeypatch)
    network = load_network(root, quiet=True)
    assert list(cache.glob("route-v*.cnet")), "the route file was not written"
    return network


def atlas_with_route_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: Callable[[Path], object] | None
) -> tuple[Path, Path, Network]:
    """``tmp_path/atlas`` (the shipped atlas copied, or what ``write`` makes there), its cache
    folder and its network, loaded with the route file written (:func:`prepare_route_file`)."""
    root, cache = tmp_path / "atlas", tmp_path / "cache"
    if write is None:
        shutil.copytree(bundled_atlas_dir(), root)
    else:
        write(root)
    return root, cache, prepare_route_file(root, cache, monkeypatch)


def _parallel_grid(root: Path) -> None:
    generate.write(_with_parallel_lines(generate.generate(1200, seed=3)), root)


@pytest.fixture(params=["shipped", "generated"])
def prepared(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Network]:
    write = None if request.param == "shipped" else _parallel_grid
    root, _, network = atlas_with_route_file(tmp_path, monkeypatch, write)
    return root, network


def _with_parallel_lines(docs: dict) -> dict:
    """Every rail corridor of the grid twice more: an identical copy (a tie the lowest edge id
    wins) and a longer one bent sideways (never the cheapest), in the other order for half."""
    features = docs["corridors/grid-rail.geojson"]["features"]
    extra = []
    for number, feature in enumerate(features):
        coords = feature["geometry"]["coordinates"]
        bent = [coords[0], *[[x + 0.02, y + 0.02] for x, y in coords[1:-1]], coords[-1]]
        if len(coords) == 2:
            bent.insert(1, [(coords[0][0] + coords[1][0]) / 2 + 0.02, coords[0][1] + 0.02])
        for kind, line in (("same", coords), ("bent", bent)):
            copy = json.loads(json.dumps(feature))
            copy["properties"]["id"] += f"-{kind}"
            copy["properties"]["name"] += f" ({kind})"
            copy["properties"]["via"] = []
            copy["geometry"]["coordinates"] = line
            extra.append(copy)
        if number % 2:
            extra[-2], extra[-1] = extra[-1], extra[-2]
    features.extend(extra)
    return docs


def _same(network: Network, view: object, a: str, b: str, values: dict) -> bool:
    """Route a -> b both ways; assert they agree; True if a route was found."""
    options = make_options(**values)
    try:
        full = route(network, a, b, options)
    except CorridorsError as refused:
        with pytest.raises(type(refused)) as same:  # the full path's error, word for word
            route_in(view, a, b, options)  # type: ignore[arg-type]
        assert str(same.value) == str(refused), (a, b, values)
        return False
    lazy = route_in(view, a, b, options)  # type: ignore[arg-type]
    assert lazy is not None, (a, b, values)
    assert json.dumps(lazy.to_dict()) == json.dumps(full.to_dict())
    assert [leg.coords for leg in lazy.legs] == [leg.coords for leg in full.legs]
    assert lazy == full
    assert route_rows(view, lazy) == route_rows(network, full)  # type: ignore[arg-type]
    assert route_warnings(view, lazy) == route_warnings(network, full)  # type: ignore[arg-type]
    return True


def test_lazy_routes_equal_full_routes(prepared: tuple[Path, Network]) -> None:
    root, network = prepared
    view = routefile.open_view(root)
    assert view is not None
    connected = [p for p in network.atlas.places if network.nodes_of(p)]
    sample = random.Random(7).sample(connected, min(9, len(connected)))
    found = 0
    for values in OPTIONS.values():
        for a, b in itertools.permutations(sample, 2):
            found += _same(network, view, a, b, values)
    assert found > len(OPTIONS) * 10  # most pairs have routes: the comparison is not empty


def test_lazy_path_resolves_names_like_the_full_path(prepared: tuple[Path, Network]) -> None:
    root, network = prepared
    view = routefile.open_view(root)
    assert view is not None
    places = [p for p in network.atlas.places.values() if network.nodes_of(p.id)][:12]
    for first, second in itertools.pairwise(places):
        for a, b in ((first.name, second.id), (first.id.upper(), second.name.lower())):
            _same(network, view, a, b, {"include_proposed": True})
    # Unknown or identical places: refused as the full path refuses (tests/test_lazy_errors.py).
    for a, b in (("no such place", places[0].id), (places[0].id, places[0].name)):
        with pytest.raises(CorridorsError):
            cached_route(root, a, b, make_options())
        _same(network, view, a, b, {})


def without_full_load(
    monkeypatch: pytest.MonkeyPatch, *args: str, atlas: Path, cache: Path
) -> subprocess.CompletedProcess[str]:
    """The command run in-process with loading the full network made an error: it must be
    answered from the route file."""
    from corridors.network import load

    def no_full_load(*_a: object, **_k: object) -> Network:
        raise AssertionError("the full network was loaded")

    with monkeypatch.context() as patch:
        patch.setattr(load, "load_network", no_full_load)
        return corridors_cli(*args, atlas=atlas, cache=cache, env={"COLUMNS": "200"})


def test_cli_answers_identically_from_the_route_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = generate.write(generate.generate(800, seed=4), tmp_path / "atlas")
    cache = tmp_path / "cache"
    route_files_at_every_size(monkeypatch)
    args = ("route", "g0_0", "g6_5", "--include-proposed")
    outputs = []
    for extra in (("--json",), ("--csv",), ()):
        plain = corridors_cli(*args, *extra, "--atlas", str(root), env={"COLUMNS": "200"})
        first = corridors_cli(*args, *extra, atlas=root, cache=cache, env={"COLUMNS": "200"})
        assert list(cache.glob("route-v*.cnet"))
        lazy = without_full_load(monkeypatch, *args, *extra, atlas=root, cache=cache)
        assert plain.returncode == first.returncode == lazy.returncode == 0, lazy.stderr
        assert lazy.stdout == first.stdout
        assert (lazy.stdout, lazy.stderr) == (first.stdout, first.stderr)
        outputs.append(lazy.stdout)
    assert json.loads(outputs[0])["legs"]


def test_an_edited_atlas_is_never_answered_from_the_old_route_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = generate.write(generate.generate(600, seed=5), tmp_path / "atlas")
    network = prepare_route_file(root, tmp_path / "cache", monkeypatch)
    a, b = "g0_0", "g4_4"
    options = make_options(include_proposed=True)
    before = cached_route(root, a, b, options)
    assert before is not None
    # Close every corridor of the route found: the old answer is now wrong.
    used = {leg.corridor for leg in before[1].legs}
    for path in sorted(root.glob("corridors/*.geojson")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for feature in doc["features"]:
            if feature["properties"]["id"] in used:
                feature["properties"]["status"] = "closed"
        path.write_text(json.dumps(doc), encoding="utf-8")
    assert cached_route(root, a, b, options) is None  # the stamp no longer matches
    fresh = load_network(root, quiet=True)
    after = cached_route(root, a, b, options)
    assert after is not None
    assert after[1] == route(fresh, a, b, options)
    assert not used & {leg.corridor for leg in after[1].legs}
    assert network.atlas.fingerprint != fresh.atlas.fingerprint


def test_a_damaged_route_file_is_never_answered_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = generate.write(generate.generate(600, seed=6), tmp_path / "atlas")
    network = prepare_route_file(root, tmp_path / "cache", monkeypatch)
    options = make_options(include_proposed=True)
    expected = route(network, "g0_0", "g5_3", options)
    (path,) = (tmp_path / "cache").glob("route-v*.cnet")
    original = path.read_bytes()
    positions = random.Random(1).sample(range(64, len(original)), 40)
    for at in positions:
        damaged = bytearray(original)
        damaged[at] ^= 0x5A
        path.write_bytes(bytes(damaged))
        found = cached_route(root, "g0_0", "g5_3", options)
        assert found is None or found[1] == expected, at
    for size in (0, 10, len(original) // 2):
        path.write_bytes(original[:size])
        assert cached_route(root, "g0_0", "g5_3", options) is None
    path.unlink()
    path.symlink_to(tmp_path / "elsewhere")
    assert cached_route(root, "g0_0", "g5_3", options) is None


def test_a_damaged_route_file_header_is_always_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The preamble's digest covers the header (format 2): a flipped byte anywhere before the
    first section is refused outright, not only when the header stops parsing."""
    import struct

    root = generate.write(generate.generate(600, seed=6), tmp_path / "atlas")
    prepare_route_file(root, tmp_path / "cache", monkeypatch)
    options = make_options(include_proposed=True)
    (path,) = (tmp_path / "cache").glob("route-v2-*.cnet")
    original = path.read_bytes()
    assert cached_route(root, "g0_0", "g5_3", options) is not None
    (header_length,) = struct.unpack_from("<I", original, 12)
    first_section = -(-(56 + header_length) // 64) * 64
    positions = random.Random(2).sample(range(first_section), 60)
    for at in [*positions, 24, 55, 56, first_section - 1]:
        damaged = bytearray(original)
        damaged[at] ^= 0x01
        path.write_bytes(bytes(damaged))
        assert cached_route(root, "g0_0", "g5_3", options) is None, at


def test_route_files_do_not_pile_up(tmp_path: Path) -> None:
    """The newest route files are kept (and the one just written, whatever its time); other
    cache files are left alone."""
    written = []
    for number in range(routefile._KEEP + 3):
        path = tmp_path / f"route-v2-{number}.cnet"
        path.write_bytes(b"")
        os.utime(path, ns=(number * 10**9, number * 10**9))
        written.append(path)
    other = tmp_path / "network-v7-0.cnet"
    other.write_bytes(b"")
    routefile._prune(written[0])  # the oldest by time, as if just written with a slow clock
    kept = {written[0], *written[-routefile._KEEP :]}
    assert set(tmp_path.glob("route-v*.cnet")) == kept
    assert other.exists()
