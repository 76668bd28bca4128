"""Cell texts a column at a time: the per-cell rules of :mod:`corridors.cli.output`, with the
common cases taken in bulk.

Why: ``corridors list places --csv`` on a 10^6-segment atlas converted 5.4 million cells one
call at a time (~5 s of its ~8 s). A column of a listing holds one or two types (an id column
only text, a latitude column only floats, ``local_name`` text or None), so
:func:`column_texts` splits a column by the exact type of its values and converts each part
with a function given for that type over the whole part, and every value of any other type
with the per-cell function. Text needs no work when it is printable and, in a CSV, does not
start a formula: :func:`plain_texts` tests that for the whole part at once with C-level string
methods (:meth:`str.isprintable` is False for every character
:func:`corridors.cli.terminal.safe_text` escapes) and hands every other cell to the per-cell
function, so the escaping rules stay in one place. ``tests/test_place_list_columns.py`` proves the
texts equal the per-cell function's on hostile text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import compress, count, repeat
from operator import is_
from typing import Any

from corridors._io.spreadsheet import FORMULA_START

__all__ = ["column_texts", "plain_texts"]

Bulk = Callable[[list[Any]], list[str]]
"""Converts values that all have one exact type, in bulk."""


def column_texts(
    values: Sequence[object], *, each: Callable[[object], str], bulk: Mapping[type, Bulk]
) -> list[str]:
    """``[each(v) for v in values]``, the values of a type in ``bulk`` converted by it at once.

    Parameters
    ----------
    values : sequence
        One column's values.
    each : callable
        The per-cell conversion (the rule).
    bulk : mapping of type to callable
        For an exact type (``type(v) is t``, no subclasses), a function that returns what
        ``each`` returns for every value of a list of that type.

    Returns
    -------
    list of str
        The cell texts, in order.
    """
    kinds = set(map(type, values))
    if len(kinds) <= 1:
        convert = bulk.get(kinds.pop()) if kinds else None
        return convert(list(values)) if convert is not None else list(map(each, values))
    texts = [""] * len(values)
    for kind in kinds:
        at = list(compress(count(), map(is_, map(type, values), repeat(kind))))
        picked = list(map(values.__getitem__, at))
        convert = bulk.get(kind)
        for index, text in zip(at, convert(picked) if convert else map(each, picked), strict=True):
            texts[index] = text
    return texts


def plain_texts(
    values: list[str], exact: Callable[[str], str], *, formulas: bool = False
) -> list[str]:
    """``[exact(v) for v in values]`` for an ``exact`` that leaves printable text alone (and,
    with ``formulas``, only text that does not start with a spreadsheet formula character).

    Parameters
    ----------
    values : list of str
        Text (exact ``str``).
    exact : callable
        The per-cell conversion: :func:`~corridors.cli.terminal.safe_text`, or the CSV text
        rule (safe text, formulas defused: ``formulas=True``).
    formulas : bool
        Text starting with one of :data:`~corridors._io.spreadsheet.FORMULA_START` is
        converted by ``exact`` too.

    Returns
    -------
    list of str
        ``values`` itself when every value is left alone; otherwise a new list.
    """
    if _all_plain(values, formulas=formulas):
        return values
    return [
        value
        if value.isprintable() and not (formulas and value.startswith(FORMULA_START))
        else exact(value)
        for value in values
    ]


def _all_plain(values: list[str], *, formulas: bool) -> bool:
    """Every value printable and (with ``formulas``) none starting a formula, tested on the
    joined text: no printable value holds a newline, so with a newline before each value a
    value starts with ``start`` exactly where ``"\\n" + start`` occurs."""
    if not "".join(values).isprintable():
        return False
    if not formulas:
        return True
    lined = "\n" + "\n".join(values)
    return not any("\n" + start in lined for start in FORMULA_START)
