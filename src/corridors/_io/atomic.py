"""Crash-safe writes to the atlas folder, and reads that never mix files of two edits.

Writes. A change may touch several files (``sources.json``, ``places.geojson``, a corridor
file). All new contents are first written to temporary files next to their targets and
fsynced; only then are they moved into place with ``os.replace`` (atomic on POSIX), one file at
a time, in the order the caller gives. The caller orders the files so that every intermediate
state is a valid atlas (see ``corridors.edit.api``), so a crash or kill at any moment leaves
either the old atlas, the new one, or a valid state in between, never a half-written file.

Two locks, both ``fcntl.flock`` on empty files in the atlas folder, both released by the OS
when their process exits (a killed command never leaves the atlas locked):

- ``.corridors.lock``, the writers' lock: a writer holds it exclusively for its whole
  read-plan-write (:func:`atlas_lock`), so two edits never interleave.
- ``.corridors.read.lock``, the readers' lock: a reader holds it shared while it reads the
  files' bytes (:func:`read_under_lock`, used by
  :func:`corridors.atlas.read.read_atlas_bytes`, so by ``load_atlas``, ``load_network`` and
  every command); a writer holds it exclusively only while it moves its new files into place
  (:func:`write_files_atomically` with ``atlas_root``).

So a reader sees the files of one edit, never the new corridor file with the old places file,
and the content hash (the cache key) is computed from those same bytes. Why two locks: one
lock held by the writer for the whole edit made readers wait for its planning too (a sea lane
is routed under the lock, about a second) and a stream of edits starved them; now a reader
waits at most for a few renames. Both sides wait at most ``timeout_s``, then fail with one line
saying another command is changing the atlas.

Readers never create a file, so reading needs no write access (a dry run, an atlas installed
in site-packages, a read-only checkout). A writer creates the readers' lock before it replaces
any file, and no one deletes it, so a reader that finds no readers' lock reads, then checks that
it still does not exist: if it does, a writer started publishing meanwhile and the reader reads
again under the lock. A reader that cannot open or lock an existing readers' lock (no
permission, a file system without ``flock``, not a regular file) reads without it: a writer
could not take it either, and a writer that cannot take it replaces nothing.

The locks are taken here, not with the ``filelock`` package, because readers and writers must
lock the same inode with the same primitive, and ``filelock`` 3.20.4 to 3.29.4 delete the lock
file on release (a reader could then lock a file that writers no longer use). ``filelock`` is
used only where ``fcntl`` is missing (Windows, not a target); there readers take no lock.

Why not generations (write all files, then swap one manifest)? Readers would never wait, but
the atlas is a folder people edit by hand and review in git: a manifest that must be kept in
step with the files would make every hand edit a new way to break the atlas, while a reader
waiting a few milliseconds for a rename costs nothing.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import math
import os
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from corridors._io.files import fsync_path, write_temp
from corridors.errors import AtlasLockedError, AtlasWriteError, CorridorsError, UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows, not a target: filelock for writers only
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".corridors.lock"
READ_LOCK_NAME = ".corridors.read.lock"
LOCK_NAMES = (LOCK_NAME, READ_LOCK_NAME)
"""The lock files an edit may leave in the atlas folder; they are not part of the atlas."""
TEMP_SUFFIX = ".corridors-tmp"
DEFAULT_LOCK_TIMEOUT_S = 30.0
READ_LOCK_TIMEOUT_S = DEFAULT_LOCK_TIMEOUT_S
"""How long a reader (or a writer about to replace files) waits for the readers' lock."""
CRASH_ENV_VAR = "CORRIDORS_TEST_CRASH"
"""Fault injection for tests: ``before-replace`` (all temp files written, none moved) or
``after-replace-N`` (N files moved into place) makes the writer die with ``os._exit(75)``."""

T = TypeVar("T")
_POLL_S = (0.0005, 0.01)  # first and longest pause between two tries of a busy lock


def _busy(root: Path, path: Path, timeout_s: float) -> AtlasLockedError:
    return AtlasLockedError(
        f"the atlas {root} is being changed by another corridors command (lock {path} "
        f"busy for {timeout_s:g} s); wait for it to finish and run this again"
    )


