"""Know an atlas's content hash without reading it: a remembered stamp of its files' metadata.

Why: the network cache is keyed by the SHA-256 of every atlas file (never stale), but reading
and hashing a 10^6-segment atlas costs more than the cached route it serves (1.1 s of 8.8 s).
So the hash is remembered next to the cache together with each file's metadata, and taken
again only when that metadata differs.

The metadata (:func:`stat_key`) is, per file: path, device, inode, size, modification time
and *change* time (``st_ctime_ns``) in nanoseconds. The change time is set by the kernel on
every write, rename or ``utime`` call and cannot be set back by a user, so an edit that keeps
the size and restores the modification time (``touch -r``, ``os.utime``) still changes the key;
a file replaced by another (editors that write a new file and rename it) changes the inode.
A stamp is recorded only when nothing changed while the files were read and hashed, and not
when a file was changed within :data:`RACY_S` seconds of recording (a later edit within the
same clock tick could otherwise keep every field: git's "racy clean" problem): such an atlas
is simply hashed again on the next run. Any doubt (unreadable, malformed or foreign stamp)
means hashing, never trusting.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
from pathlib import Path

from corridors._io.files import write_atomically
from corridors.atlas.folder import atlas_files

RACY_S = 2.0
"""A file changed this recently (seconds, by mtime or ctime) is not stamped."""
STAMP_VERSION = 1


def stat_key(root: Path) -> tuple[str, float] | None:
    """A digest of every atlas file's metadata and the newest change time among them.

    Returns None if a file cannot be stat'ed or is not a regular file (then the caller reads
    and hashes as usual, and reports the problem as it always did).
    """
    digest = hashlib.sha256()
    newest = 0.0
    try:
        files = atlas_files(root)
        for path in files:
            found = os.stat(path)
            if not stat.S_ISREG(found.st_mode):
                return None
            digest.update(
                f"{path}\0{found.st_dev}\0{found.st_ino}\0{found.st_size}\0"
                f"{found.st_mtime_ns}\0{found.st_ctime_ns}\n".encode()
            )
            newest = max(newest, found.st_mtime_ns / 1e9, found.st_ctime_ns / 1e9)
    except Exception:  # noqa: BLE001 - any doubt (an AtlasError, an OSError): no stamp
        return None
    return digest.hexdigest(), newest


def stamp_path(folder: Path, root: Path) -> Path:
    """Where the stamp of the atlas at ``root`` is kept in the cache ``folder``."""
    name = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:32]
    return folder / f"stamp-{name}.json"


def known_fingerprint(folder: Path, root: Path) -> str | None:
    """The atlas's content hash if its files' metadata is exactly as when it was recorded."""
    key = stat_key(root)
    if key is None:
        return None
    try:
        with open(stamp_path(folder, root), "rb") as handle:
            data = json.loads(handle.read(4096))
    except (OSError, ValueError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("version") != STAMP_VERSION
        or data.get("stat") != key[0]
        or not isinstance(data.get("fingerprint"), str)
    ):
        return None
    return str(data["fingerprint"])


def remember(
    folder: Path, root: Path, *, before: tuple[str, float] | None, fingerprint: str
) -> None:
    """Record ``fingerprint`` for the atlas if its metadata is unchanged since ``before`` (taken
    before reading the files) and no file changed in the last :data:`RACY_S` seconds. Best
    effort: a stamp that cannot be written only means hashing next time."""
    if before is None:
        return
    after = stat_key(root)
    if after is None or after[0] != before[0] or time.time() - after[1] < RACY_S:
        return
    body = json.dumps({"version": STAMP_VERSION, "stat": after[0], "fingerprint": fingerprint})
    with contextlib.suppress(OSError):
        write_atomically(stamp_path(folder, root), [body.encode()])


__all__ = ["RACY_S", "known_fingerprint", "remember", "stat_key", "stamp_path"]
