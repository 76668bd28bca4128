"""``places.geojson`` read a column at a time when it is laid out plainly, labels folded once.

Why: at 10^6 segments the atlas has ~600,000 places. Parsing them into dicts, validating each
into a :class:`~corridors.atlas.model.Place`, folding every label for the uniqueness checks and
again for the route file's label index, and encoding a JSON row per place took ~17 s of a first
build (research/first-build-profile.md). A generated or bulk-exported file writes every place
the same way::

    {"type":"Feature","geometry":{"type":"Point","coordinates":[LON,LAT]},
     "properties":{"id":"ID","name":"NAME","aliases":[...],"country":"C","kind":"K",
     "sources":[...]}}

(compact, these keys in this order, printable ASCII strings with no quote, backslash or space
at either end, numbers with a decimal point and no exponent). :func:`scan_places` cuts such
features out of the text with one regular expression per feature, without a JSON object per
value; any other feature between them (the shipped atlas's, with native names or areas) is
parsed by :mod:`json`'s own decoder and checked by the usual rules
(:func:`~corridors.atlas.safe_input.check_document`, :func:`~corridors.atlas.read._plain_place`,
:func:`~corridors.atlas.read._checked_place`). The plain columns are then checked a column at a
time by the rules :func:`~corridors.atlas.read.parse_places` applies (unique ids, no label of two
places, known sources, kinds, countries, positions on Earth), and every label is folded once, in
bulk, for both the checks and the :class:`~corridors.atlas.names.LabelIndex`.

It never decides that a file is invalid: a file it does not fully recognise, or any doubt, is
``None``, and the caller reads the file the usual way, which names the problem. What it returns
equals what :func:`json.loads` and :func:`~corridors.atlas.read.parse_places` make of the same
bytes (tests/test_place_scan.py compares them on generated and fuzzed files).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import chain, compress, repeat
from pathlib import Path
from typing import Any

from corridors.atlas.model import AREA_KINDS, COUNTRIES, PLACE_KINDS, Place, Source
from corridors.atlas.names import LabelIndex
from corridors.atlas.native_names import native_labels
from corridors.atlas.safe_input import MAX_JSON_DEPTH, _reject_constant, check_document
from corridors.atlas.scripts import _SEPARATORS, fold, hangul_stem
from corridors.errors import AtlasError

__all__ = ["PlainPlaces", "PlacesRead", "scan_places"]

_HEAD = '{"type":"FeatureCollection","features":['
_TEXT = r"[!#-\[\]-~](?:[ -!#-\[\]-~]*[!#-\[\]-~])?"  # printable ASCII, no '"' '\', tidy
_NUMBER = r"-?(?:0|[1-9][0-9]{0,2})\.[0-9]+"  # a float (json.loads: float(text)), |x| < 1000
_ID = r"[a-z0-9][a-z0-9_-]*"  # ID_PATTERN, whole
_FEATURE = re.compile(
    '{"type":"Feature","geometry":{"type":"Point","coordinates":\\[(N),(N)\\]},'
    '"properties":{"id":"(I)","name":"(T)","aliases":\\[((?:"T"(?:,"T")*)?)\\],'
    '"country":"(T)","kind":"(T)","sources":\\[("T"(?:,"T")*)\\]}},'.replace("N", _NUMBER)
    .replace("I", _ID)
    .replace("T", _TEXT)
)
"""One plain feature and the comma after it; groups: lon, lat, id, name, aliases (the list's
JSON text inside its brackets), country, kind, sources (likewise)."""
_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace
_POINT_KINDS = frozenset(PLACE_KINDS) - frozenset(AREA_KINDS)


@dataclass(frozen=True)
class PlainPlaces:
    """A run of consecutive plain features: their values as the file writes them."""

    start: int
    """The number of the run's first place (in file order)."""
    ids: tuple[str, ...]
    names: tuple[str, ...]
    aliases: tuple[str, ...]
    """Each place's aliases as the JSON text inside the list's brackets (``""``: none)."""
    countries: tuple[str, ...]
    kinds: tuple[str, ...]
    lons: list[float]
    lats: list[float]
    sources: tuple[str, ...]
    """Each place's sources as the JSON text inside the list's brackets."""


