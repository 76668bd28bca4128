"""Adding and removing corridors through the command line.

Every bad input must give exit code 2, one line on stderr, no traceback, and leave every atlas
file byte for byte as it was. Good input must be visible at once to route, list, check and
build; writes must survive a kill mid-write and concurrent writers.

Commands run in this process (:mod:`cli_runner`: the console script's entry function, its
output and exit code), except where the process is the point: a kill mid-write
(``os._exit`` inside the writer), Ctrl-C (a real SIGINT) and two concurrent writers run as
real subprocesses.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_runner import corridors_cli

from corridors._io.atomic import LOCK_NAME, LOCK_NAMES
from corridors.atlas.read import load_atlas
from corridors.edit.api import add_via
from corridors.errors import UsageError

REPO = Path(__file__).resolve().parents[1]

# Rajin station - Chongjin along the Pyongra line, as drawn in the repository atlas
# (geo/corridors/rail.geojson, corridor tkr_rajin_chongjin); it stays on land.
RAJIN_CHONGJIN = [
    [130.28917, 42.24972],
    [130.27, 42.24],
    [130.25, 42.2304],
    [130.2325, 42.22],
    [130.21583, 42.20917],
    [130.19917, 42.19783],
    [130.18429, 42.18643],
    [130.17, 42.175],
    [130.15333, 42.16367],
    [130.13643, 42.15286],
    [130.11929, 42.14257],
    [130.10214, 42.13143],
    [130.085, 42.12],
    [130.06786, 42.10743],
    [130.05125, 42.09512],
    [130.03625, 42.08362],
    [130.02125, 42.07188],
    [130.00625, 42.05938],
    [129.99125, 42.04688],
    [129.97625, 42.03437],
    [129.96167, 42.02167],
    [129.94833, 42.00833],
    [129.935, 41.995],
    [129.92167, 41.98167],
    [129.90833, 41.96833],
    [129.895, 41.955],
    [129.88167, 41.94167],
    [129.86875, 41.9275],
    [129.85625, 41.9125],
    [129.84375, 41.8975],
    [129.83125, 41.8825],
    [129.82, 41.8675],
    [129.81, 41.8525],
    [129.805, 41.845],
    [129.79929, 41.82786],
    [129.795, 41.815],
    [129.79789, 41.79745],
    [129.79861, 41.79306],
]
# Khasan - Tumangang over the Friendship Bridge (same atlas, corridor khasan_rajin).
KHASAN_TUMANGANG = [
    [130.6466, 42.4301],
    [130.644, 42.424],
    [130.641056, 42.415167],
    [130.6026, 42.4217],
]


def run(*args: str, atlas: Path | None, cache: Path, env: dict[str, str] | None = None):
    """``corridors ARGS --atlas ATLAS`` in this process, with its own cache folder."""
    return corridors_cli(*args, atlas=atlas, cache=cache, env=env)


def run_process(*args: str, atlas: Path, cache: Path, env: dict[str, str] | None = None):
    """``corridors ARGS --atlas ATLAS`` as a real subprocess (``python -m corridors.cli``)."""
    full_env = dict(os.environ, CORRIDORS_CACHE_DIR=str(cache), **(env or {}))
    full_env.pop("CORRIDORS_ATLAS", None)
    command = [sys.executable, "-m", "corridors.cli", *args, "--atlas", str(atlas)]
    return subprocess.run(command, capture_output=True, text=True, env=full_env, timeout=180)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under the atlas folder (except the lock files), by relative path."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in LOCK_NAMES
    }


def feature(coords, **props) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": props,
    }


def write_json(path: Path, doc) -> Path:
    path.write_text(json.dumps(doc))
    return path


GOOD = ["--mode", "rail", "--status", "proposed", "--source", "test-source"]

# (file name, file content, extra options, a phrase the error must contain)
BAD_INPUTS = [
    ("broken.geojson", '{"type": "Feature", "geometry": ', GOOD, "malformed JSON"),
    (
        "point.geojson",
        json.dumps({"type": "Point", "coordinates": [130.3, 42.2]}),
        GOOD,
        "not a line",
    ),
    ("one.geojson", json.dumps(feature([[130.303, 42.244]])), GOOD, "at least two points"),
    ("nan.csv", "lon,lat\n130.303,42.244\nnan,41.786\n", GOOD, "not a finite number"),
    (
        "nan.geojson",
        '{"type": "LineString", "coordinates": [[130.3, 42.2], [NaN, 41.7]]}',
        GOOD,
        "NaN",
    ),
    (
        "inf.geojson",
        '{"type": "LineString", "coordinates": [[130.3, 42.2], [1e999, 41.7]]}',
        GOOD,
        "not a finite",
    ),
    (
        "lon.geojson",
        json.dumps(feature([[130.303, 42.244], [200.0, 41.786]])),
        GOOD,
        "longitude 200",
    ),
    ("lat.geojson", json.dumps(feature([[130.303, 42.244], [129.78, 95.0]])), GOOD, "latitude 95"),
    (
        "swapped.geojson",
        json.dumps(feature([[42.244, 130.303], [41.786, 129.78]])),
        GOOD,
        "look like (latitude, longitude)",
    ),
    ("swapped.wkt", "LINESTRING (42.244 130.303, 41.786 129.78)", GOOD, "longitude first"),
    (
        "loop.geojson",
        json.dumps(
            feature(
                [[130.303, 42.244], [129.9, 41.9], [130.2, 42.3], [130.1, 41.8], [129.78, 41.786]]
            )
        ),
        GOOD,
        "crosses itself",
    ),
    (
        "dup-id.geojson",
        json.dumps(feature(RAJIN_CHONGJIN)),
        [*GOOD, "--id", "khasan_rajin"],
        "already exists",
    ),
    (
        "dup-name.geojson",
        json.dumps(feature(RAJIN_CHONGJIN)),
        [*GOOD, "--name", "RAJIN - chongjin Railway"],
        "already exists",
    ),
    (
        "mode.geojson",
        json.dumps(feature(RAJIN_CHONGJIN)),
        ["--mode", "bus", "--status", "proposed"],
        "unknown mode 'bus'",
    ),
    (
        "status.geojson",
        json.dumps(feature(RAJIN_CHONGJIN, status="dreamt")),
        ["--mode", "rail"],
        "unknown status 'dreamt'",
    ),
    (
        "nomode.geojson",
        json.dumps(feature(RAJIN_CHONGJIN)),
        ["--status", "proposed"],
        "pass --mode",
    ),
    (
        "far.geojson",
        json.dumps(feature([[130.303, 42.244], [129.0, 41.0]])),
        GOOD,
        "--new-place NAME",
    ),
    (
        "nosource.geojson",
        json.dumps(feature(RAJIN_CHONGJIN)),
        ["--mode", "rail", "--status", "proposed"],
        "--source",
    ),
    (
        "typo-source.geojson",
        json.dumps(feature(RAJIN_CHONGJIN)),
        ["--mode", "rail", "--status", "proposed", "--source", "test-sourc"],
        "did you mean 'test-source'",
    ),
    (
        "conflict.geojson",
        json.dumps(feature(RAJIN_CHONGJIN, mode="sea")),
        GOOD,
        "the file says mode 'sea' but --mode says 'rail'",
    ),
    # Rajin - Pohang as a straight railway: runs across the East Sea.
    (
        "sea-rail.geojson",
        json.dumps(feature([[130.303, 42.244], [129.395, 36.01]])),
        GOOD,
        "open sea",
    ),
    (
        "sea-power.csv",
        "130.303,42.244\n129.395,36.01\n",
        ["--mode", "power", "--status", "proposed", "--source", "test-source"],
        "open sea",
    ),
    # The Pyongra railway drawn as a sea lane: it runs over land.
    (
        "land-sea.geojson",
        json.dumps(feature(RAJIN_CHONGJIN)),
        ["--mode", "sea", "--status", "proposed", "--source", "test-source"],
        "crosses land",
    ),
    ("empty.csv", "", GOOD, "empty"),
    ("text.csv", "hello,world\n", GOOD, "no lon and lat columns"),
]


@pytest.mark.parametrize(
    ("name", "content", "options", "phrase"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_exit_2_one_line_atlas_unchanged(
    atlas: Path,
    cache: Path,
    tmp_path: Path,
    name: str,
    content: str,
    options: list[str],
    phrase: str,
) -> None:
    before = snapshot(atlas)
    path = tmp_path / name
    path.write_text(content)
    done = run("add", str(path), *options, atlas=atlas, cache=cache)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("error: ")
    assert done.stderr.strip().count("\n") == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert phrase in done.stderr, done.stderr
    assert snapshot(atlas) == before


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["add", "--coords", "130.303,42.244"], "at least two points"),
        (["add", "--coords", "130.3,42.2;abc,41"], "'abc' is not a number"),
        (["add", "/no/such/file.geojson", *GOOD], "cannot read"),
        (["add", *GOOD], "give exactly one of FILE"),
        (["add", "--via", "Rajin,Atlantis", *GOOD], "unknown place 'Atlantis'"),
        (
            ["add-sea-lane", "Rajin", "Khasan", "--status", "proposed", "--source", "test-source"],
            "water",
        ),
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
                "Rajin - Pohang sea lane",
            ],
            "already exists",
        ),
        (["remove", "no_such_corridor"], "unknown corridor"),
    ],
    ids=[
        "one-point",
        "not-number",
        "missing-file",
        "no-input",
        "unknown-via",
        "inland-port",
        "dup-sea-name",
        "remove-unknown",
    ],
)
def test_bad_commands_exit_2(atlas: Path, cache: Path, args: list[str], phrase: str) -> None:
    before = snapshot(atlas)
    done = run(*args, atlas=atlas, cache=cache)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert phrase in done.stderr, done.stderr
    assert snapshot(atlas) == before


def test_dry_run_changes_nothing(atlas: Path, cache: Path, tmp_path: Path) -> None:
    before = snapshot(atlas)
    line = write_json(tmp_path / "rc.geojson", feature(RAJIN_CHONGJIN, name="Pyongra test line"))
    for args in (
        ["add", str(line), *GOOD, "--dry-run"],
        [
            "add",
            "--coords",
            "130.3030,42.2440;130.28,42.30;130.25,42.40",
            *GOOD,
            "--new-place",
            "Test junction",
            "--source",
            "https://example.org/new",
            "--dry-run",
        ],
        [
            "add-sea-lane",
            "Rajin",
            "Pohang",
            "--name",
            "Dry lane",
            "--status",
            "proposed",
            "--source",
            "test-source",
            "--dry-run",
        ],
        ["remove", "rajin_pohang", "--dry-run"],
    ):
        done = run(*args, atlas=atlas, cache=cache)
        assert done.returncode == 0, done.stderr
        assert "would " in done.stdout and "dry run: no file was changed" in done.stdout
    assert snapshot(atlas) == before
    assert not [name for name in LOCK_NAMES if (atlas / name).exists()]


def test_add_remove_round_trip_keeps_other_bytes(atlas: Path, cache: Path, tmp_path: Path) -> None:
    before = snapshot(atlas)
    line = write_json(tmp_path / "rc.geojson", feature(RAJIN_CHONGJIN, name="Pyongra test line"))
    added = run("add", str(line), *GOOD, "--id", "pyongra_test", "--json", atlas=atlas, cache=cache)
    assert added.returncode == 0, added.stderr
    report = json.loads(added.stdout)
    assert report["corridors"] == ["pyongra_test"]
    assert [(s["end"], s["place"]) for s in report["snaps"]] == [
        ("start", "rajin_port"),
        ("end", "chongjin"),
    ]
    assert all(0 < s["distance_m"] <= 2000 for s in report["snaps"])
    rail = "corridors/rail.geojson"
    after = snapshot(atlas)
    assert after[rail] != before[rail]
    assert {k for k in after if after[k] != before.get(k)} == {rail}
    # The old features keep their exact bytes: the new one is spliced in before the end.
    old_text = before[rail].decode()
    cut = old_text.rstrip().rstrip("}").rstrip().rstrip("]").rstrip()
    assert after[rail].decode().startswith(cut)
    removed = run("remove", "Pyongra test line", atlas=atlas, cache=cache)
    assert removed.returncode == 0, removed.stderr
    assert "removed corridor 'pyongra_test'" in removed.stdout
    assert snapshot(atlas) == before


def test_new_place_and_new_source(atlas: Path, cache: Path) -> None:
    done = run(
        "add",
        "--coords",
        "130.3030,42.2440;130.28,42.30;130.25,42.40",
        "--mode",
        "rail",
        "--status",
        "proposed",
        "--source",
        "https://example.org/spur",
        "--new-place",
        "Test junction",
        "--name",
        "Rajin spur",
        atlas=atlas,
        cache=cache,
    )
    assert done.returncode == 0, done.stderr
    loaded = load_atlas(atlas)
    new_place = loaded.places["test_junction"]
    assert (new_place.kind, new_place.country) == ("junction", "PRK")
    assert (new_place.lon, new_place.lat) == (130.25, 42.40)
    source_id = "example.org-spur"
    assert loaded.sources[source_id].url == "https://example.org/spur"
    corridor = next(c for c in loaded.corridors.values() if c.name == "Rajin spur")
    assert (corridor.start, corridor.end) == ("rajin_port", "test_junction")
    assert corridor.sources == (source_id,)
    assert "added place 'test_junction'" in done.stdout
    assert "added source 'example.org-spur'" in done.stdout


def test_api_reads_csv_wkt_and_stdin(atlas: Path, cache: Path, tmp_path: Path) -> None:
    from corridors.edit.api import add_corridors

    csv_file = tmp_path / "line.csv"
    csv_file.write_text("lat,lon\n" + "".join(f"{y},{x}\n" for x, y in RAJIN_CHONGJIN))
    wkt_file = tmp_path / "line.wkt"
    wkt_file.write_text("LINESTRING (" + ", ".join(f"{x} {y}" for x, y in RAJIN_CHONGJIN) + ")")
    for path in (csv_file, wkt_file):
        result = add_corridors(
            path,
            atlas=atlas,
            mode="rail",
            status="proposed",
            source="test-source",
            name=f"From {path.suffix}",
            dry_run=True,
        )
        assert result.corridors[0]["geometry"]["coordinates"][1] == RAJIN_CHONGJIN[1]
    before = snapshot(atlas)
    data = json.dumps(feature(KHASAN_TUMANGANG, name="Bridge test")).encode()
    done = corridors_cli("add", "-", *GOOD, atlas=atlas, cache=cache, input=data)
    assert done.returncode == 0, done.stderr
    corridor = next(c for c in load_atlas(atlas).corridors.values() if c.name == "Bridge test")
    assert (corridor.start, corridor.end) == ("khasan", "tumangang")
    assert snapshot(atlas) != before


@pytest.mark.parametrize("crash", ["before-replace", "after-replace-1"])
def test_kill_mid_write_leaves_a_valid_atlas(
    atlas: Path, cache: Path, tmp_path: Path, crash: str
) -> None:
    before = snapshot(atlas)
    old = load_atlas(atlas)
    line = write_json(tmp_path / "rc.geojson", feature(RAJIN_CHONGJIN, name="Crash line"))
    # A new source makes this add touch two files: sources.json, then corridors/rail.geojson.
    args = [
        "add",
        str(line),
        "--mode",
        "rail",
        "--status",
        "proposed",
        "--source",
        "https://example.org/crash",
    ]
    # A real process: the writer dies with os._exit(75), as a killed command would.
    done = run_process(*args, atlas=atlas, cache=cache, env={"CORRIDORS_TEST_CRASH": crash})
    assert done.returncode == 75, (done.stdout, done.stderr)  # died inside the writer
    survived = load_atlas(atlas)  # loads: never a broken file
    assert set(survived.corridors) == set(old.corridors)
    assert survived.places == old.places
    if crash == "before-replace":
        assert {k: v for k, v in snapshot(atlas).items() if "corridors-tmp" not in k} == before
        assert survived.sources == old.sources
    else:
        assert "example.org-crash" in survived.sources  # the source landed first, unused
        assert snapshot(atlas)["corridors/rail.geojson"] == before["corridors/rail.geojson"]
    # The next write cleans the leftover temp files and lands normally.
    again = run(*args, atlas=atlas, cache=cache)
    assert again.returncode == 0, again.stderr
    assert not [p for p in atlas.rglob("*corridors-tmp*")]
    assert any(c.name == "Crash line" for c in load_atlas(atlas).corridors.values())


def test_ctrl_c_while_reading_input_leaves_the_atlas_as_it_was(atlas: Path, cache: Path) -> None:
    """A real process and a real SIGINT: ``add -`` interrupted while it reads stdin exits
    130 with no traceback, and the atlas is untouched (no temp files, no lock files)."""
    import fcntl
    import signal
    import struct
    import termios

    before = snapshot(atlas)
    env = dict(os.environ, CORRIDORS_CACHE_DIR=str(cache))
    env.pop("CORRIDORS_ATLAS", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "corridors.cli", "add", "-", *GOOD, "--atlas", str(atlas)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None
    proc.stdin.write(b'{"type": "Feature", ')  # an unfinished document: it reads on
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while struct.unpack("i", fcntl.ioctl(proc.stdin, termios.FIONREAD, b"\0" * 4))[0]:
        assert time.monotonic() < deadline and proc.poll() is None, "the command never read"
        time.sleep(0.01)  # the pipe is empty once the command has read the start
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert b"Traceback" not in err and err.count(b"\n") <= 1, err
    assert snapshot(atlas) == before
    assert not [p for p in atlas.rglob("*") if "corridors-tmp" in p.name or p.name in LOCK_NAMES]


def test_concurrent_adds_both_land(atlas: Path, cache: Path, tmp_path: Path) -> None:
    lines = {
        "Concurrent Pyongra": write_json(tmp_path / "a.geojson", feature(RAJIN_CHONGJIN)),
        "Concurrent bridge": write_json(tmp_path / "b.geojson", feature(KHASAN_TUMANGANG)),
    }
    env = dict(os.environ, CORRIDORS_CACHE_DIR=str(cache))
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "corridors.cli.app",
                "add",
                str(path),
                *GOOD,
                "--name",
                name,
                "--atlas",
                str(atlas),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for name, path in lines.items()
    ]
    outputs = [p.communicate(timeout=180) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    names = {c.name for c in load_atlas(atlas).corridors.values()}
    assert set(lines) <= names
    done = run("check", "--json", atlas=atlas, cache=cache)
    assert done.stdout and json.loads(done.stdout)["findings"]


def test_busy_lock_is_refused_clearly(atlas: Path, cache: Path, tmp_path: Path) -> None:
    from filelock import FileLock

    before = snapshot(atlas)
    line = write_json(tmp_path / "rc.geojson", feature(RAJIN_CHONGJIN, name="Blocked line"))
    with FileLock(str(atlas / LOCK_NAME)):
        started = time.monotonic()
        done = run("add", str(line), *GOOD, "--lock-timeout", "0.5", atlas=atlas, cache=cache)
        assert time.monotonic() - started < 60
    assert done.returncode == 2
    assert "being changed by another corridors command" in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert snapshot(atlas) == before


def _acceptance_atlas(tmp_path: Path) -> Path:
    """A copy of the repository atlas (it has Rajin, Chongjin and Busan)."""
    root = tmp_path / "atlas"
    shutil.copytree(REPO / "geo", root)
    assert {"rajin_port", "chongjin", "busan"} <= set(load_atlas(root).places)
    return root


def test_acceptance_rajin_chongjin_rail_and_rajin_busan_sea(tmp_path: Path, cache: Path) -> None:
    """Done when: a rail corridor from a GeoJSON file and a sea lane by naming two ports are
    both seen by route, list, check and build."""
    atlas = _acceptance_atlas(tmp_path)
    # Drop the atlas's own Rajin - Chongjin railway so the route must use the new one.
    for corridor in load_atlas(atlas).corridors.values():
        if (
            corridor.mode == "rail"
            and {corridor.start, corridor.end} & {"chongjin"}
            and any(p.startswith("rajin") for p in (corridor.start, corridor.end))
        ):
            assert run("remove", corridor.id, atlas=atlas, cache=cache).returncode == 0
    assert (
        run("list", "corridors", "--json", atlas=atlas, cache=cache).returncode == 0
    )  # warm cache

    line = write_json(
        tmp_path / "rajin-chongjin.geojson",
        {
            "type": "FeatureCollection",
            "features": [
                feature(RAJIN_CHONGJIN, name="Rajin - Chongjin new railway", status="proposed")
            ],
        },
    )
    added = run(
        "add",
        str(line),
        "--mode",
        "rail",
        "--source",
        "https://example.org/pyongra",
        "--json",
        atlas=atlas,
        cache=cache,
    )
    assert added.returncode == 0, added.stderr
    rail = json.loads(added.stdout)
    rail_id, rajin = rail["corridors"][0], rail["snaps"][0]["place"]
    sea = run(
        "add-sea-lane",
        "Rajin port",
        "Busan",
        "--name",
        "Rajin - Busan new sea lane",
        "--status",
        "proposed",
        "--source",
        "https://example.org/pyongra",
        "--json",
        atlas=atlas,
        cache=cache,
    )
    assert sea.returncode == 0, sea.stderr
    sea_id = json.loads(sea.stdout)["corridors"][0]

    listed = json.loads(run("list", "corridors", "--json", atlas=atlas, cache=cache).stdout)
    assert {rail_id, sea_id} <= {row["id"] for row in listed}

    by_rail = run(
        "route", rajin, "Chongjin", "--include-proposed", "--json", atlas=atlas, cache=cache
    )
    assert by_rail.returncode == 0, by_rail.stderr
    assert [leg["corridor"] for leg in json.loads(by_rail.stdout)["legs"]] == [rail_id]
    by_sea = run(
        "route",
        "Rajin port",
        "Busan",
        "--modes",
        "sea",
        "--include-proposed",
        "--json",
        atlas=atlas,
        cache=cache,
    )
    assert by_sea.returncode == 0, by_sea.stderr
    assert [leg["corridor"] for leg in json.loads(by_sea.stdout)["legs"]] == [sea_id]
    table = run(
        "route",
        "Rajin port",
        "Busan",
        "--modes",
        "sea",
        "--include-proposed",
        atlas=atlas,
        cache=cache,
        env={"COLUMNS": "250"},
    )
    assert "Rajin - Busan new sea lane" in table.stdout

    # The shipped atlas passes check (test_shipped_atlas), and so do the two new corridors.
    checked = run("check", "--json", atlas=atlas, cache=cache)
    findings = json.loads(checked.stdout)["findings"]
    assert [f for f in findings if not f["ok"]] == []
    assert checked.returncode == 0, checked.stderr
    for corridor_id in (rail_id, sea_id):
        mine = [f for f in findings if f["subject"] == corridor_id]
        assert {f["check"] for f in mine} >= {
            "length",
            "ends",
            "land" if corridor_id == sea_id else "sea",
        }
        assert all(f["ok"] for f in mine), mine

    out = tmp_path / "maps"
    built = run("build", "--out", str(out), "--quiet", atlas=atlas, cache=cache)
    assert built.returncode == 0, built.stderr
    html = (out / "atlas.html").read_text(encoding="utf-8")
    assert "Rajin - Chongjin new railway" in html and "Rajin - Busan new sea lane" in html


def test_add_via_named_places(atlas: Path, cache: Path) -> None:
    done = run("add", "--via", "Khasan,Tumen", *GOOD, "--json", atlas=atlas, cache=cache)
    assert done.returncode == 0, done.stderr
    corridor_id = json.loads(done.stdout)["corridors"][0]
    corridor = load_atlas(atlas).corridors[corridor_id]
    assert (corridor.start, corridor.end, corridor.name) == (
        "khasan",
        "tumangang",
        "Khasan - Tumangang railway",
    )
    routed = run(
        "route", "Khasan", "Tumangang", "--include-proposed", "--json", atlas=atlas, cache=cache
    )
    assert routed.returncode == 0, routed.stderr


def test_sea_lane_errors_name_the_lane_not_another_flag(atlas: Path, tmp_path: Path) -> None:
    """add-sea-lane has no --via: its errors name the lane (they used to say "--via: ...")."""
    no_status = run("add-sea-lane", "Rajin", "Pohang", "--source", "test-source", atlas=atlas,
                    cache=tmp_path / "c")  # fmt: skip
    assert no_status.returncode == 2
    assert no_status.stderr.startswith("error: sea lane Rajin - Pohang: no status: pass --status")
    twice = run("add-sea-lane", "Rajin", "Najin", "--status", "proposed", "--source",
                "test-source", atlas=atlas, cache=tmp_path / "c")  # fmt: skip
    assert twice.returncode == 2
    assert "--via" not in twice.stderr and "names rajin_port twice" in twice.stderr
    with pytest.raises(UsageError, match="^`places` names rajin_port twice"):
        add_via(["Rajin", "Najin"], mode="rail", status="proposed", source="test-source",
                atlas=atlas)  # fmt: skip
