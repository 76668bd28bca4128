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
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import chain, islice, repeat
from typing import TYPE_CHECKING, Any, NamedTuple

from corridors._io.spreadsheet import spreadsheet_text
from corridors.cli.bulk_cells import column_texts, plain_texts
from corridors.cli.terminal import echo_json, json_text, safe_text, text, write
from corridors.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "Column",
    "console",
    "csv_column_pieces",
    "csv_text",
    "emit",
    "print_columns_table",
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


class Column(NamedTuple):
    """One column of a table for people (a named tuple: every command builds its tables from
    these, and a frozen dataclass took 0.5 ms to create at each start).

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
        return format(value, _fixed(digits))
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if isinstance(value, float) else f"{value:,}"


def _fixed(digits: int) -> str:
    """The format of a number with ``digits`` decimals and thousands separators."""
    return f",.{digits}f"


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
    rows = list(rows)
    values = [[row.get(c.key) for row in rows] for c in columns]
    _draw(values, len(rows), columns, title=title, notes=notes)


def print_columns_table(
    by_key: Mapping[str, Sequence[object]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    notes: Sequence[str] = (),
) -> None:
    """:func:`print_table` of the rows that ``by_key`` holds a column each, without making them.

    Parameters
    ----------
    by_key : mapping of str to sequence
        Each record key to its values, one per row (all of one length).
    columns : sequence of Column
    title : str, optional
    notes : sequence of str
    """
    count = len(next(iter(by_key.values()), ()))
    values = [by_key[c.key] if c.key in by_key else [None] * count for c in columns]
    _draw(values, count, columns, title=title, notes=notes)


def _draw(
    values: Sequence[Sequence[object]],
    count: int,
    columns: Sequence[Column],
    *,
    title: str | None,
    notes: Sequence[str],
) -> None:
    """Draw ``count`` rows given the values of each of ``columns``, a list each."""
    from corridors.cli.plaintable import plain_columns

    by_column = [_table_column(v, c) for v, c in zip(values, columns, strict=True)]
    drawn = plain_columns(
        [safe_text(c.header) for c in columns],
        by_column,
        right=[c.numeric for c in columns],
        title=safe_text(title) if title else None,
        notes=[safe_text(note) for note in notes],
    )
    if drawn is not None:
        for piece in drawn:
            sys.stdout.write(piece)
        sys.stdout.flush()
        return
    from rich.table import Table

    table = Table(title=text(title) if title else None, title_justify="left")
    for column in columns:
        table.add_column(text(column.header), justify="right" if column.numeric else "left")
    for row in zip(*by_column, strict=True) if columns else [() for _ in range(count)]:
        table.add_row(*(text(cell) for cell in row))
    out = console()
    out.print(table)
    for note in notes:
        out.print(text(note))


def _table_column(values: Sequence[object], column: Column) -> list[str]:
    """``safe_text(_cell(value, column))`` of each value, converted a column at a time
    (:func:`corridors.cli.bulk_cells.column_texts`)."""

    def each(value: object) -> str:
        return safe_text(_cell(value, column))

    def numbers(values: list[Any]) -> list[str]:
        if column.digits is None:
            return plain_texts([format_number(value) for value in values], safe_text)
        return plain_texts(list(map(format, values, repeat(_fixed(column.digits)))), safe_text)

    bulk: dict[type, Callable[[list[Any]], list[str]]] = {
        type(None): lambda values: [each(None)] * len(values),
        str: lambda values: plain_texts(values, safe_text),
        float: numbers,
        int: numbers,
    }
    return column_texts(values, each=each, bulk=bulk)


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
    """``rows`` as CSV text: a header of ``columns`` (default: every key, first seen first).

    Each cell is :func:`_csv_value` of its value, converted a column at a time
    (:func:`corridors.cli.bulk_cells.column_texts`: the same texts, ~5x faster on a long list).
    """
    keys = list(columns) if columns is not None else list(dict.fromkeys(k for r in rows for k in r))
    cells = [_csv_column([row.get(k) for row in rows]) for k in keys]
    return "".join(_csv_pieces([_csv_text(k) for k in keys], cells, len(rows)))


def csv_column_pieces(columns: Mapping[str, Sequence[object]]) -> Iterator[str]:
    """:func:`csv_text` of the rows that ``columns`` hold a column each, without making them,
    in pieces of a few thousand rows (to write one by one: no copy of the whole text).

    Parameters
    ----------
    columns : mapping of str to sequence
        Each header key, in order, to its values, one per row (all of one length).

    Yields
    ------
    str
        Pieces that join to ``csv_text(rows, list(columns))``, where ``rows[i][key]`` is
        ``columns[key][i]``.
    """
    count = len(next(iter(columns.values()), ()))
    cells = [_csv_column(values) for values in columns.values()]
    return _csv_pieces([_csv_text(k) for k in columns], cells, count)


def _csv_pieces(header: list[str], cells: list[list[str]], count: int) -> Iterator[str]:
    """The CSV text of a header and ``count`` rows given a column of cell texts each, in
    pieces of :data:`_PIECE_ROWS` rows (the first with the header)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    rows = zip(*cells, strict=True) if cells else ([] for _ in range(count))
    while True:
        writer.writerows(islice(rows, _PIECE_ROWS))
        piece = buffer.getvalue()
        if not piece:  # every row writes a line: nothing left
            return
        yield piece
        buffer.seek(0)
        buffer.truncate()


_PIECE_ROWS = 50_000


def _csv_column(values: Sequence[object]) -> list[str]:
    """:func:`_csv_value` of each value (:func:`corridors.cli.bulk_cells.column_texts`)."""
    return column_texts(values, each=_csv_value, bulk=_CSV_BULK)


def _csv_texts(values: list[Any]) -> list[str]:
    return plain_texts(values, _csv_text, formulas=True)


def _csv_lists(values: list[Any]) -> list[str]:
    """Lists of text: joined with ``;`` (as :func:`_csv_value`), then :func:`_csv_texts`."""
    if all(map(isinstance, chain.from_iterable(values), repeat(str))):
        return _csv_texts(list(map(";".join, values)))
    return list(map(_csv_value, values))


def _csv_mappings(values: list[Any]) -> list[str]:
    empty = _csv_value({})
    return [_csv_value(value) if value else empty for value in values]


_CSV_BULK: dict[type, Callable[[list[Any]], list[str]]] = {
    type(None): lambda values: [_csv_value(None)] * len(values),
    str: _csv_texts,
    float: lambda values: list(map(repr, values)),  # as _csv_value: repr
    int: lambda values: list(map(repr, values)),
    list: _csv_lists,
    tuple: _csv_lists,
    dict: _csv_mappings,
}


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
