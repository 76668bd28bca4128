"""The cold-start lane of ``corridors build``: the command without importing typer (issue 13).

Why: a ``corridors build`` that missed its memo (the first after an edit of the atlas) has a
0.35 s budget, and importing typer, click and every command module before parsing
``--out DIR`` took about 0.05 s of it. :func:`try_build` runs before any of that is imported
(:func:`corridors.cli.main` calls it): a plain argument list (``build`` with only ``--out DIR``,
``--offline``/``--online``, ``--quiet``/``-q`` and ``--atlas DIR``) is answered by the very
call of the typer command (:func:`corridors.cli.remembered.build`) with the same printing.

Anything else returns None before doing anything, and the typer path runs as always: another
command, ``--help``, ``--verbose``, an option this lane does not know, a shell asking for
completions, or a build that fails (bad atlas, a refused folder): the typer command then runs
it again and prints its one-line error with its exit code, so messages and exit codes stay in
one place (``user_errors`` in :mod:`corridors.cli.app`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["parse_build_args", "try_build"]

_FLAGS = {"--offline": ("offline", True), "--online": ("offline", False)}
_FLAGS |= {"--quiet": ("quiet", True), "-q": ("quiet", True)}
_PATHS = {"--out": "out", "--atlas": "atlas"}


def parse_build_args(args: list[str]) -> dict[str, Any] | None:
    """Keyword arguments of the build command for ``args`` (after ``build``), or None when
    typer should parse them."""
    values: dict[str, Any] = {"out": None, "offline": True, "quiet": False, "atlas": None}
    tokens = iter(args)
    for token in tokens:
        name, equals, inline = token.partition("=")
        if name in _FLAGS and not equals:
            keyword, flag = _FLAGS[name]
            values[keyword] = flag
        elif name in _PATHS:
            value = inline if equals else next(tokens, None)
            if not value or (not equals and value.startswith("-")):
                return None  # a missing or odd value: typer's message
            values[_PATHS[name]] = Path(value)
        else:
            return None  # --help, --verbose, "--", an argument, an unknown option
    if values["atlas"] is None:
        from_env = os.environ.get("CORRIDORS_ATLAS")
        if from_env:
            values["atlas"] = Path(from_env)
    return values


def try_build(argv: list[str]) -> int | None:
    """Answer ``corridors build ...`` (``argv``: the arguments after the program name).

    Returns
    -------
    int or None
        The exit code once the maps are written; None (nothing printed) when the typer path
        must run.
    """
    if not argv or argv[0] != "build" or "_CORRIDORS_COMPLETE" in os.environ:
        return None
    values = parse_build_args(argv[1:])
    if values is None:
        return None
    from corridors.errors import CorridorsError

    try:
        from corridors.cli.remembered import build

        result = build(
            values["atlas"], values["out"], offline=values["offline"], quiet=values["quiet"]
        )
    except (CorridorsError, OSError):
        return None  # the typer command says what went wrong, with its exit code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    from corridors.cli.terminal import echo

    try:
        for warning in result.warnings:
            echo(f"warning: {warning}", err=True)
        if not values["quiet"]:
            for written in result.files:
                echo(f"wrote {written}")
    except BrokenPipeError:
        return 0  # as the typer command: a reader that stops early is not an error
    return 0
