"""The network cache can neither run code nor lie (issue 8, item 2).

Every case here was a real failure of the pickle cache or is a way a cache file can go bad:
each runs the command line (the console script's entry function, in this process: see
:mod:`cli_runner`) with ``CORRIDORS_CACHE_DIR`` in a temp folder, and checks the exit code,
that the command exits 0 with the right answer, that nothing planted ran, and that a valid
cache file is there afterwards. Where a cache path that is not a regular file could make the
command hang (a FIFO, a device, a symlink to either), it runs as a real subprocess with a
timeout instead, so a hang fails the test rather than the suite.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from atlas_factory import write_atlas
from cli_runner import Ran, corridors_cli

from corridors.atlas.model import Atlas, Corridor, Leg, Place, Programme, Shipment, Source
from corridors.atlas.names import LabelIndex, place_index
from corridors.atlas.read import read_atlas_bytes
from corridors.network import cache as netcache
from corridors.network.columnfile import decode
from corridors.network.index import Network, RouteIndex, build_index
from corridors.network.load import load_network
from corridors.routing.route import make_options, route

REPO = Path(__file__).resolve().parents[1]
ROUTE = ("route", "khasan", "pohang", "--include-proposed", "--json")
TIMEOUT_S = 60  # a command that hangs on a FIFO fails the test instead of hanging the suite


def run(*args: str, atlas: Path, cache: Path, verbose: bool = False) -> Ran:
    """``corridors ARGS [--verbose] --atlas ATLAS`` in this process, caching in ``cache``."""
    extra = ["--verbose"] if verbose else []
    return corridors_cli(*args, *extra, atlas=atlas, cache=cache)


def run_process(*args: str, atlas: Path, cache: Path, verbose: bool = False):
    """The same as a real subprocess, killed after TIMEOUT_S: for paths that could hang."""
    env = {**os.environ, "CORRIDORS_CACHE_DIR": str(cache)}
    env.pop("CORRIDORS_ATLAS", None)
    extra = ["--verbose"] if verbose else []
    command = [sys.executable, "-m", "corridors.cli", *args, *extra, "--atlas", str(atlas)]
    return subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=TIMEOUT_S, check=False
    )


@pytest.fixture(scope="module")
def atlas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_atlas(tmp_path_factory.mktemp("hostile-cache") / "atlas")


@pytest.fixture(scope="module")
def expected(atlas: Path) -> dict:
    """The route as a freshly built network (no cache involved) gives it."""
    network = load_network(atlas, use_cache=False)
    return route(network, "khasan", "pohang", make_options(include_proposed=True)).to_dict()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(folder))
    return folder


def cache_file(atlas: Path) -> Path:
    """Where the CLI caches ``atlas`` (same package, code and cache folder as the tests)."""
    return netcache.cache_path(read_atlas_bytes(atlas)[1])


def assert_route_right(done: Ran | subprocess.CompletedProcess, expected: dict) -> None:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    answer = json.loads(done.stdout)
    assert answer == expected
    assert answer["distance_km"] == pytest.approx(expected["distance_km"], abs=1e-9)


def assert_cache_valid(atlas: Path) -> None:
    """A regular, checksummed cache file for this atlas is in place, and nothing else is left."""
    path = cache_file(atlas)
    assert stat.S_ISREG(os.lstat(path).st_mode)
    fingerprint = read_atlas_bytes(atlas)[1]
    cached = netcache.read_network(path, root=atlas, fingerprint=fingerprint)
    assert cached == load_network(atlas, use_cache=False)
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def cache_lines(done: Ran | subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("cache:")]


def warm(atlas: Path, cache: Path, expected: dict) -> Path:
    first = run(*ROUTE, atlas=atlas, cache=cache)
    assert_route_right(first, expected)
    path = cache_file(atlas)
    assert path.is_file()
    return path


# -------------------------------------------------------------------- damaged cache files


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1 :]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: flip(d, len(d) // 2), id="flipped-byte-middle"),
        pytest.param(lambda d: flip(d, 9), id="flipped-byte-format-version"),
        pytest.param(lambda d: flip(d, 30), id="flipped-byte-checksum"),
        pytest.param(lambda d: flip(d, 70), id="flipped-byte-header"),
        pytest.param(lambda d: flip(d, len(d) - 100), id="flipped-byte-end"),
        pytest.param(lambda d: d[: len(d) // 2], id="truncated-half"),
        pytest.param(lambda d: d[:-1], id="truncated-one-byte"),
        pytest.param(lambda d: d[:20], id="truncated-in-preamble"),
        pytest.param(lambda d: b"", id="zero-length"),
        pytest.param(lambda d: d + b"\0" * 64, id="extended"),
        pytest.param(lambda d: b"not a cache\n" * 100, id="text"),
    ],
)
def test_damaged_cache_is_rebuilt(atlas: Path, cache: Path, expected: dict, damage) -> None:
    path = warm(atlas, cache, expected)
    path.write_bytes(damage(path.read_bytes()))
    done = run(*ROUTE, atlas=atlas, cache=cache, verbose=True)
    assert_route_right(done, expected)
    assert len(cache_lines(done)) == 1, done.stderr
    assert str(path) in cache_lines(done)[0]
    assert_cache_valid(atlas)


def test_every_damaged_byte_is_caught(atlas: Path, cache: Path) -> None:
    """Flipping any one byte (sampled every 97 bytes, plus the whole preamble) is detected."""
    from corridors.network.columnfile import ColumnFileError, decode

    network = load_network(atlas, use_cache=False)
    data = b"".join(netcache.encode_network(network, root=atlas))
    decode(data, version=netcache.CACHE_FORMAT)  # the intact file is fine
    for at in [*range(56), *range(56, len(data), 97)]:
        with pytest.raises(ColumnFileError):
            decode(flip(data, at), version=netcache.CACHE_FORMAT)


# ---------------------------------------------------------------- foreign and stale files


def _save_as(network: Network, path: Path, root: Path, monkeypatch, **meta: object) -> None:
    """Write ``network`` at ``path`` with a valid checksum but header fields faked."""
    with monkeypatch.context() as patch:
        for name, value in meta.items():
            if name == "version":
                patch.setattr(netcache, "__version__", value)
            elif name == "code":
                patch.setattr(netcache, "_stamp", value)
        assert netcache.save_network(path, network, root=root) is None


def _other_network(atlas: Path, tmp_path: Path) -> Network:
    """The same atlas with a longer sea lane: its route distance differs from the real one."""
    other = write_atlas(tmp_path / "other")
    sea = other / "corridors" / "sea.geojson"
    doc = json.loads(sea.read_text())
    line = doc["features"][0]["geometry"]["coordinates"]
    line.insert(1, [131.5, 40.0])  # a detour far east
    sea.write_text(json.dumps(doc))
    network = load_network(other, use_cache=False)
    network.atlas.fingerprint = read_atlas_bytes(atlas)[1]  # claims to be the real atlas
    return network


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ({"version": "0.0.1-old"}, "written by corridors 0.0.1-old"),
        ({"code": "0123456789abcdef0123456789abcdef"}, "written by corridors"),
        ({}, None),  # right version and code, other atlas network: caught by the fingerprint
    ],
    ids=["other-package-version", "other-code", "other-atlas"],
)
def test_cache_from_another_version_is_never_served(
    atlas: Path, cache: Path, expected: dict, tmp_path: Path, monkeypatch, meta, reason
) -> None:
    """A valid, checksummed file holding a different graph, written by another version (or
    for other atlas contents), is never used: using it would give another distance."""
    other = _other_network(atlas, tmp_path)
    if not meta:
        other.atlas.fingerprint = "0" * 64
    wrong = route(other, "khasan", "pohang", make_options(include_proposed=True))
    assert wrong.distance_km > expected["distance_km"] + 10  # the test can tell them apart
    path = cache_file(atlas)
    _save_as(other, path, atlas, monkeypatch, **meta)
    done = run(*ROUTE, atlas=atlas, cache=cache, verbose=True)
    assert_route_right(done, expected)
    (line,) = cache_lines(done)
    assert (reason or "other atlas contents") in line
    assert_cache_valid(atlas)


def test_file_of_another_format_version_is_rebuilt(atlas: Path, cache: Path, expected) -> None:
    path = warm(atlas, cache, expected)
    data = bytearray(path.read_bytes())
    data[8:12] = (netcache.CACHE_FORMAT + 1).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    done = run(*ROUTE, atlas=atlas, cache=cache, verbose=True)
    assert_route_right(done, expected)
    assert f"cache format {netcache.CACHE_FORMAT + 1}" in cache_lines(done)[0]
    assert_cache_valid(atlas)


def test_package_version_is_part_of_the_key(atlas: Path, cache: Path, monkeypatch) -> None:
    fingerprint = read_atlas_bytes(atlas)[1]
    now = netcache.cache_path(fingerprint)
    monkeypatch.setattr(netcache, "__version__", "9.9.9")
    assert netcache.cache_path(fingerprint) != now
    monkeypatch.undo()
    monkeypatch.setattr(netcache, "_stamp", "other code")
    assert netcache.cache_path(fingerprint) != now


# ----------------------------------------------------------- forged but checksummed files


def _forge(network: Network, change) -> Network:  # noqa: ANN001
    copy = Network(
        dataclasses.replace(network.atlas, places=dict(network.atlas.places)),
        dataclasses.replace(network.index),
    )
    copy.keep_place_labels(network.place_labels())  # written as they are: forged or not
    change(copy)
    return copy


def _bad_node(n: Network) -> None:
    n.index.adj_to = [10**6, *n.index.adj_to[1:]]


def _bad_name(n: Network) -> None:
    place = n.atlas.places["pohang"]
    n.atlas.places["pohang"] = dataclasses.replace(place, name=5)  # type: ignore[arg-type]


def _bad_pointer(n: Network) -> None:
    n.index.adj_ptr = [0, *reversed(n.index.adj_ptr[1:-1]), n.index.adj_ptr[-1]]


def _short_column(n: Network) -> None:
    n.index.edge_status = n.index.edge_status[:-1]


def _unknown_place(n: Network) -> None:
    n.index.edge_end = ["atlantis", *n.index.edge_end[1:]]


def _label_of_unknown_place(n: Network) -> None:
    n.keep_place_labels(LabelIndex({"pohang": ("atlantis",)}, {}, "places"))


def _label_of_no_place(n: Network) -> None:
    n.keep_place_labels(LabelIndex({"pohang": ()}, {}, "places"))


@pytest.mark.parametrize(
    "change",
    [
        _bad_node,
        _bad_name,
        _bad_pointer,
        _short_column,
        _unknown_place,
        _label_of_unknown_place,
        _label_of_no_place,
    ],
    ids=[
        "node-out-of-range",
        "name-not-text",
        "pointer-decreases",
        "column-too-short",
        "unknown-place",
        "label-of-unknown-place",
        "label-of-no-place",
    ],
)
def test_forged_checksummed_file_is_rebuilt(
    atlas: Path, cache: Path, expected: dict, monkeypatch, change
) -> None:
    """A file with a correct checksum whose contents would crash a later step is refused."""
    forged = _forge(load_network(atlas, use_cache=False), change)
    _save_as(forged, cache_file(atlas), atlas, monkeypatch)
    done = run(*ROUTE, atlas=atlas, cache=cache, verbose=True)
    assert_route_right(done, expected)
    assert "unusable" in cache_lines(done)[0]
    assert_cache_valid(atlas)


# ------------------------------------------------------------------------ planted pickles


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # noqa: ANN204
        return (exec, (f"open({str(self.marker)!r}, 'w').close()",))


def test_planted_pickles_never_run(
    atlas: Path, cache: Path, expected: dict, tmp_path: Path
) -> None:
    """A pickle that creates a marker file when loaded, under every name a reader might look
    at (the cache file's own name, the old format's names), never runs and is removed."""
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(_Payload(probe)))  # noqa: S301 - proves the payload is live
    assert probe.exists()
    marker = tmp_path / "marker"
    payload = pickle.dumps(_Payload(marker), protocol=pickle.HIGHEST_PROTOCOL)
    fingerprint = read_atlas_bytes(atlas)[1]
    current = cache_file(atlas)
    names = [
        current,
        current.with_suffix(".pickle"),
        cache / f"network-v3-{fingerprint}.pickle",  # the old cache's exact name
        cache / f"network-v2-{fingerprint}.pickle",
    ]
    cache.mkdir()
    for name in names:
        name.write_bytes(payload)
    for number, args in enumerate((ROUTE, ("list", "places", "--json"), ROUTE)):
        done = run(*args, atlas=atlas, cache=cache, verbose=True)
        assert done.returncode == 0, done.stderr
        assert not marker.exists()
        if number == 0:
            assert "not a corridors cache file" in cache_lines(done)[0]
    assert_route_right(done, expected)
    assert not list(cache.glob("*.pickle"))  # old-format files are pruned
    assert_cache_valid(atlas)


def test_no_pickle_in_the_code_that_reads_or_writes_caches() -> None:
    import re

    unsafe = re.compile(
        r"^\s*(import|from)\s+(pickle|_pickle|cPickle|dill|joblib|shelve|marshal)\b"
        r"|\bpickle\.loads?\(|allow_pickle\s*=\s*True",
        re.MULTILINE,
    )
    for folder in (REPO / "src" / "corridors", REPO / "benchmarks"):
        for source in folder.rglob("*.py"):
            assert not unsafe.search(source.read_text()), source


# ------------------------------------------------------- not a regular file at the path


def test_empty_directory_at_cache_path(atlas: Path, cache: Path, expected: dict) -> None:
    cache_file(atlas).mkdir(parents=True)
    done = run(*ROUTE, atlas=atlas, cache=cache, verbose=True)
    assert_route_right(done, expected)
    assert "a directory" in cache_lines(done)[0]
    assert_cache_valid(atlas)


def test_full_directory_at_cache_path_is_left_alone(
    atlas: Path, cache: Path, expected: dict
) -> None:
    folder = cache_file(atlas)
    folder.mkdir(parents=True)
    (folder / "keep.txt").write_text("not ours to delete")
    for _ in range(2):
        done = run(*ROUTE, atlas=atlas, cache=cache, verbose=True)
        assert_route_right(done, expected)
        (line,) = cache_lines(done)
        assert "a directory" in line and "not saved" in line
    assert (folder / "keep.txt").read_text() == "not ours to delete"


def test_fifo_at_cache_path_does_not_hang(atlas: Path, cache: Path, expected: dict) -> None:
    cache.mkdir()
    os.mkfifo(cache_file(atlas))
    done = run_process(*ROUTE, atlas=atlas, cache=cache, verbose=True)
    assert_route_right(done, expected)
    assert "a FIFO" in cache_lines(done)[0]
    assert_cache_valid(atlas)


def test_symlinks_at_cache_path_are_not_followed(
    atlas: Path, cache: Path, expected: dict, tmp_path: Path
) -> None:
    """A symlink to a FIFO (reading would hang) and one to a valid cache file elsewhere (its
    target must stay untouched) are both replaced by a regular file."""
    path = warm(atlas, cache, expected)
    elsewhere = tmp_path / "elsewhere.cnet"
    valid = path.read_bytes()
    elsewhere.write_bytes(valid)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (fifo, elsewhere):
        path.unlink()
        path.symlink_to(target)
        done = run_process(*ROUTE, atlas=atlas, cache=cache, verbose=True)
        assert_route_right(done, expected)
        assert "a symlink" in cache_lines(done)[0]
        assert_cache_valid(atlas)
    assert elsewhere.read_bytes() == valid
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_device_node_at_cache_path(
    atlas: Path, cache: Path, expected: dict, tmp_path: Path
) -> None:
    """A private zero device (as /dev/zero: reading it never ends) at the cache path, or
    symlinked there, is never read. Needs permission to mknod (root in CI containers)."""
    device = tmp_path / "zero"
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    cache.mkdir()
    path = cache_file(atlas)
    path.symlink_to(device)
    done = run_process(*ROUTE, atlas=atlas, cache=cache, verbose=True)
    assert_route_right(done, expected)
    assert_cache_valid(atlas)
    path.unlink()
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    done = run_process(*ROUTE, atlas=atlas, cache=cache, verbose=True)
    assert_route_right(done, expected)
    assert "a character device" in cache_lines(done)[0]
    assert_cache_valid(atlas)
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_unwritable_cache_folder(atlas: Path, tmp_path: Path, expected: dict) -> None:
    """A cache folder that is a file: the command works, uncached, and says so if asked."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    for _ in range(2):
        done = run(*ROUTE, atlas=atlas, cache=blocker, verbose=True)
        assert_route_right(done, expected)
        (line,) = cache_lines(done)
        assert "not saved" in line
    assert blocker.read_text() == "x"


