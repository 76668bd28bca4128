"""Keep optional imports of libraries out of a command that does not need them.

Why: folium imports pandas when it is installed (``folium.utilities``: ``try: import pandas``),
only to accept DataFrames as locations, which ``corridors`` never passes; that import was 0.15 s
of a cold ``corridors build`` (0.57 s). :func:`install` adds an import finder that answers
"not installed" to that one import, and only when it comes from ``folium.utilities``: any
other code (geopandas, a user's plugin) imports pandas as usual.

folium also imports requests (``folium.features``), only to fetch a GeoJSON given as a URL,
which ``corridors`` never does: 0.04-0.07 s of the same build. That import is not refused but
deferred: the finder gives folium requests through :class:`importlib.util.LazyLoader`, which
runs the real module the first time any of its attributes is used (by anyone), so requests
stays fully usable and is loaded only if it is.

And when branca or folium is first imported, :func:`corridors.maps.template_once.install`
makes their templates compile on first use, once each (folium compiles ~60 templates on import,
a map of ours renders a dozen).
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
# (module asked for, module asking) pairs to load lazily (on first use of an attribute).
DEFERRED = (("requests", "folium.features"),)
# Importing one of these first makes jinja2 templates compile on first use (template_once).
TEMPLATE_USERS = ("branca", "folium")


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
        if fullname in TEMPLATE_USERS:
            from corridors.maps import template_once

            template_once.install()
        for name, importer in DEFERRED:
            if fullname == name and _imported_from(importer):
                return _deferred_spec(fullname, path)
        return None


def _deferred_spec(fullname: str, path: Sequence[str] | None) -> ModuleSpec | None:
    """The module's own spec with its loader wrapped in a LazyLoader (None: let the import
    system look for it as usual, e.g. when it is not a plain source or extension module)."""
    import importlib.machinery
    import importlib.util

    spec = importlib.machinery.PathFinder.find_spec(fullname, path)
    if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
        return None
    spec.loader = importlib.util.LazyLoader(spec.loader)
    return spec


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


__all__ = ["DEFERRED", "SKIPPED", "TEMPLATE_USERS", "install"]
