"""Keep optional imports of libraries out of a command that does not need them.

Why: folium imports pandas when it is installed (``folium.utilities``: ``try: import pandas``),
only to accept DataFrames as locations, which ``corridors`` never passes; that import was 0.15 s
of a cold ``corridors build`` (0.57 s). :func:`install` adds an import finder that answers
"not installed" to that one import, and only when it comes from ``folium.utilities``: any
other code (geopandas, a user's plugin) imports pandas as usual.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.abc costs a cold start ~10 ms: the finder needs no base class
    from importlib.machinery import ModuleSpec
    from types import ModuleType

# (module asked for, module asking) pairs to answer with ModuleNotFoundError.
SKIPPED = (("pandas", "folium.utilities"),)


class _SkipOptional:
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        for name, importer in SKIPPED:
            if fullname == name and _imported_from(importer):
                raise ModuleNotFoundError(f"No module named '{name}'", name=name)
        return None


def _imported_from(module: str) -> bool:
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_globals.get("__name__") == module:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def install() -> None:
    """Add the finder (once) in front of the import system's finders."""
    if not any(isinstance(finder, _SkipOptional) for finder in sys.meta_path):
        sys.meta_path.insert(0, _SkipOptional())


__all__ = ["SKIPPED", "install"]