@dataclass(frozen=True)
class PlacesRead:
    """What :func:`scan_places` read."""

    places: dict[str, Place]
    """As :func:`~corridors.atlas.read.parse_places` returns them (same order, equal objects)."""
    labels: LabelIndex
    """:func:`~corridors.atlas.names.place_index` of an atlas with these places."""
    plain: list[PlainPlaces]
    """The plain runs, in order (their JSON rows can be written from the text)."""


def scan_places(path: Path, data: bytes, sources: dict[str, Source]) -> PlacesRead | None:
    """Read ``places.geojson`` from its bytes if it is plainly laid out and valid.

    Parameters
    ----------
    path : Path
        The file (only for the usual checks of the features that are not plain).
    data : bytes
        Its contents.
    sources : dict
        The atlas's sources (:func:`~corridors.atlas.read.parse_sources`).

    Returns
    -------
    PlacesRead or None
        None when the file is not recognised or anything in it would fail a check: the
        caller then parses and validates it the usual way, which reports the problem.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text.startswith(_HEAD):
        return None
    try:
        return _read(path, text, sources)
    except (AtlasError, ValueError, TypeError, RecursionError):
        return None


def _read(path: Path, text: str, sources: dict[str, Source]) -> PlacesRead | None:
    parts = _cut(text)
    if parts is None:
        return None
    ids: list[str] = []
    places: list[Place] = []
    plain: list[PlainPlaces] = []
    labels = _Labels()
    parts.reverse()
    while parts:  # each part dropped once read
        part = parts.pop()
        if isinstance(part, list):
            run = _plain_run(len(ids), part, sources)
            if run is None:
                return None
            ids += run.ids
            places += _places(run)
            plain.append(run)
            labels.add_plain(run)
        else:
            place = _one_place(path, len(ids), part, sources)
            ids.append(place.id)
            places.append(place)
            labels.add(place)
    keyed = dict(zip(ids, places, strict=True))
    if len(keyed) != len(ids):
        return None  # a duplicate id
    index = labels.index()
    if index is None:
        return None
    return PlacesRead(keyed, index, plain)


def _cut(text: str) -> list[list[tuple[str, ...]] | Any] | None:
    """The features in order: runs of plain ones (their groups) and others parsed by json."""
    match = _FEATURE.match
    decode = json.JSONDecoder(parse_constant=_reject_constant).raw_decode
    parts: list[Any] = []
    pos = len(_HEAD)
    while True:
        pos = _skip(text, pos)
        found = match(text, pos)
        if found is not None:
            run = []
            while found is not None:
                run.append(found.groups())
                pos = found.end()
                found = match(text, pos)
            parts.append(run)
            continue
        feature, pos = decode(text, pos)  # ValueError: not JSON here (the caller says so)
        # Its place in the file is two levels down: the same depth limit as the whole file's.
        check_document("", feature, max_depth=MAX_JSON_DEPTH - 2)
        parts.append(feature)
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos += 1
            continue
        if not text.startswith("]", pos):
            return None
        pos = _skip(text, pos + 1)
        if not text.startswith("}", pos) or _skip(text, pos + 1) != len(text):
            return None
        return parts


def _skip(text: str, pos: int) -> int:
    """The position after the JSON whitespace at ``pos``."""
    found = _SPACE.match(text, pos)
    return pos if found is None else found.end()


def _texts(inside: str) -> tuple[str, ...]:
    """The strings of a plain list from the JSON text inside its brackets."""
    return tuple(inside[1:-1].split('","')) if inside else ()


def _plain_run(
    start: int, groups: list[tuple[str, ...]], sources: dict[str, Source]
) -> PlainPlaces | None:
    """The run's columns, if every value passes the rules of
    :func:`~corridors.atlas.read._plain_place` (what the pattern does not already ensure)."""
    lons, lats, ids, names, aliases, countries, kinds, cited = zip(*groups, strict=True)
    del groups[:]  # each value is now held once
    # One string object per distinct value (the pattern makes one per place): Place objects
    # keep them.
    countries, kinds = _shared(countries), _shared(kinds)
    if not (
        set(countries) <= set(COUNTRIES)
        and set(kinds) <= _POINT_KINDS
        and all(set(_texts(each)) <= sources.keys() for each in set(cited))
    ):
        return None
    x, y = list(map(float, lons)), list(map(float, lats))
    if not (min(x) >= -180.0 and max(x) <= 180.0 and min(y) >= -90.0 and max(y) <= 90.0):
        return None
    run = PlainPlaces(
        start,
        ids,
        names,
        aliases,
        countries,
        kinds,
        x,
        y,
        cited,
    )
    return run


def _shared(values: tuple[str, ...]) -> tuple[str, ...]:
    one = {value: value for value in set(values)}
    return tuple(map(one.__getitem__, values))


def _places(run: PlainPlaces) -> list[Place]:
    """The run's :class:`Place` objects, equal to :func:`~corridors.atlas.read._plain_place`'s
    (equal lists of aliases and sources share one tuple)."""
    aliases = {text: _texts(text) for text in set(run.aliases)}
    cited = {text: _texts(text) for text in set(run.sources)}
    return list(
        map(
            Place,
            run.ids,
            run.names,
            map(aliases.__getitem__, run.aliases),
            run.countries,
            run.kinds,
            run.lons,
            run.lats,
            map(cited.__getitem__, run.sources),
        )
    )


def _one_place(path: Path, number: int, feature: Any, sources: dict[str, Source]) -> Place:
    """A feature that is not plain, through the usual checks (AtlasError if one fails)."""
    from corridors.atlas.read import _checked_place, _feature_where, _plain_place

    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise AtlasError("not a feature")
    place = _plain_place(feature.get("properties"), feature.get("geometry"), sources)
    if place is not None:
        return place
    where = partial(_feature_where, path, number, feature)
    return _checked_place(feature, where, {}, sources)[0]


def _fold_ascii(labels: tuple[str, ...] | list[str]) -> list[str]:
    """:func:`~corridors.atlas.scripts.fold` of plain labels (printable ASCII), in bulk.

    In printable ASCII, fold's apostrophes are ``'`` and `````, its separators space, ``_``
    and ``-`` (runs of them one space), and the only space to strip is a space.
    """
    text = "\0".join(labels).lower().replace("'", "").replace("`", "")
    text = text.replace("_", " ").replace("-", " ")
    if "  " in text:
        text = _SEPARATORS.sub(" ", text)
    keys = text.split("\0")
    if " \0" in text or "\0 " in text or text.startswith(" ") or text.endswith(" "):
        keys = list(map(str.strip, keys))
    return keys


