"""The body of ``corridors check``, apart from typer: shared by the typer command
(:func:`corridors.cli.app.check`) and its cold-start lane (:mod:`corridors.cli.quickcheck`).

:func:`find` checks the options and computes the report (remembered while nothing changed:
:mod:`corridors.cli.remembered`), raising a library error on bad input; :func:`show` prints it
in the chosen format. Nothing is printed before :func:`show`, so a caller can still hand a
failed :func:`find` to another path.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from corridors.errors import UsageError

if TYPE_CHECKING:
    from corridors.check import CheckReport

__all__ = ["find", "show", "tolerances"]


def tolerances(tolerance_m: float | None, length_tolerance: float | None) -> dict[str, float]:
    """The ``check_atlas`` keywords of ``--tolerance-m`` and ``--length-tolerance`` (percent);
    an option not given keeps the library's default.

    Raises
    ------
    UsageError
        A tolerance is negative or not finite, or the length tolerance 100 % or more.
    """
    found: dict[str, float] = {}
    if tolerance_m is not None:
        if not (math.isfinite(tolerance_m) and tolerance_m >= 0):
            raise UsageError(f"--tolerance-m must be zero or more metres, not {tolerance_m}")
        found["tolerance_m"] = tolerance_m
    if length_tolerance is not None:
        if not (math.isfinite(length_tolerance) and 0 <= length_tolerance < 100):
            raise UsageError(
                f"--length-tolerance must be a percentage from 0 to under 100, "
                f"not {length_tolerance}"
            )
        found["length_tolerance"] = length_tolerance / 100.0
    return found


def find(
    *,
    tolerance_m: float | None,
    length_tolerance: float | None,
    as_json: bool,
    as_csv: bool,
    atlas: Path | None,
    on_cache_event: Callable[[str], None] | None,
) -> tuple[str, CheckReport]:
    """The output format and the check report of ``corridors check``.

    Raises
    ------
    CorridorsError
        Bad options or a bad atlas.
    """
    from corridors.cli.output import output_format
    from corridors.cli.remembered import check_report

    fmt = output_format(as_json=as_json, as_csv=as_csv)
    wanted = tolerances(tolerance_m, length_tolerance)
    # The same atlas, code and libraries give the same report: cli/remembered.py.
    return fmt, check_report(atlas, wanted, on_cache_event=on_cache_event)


def show(fmt: str, report: CheckReport, *, verbose: bool) -> None:
    """Print the report: problems and a summary (``verbose``: every finding), or every
    finding as JSON or CSV."""
    from corridors.cli.output import emit
    from corridors.cli.report import check_rows, print_check

    emit(
        fmt,
        json_value=report.to_dict(),
        csv_rows=check_rows(report),
        table=lambda: print_check(report, verbose=verbose),
    )
