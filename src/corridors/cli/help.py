"""Help people can read: options shown as they are typed, defaults read from the library.

typer (0.29) prints a type beside every option, ``<bool>`` beside flags that take no value and
``<str>`` beside arguments that already have a name. :class:`ReadableTyper` gives every command
(also those registered later with ``app.command()``) a help page where

- a flag shows no value (``--json``, never ``--json <bool>``);
- an option that takes a value shows its metavar (``--speed MODE=KMH``), or else a plain word
  for its type (``TEXT``, ``NUMBER``, ``INTEGER``, ``PATH``);
- an option whose default lives in the library (speeds, transfer hours, tolerances, the snap
  distance) shows it as ``[default: ...]``, read from the library when help is printed, so
  the number is written once, where it is used, and importing the command line stays cheap.

and every command's help ends with examples (:data:`EXAMPLES`). Help text is Markdown
(paragraphs reflow to the terminal width). It is the project's own text: atlas data never
reaches a help page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

__all__ = ["EXAMPLES", "LIBRARY_DEFAULTS", "ReadableTyper", "package_version", "version_callback"]

_TYPE_WORDS = {"str": "TEXT", "float": "NUMBER", "int": "INTEGER", "path": "PATH"}


def _speeds() -> str:
    from corridors.geo.geodesy import METRES_PER_NAUTICAL_MILE
    from corridors.routing.options import DEFAULT_SPEEDS_KMH

    parts = []
    for mode, kmh in DEFAULT_SPEEDS_KMH.items():
        part = f"{mode}={kmh:g} km/h"
        if mode == "sea":
            part += f" ({kmh * 1000 / METRES_PER_NAUTICAL_MILE:g} kn)"
        parts.append(part)
    return ", ".join(parts)


def _transfer_hours() -> str:
    from corridors.routing.options import DEFAULT_TRANSFER_HOURS

    return f"{DEFAULT_TRANSFER_HOURS:g} h"


def _modes() -> str:
    from corridors.atlas.model import FREIGHT_MODES

    return ",".join(FREIGHT_MODES)


def _tolerance_m() -> str:
    from corridors.check import SNAP_TOLERANCE_M

    return f"{SNAP_TOLERANCE_M:,g} m"


def _length_tolerance() -> str:
    from corridors.check import LENGTH_TOLERANCE

    return f"{LENGTH_TOLERANCE * 100:g} %"


def _snap_m() -> str:
    from corridors.edit.plan import DEFAULT_SNAP_M

    return f"{DEFAULT_SNAP_M:,g} m"


LIBRARY_DEFAULTS: dict[str, Callable[[], str]] = {
    "speed": _speeds,
    "transfer_hours": _transfer_hours,
    "modes": _modes,
    "tolerance_m": _tolerance_m,
    "length_tolerance": _length_tolerance,
    "snap_m": _snap_m,
}
"""Options (by parameter name) declared with ``default=None`` whose real default the library
sets; help shows it as ``[default: ...]``."""


def _readable(command: Any, ctx: Any) -> None:
    """Make ``command``'s parameters print as they are typed (see the module docstring)."""
    for param in command.get_params(ctx):
        if getattr(param, "param_type_name", "") == "argument":
            # The argument's name (FROM, FILE) says what to type; typer would add "<str>".
            if param.metavar is None:
                param.metavar = (param.name or "value").upper()
            if hasattr(param, "display_type_rich"):
                param.display_type_rich = lambda ctx: None
            continue
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            param.metavar = ""
        elif param.metavar is None:
            shown = (
                str(param.display_type_rich(ctx) or "")
                if hasattr(param, "display_type_rich")
                else ""
            )
            bare = shown.strip("<>").removeprefix("list[").removesuffix("]")
            param.metavar = _TYPE_WORDS.get(bare, bare.upper() or "VALUE")
        lazy = LIBRARY_DEFAULTS.get(param.name or "")
        if lazy is not None and param.default is None and "[default:" not in (param.help or ""):
            param.help = f"{param.help or ''} [default: {lazy()}]".strip()


