"""Crash-safe writes to the atlas folder: one lock, temp files, fsync, ``os.replace``.

A change may touch several files (``sources.json``, ``places.geojson``, a corridor file). All
new contents are first written to temporary files next to their targets and fsynced; only
then are they moved into place with ``os.replace`` (atomic on POSIX), one file at a time, in
the order the caller gives. The caller orders the files so that every intermediate state is
a valid atlas (see ``corridors.editing``), so a crash or kill at any moment leaves either the
old atlas, the new one, or a valid state in between, never a half-written file.

Writers are serialised by a ``filelock`` lock file inside the atlas folder. The lock is an OS
lock (``fcntl``), released when its process exits, so a killed writer never leaves the atlas
locked; the empty ``.corridors.lock`` file itself is harmless and not part of the atlas.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from corridors.errors import CorridorsError

LOCK_NAME = ".corridors.lock"
TEMP_SUFFIX = ".corridors-tmp"
DEFAULT_LOCK_TIMEOUT_S = 30.0
CRASH_ENV_VAR = "CORRIDORS_TEST_CRASH"
"""Fault injection for tests: ``before-replace`` (all temp files written, none moved) or
``after-replace-N`` (N files moved into place) makes the writer die with ``os._exit(75)``."""


class AtlasLockedError(CorridorsError):
    """Another process holds the atlas lock for longer than the timeout."""


class AtlasWriteError(CorridorsError):
    """Writing the atlas failed (disk full, permissions); the old files are untouched."""


@contextlib.contextmanager
def atlas_lock(root: Path, *, timeout_s: float = DEFAULT_LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the atlas's writer lock; one clear error if it is busy for ``timeout_s``."""
    from filelock import FileLock, Timeout

    path = root / LOCK_NAME
    lock = FileLock(str(path), timeout=timeout_s)
    try:
        lock.acquire()
    except Timeout:
        raise AtlasLockedError(
            f"the atlas {root} is being changed by another corridors command (lock {path} "
            f"busy for {timeout_s:g} s); wait for it to finish and run this again"
        ) from None
    except OSError as exc:
        raise AtlasWriteError(
            f"cannot lock the atlas: {path}: {exc.strerror or exc}; check the folder is writable"
        ) from None
    try:
        yield
    finally:
        lock.release()


def remove_stale_temps(folders: Sequence[Path]) -> None:
    """Delete temp files a killed writer left behind (call only while holding the lock)."""
    for folder in folders:
        if folder.is_dir():
            for leftover in folder.glob(f".*{TEMP_SUFFIX}"):
                with contextlib.suppress(OSError):
                    leftover.unlink()


def _crash_point(label: str) -> None:
    if os.environ.get(CRASH_ENV_VAR) == label:
        os._exit(75)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_files_atomically(changes: Sequence[tuple[Path, bytes]]) -> None:
    """Replace each file with its new bytes, in the given order, crash-safely.

    Every temp file is written and fsynced before the first ``os.replace``; if any write
    fails, all temp files are removed and no target has changed.
    """
    temps: list[tuple[str, Path]] = []
    try:
        for target, data in changes:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX
            )
            temps.append((temp, target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if target.exists():
                os.chmod(temp, target.stat().st_mode & 0o7777)
            else:
                os.chmod(temp, 0o644)
    except OSError as exc:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        where = exc.filename or (temps[-1][1] if temps else "")
        raise AtlasWriteError(
            f"cannot write {where}: {exc.strerror or exc}; nothing was changed, free space or "
            "fix permissions and retry"
        ) from None
    _crash_point("before-replace")
    for number, (temp, target) in enumerate(temps, start=1):
        try:
            os.replace(temp, target)
        except OSError as exc:
            for rest, _ in temps[number - 1 :]:
                with contextlib.suppress(OSError):
                    os.unlink(rest)
            raise AtlasWriteError(
                f"cannot replace {target}: {exc.strerror or exc}; {number - 1} of {len(temps)} "
                "files were updated (each a valid atlas state); fix the problem and retry"
            ) from None
        _fsync_dir(target.parent)
        _crash_point(f"after-replace-{number}")
