"""Regenerate the README's route table from ``corridors table --json`` on the shipped atlas.

    python tools/readme_table.py          # rewrite the table in README.md in place
    python tools/readme_table.py --check  # exit 1 if README.md is not what the atlas gives

Only the Markdown table rows of the "## The route table" section are rewritten; the prose
around them is left alone (say in it what the numbers mean). The test
``tests/test_shipped_atlas.py::test_readme_route_table_is_what_corridors_table_prints`` checks
the same thing cell by cell, so a stale README fails the suite either way.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from readme_section import README, between, replace_between, rewrite

HEADING, NEXT_HEADING = "\n## The route table\n", "\n## "
HEADER = "| from | to | modes | km | sea nmi | published km | statuses used |"
RULE = "|---|---|---|---:|---:|---:|---|"


def table_rows() -> list[str]:
    """The route table as Markdown rows, from the installed ``corridors`` on the bundled atlas."""
    done = subprocess.run(
        [sys.executable, "-m", "corridors.cli", "table", "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = []
    for record in json.loads(done.stdout):
        sea = record["sea_nmi"]
        nmi = "" if sea is None else f"{sea:,.1f}"
        reported = record["reported_km"]
        cells = [
            record["from"],
            record["to"],
            record["modes"],
            f"{record['distance_km']:,.1f}",
            nmi,
            "" if reported is None else f"{reported:,.1f}",
            ", ".join(record["statuses"]),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def with_table(text: str, rows: list[str]) -> str:
    """``text`` with the route table section's Markdown table replaced by ``rows``."""
    lines = between(text, HEADING, NEXT_HEADING).split("\n")
    table = [i for i, line in enumerate(lines) if line.startswith("|")]
    if not table:
        raise SystemExit("the route table section has no Markdown table")
    first, last = table[0], table[-1]
    lines[first : last + 1] = [HEADER, RULE, *rows]
    return replace_between(text, HEADING, NEXT_HEADING, "\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is current")
    args = parser.parse_args()
    updated = with_table(README.read_text(encoding="utf-8"), table_rows())
    stale = "README.md's route table is stale: run python tools/readme_table.py"
    return rewrite(README, updated, check=args.check, stale=stale)


if __name__ == "__main__":
    sys.exit(main())
