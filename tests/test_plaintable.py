"""cli/plaintable.py draws exactly what rich draws into a pipe, or steps aside."""

from __future__ import annotations

import io
import random
import sys
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from corridors.cli import plaintable
from corridors.cli.output import Column, print_table


class _Pipe(io.StringIO):
    encoding = "utf-8"

    def isatty(self) -> bool:
        return False


def _piped(monkeypatch: pytest.MonkeyPatch) -> _Pipe:
    """Standard output as a pipe (called in the test itself: pytest's capture swaps
    ``sys.stdout`` back between a fixture's setup and the test)."""
    for name in plaintable._RICH_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    out = _Pipe()
    monkeypatch.setattr(sys, "stdout", out)
    return out


def _rich(headers, rows, right, title, notes) -> str:  # noqa: ANN001
    """What cli/output.py's rich path prints for this table into a pipe."""
    out = io.StringIO()
    console = Console(file=out, highlight=False, markup=False, emoji=False, width=160)
    table = Table(title=Text(title) if title else None, title_justify="left")
    for header, r in zip(headers, right, strict=True):
        table.add_column(Text(header), justify="right" if r else "left")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)
    for note in notes:
        console.print(Text(note))
    return out.getvalue()


def test_every_known_character_has_riches_width() -> None:
    for ranges, width in ((plaintable._ONE_CELL, 1), (plaintable._TWO_CELLS, 2)):
        for lo, hi in ranges:
            for code in range(lo, hi + 1):
                assert cell_len(chr(code)) == width == plaintable.cells(chr(code)), hex(code)
    for unknown in ("\u00ad", "\u0301", "\t", "\u200b", "😀", "\uff21"):
        assert plaintable.cells("a" + unknown) is None


@pytest.mark.parametrize("seed", range(6))
def test_random_tables_are_drawn_as_rich_draws_them(
    monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    _piped(monkeypatch)
    rng = random.Random(seed)
    alphabet = "ab cdŭ→Хё-.,'1234567890 항北"
    drawn = 0
    for _ in range(400):
        columns = rng.randint(1, 6)

        def word() -> str:
            return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))

        headers = [word() for _ in range(columns)]
        rows = [[word() for _ in range(columns)] for _ in range(rng.randint(1, 5))]
        right = [rng.random() < 0.4 for _ in range(columns)]
        title = word() * rng.randint(0, 3) if rng.random() < 0.7 else None
        notes = [word() * rng.randint(1, 20) for _ in range(rng.randint(0, 2))]
        mine = plaintable.plain_table(headers, rows, right=right, title=title, notes=notes)
        if mine is not None:
            drawn += 1
            assert mine == _rich(headers, rows, right, title, notes)
    assert drawn > 300  # most of them fit: the comparison is not vacuous


def test_a_table_drawn_in_pieces_is_the_whole_table(monkeypatch: pytest.MonkeyPatch) -> None:
    _piped(monkeypatch)
    rng = random.Random(11)
    headers, right = ["id", "name 나진", "km"], [False, False, True]
    rows = [[f"p{n}", "Раджин"[: n % 7] + " " * (n % 3), f"{n * 1.5:,.1f}"] for n in range(23)]
    rng.shuffle(rows)
    whole = _rich(headers, rows, right, "Title", ["note"])
    for size in (1, 2, 5, 22, 23, 50):
        monkeypatch.setattr(plaintable, "PIECE_ROWS", size)
        pieces = plaintable.plain_columns(
            headers,
            [list(c) for c in zip(*rows, strict=True)],
            right=right,
            title="Title",
            notes=["note"],
        )
        assert pieces is not None
        listed = list(pieces)
        assert "".join(listed) == whole
        assert len(listed) == 3 + -(-23 // size)  # top, header, a piece per size rows, bottom


def test_it_steps_aside_where_rich_must_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = _piped(monkeypatch)

    def draw(**changes: object) -> str | None:
        table: dict = {"headers": ["a", "b"], "rows": [["x", "1"]], "right": [False, True]}
        table.update(changes)
        return plaintable.plain_table(
            table.pop("headers"), table.pop("rows"), right=table.pop("right"), **table
        )

    assert draw() is not None
    assert draw(rows=[["x" * 80, "y" * 80]]) is None  # wider than 160: rich wraps
    assert draw(title="a long title that is wider than the table") is None
    assert draw(notes=["n" * 161]) is None
    assert draw(rows=[["😀", "1"]]) is None  # a width this module does not know
    assert draw(rows=[]) is None
    monkeypatch.setenv("COLUMNS", "100")
    assert draw() is None
    monkeypatch.delenv("COLUMNS")
    monkeypatch.setattr(pipe, "isatty", lambda: True)
    assert draw() is None  # a terminal: colours and styles


def test_print_table_output_is_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    pipe = _piped(monkeypatch)
    rows = [
        {"name": "Rajin 나진항", "km": 1234.56, "note": None, "list": ["a", "b"]},
        {"name": "Khasan  ", "km": 7, "note": "[bold]x[/bold]\x1b[31m", "list": []},
    ]
    columns = [Column("name", "name"), Column("km", "km", 1), Column("note", "note")]
    columns.append(Column("list", "list"))
    drawn: list[str | None] = []
    real = plaintable.plain_columns  # what print_table draws with, a column at a time

    def observed(*a: Any, **k: Any) -> list[str] | None:
        pieces = real(*a, **k)
        listed = None if pieces is None else list(pieces)
        drawn.append(None if listed is None else "".join(listed))
        return listed

    monkeypatch.setattr(plaintable, "plain_columns", observed)
    print_table(rows, columns, title="Title → here", notes=["a note", ""])
    lean = pipe.getvalue()
    assert drawn and drawn[0] == lean  # drawn without rich
    monkeypatch.setattr(plaintable, "plain_columns", lambda *a, **k: None)
    pipe.seek(0)
    pipe.truncate()
    print_table(rows, columns, title="Title → here", notes=["a note", ""])
    assert lean == pipe.getvalue() and "\\x1b[31m" in lean
