"""Writing output files (maps, exports) safely: only ever a regular file, never half-written.

Every file ``corridors`` writes for the user (``route --map``, ``export``, ``build --out``)
goes through :func:`replacing` (or :func:`write_output`, built on it):

- the target must be a path for a regular file: if something exists there that is not a
  regular file (a directory, a FIFO, a character or block device, a socket, or a symbolic
  link to one of those, or a link loop) it is refused with :class:`OutputError` naming the
  path, and left exactly as it was; ``-`` and paths inside ``/dev``, ``/proc`` and ``/sys``
  (``/dev/stdout``, ``/dev/fd/1``, ...) are refused too: outputs go to files, not to
  standard output or devices;
- the new content is written in a private temporary folder created next to the target
  (``.<name>.XXXX.corridors-tmp``), fsynced, then moved onto the target with ``os.replace``
  (atomic on POSIX) and the folder is fsynced. Readers see the old file or the new one,
  never a mix; on any failure the temporary folder is removed and the target is untouched;
- a symbolic link at the target path that points to a regular file (or to nothing) is
  *replaced* by the new file: the link's target is never opened or changed. Writing never
  follows a link to somewhere the user did not name.

Libraries that write a file themselves (pyogrio for GeoPackage, networkx for GraphML) are
given the temporary path, inside the private folder, so sidecar files they create (e.g. a
GeoPackage journal) are cleaned up with it.

Limits: the target is checked before the (possibly slow) work and again just before the
rename; POSIX has no "replace only a regular file", so a process racing to put a FIFO there
in between those microseconds would see it replaced (the FIFO is never opened). Only a
process killed with SIGKILL can leave its hidden temporary folder behind; it is safe to
delete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from corridors._io.files import file_kind, fsync_path
from corridors.errors import OutputError

__all__ = ["OutputError", "check_output_path", "make_folder", "replacing", "write_output"]

TEMP_SUFFIX = ".corridors-tmp"
_SYSTEM_DIRS = (Path("/dev"), Path("/proc"), Path("/sys"))
_NEW_FILE_MODE = 0o644


def _refuse(path: Path, what: str) -> OutputError:
    return OutputError(
        f"cannot write {path}: it is {what}, not a regular file; "
        "remove it or choose another file name"
    )


def check_output_path(path: str | os.PathLike[str]) -> Path:
    """``path`` as a :class:`~pathlib.Path`, if an output file may be written there.

    Parameters
    ----------
    path : str or os.PathLike
        Where the output file goes. Nothing there, a regular file, or a symbolic link to a
        regular file (or a dangling one), which the new file replaces.

    Returns
    -------
    pathlib.Path
        The same path.

    Raises
    ------
    OutputError
        If ``path`` is ``-``, lies in ``/dev``, ``/proc`` or ``/sys``, or names something
        that is not a regular file (directory, FIFO, device, socket, a link to one, a link
        loop). Nothing is changed.
    """
    target = Path(path)
    if str(path) == "-":
        raise OutputError(
            "cannot write to '-': this output is a file, not standard output; give a file name"
        )
    folder = Path(os.path.realpath(target.parent))
    for system in _SYSTEM_DIRS:
        if folder == system or system in folder.parents:
            raise OutputError(
                f"cannot write {target}: it is in {system}, a folder of devices and system "
                "files; give a file name in an ordinary folder"
            )
    try:
        link = os.lstat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise OutputError(
            f"cannot write {target}: {exc.strerror or exc}; choose another file name"
        ) from None
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target  # a dangling symbolic link: replaced, its target never created
    except OSError as exc:
        raise _refuse(target, f"a symbolic link that cannot be followed ({exc.strerror})") from None
    if stat.S_ISREG(mode):
        return target
    kind = file_kind(mode)
    if stat.S_ISLNK(link.st_mode):
        kind = f"a symbolic link to {kind}"
    raise _refuse(target, kind)


def make_folder(folder: str | os.PathLike[str]) -> Path:
    """Create the output folder ``folder`` (and its parents) unless it is already a folder.

    Raises
    ------
    OutputError
        If ``folder`` exists and is not a directory (or a link to one).
    """
    path = Path(folder)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and not stat.S_ISDIR(mode):
        what = "a regular file" if stat.S_ISREG(mode) else file_kind(mode)
        raise OutputError(
            f"cannot write into {path}: it is {what}, not a folder; choose another folder"
        )
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path to write; on success it atomically replaces ``path``.

    The temporary path has ``path``'s file name, inside a private (mode 0700) folder next to
    ``path``, and does not exist yet: write it (with any library), then leave the ``with``
    block. The file is fsynced, given ``path``'s permissions (0644 for a new file) and moved
    onto ``path``. If the block raises, or nothing was written, ``path`` is untouched; the
    temporary folder never survives.

    Parameters
    ----------
    path : str or os.PathLike
        The output file; its folder must exist. Checked by :func:`check_output_path` first,
        and again just before the move.

    Yields
    ------
    pathlib.Path
        Where to write the new content.

    Raises
    ------
    OutputError
        See :func:`check_output_path`; also if the block wrote no regular file.
    OSError
        If the folder is not writable, the disk is full, ...
    """
    target = check_output_path(path)
    workdir = Path(
        tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name[:60]}.", suffix=TEMP_SUFFIX)
    )
    try:
        temp = workdir / target.name
        yield temp
        try:
            written = os.lstat(temp)
        except FileNotFoundError:
            written = None
        if written is None or not stat.S_ISREG(written.st_mode):
            raise OutputError(f"no file was written for {target}; nothing was changed")
        fsync_path(temp)
        try:
            mode = os.stat(target).st_mode & 0o7777 if not target.is_symlink() else None
        except FileNotFoundError:
            mode = None
        os.chmod(temp, _NEW_FILE_MODE if mode is None else mode)
        check_output_path(target)  # again: something may have appeared meanwhile
        os.replace(temp, target)
        fsync_path(target.parent)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def write_output(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` through :func:`replacing`; return the path.

    Raises
    ------
    OutputError
        See :func:`check_output_path`.
    OSError
        If the folder is not writable, the disk is full, ...
    """
    target = Path(path)
    with replacing(target) as temp, open(temp, "xb") as out:
        out.write(data)
    return target
