"""``sea_distances.json``: published port-to-port sea distances, read and validated.

Optional atlas file (schema: geo/README.md). ``corridors check`` compares every entry with the
distance the regional sea router computes between the two places
(:func:`corridors.check.check_sea_distances`). Not part of the route graph, so not part of
the network cache: it is read when checked.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corridors.atlas.model import Atlas
from corridors.atlas.safe_input import check_document, parse_json_text, read_file_limited
from corridors.errors import AtlasError

SEA_DISTANCES_FILE = "sea_distances.json"


@dataclass(frozen=True)
class SeaDistance:
    """One published sea distance between two atlas places.

    Attributes
    ----------
    start, end : str
        Place ids (the order is the source's; the distance is the same both ways).
    nm : float
        The published distance in international nautical miles.
    source : str
        Source id in sources.json.
    published_pair : str
        The two ports as the source names them.
    proxy : bool
        The source gives this figure for nearby ports standing for ``start`` and ``end`` (the
        ``note`` says which); checked with a looser tolerance.
    tolerance : float or None
        This entry's tolerance (a fraction), if it needs its own (the ``note`` says why).
    note : str or None
    """

    start: str
    end: str
    nm: float
    source: str
    published_pair: str
    proxy: bool
    tolerance: float | None = None
    note: str | None = None


def load_sea_distances(atlas: Atlas) -> tuple[SeaDistance, ...]:
    """The validated entries of ``sea_distances.json`` in the atlas folder (none if absent).

    Raises
    ------
    AtlasError
        One line naming the file, the entry and the field, if the file is malformed or names
        an unknown place or source, a place twice, or the same pair twice.
    """
    path = atlas.root / SEA_DISTANCES_FILE
    if not os.path.lexists(path):
        return ()
    doc = parse_json_text(path, read_file_limited(path))
    check_document(path, doc)
    return parse_sea_distances(path, doc, atlas)


def parse_sea_distances(path: Path, doc: Any, atlas: Atlas) -> tuple[SeaDistance, ...]:
    """Validate a parsed ``sea_distances.json`` document against ``atlas``."""
    if not isinstance(doc, dict) or not isinstance(doc.get("distances"), list):
        raise AtlasError(f"{path}: must be a JSON object with a 'distances' list")
    out: list[SeaDistance] = []
    seen: dict[frozenset[str], int] = {}
    for number, item in enumerate(doc["distances"]):
        where = f"{path}: distance {number}"

        def fail(name: str, problem: str, where: str = where) -> AtlasError:
            return AtlasError(f"{where}: field '{name}': {problem}")

        if not isinstance(item, dict):
            raise AtlasError(f"{where}: must be a JSON object")
        ends = []
        for name in ("from", "to"):
            value = item.get(name)
            if not isinstance(value, str) or value not in atlas.places:
                raise fail(name, f"{value!r} is not a place id of places.geojson")
            ends.append(value)
        if ends[0] == ends[1]:
            raise fail("to", "the same place as 'from'")
        nm: Any = item.get("nm")
        if type(nm) not in (int, float) or not math.isfinite(nm) or nm <= 0:
            raise fail("nm", f"must be a positive number of nautical miles, got {nm!r}")
        source = item.get("source")
        if not isinstance(source, str) or source not in atlas.sources:
            raise fail("source", f"{source!r} is not in sources.json; add it there first")
        published = item.get("published_pair")
        if not isinstance(published, str) or not published.strip():
            raise fail("published_pair", "missing; the two ports as the source names them")
        proxy = item.get("proxy")
        if type(proxy) is not bool:
            raise fail("proxy", f"must be true or false, got {proxy!r}")
        note = item.get("note")
        if note is not None and (not isinstance(note, str) or not note.strip()):
            raise fail("note", "must be a non-empty string if given")
        if proxy and note is None:
            raise fail("note", "required for a proxy: say which port stands for which")
        tolerance: Any = item.get("tolerance")
        if tolerance is not None:
            if type(tolerance) not in (int, float) or not 0 < tolerance < 1:
                raise fail("tolerance", f"must be a fraction between 0 and 1, got {tolerance!r}")
            if note is None:
                raise fail("note", "required with a 'tolerance': say why this entry needs it")
        pair = frozenset(ends)
        if pair in seen:
            raise fail("to", f"the pair {ends[0]} - {ends[1]} is already distance {seen[pair]}")
        seen[pair] = number
        out.append(
            SeaDistance(
                ends[0],
                ends[1],
                float(nm),
                source,
                published,
                proxy,
                None if tolerance is None else float(tolerance),
                note,
            )
        )
    return tuple(out)


__all__ = ["SEA_DISTANCES_FILE", "SeaDistance", "load_sea_distances", "parse_sea_distances"]
