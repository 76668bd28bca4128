"""A corridor file read into columns, without a :class:`~corridors.atlas.model.Corridor` per line.

Why: at 10^6 segments, making a ``Corridor`` object per line (and then rows, look-ups and lines
from those objects) was most of a first build. A generated or bulk-imported corridor file is
*plain*: every feature a LineString of plain positions (:func:`corridors.atlas.read.plain_line`)
and plain properties (:func:`corridors.atlas.read._plain_corridor`: tidy strings, known places
and sources, no reported length, history or native names). For such a file,
:func:`plain_corridor_columns` checks the same rules a column at a time (list passes and numpy
instead of a function call per feature) and returns the values as parsed.

It never decides that a file is invalid: anything it is not sure of returns ``None``, and the
caller validates the file (or the whole atlas) the usual way, which names the problem. So the
rules stay in :mod:`corridors.atlas.read`; this module only recognises their plainest case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

import numpy as np

from corridors.atlas.model import ID_PATTERN, MODES, STATUSES, Place, Source

__all__ = ["CorridorColumns", "plain_corridor_columns"]

_ABSENT = ("reported_length_km", "reported_length_source", "history", "names")


@dataclass
class CorridorColumns:
    """The corridors of one plain file, column by column, in file order (values as parsed).

    Read-only: a list or dict value (a via, sources, attributes) may be one object shared by
    every corridor of the file that has the same text (:mod:`corridors.atlas.corridor_scan`
    parses each distinct text once); the first build only reads and encodes them.
    """

    ids: list[str]
    names: list[str]
    modes: list[str]
    statuses: list[str]
    years: list[int]
    starts: list[str]
    ends: list[str]
    vias: list[list[str] | None]
    sources: list[list[str]]
    notes: list[str | None]
    attributes: list[dict[str, Any]]
    xy: np.ndarray
    """Every position, shape (n, 2): lon, lat."""
    counts: np.ndarray
    """Positions per corridor (int64)."""

    def __len__(self) -> int:
        return len(self.ids)


def _tidy(value: Any) -> bool:
    return type(value) is str and value != "" and value.strip() == value


def _tidy_list(value: Any) -> bool:
    return type(value) is list and all(map(_tidy, value))


def plain_corridor_columns(
    doc: Any, places: dict[str, Place], sources: dict[str, Source]
) -> CorridorColumns | None:
    """The columns of a parsed corridor file, if every feature is plain; else ``None``.

    Plain means :func:`corridors.atlas.read.parse_corridor_feature` accepts the feature and
    takes its fast path (:func:`~corridors.atlas.read.plain_line` and ``_plain_corridor``), so
    the values here are exactly those of the ``Corridor`` it would make. Duplicate ids and
    names across files are the caller's to check.

    Parameters
    ----------
    doc : object
        The parsed file (already passed the text and number checks of
        :mod:`corridors.atlas.safe_input`).
    places, sources : dict
        The atlas's validated places and sources.
    """
    try:
        return _columns(doc, places, sources)
    except (TypeError, ValueError, AttributeError):  # unhashable or odd values: not plain
        return None


def _columns(
    doc: Any, places: dict[str, Place], sources: dict[str, Source]
) -> CorridorColumns | None:
    if type(doc) is not dict or doc.get("type") != "FeatureCollection":
        return None
    features = doc.get("features")
    if type(features) is not list:
        return None
    if not all(type(f) is dict for f in features):
        return None
    if not all(f.get("type") == "Feature" for f in features):
        return None
    geometries = [f.get("geometry") for f in features]
    if not all(type(g) is dict and g.get("type") == "LineString" for g in geometries):
        return None
    lines = [g.get("coordinates") for g in geometries]
    if not all(type(line) is list for line in lines):
        return None
    xy_counts = _plain_lines(lines)
    if xy_counts is None:
        return None
    props = [f.get("properties") for f in features]
    if not all(type(p) is dict for p in props):
        return None
    columns = _plain_properties(props, places, sources)
    if columns is None:
        return None
    xy, counts = xy_counts
    return CorridorColumns(**columns, xy=xy, counts=counts)


def _plain_lines(lines: list[list[Any]]) -> tuple[np.ndarray, np.ndarray] | None:
    """Every line's positions as an (n, 2) array and the count per line, if every line has two
    or more plain positions (two floats, finite, in range), two distinct, and spans at most
    180 degrees of longitude (so that no segment can cross the antimeridian)."""
    counts = np.fromiter(map(len, lines), dtype=np.int64, count=len(lines))
    if len(counts) == 0:
        return np.zeros((0, 2), dtype=np.float64), counts
    if int(counts.min()) < 2:
        return None
    positions = list(chain.from_iterable(lines))
    if not all(map(list.__instancecheck__, positions)) or set(map(len, positions)) != {2}:
        return None
    if set(map(type, chain.from_iterable(positions))) != {float}:
        return None
    total = len(positions)
    xy = np.fromiter(chain.from_iterable(positions), dtype=np.float64, count=2 * total)
    return plain_positions(xy.reshape(total, 2), counts)


def plain_positions(xy: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(xy, counts)`` if every line (``counts[k]`` positions of ``xy`` each, in order) is
    plain as :func:`_plain_lines` says (two or more positions, finite, in range, two distinct,
    at most 180 degrees of longitude); else ``None``."""
    if len(counts) == 0:
        return xy, counts
    if int(counts.min()) < 2:
        return None
    lon, lat = xy[:, 0], xy[:, 1]
    if not (
        np.isfinite(xy).all()
        and lon.min() >= -180.0
        and lon.max() <= 180.0
        and lat.min() >= -90.0
        and lat.max() <= 90.0
    ):
        return None
    starts = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=starts[1:])
    if (np.maximum.reduceat(lon, starts) - np.minimum.reduceat(lon, starts) > 180.0).any():
        return None
    owner_first = np.repeat(starts, counts)
    same = (lon == lon[owner_first]) & (lat == lat[owner_first])
    if np.logical_and.reduceat(same, starts).any():  # a line of one repeated point
        return None
    return xy, counts