# ---------------------------------------------------------------------------- --verbose


def test_verbose_says_once_why_and_nothing_on_a_hit(atlas: Path, cache: Path, expected) -> None:
    cold = run(*ROUTE, atlas=atlas, cache=cache, verbose=True)
    assert_route_right(cold, expected)
    assert cold.stderr.splitlines() == cache_lines(cold)
    (line,) = cache_lines(cold)
    assert "nothing cached yet" in line and str(cache_file(atlas)) in line
    hit = run(*ROUTE, atlas=atlas, cache=cache, verbose=True)
    assert_route_right(hit, expected)
    assert hit.stderr == ""
    quiet = run(*ROUTE, atlas=atlas, cache=tmp_cache(cache), verbose=False)
    assert quiet.stderr == ""


def tmp_cache(cache: Path) -> Path:
    return cache.parent / "another-cache"


@pytest.mark.parametrize(
    "args",
    [
        ("list", "places", "--json"),
        ("matrix", "--places", "khasan,pohang", "--csv", "--include-proposed"),
        ("table", "--json"),
    ],
)
def test_verbose_on_other_commands(atlas: Path, cache: Path, args: tuple[str, ...]) -> None:
    path = cache_file(atlas)
    cache.mkdir()
    path.write_bytes(b"\x80\x04garbage")
    done = run(*args, atlas=atlas, cache=cache, verbose=True)
    assert done.returncode == 0, done.stderr
    assert len(cache_lines(done)) == 1
    assert_cache_valid(atlas)


