"""Where the atlas lives: ``--atlas DIR``, then ``CORRIDORS_ATLAS``, then the bundled copy.

In a source checkout (editable install) the bundled atlas is the repository's ``geo/``; in a
regular install it is the copy packed into the wheel as ``corridors/_atlas``.
"""

from __future__ import annotations

import os
from pathlib import Path

ATLAS_ENV_VAR = "CORRIDORS_ATLAS"
_PACKAGE_DIR = Path(__file__).resolve().parent


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


def cache_dir() -> Path:
    """Per-user cache folder (``$XDG_CACHE_HOME/corridors`` or ``~/.cache/corridors``)."""
    base = os.environ.get("CORRIDORS_CACHE_DIR")
    if base:
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME")
    root = Path(xdg) if xdg else Path.home() / ".cache"
    return root / "corridors"
