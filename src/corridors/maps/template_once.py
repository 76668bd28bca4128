"""Compile each jinja2 template once, when it is first used (a command process's start-up).

Why: folium and branca compile the template of every one of their element classes when they
are imported (``_template = Template("...")`` in each class body), about 60 templates of which
a map of ours renders a dozen: 0.1 s of a ``corridors build`` of 0.6 s. And some elements
compile the same template source again for every instance (branca's ``JavascriptLink``,
``CssLink``, a ``Figure``'s header, html and script parts: 21 compilations per build).

:func:`install` makes ``jinja2.Template(source, ...)`` return a template that is compiled on
first use, and the same one for the same source and options. It is a real instance of the
class asked for (a subclass of it until compiled, the class itself after), compiled from the
same source with the same options by jinja2 itself, so it renders exactly what an eagerly
compiled one renders; sharing it is safe because a template keeps no state of the element
that renders it (jinja2's own ``Environment`` caches templates the same way). Only the
constructor changes: templates made by an ``Environment`` (``from_string``, ``get_template``)
are untouched. A template's syntax error surfaces on its first use instead of at import,
which is why this is for a process that renders only the package's maps (the
``corridors`` command calls it before building maps), not for library use.

Data never becomes template source here either: this changes when and how often templates are
compiled, not what is compiled (see :mod:`corridors.maps.safe_render`).
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["install", "installed"]

_LOCK = threading.RLock()
_LAZY_CLASSES: dict[type, type] = {}
_MADE: dict[Any, Any] = {}
_ORIGINAL_NEW: list[Any] = []  # jinja2.Template.__new__ as jinja2 defines it, once installed


def _compile(template: Any) -> None:
    """Compile ``template`` (a lazy one) in place with jinja2's own constructor, then give it
    its class."""
    with _LOCK:
        pending = template.__dict__.get("_corridors_pending")
        if pending is None:
            return  # compiled meanwhile by another thread
        cls, args, kwargs = pending
        real = _ORIGINAL_NEW[0](cls, *args, **kwargs)
        state = dict(real.__dict__)
        template.__dict__.clear()
        template.__dict__.update(state)
        template.__class__ = cls


def _lazy_class(cls: type) -> type:
    made = _LAZY_CLASSES.get(cls)
    if made is None:

        def __getattr__(self: Any, name: str) -> Any:  # noqa: N807 - the attribute hook
            if "_corridors_pending" not in self.__dict__:
                raise AttributeError(name)
            _compile(self)
            return getattr(self, name)

        made = _LAZY_CLASSES[cls] = type(
            cls.__name__,
            (cls,),
            {
                "__getattr__": __getattr__,
                "__module__": cls.__module__,
                "__qualname__": cls.__qualname__,
            },
        )
    return made


def _lazy_new(cls: type, *args: Any, **kwargs: Any) -> Any:
    try:
        key: Any = (cls, args, tuple(sorted(kwargs.items())))
        hash(key)
    except TypeError:  # an unhashable option (a list of extensions): not shared
        key = None
    with _LOCK:
        found = _MADE.get(key) if key is not None else None
        if found is None:
            found = object.__new__(_lazy_class(cls))
            found.__dict__["_corridors_pending"] = (cls, args, kwargs)
            if key is not None:
                _MADE[key] = found
        return found


def install() -> None:
    """Make ``jinja2.Template(...)`` compile on first use, once per source and options (for
    the rest of the process; idempotent)."""
    import jinja2.environment

    with _LOCK:
        if _ORIGINAL_NEW:
            return
        template = jinja2.environment.Template
        _ORIGINAL_NEW.append(template.__new__)
        template.__new__ = staticmethod(_lazy_new)  # type: ignore[method-assign]


def installed() -> bool:
    """Whether :func:`install` has been called in this process."""
    return bool(_ORIGINAL_NEW)
