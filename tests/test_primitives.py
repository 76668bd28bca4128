"""One of each primitive, every exception in one module, and imports that only point down.

Issue 9: atomic writers, file readers, ``Coord``, dedupe, densify, position checks, progress
bars and exception classes each existed several times, and editing reached up into ``check``
and ``network``. These tests hold the one-of-each layout and the behaviour of the shared
primitives.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import stat
from pathlib import Path

import pytest

import corridors
from corridors import errors
from corridors._io.files import file_kind, fsync_path, read_regular_file, write_atomically
from corridors.atlas.model import Coord, as_position, position_problem
from corridors.edit.input import parse_corridor_input
from corridors.errors import ColumnFileError, CorridorsError, EditError
from corridors.geo.geodesy import dedupe_line, densify, line_length_m

SRC = Path(corridors.__file__).resolve().parent


def _modules() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(SRC)): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(SRC.rglob("*.py"))
    }


def _imports(tree: ast.Module) -> set[str]:
    """Every module a file imports (at the top or inside a function)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


# --- one of each ----------------------------------------------------------------------------


def test_every_exception_class_is_defined_in_errors() -> None:
    defined = {
        f"{name}: {node.name}"
        for name, tree in _modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and any(
            isinstance(base, ast.Name) and base.id.endswith(("Error", "Exception"))
            for base in node.bases
        )
    }
    assert {entry for entry in defined if not entry.startswith("errors.py: ")} == set()
    assert "errors.py: LandMaskUnavailableError" in defined


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("corridors.edit.api", "EditError"),
        ("corridors._io.atomic", "AtlasLockedError"),
        ("corridors._io.atomic", "AtlasWriteError"),
        ("corridors._io.outputs", "OutputError"),
        ("corridors.geo.searouting", "SeaRoutingError"),
        ("corridors.geo.landmask", "LandMaskUnavailableError"),
        ("corridors.maps.base", "MapError"),
        ("corridors.maps.offline", "OfflineError"),
        ("corridors.maps.safe_render", "UnsafeElementError"),
        ("corridors.network.columnfile", "ColumnFileError"),
    ],
)
def test_exceptions_stay_importable_where_they_were(module: str, name: str) -> None:
    import importlib

    assert getattr(importlib.import_module(module), name) is getattr(errors, name)


def test_land_mask_and_offline_errors_are_user_errors() -> None:
    """They were RuntimeErrors, which the CLI let out as tracebacks."""
    assert issubclass(errors.LandMaskUnavailableError, CorridorsError)
    assert issubclass(errors.OfflineError, CorridorsError)
    assert not issubclass(errors.LandMaskUnavailableError, RuntimeError)
    assert not issubclass(errors.OfflineError, RuntimeError)


def test_missing_land_mask_is_one_line_and_exit_2(monkeypatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from corridors.cli.app import app
    from corridors.geo import landmask

    def missing() -> Path:
        raise errors.LandMaskUnavailableError(
            "the global_land_mask package is not installed; run: pip install global-land-mask"
        )

    monkeypatch.setattr(landmask, "_package_npz", missing)
    landmask.region_mask.cache_clear()
    try:
        done = CliRunner().invoke(
            app, ["check"], env={"CORRIDORS_CACHE_DIR": str(tmp_path / "cache")}
        )
    finally:
        landmask.region_mask.cache_clear()
    assert done.exit_code == 2, done.output
    assert done.exception is None or isinstance(done.exception, SystemExit)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "pip install global-land-mask" in lines[0], done.stderr
    assert "Traceback" not in done.output


def test_one_coord_type() -> None:
    defined = [
        name
        for name, tree in _modules().items()
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "Coord" for t in node.targets)
    ]
    assert defined == ["atlas/model.py"]
    from corridors.edit import types
    from corridors.geo import geodesy, searouting
    from corridors.maps import features

    assert {id(m.Coord) for m in (types, geodesy, searouting, features)} == {id(Coord)}


@pytest.mark.parametrize(
    "name",
    ["_kind", "_fsync_dir", "_fsync_folder", "_fsync_path", "_dedupe", "_densify", "_FILE_KINDS"],
)
def test_no_private_copies_of_shared_primitives(name: str) -> None:
    where = [
        module
        for module, tree in _modules().items()
        for node in tree.body
        if (isinstance(node, ast.FunctionDef) and node.name == name)
        or (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
        )
    ]
    # safe_input's _kind is one line: file_kind saying "a folder" (the atlas's word)
    assert where == (["atlas/safe_input.py"] if name == "_kind" else [])


