"""Human-readable output for the command line (rich tables), and the route table."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from corridors.cli.terminal import text
from corridors.errors import CorridorsError
from corridors.network.index import Network
from corridors.routing.route import Route, make_options
from corridors.routing.route import route as find_route

if TYPE_CHECKING:
    from corridors.check import CheckReport
    from corridors.routing.matrix import Matrix

# The routes the project exists to measure: (from, to, modes). Each is routed over every
# corridor whatever its status, and the table shows the statuses it used.
ROUTE_TABLE: tuple[tuple[str, str, str], ...] = (
    ("khasan", "rajin_port", "rail"),
    ("baranovsky", "rajin_port", "rail"),
    ("rajin_port", "pohang", "sea"),
    ("rajin_port", "dangjin", "sea"),
    ("rajin_port", "gwangyang", "sea"),
    ("rajin_port", "boryeong", "sea"),
    ("rajin_port", "busan", "sea"),
    ("khasan", "pohang", "rail,sea"),
    ("vostochny", "pohang", "sea"),
    ("vostochny", "busan", "sea"),
    ("khasan", "busan", "rail"),
    ("khasan", "seoul", "rail"),
    ("vladivostok", "seoul", "pipeline"),
    ("vladivostok", "seoul", "power"),
)


def _console(stderr: bool = False):  # noqa: ANN202 - rich Console, imported lazily
    """A rich console for tables. Everything printed on it is a ``Text`` from
    :func:`corridors.cli.terminal.text`: never parsed as markup or emoji codes, no control
    characters (see :mod:`corridors.cli.terminal`)."""
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, markup=False, emoji=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Piped output (logs, CI, files): do not fold tables into rich's default 80 columns.
        console = Console(stderr=stderr, highlight=False, markup=False, emoji=False, width=160)
    return console


def route_table(network: Network) -> list[dict[str, object]]:
    """Measure every route of :data:`ROUTE_TABLE` that this atlas can answer."""
    rows: list[dict[str, object]] = []
    places = network.atlas.places
    for origin, destination, modes in ROUTE_TABLE:
        if origin not in places or destination not in places:
            continue
        options = make_options(modes=modes.split(","), include_proposed=True)
        try:
            result = find_route(network, origin, destination, options)
        except CorridorsError:
            continue
        reported = _reported_km(network, result)
        rows.append(
            {
                "from": origin,
                "to": destination,
                "modes": modes,
                "distance_km": round(result.distance_km, 1),
                "distance_nmi": round(result.distance_nmi, 1),
                "reported_km": reported,
                "statuses": sorted({leg.status for leg in result.legs}),
                "corridors": [leg.corridor for leg in result.legs],
            }
        )
    return rows


def _reported_km(network: Network, result: Route) -> float | None:
    """The published length when the route is exactly one whole corridor that has one."""
    if len(result.legs) != 1:
        return None
    corridor = network.atlas.corridors[result.legs[0].corridor]
    whole = {corridor.start, corridor.end} == {result.origin, result.destination}
    return corridor.reported_length_km if whole else None


def print_route(network: Network, result: Route) -> None:
    from rich.table import Table

    places = network.atlas.places
    corridors = network.atlas.corridors
    title = text(f"{places[result.origin].name} → {places[result.destination].name}")
    table = Table(title=title, title_justify="left")
    table.add_column("from")
    table.add_column("to")
    table.add_column("mode")
    table.add_column("corridor")
    table.add_column("status")
    table.add_column("km", justify="right")
    for leg in result.legs:
        table.add_row(
            text(places[leg.start].name),
            text(places[leg.end].name),
            text(leg.mode),
            text(corridors[leg.corridor].name),
            text(leg.status),
            text(f"{leg.distance_km:,.1f}"),
        )
    console = _console()
    console.print(table)
    total = f"total: {result.distance_km:,.1f} km ({result.distance_nmi:,.1f} nmi)"
    if result.hours is not None:
        total += f", about {result.hours:,.1f} h"
        if result.transfers:
            total += f" incl. {len(result.transfers)} transfer(s)"
    console.print(text(total))


def print_records(what: str, records: list[dict[str, object]]) -> None:
    from rich.table import Table

    columns = {
        "places": ("id", "name", "country", "kind", "lat", "lon"),
        "corridors": ("id", "name", "mode", "status", "length_km", "reported_length_km"),
        "shipments": ("id", "name", "cargo", "tonnes", "consignee"),
    }[what]
    table = Table()
    for column in columns:
        table.add_column(column)
    for record in records:
        table.add_row(*(text("" if record.get(c) is None else record.get(c)) for c in columns))
    _console().print(table)


def print_matrix(result: Matrix) -> None:
    from rich.table import Table

    table = Table(title=text(f"route {'distance (km)' if result.unit == 'km' else 'time (h)'}"))
    rows = result.to_rows()
    for column in rows[0]:
        table.add_column(text(column), justify="right")
    for row in rows[1:]:
        table.add_row(*(text(value) for value in row))
    _console().print(table)


def print_route_table(rows: list[dict[str, object]]) -> None:
    from rich.table import Table

    table = Table(title=text("Route table (all statuses; published length where one exists)"))
    for column in ("from", "to", "modes", "km", "nmi", "published km", "statuses"):
        table.add_column(column, justify="right" if column in ("km", "nmi") else "left")
    for row in rows:
        reported = row["reported_km"]
        table.add_row(
            text(row["from"]),
            text(row["to"]),
            text(row["modes"]),
            text(f"{row['distance_km']:,.1f}"),
            text(f"{row['distance_nmi']:,.1f}" if "sea" in str(row["modes"]) else ""),
            text("" if reported is None else f"{reported:,.1f}"),
            text(", ".join(row["statuses"])),  # type: ignore[arg-type]
        )
    _console().print(table)


def print_check(report: CheckReport) -> None:
    console = _console()
    for line in report.lines():
        console.print(text(line))
    console.print(text("clean" if report.clean else f"{len(report.problems)} problem(s)"))


__all__ = ["ROUTE_TABLE", "print_route", "route_table"]
