"""Ids and names for new atlas entries: slugs, unique ids, checked text, new sources.

Why: ``corridors add`` makes ids for corridors, junctions and sources the user did not name;
they must match the schema's id patterns and never clash with an existing id.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from corridors.atlas.model import SOURCE_ID_PATTERN, Atlas
from corridors.atlas.safe_input import text_problem
from corridors.edit.types import short
from corridors.errors import EditError

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def slugify(text: str, *, max_len: int = 60) -> str:
    """An atlas id from free text: lowercase ASCII letters and digits joined by '_'."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.casefold()).strip("_")
    return slug[:max_len].strip("_")


def unique_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3`` ... whichever is not taken yet."""
    if base not in taken:
        return base
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"


def check_text(value: Any, what: str, option: str) -> str:
    """A non-empty one-line string, stripped; else an error naming the option to fix."""
    if not isinstance(value, str) or not value.strip():
        raise EditError(f"{what} must be a non-empty string, got {short(value)}; fix {option}")
    problem = text_problem(value)
    if problem:
        raise EditError(f"{what} {short(value)} {problem}; fix {option}")
    return value.strip()


def resolve_source(atlas: Atlas, text: str) -> tuple[str, dict[str, Any] | None]:
    """An existing source id (by id or URL), or a new source entry derived from the text."""
    text = check_text(text, "`source`", "`source`")
    if text in atlas.sources:
        return text, None
    for source in atlas.sources.values():
        if source.url and source.url == text:
            return source.id, None
    is_url = bool(_URL.match(text))
    if not is_url and SOURCE_ID_PATTERN.match(text):
        close = difflib.get_close_matches(text, list(atlas.sources), n=1, cutoff=0.85)
        if close:
            raise EditError(
                f"`source` '{text}' is not a source id; did you mean '{close[0]}'? (give a URL "
                "or a title instead to add a new source)"
            )
    base = text
    if is_url:
        base = re.sub(r"^[a-z][a-z0-9+.-]*://(www\.)?", "", text, flags=re.IGNORECASE)
    source_id = re.sub(r"[^a-z0-9.]+", "-", base.casefold()).strip("-.")[:60].strip("-.")
    source_id = source_id or "source"
    if not SOURCE_ID_PATTERN.match(source_id):
        source_id = "src-" + source_id
    n, candidate = 2, source_id
    while candidate in atlas.sources:
        candidate = f"{source_id}-{n}"
        n += 1
    entry: dict[str, Any] = {"id": candidate, "title": text}
    if is_url:
        entry["url"] = text
    entry["note"] = "added by 'corridors add'; complete the title, publisher and date"
    return candidate, entry
