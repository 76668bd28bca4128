"""What the atlas reader refuses before it trusts a file: the limits, in one place.

Why: an atlas folder is edited by hand and shared, so a file in it may be anything. Every
command reads it, so a file that hangs the reader (a FIFO), fills the memory (a symlink to
``/dev/zero``), crashes the parser (JSON nested a thousand deep) or smuggles terminal
escapes into names must be refused up front, with one line naming the file. ``corridors add``
checks what it writes with the very same rules, so whatever ``add`` accepts, every other
command can read.

The limits (all refusals are :class:`~corridors.errors.AtlasError`, exit code 2):

- **Files**: only regular files (a symlink to a regular file is followed and allowed);
  FIFOs, sockets, devices, folders and symlinks to them are refused without being read.
  A file larger than :data:`MAX_FILE_BYTES` (512 MiB) is refused; at most that many bytes
  plus one are ever read, whatever the file claims its size is.
- **Text**: UTF-8 (an optional BOM is skipped); anything else is refused.
- **JSON**: containers (objects and lists) nested at most :data:`MAX_JSON_DEPTH` (64) deep;
  a GeoJSON atlas needs 6. Checked by a linear scan before the parser runs, so deep input
  can never reach Python's recursion limit. Numbers must be finite (no ``NaN``,
  ``Infinity`` or overflowing ``1e400``).
- **Strings** (every value and every key, anywhere in a document, including free-form
  ``attributes``): no lone surrogates (``"\\ud800"``), no C0 or C1 control characters or DEL,
  no bidirectional embeddings, overrides or isolates (U+202A-U+202E, U+2066-U+2069). Only
  the values of :data:`MULTILINE_KEYS` (``note``) may hold line breaks (LF, U+2028, U+2029)
  and tabs; ids, names, aliases, labels and every other string are one line.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any, BinaryIO

from corridors._io.files import file_kind, open_checked
from corridors.errors import AtlasError, FileRefusedError

MAX_FILE_BYTES = 512 * 1024 * 1024
"""Largest atlas file (or ``add`` input) read, in bytes: 512 MiB (a 3-million-segment atlas keeps
its places in one 366 MB file)."""
MAX_INPUT_BYTES = 256 * 1024 * 1024
"""Largest file of new corridors (``corridors add``) read, in bytes: 256 MiB, also from a pipe or
stdin (an endless stream is cut off there, before it fills the memory)."""
MAX_JSON_DEPTH = 64
"""Deepest nesting of JSON objects and lists accepted (the top-level container is depth 1)."""
MULTILINE_KEYS = frozenset({"note"})
"""Keys whose string values may hold line breaks and tabs; every other string is one line."""

_BIDI = "\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
_BAD_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}{_SURROGATES}]")
_BAD_ONE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{_BIDI}{_SURROGATES}]")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_DEPTH_STEP = tuple(1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256))


def _kind(mode: int) -> str:
    return file_kind(mode, directory="a folder")


def read_file_limited(
    path: Path | str, *, max_bytes: int = MAX_FILE_BYTES, allow_pipe: bool = False
) -> bytes:
    """The bytes of a regular file, refusing anything that could hang or flood the reader.

    Parameters
    ----------
    path
        The file; a symlink is followed (its target must qualify).
    max_bytes
        Refuse a file larger than this; at most ``max_bytes + 1`` bytes are read.
    allow_pipe
        Also read a FIFO or pipe (``corridors add <(...)``); atlas files never are.

    Raises
    ------
    AtlasError
        One line naming ``path``: missing, unreadable, not a regular file, or too large.
    """
    try:
        with open_checked(
            path, max_bytes=max_bytes, follow_symlinks=True, allow_pipe=allow_pipe
        ) as (handle, found):
            return read_stream_limited(
                handle, label=str(path), max_bytes=max_bytes, size_hint=found.st_size
            )
    except FileRefusedError as exc:
        if exc.size is not None:
            _check_size(path, exc.size, max_bytes)
        advice = (
            "replace it with a plain JSON file"
            if exc.opened
            else "an atlas file must be a plain JSON file: replace it or move it out of the "
            "atlas folder"
        )
        raise AtlasError(f"{path}: is {_kind(exc.mode)}, not a regular file; {advice}") from None
    except OSError as exc:
        raise AtlasError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_stream_limited(
    stream: BinaryIO, *, label: str, max_bytes: int = MAX_FILE_BYTES, size_hint: int = 0
) -> bytes:
    """Read a binary stream to its end, refusing it once it passes ``max_bytes`` bytes.

    ``size_hint``: the size the file had when opened (a regular file's ``fstat``); its bytes
    are asked for in one read, so a large file is not read in pieces and joined (a second copy
    of it). The limit and the end of the stream are checked as for any other stream.
    """
    chunks: list[bytes] = []
    total = 0
    step = max(1 << 20, size_hint + 1)
    while True:
        chunk = stream.read(min(step, max_bytes + 1 - total))
        step = 1 << 20
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            _check_size(label, total, max_bytes, more=True)


def _check_size(path: Path | str, size: int, max_bytes: int, *, more: bool = False) -> None:
    if size > max_bytes:
        amount = f"more than {max_bytes:,} bytes" if more else f"{size:,} bytes"
        raise AtlasError(
            f"{path}: {amount}, over the limit of {max_bytes:,} bytes for one file; split it "
            "(every corridors/*.geojson file is loaded) or check it is the right file"
        )


def check_json_depth(path: Path | str, text: str, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse JSON text nested deeper than ``max_depth``, without parsing it (no recursion).

    Brackets inside strings are skipped; the scan is linear in the text's length. Malformed
    text may pass; the parser reports it.
    """
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)).encode("ascii")
    if not brackets or max(accumulate(map(_DEPTH_STEP.__getitem__, brackets))) <= max_depth:
        return
    depth = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        depth += 1 if token in "[{" else -1 if token in "]}" else 0
        if depth > max_depth:
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - text.rfind("\n", 0, match.start())
            raise AtlasError(
                f"{path}: JSON nested deeper than {max_depth} levels (line {line} column "
                f"{column}); the atlas allows at most {max_depth}: flatten the data"
            )


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """What makes ``value`` unsafe as atlas text (``None`` if nothing does).

    One-line text (ids, names, labels) may hold no control character at all; multi-line
    text (notes) may hold line feeds and tabs. Neither may hold DEL, C1 controls,
    bidirectional overrides or isolates, or lone surrogates.
    """
    found = (_BAD_MULTILINE if multiline else _BAD_ONE_LINE).search(value)
    if found is None:
        return None
    code = ord(found.group())
    if 0xD800 <= code <= 0xDFFF:
        what = f"a lone surrogate U+{code:04X} (not valid Unicode)"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        what = f"the bidirectional control U+{code:04X}"
    elif code in (0x09, 0x0A, 0x2028, 0x2029):
        what = f"a line break or tab U+{code:04X}"
    else:
        what = f"the control character U+{code:04X}"
    rule = (
        "notes may hold line breaks and tabs, no other control characters"
        if multiline
        else "ids, names and labels must be one line of printable text"
    )
    return f"contains {what}; {rule}"


