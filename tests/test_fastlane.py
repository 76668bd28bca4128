"""The generic fast lane (cli/fastlane.py) passes exactly what typer would, or steps aside."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from typing import Any

import pytest
from typer.testing import CliRunner

from corridors.cli.app import FAST_COMMANDS, app
from corridors.cli.fastlane import parse

CASES = [
    ["list", "places"],
    ["list", "corridors", "--json"],
    ["list", "places", "--verbose", "--atlas", "/tmp/x"],
    ["list", "--json", "places"],
    ["matrix"],
    ["matrix", "--csv", "--places", "Khasan,Rajin", "-q"],
    ["matrix", "--places=Khasan,Rajin", "--by", "time", "--include-proposed"],
    ["matrix", "--as-of", "2015-01-01", "--in-service", "--modes", "rail"],
    ["check"],
    ["check", "--tolerance-m", "500", "--length-tolerance=2.5", "--json"],
    ["check", "--tolerance-m", "1e3"],
    ["table", "--as-of", "2020-01-01"],
    ["build", "--out", "/tmp/x", "--online", "-q"],
    ["build", "--offline", "--online", "--offline"],
    ["build"],
    # Lines the lane must leave to typer (it returns None for them):
    ["list"],
    ["list", "places", "extra"],
    ["list", "--help"],
    ["matrix", "--no-csv"],
    ["matrix", "--places"],
    ["matrix", "--csv=yes"],
    ["check", "--tolerance-m", "1_000"],
    ["check", "--tolerance-m", "lots"],
    ["check", "--tolerance-m", "-5"],
    ["check", "--", "x"],
    ["matrix", "--unknown"],
    ["build", "--online=yes"],
]


def _command(name: str) -> Any:
    for command in app.registered_commands:
        callback = command.callback
        assert callback is not None
        if (command.name or callback.__name__.replace("_", "-")) == name:
            return command
    raise AssertionError(name)


@pytest.mark.parametrize("argv", CASES, ids=" ".join)
def test_lane_passes_what_typer_passes(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CORRIDORS_ATLAS", raising=False)
    command = _command(argv[0])
    original = command.callback
    seen: list[dict[str, Any]] = []

    @functools.wraps(original)
    def record(**kwargs: Any) -> None:
        seen.append(kwargs)

    monkeypatch.setattr(command, "callback", record)
    result = CliRunner().invoke(app, argv)
    typer_took = seen[0] if seen else None
    ours = parse(original, argv[1:])
    if ours is not None:
        assert result.exit_code == 0, result.output
        assert ours == typer_took
    else:  # the lane steps aside; typer decides (error, help or a run)
        assert argv[0] in FAST_COMMANDS


def test_envvar_atlas_is_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("CORRIDORS_ATLAS", str(tmp_path))
    found = parse(_command("list").callback, ["places"])
    assert found is not None and found["atlas"] == tmp_path


@pytest.mark.parametrize("argv", [["list", "places"], ["matrix"], ["check"]], ids=" ".join)
def test_plain_commands_never_import_pydantic(argv: list[str]) -> None:
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('pydantic' in sys.modules, file=sys.stderr))\n"
        f"sys.argv = ['corridors', *{argv!r}]\n"
        "from corridors.cli import main\n"
        "main()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CORRIDORS_ATLAS"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode in (0, 1), done.stderr  # check exits 1 when it finds problems
    assert done.stderr.strip().splitlines()[-1] == "False"


def test_folium_loads_without_pandas_yet_pandas_still_imports() -> None:
    code = (
        "import sys\n"
        "from corridors.cli import lean\n"
        "lean.install()\n"
        "import folium, folium.utilities\n"
        "print(folium.utilities.pd is None, 'pandas' in sys.modules)\n"
        "import pandas\n"
        "print(pandas.DataFrame is not None)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False", "True"]
