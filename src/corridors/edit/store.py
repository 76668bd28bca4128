"""Safe atlas file edits: plan them, validate the would-be atlas in memory, then write.

An edit appends items to (or removes one item from) a top-level list of one atlas file.
:func:`validate_and_write` applies the edits to the parsed documents, builds the whole
would-be atlas with :func:`corridors.atlas.read.build_atlas` (so an edit can never leave an
invalid atlas), then hands the new bytes to :mod:`corridors._io.atomic`. The new bytes are the
old text with the edit spliced in, so every other item keeps its exact bytes (reviewable
diffs); if the splice does not parse back to the intended document, the file is
re-serialised instead. :func:`run_locked` runs a read-plan-write attempt under the lock.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from corridors._io.atomic import check_lock_timeout
from corridors.atlas.model import (
    CORRIDORS_DIR,
    PLACES_FILE,
    PROGRAMMES_FILE,
    SHIPMENTS_FILE,
    SOURCES_FILE,
    Atlas,
)
from corridors.atlas.read import build_atlas, parse_json_bytes, read_atlas_bytes
from corridors.errors import AtlasError, EditError

T = TypeVar("T")


@dataclass
class AtlasState:
    """The atlas as read under the lock: raw bytes, parsed documents, validated atlas."""

    root: Path
    contents: dict[Path, bytes]
    docs: dict[Path, Any]
    atlas: Atlas

    @classmethod
    def read(cls, root: Path) -> AtlasState:
        """Read, parse and validate the atlas files under ``root`` as they are now."""
        contents, fingerprint = read_atlas_bytes(root)
        docs = {path: parse_json_bytes(path, data) for path, data in contents.items()}
        return cls(root, contents, docs, build_atlas(root, docs, fingerprint=fingerprint))


@dataclass
class FileEdit:
    """Append items to (or remove one item from) the list ``key`` of one atlas file."""

    path: Path
    key: str
    append: list[dict[str, Any]] = field(default_factory=list)
    remove_index: int | None = None


def _new_doc(state: AtlasState, edit: FileEdit) -> Any:
    """The edited document (a new FeatureCollection if the file does not exist yet)."""
    old = state.docs.get(edit.path)
    if old is None:
        doc: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    else:
        doc = dict(old)
        doc[edit.key] = list(old[edit.key])
    if edit.remove_index is not None:
        del doc[edit.key][edit.remove_index]
    doc[edit.key].extend(edit.append)
    return doc


def _ordered_raw(root: Path, docs: dict[Path, Any]) -> dict[Path, Any]:
    """Documents in the loader's order: sources, places, corridor files, shipments, programmes."""
    corridor_dir = root / CORRIDORS_DIR
    order = [root / SOURCES_FILE, root / PLACES_FILE]
    order += sorted(p for p in docs if p.parent == corridor_dir)
    order += [root / SHIPMENTS_FILE, root / PROGRAMMES_FILE]
    return {p: docs[p] for p in order if p in docs}


def validate_and_write(state: AtlasState, edits: list[FileEdit], *, dry_run: bool) -> list[str]:
    """Validate the whole would-be atlas, then (unless dry run) write the edits in order."""
    from corridors._io.atomic import write_files_atomically

    docs = dict(state.docs)
    new_docs = {edit.path: _new_doc(state, edit) for edit in edits}
    docs.update(new_docs)
    try:
        build_atlas(state.root, _ordered_raw(state.root, docs))
    except AtlasError as exc:
        raise EditError(f"the atlas would not be valid after this change: {exc}") from None
    changes = [
        (edit.path, _serialise(state.contents.get(edit.path), new_docs[edit.path], edit))
        for edit in edits
    ]
    if not dry_run:
        write_files_atomically(changes, atlas_root=state.root)
    return [str(edit.path.relative_to(state.root)) for edit in edits]