def _plain_properties(
    props: list[dict[str, Any]], places: dict[str, Place], sources: dict[str, Source]
) -> dict[str, Any] | None:
    """The property columns, if every feature's properties are plain (``_plain_corridor``).

    A column at a time: ``map`` over the column with C-level callables, and the checks of
    values that repeat (sources, modes, statuses, via places) made once per distinct value.
    """
    return plain_property_columns(_read_columns(props), len(props), places, sources)


def plain_property_columns(
    found: dict[str, list[Any]],
    count: int,
    places: dict[str, Place],
    sources: dict[str, Source],
) -> dict[str, Any] | None:
    """The property columns of :func:`_plain_properties`, from ``found``: every key of
    ``_KEYS`` as a column of ``count`` values as parsed (None where absent); ``None`` if a
    feature is not plain."""
    column = found.__getitem__
    for name in _ABSENT:
        if column(name).count(None) != count:
            return None
    ids, names, starts, ends = column("id"), column("name"), column("from"), column("to")
    # An id matching ID_PATTERN is a tidy string (joining raises TypeError for any other value).
    if not (_tidy_strings(names) and _ids(ids) and _ids(starts) and _ids(ends)):
        return None
    if not (all(map(places.__contains__, starts)) and all(map(places.__contains__, ends))):
        return None
    modes, statuses = column("mode"), column("status")
    if not (set(modes) <= _MODES and set(statuses) <= _STATUSES):  # unhashable: TypeError
        return None
    years = column("status_year")
    if count and (not _only_types(years, int) or min(years) < 1850 or max(years) > 2100):
        return None
    vias = column("via")
    given = [via for via in vias if via is not None]
    if not _string_lists(given, places.__contains__, allow_empty=True):
        return None
    ids_of = column("sources")
    if not _string_lists(ids_of, sources.__contains__, allow_empty=False):
        return None
    notes = column("note")
    if not _tidy_strings([note for note in notes if note is not None]):
        return None
    attributes = column("attributes")
    if not {type(a) for a in attributes} <= {dict, type(None)}:
        return None
    return {
        "ids": ids,
        "names": names,
        "modes": modes,
        "statuses": statuses,
        "years": years,
        "starts": starts,
        "ends": ends,
        "vias": vias,
        "sources": ids_of,
        "notes": notes,
        "attributes": attributes,
    }


_KEYS = (
    *_ABSENT,
    *("id", "name", "from", "to", "mode", "status", "status_year", "via", "sources", "note"),
    "attributes",
)
_MAX_SHAPES = 16


def _read_columns(props: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Every key of :data:`_KEYS` as a column of ``props``' values (None where absent).

    A bulk file's features share a few key sets: the keys every feature has are read in one
    pass (one ``itemgetter`` call per feature, then transposed), the keys none has are all
    None without a pass, and only the others are read one column at a time.
    """
    count = len(props)
    shapes = {tuple(p) for p in props}
    if not shapes or len(shapes) > _MAX_SHAPES:
        return {key: list(map(dict.get, props, repeat(key))) for key in _KEYS}
    keysets = [set(shape) for shape in shapes]
    always, anywhere = set.intersection(*keysets), set.union(*keysets)
    common = [key for key in _KEYS if key in always]
    columns: dict[str, list[Any]] = {}
    if len(common) == 1:
        columns[common[0]] = list(map(itemgetter(common[0]), props))
    elif common:
        rows = map(itemgetter(*common), props)
        for key, values in zip(common, zip(*rows, strict=True), strict=True):
            columns[key] = list(values)
    nothing: list[Any] = [None] * count
    for key in _KEYS:
        if key not in columns:
            columns[key] = list(map(dict.get, props, repeat(key))) if key in anywhere else nothing
    return columns


_MODES = frozenset(MODES)
_STATUSES = frozenset(STATUSES)
assert ID_PATTERN.pattern.startswith("^") and ID_PATTERN.pattern.endswith("$")
_ID_RUN = re.compile(f"(?:{ID_PATTERN.pattern[1:-1]}\\x00)*")
"""Ids each followed by NUL: one regular-expression pass over a whole column."""


def _only_types(values: list[Any], kind: type) -> bool:
    return set(map(type, values)) <= {kind}


def _tidy_strings(values: list[Any]) -> bool:
    """Every value a non-empty string with no space to strip (``_tidy`` of each)."""
    return _only_types(values, str) and all(values) and list(map(str.strip, values)) == values


def _ids(values: list[str]) -> bool:
    """Every value (a string) matches ``ID_PATTERN`` (which allows no NUL, and no line break
    in the middle: the NUL count proves each id is one run)."""
    joined = "\x00".join(values) + "\x00" if values else ""
    return joined.count("\x00") == len(values) and _ID_RUN.fullmatch(joined) is not None


def _string_lists(lists: list[Any], known: Any, *, allow_empty: bool) -> bool:
    """Every item a list of tidy strings (non-empty unless ``allow_empty``), each ``known``."""
    if not _only_types(lists, list) or (not allow_empty and not all(lists)):
        return False
    items = list(chain.from_iterable(lists))
    if not _only_types(items, str):
        return False
    distinct = list(set(items))
    return _tidy_strings(distinct) and all(map(known, distinct))
