"""sources.json cites each report once, and tools/merge_sources.py merges a duplicate pair."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from corridors.atlas.read import load_atlas

REPO = Path(__file__).resolve().parents[1]


def _merge_tool():
    spec = importlib.util.spec_from_file_location("merge_sources", REPO / "tools/merge_sources.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _key(text: str) -> str:
    return text.strip().rstrip("/").casefold()


@pytest.mark.parametrize("fields", [("url",), ("title", "publisher")])
def test_no_two_sources_share_a_url_or_title(fields: tuple[str, ...]) -> None:
    """The same page twice (one URL), or the same title from the same publisher (one article
    read on two mirrors); a title two publishers share ("Dorasan Station") is two sources."""
    sources = json.loads((REPO / "geo/sources.json").read_text())["sources"]
    seen: dict[tuple[str, ...], str] = {}
    for source in sources:
        if not source.get(fields[0]):
            continue
        key = tuple(_key(source.get(field) or "") for field in fields)
        assert key not in seen, f"{source['id']} repeats the {'/'.join(fields)} of {seen[key]}"
        seen[key] = source["id"]


def test_merge_tool_rewrites_references_and_keeps_other_bytes(tmp_path: Path) -> None:
    atlas = tmp_path / "geo"
    shutil.copytree(REPO / "geo", atlas)
    sources = json.loads((atlas / "sources.json").read_text())
    old = dict(sources["sources"][0], id="dup-of-first", note="Only the duplicate says this.")
    sources["sources"].append(old)
    (atlas / "sources.json").write_text(json.dumps(sources, indent=1, ensure_ascii=False) + "\n")
    keep = sources["sources"][0]["id"]
    places = (atlas / "places.geojson").read_text()
    first_sources = '"sources": [\n     "'
    at = places.index(first_sources)
    # The first place now cites the duplicate twice and, after the merge, `keep` twice.
    doubled = places[: at + len(first_sources) - 1] + f'"dup-of-first", "{keep}", "dup-of-first", '
    doubled += places[at + len(first_sources) - 1 :]
    (atlas / "places.geojson").write_text(doubled)
    untouched = (atlas / "corridors/rail.geojson").read_bytes()

    changed = _merge_tool().merge_sources(atlas, "dup-of-first", keep)

    assert sorted(p.name for p in changed) == ["places.geojson", "sources.json"]
    loaded = load_atlas(atlas)
    assert "dup-of-first" not in loaded.sources
    assert "Only the duplicate says this." in (loaded.sources[keep].note or "")
    first = next(iter(loaded.places.values()))
    assert first.sources.count(keep) == 1
    assert (atlas / "corridors/rail.geojson").read_bytes() == untouched
    assert (atlas / "places.geojson").read_text().count("dup-of-first") == 0
    # Running it again finds nothing left to do.
    assert _merge_tool().merge_sources(atlas, "dup-of-first", keep) == []