def test_fast_lane_handles_verbose_like_typer(atlas: Path, cache: Path) -> None:
    from typer.testing import CliRunner

    from corridors.cli.app import app
    from corridors.cli.fast import parse_route_args

    assert parse_route_args(["a", "b", "--verbose"]) == {
        "origin": "a",
        "destination": "b",
        "verbose": True,
    }
    args = [*ROUTE, "--verbose", "--atlas", str(atlas)]
    assert parse_route_args(args[1:]) is not None  # so main() takes the fast lane
    env = {"CORRIDORS_CACHE_DIR": str(cache), "COLUMNS": "120", "CORRIDORS_ATLAS": None}
    outputs = []
    for entry in ("main", "app"):  # the console script's entry, and typer's app alone
        path = cache_file(atlas)
        path.unlink(missing_ok=True)
        if entry == "main":
            ran = corridors_cli(*args, cache=cache, env={"COLUMNS": "120"})
            outputs.append((ran.returncode, ran.stdout, ran.stderr))
        else:
            done = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
            outputs.append((done.exit_code, done.stdout, done.stderr))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][2].splitlines()) == 1


# ------------------------------------------------------------------ exact round trips


def _assert_same_dataclass(a: object, b: object, where: str) -> None:
    """Every field equal and of the same type, including fields left out of ``==``."""
    assert type(a) is type(b), where
    for spec in dataclasses.fields(a):  # type: ignore[arg-type]
        x, y = getattr(a, spec.name), getattr(b, spec.name)
        assert x == y, f"{where}.{spec.name}"
        assert type(x) is type(y), f"{where}.{spec.name}"
        if isinstance(x, tuple):
            for k, (p, q) in enumerate(zip(x, y, strict=True)):
                if dataclasses.is_dataclass(p):
                    _assert_same_dataclass(p, q, f"{where}.{spec.name}[{k}]")
                else:
                    assert type(p) is type(q) and repr(p) == repr(q), f"{where}.{spec.name}[{k}]"
        if isinstance(x, dict):
            assert json.dumps(x) == json.dumps(y), f"{where}.{spec.name}"


