"""A fast scan of JSON bytes: nesting depth, and whether any text or number could be unsafe.

Why: :func:`corridors.atlas.safe_input.check_json_depth` (regular expressions over the text)
and :func:`corridors.atlas.safe_input.check_document` (a walk over every parsed value) were a
third of a 10^6-segment atlas's first build. Both stay the rules and write every message; this
module only tells, with a few whole-buffer passes (``bytes.replace``, ``bytes.translate``,
numpy; imported only for large files), when they cannot find anything, so that they need not run:

- **depth**: the exact nesting depth of objects and lists outside strings (escaped quotes and
  backslashes removed first; quotes, backslashes and brackets are single bytes in UTF-8);
- **clean**: no escape that can make a control character, a line break, a bidirectional
  control or a lone surrogate (``\\n``, ``\\u0000``-``\\u001f``, ``\\u007f``-``\\u009f``,
  ``\\u2028``-``\\u202e``, ``\\u2066``-``\\u2069``, ``\\ud800``-``\\udfff``), no such character
  raw (DEL, C1, U+2028-U+202E, U+2066-U+2069), and no number that could overflow to infinity
  (none with an exponent, none with 300 or more digits). Anything else means "maybe": the full
  checks run, and they decide. A false "maybe" costs time, never a different answer.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

__all__ = ["JsonScan", "scan_json_bytes"]

_ESCAPE = re.compile(
    rb"\\(?:[bfnrt]|u(?:00(?:[01][0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])"
    rb"|20(?:2[89a-eA-E]|6[6-9])|[dD][89a-fA-F][0-9a-fA-F]{2}))"
)
_UNICODE_ESCAPE = re.compile(rb"\\u[0-9a-fA-F]{4}")  # its hex digits are no number
_RAW = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")
# Digits and '.' -> '0', exponent letters -> 'e', everything else -> ' ' (for number checks).
_NUMBERS = bytes(
    ord("0") if chr(b) in "0123456789." else ord("e") if chr(b) in "eE" else ord(" ")
    for b in range(256)
)
_LONG_NUMBER = b"0" * 300
_NOT_MARKS = bytes(b for b in range(256) if b not in b'"[]{}')
_STEPS = np.zeros(256, dtype=np.int8)  # an opening bracket +1, a closing one -1
_STEPS[list(b"[{")] = 1
_STEPS[list(b"]}")] = -1


class JsonScan(NamedTuple):
    """What :func:`scan_json_bytes` found."""

    depth: int
    """Deepest nesting of objects and lists (0: a bare value); exact for well-formed JSON."""
    clean: bool
    """True only if no string can hold an unsafe character and no number can be infinite."""


def scan_json_bytes(data: bytes) -> JsonScan:
    """Scan UTF-8 JSON ``data`` (a BOM allowed) without parsing it.

    Parameters
    ----------
    data : bytes
        The file's bytes. Malformed JSON gives some answer; the parser then refuses it.

    Returns
    -------
    JsonScan
    """
    unescaped = data.replace(b"\\\\", b"")  # a pair is one literal backslash
    clean = (b"\\" not in unescaped or _ESCAPE.search(unescaped) is None) and (
        b"\x7f" not in data if data.isascii() else _RAW.search(data) is None
    )
    if b"\\u" in unescaped:
        unescaped = _UNICODE_ESCAPE.sub(b"", unescaped)  # inside strings, and not numbers
    clean = clean and not _numbers_may_overflow(unescaped)
    # Only quotes and brackets left (escaped quotes gone): every quote opens or closes a string.
    return JsonScan(_depth(unescaped.replace(b'\\"', b"").translate(None, _NOT_MARKS)), clean)


def _numbers_may_overflow(data: bytes) -> bool:
    """Whether some number may be too large for a float: it has an exponent or 300+ digits."""
    shapes = data.translate(_NUMBERS)
    return b"0e" in shapes or _LONG_NUMBER in shapes


def _depth(marks: bytes) -> int:
    """The nesting depth of ``marks``: the quotes and brackets of JSON text, in order."""
    # Strings without brackets are pairs of adjacent quotes: when removing those leaves no
    # quote, every string was such a pair and every bracket is outside strings.
    brackets = marks.replace(b'""', b"")
    if b'"' in brackets:
        codes = np.frombuffer(marks, dtype=np.uint8)
        quote = codes == ord('"')
        outside = (np.cumsum(quote, dtype=np.int64) & 1) == 0
        brackets = codes[outside & ~quote].tobytes()
    steps = _STEPS[np.frombuffer(brackets, dtype=np.uint8)]
    return max(int(np.cumsum(steps, dtype=np.int64).max()), 0) if len(steps) else 0
