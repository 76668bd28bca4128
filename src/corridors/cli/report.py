"""Human-readable output for the command line (rich tables)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from corridors.cli.terminal import echo, text
from corridors.network.index import Network
from corridors.routing.route import Route

if TYPE_CHECKING:
    from collections.abc import Mapping

    from corridors.atlas.model import Corridor
    from corridors.check import CheckReport
    from corridors.routing.matrix import Matrix


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


def status_cell(status: str, in_service: bool) -> str:
    """A leg's status as the tables show it: the map's word, marked when not in service."""
    from corridors.maps.style import STATUS_LABELS

    label = STATUS_LABELS.get(status, status)
    return label if in_service else f"{label} (not in service)"


def route_warnings(network: Network, result: Route) -> list[str]:
    """The warning lines of a route: one naming every leg not in service on its day, and one
    per port where the cargo changes ship between two voyages."""
    from corridors.routing.route import port_call_warning, port_calls

    lines = [route_warning(network, result)]
    lines += [port_call_warning(network, a, b) for a, b in port_calls(result.legs)]
    return [line for line in lines if line]


def route_warning(network: Network, result: Route) -> str | None:
    """One line naming every leg of ``result`` not in service on its day (None: all are)."""
    idle = [leg for leg in result.legs if not leg.in_service]
    if not idle:
        return None
    corridors = network.atlas.corridors
    named = []
    for leg in idle:
        corridor = corridors.get(leg.corridor)
        name = corridor.name if corridor is not None else leg.corridor or leg.mode
        since = f" since {leg.since}" if leg.since else ""
        gone = "" if leg.built or leg.status != "closed" else ", line gone"
        named.append(f"{name} ({leg.status.replace('_', ' ')}{since}{gone})")
    return f"not in service on {result.as_of.isoformat()}: {'; '.join(named)}"


def print_route(network: Network, result: Route) -> None:
    from rich.table import Table

    places = network.atlas.places
    corridors = network.atlas.corridors
    title = text(
        f"{places[result.origin].name} → {places[result.destination].name}"
        f" (as of {result.as_of.isoformat()})"
    )
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
            text(_corridor_label(corridors, leg.corridor)),
            text(status_cell(leg.status, leg.in_service)),
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


def _corridor_label(corridors: Mapping[str, Corridor], corridor: str) -> str:
    """A leg's corridor name; an open-sea leg has no atlas corridor, only its label."""
    found = corridors.get(corridor)
    return found.name if found is not None else corridor


def print_records(what: str, records: list[dict[str, object]]) -> None:
    from rich.table import Table

    columns = {
        "places": ("id", "name", "local_name", "country", "kind", "lat", "lon"),
        "corridors": ("id", "name", "mode", "status", "length_km", "reported_length_km"),
        "shipments": ("id", "name", "cargo", "tonnes", "consignee"),
        "programmes": ("id", "name", "announced", "figures", "members"),
    }[what]
    if not any(record.get("local_name") for record in records):  # an atlas without names
        columns = tuple(c for c in columns if c != "local_name")
    table = Table()
    for column in columns:
        table.add_column(column)
    for record in records:
        table.add_row(*(text(_cell(record.get(c))) for c in columns))
    _console().print(table)


def _number(value: object) -> str:
    """``3,500`` or ``25,000,000,000``: whole numbers in full, others to 6 significant digits."""
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}" if isinstance(value, (int, float)) else str(value)


def _cell(value: object) -> object:
    """A record value as a table cell: lists joined, figures as ``name value``."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(map(str, value)) if value else "(none)"
    if isinstance(value, dict):
        return "; ".join(f"{k} {_number(v)}" for k, v in value.items())
    return value


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

    day = f" as of {rows[0]['as_of']}" if rows and "as_of" in rows[0] else ""
    table = Table(title=text(f"Route table{day} (published length where one exists)"))
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


def print_check(report: CheckReport, *, verbose: bool = False) -> None:
    """The problems (with ``verbose``, every finding), one unwrapped line each, then a summary."""
    for line in report.lines(verbose=verbose):
        echo(line)
    echo(report.summary())


def print_shipments_total(total: float, count: int) -> None:
    """The line under ``list shipments``: the total of all shipments, as the map shows it."""
    _console().print(text(f"total: {total:,.0f} t in {count} shipment(s)"))


__all__ = ["print_matrix", "print_route", "print_route_table"]
