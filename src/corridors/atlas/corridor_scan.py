"""A plain corridor file read into columns straight from its bytes, without ``json.loads``.

Why: at 10^6 segments, parsing each corridor file into Python objects (one per coordinate),
walking them for unsafe text and reading them back into columns was ~25 s of a first build
(research/first-build-profile.md). A generated or tidy file has one layout: feature after
feature, the same keys in the same order, plain strings, plain decimal coordinates. For such
a file, :func:`scan_corridor_columns` cuts the columns out of the text with one regular
expression per feature, parses every coordinate in bulk (numpy, no object per number) and
checks the columns with the very rules of :mod:`corridors.atlas.columns`.

It only recognises; it never judges. Anything it does not fully recognise (an escape, other
keys or key orders, whitespace other than ``json.dumps``'s two layouts, an exponent, a number
with more than 15 fraction digits, a BOM, a control character...) gives ``None``, and the
caller parses the file the usual way, whose checks and messages are unchanged. Whatever it
accepts, it returns exactly what ``json.loads`` followed by
:func:`~corridors.atlas.columns.plain_corridor_columns` returns (tests/test_corridor_scan.py
compares the two on generated and mutated files):

- strings hold no backslash and no control character, so their text is their value; the
  characters the safety rules refuse (DEL, C1, U+2028-U+202E, U+2066-U+2069) refuse the file;
- values that repeat (mode, status, year, via, sources, attributes) are captured as runs of
  ``"key":value`` text and each distinct run is parsed by ``json.loads`` itself;
- coordinates are ``-?D{1,3}.D{1,15}`` (a float for ``json.loads``) and are computed as
  ``mantissa / 10**digits``: one IEEE division of two exact values, so correctly rounded like
  ``float()`` when the mantissa is below 2**53; longer ones go through ``float()``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np

from corridors.atlas.columns import (
    _KEYS,
    CorridorColumns,
    plain_positions,
    plain_property_columns,
)
from corridors.atlas.model import Place, Source

__all__ = ["scan_corridor_columns"]

_RAW_UNSAFE = re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]")
"""Characters the safety rules refuse that JSON allows raw in a string (as in json_scan)."""
_WS = "[ \t\n\r]*"
_STRING = r'"[^"\\\x00-\x1f]*"'
_STRINGS = rf"\[(?:{_STRING}(?:{{c}}{_STRING})*)?\]"
_NUMBER = r"-?(?:0|[1-9][0-9]{0,19})(?:\.[0-9]{1,30})?"
_FLAT = rf"{_STRING}{{k}}(?:{_STRING}|{_NUMBER}|true|false|null)"
_VALUES = {
    # Repeating values: parsed once per distinct run by json.loads.
    "mode": _STRING,
    "status": _STRING,
    "status_year": r"-?(?:0|[1-9][0-9]{0,8})",
    "via": rf"(?:null|{_STRINGS})",
    "sources": rf"(?:null|{_STRINGS})",
    "attributes": rf"(?:null|\{{(?:{_FLAT}(?:{{c}}{_FLAT})*)?\}})",
    **dict.fromkeys(("reported_length_km", "reported_length_source", "history", "names"), "null"),
}
_OWN = ("id", "name", "from", "to", "note", "via")
"""Keys whose values differ per feature: a group each (strings without their quotes; the
note and via as written)."""
_MAX_FRACTION = 15
_LAYOUTS = ((",", ":"), (", ", ": "))
"""Separators between items and after keys: compact, and ``json.dumps``'s default."""
_POW10 = np.array([float(10**k) for k in range(23)])
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_patterns: dict[tuple[Any, ...], tuple[re.Pattern[str], list[Any]]] = {}


def scan_corridor_columns(
    data: bytes, places: dict[str, Place], sources: dict[str, Source]
) -> CorridorColumns | None:
    """The columns of a plain corridor file, read from its bytes; ``None`` if not recognised.

    Parameters
    ----------
    data : bytes
        The file's bytes, as read.
    places, sources : dict
        The atlas's validated places and sources.

    Returns
    -------
    CorridorColumns or None
        Exactly what :func:`corridors.atlas.columns.plain_corridor_columns` returns for the
        parsed file, when the file has the plain layout; ``None`` otherwise (the caller then
        parses it the usual way, which decides and names any problem).
    """
    try:
        return _scan(data, places, sources)
    except (ValueError, TypeError, AttributeError, KeyError, IndexError, OverflowError):
        return None


