"""Rewrite one generated section of README.md: the helper every README generator calls.

``tools/readme_table.py`` (the route table), ``tools/cost_readme.py`` (the cost section) and
``benchmarks/run.py --readme`` (the performance table) each make their text from the code and
put it between two markers of README.md, leaving everything else as it was:

    text = replace_between(text, BEGIN, END, body)   # the markers are kept
    return rewrite(README, text, check=args.check, stale="... run python tools/x.py")
"""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _span(text: str, begin: str, end: str) -> tuple[int, int]:
    """Where the text between the first ``begin`` and the first ``end`` after it lies."""
    start = text.find(begin)
    stop = text.find(end, start + len(begin)) if start >= 0 else -1
    if stop < 0:
        raise SystemExit(f"README.md has no {begin.strip()!r} ... {end.strip()!r} section")
    return start + len(begin), stop


def between(text: str, begin: str, end: str) -> str:
    """What stands between the markers ``begin`` and ``end`` (the first ``end`` after
    ``begin``); SystemExit naming them if they are not there."""
    start, stop = _span(text, begin, end)
    return text[start:stop]


def replace_between(text: str, begin: str, end: str, body: str) -> str:
    """``text`` with what stands between the markers replaced by ``body``; the markers stay."""
    start, stop = _span(text, begin, end)
    return text[:start] + body + text[stop:]


def rewrite(path: Path, text: str, *, check: bool, stale: str) -> int:
    """Write ``text`` to ``path`` (0), or with ``check`` only compare: 1 and print ``stale``
    if the file differs, else 0 (the exit code of a ``--check``)."""
    if check:
        if path.read_text(encoding="utf-8") != text:
            print(stale)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    return 0