def check_lock_timeout(value: float) -> float:
    """``value`` if it is a usable ``lock_timeout_s``: finite seconds, zero or more.

    Raises
    ------
    UsageError
        For NaN (which would fail deep inside the lock), infinity or a negative value (which
        would wait forever), a bool or a non-number.
    """
    try:
        ok = not isinstance(value, bool) and math.isfinite(value) and value >= 0
    except TypeError:
        ok = False
    if not ok:
        raise UsageError(
            f"lock_timeout_s must be a finite number of seconds, zero or more, not {value!r}"
        )
    return value


def _open_lock_file(path: Path, *, create: bool) -> int:
    """Open a lock file (a writer creates it, mode 0644); never follow a link or block."""
    flags = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    if create:
        try:
            fd = os.open(path, flags | os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            with contextlib.suppress(OSError):
                os.fchmod(fd, 0o644)  # readers of other accounts must open it despite a umask
        except FileExistsError:
            fd = os.open(path, flags | os.O_RDWR)
    else:
        fd = os.open(path, flags | os.O_RDONLY)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return fd


def _flock(fd: int, *, exclusive: bool, deadline: float) -> bool:
    """Lock ``fd``, retrying while it is busy until ``deadline``; False if it stayed busy."""
    assert fcntl is not None
    operation = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
    pause = _POLL_S[0]
    while True:
        try:
            fcntl.flock(fd, operation)
            return True
        except BlockingIOError:
            pass
        remaining = deadline - time.monotonic()
        if not remaining > 0:
            return False
        time.sleep(min(pause, remaining))
        pause = min(pause * 2, _POLL_S[1])


@contextlib.contextmanager
def _locked(root: Path, name: str, *, exclusive: bool, timeout_s: float) -> Iterator[None]:
    """Hold ``root/name`` (shared or exclusive). ``OSError`` if it cannot be opened or locked.

    An exclusive holder creates the file; a shared one needs it to exist. If the file was
    deleted or replaced while we waited, the new one is locked instead.
    """
    path = root / name
    deadline = time.monotonic() + timeout_s
    while True:
        fd = _open_lock_file(path, create=exclusive)
        try:
            if not _flock(fd, exclusive=exclusive, deadline=deadline):
                raise _busy(root, path, timeout_s)
            try:
                current = os.path.samestat(os.fstat(fd), os.lstat(path))
            except FileNotFoundError:
                current = False
            if current:
                yield
                return
        finally:
            os.close(fd)  # releases the lock


@contextlib.contextmanager
def atlas_lock(root: Path, *, timeout_s: float = DEFAULT_LOCK_TIMEOUT_S) -> Iterator[None]:
    """Hold the writers' lock of the atlas for a whole edit; one clear error if it is busy.

    Readers are not blocked: they wait only while :func:`write_files_atomically` replaces files.

    Parameters
    ----------
    root : Path
        The atlas folder; its lock file ``.corridors.lock`` is created if missing.
    timeout_s : float
        Seconds to wait for another writer, finite and 0 or more.

    Raises
    ------
    AtlasLockedError
        Another writer held the lock for ``timeout_s``.
    AtlasWriteError
        The lock file cannot be created, opened or locked (e.g. a read-only folder).
    """
    check_lock_timeout(timeout_s)
    if fcntl is None:  # pragma: no cover - Windows
        with _filelock(root, timeout_s=timeout_s):
            yield
        return
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(_locked(root, LOCK_NAME, exclusive=True, timeout_s=timeout_s))
        except OSError as exc:
            raise AtlasWriteError(
                f"cannot lock the atlas: {root / LOCK_NAME}: {exc.strerror or exc}; "
                "check the folder is writable"
            ) from None
        yield


@contextlib.contextmanager
def _filelock(root: Path, *, timeout_s: float) -> Iterator[None]:  # pragma: no cover - Windows
    from filelock import FileLock, Timeout

    path = root / LOCK_NAME
    lock = FileLock(str(path), timeout=timeout_s)
    try:
        lock.acquire()
    except Timeout:
        raise _busy(root, path, timeout_s) from None
    except OSError as exc:
        raise AtlasWriteError(
            f"cannot lock the atlas: {path}: {exc.strerror or exc}; check the folder is writable"
        ) from None
    try:
        yield
    finally:
        lock.release()


def read_under_lock(root: Path, read: Callable[[], T], *, timeout_s: float | None = None) -> T:
    """Run ``read()`` so that it sees the atlas files of one edit, never parts of two.

    ``read`` runs under the shared side of the readers' lock; if the atlas has no readers'
    lock yet, it runs without, and once more under the lock if a writer created it meanwhile
    (see the module docstring). Keep ``read`` short: a writer waits for it to publish.

    Parameters
    ----------
    root : Path
        The atlas folder.
    read : callable
        Reads the files; called once, or again if a writer started publishing during the call.
    timeout_s : float, optional
        Seconds to wait for a writer to publish; default :data:`READ_LOCK_TIMEOUT_S`.

    Raises
    ------
    AtlasLockedError
        A writer held the readers' lock for ``timeout_s``.
    """
    if fcntl is None:  # pragma: no cover - Windows: no readers' lock
        return read()
    timeout_s = READ_LOCK_TIMEOUT_S if timeout_s is None else timeout_s
    check_lock_timeout(timeout_s)
    while True:
        with contextlib.ExitStack() as stack:
            try:
                stack.enter_context(
                    _locked(root, READ_LOCK_NAME, exclusive=False, timeout_s=timeout_s)
                )
            except FileNotFoundError:
                # No writer has published here yet (or none can: an atlas in site-packages, a
                # read-only folder). One that starts now creates the lock before it replaces
                # a file, so if it still does not exist after the read, the read was whole.
                result = read()
                if not os.path.lexists(root / READ_LOCK_NAME):
                    return result
                continue
            except OSError:
                # The lock exists but cannot be opened or locked: no flock on this file system
                # or not a regular file (no writer can take it either, and a writer replaces
                # nothing without it), or no permission to read it (writers create it
                # readable by all, so someone changed that): read as before this lock existed.
                return read()
            return read()


def reads_under_lock(read: Callable[[Path], T]) -> Callable[[Path], T]:
    """Decorate ``read(root)`` to run under :func:`read_under_lock`: one edit's files."""

    @functools.wraps(read)
    def locked(root: Path) -> T:
        return read_under_lock(root, lambda: read(root))

    return locked


@contextlib.contextmanager
def _publishing(root: Path | None) -> Iterator[None]:
    """Hold the readers' lock exclusively (if ``root`` is an atlas) while files are replaced."""
    if root is None or fcntl is None:
        yield
        return
    path = root / READ_LOCK_NAME
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(
                _locked(root, READ_LOCK_NAME, exclusive=True, timeout_s=READ_LOCK_TIMEOUT_S)
            )
        except AtlasLockedError:
            raise AtlasLockedError(
                f"readers of the atlas {root} kept {path} busy for {READ_LOCK_TIMEOUT_S:g} s; "
                "nothing was changed, run this again"
            ) from None
        except OSError as exc:
            raise AtlasWriteError(
                f"cannot lock the atlas for readers: {path}: {exc.strerror or exc}; nothing "
                "was changed, check the folder is writable"
            ) from None
        yield


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


def write_files_atomically(
    changes: Sequence[tuple[Path, bytes]], *, atlas_root: Path | None = None
) -> None:
    """Replace each file with its new bytes, in the given order, crash-safely.

    Every temp file is written and fsynced before the first ``os.replace``; if any write
    fails, all temp files are removed and no target has changed. With ``atlas_root`` (the
    atlas the files belong to), the replacing runs under the exclusive side of its readers'
    lock, so no reader sees some of the new files with some of the old.
    """
    temps: list[tuple[str, Path]] = []
    current: Path | str = ""
    try:
        for target, data in changes:
            current = target
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = write_temp(target, [data], prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
            temps.append((temp, target))
            if target.exists():
                os.chmod(temp, target.stat().st_mode & 0o7777)
            else:
                os.chmod(temp, 0o644)
    except OSError as exc:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        where = exc.filename or current
        raise AtlasWriteError(
            f"cannot write {where}: {exc.strerror or exc}; nothing was changed, free space or "
            "fix permissions and retry"
        ) from None
    _crash_point("before-replace")
    with contextlib.ExitStack() as stack:
        try:
            stack.enter_context(_publishing(atlas_root))
        except CorridorsError:
            for temp, _ in temps:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
            raise
        for number, (temp, target) in enumerate(temps, start=1):
            try:
                os.replace(temp, target)
            except OSError as exc:
                for rest, _ in temps[number - 1 :]:
                    with contextlib.suppress(OSError):
                        os.unlink(rest)
                raise AtlasWriteError(
                    f"cannot replace {target}: {exc.strerror or exc}; {number - 1} of "
                    f"{len(temps)} files were updated (each a valid atlas state); fix the "
                    "problem and retry"
                ) from None
            fsync_path(target.parent)
            _crash_point(f"after-replace-{number}")