def test_one_progress_helper() -> None:
    """Only corridors.progress imports rich's progress bar."""
    users = [
        name
        for name, tree in _modules().items()
        if "rich.progress" in _imports(tree) and name != "progress.py"
    ]
    assert users == []


# --- layers ---------------------------------------------------------------------------------


def test_edit_imports_neither_check_nor_network() -> None:
    for name, tree in _modules().items():
        if name.startswith("edit/"):
            upward = {
                m for m in _imports(tree) if m.startswith(("corridors.check", "corridors.network"))
            }
            assert upward == set(), name


def test_geo_and_atlas_import_nothing_above_them() -> None:
    above = ("corridors.network", "corridors.routing", "corridors.edit", "corridors.check")
    above += ("corridors.maps", "corridors.cli", "corridors.export")
    for name, tree in _modules().items():
        if name.startswith(("geo/", "atlas/", "_io/")):
            upward = {m for m in _imports(tree) if m.startswith(above)}
            assert upward == set(), name


def test_check_takes_its_region_from_the_land_mask() -> None:
    from corridors.geo import landmask, searouting

    tree = _modules()["check.py"]
    assert not any("REGION" in m for m in _imports(tree))
    assert searouting.REGION is landmask.REGION
    assert inspect.signature(landmask.is_water).parameters["bounds"].default == landmask.REGION


def test_edit_and_check_share_the_land_sea_rules() -> None:
    """Both use the geo predicates: a line across the Sea of Japan is open sea for both."""
    from corridors.geo.landmask import open_sea_runs

    across = ((131.9, 43.0), (134.0, 40.0))  # Vladivostok out into the open sea
    runs = open_sea_runs(across)
    assert runs and runs[0][1] - runs[0][0] > 100_000
    along_land = ((127.0, 37.5), (128.0, 36.5))  # inland South Korea
    assert open_sea_runs(along_land) == []


# --- the file primitives --------------------------------------------------------------------


