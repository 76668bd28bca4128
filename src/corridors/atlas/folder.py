"""Where an atlas is and which files it is made of, without reading them.

Kept apart from :mod:`corridors.atlas.read` (parsing and validation): a command answered from
the network cache needs only these two functions, and importing the validators, the native-name
parser and the file locks for them cost ~3 ms of a 70 ms cold ``corridors route``.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from corridors.atlas.model import (
    CORRIDORS_DIR,
    PLACES_FILE,
    PROGRAMMES_FILE,
    SHIPMENTS_FILE,
    SOURCES_FILE,
)
from corridors.errors import AtlasError
from corridors.paths import resolve_atlas_dir

__all__ = ["atlas_files", "atlas_root"]


def atlas_files(root: Path) -> list[Path]:
    """Every file the atlas is made of, in a stable order.

    Raises :class:`AtlasError` if ``corridors/`` is missing, not a folder or unreadable (an
    empty ``corridors/`` folder is an atlas with no corridors).
    """
    files = [root / SOURCES_FILE, root / PLACES_FILE]
    corridor_dir = root / CORRIDORS_DIR
    try:
        info = os.stat(corridor_dir)
    except FileNotFoundError:
        raise AtlasError(
            f"{corridor_dir}: missing; every atlas needs a {CORRIDORS_DIR}/ folder of "
            f"*.geojson line files (create it empty for an atlas with no corridors yet)"
        ) from None
    except OSError as exc:
        raise AtlasError(f"{corridor_dir}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise AtlasError(
            f"{corridor_dir}: not a folder; {CORRIDORS_DIR}/ must be a folder of *.geojson files"
        )
    try:
        with os.scandir(corridor_dir) as entries:
            names = sorted(entry.name for entry in entries if entry.name.endswith(".geojson"))
    except OSError as exc:
        raise AtlasError(f"{corridor_dir}: cannot read: {exc.strerror or exc}") from None
    files.extend(corridor_dir / name for name in names)
    for optional in (SHIPMENTS_FILE, PROGRAMMES_FILE):
        path = root / optional
        if os.path.lexists(path):  # a dangling symlink is an error, not "no such file"
            files.append(path)
    return files


def atlas_root(atlas: str | os.PathLike[str] | None = None) -> Path:
    """The atlas folder to use, checked to exist with its required files."""
    root = resolve_atlas_dir(atlas)
    if not root.is_dir():
        raise AtlasError(
            f"atlas folder {root} does not exist: pass `atlas` DIR (or set CORRIDORS_ATLAS) "
            "to a folder holding places.geojson, sources.json and corridors/"
        )
    for required in (SOURCES_FILE, PLACES_FILE):
        if not os.path.lexists(root / required):
            raise AtlasError(f"{root / required}: missing; every atlas needs {required}")
    return root
