"""The file primitives every writer and reader of ``corridors`` shares: one of each.

- :func:`file_kind`: what a ``st_mode`` is, in words, for one-line refusals;
- :func:`fsync_path`: make a file, or a rename in a folder, durable;
- :func:`open_checked`: open a file only if it is a regular file no larger than a limit,
  never opening a FIFO or device (the gate of the atlas reader and of the cache readers);
- :func:`read_regular_file`: through it, the bytes of a cache file (no symlink followed);
- :func:`write_temp`: a fsynced temp file next to its target (the one temp-file writer);
- :func:`write_atomically`: a whole file through it and a rename (caches).

The atlas writer (:mod:`corridors._io.atomic`, several files under a lock) and the output
writer (:mod:`corridors._io.outputs`, a library may write the temp file) build on these.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from corridors.errors import ColumnFileError, FileRefusedError

__all__ = [
    "file_kind",
    "fsync_path",
    "open_checked",
    "read_regular_file",
    "write_atomically",
    "write_temp",
]

_KINDS = (
    (stat.S_ISLNK, "a symlink"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def file_kind(mode: int, *, directory: str = "a directory") -> str:
    """What a file of ``mode`` is, e.g. ``"a FIFO (named pipe)"``; ``"a special file"`` if
    none of the known kinds. ``directory`` is the word for a folder (the atlas says "a
    folder", outputs "a directory")."""
    if stat.S_ISDIR(mode):
        return directory
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def fsync_path(path: Path | str) -> None:
    """Flush a file's data, or a folder's entries (a rename just made in it), to disk; best
    effort (some file systems cannot fsync a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def open_checked(
    path: Path | str,
    *,
    max_bytes: int,
    follow_symlinks: bool = False,
    allow_pipe: bool = False,
) -> Iterator[tuple[io.FileIO, os.stat_result]]:
    """Open ``path`` for reading only if it is a regular file of at most ``max_bytes``.

    The one gate of every limited reader. The file is checked from its ``stat`` before it is
    opened, so a FIFO, socket, device or folder is never opened (a FIFO would block), and
    again from the open file (opened with ``O_NONBLOCK``, so one swapped in meanwhile never
    blocks either). Without ``follow_symlinks``, ``path`` itself must not be a symlink
    (``O_NOFOLLOW``) and the open file must be the one checked. ``allow_pipe`` also accepts a
    FIFO (``corridors add <(command)``).

    Yields
    ------
    (file, os.stat_result)
        The open file (unbuffered) and its ``fstat``.

    Raises
    ------
    FileRefusedError
        Not a regular file, too large, or replaced while being opened.
    OSError
        If ``path`` cannot be looked at or opened (``FileNotFoundError``: nothing there).
    """
    try:
        found = os.stat(path) if follow_symlinks else os.lstat(path)
    except ValueError:  # a name with a NUL byte: no such file can exist
        raise FileNotFoundError(
            errno.ENOENT, "a file name cannot hold a NUL byte", str(path)
        ) from None
    pipe = allow_pipe and stat.S_ISFIFO(found.st_mode)
    _check(found, max_bytes, pipe=pipe, opened=False)
    flags = os.O_RDONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    if not pipe:
        flags |= getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    with open(fd, "rb", buffering=0, closefd=True) as handle:
        opened = os.fstat(fd)
        _check(opened, max_bytes, pipe=pipe, opened=True)
        if not follow_symlinks and (opened.st_dev, opened.st_ino) != (found.st_dev, found.st_ino):
            raise FileRefusedError("replaced while being opened", mode=opened.st_mode, opened=True)
        yield handle, opened


def _check(found: os.stat_result, max_bytes: int, *, pipe: bool, opened: bool) -> None:
    mode = found.st_mode
    if not (stat.S_ISREG(mode) or (pipe and stat.S_ISFIFO(mode))):
        raise FileRefusedError(
            f"not a regular file but {file_kind(mode)}", mode=mode, opened=opened
        )
    if found.st_size > max_bytes:
        raise FileRefusedError(
            f"larger than the {max_bytes:,} byte limit",
            mode=mode,
            size=found.st_size,
            opened=opened,
        )


def read_regular_file(path: Path, *, max_bytes: int) -> bytearray:
    """The bytes of ``path`` if it is a regular file of at most ``max_bytes`` (for caches).

    ``path`` itself must not be a symlink; a FIFO, socket, device or directory is refused
    and never opened (see :func:`open_checked`). The bytes are read into one writable buffer.

    Raises
    ------
    FileNotFoundError
        If nothing is at ``path``.
    ColumnFileError
        If something other than a regular file is there, or it is too large, or it changed.
    OSError
        If reading fails.
    """
    try:
        with open_checked(path, max_bytes=max_bytes) as (handle, opened):
            data = bytearray(opened.st_size)
            view, filled = memoryview(data), 0
            while filled < len(data):
                count = handle.readinto(view[filled : filled + (1 << 30)])
                if not count:
                    break
                filled += count
            if filled != len(data) or handle.read(1):
                raise ColumnFileError("changed while being read")
    except FileRefusedError as exc:
        raise ColumnFileError(str(exc)) from None
    return data


def write_temp(
    target: Path, chunks: Iterable[bytes], *, prefix: str, suffix: str, sync: bool = True
) -> str:
    """Write ``chunks`` to a new temp file in ``target``'s folder, fsynced unless not ``sync``;
    return its path.

    The one temp-file writer: :func:`write_atomically` and the atlas writer
    (:func:`corridors._io.atomic.write_files_atomically`) move it onto their targets. The
    name is ``prefix`` + random + ``suffix``, so a cleaner can find a killed writer's leftovers.
    On any failure the temp file is removed and the error raised.
    """
    import tempfile  # only writers pay for importing it (~3 ms: random, shutil)

    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=prefix, suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            if sync:
                os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return temporary


def write_atomically(path: Path, chunks: Iterable[bytes], *, sync: bool = True) -> None:
    """Write ``chunks`` to ``path`` through a fsynced temp file in the same folder.

    Without ``sync`` nothing is fsynced (for a file whose loss or damage in a crash only costs
    recomputing it: it is still replaced whole, by a rename).

    Whatever is at ``path`` (a file, a symlink, a FIFO) is replaced as a name, never written
    through; an empty directory there is removed first. On failure no temp file is left.

    Raises
    ------
    OSError
        If the folder is not writable, the disk is full, or a non-empty directory is in the way.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = write_temp(path, chunks, prefix=f".{path.stem}-", suffix=".tmp", sync=sync)
    try:
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISDIR(os.lstat(path).st_mode):
                os.rmdir(path)  # only if empty: never delete what someone put inside
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    if sync:
        fsync_path(path.parent)


def keep_newest(folder: Path, *, prefix: str, suffix: str, count: int, keep: Path) -> None:
    """Delete all but the ``count`` newest files of ``folder`` whose names start with
    ``prefix`` and end with ``suffix`` (newest by modification time), never ``keep``; best
    effort (a file that cannot be listed or removed is left).

    For the cache folder's one-per-key files (sea tables, route files, kept route indexes,
    page parts), which would otherwise pile up with every edit of an atlas.
    """
    found: list[tuple[int, str]] = []
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(prefix) and entry.name.endswith(suffix):
                with contextlib.suppress(OSError):
                    found.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.path))
    found.sort(reverse=True)
    for _, stale in found[count:]:
        if stale != str(keep):
            with contextlib.suppress(OSError):
                os.unlink(stale)
