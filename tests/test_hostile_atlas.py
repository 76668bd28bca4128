"""Hostile atlases and ``add`` inputs (issue 8): each refused with exit 2 and one line.

Every case is a regression test of a failure measured on the old main: a FIFO in
``corridors/`` hung every command, a symlink to ``/dev/zero`` grew to 18 GB, a missing
``corridors/`` read as an empty atlas, 600-deep attributes were accepted by ``add`` and then
crashed every other command, escape sequences and lone surrogates in names passed ``check``,
``2014-13-45`` passed as a date and a line across the antimeridian passed. Each runs the
real command line in a subprocess with a 10 s timeout and an address-space cap, measures its
peak memory with ``os.wait4`` (must stay under 500 MB), and checks the atlas files are byte
for byte as they were. Device nodes are made in the test's own folder, never in ``/dev``.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from corridors.atlas.read import date_span, load_atlas
from corridors.atlas.safe_input import (
    MAX_FILE_BYTES,
    MAX_INPUT_BYTES,
    MAX_JSON_DEPTH,
    check_document,
    check_json_depth,
    read_file_limited,
)
from corridors.errors import AtlasError, EditError

TIMEOUT_S = 10.0
PEAK_LIMIT_MB = 500.0
ADDRESS_SPACE_CAP = 4 * 1024**3  # a regression must not take the machine down with it
PR_CAPBSET_DROP = 24
GOOD = ["--mode", "rail", "--status", "proposed", "--source", "test-source"]
KHASAN_TUMANGANG = "130.6466,42.4301;130.6300,42.4230;130.5950,42.4120"


@dataclass
class Done:
    """A finished (or killed) command: exit code, output, peak memory, wall time."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float
    timed_out: bool


# A forked child starts with its parent's peak RSS (Linux keeps it across exec), so the
# command runs as the grandchild of this small launcher, whose own peak is a few MB; the
# launcher reaps it with wait4 and reports its peak RSS (KiB) and exit code.
LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_cli(
    *args: str | bytes,
    atlas: Path,
    cache: Path,
    stdin: Path | None = None,
    obey_modes: bool = False,
) -> Done:
    """Run ``corridors ARGS --atlas ATLAS`` with a timeout; measure its peak memory."""
    command = [sys.executable, "-m", "corridors.cli", *args, "--atlas", str(atlas)]
    env = dict(os.environ, CORRIDORS_CACHE_DIR=str(cache))
    env.pop("CORRIDORS_ATLAS", None)
    return run_measured(command, env=env, stdin=stdin, obey_modes=obey_modes)


def run_in_process(*args: str, atlas: Path, cache: Path) -> Done:
    """Run ``corridors ARGS --atlas ATLAS`` in this process (no memory figure: ``peak_mb`` 0).

    For the many variants of a refusal whose time and memory one measured subprocess of the
    same kind already shows (the first case of each list below); an escaping exception
    fails the test with its traceback.
    """
    from cli_runner import corridors_cli

    start = time.monotonic()
    ran = corridors_cli(*args, atlas=atlas, cache=cache)
    return Done(ran.returncode, ran.stdout, ran.stderr, 0.0, time.monotonic() - start, False)


