"""Help people can read (issue 14 item 3): flags as they are typed, the library's defaults,
examples that name real options, ``--version`` and shell completion, each run in process."""

from __future__ import annotations

import importlib.metadata
import re
import shlex
from pathlib import Path

import pytest
import typer
from cli_runner import Ran, corridors_cli

from corridors.check import LENGTH_TOLERANCE, SNAP_TOLERANCE_M
from corridors.cli.app import app
from corridors.cli.help import EXAMPLES
from corridors.edit.plan import DEFAULT_SNAP_M
from corridors.geo.geodesy import METRES_PER_NAUTICAL_MILE
from corridors.routing.options import DEFAULT_SPEEDS_KMH, DEFAULT_TRANSFER_HOURS

COMMANDS = typer.main.get_command(app).commands  # type: ignore[attr-defined]


def run(*args: str, env: dict[str, str] | None = None) -> Ran:
    # Wide enough that no help line wraps: each default is found whole on its line.
    return corridors_cli(*args, env={"COLUMNS": "400", **(env or {})})


def flat(text: str) -> str:
    """Help text with the panels' box characters and repeated blanks gone."""
    return " ".join(text.replace("│", " ").split())


@pytest.mark.parametrize("command", [None, *sorted(COMMANDS)])
def test_help_shows_flags_as_typed_and_examples(command: str | None) -> None:
    done = run(*([command] if command else []), "--help")
    assert done.returncode == 0, done.stderr
    assert re.findall(r"<[a-z][\w\[\], |]*>", done.stdout) == []  # no <bool>, <str>, <path>
    if command is None:
        assert "--version" in done.stdout
        return
    help_text = flat(done.stdout)
    assert "Examples:" in help_text
    for example in EXAMPLES[command]:
        assert " ".join(example.split()) in help_text


def test_flags_take_no_value() -> None:
    assert run("list", "places", "--json", "true").returncode == 2  # not how flags work


def test_every_command_has_examples_that_use_its_own_options() -> None:
    assert set(EXAMPLES) == set(COMMANDS)
    for name, examples in EXAMPLES.items():
        command = COMMANDS[name]
        options = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
        for example in examples:
            words = shlex.split(example.replace("<(", "").replace(")", ""))
            start = words.index("corridors")
            assert words[start + 1] == name, example
            for word in words[start + 2 :]:
                if word.startswith("-"):
                    assert word.split("=")[0] in options, (example, word)


def test_route_and_matrix_help_show_the_time_model_defaults() -> None:
    rail, sea = DEFAULT_SPEEDS_KMH["rail"], DEFAULT_SPEEDS_KMH["sea"]
    knots = sea * 1000 / METRES_PER_NAUTICAL_MILE
    for command in ("route",):
        text = flat(run(command, "--help").stdout)
        assert f"[default: rail={rail:g} km/h, sea={sea:g} km/h ({knots:g} kn)]" in text
        assert "--transfer-hours HOURS" in text
        assert f"[default: {DEFAULT_TRANSFER_HOURS:g} h]" in text
        assert "--speed MODE=KMH" in text and "[default: rail,sea]" in text
    assert round(knots, 6) == 12  # the documented 12 knots


def test_check_and_add_help_show_tolerances_and_snap_distance() -> None:
    check = flat(run("check", "--help").stdout)
    assert "--tolerance-m METRES Max distance" in check
    assert f"[default: {SNAP_TOLERANCE_M:,g} m]" in check
    assert f"[default: {LENGTH_TOLERANCE * 100:g} %]" in check
    add = flat(run("add", "--help").stdout)
    snap = "--snap-m METRES Snap line ends to places within this many metres."
    assert f"{snap} [default: {DEFAULT_SNAP_M:,g} m]" in add


def test_version_is_the_package_metadata() -> None:
    done = run("--version")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout == f"corridors {importlib.metadata.version('corridors')}\n"


def test_completion_script_and_answers() -> None:
    script = run("completion", "bash")
    assert script.returncode == 0, script.stderr
    assert "_CORRIDORS_COMPLETE=complete_bash" in script.stdout
    assert "complete -o default -F _corridors_completion corridors" in script.stdout

    def complete(words: str) -> list[str]:
        env = {
            "_CORRIDORS_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split()) - 1),
        }
        done = run(env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert complete("corridors li") == ["list"]
    assert complete("corridors list so") == ["sources"]
    assert complete("corridors completion z") == ["zsh"]
    assert set(complete("corridors route --in")) == {
        "--in-service",
        "--include-proposed",
        "--include-closed",
    }


@pytest.mark.parametrize(
    ("shell", "rc", "script"),
    [("bash", ".bashrc", ".bash_completions/corridors.sh"), ("zsh", ".zshrc", ".zfunc/_corridors")],
)
def test_completion_install_writes_the_shell_files(
    tmp_path: Path, shell: str, rc: str, script: str
) -> None:
    done = run("completion", shell, "--install", env={"HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert str(tmp_path / script) in done.stdout
    assert (tmp_path / script).read_text().strip() == run("completion", shell).stdout.strip()
    assert (tmp_path / rc).is_file()


def test_completion_unknown_shell_is_one_line() -> None:
    done = run("completion", "tcsh")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "error: unknown shell 'tcsh': choose bash, zsh, fish, powershell, pwsh\n"