def assert_same_network(fresh: Network, cached: Network) -> None:
    for spec in dataclasses.fields(RouteIndex):
        if spec.name == "_node_names":
            continue
        x, y = getattr(fresh.index, spec.name), getattr(cached.index, spec.name)
        assert type(x) is type(y), spec.name
        assert x == y, spec.name
        if hasattr(x, "typecode"):
            assert x.typecode == y.typecode and x.tobytes() == y.tobytes(), spec.name
        elif isinstance(x, list):
            assert [type(v) for v in x] == [type(v) for v in y], spec.name
            assert repr(x) == repr(y), spec.name  # floats bit for bit, -0.0 included
    assert list(fresh.index.place_nodes.items()) == list(cached.index.place_nodes.items())
    a, b = fresh.atlas, cached.atlas
    assert (a.root, a.fingerprint) == (b.root, b.fingerprint)
    for name in ("sources", "places", "corridors", "shipments", "programmes"):
        mine, theirs = getattr(a, name), getattr(b, name)
        assert list(mine) == list(theirs), name
        for key in mine:
            _assert_same_dataclass(mine[key], theirs[key], f"{name}[{key}]")
    assert fresh == cached


def test_row_layout_covers_every_field() -> None:
    """A field added to an atlas dataclass must be added to the cache rows too."""
    for cls in (Source, Place, Corridor, Leg, Shipment, Programme):
        stored = {name for name, _ in netcache._ROWS[cls]}
        outside = netcache._FIELDS_OUTSIDE_ROWS.get(cls, set())
        assert stored | outside == {f.name for f in dataclasses.fields(cls)}, cls
    assert {f.name for f in dataclasses.fields(Atlas)} == {
        "root",
        "sources",
        "places",
        "corridors",
        "shipments",
        "fingerprint",
        "programmes",
    }


