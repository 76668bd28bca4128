"""Remember a command's answer while nothing it depends on has changed (issue 13: cold start).

Why: ``corridors check`` spends most of its 0.4 s importing pyproj, numpy and shapely and
testing every line against the land mask and the borders, and ``corridors build`` most of its
0.7 s importing folium and rendering; each gives the very same answer again as long as the
atlas, the package and the installed libraries stay as they are (a check before every commit,
a build in CI). So the answer is stored in the cache folder with a key of everything it was
computed from, and given back when that key is the same; anything else recomputes.

The key (:func:`inputs_key`) is a SHA-256 of:

- every file under the atlas folder (not only the atlas's own files: a superset only makes
  the memo miss more often), and every file of the package (code and data, not
  ``__pycache__``): path, device, inode, size, modification and *change* time in nanoseconds,
  as in :mod:`corridors.network.stamp` (the change time is set by the kernel on every write
  and cannot be set back, so an edit that restores the size and modification time still
  changes the key; a replaced file has a new inode). The atlas's lock files are left out:
  taking a lock does not change what is read;
- the names (with versions) of every installed distribution on ``sys.path`` (an upgrade of
  folium, pyproj or the land mask changes the key), the Python version and executable;
- today's date (the maps open on today's month; routes are checked on today's network),
  every ``CORRIDORS_*`` environment variable, and the command's own parameters.

Never stale: the key is taken before the answer is computed and again after, and the answer
is stored only if both are equal and no input changed within :data:`RACY_S` seconds (a later
edit within the same clock tick could keep every field: git's "racy clean" problem); such
inputs are simply recomputed next time. Never fatal: a missing, unreadable, damaged or
foreign memo file is a miss; a memo that cannot be written is skipped. Never code: memo files
are JSON, read through :func:`corridors._io.files.read_regular_file` (regular files only).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

__all__ = [
    "MEMO_FORMAT",
    "RACY_S",
    "answer",
    "code_key",
    "inputs_key",
    "memo_path",
    "recall",
    "store",
]

MEMO_FORMAT = 1
RACY_S = 2.0
"""An input changed this recently (seconds, by modification or change time) is not trusted."""
MAX_MEMO_BYTES = 256 * 2**20
_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/corridors
_SKIPPED_NAMES = frozenset({".corridors.lock", ".corridors.read.lock"})

T = TypeVar("T")


def _walk(base: Path, digest: Any, *, skip_dirs: frozenset[str]) -> float:
    """Add every file under ``base`` to ``digest``; return the newest change time (s).

    Raises OSError if a folder cannot be listed or a file (a dangling symlink, one removed
    meanwhile) cannot be stat'ed: then nothing about the inputs is sure, and there is no key.
    """

    def fail(error: OSError) -> None:
        raise error

    newest = 0.0
    for folder, dirs, files in os.walk(base, onerror=fail):
        dirs[:] = sorted(d for d in dirs if d not in skip_dirs)
        for name in sorted(files):
            if name in _SKIPPED_NAMES:
                continue
            path = os.path.join(folder, name)
            found = os.stat(path)
            digest.update(
                f"{path}\0{found.st_dev}\0{found.st_ino}\0{found.st_size}\0"
                f"{found.st_mtime_ns}\0{found.st_ctime_ns}\n".encode("utf-8", "surrogateescape")
            )
            newest = max(newest, found.st_mtime_ns / 1e9, found.st_ctime_ns / 1e9)
    return newest


def _distributions() -> list[str]:
    """The ``*.dist-info``/``*.egg-info`` names of every ``sys.path`` folder, in order."""
    names: list[str] = []
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as found:
                names.append(entry)
                names.extend(
                    sorted(e.name for e in found if e.name.endswith((".dist-info", ".egg-info")))
                )
        except OSError:  # a zip file, a folder that does not exist: nothing installed there
            continue
    return names


def inputs_key(root: Path, command: str, params: Mapping[str, Any]) -> str | None:
    """The key of everything ``command`` computes its answer from (see the module notes).

    Parameters
    ----------
    root : Path
        The atlas folder.
    command : str
        The command's name.
    params : mapping
        The command's parameters that change its answer (JSON values).

    Returns
    -------
    str or None
        A hex digest, or None when the inputs cannot be trusted: the atlas folder is missing
        or unreadable, or an input changed within :data:`RACY_S` seconds.
    """
    digest = hashlib.sha256()
    head = {
        "format": MEMO_FORMAT,
        "command": command,
        "params": params,
        "python": [sys.version, sys.executable],
        "day": time.strftime("%Y-%m-%d"),
        "env": sorted((k, v) for k, v in os.environ.items() if k.startswith("CORRIDORS_")),
        "installed": _distributions(),
    }
    try:
        digest.update(json.dumps(head, sort_keys=True).encode("utf-8", "surrogateescape"))
        if not root.is_dir():
            return None
        newest = _walk(root.resolve(), digest, skip_dirs=frozenset())
        newest = max(newest, _walk(_PACKAGE_DIR, digest, skip_dirs=frozenset({"__pycache__"})))
    except (OSError, ValueError, TypeError):
        return None
    if time.time() - newest < RACY_S:
        return None
    return digest.hexdigest()


def memo_path(root: Path, command: str, params: Mapping[str, Any]) -> Path:
    """The memo file of ``command`` with ``params`` on the atlas at ``root`` (one per such
    triple: a new answer replaces the old one, so the folder does not grow with edits)."""
    from corridors.paths import cache_dir

    name = json.dumps([str(root.resolve()), command, params], sort_keys=True)
    tag = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir() / f"memo-v{MEMO_FORMAT}-{command}-{tag}.json"


def recall(path: Path, key: str) -> Any:
    """The answer stored at ``path`` under ``key``, or None (missing, damaged, other key)."""
    from corridors._io.files import read_regular_file

    try:
        raw = bytes(read_regular_file(path, max_bytes=MAX_MEMO_BYTES))
        if f'"key": "{key}"'.encode() not in raw[:256]:
            return None  # another key (as :func:`store` writes it): no need to parse it all
        data = json.loads(raw)
    except Exception:  # noqa: BLE001 - any doubt is a miss
        return None
    if not isinstance(data, dict) or data.get("format") != MEMO_FORMAT or data.get("key") != key:
        return None
    return data.get("answer")


def store(path: Path, key: str, answer: Any) -> None:
    """Write ``answer`` (JSON values) at ``path`` under ``key``, atomically; best effort."""
    import contextlib

    from corridors._io.files import write_atomically

    body = json.dumps({"format": MEMO_FORMAT, "key": key, "answer": answer}, ensure_ascii=False)
    with contextlib.suppress(OSError, ValueError):
        # not fsynced: a memo lost or damaged in a crash is only a miss (recall checks it)
        write_atomically(path, [body.encode("utf-8")], sync=False)


def answer(
    root: Path,
    command: str,
    params: Mapping[str, Any],
    *,
    compute: Callable[[], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """``decode`` of the remembered answer, or ``compute()`` (then remembered if it may be).

    ``encode`` turns the computed answer into JSON values (None: do not keep it); ``decode``
    turns them back, and
    may raise (ValueError, KeyError, TypeError) on a memo it does not understand: then the
    answer is computed. Errors of ``compute`` propagate and nothing is stored.
    """
    key = inputs_key(root, command, params)
    path = memo_path(root, command, params) if key is not None else None
    if key is not None and path is not None:
        found = recall(path, key)
        if found is not None:
            try:
                return decode(found)
            except (ValueError, KeyError, TypeError, AttributeError):
                pass
    value = compute()
    if key is not None and path is not None and inputs_key(root, command, params) == key:
        encoded = encode(value)
        if encoded is not None:  # None: this answer cannot be kept faithfully
            store(path, key, encoded)
    return value


def code_key(purpose: str) -> str | None:
    """A key of the code and libraries only (for answers that are keyed by their own inputs,
    such as the findings of :mod:`corridors.cli.check_units`): ``purpose``, the Python version
    and executable, every installed distribution, and every file of the package (as in
    :func:`inputs_key`). None when a package file changed within :data:`RACY_S` seconds or
    the package cannot be read."""
    digest = hashlib.sha256()
    head = {
        "format": MEMO_FORMAT,
        "purpose": purpose,
        "python": [sys.version, sys.executable],
        "installed": _distributions(),
    }
    try:
        digest.update(json.dumps(head, sort_keys=True).encode("utf-8", "surrogateescape"))
        newest = _walk(_PACKAGE_DIR, digest, skip_dirs=frozenset({"__pycache__"}))
    except (OSError, ValueError, TypeError):
        return None
    if time.time() - newest < RACY_S:
        return None
    return digest.hexdigest()
