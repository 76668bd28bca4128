"""Text cells that a spreadsheet shows as text: the one formula guard of every CSV we write.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
leading tab or carriage return hides such a start), so a name from an atlas file anyone may
edit could run ``=HYPERLINK(...)`` or a DDE call on the reader's machine. Such a cell is written
with a leading apostrophe, which spreadsheets show as text and do not display. A cell that is
just a number (``-2.5``, ``+1e3``) is a number to a spreadsheet, not a formula, and is kept.
"""

from __future__ import annotations

import re

__all__ = ["spreadsheet_text"]

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_text(value: str) -> str:
    """``value``, with a leading ``'`` if a spreadsheet would run it as a formula.

    Parameters
    ----------
    value : str
        The cell's text.

    Returns
    -------
    str
        ``value`` unchanged, unless it starts with one of :data:`FORMULA_START` and is not a
        plain decimal number; then ``"'" + value``.
    """
    if value.startswith(FORMULA_START) and _NUMBER.fullmatch(value) is None:
        return "'" + value
    return value