def test_shipped_atlas_round_trip_is_exact(cache: Path) -> None:
    """Every index column and every atlas dataclass field of the shipped atlas come back
    identical, and routes, lists, matrix, table and the GraphML export agree."""
    from corridors.export import write_graphml
    from corridors.network import listing
    from corridors.routing.matrix import distance_matrix
    from corridors.routing.table import route_table

    root = REPO / "geo"
    fresh = load_network(root, use_cache=False)
    built = load_network(root)  # builds and saves
    cached = load_network(root)  # reads
    assert netcache.cache_path(fresh.atlas.fingerprint).is_file()
    assert_same_network(fresh, built)
    assert_same_network(fresh, cached)
    # The places' label index comes with the cached network (no route file at this size),
    # equal to the one built from the atlas, Hangul stems included.
    assert cached._labels is not None
    assert cached._labels[1] == place_index(fresh.atlas) and cached._labels[1].stems
    for what, records in listing.LISTS.items():
        assert records(fresh) == records(cached), what
    options = make_options(include_proposed=True)
    ports = [p.id for p in fresh.atlas.places.values() if p.kind == "port"]
    for origin in ports[:6]:
        for destination in ports:
            try:
                a = route(fresh, origin, destination, options).to_dict()
            except Exception as exc:  # noqa: BLE001 - the cached network must fail alike
                with pytest.raises(type(exc)):
                    route(cached, origin, destination, options)
                continue
            assert route(cached, origin, destination, options).to_dict() == a
    assert distance_matrix(fresh, None, options).to_rows() == (
        distance_matrix(cached, None, options).to_rows()
    )
    assert route_table(fresh) == route_table(cached)
    write_graphml(fresh, cache / "fresh.graphml")
    write_graphml(cached, cache / "cached.graphml")
    assert (cache / "fresh.graphml").read_bytes() == (cache / "cached.graphml").read_bytes()