def _children(value: Any) -> Iterator[tuple[str | int, Any]]:
    return iter(value.items()) if isinstance(value, dict) else enumerate(value)


def _first_problem(doc: Any, max_depth: int) -> tuple[list[str | int], str] | None:
    """The location (keys and indexes) and description of the first unsafe value, if any."""
    # Depth-first with an explicit stack (no recursion): entries are (container, depth, path).
    stack: list[tuple[Any, int, list[str | int]]] = []
    if isinstance(doc, (dict, list)):
        stack.append((doc, 1, []))
    elif isinstance(doc, str):
        problem = text_problem(doc)
        return ([], problem) if problem else None
    while stack:
        container, depth, where = stack.pop()
        if depth > max_depth:
            return where, (
                f"nested deeper than {max_depth} levels; the atlas allows at most {max_depth}: "
                "flatten the data"
            )
        is_dict = isinstance(container, dict)
        for key, item in _children(container):
            if is_dict:
                if not isinstance(key, str):
                    return where, f"has a key {key!r} that is not a string"
                problem = text_problem(key)
                if problem:
                    return where, f"a key {problem}"
            kind = type(item)
            if kind is str:
                problem = text_problem(item, multiline=is_dict and key in MULTILINE_KEYS)
                if problem:
                    return [*where, key], problem
            elif kind is float:
                if not math.isfinite(item):
                    return [*where, key], (
                        f"{item} is not a finite number; give a real number (no NaN or infinity)"
                    )
            elif kind is dict or kind is list or isinstance(item, (dict, list)):
                stack.append((item, depth + 1, [*where, key]))
    return None


