"""Resolve what a user typed (an id, a name or an alias, any case) to a place or corridor id."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from corridors.atlas.model import Atlas
from corridors.errors import UnknownPlaceError, UsageError

_SEPARATORS = re.compile(r"[\s_\-–—]+")


def normalise(text: str) -> str:
    """Case-fold; spaces, underscores and dashes count alike (``rajin_port`` = ``Rajin port``)."""
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def _label_index(entries: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for entry_id, labels in entries:
        for label in labels:
            index.setdefault(normalise(label), entry_id)
    return index


def place_labels(atlas: Atlas) -> dict[str, str]:
    """Every normalised id, name and alias of every place, mapped to the place id."""
    return _label_index(
        (place.id, (place.id, place.name, *place.aliases)) for place in atlas.places.values()
    )


def resolve_place(atlas: Atlas, text: str) -> str:
    """The id of the place ``text`` names; ``UnknownPlaceError`` with suggestions if none."""
    labels = place_labels(atlas)
    found = labels.get(normalise(text))
    if found is not None:
        return found
    raise UnknownPlaceError(f"unknown place '{text}'{_suggest(text, labels, atlas, 'places')}")


def resolve_corridor(atlas: Atlas, text: str) -> str:
    """The id of the corridor ``text`` names (id or name, any case)."""
    labels = _label_index((c.id, (c.id, c.name)) for c in atlas.corridors.values())
    found = labels.get(normalise(text))
    if found is not None:
        return found
    raise UnknownPlaceError(
        f"unknown corridor '{text}'{_suggest(text, labels, atlas, 'corridors')}"
    )


def _suggest(text: str, labels: dict[str, str], atlas: Atlas, what: str) -> str:
    close = difflib.get_close_matches(normalise(text), list(labels), n=6, cutoff=0.6)
    names: list[str] = []
    for label in close:
        entry_id = labels[label]
        entry = atlas.places.get(entry_id) if what == "places" else atlas.corridors.get(entry_id)
        display = entry.name if entry is not None else entry_id
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
