"""Workspaces: the atlas copied into a folder the user owns, and where an edit may write.

``corridors init DIR`` (:func:`init_workspace`) copies the bundled atlas into ``DIR`` with a
``README.md`` on how to point every command at it and the marker
:data:`corridors.paths.WORKSPACE_MARKER`. Every edit first asks :func:`writable_atlas_root`,
which refuses the atlas inside an installed package: a reinstall or upgrade would replace it
and the edit would be lost without a word.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import shutil
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

from corridors.atlas.folder import atlas_root
from corridors.errors import AtlasWriteError, InstalledAtlasError, UsageError
from corridors.paths import (
    ATLAS_ENV_VAR,
    WORKSPACE_MARKER,
    bundled_atlas_dir,
    is_installed_atlas,
    is_workspace,
)

SCHEMA_FILE = "SCHEMA.md"
"""The atlas's schema (the bundled ``README.md``), under this name in a workspace."""

__all__ = ["Workspace", "init_workspace", "writable_atlas_root"]


@dataclass
class Workspace:
    """What :func:`init_workspace` made (or found).

    Attributes
    ----------
    path : pathlib.Path
        The workspace folder, absolute.
    created : bool
        False if the folder already was a workspace (then nothing was copied).
    files : list of str
        The files written, relative to ``path``.
    """

    path: Path
    created: bool
    files: list[str] = field(default_factory=list)


def writable_atlas_root(atlas: str | PathLike[str] | None = None) -> Path:
    """The atlas folder an edit will write, refused if it belongs to an installed package.

    Parameters
    ----------
    atlas : str or os.PathLike, optional
        The atlas folder; default ``CORRIDORS_ATLAS`` or the bundled atlas.

    Returns
    -------
    pathlib.Path
        The folder, checked to exist with its required files.

    Raises
    ------
    InstalledAtlasError
        The folder is inside an installed package (:func:`corridors.paths.is_installed_atlas`).
    AtlasError
        The folder is not an atlas.
    """
    root = atlas_root(atlas)
    if is_installed_atlas(root):
        raise InstalledAtlasError(
            f"{root} is the atlas installed with the corridors package, and a reinstall or "
            "upgrade would lose an edit there: run `corridors init DIR` to copy it to a folder "
            f"of your own, then edit that with `atlas` DIR (or {ATLAS_ENV_VAR}=DIR)"
        )
    return root


def init_workspace(folder: str | PathLike[str]) -> Workspace:
    """Copy the bundled atlas into ``folder``, a workspace to edit and route over.

    The copy is made in a temporary folder beside ``folder`` and renamed into place, so a
    failure leaves no half-made workspace. A folder that already is a workspace is left as it
    is (``created`` is False).

    Parameters
    ----------
    folder : str or os.PathLike
        A folder that does not exist yet (its parents are created) or is empty.

    Returns
    -------
    Workspace
        The folder and the files written.

    Raises
    ------
    UsageError
        ``folder`` is not empty (and not a workspace), is not a folder, or is inside an
        installed package.
    AtlasWriteError
        The files cannot be written; nothing is left behind.
    """
    target = Path(folder).expanduser().absolute()
    if is_workspace(target):
        return Workspace(target, created=False)
    if is_installed_atlas(target):
        raise UsageError(
            f"{target} is inside an installed package, where an upgrade would delete it: "
            "choose a folder of your own"
        )
    if os.path.lexists(target):
        if target.is_symlink() or not target.is_dir():
            raise UsageError(f"{target} exists and is not a folder: give a new or empty folder")
        if any(target.iterdir()):
            raise UsageError(
                f"{target} is not empty and not a corridors workspace: give a new or empty "
                "folder (corridors init never writes over files)"
            )
    source = bundled_atlas_dir()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.parent / f".{target.name}.{secrets.token_hex(4)}.corridors-init"
        temp.mkdir()  # with the user's umask, unlike tempfile.mkdtemp's 0o700
    except OSError as exc:
        raise AtlasWriteError(f"cannot create {target}: {exc.strerror or exc}") from None
    try:
        files = _copy_atlas(source, temp)
        files += _write_notes(temp, target)
        os.rename(temp, target)  # onto a missing or empty folder only
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise AtlasWriteError(f"cannot create {target}: {exc.strerror or exc}") from None
    return Workspace(target, created=True, files=sorted(files))


def _copy_atlas(source: Path, into: Path) -> list[str]:
    """Copy every regular, non-hidden file of the atlas ``source`` (locks and temp files are
    hidden); the schema ``README.md`` becomes :data:`SCHEMA_FILE`. File modes are not copied:
    an installed atlas may be read-only, the copy is the user's to edit."""
    copied: list[str] = []
    for folder, dirs, names in os.walk(source):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        relative = Path(folder).relative_to(source)
        (into / relative).mkdir(exist_ok=True)
        for name in sorted(names):
            path = Path(folder, name)
            if name.startswith(".") or not path.is_file():
                continue
            target = relative / (
                SCHEMA_FILE if relative == Path() and name == "README.md" else name
            )
            shutil.copyfile(path, into / target)
            copied.append(target.as_posix())
    return copied


def _write_notes(into: Path, final: Path) -> list[str]:
    """The workspace's ``README.md`` (how to use it) and its marker file."""
    from corridors import __version__

    where = shlex.quote(str(final))
    readme = f"""# A corridors workspace

This folder is your own copy of the corridors atlas, made by `corridors init` from corridors
{__version__}. Edit it with `corridors add`, `add-sea-lane` and `remove`, or by hand (the file
format is in {SCHEMA_FILE}); `corridors check` validates it.

Point a command at it with `--atlas`, or set {ATLAS_ENV_VAR} once for every command:

    corridors route Khasan Pohang --atlas {where}
    export {ATLAS_ENV_VAR}={where}

`--atlas` comes first, then {ATLAS_ENV_VAR}, then the atlas bundled with the package (which
edits never change). `corridors build --atlas {where}` writes the maps of this atlas into its
maps/ folder.
"""
    (into / "README.md").write_text(readme, encoding="utf-8")
    marker = {"corridors_workspace": 1, "copied_from": f"corridors {__version__}"}
    (into / WORKSPACE_MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    return ["README.md", WORKSPACE_MARKER]