def _location(where: list[str | int]) -> str:
    text = ""
    for step in where:
        text += f"[{step}]" if isinstance(step, int) else f".{step[:40]}" if text else step[:40]
        if len(text) > 100:
            return text + "..."
    return text or "the top level"


def check_document(path: Path | str, doc: Any, *, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Refuse a parsed JSON document holding unsafe text, non-finite numbers or deep nesting.

    Checks every string (keys and values) anywhere in ``doc`` with :func:`text_problem`,
    every float for finiteness, and the nesting depth; iterative, so any depth is safe.

    Raises
    ------
    AtlasError
        ``<path>: <location>: <problem>``, e.g.
        ``rail.geojson: features[2].properties.name: contains the control character U+001B``.
    """
    found = _first_problem(doc, max_depth)
    if found is not None:
        where, problem = found
        raise AtlasError(f"{path}: {_location(where)}: {problem}")


def parse_json_text(path: Path | str, data: bytes) -> Any:
    """Decode UTF-8 JSON bytes safely: depth-checked before parsing, finite constants only."""
    return parse_json_checked(path, data)[0]


SCAN_MIN_BYTES = 1 << 20
"""Inputs this large are scanned in bulk first (:mod:`corridors.atlas.json_scan`)."""


def parse_json_checked(path: Path | str, data: bytes) -> tuple[Any, bool]:
    """:func:`parse_json_text`, and whether :func:`check_document` is sure to pass on the result.

    Inputs of :data:`SCAN_MIN_BYTES` or more are scanned in bulk first
    (:func:`corridors.atlas.json_scan.scan_json_bytes`): the regular-expression depth check
    runs only when the scan finds deep nesting or the parser fails (so that it reports
    exactly what it reported before), and a clean scan means :func:`check_document` can find
    nothing. Smaller inputs take the checks directly (and ``False`` is returned).

    Raises
    ------
    AtlasError
        As :func:`parse_json_text`.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AtlasError(
            f"{path}: not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8 JSON"
        ) from None
    clean = False
    if len(data) < SCAN_MIN_BYTES:
        check_json_depth(path, text)
    else:
        from corridors.atlas.json_scan import scan_json_bytes

        scan = scan_json_bytes(data)
        if scan.depth > MAX_JSON_DEPTH:
            check_json_depth(path, text)
        clean = scan.clean and scan.depth <= MAX_JSON_DEPTH
    try:
        return json.loads(text, parse_constant=_reject_constant), clean
    except (ValueError, RecursionError) as exc:
        error = exc
    if len(data) >= SCAN_MIN_BYTES:
        check_json_depth(path, text)  # before the parser's error, as for small inputs
    raise _parse_error(path, error)


def _parse_error(path: Path | str, exc: ValueError | RecursionError) -> AtlasError:
    """The one-line :class:`AtlasError` for the parser's exception ``exc``."""
    if isinstance(exc, json.JSONDecodeError):
        return AtlasError(
            f"{path}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        )
    if isinstance(exc, RecursionError):  # not reachable after check_json_depth; a last guard
        return AtlasError(f"{path}: JSON nested too deeply; flatten the data")
    return AtlasError(f"{path}: {' '.join(str(exc).split())}")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON; coordinates and numbers must be finite")


__all__ = [
    "MAX_FILE_BYTES",
    "MAX_INPUT_BYTES",
    "MAX_JSON_DEPTH",
    "MULTILINE_KEYS",
    "check_document",
    "check_json_depth",
    "parse_json_checked",
    "parse_json_text",
    "read_file_limited",
    "read_stream_limited",
    "text_problem",
]
