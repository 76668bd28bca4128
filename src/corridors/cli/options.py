"""Options that several command modules declare the same way (``cli/app.py``,
``cli/cost_cmds.py``): one declaration each, so their flags, help and environment agree."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "AsOfOption",
    "AtlasOption",
    "CsvOption",
    "InServiceOption",
    "JsonOption",
    "ProposedOption",
]

AtlasOption = Annotated[
    Path | None,
    typer.Option(
        "--atlas",
        envvar="CORRIDORS_ATLAS",
        metavar="DIR",
        help="Atlas folder to use instead of the bundled one (also CORRIDORS_ATLAS).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CsvOption = Annotated[
    bool, typer.Option("--csv", help="Print CSV (a header row, full precision) instead of a table.")
]
ProposedOption = Annotated[
    bool,
    typer.Option(
        "--include-proposed",
        help="Also use planned corridors (under construction, proposed, shelved).",
    ),
]
InServiceOption = Annotated[
    bool,
    typer.Option(
        "--in-service",
        help="Only corridors in service on the day (operating, pilot): refuse suspended ones, "
        "which are otherwise used, marked and warned about.",
    ),
]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="DATE",
        help="Route over the network as it stood on this day, YYYY-MM-DD (default: today).",
        show_default=False,
    ),
]
