"""Hostile outputs and terminal text (issue 8, items 4 and 5): each test is a regression test.

Outputs (``route --map``, ``export``, ``build --out``) onto a device node, a FIFO, a directory
or a socket are refused with exit 2 and one line, and the thing is left as it was; files are
written through a temporary file that never survives. Names with rich markup print exactly as
written; control characters (CSI, OSC 8 hyperlinks, bidi overrides) and lone surrogates from
data never reach the terminal raw. The atlas reader refuses control characters on load, so
those are tested at the function level (the printers must be safe by themselves); brackets are
legal in names and are tested through the command line. ``--lock-timeout`` takes only finite
numbers >= 0.

Device nodes are private ones made with ``mknod`` in the test's temp folder (never the real
``/dev``); tests that need it are skipped when not root.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from atlas_factory import PLACES, RAIL, collection, write_atlas
from typer.testing import CliRunner

from corridors.cli.app import app

CSI = "\x1b[31m"
OSC8 = "\x1b]8;;http://x\x1b\\"
HOSTILE = f"A {CSI}red {OSC8}link{OSC8} \u202eevil\u202c \x9b2J \x07bell \udc80 [/foo] end"
# What must never reach the terminal raw, whatever the data holds.
RAW_CONTROLS = ("\x1b", "\x9b", "\x07", "\u202e", "\u202c")
NULL_DEVICE = os.makedev(1, 3)

BRACKET_PLACE = "Rajin [/foo] port [link=https://x]"
BRACKET_START = "[bold]Khasan[/bold]"
BRACKET_CORRIDOR = "Khasan - Rajin [/foo] [link=https://x]railway[/link] [bold]x[/bold]"


def _one_error_line(stderr: str, path: Path | str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: ") and str(path) in lines[0], stderr
    assert "Traceback" not in stderr
    return lines[0]


def _mknod_null(path: Path) -> Path:
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    os.mknod(path, stat.S_IFCHR | 0o600, NULL_DEVICE)
    return path


def _is_null_device(path: Path) -> bool:
    info = os.lstat(path)
    return stat.S_ISCHR(info.st_mode) and info.st_rdev == NULL_DEVICE


def _no_temp_left(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if "corridors-tmp" in p.name]


@pytest.fixture
def atlas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    return write_atlas(tmp_path / "atlas")


@pytest.fixture
def bracket_atlas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The mini atlas with rich markup in place and corridor names (legal, printable text)."""
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    root = write_atlas(tmp_path / "brackets")
    places = json.loads(json.dumps(PLACES))
    names = {"khasan": BRACKET_START, "rajin_port": BRACKET_PLACE}
    for feature in places:
        props = feature["properties"]
        props["name"] = names.get(props["id"], props["name"])
    (root / "places.geojson").write_text(json.dumps(collection(places)), encoding="utf-8")
    rail = json.loads(json.dumps(RAIL))
    rail[0]["properties"]["name"] = BRACKET_CORRIDOR
    (root / "corridors" / "rail.geojson").write_text(json.dumps(collection(rail)), "utf-8")
    return root


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, list(args), env=env)


