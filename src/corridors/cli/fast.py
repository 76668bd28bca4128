"""A fast lane for the plainest ``corridors route`` invocations (issue 5: cold start).

Why: typer (0.29) builds a pydantic ``TypeAdapter`` for every parameter at parse time, and
importing pydantic costs ~0.1 s, a third of a cold ``corridors route``. The route command's
options are all plain strings, flags and one float, so for an argument list made only of
those, :func:`try_route` parses it itself and calls the very same ``route`` command function
(same options, defaults, messages and exit codes), which :func:`corridors.cli.app.main` passes
in, so this module never imports the commands it serves. Anything else (``--help``, an unknown or
malformed option, a missing argument, another command) returns ``False`` and typer handles it
exactly as before, errors included.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

# option -> (keyword of the route function, kind)
_OPTIONS: dict[str, tuple[str, str]] = {
    "--modes": ("modes", "text"),
    "--as-of": ("as_of", "text"),
    "--in-service": ("in_service", "flag"),
    "--include-proposed": ("include_proposed", "flag"),
    "--include-closed": ("include_closed", "flag"),
    "--by": ("by", "text"),
    "--speed": ("speed", "many"),
    "--transfer-hours": ("transfer_hours", "float"),
    "--json": ("as_json", "flag"),
    "--csv": ("as_csv", "flag"),
    "--map": ("map_file", "path"),
    "--cdn": ("cdn", "flag"),
    "--offline": ("offline", "flag"),  # the default; accepted for old scripts
    "--quiet": ("quiet", "flag"),
    "-q": ("quiet", "flag"),
    "--verbose": ("verbose", "flag"),
    "--atlas": ("atlas", "path"),
}


def parse_route_args(args: list[str]) -> dict[str, Any] | None:
    """Keyword arguments for the route command, or None if typer should parse ``args``."""
    parsed = parse_options(args, _OPTIONS)
    if parsed is None:
        return None
    values, positional = parsed
    if len(positional) != 2:
        return None
    values["origin"], values["destination"] = positional
    return values


def parse_options(
    args: list[str], options: dict[str, tuple[str, str]]
) -> tuple[dict[str, Any], list[str]] | None:
    """The keyword arguments and the positional arguments in ``args``, or None if typer should
    parse them.

    ``options`` maps each option to its keyword and kind: ``"flag"``, ``"text"``, ``"float"``,
    ``"path"`` or ``"many"`` (repeated text). ``atlas``, when not given, comes from
    ``CORRIDORS_ATLAS`` as typer takes it (an empty value is no value).
    """
    values: dict[str, Any] = {}
    positional: list[str] = []
    tokens = iter(args)
    for token in tokens:
        if not token.startswith("-") or token == "-":
            positional.append(token)
            continue
        name, equals, inline = token.partition("=")
        spec = options.get(name)
        if spec is None:
            return None  # unknown option, --help, "--": typer's job
        keyword, kind = spec
        if kind == "flag":
            if equals:
                return None
            values[keyword] = True
            continue
        value = inline if equals else next(tokens, None)
        if value is None or (not equals and value.startswith("-") and value != "-"):
            return None
        if kind == "float":
            if "_" in value:
                return None  # Python's float() takes "1_0"; typer's parser does not
            try:
                values[keyword] = float(value)
            except ValueError:
                return None
        elif kind == "path":
            values[keyword] = Path(value)
        elif kind == "many":
            values.setdefault(keyword, []).append(value)
        else:
            values[keyword] = value
    if "atlas" not in values and "--atlas" in options:
        from_env = os.environ.get("CORRIDORS_ATLAS")
        if from_env:
            values["atlas"] = Path(from_env)
    return values, positional


def try_route(argv: list[str], route: Callable[..., None]) -> bool:
    """Run ``corridors route ...`` without typer's parser if ``argv`` allows; True if it ran.

    ``route`` is the typer command function itself, called with the parsed keyword arguments.
    """
    if len(argv) < 3 or argv[0] != "route":
        return False
    values = parse_route_args(argv[1:])
    if values is None:
        return False
    import typer

    try:
        route(**values)
    except typer.Exit as done:
        raise SystemExit(done.exit_code) from None
    return True
