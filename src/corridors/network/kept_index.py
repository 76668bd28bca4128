"""The route index kept across edits of notes: a network whose atlas differs from a cached one
only in notes reuses that network's route index instead of building it again.

Why: after an edit of a note the atlas's content hash changes, so the network cache misses,
and ``corridors check``, ``build``, ``route`` ... built the route graph again: imported numpy
and pyproj and measured every line (two thirds of a ``check`` after such an edit on the
shipped atlas), for the very same graph. The route index reads no note
(:func:`corridors.network.index.build_index`), so the index of an atlas with the same
:func:`~corridors.atlas.notes_free.notes_free_digest` is the same index.

Only for atlases of up to :data:`MAX_ATLAS_BYTES`: the digest parses every corridor and place
file (~16-50 ms per MiB), which after an edit that is not of notes only adds to the build
(+29 % at 23 MiB); below 1 MiB (the shipped atlas is 0.4 MiB) it is a few per cent of a
build whose imports alone it spares when it does hit.

How: each saved network of such an atlas leaves a pointer, ``kept-index-v<F>-<key>.json``
(key: the notes-free digest, the package version, the code stamp and the cache format, as
the network cache's own key), naming the fingerprint of the network file written for it.
:func:`kept_index` follows the pointer, reads that network file's index as a cache hit is
read (every check of :func:`corridors.network.cache.read_network`: format, code, fingerprint,
columns; its atlas is not decoded) and returns it; the caller validates the edited atlas from
its own files as always and pairs it with that index if the index names only that atlas's
places and corridors (:func:`corridors.network.cache.index_fits`).

Never stale: the pointer is only a hint of where to look; its key covers everything the
index is built from (all but the notes) and the code that builds it. Never fatal: a
missing, damaged or foreign pointer, or a network file gone or unusable, is None (the
caller builds as before). Never code: JSON read as a regular, size-limited file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path

from corridors import __version__
from corridors.network.cache import (
    CACHE_FORMAT,
    KEEP_CACHED_NETWORKS,
    CacheMiss,
    cache_path,
    code_stamp,
    read_index,
)
from corridors.network.index import RouteIndex
from corridors.paths import cache_dir

__all__ = ["MAX_ATLAS_BYTES", "kept_index", "keep_index", "pointer_path"]

MAX_ATLAS_BYTES = 2**20
"""Atlases whose files add up to more (1 MiB) always build their index."""
_PREFIX = f"kept-index-v{CACHE_FORMAT}-"
_MAX_POINTER_BYTES = 4096


def pointer_path(notes_free: str) -> Path:
    """The pointer file of the atlases whose notes-free digest is ``notes_free``."""
    text = "\n".join((notes_free, __version__, code_stamp(), str(CACHE_FORMAT)))
    return cache_dir() / f"{_PREFIX}{hashlib.sha256(text.encode()).hexdigest()}.json"


def kept_index(notes_free: str) -> tuple[RouteIndex, str] | None:
    """The route index of a cached network whose atlas differs from this one only in notes,
    and that network's fingerprint; None when there is none to use.

    Parameters
    ----------
    notes_free : str
        :func:`~corridors.atlas.notes_free.notes_free_digest` of the atlas files.
    """
    from corridors._io.files import read_regular_file

    path = pointer_path(notes_free)
    try:
        doc = json.loads(bytes(read_regular_file(path, max_bytes=_MAX_POINTER_BYTES)))
    except Exception:  # noqa: BLE001 - any doubt about a hint is no hint
        return None
    if type(doc) is not dict or doc.get("notes_free") != notes_free:
        return None
    fingerprint = doc.get("fingerprint")
    if type(fingerprint) is not str or len(fingerprint) != 64:
        return None
    try:
        return read_index(cache_path(fingerprint), fingerprint=fingerprint), fingerprint
    except CacheMiss:
        return None


def keep_index(notes_free: str, fingerprint: str) -> None:
    """Point the atlases with ``notes_free`` at the network just cached for ``fingerprint``;
    best effort (then remove all but the newest pointers, as many as networks are kept)."""
    from corridors._io.files import keep_newest, write_atomically

    path = pointer_path(notes_free)
    body = json.dumps({"notes_free": notes_free, "fingerprint": fingerprint}).encode()
    with contextlib.suppress(OSError, ValueError):
        write_atomically(path, [body], sync=False)
        keep_newest(
            path.parent, prefix=_PREFIX, suffix=".json", count=KEEP_CACHED_NETWORKS, keep=path
        )