EXAMPLES: dict[str, tuple[str, ...]] = {
    "route": (
        "corridors route Khasan Pohang",
        "corridors route Khasan Pohang --as-of 2015-05-01 --json",
        "corridors route Khasan Busan --include-proposed --by time --speed rail=30",
        "corridors route Vladivostok pyeongtaek_lng --modes pipeline --include-proposed --csv",
    ),
    "list": (
        "corridors list corridors",
        "corridors list places --json",
        "corridors list sources --csv > sources.csv",
    ),
    "matrix": (
        "corridors matrix --places Rajin,Pohang,Busan,Vostochny",
        "corridors matrix --places Khasan,Seoul,Busan --include-proposed --by time --json",
    ),
    "table": ("corridors table", "corridors table --as-of 2015-05-01 --csv"),
    "check": (
        "corridors check",
        "corridors check --length-tolerance 3 --verbose",
        "corridors check --csv > findings.csv",
    ),
    "export": (
        "corridors export atlas.gpkg",
        "corridors export graph.graphml",
        "corridors export atlas.kml",
        "corridors export corridors.csv",
    ),
    "init": (
        "corridors init work",
        "corridors init ~/corridors-atlas",
    ),
    "build": ("corridors build", "corridors build --online --out site/"),
    "add": (
        "corridors add --via Pyongyang,Wonsan --mode power --status proposed "
        '--name "Pyongyang - Wonsan power line" --source https://example.org/report --dry-run',
        'corridors add --coords "130.303,42.248;130.2,42.3" --new-place "Example junction" '
        "--country PRK --mode rail --status proposed --source https://example.org/report "
        "--dry-run",
    ),
    "add-sea-lane": (
        "corridors add-sea-lane Vladivostok Busan --status operating --source nga-pub151 --dry-run",
    ),
    "remove": ("corridors remove power_khasan_rason --dry-run",),
    "cost": (
        "corridors cost Khasan Pohang --tonnes 40500",
        "corridors cost Rajin Gwangyang --tonnes 1e6 --set sea_supramax.usd_per_tkm=0.004 --json",
    ),
    "compare": (
        "corridors compare geo/scenarios/kuzbass-korea.toml",
        "corridors compare geo/scenarios/kuzbass-korea.toml --sensitivity --focus Rajin",
        "corridors compare geo/scenarios/kuzbass-korea.toml --chart work/kuzbass --csv",
    ),
    "flow": (
        "corridors flow geo/scenarios/kuzbass-korea.toml",
        "corridors flow geo/scenarios/kuzbass-korea.toml --map work/flow.html --json",
    ),
    "completion": (
        "corridors completion bash --install",
        "source <(corridors completion bash)",
    ),
}
"""Examples shown at the end of each command's help (a new command adds its own here)."""


def examples_text(command: str) -> str | None:
    """The Markdown examples paragraph of ``command``'s help, or None if it has none."""
    found = EXAMPLES.get(command)
    if not found:
        return None
    return "Examples:\n\n" + "\n".join(f"- `{example}`" for example in found)


class ReadableCommand(TyperCommand):
    """A typer command whose help page is readable (see :mod:`corridors.cli.help`)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _readable(self, ctx)
        if not self.epilog and self.name:
            self.epilog = examples_text(self.name)
        super().format_help(ctx, formatter)


class ReadableGroup(TyperGroup):
    """The ``corridors`` group: its own help page readable too."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _readable(self, ctx)
        super().format_help(ctx, formatter)


class ReadableTyper(typer.Typer):
    """``typer.Typer`` whose commands default to :class:`ReadableCommand`."""

    def command(self, *args: Any, **kwargs: Any) -> Any:  # typer's own signature, passed on
        kwargs.setdefault("cls", ReadableCommand)
        return super().command(*args, **kwargs)


def package_version() -> str:
    """The installed ``corridors`` distribution's version (package metadata).

    Falls back to ``corridors.__version__`` when the package runs from a source tree that was
    never installed.
    """
    import importlib.metadata

    try:
        return importlib.metadata.version("corridors")
    except importlib.metadata.PackageNotFoundError:
        from corridors import __version__

        return __version__


def version_callback(value: bool) -> None:
    """``--version``: print ``corridors VERSION`` and exit 0."""
    if value:
        typer.echo(f"corridors {package_version()}")
        raise typer.Exit(0)
