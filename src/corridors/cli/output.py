"""One output convention for every command that prints data.

- **a table for people** (the default): numbers with thousands separators and a few decimals
  (:class:`Column` says how many), the unit in the column header, text printed as rich
  ``Text`` (never parsed as markup; see :mod:`corridors.cli.terminal`);
- ``--json``: the command's records as JSON, numbers as the Python API gives them;
- ``--csv``: the same records, one per row (RFC 4180, a header row of the JSON keys), numbers
  at full precision, ``true``/``false``, lists joined with ``;``, nested values as JSON text,
  an absent value empty. A text cell that a spreadsheet would run as a formula (one starting
  with ``=``, ``+``, ``-`` or ``@`` that is not a number) gets a leading ``'``
  (:func:`corridors._io.spreadsheet.spreadsheet_text`, as in ``export x.csv``).

A command builds its records once and calls :func:`emit` with the format the user chose
(:func:`output_format`), so the three outputs always carry the same data.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from corridors._io.spreadsheet import spreadsheet_text
from corridors.cli.terminal import echo_json, json_text, safe_text, text, write
from corridors.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "Column",
    "console",
    "csv_text",
    "emit",
    "format_number",
    "output_format",
    "print_table",
]

FORMATS = ("table", "json", "csv")


def output_format(*, as_json: bool = False, as_csv: bool = False) -> str:
    """``"json"``, ``"csv"`` or ``"table"`` from the ``--json`` and ``--csv`` flags.

    Raises
    ------
    UsageError
        Both flags were given.
    """
    if as_json and as_csv:
        raise UsageError("give --json or --csv, not both")
    return "json" if as_json else "csv" if as_csv else "table"


@dataclass(frozen=True)
class Column:
    """One column of a table for people.

    Attributes
    ----------
    key : str
        The record key it shows.
    header : str
        The header, with the unit when the values have one: ``"length (km)"``.
    digits : int or None
        Decimals for numbers (None: text, or numbers as they come with separators).
    """

    key: str
    header: str
    digits: int | None = None

    @property
    def numeric(self) -> bool:
        return self.digits is not None


def format_number(value: float | int, digits: int | None = None) -> str:
    """A number for people: ``1,058.5`` with ``digits=1``; whole numbers ``40,500``.

    Without ``digits`` a whole number is written in full and any other to 6 significant
    digits (``25,000,000,000``, ``0.125``).
    """
    if isinstance(value, bool):
        return "yes" if value else "no"
    if digits is not None:
        return f"{value:,.{digits}f}"
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if isinstance(value, float) else f"{value:,}"


def _cell(value: object, column: Column) -> str:
    """A record value as a table cell: numbers formatted, lists joined, mappings ``k v``."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, column.digits)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) if value else "(none)"
    if isinstance(value, Mapping):
        return "; ".join(
            f"{k} {format_number(v) if isinstance(v, (int, float)) else v}"
            for k, v in value.items()
        )
    return str(value)


def console(stderr: bool = False) -> Console:
    """A rich console for tables: no markup, no emoji codes, no highlighting.

    Everything printed on it must be a ``Text`` (:func:`corridors.cli.terminal.text`). Piped
    output (logs, CI, files) is not folded into rich's default 80 columns.
    """
    from rich.console import Console

    made = Console(stderr=stderr, highlight=False, markup=False, emoji=False)
    if not made.is_terminal and "COLUMNS" not in os.environ:
        made = Console(stderr=stderr, highlight=False, markup=False, emoji=False, width=160)
    return made


def print_table(
    rows: Iterable[Mapping[str, object]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    notes: Sequence[str] = (),
) -> None:
    """Print ``rows`` as a table of ``columns``, then each of ``notes`` as a line below it.

    Into a pipe or a file, a table that needs no layout decision is drawn without importing
    rich, exactly as rich would draw it (:mod:`corridors.cli.plaintable`).
    """
    from corridors.cli.plaintable import plain_table

    cells = [[safe_text(_cell(row.get(c.key), c)) for c in columns] for row in rows]
    drawn = plain_table(
        [safe_text(c.header) for c in columns],
        cells,
        right=[c.numeric for c in columns],
        title=safe_text(title) if title else None,
        notes=[safe_text(note) for note in notes],
    )
    if drawn is not None:
        sys.stdout.write(drawn)
        sys.stdout.flush()
        return
    from rich.table import Table

    table = Table(title=text(title) if title else None, title_justify="left")
    for column in columns:
        table.add_column(text(column.header), justify="right" if column.numeric else "left")
    for row in cells:
        table.add_row(*(text(cell) for cell in row))
    out = console()
    out.print(table)
    for note in notes:
        out.print(text(note))


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, (list, tuple)) and all(
        isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value
    ):
        return _csv_text(";".join(map(str, value)))
    if isinstance(value, (Mapping, list, tuple)):
        return safe_text(json_text(value))
    return _csv_text(str(value))


def _csv_text(value: str) -> str:
    """Text for a CSV cell: control characters made visible, formulas defused."""
    return spreadsheet_text(safe_text(value))


def csv_text(rows: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None) -> str:
    """``rows`` as CSV text: a header of ``columns`` (default: every key, first seen first)."""
    import csv
    import io

    keys = list(columns) if columns is not None else list(dict.fromkeys(k for r in rows for k in r))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([_csv_text(k) for k in keys])
    writer.writerows([_csv_value(row.get(k)) for k in keys] for row in rows)
    return buffer.getvalue()


def emit(
    fmt: str,
    *,
    json_value: Any,
    csv_rows: Sequence[Mapping[str, object]] | Callable[[], Sequence[Mapping[str, object]]],
    table: Callable[[], None],
    csv_columns: Sequence[str] | None = None,
) -> None:
    """Print a command's data in the format ``fmt`` (from :func:`output_format`).

    Parameters
    ----------
    fmt : {"table", "json", "csv"}
    json_value : object
        What ``--json`` prints.
    csv_rows : sequence of mapping, or a function returning one
        What ``--csv`` prints, one mapping per row.
    table : callable
        Prints the table for people.
    csv_columns : sequence of str, optional
        The CSV header (default: every key of ``csv_rows``).
    """
    if fmt == "json":
        echo_json(json_value)
    elif fmt == "csv":
        rows = csv_rows() if callable(csv_rows) else csv_rows
        write(csv_text(rows, csv_columns))
    else:
        table()