def test_bulk_built_index_round_trip_is_exact(tmp_path: Path) -> None:
    """An index built by the numpy path (large atlases) round-trips exactly too."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate

    root = Path("/synthetic-atlas")
    atlas = generate.load(generate.generate(400, seed=3), root)
    fresh = Network(atlas, build_index(atlas=atlas))
    path = tmp_path / "bulk.cnet"
    assert netcache.save_network(path, fresh, root=root) is None
    read = netcache.read_network(path, root=root, fingerprint="")
    assert_same_network(fresh, read)
    assert read._labels is not None and read._labels[1] == place_index(atlas)


def test_a_network_with_a_route_file_stores_no_labels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From :data:`~corridors.network.cache.ROUTE_MIN_EDGES` edges the route file holds the
    labels: the network cache does not repeat them, and the index is built when asked."""
    network = load_network(REPO / "geo", use_cache=False)
    monkeypatch.setattr(netcache, "ROUTE_MIN_EDGES", network.index.edge_count)
    path = tmp_path / "large.cnet"
    assert netcache.save_network(path, network, root=REPO / "geo") is None
    assert "labels" not in decode(path.read_bytes(), version=netcache.CACHE_FORMAT).names
    read = netcache.read_network(path, root=REPO / "geo", fingerprint=network.atlas.fingerprint)
    assert read._labels is None
    assert read.resolve_place("포항") == "pohang" and read._labels is not None


