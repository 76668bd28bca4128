"""Read and check the ``names`` of a place or corridor: its names in Korean, Russian and Chinese
scripts, each sourced or marked as an estimate (schema in geo/README.md).

.. code-block:: json

    "names": {"ko": {"name": "나진항", "aliases": ["라진항", "나진"], "sources": ["..."]},
              "ru": {"name": "Раджин", "sources": ["..."]},
              "zh": {"name": "罗津港", "sources": [], "estimate": true}}
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from corridors.atlas.model import NativeName
from corridors.atlas.scripts import LANGUAGE_SCRIPTS, script_problem

__all__ = ["NAME_KEYS", "native_labels", "parse_native_names"]

NAME_KEYS = ("name", "aliases", "sources", "estimate")
"""The keys of one language's entry in ``names``."""


def parse_native_names(
    value: Any, known_sources: Mapping[str, object], fail: Callable[[str, str], NoReturn]
) -> tuple[NativeName, ...]:
    """The :class:`NativeName` entries of a ``names`` value, in ``ko``, ``ru``, ``zh`` order.

    Parameters
    ----------
    value : Any
        The ``names`` property as parsed from JSON (``None`` when absent: no names).
    known_sources : mapping
        The atlas's sources by id.
    fail : callable
        ``fail(field, problem)`` raises the one-line error naming the file and feature
        (``field`` such as ``names.ko.sources``); it never returns.

    Returns
    -------
    tuple of NativeName
    """
    if value is None:
        return ()
    if not isinstance(value, dict):
        fail("names", f"must be an object of language -> name entry, got {value!r}")
    for language in value:
        if language not in LANGUAGE_SCRIPTS:
            fail("names", f"'{language}' is not one of: {', '.join(LANGUAGE_SCRIPTS)}")
    return tuple(
        _entry(language, value[language], known_sources, fail)
        for language in LANGUAGE_SCRIPTS
        if language in value
    )


def _entry(
    language: str,
    entry: Any,
    known_sources: Mapping[str, object],
    fail: Callable[[str, str], NoReturn],
) -> NativeName:
    where = f"names.{language}"
    if not isinstance(entry, dict):
        fail(where, f"must be an object with 'name' and 'sources', got {entry!r}")
    for key in entry:
        if key not in NAME_KEYS:
            fail(where, f"unknown key '{key}'; allowed: {', '.join(NAME_KEYS)}")
    name = _text(entry.get("name"), language, f"{where}.name", fail)
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list):
        fail(f"{where}.aliases", f"must be a list of strings, got {aliases!r}")
    aliases = [_text(a, language, f"{where}.aliases[{i}]", fail) for i, a in enumerate(aliases)]
    estimate = entry.get("estimate", False)
    if not isinstance(estimate, bool):
        fail(f"{where}.estimate", f"must be true or false, got {estimate!r}")
    sources = entry.get("sources")
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        fail(f"{where}.sources", f"must be a list of source ids, got {sources!r}")
    if not sources and not estimate:
        fail(
            f"{where}.sources",
            'needs at least one source; a name no source gives is marked "estimate": true',
        )
    for source_id in sources:
        if source_id not in known_sources:
            fail(f"{where}.sources", f"'{source_id}' is not in sources.json; add it there first")
    return NativeName(
        language=language,
        name=name,
        aliases=tuple(aliases),
        sources=tuple(sources),
        estimate=estimate,
    )


def _text(value: Any, language: str, where: str, fail: Callable[[str, str], NoReturn]) -> str:
    if not isinstance(value, str) or not value.strip():
        fail(where, f"must be a non-empty string, got {value!r}")
    problem = script_problem(language, value)
    if problem is not None:
        fail(where, f"'{value}' {problem}")
    return value.strip()


def native_labels(names: tuple[NativeName, ...]) -> tuple[str, ...]:
    """Every name and alias of ``names``, in order (what look-up matches besides the English)."""
    return tuple(label for entry in names for label in (entry.name, *entry.aliases))
