"""A fast lane for plain invocations of any command whose options are all simple (issue 13).

Why: typer (0.29) imports pydantic and builds a ``TypeAdapter`` per parameter before running a
command, 0.1-0.3 s of a cold ``corridors list`` or ``matrix``, more than the command's work.
For an argument list made only of options the command declares (strings, paths, flags, int
and float numbers, repeated strings) and its positional arguments, :func:`try_command` reads
the command's own declaration (the ``typer.Option``/``typer.Argument`` in its annotations,
its defaults, environment variables) and calls the very same function, so options, defaults,
messages and exit codes stay typer's. Anything it does not fully understand (``--help``, an
unknown option, a negation typer was not told of (``--no-json``), a value that does not
convert, a path with constraints, a callback, a choice type, ``--``) returns False and typer
parses the line exactly as before.
"""

from __future__ import annotations

import os
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from typer.models import ArgumentInfo, OptionInfo

_SIMPLE = {str: str, Path: Path, int: int, float: float}
# Checks typer would make that the lane does not: a parameter using any of them goes to typer.
_CHECKS = (
    "callback",
    "parser",
    "click_type",
    "min",
    "max",
    "exists",
    "file_okay",
    "dir_okay",
    "writable",
    "readable",
    "resolve_path",
    "allow_dash",
    "formats",
    "prompt",
    "count",
    "flag_value",
    "default_factory",
    "is_eager",
    "mode",
    "encoding",
    "lazy",
    "atomic",
)
_CHECK_DEFAULTS: dict[str, Any] = {
    "file_okay": True,
    "dir_okay": True,
    "readable": True,
    "expose_value": True,
}


class _Param:
    def __init__(
        self, name: str, kind: str, convert: Callable[[str], Any], info: Any, default: Any
    ) -> None:
        self.name, self.kind, self.convert, self.info, self.default = (
            name,
            kind,
            convert,
            info,
            default,
        )


def _base(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``X | None`` and whether None was allowed."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0], True
        return None, False
    return annotation, False


def _params(function: Callable[..., Any]) -> list[_Param] | None:
    """The command's parameters, or None if any is not simple enough for the lane."""
    import inspect

    try:
        hints = typing.get_type_hints(function, include_extras=True)
    except Exception:  # noqa: BLE001 - anything odd: typer's job
        return None
    params = []
    for name, parameter in inspect.signature(function).parameters.items():
        hint = hints.get(name)
        if typing.get_origin(hint) is not typing.Annotated:
            return None
        base, info = typing.get_args(hint)[0], typing.get_args(hint)[1]
        if not isinstance(info, (OptionInfo, ArgumentInfo)):
            return None
        for check in _CHECKS:
            value = getattr(info, check, None)
            if value not in (None, False, _CHECK_DEFAULTS.get(check)):
                return None
        inner, _ = _base(base)
        convert: Callable[[str], Any]
        if inner is bool:
            kind, convert = "flag", bool
        elif inner in _SIMPLE:
            kind, convert = "value", _SIMPLE[inner]
        elif typing.get_origin(inner) is list and typing.get_args(inner) == (str,):
            kind, convert = "many", str
        else:
            return None
        if isinstance(info, ArgumentInfo):
            if kind not in ("value",):
                return None
            kind = "argument"
        default = parameter.default
        if default is inspect.Parameter.empty:
            default = _REQUIRED
        params.append(_Param(name, kind, convert, info, default))
    return params


_REQUIRED = object()


def _declared_names(param: _Param) -> list[str]:
    """The option's names as typer declares them: with ``Annotated``, the first name given to
    ``typer.Option`` arrives as its ``default``; with no name at all, ``--param-name``."""
    decls = list(param.info.param_decls or ())
    if isinstance(param.info.default, str):
        decls.insert(0, param.info.default)
    return decls or ["--" + param.name.replace("_", "-")]


def _convert(param: _Param, text: str) -> Any:
    if param.convert in (int, float) and "_" in text:
        raise ValueError(text)  # Python takes "1_0"; typer's parser does not
    return param.convert(text)


def parse(function: Callable[..., Any], args: list[str]) -> dict[str, Any] | None:
    """Keyword arguments for ``function`` (a typer command) from ``args``, or None."""
    params = _params(function)
    if params is None:
        return None
    names: dict[str, _Param] = {}
    negations: dict[str, _Param] = {}  # "--offline/--online": --online sets False
    for param in params:
        if param.kind != "argument":
            for decl in _declared_names(param):
                on, slash, off = decl.partition("/")
                if slash and (param.kind != "flag" or not off.startswith("--")):
                    return None
                if not on.startswith("-"):
                    return None
                names[on] = param
                if slash:
                    negations[off] = param
    values: dict[str, Any] = {}
    positional: list[str] = []
    tokens = iter(args)
    for token in tokens:
        if not token.startswith("-") or token == "-":
            positional.append(token)
            continue
        name, equals, inline = token.partition("=")
        if name in negations and not equals:
            values[negations[name].name] = False
            continue
        found = names.get(name)
        if found is None:
            return None
        param = found
        if param.kind == "flag":
            if equals:
                return None
            values[param.name] = True
            continue
        value = inline if equals else next(tokens, None)
        if value is None or (not equals and value.startswith("-") and value != "-"):
            return None
        try:
            converted = _convert(param, value)
        except ValueError:
            return None
        if param.kind == "many":
            values.setdefault(param.name, []).append(converted)
        else:
            values[param.name] = converted
    arguments = [p for p in params if p.kind == "argument"]
    if len(positional) > len(arguments):
        return None
    for param, text in zip(arguments, positional, strict=False):
        try:
            values[param.name] = _convert(param, text)
        except ValueError:
            return None
    for param in params:
        if param.name in values:
            continue
        envvar = getattr(param.info, "envvar", None)
        from_env = os.environ.get(envvar) if isinstance(envvar, str) else None
        if envvar is not None and not isinstance(envvar, str):
            return None
        if from_env:
            if param.kind not in ("value",):
                return None
            try:
                values[param.name] = _convert(param, from_env)
            except ValueError:
                return None
        elif param.default is _REQUIRED:
            return None  # a missing argument: typer's message
        else:
            values[param.name] = param.default
    return values


def try_command(
    argv: list[str],
    app: typer.Typer,
    *,
    commands: tuple[str, ...],
    eager_only_callback: bool = False,
) -> bool:
    """Run ``corridors <command> ...`` without typer's parser if ``argv`` allows; True if it ran.

    Parameters
    ----------
    argv : list of str
        The arguments after the program name.
    app : typer.Typer
        The application whose registered command is looked up by name.
    commands : tuple of str
        The command names the lane may serve.
    eager_only_callback : bool
        The app's callback only holds eager options given before the command (``--version``)
        and does nothing otherwise, so a call that starts with a command name may skip it.
    """
    if not argv or argv[0] not in commands:
        return False
    if app.registered_callback is not None and not eager_only_callback:
        return False  # an app callback (global options) runs through typer
    for command in app.registered_commands:
        function = command.callback
        if function is None:
            continue
        name = command.name or function.__name__.replace("_", "-")
        if name == argv[0]:
            break
    else:
        return False
    values = parse(function, argv[1:])
    if values is None:
        return False
    try:
        function(**values)
    except typer.Exit as done:
        raise SystemExit(done.exit_code) from None
    return True


__all__ = ["parse", "try_command"]