def run_locked(root: Path, attempt: Callable[[], T], *, dry_run: bool, lock_timeout_s: float) -> T:
    """Run ``attempt`` holding the atlas's writer lock, after clearing a killed writer's temps.

    A dry run only reads, so it runs without the writers' lock (it reads under the readers'
    lock like any reader, and works on a read-only atlas). ``lock_timeout_s`` must be a finite
    number of seconds, zero or more (``UsageError`` otherwise, dry run or not: NaN would fail
    deep inside the lock, a negative value would wait forever).
    """
    check_lock_timeout(lock_timeout_s)
    if dry_run:
        return attempt()
    from corridors._io.atomic import atlas_lock, remove_stale_temps

    with atlas_lock(root, timeout_s=lock_timeout_s):
        remove_stale_temps([root, root / CORRIDORS_DIR])
        return attempt()


def _serialise(old: bytes | None, doc: Any, edit: FileEdit) -> bytes:
    """New file bytes: the old text with the edit spliced in, so other items keep their bytes."""
    if old is not None:
        bom = old.startswith(b"\xef\xbb\xbf")
        text = old.decode("utf-8-sig")
        spliced = _splice(text, edit)
        if spliced is not None:
            try:
                ok = json.loads(spliced) == doc
            except ValueError:
                ok = False
            if ok:
                return (b"\xef\xbb\xbf" if bom else b"") + spliced.encode("utf-8")
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def _skip_ws(text: str, i: int) -> int:
    """Index of the first non-JSON-whitespace character at or after ``i``."""
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i


def _list_spans(text: str, key: str) -> tuple[int, int, list[tuple[int, int]]] | None:
    """Positions of the top-level list ``key``: its '[' and ']' and each item's span."""
    decoder = json.JSONDecoder()
    try:
        i = _skip_ws(text, 0)
        if text[i] != "{":
            return None
        i = _skip_ws(text, i + 1)
        while text[i] != "}":
            if text[i] != '"':
                return None
            name, i = decoder.raw_decode(text, i)  # the key: a string token
            i = _skip_ws(text, i)
            if text[i] != ":":
                return None
            i = _skip_ws(text, i + 1)
            if name == key:
                if text[i] != "[":
                    return None
                opening = i
                spans: list[tuple[int, int]] = []
                j = _skip_ws(text, i + 1)
                while text[j] != "]":
                    _, end = decoder.raw_decode(text, j)
                    spans.append((j, end))
                    j = _skip_ws(text, end)
                    if text[j] == ",":
                        j = _skip_ws(text, j + 1)
                    elif text[j] != "]":
                        return None
                return opening, j, spans
            _, i = decoder.raw_decode(text, i)
            i = _skip_ws(text, i)
            if text[i] == ",":
                i = _skip_ws(text, i + 1)
    except (ValueError, IndexError):
        return None
    return None


def _splice(text: str, edit: FileEdit) -> str | None:
    """The file text with the edit applied in place, matching its indentation; None if unsure."""
    found = _list_spans(text, edit.key)
    if found is None:
        return None
    opening, closing, spans = found
    if edit.remove_index is not None:
        k = edit.remove_index
        if len(spans) == 1:
            text = text[: opening + 1] + text[closing:]
        elif k == 0:
            text = text[: spans[0][0]] + text[spans[1][0] :]
        else:
            text = text[: spans[k - 1][1]] + text[spans[k][1] :]
        if not edit.append:
            return text
        found = _list_spans(text, edit.key)
        if found is None:
            return None
        opening, closing, spans = found
    if not edit.append:
        return text
    if not spans:
        return None  # an empty list: re-serialise the whole (small) file
    start, end = spans[-1]
    line_start = text.rfind("\n", 0, start) + 1
    prefix = text[line_start:start] if not text[line_start:start].strip() else ""
    item_text = text[start:end]
    indent: int | None = None
    if "\n" in item_text:
        second = item_text.split("\n", 1)[1]
        indent = max(1, len(second) - len(second.lstrip(" ")) - len(prefix))
    separator = text[spans[-2][1] : spans[-1][0]] if len(spans) > 1 else ",\n" + prefix
    if "," not in separator:
        return None
    ascii_only = "\\u" in text and all(ord(c) < 128 for c in text)
    pieces = []
    for item in edit.append:
        dumped = json.dumps(item, indent=indent, ensure_ascii=ascii_only)
        if indent is not None:
            dumped = dumped.replace("\n", "\n" + prefix)
        pieces.append(separator + dumped)
    return text[:end] + "".join(pieces) + text[end:]
