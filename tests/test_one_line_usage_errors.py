"""Typer's usage errors (bad option value, unknown option, missing argument) are one line on
stderr and exit 2, like every other error; help and the bare command are as before."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

MAIN = "from corridors.cli import main; main()"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", MAIN, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, "COLUMNS": "80"},
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["matrix", "--workers", "x"], "error: Invalid value for '--workers': "),
        (["check", "--tolerance-m", "ten"], "error: Invalid value for '--tolerance-m': "),
        (["route", "--bogus", "x"], "error: No such option: --bogus"),
        (["route", "--[red]x{{7*7}}"], "error: No such option: --[red]x{{7*7}}"),
        (["route"], "error: Missing argument 'FROM'."),
        (["route", "Khasan"], "error: Missing argument 'TO'."),
        (["build", "--out"], "error: Option '--out' requires an argument."),
        (["no-such-command"], "error: No such command 'no-such-command'."),
    ],
)
def test_usage_errors_are_one_line(args: list[str], expected: str) -> None:
    done = _run(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(expected), lines[0]
    assert "Traceback" not in done.stderr and "╭" not in done.stderr
    assert "49" not in lines[0]  # a value is printed as given, never evaluated


def test_help_and_bare_command_unchanged() -> None:
    helped = _run("matrix", "--help")
    assert helped.returncode == 0 and "--workers" in helped.stdout and helped.stderr == ""
    bare = _run()
    assert bare.returncode == 2 and "route" in bare.stdout and bare.stderr == ""
