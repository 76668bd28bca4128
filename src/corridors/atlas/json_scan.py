"""A fast scan of JSON bytes: nesting depth, and whether any text or number could be unsafe.

Why: :func:`corridors.atlas.safe_input.check_json_depth` (regular expressions over the text)
and :func:`corridors.atlas.safe_input.check_document` (a walk over every parsed value) were a
third of a 10^6-segment atlas's first build. Both stay the rules and write every message; this
module only tells, with a few whole-buffer passes (``bytes.replace``, ``bytes.translate``,
numpy), when they cannot find anything, so that they need not run:

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

__all__ = ["JsonScan", "scan_json_bytes"]

_ESCAPE = re.compile(
    rb"\\(?:[bfnrt]|u(?:00[0-9a-fA-F]{2}|20(?:2[89a-eA-E]|6[6-9])|[dD][89a-fA-F][0-9a-fA-F]{2}))"
)
_RAW = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")
# Digits and '.' -> '0', exponent letters -> 'e', everything else -> ' ' (for number checks).
_NUMBERS = bytes(
    ord("0") if chr(b) in "0123456789." else ord("e") if chr(b) in "eE" else ord(" ")
    for b in range(256)
)
_LONG_NUMBER = b"0" * 300


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
    import numpy as np

    unescaped = data.replace(b"\\\\", b"")  # a pair is one literal backslash
    clean = (
        _ESCAPE.search(unescaped) is None
        and (_RAW.search(data) is None if not data.isascii() else b"\x7f" not in data)
        and not _numbers_may_overflow(data)
    )
    plain = np.frombuffer(unescaped.replace(b'\\"', b""), dtype=np.uint8)
    wanted = np.zeros(256, dtype=bool)
    wanted[list(b'"[]{}')] = True
    marks = plain[np.flatnonzero(wanted[plain])]
    quote = marks == ord('"')
    outside = (np.cumsum(quote, dtype=np.int64) & 1) == 0
    brackets = marks[outside & ~quote]
    if not len(brackets):
        return JsonScan(0, clean)
    step = np.where((brackets == ord("[")) | (brackets == ord("{")), 1, -1).astype(np.int32)
    return JsonScan(max(int(np.cumsum(step).max()), 0), clean)


def _numbers_may_overflow(data: bytes) -> bool:
    """Whether some number may be too large for a float: it has an exponent or 300+ digits."""
    shapes = data.translate(_NUMBERS)
    return b"0e" in shapes or _LONG_NUMBER in shapes