def measured_first(cases: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """``cases`` with a leading flag: True (run as a measured subprocess) for the first."""
    return [(index == 0, *case) for index, case in enumerate(cases)]


def run_measured(
    command: list[str | bytes],
    *,
    env: dict[str, str],
    stdin: Path | None = None,
    obey_modes: bool = False,
) -> Done:
    """Run ``command`` (killed after ``TIMEOUT_S``) as the launcher's child; its peak RSS."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_CAP, ADDRESS_SPACE_CAP))
        if obey_modes and os.geteuid() == 0:
            # drop CAP_DAC_OVERRIDE (1) and CAP_DAC_READ_SEARCH (2) from the bounding set, so
            # the command, though root, is refused a mode-000 file like any user
            libc = ctypes.CDLL(None, use_errno=True)
            for capability in (1, 2):
                if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
                    raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    with (
        tempfile.TemporaryDirectory() as scratch,
        open(Path(scratch) / "out", "w+b") as out,
        open(Path(scratch) / "err", "w+b") as err,
        open(stdin or os.devnull, "rb") as given,
    ):
        report = Path(scratch) / "report"
        start = time.monotonic()
        launcher = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, str(report), *command],
            stdin=given,
            stdout=out,
            stderr=err,
            env=env,
            preexec_fn=limit,
            start_new_session=True,
        )
        try:
            launcher.wait(timeout=TIMEOUT_S)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)  # the launcher and the command
            launcher.wait()
            timed_out = True
        seconds = time.monotonic() - start
        peak_kib, code = (
            (int(v) for v in report.read_text().split()) if report.exists() else (0, -9)
        )
        out.seek(0)
        err.seek(0)
        return Done(
            code,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            peak_kib / 1024,
            seconds,
            timed_out,
        )


def snapshot(root: Path) -> dict[str, Any]:
    """What the atlas folder holds, without ever opening a non-regular file."""
    state: dict[str, Any] = {}
    for folder, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            path = Path(folder) / name
            info = os.lstat(path)
            key = str(path.relative_to(root))
            if name == ".corridors.lock":
                continue
            if stat.S_ISLNK(info.st_mode):
                state[key] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode) and info.st_size <= 10_000_000:
                state[key] = path.read_bytes()
            else:
                kind = stat.S_IFMT(info.st_mode)
                state[key] = (kind, info.st_size, info.st_rdev, info.st_mtime_ns)
    return state


def assert_refused(done: Done, phrase: str, *, before: dict | None = None, atlas: Path) -> None:
    """Exit 2 within the time and memory budget, one ``error:`` line, no traceback.

    (A run in process has no memory figure: its kind is measured by a subprocess case.)
    """
    assert not done.timed_out, f"still running after {TIMEOUT_S} s"
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.startswith("error: "), done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.endswith("\n"), done.stderr
    assert "Traceback" not in done.stderr
    assert phrase in done.stderr, done.stderr
    assert "\x1b" not in done.stderr and "\x9b" not in done.stderr
    assert done.peak_mb < PEAK_LIMIT_MB, f"peak memory {done.peak_mb:.0f} MB"
    assert done.seconds < TIMEOUT_S
    if before is not None:
        assert snapshot(atlas) == before


def edit_json(path: Path, change: Callable[[Any], None]) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc, indent=1))  # ASCII: "\u001b", "\ud800" as JSON escapes


def rail(doc: Any, index: int = 0) -> dict:
    return doc["features"][index]["properties"]


def deep_json(depth: int) -> str:
    return '{"a": ' * depth + "1" + "}" * depth


def put_raw(path: Path, placeholder: str, raw: str) -> None:
    """Replace the JSON string ``placeholder`` in a file by raw JSON text."""
    text = path.read_text()
    assert f'"{placeholder}"' in text
    path.write_text(text.replace(f'"{placeholder}"', raw))


# --- files that are not atlas files: refused without being read -------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # a private "null" node, here


def _dev_zero(path: Path) -> None:
    path.symlink_to("/dev/zero")  # only ever read, and now refused before reading


def _link_to_fifo(path: Path) -> None:
    os.mkfifo(path.with_name("target.fifo"))
    path.symlink_to(path.with_name("target.fifo"))


def _folder(path: Path) -> None:
    path.mkdir()


def _dangling(path: Path) -> None:
    path.symlink_to(path.with_name("no-such-file"))


def _oversized(path: Path) -> None:
    with open(path, "wb") as handle:  # sparse: takes no disk space
        handle.truncate(MAX_FILE_BYTES + 1)


NOT_FILES = [
    ("corridors/fifo.geojson", _fifo, "is a FIFO"),
    ("corridors/null.geojson", _device, "is a character device"),
    ("corridors/zero.geojson", _dev_zero, "is a character device"),
    ("corridors/linked.geojson", _link_to_fifo, "is a FIFO"),
    ("corridors/folder.geojson", _folder, "is a folder"),
    ("corridors/dangling.geojson", _dangling, "cannot read"),
    ("corridors/huge.geojson", _oversized, f"over the limit of {MAX_FILE_BYTES:,} bytes"),
]


@pytest.mark.parametrize(
    ("name", "make", "phrase"), NOT_FILES, ids=[n.split("/")[1] for n, _, _ in NOT_FILES]
)
def test_non_regular_corridor_file_refused(atlas, cache, name, make, phrase) -> None:
    make(atlas / name)
    before = snapshot(atlas)
    done = run_cli("list", "corridors", atlas=atlas, cache=cache)
    assert_refused(done, phrase, before=before, atlas=atlas)
    assert name.split("/")[1] in done.stderr


@pytest.mark.parametrize("name", ["places.geojson", "sources.json", "shipments.json"])
def test_fifo_as_top_level_file_refused(atlas, cache, name) -> None:
    (atlas / name).unlink()
    os.mkfifo(atlas / name)
    before = snapshot(atlas)
    done = run_cli("list", "places", atlas=atlas, cache=cache)
    assert_refused(done, f"{name}: is a FIFO", before=before, atlas=atlas)


COMMANDS = [
    ["list", "corridors"],
    ["list", "shipments"],
    ["route", "Khasan", "Pohang"],
    ["check"],
    ["table"],
    ["matrix"],
    ["export", "OUT/atlas.gpkg"],
    ["build", "--out", "OUT"],
    ["add", "--coords", KHASAN_TUMANGANG, *GOOD],
    ["add-sea-lane", "Rajin", "Pohang", "--source", "test-source"],
    ["remove", "khasan_rajin"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_fifo_refused_by_every_command(atlas, cache, tmp_path, command) -> None:
    os.mkfifo(atlas / "corridors" / "fifo.geojson")
    before = snapshot(atlas)
    out = tmp_path / "out"
    args = [arg.replace("OUT", str(out)) for arg in command]
    done = run_cli(*args, atlas=atlas, cache=cache)
    assert_refused(done, "fifo.geojson: is a FIFO", before=before, atlas=atlas)
    assert not out.exists()


def test_warm_cache_does_not_hide_dev_zero(atlas, cache) -> None:
    assert run_cli("list", "corridors", atlas=atlas, cache=cache).returncode == 0
    (atlas / "corridors" / "rail.geojson").unlink()
    (atlas / "corridors" / "rail.geojson").symlink_to("/dev/zero")
    before = snapshot(atlas)
    done = run_cli("route", "Khasan", "Rajin", atlas=atlas, cache=cache)
    assert_refused(done, "rail.geojson: is a character device", before=before, atlas=atlas)


def test_socket_refused(atlas, cache, monkeypatch) -> None:
    monkeypatch.chdir(atlas / "corridors")  # a socket path must be short: bind relative
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("sock.geojson")
        before = snapshot(atlas)
        done = run_cli("list", "corridors", atlas=atlas, cache=cache)
    assert_refused(done, "sock.geojson: is a socket", before=before, atlas=atlas)


def test_symlink_to_regular_file_is_read(atlas, cache, tmp_path) -> None:
    """Documented choice: a symlink to a regular file is followed (shared data folders)."""
    moved = tmp_path / "elsewhere.geojson"
    (atlas / "corridors" / "sea.geojson").rename(moved)
    (atlas / "corridors" / "sea.geojson").symlink_to(moved)
    done = run_cli("list", "corridors", "--json", atlas=atlas, cache=cache)
    assert done.returncode == 0, done.stderr
    assert "rajin_pohang" in {c["id"] for c in json.loads(done.stdout)}


def test_read_cap_holds_when_the_size_lies(tmp_path, monkeypatch) -> None:
    """A regular file whose size says 0 (as /proc files do) is still read only to the cap."""
    link = tmp_path / "maps.geojson"
    link.symlink_to("/proc/self/maps")
    assert os.stat(link).st_size == 0
    with pytest.raises(AtlasError, match="more than 100 bytes"):
        read_file_limited(link, max_bytes=100)


def test_memory_meter_sees_a_big_allocation(tmp_path) -> None:
    """The 500 MB assertions mean something: the meter reports a 300 MB allocation."""
    done = run_measured([sys.executable, "-c", "x = b'x' * (300 << 20)"], env=dict(os.environ))
    assert done.returncode == 0 and 290 < done.peak_mb < PEAK_LIMIT_MB, done


# --- the corridors/ folder: missing, not a folder, unreadable -------------------------


def test_missing_corridors_folder_refused(atlas, cache, tmp_path) -> None:
    shutil.rmtree(atlas / "corridors")
    before = snapshot(atlas)
    for args in (["list", "corridors"], ["build", "--out", str(tmp_path / "maps")]):
        done = run_cli(*args, atlas=atlas, cache=cache)
        assert_refused(done, "corridors: missing", before=before, atlas=atlas)
    assert not (tmp_path / "maps").exists()


@pytest.mark.parametrize("kind", ["file", "fifo"])
def test_corridors_not_a_folder_refused(atlas, cache, kind) -> None:
    shutil.rmtree(atlas / "corridors")
    if kind == "file":
        (atlas / "corridors").write_text("{}")
    else:
        os.mkfifo(atlas / "corridors")
    before = snapshot(atlas)
    done = run_cli("list", "corridors", atlas=atlas, cache=cache)
    assert_refused(done, "corridors: not a folder", before=before, atlas=atlas)


def test_empty_corridors_folder_is_an_atlas_without_corridors(atlas, cache) -> None:
    for path in (atlas / "corridors").iterdir():
        path.unlink()
    done = run_cli("list", "corridors", "--json", atlas=atlas, cache=cache)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize("target", ["corridors", "sources.json"])
def test_unreadable_refused(atlas, cache, target) -> None:
    """chmod 000; as root the command runs without the capabilities that bypass the mode."""
    (atlas / target).chmod(0)
    try:
        before = snapshot(atlas) if target == "corridors" else None
        done = run_cli("list", "corridors", atlas=atlas, cache=cache, obey_modes=True)
        assert_refused(done, f"{target}: cannot read: Permission denied", atlas=atlas)
    finally:
        (atlas / target).chmod(0o755)
    if before is not None:
        assert snapshot(atlas) == before


# --- JSON nesting, encoding, numbers ---------------------------------------------------


@pytest.mark.parametrize("depth", [600, 1000])
def test_deep_attributes_refused_by_every_reader(atlas, cache, depth) -> None:
    edit_json(atlas / "corridors" / "rail.geojson", lambda d: rail(d).update(attributes="@DEEP@"))
    put_raw(atlas / "corridors" / "rail.geojson", "@DEEP@", deep_json(depth))
    before = snapshot(atlas)
    for args in (["list", "corridors"], ["route", "Khasan", "Rajin"], ["check"]):
        done = run_cli(*args, atlas=atlas, cache=cache)
        assert_refused(
            done, f"nested deeper than {MAX_JSON_DEPTH} levels", before=before, atlas=atlas
        )
        assert "rail.geojson" in done.stderr


def test_hundred_thousand_brackets_refused(atlas, cache) -> None:
    (atlas / "corridors" / "deep.geojson").write_text("[" * 100_000 + "]" * 100_000)
    before = snapshot(atlas)
    done = run_cli("list", "corridors", atlas=atlas, cache=cache)
    assert_refused(
        done, "deep.geojson: JSON nested deeper than 64 levels", before=before, atlas=atlas
    )


def test_depth_limit_is_exact_and_both_checks_agree() -> None:
    for depth, ok in ((MAX_JSON_DEPTH, True), (MAX_JSON_DEPTH + 1, False)):
        text = deep_json(depth - 1).join(["[", "]"])  # the outer list makes ``depth`` levels
        doc = json.loads(text)
        if ok:
            check_json_depth("f", text)
            check_document("f", doc)
        else:
            with pytest.raises(AtlasError, match="nested deeper than 64"):
                check_json_depth("f", text)
            with pytest.raises(AtlasError, match="nested deeper than 64"):
                check_document("f", doc)
    # brackets inside strings are text, not nesting
    check_json_depth("f", json.dumps({"a": "[" * 1000, "b": '"\\[{' * 100}))


@pytest.mark.parametrize(
    ("raw", "phrase"),
    [
        (b"\xff\xfe", "not UTF-8 text"),
        (b"\xed\xa0\x80", "not UTF-8 text"),  # a surrogate encoded as UTF-8 (CESU-8)
    ],
    ids=["latin-1 bytes", "encoded surrogate"],
)
def test_invalid_utf8_refused(atlas, cache, raw, phrase) -> None:
    path = atlas / "places.geojson"
    path.write_bytes(path.read_bytes().replace(b"Khasan", b"Khasan" + raw, 1))
    before = snapshot(atlas)
    done = run_cli("list", "places", atlas=atlas, cache=cache)
    assert_refused(done, phrase, before=before, atlas=atlas)


def test_overflowing_number_in_attributes_refused(atlas, cache) -> None:
    """1e400 parses as infinity; written back it would be 'Infinity', which no reader takes."""
    edit_json(atlas / "corridors" / "rail.geojson", lambda d: rail(d).update(attributes="@X@"))
    put_raw(atlas / "corridors" / "rail.geojson", "@X@", '{"max_axle_t": 1e400}')
    before = snapshot(atlas)
    done = run_cli("list", "corridors", atlas=atlas, cache=cache)
    assert_refused(
        done, "attributes.max_axle_t: inf is not a finite number", before=before, atlas=atlas
    )


# --- text: control characters, escapes, bidi controls, lone surrogates ------------------


def _place(doc: Any, index: int = 0) -> dict:
    return doc["features"][index]["properties"]


def _attributes(value: Any) -> Callable[[Any], None]:
    return lambda d: rail(d).update(attributes=value)


TEXT_CASES = [
    (
        "corridors/rail.geojson",
        lambda d: rail(d).update(name="Khasan \x1b[31mred\x1b[0m"),
        "features[0].properties.name: contains the control character U+001B",
    ),
    (
        "places.geojson",
        lambda d: _place(d).update(name="\x1b]8;;https://example.org\x07link"),
        "U+001B",
    ),
    ("places.geojson", lambda d: _place(d).update(name="Rajin \ud800"), "a lone surrogate U+D800"),
    (
        "places.geojson",
        lambda d: _place(d, 1).update(aliases=["Tumen", "\udcff"]),
        "aliases[1]: contains a lone surrogate U+DCFF",
    ),
    (
        "places.geojson",
        lambda d: _place(d).update(name="\u202egnp.exe"),
        "the bidirectional control U+202E",
    ),
    ("corridors/sea.geojson", lambda d: rail(d).update(name="Rajin \u2066- Pohang"), "U+2066"),
    ("places.geojson", lambda d: _place(d, 2).update(aliases=["Rajin", "\x9b31mNajin"]), "U+009B"),
    (
        "sources.json",
        lambda d: d["sources"][0].update(title="Test\x7f fixture"),
        "sources[0].title: contains the control character U+007F",
    ),
    (
        "corridors/rail.geojson",
        lambda d: rail(d).update(name="Khasan\nRajin"),
        "a line break or tab U+000A",
    ),
    ("corridors/rail.geojson", lambda d: rail(d).update(name="Khasan\tRajin"), "U+0009"),
    ("corridors/rail.geojson", lambda d: rail(d).update(name="Khasan\u2028Rajin"), "U+2028"),
    (
        "corridors/rail.geojson",
        lambda d: rail(d).update(note="overwrite\rme"),
        "note: contains the control character U+000D",
    ),
    (
        "corridors/rail.geojson",
        _attributes({"operator": "\x1b[2J"}),
        "attributes.operator: contains the control character U+001B",
    ),
    (
        "corridors/rail.geojson",
        _attributes({"\x1b[2Jkey": 1}),
        "attributes: a key contains the control character U+001B",
    ),
    (
        "corridors/power.geojson",
        _attributes({"names": [{"ko": "\ud83d"}]}),
        "attributes.names[0].ko: contains a lone surrogate",
    ),
    (
        "shipments.json",
        lambda d: d["shipments"][0].update(cargo="coal\x00"),
        "shipments[0].cargo: contains the control character U+0000",
    ),
]


@pytest.mark.parametrize(
    ("measured", "file", "change", "phrase"),
    measured_first(TEXT_CASES),
    ids=[f"{c[2][-40:]}" for c in TEXT_CASES],
)
def test_unsafe_text_refused_by_check(atlas, cache, measured, file, change, phrase) -> None:
    edit_json(atlas / file, change)
    before = snapshot(atlas)
    run = run_cli if measured else run_in_process
    done = run("check", atlas=atlas, cache=cache)
    assert_refused(done, phrase, before=before, atlas=atlas)
    assert file.split("/")[-1] in done.stderr


@pytest.mark.parametrize(
    "command",
    [["list", "places"], ["list", "corridors"], ["export", "OUT.gpkg"], ["build", "--out", "OUT"]],
    ids=["list places", "list corridors", "export", "build"],
)
def test_surrogate_name_refused_by_every_reader(atlas, cache, tmp_path, command) -> None:
    """It used to pass check, then list and export died with UnicodeEncodeError."""
    edit_json(atlas / "places.geojson", lambda d: _place(d).update(name="Khasan \ud800"))
    before = snapshot(atlas)
    args = [arg.replace("OUT", str(tmp_path / "out")) for arg in command]
    done = run_cli(*args, atlas=atlas, cache=cache)
    assert_refused(done, "lone surrogate", before=before, atlas=atlas)
    assert not (tmp_path / "out").exists() and not (tmp_path / "out.gpkg").exists()


def test_notes_may_hold_line_breaks_and_tabs(atlas, cache) -> None:
    edit_json(atlas / "corridors" / "rail.geojson", lambda d: rail(d).update(note="one\n\ttwo"))
    done = run_cli("list", "corridors", "--json", atlas=atlas, cache=cache)
    assert done.returncode == 0, done.stderr


# --- dates and the antimeridian -------------------------------------------------------


def _leg(index: int, **values: str) -> Callable[[Any], None]:
    return lambda d: d["shipments"][0]["legs"][index].update(values)


DATE_CASES = [
    (
        "shipments.json",
        _leg(1, start="2014-13-45"),
        "field 'start': '2014-13-45' is not a real date",
    ),
    ("shipments.json", _leg(1, end="2015-02-29"), "'2015-02-29' is not a real date"),
    ("shipments.json", _leg(0, start="2014-00", end="2014-11"), "'2014-00' is not a real date"),
    ("shipments.json", _leg(0, start="2014", end="2014-11"), "use YYYY-MM-DD or YYYY-MM"),
    (
        "shipments.json",
        _leg(1, start="2014-11-27", end="2014-11-20"),
        "field 'end': 2014-11-20 is before start 2014-11-27",
    ),
    ("shipments.json", _leg(1, start="2014-11-27", end="2014-10"), "2014-10 is before start"),
    (
        "sources.json",
        lambda d: d["sources"][0].update(date="2014-02-30"),
        "field 'date': '2014-02-30' is not a real date",
    ),
]


@pytest.mark.parametrize(
    ("measured", "file", "change", "phrase"),
    measured_first(DATE_CASES),
    ids=[c[2][:40] for c in DATE_CASES],
)
def test_unreal_dates_refused_by_check(atlas, cache, measured, file, change, phrase) -> None:
    edit_json(atlas / file, change)
    before = snapshot(atlas)
    run = run_cli if measured else run_in_process
    done = run("check", atlas=atlas, cache=cache)
    assert_refused(done, phrase, before=before, atlas=atlas)


def test_month_dates_span_their_month(atlas, cache) -> None:
    """A leg known to the day may end in a month known only as a month, and vice versa."""
    edit_json(atlas / "shipments.json", _leg(1, start="2014-11-27", end="2014-11"))
    edit_json(atlas / "sources.json", lambda d: d["sources"][0].update(date="2001"))
    done = run_cli("list", "shipments", "--json", atlas=atlas, cache=cache)
    assert done.returncode == 0, done.stderr
    assert date_span("2014-11") == (date_span("2014-11-01")[0], date_span("2014-11-30")[1])


def test_line_across_the_antimeridian_refused(atlas, cache) -> None:
    def far_east(doc: Any) -> None:
        doc["features"] += [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": c},
                "properties": {
                    "id": i,
                    "name": i.title(),
                    "aliases": [],
                    "country": "RUS",
                    "kind": "port",
                    "sources": ["test-source"],
                },
            }
            for i, c in (("anadyr", [177.51, 64.73]), ("egvekinot", [-179.12, 66.32]))
        ]

    edit_json(atlas / "places.geojson", far_east)
    coords = [[177.51, 64.73], [179.5, 65.5], [-179.9, 66.0], [-179.12, 66.32]]

    def add_line(doc: Any) -> None:
        doc["features"].append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    **rail(doc),
                    "id": "anadyr_egvekinot",
                    "name": "Anadyr sea lane",
                    "from": "anadyr",
                    "to": "egvekinot",
                    "via": [],
                },
            }
        )

    edit_json(atlas / "corridors" / "sea.geojson", add_line)
    before = snapshot(atlas)
    done = run_cli("list", "corridors", atlas=atlas, cache=cache)
    assert_refused(
        done,
        "longitude jumps from 179.5 to -179.9 between positions 1 and 2, so the line crosses "
        "the antimeridian",
        before=before,
        atlas=atlas,
    )


# --- add: whatever add accepts, every command can read -------------------------------


def line_file(tmp_path: Path, props: dict, *, raw: dict[str, str] | None = None) -> Path:
    """A GeoJSON Feature of the Khasan - Rajin line with ``props``; placeholders made raw."""
    coords = [[float(x) for x in p.split(",")] for p in KHASAN_TUMANGANG.split(";")]
    doc = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {"name": "Hostile test line", **props},
    }
    path = tmp_path / "line.geojson"
    path.write_text(json.dumps(doc))
    for placeholder, text in (raw or {}).items():
        put_raw(path, placeholder, text)
    return path


def test_add_control_file_is_accepted(atlas, cache, tmp_path) -> None:
    """The line the add cases below spoil is itself acceptable (so each refusal is the spoil's)."""
    path = line_file(tmp_path, {"attributes": {"gauge_mm": 1520}})
    done = run_cli("add", str(path), *GOOD, "--dry-run", atlas=atlas, cache=cache)
    assert done.returncode == 0, done.stderr


ADD_FILE_CASES = [
    ({"attributes": "@D@"}, {"@D@": deep_json(600)}, "nested deeper than 64 levels"),
    ({"attributes": "@D@"}, {"@D@": deep_json(1000)}, "nested deeper than 64 levels"),
    ({"name": "Khasan \x1b[31mred"}, None, "the control character U+001B"),
    (
        {"attributes": {"operator": "\ud800"}},
        None,
        "attributes.operator: contains a lone surrogate",
    ),
    ({"attributes": {"x": "\x1b]52;c;ZWNobw==\x07"}}, None, "attributes.x: contains the control"),
    ({"nickname\x1b[2J": "ignored property"}, None, "properties: a key contains the control"),
    ({"note": "\u202eevil"}, None, "note: contains the bidirectional control U+202E"),
    ({"attributes": "@N@"}, {"@N@": '{"n": -1e400}'}, "-inf is not a finite number"),
]


@pytest.mark.parametrize(
    ("measured", "props", "raw", "phrase"),
    measured_first(ADD_FILE_CASES),
    ids=[c[2][:36] for c in ADD_FILE_CASES],
)
def test_add_file_refuses_what_readers_refuse(
    atlas, cache, tmp_path, measured, props, raw, phrase
) -> None:
    path = line_file(tmp_path, props, raw=raw)
    before = snapshot(atlas)
    run = run_cli if measured else run_in_process
    done = run("add", str(path), *GOOD, atlas=atlas, cache=cache)
    assert_refused(done, phrase, before=before, atlas=atlas)  # unchanged, so still readable


def test_add_from_stdin_refuses_escape_sequences(atlas, cache, tmp_path) -> None:
    path = line_file(tmp_path, {"attributes": {"operator": "\x1b[2J\x1b[H"}})
    before = snapshot(atlas)
    done = run_cli("add", "-", *GOOD, atlas=atlas, cache=cache, stdin=path)
    assert_refused(
        done,
        "attributes.operator: contains the control character U+001B",
        before=before,
        atlas=atlas,
    )


ADD_ARG_CASES = [
    (["add", "--coords", KHASAN_TUMANGANG, *GOOD, "--name", "Line \x1b[31mred"], "U+001B"),
    (
        ["add", "--coords", KHASAN_TUMANGANG, *GOOD, "--name", b"Line \xed\xa0\x80"],
        "lone surrogate",
    ),
    (["add", "--coords", KHASAN_TUMANGANG, *GOOD[:4], "--source", "Report \x9b2J"], "--source"),
    (["add", "--via", "Khasan,Rajin", *GOOD, "--name", "\u202eLine"], "U+202E"),
    (["add", "--coords", KHASAN_TUMANGANG, *GOOD, "--id", "x\x1by"], "U+001B"),
    (["add", "--coords", "179.5,65;-179.5,65.2", *GOOD], "crosses the antimeridian"),
    (
        [
            "add-sea-lane",
            "Rajin",
            "Pohang",
            "--status",
            "proposed",
            "--source",
            "test-source",
            "--name",
            "Sea \x1b]0;x\x07",
        ],
        "U+001B",
    ),
]


@pytest.mark.parametrize(
    ("args", "phrase"), ADD_ARG_CASES, ids=[f"{c[0][1]}-{c[1]}" for c in ADD_ARG_CASES]
)
def test_add_arguments_refused(atlas, cache, args, phrase) -> None:
    before = snapshot(atlas)
    # Bytes that are not UTF-8 can only reach a real process's argv; the first case measures.
    measured = args is ADD_ARG_CASES[0][0] or any(isinstance(a, bytes) for a in args)
    done = (run_cli if measured else run_in_process)(*args, atlas=atlas, cache=cache)
    assert_refused(done, phrase, before=before, atlas=atlas)


@pytest.mark.parametrize("make", [_dev_zero, _device], ids=["dev-zero", "device"])
def test_add_refuses_device_input(atlas, cache, tmp_path, make) -> None:
    path = tmp_path / "input.geojson"
    make(path)
    before = snapshot(atlas)
    done = run_cli("add", str(path), *GOOD, atlas=atlas, cache=cache)
    assert_refused(done, "is a character device", before=before, atlas=atlas)


def test_add_accepts_a_pipe_as_input(atlas, cache, tmp_path) -> None:
    """``corridors add <(command)`` passes a pipe: documented as allowed, size still capped."""
    source = line_file(tmp_path, {})
    fifo = tmp_path / "pipe.geojson"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"cat '{source}' > '{fifo}'"])
    done = run_cli("add", str(fifo), *GOOD, "--dry-run", atlas=atlas, cache=cache)
    writer.wait(timeout=TIMEOUT_S)
    assert done.returncode == 0, done.stderr


def test_add_stdin_endless_refused(atlas, cache) -> None:
    before = snapshot(atlas)
    done = run_cli("add", "-", *GOOD, atlas=atlas, cache=cache, stdin=Path("/dev/zero"))
    assert_refused(done, f"stdin: more than {MAX_INPUT_BYTES:,} bytes", before=before, atlas=atlas)


def test_add_api_refuses_deep_attributes_built_in_python(atlas) -> None:
    """The Python API takes dicts: a 600-deep one must not reach the files either."""
    from corridors.edit.api import add_corridors

    deep: dict = {}
    for _ in range(600):
        deep = {"a": deep}
    coords = [[float(x) for x in p.split(",")] for p in KHASAN_TUMANGANG.split(";")]
    feature = {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {"name": "Deep", "attributes": deep},
    }
    before = snapshot(atlas)
    with pytest.raises(EditError, match="nested deeper than 64 levels"):
        add_corridors(feature, atlas=atlas, mode="rail", status="proposed", source="test-source")
    assert snapshot(atlas) == before
    load_atlas(atlas)
