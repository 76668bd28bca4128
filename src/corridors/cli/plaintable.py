"""Tables for a pipe or a file, drawn without importing rich (issue 13: cold start).

Why: importing rich's console and table costs a cold ``corridors route`` 25-40 ms, a quarter
of its time, to draw a few rows into a pipe. :func:`plain_table` draws exactly what
:func:`corridors.cli.output.print_table` has rich draw there, in the one case that needs no
layout decision: output that is not a terminal (so no colour, no styles), a UTF-8 stream
(rich's heavy-head box, not its ASCII one), rich's 160 columns (no ``COLUMNS`` or other
setting rich reads), every string made only of characters whose width rich agrees on with
this module (:func:`cells`), and a table, title
and notes that fit the width (so nothing wraps or is cropped). Anything else returns None and
rich draws it. ``tests/test_plaintable.py`` compares the two on many tables.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from itertools import compress, count, repeat
from operator import not_

__all__ = ["WIDTH", "cells", "pad", "plain_columns", "plain_table"]

WIDTH = 160
"""The width :func:`corridors.cli.output.console` gives rich for output that is not a terminal."""

# Environment variables with which rich would style, size or detect its output differently.
_RICH_SETTINGS = (
    "COLUMNS",
    "LINES",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "JUPYTER_COLUMNS",
    "JUPYTER_LINES",
)
# Characters rich measures one cell wide (tests check each against rich.cells.cell_len):
# printable ASCII, Latin-1 and Latin Extended-A/B letters and signs (not the soft hyphen),
# Cyrillic letters (not its combining marks), and a few punctuation marks the tables use;
# and two cells wide: Hangul syllables and CJK unified ideographs (native names).
_ONE_CELL = (
    (0x20, 0x7E),
    (0xA0, 0xAC),
    (0xAE, 0x24F),
    (0x400, 0x482),
    (0x48A, 0x4FF),
    (0x2013, 0x2014),
    (0x2018, 0x2019),
    (0x201C, 0x201D),
    (0x2026, 0x2026),
    (0x2192, 0x2192),
)
_TWO_CELLS = ((0x4E00, 0x9FFF), (0xAC00, 0xD7A3))


def cells(text: str) -> int | None:
    """How many terminal cells ``text`` takes as rich measures it, or None if it holds a
    character this module does not know the width of (then rich draws the table)."""
    if text.isascii():
        return len(text) if text.isprintable() else None
    width = 0
    for ch in text:
        code = ord(ch)
        if any(lo <= code <= hi for lo, hi in _ONE_CELL):
            width += 1
        elif any(lo <= code <= hi for lo, hi in _TWO_CELLS):
            width += 2
        else:
            return None
    return width


def _plain_stdout() -> bool:
    out = sys.stdout
    try:
        if out.isatty():
            return False
    except (AttributeError, ValueError):
        return False
    encoding = getattr(out, "encoding", None) or ""
    return encoding.lower().replace("-", "").startswith("utf") and not any(
        name in os.environ for name in _RICH_SETTINGS
    )


def plain_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[bool],
    title: str | None = None,
    notes: Sequence[str] = (),
) -> str | None:
    """The text rich prints for this table on standard output, or None (let rich draw it).

    Parameters
    ----------
    headers : sequence of str
        Column headers (already made safe: :func:`corridors.cli.terminal.safe_text`).
    rows : sequence of sequence of str
        The cells, one string per column.
    right : sequence of bool
        Right-justify the column (numbers).
    title : str, optional
        Printed above the table, left-justified to its width.
    notes : sequence of str
        Lines printed under the table.

    Returns
    -------
    str or None
        Every line, each ending in a newline; None when standard output is a terminal or
        configured for rich, or when anything would need wrapping or is not plain text.
    """
    if any(len(row) != len(headers) for row in rows):
        return None
    columns = [list(column) for column in zip(*rows, strict=True)]
    drawn = plain_columns(headers, columns, right=right, title=title, notes=notes)
    return None if drawn is None else "".join(drawn)


def plain_columns(
    headers: Sequence[str],
    columns: Sequence[Sequence[str]],
    *,
    right: Sequence[bool],
    title: str | None = None,
    notes: Sequence[str] = (),
) -> Iterator[str] | None:
    """:func:`plain_table` of the rows that ``columns`` hold (the cells of each column, a
    sequence each, all of one length), without making the rows, in pieces.

    Why: a table of the 600,000 places of a 10^6-segment atlas is measured and padded a
    column at a time (printable ASCII in bulk), not a cell at a time, and drawn
    :data:`PIECE_ROWS` rows at a time (to write one by one: never all 84 MB of it at once).

    Returns
    -------
    iterator of str, or None
        The pieces of :func:`plain_table`'s text, in order; None as :func:`plain_table`.
    """
    if not headers or not columns or not columns[0] or not _plain_stdout():
        return None
    if len(columns) != len(headers) or len(set(map(len, columns))) != 1:
        return None
    table = [[header, *column] for header, column in zip(headers, columns, strict=True)]
    measured_columns = [_sizes(column) for column in table]
    measured = [cells(note) for note in notes]
    title_size = cells(title or "")
    sizes = [size for size in measured_columns if size is not None]
    if title_size is None or None in measured or len(sizes) != len(table):
        return None
    widths = [max(size) for size in sizes]
    table_width = sum(widths) + 3 * len(widths) + 1
    if table_width > WIDTH or title_size > table_width or any((n or 0) > WIDTH for n in measured):
        return None
    title_line = pad(title, table_width, False) + "\n" if title else ""
    return _drawn(table, widths, right, title_line, notes)


PIECE_ROWS = 50_000
"""Rows of a table drawn at a time (:func:`plain_columns`)."""


def _drawn(
    table: list[list[str]],
    widths: list[int],
    right: Sequence[bool],
    title_line: str,
    notes: Sequence[str],
) -> Iterator[str]:
    """The lines of a measured table (each column its header, then its cells), in pieces."""

    def line(left: str, fill: str, cross: str, end: str) -> str:
        return left + cross.join(fill * (w + 2) for w in widths) + end + "\n"

    def padded(start: int, stop: int) -> Iterator[tuple[str, ...]]:
        """The rows ``start:stop`` of the table (0: the header), each cell padded."""
        by_column = [
            _padded(column[start:stop], width, right)
            for column, width, right in zip(table, widths, right, strict=True)
        ]
        return zip(*by_column, strict=True)

    yield title_line + line("┏", "━", "┳", "┓")
    yield "┃ " + " ┃ ".join(next(padded(0, 1))) + " ┃\n" + line("┡", "━", "╇", "┩")
    for start in range(1, len(table[0]), PIECE_ROWS):
        rows = padded(start, start + PIECE_ROWS)
        yield "│ " + " │\n│ ".join(map(" │ ".join, rows)) + " │\n"  # a line per row
    yield line("└", "─", "┴", "┘") + "".join(note + "\n" for note in notes)


def _sizes(column: list[str]) -> list[int] | None:
    """The cells each text of a column takes (:func:`cells`), or None if one is unknown:
    printable ASCII a cell per character, in bulk; any other text through :func:`cells`."""
    ascii_texts = list(map(str.isascii, column))
    if not "".join(compress(column, ascii_texts)).isprintable():
        return None
    sizes = list(map(len, column))
    for at in compress(count(), map(not_, ascii_texts)):
        size = cells(column[at])
        if size is None:
            return None
        sizes[at] = size
    return sizes


def pad(value: str, width: int, right: bool) -> str:
    """``value`` padded with spaces to ``width`` cells, as rich justifies a table cell."""
    if right:  # rich strips a right-justified cell's trailing spaces (not its width)
        value = value.rstrip()
        return " " * (width - (cells(value) or 0)) + value
    return value + " " * (width - (cells(value) or 0))


def _padded(column: list[str], width: int, right: bool) -> list[str]:
    """:func:`pad` of each text of a column; printable ASCII (measured: a cell a character)
    by :meth:`str.ljust` / :meth:`str.rjust`, in bulk."""
    if right:
        padded = list(map(str.rjust, map(str.rstrip, column), repeat(width)))
    else:
        padded = list(map(str.ljust, column, repeat(width)))
    for at in compress(count(), map(not_, map(str.isascii, column))):
        padded[at] = pad(column[at], width, right)
    return padded