def run_cli(*args: str, cache: Path, timeout: float = 60):
    """The real console entry point in a subprocess (a FIFO opened by mistake would hang)."""
    env = dict(os.environ, CORRIDORS_CACHE_DIR=str(cache))
    return subprocess.run(
        [sys.executable, "-m", "corridors.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


# --- outputs: only regular files -------------------------------------------------------


def _output_args(kind: str, target: Path, atlas: Path) -> list[str]:
    """The command writing to `target` (for build: the folder holding `target`)."""
    if kind == "map":
        return ["route", "khasan", "rajin", "--map", str(target), "--atlas", str(atlas)]
    if kind == "build":
        return ["build", "--out", str(target.parent), "-q", "--atlas", str(atlas)]
    return ["export", str(target), "--atlas", str(atlas)]


OUTPUT_TARGETS = [
    ("map", "route.html"),
    ("gpkg", "atlas.gpkg"),
    ("graphml", "graph.graphml"),
    ("geojson", "atlas.geojson"),
    ("csv", "atlas.csv"),
    ("kml", "atlas.kml"),
    ("build", "atlas.html"),
    ("build", "shipments.html"),
]


@pytest.mark.parametrize(("kind", "name"), OUTPUT_TARGETS)
def test_output_onto_device_node_is_refused(atlas: Path, tmp_path: Path, kind, name) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    node = _mknod_null(folder / name)
    done = invoke(*_output_args(kind, node, atlas))
    assert done.exit_code == 2, done.output
    line = _one_error_line(done.stderr, node)
    assert "character device" in line and "not a regular file" in line
    assert _is_null_device(node)
    assert sorted(p.name for p in folder.iterdir()) == [name]  # nothing else was written


@pytest.mark.parametrize(("kind", "name"), OUTPUT_TARGETS)
def test_output_onto_fifo_is_refused_without_hanging(atlas: Path, tmp_path: Path, kind, name):
    folder = tmp_path / "out"
    folder.mkdir()
    fifo = folder / name
    os.mkfifo(fifo)
    done = run_cli(*_output_args(kind, fifo, atlas), cache=tmp_path / "cache")
    assert done.returncode == 2, done.stderr
    assert "FIFO" in _one_error_line(done.stderr, fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in folder.iterdir()) == [name]


@pytest.mark.parametrize(("kind", "name"), OUTPUT_TARGETS)
def test_output_onto_directory_is_refused(atlas: Path, tmp_path: Path, kind, name) -> None:
    folder = tmp_path / "out"
    target = folder / name
    target.mkdir(parents=True)
    (target / "keep.txt").write_text("mine")
    done = invoke(*_output_args(kind, target, atlas))
    assert done.exit_code == 2, done.output
    assert "a directory" in _one_error_line(done.stderr, target)
    assert (target / "keep.txt").read_text() == "mine"
    _no_temp_left(folder)


@pytest.mark.parametrize("kind", ["map", "gpkg"])
def test_output_onto_symlink_to_device_is_refused(atlas: Path, tmp_path: Path, kind) -> None:
    node = _mknod_null(tmp_path / "null")
    link = tmp_path / ("route.html" if kind == "map" else "atlas.gpkg")
    link.symlink_to(node)
    done = invoke(*_output_args(kind, link, atlas))
    assert done.exit_code == 2, done.output
    assert "symbolic link to a character device" in _one_error_line(done.stderr, link)
    assert link.is_symlink() and _is_null_device(node)


def test_build_out_onto_a_fifo_folder_is_refused(atlas: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "maps"
    os.mkfifo(fifo)
    done = run_cli("build", "--out", str(fifo), "-q", "--atlas", str(atlas), cache=tmp_path / "c")
    assert done.returncode == 2, done.stderr
    assert "not a folder" in _one_error_line(done.stderr, fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("target", ["-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_map_to_standard_output_is_refused(atlas: Path, target: str, tmp_path, monkeypatch):
    """Documented choice: a map is a file; '-' and the stdout aliases are refused."""
    monkeypatch.chdir(tmp_path)  # a regression would write a file named '-' here
    done = invoke("route", "khasan", "rajin", "--map", target, "--atlas", str(atlas))
    assert done.exit_code == 2, done.output
    _one_error_line(done.stderr, target)
    assert done.stdout == ""  # refused before any route is printed
    assert not (tmp_path / "-").exists()


def test_map_help_documents_the_choice() -> None:
    done = invoke("route", "--help", env={"COLUMNS": "200"})
    assert "'-'" in done.output and "standard output" in done.output


def test_symlink_to_a_regular_file_is_replaced_and_its_target_untouched(
    atlas: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not yours")
    for name in ("route.html", "graph.graphml", "dangling.gpkg"):
        link = tmp_path / name
        link.symlink_to(elsewhere if name != "dangling.gpkg" else tmp_path / "nowhere.gpkg")
        kind = {"route.html": "map", "graph.graphml": "graphml", "dangling.gpkg": "gpkg"}[name]
        done = invoke(*_output_args(kind, link, atlas))
        assert done.exit_code == 0, done.output
        assert not link.is_symlink() and link.is_file() and link.stat().st_size > 0
    assert elsewhere.read_text() == "not yours"
    assert not (tmp_path / "nowhere.gpkg").exists()
    _no_temp_left(tmp_path)


def test_export_replaces_a_regular_file_whole(atlas: Path, tmp_path: Path) -> None:
    import pyogrio

    gpkg = tmp_path / "atlas.gpkg"
    gpkg.write_bytes(b"an old, unrelated file")
    os.chmod(gpkg, 0o600)
    done = invoke("export", str(gpkg), "--atlas", str(atlas))
    assert done.exit_code == 0, done.output
    assert {name for name, _ in pyogrio.list_layers(gpkg)} >= {"places", "corridors"}
    assert stat.S_IMODE(gpkg.stat().st_mode) == 0o600  # the file's permissions are kept
    _no_temp_left(tmp_path)


def test_output_onto_socket_is_refused(tmp_path: Path) -> None:
    from corridors._io.outputs import OutputError, check_output_path, write_output

    path = tmp_path / "s.html"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
        with pytest.raises(OutputError, match="socket"):
            write_output(path, b"<html>")
        with pytest.raises(OutputError, match="socket"):
            check_output_path(path)
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        server.close()
    _no_temp_left(tmp_path)


def test_a_temp_file_never_survives_a_failure(tmp_path: Path) -> None:
    from corridors._io.outputs import OutputError, replacing

    target = tmp_path / "out.gpkg"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), replacing(target) as temp:
        temp.write_bytes(b"half")
        (temp.parent / "out.gpkg-journal").write_bytes(b"sidecar")
        raise RuntimeError("the writer failed")
    with pytest.raises(OutputError, match="no file was written"), replacing(target):
        pass
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.gpkg"]


def test_a_target_that_turns_into_a_fifo_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    from corridors._io.outputs import OutputError, replacing

    target = tmp_path / "late.html"
    with pytest.raises(OutputError, match="FIFO"), replacing(target) as temp:
        temp.write_bytes(b"<html>")
        os.mkfifo(target)
    assert stat.S_ISFIFO(os.lstat(target).st_mode)
    _no_temp_left(tmp_path)


def test_export_with_lone_surrogates_does_not_crash(atlas: Path, tmp_path: Path) -> None:
    """A lone surrogate (refused by the reader, so injected here) is written visibly."""
    import dataclasses

    import networkx as nx
    import pyogrio

    from corridors.export import export_file
    from corridors.network.load import load_network

    network = load_network(atlas)
    place = network.atlas.places["tumangang"]
    network.atlas.places["tumangang"] = dataclasses.replace(place, name="Tuman\udc80gang")
    corridor = network.atlas.corridors["khasan_rajin"]
    network.atlas.corridors["khasan_rajin"] = dataclasses.replace(corridor, name="Rail \udcff")
    export_file(network, tmp_path / "s.gpkg")
    places = pyogrio.read_dataframe(tmp_path / "s.gpkg", layer="places")
    assert "Tuman\\udc80gang" in set(places["name"])
    export_file(network, tmp_path / "s.graphml")
    assert nx.read_graphml(tmp_path / "s.graphml").number_of_nodes() > 0
    _no_temp_left(tmp_path)


# --- terminal: brackets print literally (through the command line) ----------------------


@pytest.fixture
def forced_terminal(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Make rich believe it draws on a colour terminal, where markup would become styles
    and ``[link=...]`` an OSC 8 hyperlink."""
    for name in ("NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE"):
        monkeypatch.delenv(name, raising=False)
    return {"FORCE_COLOR": "1", "COLUMNS": "250", "TERM": "xterm-256color"}


def _literal(output: str, *names: str) -> None:
    for name in names:
        assert name in output, output
    assert "\x1b]8;" not in output  # no hyperlink
    assert "Traceback" not in output


def test_list_prints_markup_in_names_literally(bracket_atlas: Path, forced_terminal) -> None:
    places = invoke("list", "places", "--atlas", str(bracket_atlas), env=forced_terminal)
    assert places.exit_code == 0, places.output
    _literal(places.stdout, BRACKET_PLACE, BRACKET_START)
    corridors = invoke("list", "corridors", "--atlas", str(bracket_atlas), env=forced_terminal)
    assert corridors.exit_code == 0, corridors.output
    _literal(corridors.stdout, BRACKET_CORRIDOR)


def test_route_prints_markup_in_names_literally(bracket_atlas: Path, forced_terminal) -> None:
    done = invoke("route", "khasan", "rajin", "--atlas", str(bracket_atlas), env=forced_terminal)
    assert done.exit_code == 0, done.output
    _literal(done.stdout, f"{BRACKET_START} → {BRACKET_PLACE}", BRACKET_CORRIDOR)


def test_route_fast_lane_prints_markup_literally(bracket_atlas: Path, tmp_path: Path) -> None:
    """The plain ``route`` call (parsed by corridors.cli.fast) as a real process."""
    done = run_cli("route", "khasan", "rajin", "--atlas", str(bracket_atlas), cache=tmp_path / "c")
    assert done.returncode == 0, done.stderr
    _literal(done.stdout, BRACKET_PLACE, BRACKET_CORRIDOR)


def test_table_and_check_run_on_markup_names(bracket_atlas: Path, forced_terminal) -> None:
    table = invoke("table", "--atlas", str(bracket_atlas), env=forced_terminal)
    assert table.exit_code == 0, table.output
    assert "khasan" in table.stdout and "\x1b]8;" not in table.stdout
    check = invoke("check", "--atlas", str(bracket_atlas), env=forced_terminal)
    assert check.exit_code in (0, 1), check.output
    assert "Traceback" not in check.output and "khasan_rajin" in check.stdout


@pytest.mark.parametrize(
    "argument", ["[/foo]", "[link=https://x]here", "[bold]x[/bold]", f"x{CSI}y{OSC8}z\u202e"]
)
def test_unknown_place_argument_is_quoted_as_text(atlas: Path, argument: str) -> None:
    done = invoke("route", argument, "khasan", "--atlas", str(atlas))
    assert done.exit_code == 2, done.output
    line = _one_error_line(done.stderr, "unknown place")
    for raw in RAW_CONTROLS:
        assert raw not in done.stderr
    if "\x1b" in argument:
        assert "x\\x1b[31my\\x1b]8;;http://x\\x1b\\z\\u202e" in line
    else:
        assert f"'{argument}'" in line


def test_an_error_quoting_a_hostile_file_name_is_text(atlas: Path, tmp_path: Path, capsys):
    import typer

    from corridors.cli.app import user_errors

    folder = tmp_path / f"map{CSI}\x1b]8;;x\x1b\\[bold].html"  # a file name has no "/"
    folder.mkdir()
    done = invoke("route", "khasan", "rajin", "--map", str(folder), "--atlas", str(atlas))
    assert done.exit_code == 2
    line = _one_error_line(done.stderr, "is a directory")
    assert "\x1b" not in line and "map\\x1b[31m\\x1b]8;;x\\x1b\\[bold].html" in line

    with pytest.raises(typer.Exit), user_errors():
        raise FileNotFoundError(2, "No such file or directory", f"{CSI}{tmp_path}")
    err = capsys.readouterr().err
    assert err == f"error: cannot access \\x1b[31m{tmp_path}: No such file or directory\n"


# --- terminal: control characters and surrogates, at the function level -----------------


@pytest.fixture
def plain_stdout(monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout is not a terminal and nothing forces colour: any ESC printed came from data."""
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)


def _safe(out: str) -> None:
    for raw in RAW_CONTROLS:
        assert raw not in out, repr(out)
    assert "\\x1b[31mred" in out and "\\x1b]8;;http://x\\x1b\\link" in out
    assert "\\u202eevil\\u202c" in out and "\\x9b2J" in out and "\\x07bell" in out
    assert "\\udc80" in out and "[/foo] end" in out


def test_print_records_escapes_controls(capsys, plain_stdout) -> None:
    from corridors.cli.report import print_records

    print_records("places", [{"id": "p", "name": HOSTILE, "country": "PRK", "kind": "port"}])
    _safe(capsys.readouterr().out)


def test_print_route_escapes_controls(capsys, plain_stdout, monkeypatch) -> None:
    from corridors.cli.report import print_route

    monkeypatch.setenv("COLUMNS", "2000")  # one line per row: every cell counted below
    place = SimpleNamespace(name=HOSTILE)
    atlas = SimpleNamespace(places={"a": place, "b": place}, corridors={"c": place})
    leg = SimpleNamespace(
        start="a",
        end="b",
        mode="rail",
        corridor="c",
        status=HOSTILE,
        distance_km=1.0,
        distance_nmi=None,
        hours=None,
        in_service=True,
    )
    result = SimpleNamespace(
        as_of=datetime.date(2015, 5, 1),
        origin="a",
        destination="b",
        legs=[leg],
        distance_km=1.0,
        distance_nmi=0.5,
        sea_distance_nmi=None,
        hours=None,
        transfers=[],
        options=SimpleNamespace(by="distance"),
    )
    print_route(SimpleNamespace(atlas=atlas), result)  # type: ignore[arg-type]
    out = capsys.readouterr().out
    _safe(out)
    assert out.count("\\x1b[31mred") == 6  # title (twice), from, to, corridor, status


def test_print_route_table_and_matrix_escape_controls(capsys, plain_stdout) -> None:
    from corridors.cli.report import print_matrix, print_route_table

    row = {
        "from": HOSTILE,
        "to": "b",
        "modes": "rail,sea",
        "distance_km": 1.0,
        "distance_nmi": 0.5,
        "reported_km": None,
        "statuses": [HOSTILE],
    }
    print_route_table([row])
    _safe(capsys.readouterr().out)
    matrix = SimpleNamespace(unit="km", places=("a", "b"), values=((0.0, None), (None, 0.0)))
    print_matrix(matrix, names=[HOSTILE, "b"], reasons={(0, 1): "planned"})  # type: ignore[arg-type]
    _safe(capsys.readouterr().out)


def test_print_check_escapes_controls(capsys, plain_stdout) -> None:
    from corridors.check import CheckReport
    from corridors.cli.report import print_check

    report = CheckReport()
    report.add(HOSTILE, "length", False, f"{HOSTILE} [link=https://x]here[/link]")
    print_check(report)
    out = capsys.readouterr().out
    _safe(out)
    assert "[link=https://x]here[/link]" in out and out.endswith("1 problem\n")


def test_plain_lines_and_errors_escape_controls(capsys) -> None:
    import typer

    from corridors.cli.app import user_errors
    from corridors.cli.terminal import echo
    from corridors.errors import UsageError

    echo(f"wrote {HOSTILE}")
    with pytest.raises(typer.Exit) as stopped, user_errors():
        raise UsageError(f"unknown place '{HOSTILE}'")
    assert stopped.value.exit_code == 2
    captured = capsys.readouterr()
    _safe(captured.out)
    _safe(captured.err)
    assert captured.err.count("\n") == 1 and captured.err.startswith("error: unknown place")


def test_safe_text_makes_every_control_visible() -> None:
    from corridors.cli.terminal import safe_text

    controls = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]
    bidi = ["\u061c", "\u200e", "\u200f", "\u2028", "\u2029"]
    bidi += [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
    text = "".join(controls + bidi) + "\ud800\udfff"
    shown = safe_text(text)
    assert shown.isascii() and shown.isprintable()
    assert shown.startswith("\\x00\\x01") and "\\x1b" in shown and shown.endswith("\\udfff")
    ordinary = "Rajin [/foo] port \\ {{ x }} Раджин 라진 🚢"
    assert safe_text(ordinary) == ordinary


def test_json_output_is_exact_json_with_surrogates(capsys) -> None:
    from corridors.cli.terminal import echo_json

    value = [{"name": HOSTILE, "note": "Раджин 🚢"}]
    echo_json(value)  # capsys's stdout is strict UTF-8: a raw surrogate would raise
    out = capsys.readouterr().out
    assert json.loads(out) == value
    assert "\x1b" not in out and "\\u001b" in out and "Раджин 🚢" in out
    assert out.count("\n") == 1


def test_list_json_with_surrogates_through_the_cli(atlas: Path, monkeypatch) -> None:
    """A name with a lone surrogate (injected past the reader) prints as exact JSON."""
    import dataclasses

    from corridors.network.load import load_network

    network = load_network(atlas)
    place = network.atlas.places["tumangang"]
    network.atlas.places["tumangang"] = dataclasses.replace(place, name=HOSTILE)
    monkeypatch.setattr("corridors.network.load.load_network", lambda *a, **k: network)
    done = invoke("list", "places", "--json", "--atlas", str(atlas))
    assert done.exit_code == 0, done.output
    assert HOSTILE in {p["name"] for p in json.loads(done.stdout)}
    table = invoke("list", "places", "--atlas", str(atlas))
    assert table.exit_code == 0, table.output
    _safe(table.stdout)


def test_progress_descriptions_are_not_markup(monkeypatch, capsys) -> None:
    import time

    from corridors.maps.build import progress_steps
    from corridors.progress import progress

    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    with progress("[bold]loading[/bold]", total=1, delay=0) as bar:
        deadline = time.monotonic() + 5
        while getattr(bar, "_progress", None) is None and time.monotonic() < deadline:
            time.sleep(0.01)
        bar.advance()
    with progress_steps(quiet=False) as step:
        assert step is not None
        step("[bold]atlas[/bold].html")
    err = capsys.readouterr().err
    assert "[bold]loading[/bold]" in err and "writing [bold]atlas[/bold].html" in err


# --- --lock-timeout: finite seconds >= 0 -------------------------------------------------


def _atlas_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.*json"))}


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "-0.5"])
@pytest.mark.parametrize(
    "command",
    [
        ["remove", "rajin_chongjin"],
        ["add-sea-lane", "rajin", "pohang"],
        ["add", "--via", "khasan,rajin", "--mode", "rail", "--name", "Another rail"],
    ],
)
def test_lock_timeout_must_be_finite_and_not_negative(atlas: Path, command, value) -> None:
    before = _atlas_bytes(atlas)
    done = invoke(*command, f"--lock-timeout={value}", "--atlas", str(atlas))
    assert done.exit_code == 2, done.output
    assert "--lock-timeout must be a finite number of seconds" in _one_error_line(
        done.stderr, "--lock-timeout"
    )
    assert _atlas_bytes(atlas) == before


def test_lock_timeout_zero_is_accepted(atlas: Path) -> None:
    done = invoke("remove", "rajin_chongjin", "--lock-timeout", "0", "--atlas", str(atlas))
    assert done.exit_code == 0, done.output
    assert "removed corridor 'rajin_chongjin'" in done.stdout


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -1.0, "30", True])
def test_library_lock_timeout_is_checked(atlas: Path, value) -> None:
    from corridors.edit import api as editing
    from corridors.errors import UsageError

    before = _atlas_bytes(atlas)
    for dry_run in (True, False):
        with pytest.raises(UsageError, match="lock_timeout_s must be a finite number"):
            editing.remove_corridor(
                "rajin_chongjin", atlas=atlas, dry_run=dry_run, lock_timeout_s=value
            )
    assert _atlas_bytes(atlas) == before
