"""Lazy public names for a package (PEP 562), so importing it stays cheap."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_getattr"]


def lazy_getattr(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``exports[name]`` (a module path) on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``, for the error message.
    exports : mapping of str to str
        Public name -> the module that defines it.

    Returns
    -------
    callable
        Assign it to the package's ``__getattr__``; an unknown name raises
        :class:`AttributeError` as a missing attribute does.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module), name)

    return __getattr__
