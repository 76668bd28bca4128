"""Options that several command modules declare the same way (``cli/app.py``,
``cli/cost_cmds.py``): one declaration each, so their flags, help and environment agree."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["AtlasOption", "CsvOption", "JsonOption"]

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