def _scan(
    data: bytes, places: dict[str, Place], sources: dict[str, Source]
) -> CorridorColumns | None:
    if b"\\" in data or data.startswith(b"\xef\xbb\xbf") or b"\x7f" in data:
        return None
    if not data.isascii() and _RAW_UNSAFE.search(data) is not None:
        return None
    text = data.decode("utf-8")  # UnicodeDecodeError is a ValueError: None
    for c, k in _LAYOUTS:
        head = re.compile(f'{_WS}{{"type"{k}"FeatureCollection"{c}"features"{k}\\[').match(text)
        if head is not None:
            break
    else:
        return None
    start = head.end()
    end = len(text.rstrip(" \t\n\r")) - 2
    if end <= start or text[end : end + 2] != "]}":
        return None
    first, _ = json.JSONDecoder().raw_decode(text, start)
    built = _feature_pattern(first, c, k)
    if built is None:
        return None
    pattern, groups = built
    # Split at every feature: the text between features (every step-th item) must be empty, so
    # that the features follow each other from the "[" to the "]" with nothing between.
    if text[end - 1] != "}":  # the last feature is followed by "]}", not a comma
        return None
    parts = pattern.split(text[start:end])
    del text
    step = len(groups) + 1
    count = len(parts) // step
    if count == 0 or parts[::step].count("") != count + 1:
        return None
    by_group = {group: parts[n::step] for n, group in enumerate(groups, 1)}
    del parts
    lines = _positions(by_group.pop("coordinates"), c)
    if lines is None:
        return None
    found = _property_columns(by_group, count, c)
    if found is None:
        return None
    checked = plain_property_columns(found, count, places, sources)
    if checked is None:
        return None
    xy, counts = lines
    return CorridorColumns(**checked, xy=xy, counts=counts)


def _feature_pattern(first: Any, c: str, k: str) -> tuple[re.Pattern[str], list[Any]] | None:
    """The regular expression of every feature laid out as ``first`` (its key orders), and
    what each of its groups holds."""
    if type(first) is not dict or sorted(first) != ["geometry", "properties", "type"]:
        return None
    geometry, props = first["geometry"], first["properties"]
    if type(geometry) is not dict or sorted(geometry) != ["coordinates", "type"]:
        return None
    if type(props) is not dict or not props or not set(props) <= set(_KEYS):
        return None
    key = (tuple(first), tuple(geometry), tuple(props), c, k)
    if key not in _patterns:
        if len(_patterns) >= 32:  # a long-lived process reading many layouts
            _patterns.clear()
        _patterns[key] = _compile(*key)
    return _patterns[key]


def _compile(
    feature_keys: tuple[str, ...],
    geometry_keys: tuple[str, ...],
    prop_keys: tuple[str, ...],
    c: str,
    k: str,
) -> tuple[re.Pattern[str], list[Any]]:
    groups: list[Any] = []

    def pair(name: str, value: str) -> str:
        return f'"{name}"{k}{value}'

    def geometry() -> str:
        parts = []
        for name in geometry_keys:
            if name == "type":
                parts.append(pair(name, '"LineString"'))
            else:
                groups.append("coordinates")
                space = " " if c == ", " else ""
                parts.append(pair(name, rf"(\[\[[-0-9.,\[\]{space}]*\]\])"))
        return r"\{" + c.join(parts) + r"\}"

    def properties() -> str:
        parts: list[str] = []
        run: list[str] = []

        def close_run() -> None:
            if run:
                parts.append("(" + re.escape(c).join(pair(n, _value(n, c, k)) for n in run) + ")")
                groups.append(tuple(run))
                run.clear()

        for name in prop_keys:
            if name in _OWN:
                close_run()
                if name in ("note", "via"):
                    value = (
                        "(" + (f"{_STRING}|null" if name == "note" else _value(name, c, k)) + ")"
                    )
                else:
                    value = r'"([^"\\\x00-\x1f]*)"'
                parts.append(pair(name, value))
                groups.append(name)
            else:
                run.append(name)
        close_run()
        return r"\{" + re.escape(c).join(parts) + r"\}"

    items = []
    for name in feature_keys:
        if name == "type":
            items.append(pair(name, '"Feature"'))
        elif name == "geometry":
            items.append(pair(name, geometry()))
        else:
            items.append(pair(name, properties()))
    separator = re.escape(c)
    source = r"\{" + separator.join(items) + r"\}(?:" + separator + r"|\Z)"
    return re.compile(source), groups


def _value(name: str, c: str, k: str) -> str:
    return _VALUES[name].replace("{c}", re.escape(c)).replace("{k}", re.escape(k))