def test_same_atlas_in_another_folder_names_its_own_files(tmp_path: Path, cache: Path) -> None:
    """Two copies of one atlas share a cache file; each sees its own corridor file paths."""
    first = write_atlas(tmp_path / "one")
    second = write_atlas(tmp_path / "two")
    load_network(first)
    copy = load_network(second)
    assert copy.atlas.root == second
    for corridor in copy.atlas.corridors.values():
        assert Path(corridor.file).parent == second / "corridors"
    assert_same_network(load_network(second, use_cache=False), copy)


# ------------------------------------------------------------------------- library API


def test_library_reports_cache_events_through_the_callback(
    atlas: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    load_network(atlas, use_cache=False, on_cache_event=events.append)
    assert events == []  # no cache involved, nothing to say
    load_network(atlas, on_cache_event=events.append)
    load_network(atlas, on_cache_event=events.append)  # a hit says nothing
    assert len(events) == 1 and "nothing cached yet" in events[0]
    monkeypatch.setattr(netcache, "MAX_CACHE_BYTES", 100)  # a file over the limit is not read
    network = load_network(atlas, on_cache_event=events.append)
    assert len(events) == 2 and "byte limit" in events[1]
    assert network == load_network(atlas, use_cache=False)


@pytest.mark.parametrize("depth", [60, 600, 5000])
def test_deeply_nested_attributes_never_break_caching(
    atlas: Path, tmp_path: Path, depth: int
) -> None:
    """The pickle cache crashed with RecursionError on deep attributes: now such a network is
    either stored and read back exactly, or simply not stored, with a reason."""
    network = load_network(atlas, use_cache=False)
    nested: object = "leaf"
    for level in range(depth):  # ``depth`` JSON containers, objects and lists in turn
        nested = {"a": nested} if level % 2 else [nested]
    corridors = network.atlas.corridors
    first = next(iter(corridors))
    corridors[first] = dataclasses.replace(corridors[first], attributes={"deep": nested})
    path = tmp_path / "deep.cnet"
    problem = netcache.save_network(path, network, root=atlas)
    fingerprint = network.atlas.fingerprint
    if problem is None:
        try:
            back = netcache.read_network(path, root=atlas, fingerprint=fingerprint)
        except netcache.CacheMiss as miss:  # written, but too deep to read back: rebuilt
            assert "JSON" in str(miss)
        else:
            assert_same_network(network, back)
    else:
        assert "cannot be stored" in problem
        assert not path.exists()
    if depth <= 600:
        assert problem is None


# ------------------------------------------------- the land mask cache, in the same folder


@pytest.fixture(scope="module")
def landmask_reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, bytes, object]:
    """The region's land mask slice as built from the package data: file name, bytes, mask."""
    from corridors.geo import landmask
    from corridors.geo.searouting import REGION

    folder = tmp_path_factory.mktemp("landmask-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CORRIDORS_CACHE_DIR", str(folder))
        landmask.region_mask.cache_clear()
        mask = landmask.region_mask(REGION)
        landmask.region_mask.cache_clear()
    (path,) = folder.glob("landmask-*.bits")
    return path.name, path.read_bytes(), mask


