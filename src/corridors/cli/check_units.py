"""The findings of each corridor, port and zone, kept between runs of ``corridors check``.

Why: after an edit, the checks of the atlas's own memo (:mod:`corridors.cli.memo`) miss as a
whole, and ``corridors check`` ran every check again, mostly sampling every line every 250 m
against the land mask and the borders, although an edit changes one corridor or none of what
those checks read (a note, a source). :func:`corridors.check.check_atlas` takes a mapping of
findings keyed by *everything* each such check reads (:func:`corridors.check.unit_key`: the
line, its stops' positions and countries, the tolerances, ...); this module keeps that mapping
in the cache folder, one file per atlas folder, under a key of the code and libraries
(:func:`corridors.cli.memo.code_key`). The checks that look at the whole atlas (shipments,
tonnes, sources, sea distances) always run.

Never stale: a unit's key is its inputs, so a changed input is a new unit (checked); the file
is used only under the same code key, taken before the check and again after it (a package
file edited meanwhile, or within :data:`~corridors.cli.memo.RACY_S` seconds: nothing is read
or kept). Never fatal: a missing, damaged or foreign file is an empty one; a file that cannot
be written is skipped. Never code: JSON read through
:func:`corridors._io.files.read_regular_file` (regular files only), each finding checked for
its types. Only the units of the last check are kept, so the file does not grow with edits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Any

__all__ = ["UNITS_FORMAT", "KeptUnits", "open_units", "save_units", "units_path"]

UNITS_FORMAT = 1
MAX_UNITS_BYTES = 128 * 2**20
"""A larger file is neither read nor written (the check then runs every unit)."""
_PURPOSE = f"check-units-v{UNITS_FORMAT}"


class KeptUnits(MutableMapping[str, Any]):
    """The findings read from the file (``stored``) and those of this run.

    A key read or written in this run is kept (:meth:`kept`); the others (units of lines
    since changed or removed) are dropped when the file is written again.
    """

    def __init__(self, path: Path, code: str, stored: dict[str, Any]) -> None:
        self.path = path
        self.code = code
        self._stored = stored
        self._now: dict[str, Any] = {}

    def __getitem__(self, key: str) -> Any:
        if key not in self._now:
            self._now[key] = self._stored[key]
        return self._now[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._now[key] = value

    def __delitem__(self, key: str) -> None:
        self._now.pop(key, None)
        del self._stored[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._now)

    def __len__(self) -> int:
        return len(self._now)

    def kept(self) -> dict[str, Any]:
        """The units read or written in this run."""
        return dict(self._now)


def units_path(root: Path) -> Path:
    """The file of the atlas folder ``root``."""
    from corridors.paths import cache_dir

    tag = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()
    return cache_dir() / f"check-units-v{UNITS_FORMAT}-{tag[:32]}.json"


def open_units(root: Path) -> KeptUnits | None:
    """The kept findings of the atlas at ``root`` (empty when none are usable), or None when
    the code cannot be trusted (then nothing is read or kept)."""
    from corridors.cli.memo import code_key

    code = code_key(_PURPOSE)
    if code is None:
        return None
    try:
        path = units_path(root)
    except (OSError, ValueError):
        return None
    return KeptUnits(path, code, _read(path, code))


def _read(path: Path, code: str) -> dict[str, Any]:
    from corridors._io.files import read_regular_file

    try:
        raw = bytes(read_regular_file(path, max_bytes=MAX_UNITS_BYTES))
        if f'"code": "{code}"'.encode() not in raw[:256]:
            return {}  # other code (as save_units writes it): no need to parse it all
        data = json.loads(raw)
    except Exception:  # noqa: BLE001 - any doubt is an empty file
        return {}
    if (
        not isinstance(data, dict)
        or data.get("format") != UNITS_FORMAT
        or data.get("code") != code
        or not isinstance(data.get("units"), dict)
    ):
        return {}
    return data["units"]  # each unit's findings are checked as they are used (check.py)


def save_units(units: KeptUnits) -> None:
    """Write the units of this run, if the code is still the one they were computed with;
    best effort."""
    import contextlib

    from corridors._io.files import write_atomically
    from corridors.cli.memo import code_key

    if code_key(_PURPOSE) != units.code:
        return
    body = json.dumps(
        {"format": UNITS_FORMAT, "code": units.code, "units": units.kept()}, ensure_ascii=False
    ).encode("utf-8", "surrogatepass")
    if len(body) > MAX_UNITS_BYTES:
        return
    with contextlib.suppress(OSError, ValueError):
        # not fsynced: a file lost or damaged in a crash only means checking again
        write_atomically(units.path, [body], sync=False)