class _Labels:
    """Every place's labels in order, folded once: the uniqueness checks and the index.

    ``parse_places`` refuses a label (id, name, alias) whose ``casefold()`` is another place's,
    and a native name whose :func:`~corridors.atlas.scripts.fold` key an earlier place holds.
    When no fold key belongs to two places (the usual case), neither can happen among ASCII
    labels (their casefold is ``lower()``, and fold a function of it) nor for native names, so
    only the few labels of places read the usual way are compared by casefold.
    """

    def __init__(self) -> None:
        self.keys: list[str] = []  # fold() of id, name, aliases, native labels, place by place
        self.owners: list[str] = []
        self.distinct = 0  # sum over places of their distinct fold() keys
        self.runs: list[PlainPlaces] = []
        self.cases: list[str] = []  # casefold() of the labels of places read the usual way
        self.case_distinct = 0  # sum over those places of their distinct casefold() keys
        self.crossing: list[str] = []  # their casefold() keys of non-ASCII labels that are ASCII
        self.native: list[tuple[int, int, str]] = []  # (first, end) of native keys, owner
        self.odd: list[tuple[str, str]] = []  # (key, owner) of keys that may have a stem

    def add_plain(self, run: PlainPlaces) -> None:
        self.runs.append(run)
        if any(run.aliases):
            for owner, labels in zip(run.ids, _plain_labels(run), strict=True):
                keys = _fold_ascii(labels)
                self.keys += keys
                self.owners += [owner] * len(keys)
                self.distinct += len(set(keys))
            return
        folded_ids, folded_names = _fold_ascii(run.ids), _fold_ascii(run.names)
        # Each place's keys in order, its name's left out when it folds like its id.
        other = list(map(str.__ne__, folded_ids, folded_names))
        kept = list(chain.from_iterable(zip(repeat(True), other)))
        self.keys += compress(chain.from_iterable(zip(folded_ids, folded_names, strict=True)), kept)
        self.owners += compress(chain.from_iterable(zip(run.ids, run.ids, strict=True)), kept)
        self.distinct += len(run.ids) + sum(other)

    def add(self, place: Place) -> None:
        """A place read the usual way; its native labels (only a fully checked place has
        any) must name no place listed before it."""
        own = (place.id, place.name, *place.aliases)
        native = native_labels(place.names)
        keys = [fold(label) for label in own]
        every = keys + [fold(label) for label in native]
        if native:
            self.native.append((len(self.keys) + len(keys), len(self.keys) + len(every), place.id))
        self.keys += every
        self.owners += [place.id] * len(every)
        self.distinct += len(set(every))
        self.odd += [(key, place.id) for key in every]
        cased = [label.casefold() for label in own]
        self.cases += cased
        self.case_distinct += len(set(cased))
        self.crossing += [
            c for c, label in zip(cased, own, strict=True) if c.isascii() and not label.isascii()
        ]

    def _plain_cases(self) -> tuple[list[str], int]:
        """casefold() of every plain label (lower(): printable ASCII), and the sum over plain
        places of their distinct keys."""
        cases: list[str] = []
        distinct = 0
        for run in self.runs:
            if any(run.aliases):
                for labels in _plain_labels(run):
                    cased = [label.lower() for label in labels]
                    cases += cased
                    distinct += len(set(cased))
                continue
            half = len(run.ids)
            cased = "\0".join(chain(run.ids, run.names)).lower().split("\0")
            cases += cased
            distinct += half + sum(map(str.__ne__, cased[:half], cased[half:]))
        return cases, distinct

    def index(self) -> LabelIndex | None:
        """The label index, or None if a label names two places (by casefold) or a native
        name names a place listed before (by fold), as ``parse_places`` refuses them."""
        exact: dict[str, tuple[str, ...]] = dict(zip(self.keys, zip(self.owners), strict=True))
        if len(exact) == self.distinct:
            if len(set(self.cases)) != self.case_distinct:
                return None
            if self.crossing and not set(self.crossing).isdisjoint(self._plain_cases()[0]):
                return None
        else:  # a fold key of two places: every check in full, first owner first
            cases, distinct = self._plain_cases()
            if len(set(cases).union(self.cases)) != distinct + self.case_distinct:
                return None
            exact = _grouped(self.keys, self.owners)
            first = dict(zip(reversed(self.keys), reversed(self.owners), strict=True))
            for start, end, owner in self.native:
                if any(first[key] != owner for key in self.keys[start:end]):
                    return None
        stems: dict[str, dict[str, None]] = {}
        for key, owner in self.odd:
            stem = hangul_stem(key)
            if stem is not None:
                stems.setdefault(stem, {})[owner] = None
        return LabelIndex(exact, {k: tuple(v) for k, v in stems.items()}, "places")


def _plain_labels(run: PlainPlaces) -> list[tuple[str, ...]]:
    """Each plain place's id, name and aliases."""
    return [(i, n, *_texts(a)) for i, n, a in zip(run.ids, run.names, run.aliases, strict=True)]


def _grouped(keys: list[str], owners: list[str]) -> dict[str, tuple[str, ...]]:
    """Key -> its owners in first-seen order, keys in first-seen order (as LabelIndex.build)."""
    table: dict[str, dict[str, None]] = {}
    add: Callable[[str, dict[str, None]], dict[str, None]] = table.setdefault
    for key, owner in zip(keys, owners, strict=True):
        add(key, {})[owner] = None
    return {k: tuple(v) for k, v in table.items()}
