"""The cold-start lane of ``corridors check`` (cli/quickcheck.py) prints exactly what the typer
command prints, with its exit code, or nothing at all (then the typer command runs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import corridors_cli
from typer.testing import CliRunner

from corridors.cli import quickcheck

ANSWERED = [
    [],
    ["--json"],
    ["--csv"],
    ["--verbose"],
    ["--tolerance-m", "5"],  # ends farther than 5 m: problems, exit 1
    ["--length-tolerance=7", "--verbose"],
]
LEFT_TO_TYPER = [
    ["--help"],
    ["--tolerance-m", "-1"],  # typer's one-line error, exit 2
    ["--length-tolerance", "100"],
    ["--length-tolerance", "1_0"],
    ["--tolerance-m"],
    ["--tolerance-m", "five"],
    ["--json", "--csv"],
    ["--json=yes"],
    ["--no-such-option"],
    ["extra"],
]


def _lane(args: list[str], cache: Path, atlas: Path) -> tuple[int | None, str, str]:
    """``quickcheck.try_check`` with stdout and stderr captured as a pipe would take them."""
    env = {"CORRIDORS_ATLAS": None, "CORRIDORS_CACHE_DIR": str(cache)}
    with CliRunner().isolation(env=env) as (out, err, _):
        code = quickcheck.try_check(["check", *args, "--atlas", str(atlas)])
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.mark.parametrize("args", ANSWERED, ids=" ".join)
def test_the_lane_prints_what_the_command_prints(
    args: list[str], atlas: Path, tmp_path: Path
) -> None:
    # Each its own cache: the report computed (nothing remembered), then remembered.
    for _ in range(2):
        typer_ran = corridors_cli("check", *args, atlas=atlas, cache=tmp_path / "typer")
        assert typer_ran.returncode in (0, 1), typer_ran.stderr
        code, out, err = _lane(args, tmp_path / "lane", atlas)
        expected_err = typer_ran.stderr.replace(str(tmp_path / "typer"), str(tmp_path / "lane"))
        assert (code, out, err) == (typer_ran.returncode, typer_ran.stdout, expected_err)


def test_a_problem_is_exit_1_with_the_same_lines(atlas: Path, tmp_path: Path) -> None:
    places = atlas / "places.geojson"
    doc = json.loads(places.read_text(encoding="utf-8"))
    lon, lat = doc["features"][0]["geometry"]["coordinates"]
    doc["features"][0]["geometry"]["coordinates"] = [lon + 0.05, lat]  # ~4 km off its lines
    places.write_text(json.dumps(doc), encoding="utf-8")
    typer_ran = corridors_cli("check", atlas=atlas, cache=tmp_path / "typer")
    assert typer_ran.returncode == 1 and "problem" in typer_ran.stdout
    code, out, err = _lane([], tmp_path / "lane", atlas)
    assert (code, out, err) == (1, typer_ran.stdout, typer_ran.stderr)


@pytest.mark.parametrize("args", LEFT_TO_TYPER, ids=" ".join)
def test_anything_else_is_left_to_typer_before_printing(
    args: list[str], atlas: Path, tmp_path: Path
) -> None:
    assert _lane(args, tmp_path / "cache", atlas) == (None, "", "")


def test_a_bad_atlas_is_left_to_typer(tmp_path: Path) -> None:
    assert _lane([], tmp_path / "cache", tmp_path / "missing") == (None, "", "")


def test_other_commands_and_completion_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    assert quickcheck.try_check([]) is None
    assert quickcheck.try_check(["route", "Khasan", "Pohang"]) is None
    assert quickcheck.try_check(["build"]) is None
    monkeypatch.setenv("_CORRIDORS_COMPLETE", "complete_bash")
    assert quickcheck.try_check(["check"]) is None


def test_the_console_script_answers_without_typer(atlas: Path, tmp_path: Path) -> None:
    """In a fresh process (as the console script runs): the lane answers, typer, click and
    rich are never imported, and the exit code and output are the typer command's."""
    env = {
        **os.environ,
        "CORRIDORS_CACHE_DIR": str(tmp_path / "fresh"),
        "CORRIDORS_ATLAS": str(atlas),
    }
    probe = (
        "import sys\n"
        "from corridors.cli.quickcheck import try_check\n"
        "code = try_check(['check'])\n"
        "print(code, sorted(m for m in ('typer', 'click', 'rich') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300
    )
    typer_ran = corridors_cli("check", atlas=atlas, cache=tmp_path / "typer")
    assert done.stdout == typer_ran.stdout + f"{typer_ran.returncode} []\n", done.stderr
    installed = Path(sys.executable).with_name("corridors")
    if installed.exists():
        ran = subprocess.run(
            [str(installed), "check"], env=env, capture_output=True, text=True, timeout=300
        )
        assert (ran.returncode, ran.stdout) == (typer_ran.returncode, typer_ran.stdout)
