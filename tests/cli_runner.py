"""Run the ``corridors`` command line inside the test process.

:func:`corridors_cli` runs ``corridors ARGS`` exactly as the console script does (the entry
function :func:`corridors.cli.app.main`: the fast lane for plain ``route`` calls, else typer)
with typer's ``CliRunner`` isolation: ``sys.argv``, stdin, stdout, stderr and the environment
variables given are swapped in for the call and restored after it. stdout and stderr are kept
apart, as a subprocess's pipes would be.

Why not a subprocess: each one costs a fresh interpreter and the imports of numpy, scipy,
shapely and typer, about a second on a busy 2-core machine, while what these tests check (the
output, the exit code, the one-line error, the files) is the same in process. A test where the
process itself matters (a hang on a FIFO, a memory cap, a kill mid-write, a signal, the
installed script) keeps a real subprocess.

Unlike a subprocess, an exception that escapes the command is raised here, in the test, with
its traceback: a "no traceback reaches the user" check cannot pass by accident.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

__all__ = ["Ran", "corridors_cli"]


@dataclass(frozen=True)
class Ran:
    """A finished command: its exit code and what it printed on stdout and stderr."""

    returncode: int
    stdout: str
    stderr: str


def corridors_cli(
    *args: str,
    atlas: Path | None = None,
    cache: Path | None = None,
    env: dict[str, str] | None = None,
    input: bytes | str | None = None,
) -> Ran:
    """Run ``corridors ARGS [--atlas ATLAS]`` in this process; its exit code and output.

    ``cache`` is set as ``CORRIDORS_CACHE_DIR`` for this call only (every test passes its own
    folder, so no cache is shared between tests or with the user's). ``CORRIDORS_ATLAS`` is
    unset unless ``env`` gives it. ``input`` is the command's stdin (empty if None).
    """
    from corridors.cli.app import main

    argv = ["corridors", *args]
    if atlas is not None:
        argv += ["--atlas", str(atlas)]
    overrides: dict[str, str | None] = {"CORRIDORS_ATLAS": None}
    if cache is not None:
        overrides["CORRIDORS_CACHE_DIR"] = str(cache)
    overrides.update(env or {})
    runner = CliRunner()
    saved_argv = sys.argv
    with runner.isolation(input=input, env=overrides) as (out, err, _mixed):
        sys.argv = argv
        code: int = 0
        try:
            main()
        except SystemExit as done:
            if done.code is None:
                code = 0
            elif isinstance(done.code, int):
                code = done.code
            else:  # SystemExit("message"): Python prints it and exits 1
                sys.stderr.write(f"{done.code}\n")
                code = 1
        finally:
            sys.argv = saved_argv
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue(), err.getvalue()
    return Ran(code, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))
