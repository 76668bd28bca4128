"""A digest of the atlas files that leaves the notes out: equal for two atlases that differ
only in notes.

Why: a note is text for people; nothing but the maps' popups and the place list reads it. An
edit of one note changed the atlas's content hash, so the network cache missed and every
command after it built the route graph again (importing numpy and pyproj, measuring every
line), although the graph was the same. Two users of this digest keep what does not read the
notes: the route index (:mod:`corridors.network.kept_index`) and the maps' page parts
(:mod:`corridors.maps.page_parts`).

Left out: the ``note`` of each corridor, of each corridor history event and of each place
drawn as a point. A zone's note is kept (its popup is drawn in its layer). A file that is not
a JSON object of features as expected, or that repeats a key (which readers may take first
or last), counts by its bytes, so such a file only makes the digest change more often.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = ["masked_bytes", "notes_free_digest"]


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise ValueError("a repeated key")
    return found


def masked_bytes(relative: Path, data: bytes) -> bytes:
    """An atlas file's bytes for the digest: a corridor file or the places file as JSON
    without its notes (prefix ``m``), any other file as it is (prefix ``r``).

    Parameters
    ----------
    relative : Path
        The file's path inside the atlas folder.
    data : bytes
        The file's bytes.
    """
    is_corridors = len(relative.parts) == 2 and relative.parts[0] == "corridors"
    if not (is_corridors or relative.parts == ("places.geojson",)):
        return b"r" + data
    try:
        doc = json.loads(data, object_pairs_hook=_unique)
        for item in doc["features"]:
            props = item["properties"]
            if is_corridors:
                props.pop("note", None)
                for event in props.get("history") or ():
                    event.pop("note", None)
            elif item["geometry"]["type"] == "Point":
                props.pop("note", None)
        text = json.dumps(doc, ensure_ascii=False)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return b"r" + data  # not as expected: the bytes themselves (the digest only misses more)
    return b"m" + text.encode("utf-8", "surrogatepass")


def notes_free_digest(root: Path, contents: Mapping[Path, bytes]) -> str:
    """The SHA-256 of the atlas files ``contents`` (as :func:`corridors.atlas.read.read_atlas_bytes`
    reads them from ``root``), each file's notes left out.

    Parameters
    ----------
    root : Path
        The atlas folder.
    contents : mapping of Path to bytes
        Every atlas file's bytes, keyed by its path under ``root``.

    Returns
    -------
    str
        A hex digest.
    """
    digest = hashlib.sha256()
    for path, data in contents.items():
        relative = path.relative_to(root)
        digest.update(str(relative).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(masked_bytes(relative, data) + b"\0")
    return digest.hexdigest()
