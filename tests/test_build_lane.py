"""``corridors build`` without typer (cli/build_lane.py): the same files, lines and exit codes as
the typer command, and anything unusual left to typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import corridors_cli

from corridors.cli.build_lane import parse_build_args

REPO = Path(__file__).resolve().parents[1]


def _console(*args: str, cache: Path, **env: str) -> subprocess.CompletedProcess[str]:
    console = Path(sys.executable).with_name("corridors")
    command = [str(console)] if console.exists() else [sys.executable, "-m", "corridors.cli"]
    return subprocess.run(
        [*command, *args],
        env={**os.environ, "CORRIDORS_CACHE_DIR": str(cache), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"out": None, "offline": True, "quiet": False, "atlas": None}),
        (["--out", "m", "-q"], {"out": Path("m"), "offline": True, "quiet": True, "atlas": None}),
        (["--out=m", "--online", "--quiet"], {"out": Path("m"), "offline": False, "quiet": True}),
        (["--online", "--offline", "--atlas", "a"], {"offline": True, "atlas": Path("a")}),
    ],
)
def test_plain_arguments_are_parsed(args, expected, monkeypatch) -> None:
    monkeypatch.delenv("CORRIDORS_ATLAS", raising=False)
    values = parse_build_args(args)
    assert values is not None
    assert {k: values[k] for k in expected} == expected


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--verbose"],
        ["--out"],
        ["--out", "--quiet"],
        ["--out="],
        ["--quiet=1"],
        ["maps"],
        ["--"],
        ["-qq"],
        ["--outt", "m"],
    ],
)
def test_anything_else_is_left_to_typer(args) -> None:
    assert parse_build_args(args) is None


def test_atlas_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("CORRIDORS_ATLAS", "/some/atlas")
    assert parse_build_args([])["atlas"] == Path("/some/atlas")  # type: ignore[index]
    assert parse_build_args(["--atlas", "b"])["atlas"] == Path("b")  # type: ignore[index]


def test_lane_writes_and_prints_what_typer_does(tmp_path: Path, monkeypatch) -> None:
    lane = _console("build", "--out", str(tmp_path / "lane"), cache=tmp_path / "c1")
    assert lane.returncode == 0, lane.stderr
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "c2"))
    typer_run = corridors_cli("build", "--out", str(tmp_path / "typer"))
    assert typer_run.returncode == 0
    assert lane.stdout == typer_run.stdout.replace(str(tmp_path / "typer"), str(tmp_path / "lane"))
    assert lane.stdout.count("wrote ") == 2 and lane.stderr == typer_run.stderr == ""
    for name in ("atlas.html", "shipments.html"):
        assert (tmp_path / "lane" / name).read_bytes() == (REPO / "maps" / name).read_bytes()
    quiet = _console("build", "--out", str(tmp_path / "quiet"), "-q", cache=tmp_path / "c1")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


def test_errors_are_typers_one_line_and_exit_code(tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    refused = _console("build", "--out", str(a_file), "--quiet", cache=tmp_path / "c")
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: ") and refused.stderr.count("\n") == 1
    assert "Traceback" not in refused.stderr and refused.stdout == ""
    bad_atlas = tmp_path / "atlas"
    bad_atlas.mkdir()
    (bad_atlas / "places.geojson").write_text("{not json")
    failed = _console(
        "build", "--out", str(tmp_path / "m"), cache=tmp_path / "c", CORRIDORS_ATLAS=str(bad_atlas)
    )
    assert failed.returncode == 2, failed.stderr
    assert failed.stderr.startswith("error: ") and failed.stderr.count("\n") == 1
    assert not (tmp_path / "m" / "atlas.html").exists()


def test_plain_build_runs_without_typer(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from corridors.cli.build_lane import try_build\n"
        f"code = try_build(['build', '--out', {str(tmp_path / 'm')!r}, '-q'])\n"
        "print(code, 'typer' in sys.modules, 'click' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "CORRIDORS_CACHE_DIR": str(tmp_path / "c")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["0", "False", "False"]
    assert (tmp_path / "m" / "atlas.html").is_file()
