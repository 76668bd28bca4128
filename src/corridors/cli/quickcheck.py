"""The cold-start lane of ``corridors check``: the command without importing typer (issue 13).

Why: after an edit (its answer not remembered), ``corridors check`` imported typer, click,
rich and every command module (~60 ms of CPU) before the check itself, which needs none of
them. :func:`try_check` runs before any of that (:func:`corridors.cli.main` calls it): a plain
argument list (the check's own options only: :data:`OPTIONS`) is answered by the very code of
the typer command (:mod:`corridors.cli.check_cmd`: same options, same library calls, same
printing, exit 1 when there is a problem).

Anything else returns None before printing anything, and the typer path runs as always:
another command, ``--help`` or an option the lane does not know, a shell asking for
completions, or a check that fails (bad option, bad atlas, no land mask): the typer command
then says what went wrong with its exit code (``user_errors`` in :mod:`corridors.cli.app`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

__all__ = ["OPTIONS", "try_check"]

OPTIONS: dict[str, tuple[str, str]] = {
    "--tolerance-m": ("tolerance_m", "float"),
    "--length-tolerance": ("length_tolerance", "float"),
    "--json": ("as_json", "flag"),
    "--csv": ("as_csv", "flag"),
    "--verbose": ("verbose", "flag"),
    "--atlas": ("atlas", "path"),
}
"""The options of the typer command (:func:`corridors.cli.app.check`): keyword and kind."""


def try_check(argv: list[str]) -> int | None:
    """Answer ``corridors check ...`` (``argv``: the arguments after the program name).

    Returns
    -------
    int or None
        The exit code once the report is printed (1: the atlas has a problem); None (nothing
        printed) when the typer path must run.
    """
    if not argv or argv[0] != "check" or "_CORRIDORS_COMPLETE" in os.environ:
        return None
    from corridors.cli.fast import parse_options

    parsed = parse_options(argv[1:], OPTIONS)
    if parsed is None or parsed[1]:
        return None
    from corridors.cli.quick import paused_collection

    with paused_collection():
        return _check(parsed[0])


def _check(values: dict[str, Any]) -> int | None:
    from corridors.cli import check_cmd
    from corridors.cli.quick import answer

    verbose = bool(values.get("verbose"))

    def find(on_cache_event: Callable[[str], None] | None) -> Any:
        return check_cmd.find(
            tolerance_m=values.get("tolerance_m"),
            length_tolerance=values.get("length_tolerance"),
            as_json=bool(values.get("as_json")),
            as_csv=bool(values.get("as_csv")),
            atlas=values.get("atlas"),
            on_cache_event=on_cache_event,
        )

    def show(found: Any) -> int:
        fmt, report = found
        check_cmd.show(fmt, report, verbose=verbose)
        return 0 if report.clean else 1

    return answer(find, show, verbose=verbose)
