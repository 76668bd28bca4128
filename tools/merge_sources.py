"""Merge one source into another: every reference to OLD becomes NEW, and OLD leaves sources.json.

Two ids that cite the same report (same URL or title) split the atlas's evidence in two. This
rewrites every JSON string exactly equal to OLD in the atlas files (places, corridor files,
shipments, programmes: ``sources`` lists, ``reported_length_source``, history events...) to NEW,
drops the repeat when a list then names NEW twice, removes OLD's entry from sources.json and
appends what OLD said that NEW did not (its note, and its title if it differs) to NEW's note.

Files other than sources.json are edited as text, token by token, so every other byte (and the
diff a reviewer reads) stays as it was; each rewritten file is checked to parse to exactly the
structurally rewritten document. Re-running it after other branches are merged is safe: with
OLD already gone from sources.json it only rewrites the references the merge brought back.
Run from the repository root:

    python tools/merge_sources.py OLD NEW [--atlas geo]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
_STRING = r'"(?:[^"\\\n]|\\.)*"'
# A flat JSON array of strings (what every list of source ids is), with its layout.
_STRING_ARRAY = re.compile(r"\[\s*" + _STRING + r"(?:\s*,\s*" + _STRING + r")*\s*\]")


def atlas_files(atlas: Path) -> list[Path]:
    """Every atlas file that may cite a source, except sources.json itself."""
    files = [atlas / "places.geojson", *sorted((atlas / "corridors").glob("*.geojson"))]
    files += [atlas / name for name in ("shipments.json", "programmes.json")]
    return [path for path in files if path.is_file()]


def rewrite_value(value: Any, old: str, new: str) -> Any:
    """`value` with every string equal to `old` replaced by `new`; lists keep one `new`."""
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, dict):
        return {key: rewrite_value(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        out = [rewrite_value(item, old, new) for item in value]
        if any(item == old for item in value):
            seen = False
            kept = []
            for item in out:
                if item == new:
                    if seen:
                        continue
                    seen = True
                kept.append(item)
            out = kept
        return out
    return value


def _dedupe_array(match: re.Match[str], token: str) -> str:
    """One flat string array's text without repeats of `token` (the first one stays)."""
    text = match.group(0)
    if text.count(token) < 2:
        return text
    parts = re.split(r"(\s*,\s*)", text[1:-1])  # items and the separators between them
    lead = re.match(r"\s*", parts[0])
    trail = re.search(r"\s*$", parts[-1])
    head = lead.group(0) if lead else ""
    tail = trail.group(0) if trail else ""
    items = [part.strip() for part in parts[0::2]]
    separator = parts[1] if len(parts) > 1 else ", "
    kept: list[str] = []
    for item in items:
        if item == token and token in kept:
            continue
        kept.append(item)
    return "[" + head + separator.join(kept) + tail + "]"


def rewrite_text(text: str, old: str, new: str) -> str:
    """The file text with the string token `"old"` replaced by `"new"`, repeats dropped."""
    old_token, new_token = json.dumps(old), json.dumps(new)
    if old_token not in text:
        return text
    text = text.replace(old_token, new_token)
    return _STRING_ARRAY.sub(lambda m: _dedupe_array(m, new_token), text)


def merged_note(keep: dict[str, Any], gone: dict[str, Any]) -> str | None:
    """NEW's note plus what OLD adds (its title if different, its note if not already there)."""
    parts = [keep["note"]] if keep.get("note") else []
    if gone.get("title") and gone["title"] != keep.get("title"):
        parts.append(f"Also cited as \u201c{gone['title']}\u201d ({gone['id']}, merged).")
    if gone.get("note") and gone["note"] not in (keep.get("note") or ""):
        parts.append(gone["note"])
    return " ".join(parts) or None


def merge_sources(atlas: Path, old: str, new: str) -> list[Path]:
    """Merge source `old` into `new` in the atlas folder; return the files changed."""
    changed: list[Path] = []
    sources_path = atlas / "sources.json"
    doc = json.loads(sources_path.read_text(encoding="utf-8"))
    by_id = {item["id"]: item for item in doc["sources"]}
    if new not in by_id:
        raise SystemExit(f"{sources_path}: no source '{new}' to merge into")
    if old == new:
        raise SystemExit("OLD and NEW are the same id")
    if old in by_id:
        gone = by_id[old]
        keep = by_id[new]
        note = merged_note(keep, gone)
        if note is not None:
            keep["note"] = note
        doc["sources"] = [item for item in doc["sources"] if item["id"] != old]
        doc = rewrite_value(doc, old, new)
        sources_path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", "utf-8")
        changed.append(sources_path)
    for path in atlas_files(atlas):
        text = path.read_text(encoding="utf-8")
        rewritten = rewrite_text(text, old, new)
        if rewritten == text:
            continue
        expected = rewrite_value(json.loads(text), old, new)
        if json.loads(rewritten) != expected:
            raise SystemExit(f"{path}: text and JSON rewrites disagree; not written")
        path.write_text(rewritten, encoding="utf-8")
        changed.append(path)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("old", help="the source id to remove")
    parser.add_argument("new", help="the source id that stays")
    parser.add_argument("--atlas", type=Path, default=ROOT / "geo", help="atlas folder")
    args = parser.parse_args(argv)
    changed = merge_sources(args.atlas, args.old, args.new)
    for path in changed:
        print(f"rewrote {path}")
    if not changed:
        print(f"nothing to do: no reference to '{args.old}' left")
    return 0


if __name__ == "__main__":
    sys.exit(main())