def _property_columns(by_group: dict[Any, list[str]], count: int, c: str) -> dict[str, Any] | None:
    """Every key of ``_KEYS`` as a column of parsed values (None where absent)."""
    found: dict[str, list[Any]] = {}
    for group, values in by_group.items():
        if group == "note":
            found["note"] = [None if v == "null" else v[1:-1] for v in values]
        elif group == "via":
            found["via"] = _string_lists(values, c)
        elif isinstance(group, str):
            found[group] = values
        else:
            parsed = {text: json.loads("{" + text + "}") for text in set(values)}
            if any(list(value) != list(group) for value in parsed.values()):
                return None
            rows = {text: tuple(value.values()) for text, value in parsed.items()}
            for key, column in zip(
                group, zip(*map(rows.__getitem__, values), strict=True), strict=True
            ):
                found[key] = _one_each(column) if key in _MUTABLE else list(column)
    nothing: list[Any] = [None] * count
    for key in _KEYS:
        found.setdefault(key, nothing)
    return found


_MUTABLE = frozenset({"via", "sources", "attributes"})


def _one_each(column: tuple[Any, ...]) -> list[Any]:
    """The column as a list: the parsed value of each distinct text, one object shared by the
    corridors with that text (equal to what ``json.loads`` makes; the columns are read-only,
    see :class:`~corridors.atlas.columns.CorridorColumns`). Copying a list or dict per corridor
    was ~3 s of a 10^6 first build."""
    return list(column)


def _string_lists(texts: list[str], c: str) -> list[list[str] | None]:
    """The values of ``null`` or ``["a","b"]`` texts (no string holds a quote): a list per
    text, as ``json.loads`` makes them."""
    between = '"' + c + '"'
    parsed = {
        text: None if text == "null" else text[2:-2].split(between) if text != "[]" else []
        for text in set(texts)
    }
    return _one_each(tuple(map(parsed.__getitem__, texts)))


def _positions(lines: list[str], c: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Every line's positions as an (n, 2) array and the count per line, if every coordinate
    is a plain decimal (``-?D{1,3}.D{1,15}``) and every line ``[[x,y],[x,y],...]``; checked as
    :func:`~corridors.atlas.columns.plain_positions` checks parsed lines."""
    text = ";".join(lines).encode("ascii")
    if c != ",":
        text = text.replace(c.encode("ascii"), b",")
        if b" " in text:
            return None
    # And in which order: brackets and commas alone read "[[,],[,],...]" per line.
    skeleton = text.translate(None, b"0123456789.-").replace(b"[,]", b"p")
    if skeleton.replace(b",p", b"") != b"[p];" * (len(lines) - 1) + b"[p]":
        return None
    per_line = np.frombuffer(skeleton, dtype=np.uint8)
    cumulative = np.cumsum(per_line == ord("p"), dtype=np.int64)
    totals = np.append(cumulative[np.flatnonzero(per_line == ord(";"))], cumulative[-1])
    counts = np.diff(totals, prepend=0)
    # The numbers must stand only inside positions: with the brackets between positions and
    # lines made commas and the outer ones cut, no bracket may be left.
    numbers = text[2:-2].replace(b"]];[[", b",").replace(b"],[", b",")
    if b"[" in numbers or b"]" in numbers:
        return None
    values = _decimals(numbers)
    if values is None or len(values) != 2 * int(totals[-1]):
        return None
    return plain_positions(values.reshape(-1, 2), counts)


def _decimals(numbers: bytes) -> np.ndarray | None:
    """The values of comma-separated numbers made of digits, "." and "-", if each is
    ``-?(0|[1-9]D{0,2}).D{1,15}`` (``json.loads`` makes a float of each); rounded as
    ``float()`` rounds."""
    if numbers.translate(None, b"0123456789.-,"):
        return None
    codes = np.frombuffer(numbers, dtype=np.uint8)
    commas = np.flatnonzero(codes == ord(","))
    points = np.flatnonzero(codes == ord("."))
    starts = np.append(0, commas + 1)
    ends = np.append(commas, len(codes))
    # One point inside each number (the numbers are disjoint and in order).
    if len(points) != len(starts) or not ((starts < points) & (points < ends)).all():
        return None
    negative = codes[starts] == ord("-")
    if numbers.count(b"-") != int(np.count_nonzero(negative)):
        return None  # a "-" that does not start its number
    first = starts + negative
    whole, fraction = points - first, ends - points - 1
    if whole.min() < 1 or whole.max() > 3 or fraction.min() < 1 or fraction.max() > _MAX_FRACTION:
        return None
    if ((whole > 1) & (codes[first] == ord("0"))).any():
        return None  # a leading zero
    mantissa = np.fromstring(numbers.replace(b".", b""), dtype=np.int64, sep=",")
    if len(mantissa) != len(points):
        return None
    magnitude = np.abs(mantissa)
    values = magnitude / _POW10[fraction]
    for k in np.flatnonzero(magnitude >= 2**53).tolist():  # 16 digits or more: float() itself
        values[k] = abs(float(numbers[starts[k] : ends[k]]))
    return np.where(negative, -values, values)
