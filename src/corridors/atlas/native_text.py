"""How native names read as text: one line per language for popups, one field for tables and
exports. Plain strings: the callers escape or place them as data."""

from __future__ import annotations

from corridors.atlas.model import NativeName

__all__ = ["LANGUAGE_LABELS", "name_line", "name_sources", "names_field", "names_record"]

LANGUAGE_LABELS = {"ko": "Korean", "ru": "Russian", "zh": "Chinese"}
"""The English name of each language tag of :class:`~corridors.atlas.model.NativeName`."""


def name_line(entry: NativeName) -> str:
    """``나진항 (also 라진항, 나진)``; ``(estimate)`` appended when no source gives it."""
    text = entry.name
    if entry.aliases:
        text += f" (also {', '.join(entry.aliases)})"
    if entry.estimate:
        text += " (estimate)"
    return text


def name_sources(names: tuple[NativeName, ...]) -> tuple[str, ...]:
    """The source ids of all ``names``, in order (repeats kept: callers dedupe)."""
    return tuple(source for entry in names for source in entry.sources)


def names_field(names: tuple[NativeName, ...]) -> str:
    """All names in one field: ``ko: 나진항; ru: порт Раджин; zh: 罗津港`` ('' if none); an
    estimate is marked ``~`` (``ru: ~Хоный``)."""
    return "; ".join(
        f"{entry.language}: {'~' if entry.estimate else ''}{entry.name}" for entry in names
    )


def names_record(names: tuple[NativeName, ...]) -> dict[str, dict[str, object]]:
    """The names as JSON-ready data, as the atlas writes them (``{"ko": {"name", "aliases",
    "sources", "estimate"}}``)."""
    return {
        entry.language: {
            "name": entry.name,
            "aliases": list(entry.aliases),
            "sources": list(entry.sources),
            "estimate": entry.estimate,
        }
        for entry in names
    }