def test_file_kind_names_every_kind(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert file_kind(os.lstat(fifo).st_mode) == "a FIFO (named pipe)"
    assert file_kind(os.lstat(tmp_path).st_mode) == "a directory"
    assert file_kind(os.lstat(tmp_path).st_mode, directory="a folder") == "a folder"
    link = tmp_path / "link"
    link.symlink_to(fifo)
    assert file_kind(os.lstat(link).st_mode) == "a symlink"
    assert file_kind(os.stat("/dev/null").st_mode) == "a character device"
    assert file_kind(stat.S_IFREG) == "a special file"  # callers test S_ISREG first


def test_write_atomically_then_read_back(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "cache.bin"
    write_atomically(target, [b"abc", b"def"])
    assert bytes(read_regular_file(target, max_bytes=6)) == b"abcdef"
    write_atomically(target, [b"new"])
    assert target.read_bytes() == b"new"
    assert [p.name for p in target.parent.iterdir()] == ["cache.bin"]  # no temp file left
    fsync_path(target)  # a file as well as a folder; never raises
    fsync_path(tmp_path / "missing")


def test_write_atomically_replaces_a_symlink_not_its_target(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep")
    link = tmp_path / "cache.bin"
    link.symlink_to(victim)
    write_atomically(link, [b"new"])
    assert victim.read_bytes() == b"keep"
    assert not link.is_symlink() and link.read_bytes() == b"new"


def test_read_regular_file_refuses_links_fifos_and_big_files(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_bytes(b"x" * 10)
    with pytest.raises(ColumnFileError, match="larger than the 9 byte limit"):
        read_regular_file(data, max_bytes=9)
    link = tmp_path / "link"
    link.symlink_to(data)
    with pytest.raises(ColumnFileError, match="a symlink"):
        read_regular_file(link, max_bytes=100)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(ColumnFileError, match="a FIFO"):
        read_regular_file(fifo, max_bytes=100)  # refused from lstat: never opened, never hangs
    with pytest.raises(FileNotFoundError):
        read_regular_file(tmp_path / "missing", max_bytes=100)


def test_open_checked_is_the_gate_of_atlas_and_cache_reads(tmp_path: Path) -> None:
    import threading

    from corridors._io.files import open_checked
    from corridors.atlas.safe_input import read_file_limited
    from corridors.errors import AtlasError, FileRefusedError

    data = tmp_path / "data.json"
    data.write_bytes(b"[1]")
    link = tmp_path / "link.json"
    link.symlink_to(data)
    with open_checked(link, max_bytes=3, follow_symlinks=True) as (handle, info):
        assert handle.read() == b"[1]" and info.st_size == 3
    with (
        pytest.raises(FileRefusedError, match="a symlink") as caught,
        open_checked(link, max_bytes=3),
    ):
        pass
    assert not caught.value.opened
    with pytest.raises(FileRefusedError) as caught, open_checked(data, max_bytes=2):
        pass
    assert caught.value.size == 3
    with pytest.raises(AtlasError, match="3 bytes, over the limit of 2 bytes"):
        read_file_limited(data, max_bytes=2)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(AtlasError, match="is a FIFO \\(named pipe\\), not a regular file"):
        read_file_limited(fifo)  # refused before opening: never blocks

    def feed() -> None:
        with open(fifo, "wb") as out:
            out.write(b"piped")

    writer = threading.Thread(target=feed)
    writer.start()
    assert read_file_limited(fifo, allow_pipe=True) == b"piped"  # corridors add <(command)
    writer.join(timeout=10)


def test_a_failed_temp_write_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    from corridors._io.atomic import write_files_atomically
    from corridors._io.files import write_temp

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    first, second = tmp_path / "a.json", tmp_path / "b.json"
    first.write_bytes(b"old a")
    second.write_bytes(b"old b")
    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_temp(first, [b"x"], prefix=".a.json.", suffix=".tmp")
    with pytest.raises(errors.AtlasWriteError) as caught:
        write_files_atomically([(first, b"new a"), (second, b"new b")])
    assert str(caught.value).startswith(f"cannot write {first}: No space left on device;")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
    assert (first.read_bytes(), second.read_bytes()) == (b"old a", b"old b")


def test_land_mask_cache_uses_the_shared_writer(tmp_path: Path) -> None:
    from corridors.geo.landmask import save_atomically

    target = tmp_path / "mask.npz"
    save_atomically(target, lambda handle: handle.write(b"npz bytes"))
    assert target.read_bytes() == b"npz bytes"
    blocked = tmp_path / "file"
    blocked.write_bytes(b"")
    save_atomically(blocked / "mask.npz", lambda handle: handle.write(b"x"))  # skipped, no raise
    assert blocked.read_bytes() == b""


# --- geometry primitives --------------------------------------------------------------------


def test_dedupe_line() -> None:
    a, b = (130.0, 42.0), (131.0, 42.5)
    assert dedupe_line([a, a, b, b, a]) == [a, b, a]
    assert dedupe_line([a, a, a]) == [a, a]  # a line keeps two positions
    assert dedupe_line([a, a, a], keep_two=False) == [a]


def test_densify_keeps_vertices_and_step() -> None:
    line = [(130.0, 42.0), (130.1, 42.0), (130.1, 42.05)]
    points, along = densify(line, 1000.0)
    assert points[0] == line[0] and points[-1] == line[-1] and line[1] in points
    assert len(points) == len(along) and along[0] == 0.0
    assert along[-1] == pytest.approx(line_length_m(line))
    steps = [b - a for a, b in zip(along[:-1], along[1:], strict=True)]
    assert max(steps) <= 1000.0 and min(steps) > 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([130, 42], (130.0, 42.0)),
        ((130.5, 42.5, 10.0), (130.5, 42.5)),
        ([130], None),
        ([130, 42, 1, 2], None),
        ([True, 42], None),
        (["130", 42], None),
        ("130,42", None),
        ([10**400, 42], (float("inf"), float("inf"))),
    ],
)
def test_as_position(value, expected) -> None:
    assert as_position(value) == expected


@pytest.mark.parametrize(
    ("lon", "lat", "problem"),
    [
        (130.0, 42.0, None),
        (180.0, -90.0, None),
        (float("nan"), 42.0, "not finite"),
        (130.0, float("inf"), "not finite"),
        (190.0, 42.0, "longitude 190.0 is outside -180..180"),
        (130.0, 95.0, "latitude 95.0 is outside -90..90"),
    ],
)
def test_position_problem(lon: float, lat: float, problem: str | None) -> None:
    assert position_problem(lon, lat) == problem


# --- WKT through shapely --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "LINESTRING (130.3 42.2, 129.8 41.8)",
        "linestring(130.3 42.2,129.8 41.8)",
        "LINESTRING Z (130.3 42.2 5, 129.8 41.8 7)",
        "LINESTRING ZM (130.3 42.2 5 1, 129.8 41.8 7 2)",
        "  LINESTRING M (130.3 42.2 1, 129.8 41.8 2)\n",
    ],
)
def test_wkt_lines_are_read(text: str) -> None:
    (feature,) = parse_corridor_input(text.encode(), label="in.wkt", suffix=".wkt")
    assert feature["geometry"]["coordinates"] == [[130.3, 42.2], [129.8, 41.8]]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("POINT (130 42)", "not a line: got a WKT POINT; give a LINESTRING"),
        ("MULTILINESTRING ((1 2, 3 4))", "got a WKT MULTILINESTRING"),
        ("LINESTRING EMPTY", "the LINESTRING is empty"),
        ("LINESTRING (130 42)", "a line needs at least two points, got 1"),
        ("LINESTRING (a 42, 131 43)", "malformed WKT (ParseException: Expected number"),
        ("LINESTRING (130 42, 131 43", "malformed WKT"),
        ("LINESTRING ((130 42, 131 43))", "malformed WKT"),
        ("LINESTRING (130 42, 131 43)\x00)", "malformed WKT"),
    ],
)
def test_bad_wkt_is_one_line(text: str, message: str) -> None:
    with pytest.raises(EditError) as caught:
        parse_corridor_input(text.encode(), label="in.wkt", suffix=".wkt")
    assert message in str(caught.value)
    assert str(caught.value).startswith("in.wkt: ")
    assert "\n" not in str(caught.value)


