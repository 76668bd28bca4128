"""Where the atlas lives: ``--atlas DIR``, then ``CORRIDORS_ATLAS``, then the bundled copy.

In a source checkout (editable install) the bundled atlas is the repository's ``geo/``; in a
regular install it is the copy packed into the wheel as ``corridors/_atlas``.

What kind of folder an atlas is decides where an edit may write: the copy inside an installed
package never (:func:`is_installed_atlas`: an upgrade would replace it), a checkout's ``geo/``
yes (:func:`checkout_of`: that is how data is contributed, and its ``maps/`` are then stale),
a workspace made by ``corridors init`` yes (:func:`is_workspace`), as any other folder.
"""

from __future__ import annotations

import os
from pathlib import Path

ATLAS_ENV_VAR = "CORRIDORS_ATLAS"
WORKSPACE_MARKER = ".corridors-workspace"
"""The file ``corridors init`` writes into a workspace (and looks for before refusing a
non-empty folder)."""
_PACKAGE_DIR = Path(__file__).resolve().parent
_INSTALL_FOLDERS = frozenset({"site-packages", "dist-packages"})


def bundled_atlas_dir() -> Path:
    """The atlas that ships with the package (the repository's ``geo/`` in a checkout)."""
    packed = _PACKAGE_DIR / "_atlas"
    if packed.is_dir():
        return packed
    checkout = _PACKAGE_DIR.parent.parent / "geo"
    return checkout


def resolve_atlas_dir(atlas: str | os.PathLike[str] | None = None) -> Path:
    """Pick the atlas folder: the explicit argument, the environment, or the bundled one."""
    if atlas is not None and str(atlas) != "":
        return Path(atlas).expanduser()
    from_env = os.environ.get(ATLAS_ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return bundled_atlas_dir()


def is_installed_atlas(folder: str | os.PathLike[str]) -> bool:
    """True if ``folder`` is inside an installed package, where an edit would be lost.

    That is the imported package's own folder (``site-packages/corridors/_atlas`` after a
    regular ``pip install``), or anything in a ``site-packages`` or ``dist-packages`` folder
    of any Python (an editable install also leaves a copy there). Symbolic links are followed.
    """
    path = Path(folder).expanduser().resolve()
    return path.is_relative_to(_PACKAGE_DIR) or not _INSTALL_FOLDERS.isdisjoint(path.parts)


def checkout_of(folder: str | os.PathLike[str]) -> Path | None:
    """The source checkout whose ``geo/`` is ``folder``, or None.

    A checkout is a folder holding ``pyproject.toml``, ``src/corridors/`` and ``geo/``; its
    committed ``maps/`` are built from that ``geo/``.
    """
    path = Path(folder).expanduser().resolve()
    repo = path.parent
    is_checkout = (repo / "pyproject.toml").is_file() and (repo / "src" / "corridors").is_dir()
    return repo if path.name == "geo" and is_checkout else None


def is_workspace(folder: str | os.PathLike[str]) -> bool:
    """True if ``folder`` is a workspace made by ``corridors init`` (it holds the marker)."""
    return (Path(folder).expanduser() / WORKSPACE_MARKER).is_file()


def cache_dir() -> Path:
    """Per-user cache folder (``$XDG_CACHE_HOME/corridors`` or ``~/.cache/corridors``)."""
    base = os.environ.get("CORRIDORS_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "corridors"
