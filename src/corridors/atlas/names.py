"""Resolve what a user typed (an id, a name, an alias or a native name, in any case and script)
to a place or corridor id (folding rules: :mod:`corridors.atlas.scripts`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from corridors.atlas.model import Atlas
from corridors.atlas.native_names import native_labels
from corridors.atlas.scripts import fold, hangul_stem
from corridors.errors import AmbiguousNameError, UnknownPlaceError, UsageError


def normalise(text: str) -> str:
    """The look-up key of a name: :func:`corridors.atlas.scripts.fold` (case, accents, scripts,
    spaces, underscores and dashes: ``rajin_port`` = ``Rajin port``, ``나진 항`` = ``나진항``)."""
    return fold(text)


class LabelIndex(NamedTuple):
    """Every label (id, name, alias, native name) of places or corridors, by look-up key (a
    named tuple: a frozen dataclass took ~0.4 ms to create at every start).

    ``exact`` maps a :func:`normalise` key to the ids it names (more than one only when two
    entries' labels fold alike); ``stems`` maps a Hangul key without its generic suffix
    (:func:`~corridors.atlas.scripts.hangul_stem`) to the ids whose labels have that stem.
    """

    exact: dict[str, tuple[str, ...]]
    stems: dict[str, tuple[str, ...]]
    what: str

    @classmethod
    def build(cls, entries: Iterable[tuple[str, Iterable[str]]], *, what: str) -> LabelIndex:
        exact: dict[str, dict[str, None]] = {}
        stems: dict[str, dict[str, None]] = {}
        for entry_id, labels in entries:
            for label in labels:
                key = fold(label)
                exact.setdefault(key, {})[entry_id] = None
                stem = hangul_stem(key)
                if stem is not None:
                    stems.setdefault(stem, {})[entry_id] = None
        return cls(
            {k: tuple(v) for k, v in exact.items()},
            {k: tuple(v) for k, v in stems.items()},
            what,
        )

    def candidates(self, text: str) -> tuple[str, ...]:
        """The ids ``text`` may name: its exact key's, else (Hangul) its stem's; may be empty.

        The stem fallback tries, in order: the typed key without its suffix as a full label
        (``나진항`` finds a place called ``나진``), then the typed key as the stem of labels
        (``나진`` finds ``나진역`` and ``나진항``: two places, so an ambiguity), then both stemmed.
        """
        key = fold(text)
        found = self.exact.get(key)
        if found:
            return found
        stem = hangul_stem(key)
        for attempt in (
            self.exact.get(stem) if stem else None,
            self.stems.get(key),
            self.stems.get(stem) if stem else None,
        ):
            if attempt:
                return attempt
        return ()


def place_index(atlas: Atlas) -> LabelIndex:
    """The :class:`LabelIndex` of every place's id, name, aliases and native names."""
    return LabelIndex.build(
        (
            (place.id, (place.id, place.name, *place.aliases, *native_labels(place.names)))
            for place in atlas.places.values()
        ),
        what="places",
    )


def corridor_index(atlas: Atlas) -> LabelIndex:
    """The :class:`LabelIndex` of every corridor's id, name and native names."""
    return LabelIndex.build(
        ((c.id, (c.id, c.name, *native_labels(c.names))) for c in atlas.corridors.values()),
        what="corridors",
    )


def place_labels(atlas: Atlas) -> dict[str, str]:
    """Every normalised label of every place naming one place only, mapped to its id."""
    return {key: ids[0] for key, ids in place_index(atlas).exact.items() if len(ids) == 1}


def resolve_place(
    atlas: Atlas,
    text: str,
    *,
    index: LabelIndex | None = None,
    close: Callable[[str], list[str]] | None = None,
) -> str:
    """The id of the place ``text`` names: an id, name, alias or native name, in any case,
    with or without accents (``Tumangang``, ``Хасан``, ``포항``, ``나진 항``).

    Parameters
    ----------
    atlas : Atlas
    text : str
        What the user typed.
    index : LabelIndex, optional
        A prebuilt :func:`place_index` of ``atlas`` (the network keeps one).
    close : callable, optional
        The near labels of a folded key, as :func:`close_labels` over every label of
        ``index`` would give them (a route file finds them without reading every label).

    Raises
    ------
    AmbiguousNameError
        ``text`` names two or more places (the message lists them).
    UnknownPlaceError
        No place has that label (the message suggests near matches).
    """
    return _resolve(atlas, text, index or place_index(atlas), close=close)


def resolve_corridor(atlas: Atlas, text: str) -> str:
    """The id of the corridor ``text`` names (id, name or native name; see
    :func:`resolve_place`); a line name that several corridors share is an ambiguity."""
    return _resolve(atlas, text, corridor_index(atlas))


def _display(atlas: Atlas, entry_id: str, what: str) -> str:
    entry = atlas.places.get(entry_id) if what == "places" else atlas.corridors.get(entry_id)
    return entry.name if entry is not None else entry_id


def _resolve(
    atlas: Atlas,
    text: str,
    index: LabelIndex,
    *,
    close: Callable[[str], list[str]] | None = None,
) -> str:
    """The id ``text`` names in ``index``; ``close`` finds the near labels of a folded key
    (default: :func:`close_labels` over every label; a route file brings a faster one that
    gives the same list)."""
    found = index.candidates(text)
    what = index.what
    if len(found) == 1:
        return found[0]
    if found:
        listed = ", ".join(f"{_display(atlas, i, what)} ({i})" for i in found[:8])
        more = f" and {len(found) - 8} more" if len(found) > 8 else ""
        raise AmbiguousNameError(
            f"'{text}' names {len(found)} {what}: {listed}{more}; give one of their ids"
        )
    singular = what[:-1]
    suggested = _suggest(text, index, atlas, close)
    raise UnknownPlaceError(f"unknown {singular} '{text}'{suggested}")


CLOSE_COUNT = 6
"""How many near labels :func:`close_labels` gives (names suggested: the first three)."""
CLOSE_CUTOFF = 0.6
"""The least :class:`difflib.SequenceMatcher` ratio of a near label."""


def close_labels(key: str, labels: Iterable[str]) -> list[str]:
    """The labels nearest to the folded ``key``, best first: :func:`difflib.get_close_matches`
    with :data:`CLOSE_COUNT` and :data:`CLOSE_CUTOFF`."""
    import difflib  # only for a name not found: not at import

    return difflib.get_close_matches(key, list(labels), n=CLOSE_COUNT, cutoff=CLOSE_CUTOFF)


def _suggest(
    text: str, index: LabelIndex, atlas: Atlas, close: Callable[[str], list[str]] | None
) -> str:
    what = index.what
    key = fold(text)
    near = close(key) if close is not None else close_labels(key, index.exact)
    names: list[str] = []
    for label in near:
        for entry_id in index.exact.get(label, ()):
            display = _display(atlas, entry_id, what)
            if display not in names:
                names.append(display)
    if names:
        return f"; did you mean {', '.join(names[:3])}?"
    return f"; run 'corridors list {what}' to see the known {what}"


def parse_csv_option(value: str | None, *, option: str) -> list[str]:
    """Split a comma-separated option value, rejecting empty items."""
    if value is None:
        return []
    items = [item.strip() for item in value.split(",")]
    if not all(items):
        raise UsageError(f"{option}: empty item in '{value}'; give a comma-separated list")
    return items
