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

Compiling is jinja2's lexer, parser and code generator, then Python's ``compile``: 0.1 s for the
two dozen templates a build renders. So the Python code jinja2 generates for each of them is
kept in the package, in :mod:`corridors.maps.compiled_templates` (made by
``python tools/make_templates.py``; Python caches its bytecode like any module's), under a
digest of the template's source, its environment class and the jinja2, folium and branca
versions. A template whose digest is there is made from that code with jinja2's own
``Template.from_code``, exactly as ``Environment.from_string`` makes it from the code it has
just generated; any other template (an edited one, another jinja2) is compiled as usual.

Data never becomes template source here either: this changes when and how often templates are
compiled, not what is compiled (see :mod:`corridors.maps.safe_render`); the kept code is the
package's, generated from the templates of the package and of folium/branca, never from data.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["install", "installed", "recording", "template_digest"]

_LOCK = threading.RLock()
_LAZY_CLASSES: dict[type, type] = {}
_MADE: dict[Any, Any] = {}
_ORIGINAL_NEW: list[Any] = []  # jinja2.Template.__new__ as jinja2 defines it, once installed
_ENVIRONMENTS: dict[type, Any] = {}
_RECORDED: list[list[tuple[type, str]]] = []  # open recordings (tools/make_templates.py)
VERSIONED = ("jinja2", "folium", "branca")
"""The libraries whose versions are part of a kept template's digest."""


def template_digest(environment_class: type, source: str) -> str:
    """The digest a template's generated code is kept under: its source, its environment class
    and the installed versions of :data:`VERSIONED` (those imported; None otherwise)."""
    versions = [getattr(sys.modules.get(name), "__version__", None) for name in VERSIONED]
    path = f"{environment_class.__module__}.{environment_class.__qualname__}"
    text = json.dumps([path, source, versions], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _environment(cls: type) -> Any:
    """The environment jinja2 gives a template of ``cls`` made without options (the same
    object every time: jinja2 keeps one per option set)."""
    env = _ENVIRONMENTS.get(cls)
    if env is None:
        env = _ENVIRONMENTS[cls] = _ORIGINAL_NEW[0](cls, "").environment
    return env


def _from_kept_code(cls: type, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """The template made from its kept code (``Environment.from_string`` without compiling),
    or None when there is none for it (then it is compiled)."""
    if kwargs or len(args) != 1 or not isinstance(args[0], str):
        return None
    import importlib.util

    from corridors.maps import compiled_templates

    try:
        env = _environment(cls)
        name = compiled_templates.MODULES.get(template_digest(type(env), args[0]))
        if name is None:
            return None
        spec = importlib.util.find_spec(f"{compiled_templates.__name__}.{name}")
        if spec is None or spec.loader is None:
            return None
        code = spec.loader.get_code(spec.name)  # type: ignore[attr-defined]
        return cls.from_code(env, code, env.make_globals(None), None)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a kept module that cannot be used: compile instead
        return None


@contextmanager
def recording() -> Iterator[list[tuple[type, str]]]:
    """Collect ``(template class, source)`` of every template compiled meanwhile (from kept
    code or not) by an installed :func:`install` (for tools/make_templates.py)."""
    found: list[tuple[type, str]] = []
    _RECORDED.append(found)
    try:
        yield found
    finally:
        _RECORDED.remove(found)


def _compile(template: Any) -> None:
    """Compile ``template`` (a lazy one) in place: from its kept code or by jinja2's own
    constructor, then give it its class."""
    with _LOCK:
        pending = template.__dict__.get("_corridors_pending")
        if pending is None:
            return  # compiled meanwhile by another thread
        cls, args, kwargs = pending
        real = _from_kept_code(cls, args, kwargs)
        if real is None:
            real = _ORIGINAL_NEW[0](cls, *args, **kwargs)
        if not kwargs and len(args) == 1 and isinstance(args[0], str):
            for found in _RECORDED:
                found.append((cls, args[0]))
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