# --- progress, edit API, store --------------------------------------------------------------


def test_map_build_steps_use_the_one_progress_helper(monkeypatch, capsys) -> None:
    from corridors.maps.build import progress_steps

    with progress_steps(quiet=True) as step:
        assert step is None
    monkeypatch.setattr("sys.stderr.isatty", lambda: False, raising=False)
    with progress_steps(quiet=False) as step:
        assert step is None  # a log or a pipe gets no bar
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    with progress_steps(quiet=False) as step:
        assert step is not None
        step("atlas.html")
        step("shipments.html")
    err = capsys.readouterr().err
    assert "writing shipments.html" in err and "2/2" in err  # the last state drawn


def test_add_signatures_are_kept() -> None:
    from corridors.edit.api import add_corridors, add_sea_lane, add_via

    shared = ["atlas", "status", "name", "corridor_id", "source", "status_year", "dry_run"]
    shared.append("lock_timeout_s")
    assert list(inspect.signature(add_sea_lane).parameters) == ["start", "end", *shared]
    assert list(inspect.signature(add_via).parameters) == ["places", "mode", *shared]
    assert set(shared) < set(inspect.signature(add_corridors).parameters)


def test_add_sea_lane_passes_every_option_on(tmp_path: Path) -> None:
    """A dry run through add_sea_lane's shared body: options reach the plan."""
    import shutil

    from corridors.edit.api import add_sea_lane
    from corridors.paths import resolve_atlas_dir

    atlas = tmp_path / "atlas"
    shutil.copytree(resolve_atlas_dir(None), atlas)
    before = {p: p.read_bytes() for p in atlas.rglob("*.*json")}
    result = add_sea_lane(
        "rajin",
        "pohang",
        atlas=atlas,
        status="proposed",
        name="Test lane",
        corridor_id="test_lane",
        source="https://example.org/lane",
        status_year=2030,
        dry_run=True,
        lock_timeout_s=5.0,
    )
    (corridor,) = result.corridors
    props = corridor["properties"]
    assert (props["id"], props["name"], props["mode"]) == ("test_lane", "Test lane", "sea")
    assert (props["status"], props["status_year"]) == ("proposed", 2030)
    assert result.dry_run is True
    assert {p: p.read_bytes() for p in atlas.rglob("*.*json")} == before


@pytest.mark.parametrize("key", ['"features"', '"\\u0066eatures"', '"fea\\u0074ures"'])
def test_store_finds_the_list_by_its_decoded_key(key: str) -> None:
    """The key is read by the public json.JSONDecoder (no json.decoder.scanstring)."""
    from corridors.edit.store import _list_spans

    text = '{"type": "FeatureCollection", "a\\"b": 1, ' + key + ": [1, {}, [2]]}"
    found = _list_spans(text, "features")
    assert found is not None
    opening, closing, spans = found
    assert text[opening] == "[" and text[closing] == "]"
    assert [json.loads(text[a:b]) for a, b in spans] == [1, {}, [2]]
    assert _list_spans(text, "missing") is None
