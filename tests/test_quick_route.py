"""The cold-start lane of ``corridors route`` (cli/quick.py) prints exactly what the typer
command prints, or nothing at all (then the typer command runs)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import Ran, corridors_cli
from typer.testing import CliRunner

from corridors.cli import quick

ANSWERED = [
    ["Khasan", "Pohang", "--include-proposed"],
    ["Khasan", "Pohang", "--include-proposed", "--json"],
    ["Khasan", "Pohang", "--csv"],
    ["Khasan", "Rajin", "--by", "time", "--speed", "rail=30", "--transfer-hours=12"],
    ["Rajin", "Pohang", "--modes", "sea", "--as-of", "2014-06-01", "-q"],
    ["Khasan", "Pohang", "--include-proposed", "--include-closed", "--verbose"],
]
LEFT_TO_TYPER = [
    ["Khasan", "Khasan"],  # the same place: typer's one-line error, exit 2
    ["Khasan", "Nowhere at all"],  # unknown place
    ["Khasan", "Pohang", "--modes", "pipeline"],  # no route: exit 1 with the reason
    ["Khasan", "Pohang", "--by", "fastest"],
    ["Khasan", "Pohang", "--speed", "rail"],
    ["Khasan", "Pohang", "--json", "--csv"],
    ["Khasan", "Pohang", "--as-of", "yesterday"],
    ["Khasan", "Pohang", "--by", "cost"],
    ["Khasan", "Pohang", "--map", "x.html"],
    ["Khasan", "Pohang", "--help"],
    ["Khasan"],
]


def _quick(args: list[str], cache: Path) -> tuple[int | None, str, str]:
    """``quick.try_route`` with stdout and stderr captured as a pipe would take them."""
    env = {"CORRIDORS_ATLAS": None, "CORRIDORS_CACHE_DIR": str(cache)}
    with CliRunner().isolation(env=env) as (out, err, _):
        code = quick.try_route(["route", *args])
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.mark.parametrize("args", ANSWERED, ids=" ".join)
def test_the_lane_prints_what_the_command_prints(args: list[str], tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    corridors_cli("route", "Khasan", "Pohang", cache=cache)  # the network cached (--verbose)
    typer_ran: Ran = corridors_cli("route", *args, cache=cache)
    assert typer_ran.returncode == 0, typer_ran.stderr
    code, out, err = _quick(args, cache)
    assert (code, out, err) == (0, typer_ran.stdout, typer_ran.stderr)


def test_verbose_cache_lines_come_once_and_first(tmp_path: Path) -> None:
    args = ["Khasan", "Pohang", "--include-proposed", "--verbose"]
    code, out, err = _quick(args, tmp_path / "cold")  # an empty cache: rebuilt, said once
    typer_ran = corridors_cli("route", *args, cache=tmp_path / "cold2")
    assert code == 0 and out == typer_ran.stdout
    assert err == typer_ran.stderr.replace("cold2", "cold")
    assert err.startswith("cache: ") and err.count("cache: ") == 1


@pytest.mark.parametrize("args", LEFT_TO_TYPER, ids=" ".join)
def test_anything_else_is_left_to_typer_before_printing(args: list[str], tmp_path: Path) -> None:
    assert _quick(args, tmp_path / "cache") == (None, "", "")


def test_other_commands_and_completion_are_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert quick.try_route(["list", "places"]) is None
    assert quick.try_route(["matrix", "a", "b"]) is None
    monkeypatch.setenv("_CORRIDORS_COMPLETE", "complete_bash")
    assert quick.try_route(["route", "Khasan", "Pohang"]) is None


def test_a_real_cold_route_imports_neither_typer_nor_rich(tmp_path: Path) -> None:
    """As the benchmark runs it: a fresh process on the shipped atlas, cache warm."""
    env = {**os.environ, "CORRIDORS_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("CORRIDORS_ATLAS", None)
    argv = [sys.executable, "-X", "importtime", "-m", "corridors.cli", "route", "Khasan"]
    argv += ["Pohang", "--include-proposed"]
    first = subprocess.run(argv, capture_output=True, text=True, env=env)
    warm = subprocess.run(argv, capture_output=True, text=True, env=env)
    typer_ran = corridors_cli("route", "Khasan", "Pohang", "--include-proposed")
    assert first.returncode == warm.returncode == 0
    assert warm.stdout == first.stdout == typer_ran.stdout
    imported = {
        line.rsplit("|", 1)[1].strip()
        for line in warm.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "corridors.cli.quick" in imported
    assert not {"typer", "click", "rich", "pydantic", "numpy", "scipy", "networkx"} & imported
    # A cache hit needs neither the atlas's validators nor the graph's builders, nor (a small
    # atlas has none) the route file's reader.
    builders = {
        "corridors.atlas.read",
        "corridors.atlas.safe_input",
        "corridors.network.bulkindex",
        "corridors.network.graph",
        "corridors.network.routefile",
    }
    assert not builders & imported


@pytest.mark.parametrize("argv", [["route", "Khasan", "Pohang"], ["list", "places"]])
def test_a_terminal_without_unicode_gets_question_marks_not_a_traceback(
    tmp_path: Path, argv: list[str]
) -> None:
    """Under ``PYTHONIOENCODING=ascii`` the arrows and native names cannot be encoded: the
    command still prints its answer (``?`` for those characters) and exits 0."""
    env = {**os.environ, "CORRIDORS_CACHE_DIR": str(tmp_path / "cache")}
    env["PYTHONIOENCODING"] = "ascii"
    env.pop("CORRIDORS_ATLAS", None)
    ran = subprocess.run(
        [sys.executable, "-m", "corridors.cli", *argv],
        capture_output=True,
        text=True,
        encoding="ascii",
        errors="strict",
        env=env,
    )
    assert ran.returncode == 0, ran.stderr
    assert "Traceback" not in ran.stderr
    assert "?" in ran.stdout