def _planted_npz(marker: Path) -> bytes:
    import io

    import numpy as np

    buffer = io.BytesIO()
    payload = np.empty(1, dtype=object)
    payload[0] = _Payload(marker)
    np.savez(buffer, bits=payload, meta=payload)
    return buffer.getvalue()


@pytest.mark.parametrize("damage", ["flip", "truncate", "empty", "planted", "fifo"])
def test_damaged_landmask_cache_is_rebuilt(
    cache: Path, tmp_path: Path, landmask_reference, damage: str
) -> None:
    """The land mask slice cached next to the network (read by check, build, add-sea-lane):
    a damaged or planted file was a zipfile traceback; now it is rebuilt."""
    import io

    import numpy as np

    from corridors.geo import landmask
    from corridors.geo.searouting import REGION

    name, data, reference = landmask_reference
    cache.mkdir()
    path = cache / name
    marker = tmp_path / "marker"
    if damage == "planted":  # the payload is live: loading it with pickles allowed runs it
        probe = tmp_path / "probe"
        np.load(io.BytesIO(_planted_npz(probe)), allow_pickle=True)["bits"]
        assert probe.exists()
    if damage == "fifo":
        os.mkfifo(path)
    else:
        changed = {
            "flip": lambda: flip(data, len(data) // 2),
            "truncate": lambda: data[: len(data) // 2],
            "empty": lambda: b"",
            "planted": lambda: _planted_npz(marker),
        }[damage]()
        path.write_bytes(changed)
    mask = landmask.region_mask(REGION)
    landmask.region_mask.cache_clear()
    assert not marker.exists()
    assert np.array_equal(mask.water, reference.water)  # type: ignore[attr-defined]
    assert mask == dataclasses.replace(reference, bits=mask.bits)  # type: ignore[type-var]
    assert stat.S_ISREG(os.lstat(path).st_mode)
    assert landmask._read_cached(path, REGION) is not None  # rebuilt valid


def test_numeric_columns_can_be_memory_mapped(atlas: Path, tmp_path: Path) -> None:
    """The layout promise for large atlases: every array section maps in place with numpy
    at its recorded offset (64-byte aligned, explicit little-endian dtype), no copy."""
    import numpy as np

    from corridors.network.columnfile import ALIGN, decode

    network = load_network(atlas, use_cache=False)
    path = tmp_path / "mapped.cnet"
    assert netcache.save_network(path, network, root=atlas) is None
    data = path.read_bytes()
    header = decode(data, version=netcache.CACHE_FORMAT)
    table = json.loads(data[56 : 56 + int.from_bytes(data[12:16], "little")])  # layout doc
    mapped = 0
    for name, entry in table["sections"].items():
        if entry["dtype"] == "json":
            continue
        assert entry["offset"] % ALIGN == 0 and entry["dtype"].startswith("<")
        if not entry["nbytes"]:
            continue
        column = np.memmap(
            path,
            dtype=entry["dtype"],
            mode="r",
            offset=entry["offset"],
            shape=tuple(entry["shape"]),
        )
        assert column.tolist() == header.array(name, entry["dtype"]).tolist(), name
        mapped += 1
    assert mapped >= 15
