"""What each command shows people: its columns, totals and legends (drawn by
:mod:`corridors.cli.output`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corridors.cli.output import Column, format_number, print_columns_table, print_table
from corridors.cli.terminal import echo
from corridors.network.index import Network
from corridors.routing.route import Route

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from corridors.atlas.model import Corridor
    from corridors.check import CheckReport
    from corridors.routing.matrix import Matrix
    from corridors.routing.options import RouteOptions

    Cell = tuple[int, int]


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


def route_rows(network: Network, result: Route) -> list[dict[str, object]]:
    """The legs of ``result`` as records: the JSON legs with place and corridor names.

    ``distance_nmi`` is set for sea legs only; a leg's ``hours`` for freight routes only.
    """
    places = network.atlas.places
    corridors = network.atlas.corridors
    rows = []
    for leg in result.legs:
        record = {
            "from_name": places[leg.start].name,
            "to_name": places[leg.end].name,
            "corridor_name": _corridor_label(corridors, leg.corridor),
            **leg.to_dict(),  # full precision, as every JSON and CSV number
        }
        rows.append(record)
    return rows


def print_route(network: Network, result: Route) -> None:
    """The route as a table of legs (nmi for sea legs, hours with ``by="time"``) and a total."""
    places = network.atlas.places
    title = (
        f"{places[result.origin].name} → {places[result.destination].name}"
        f" (as of {result.as_of.isoformat()})"
    )
    rows = [
        {
            "from": places[leg.start].name,
            "to": places[leg.end].name,
            "mode": leg.mode,
            "corridor": _corridor_label(network.atlas.corridors, leg.corridor),
            "status": status_cell(leg.status, leg.in_service),
            "km": leg.distance_km,
            "nmi": leg.distance_nmi,
            "h": leg.hours,
        }
        for leg in result.legs
    ]
    columns = [
        Column("from", "from"),
        Column("to", "to"),
        Column("mode", "mode"),
        Column("corridor", "corridor"),
        Column("status", "status"),
        Column("km", "km", 1),
    ]
    if any(row["nmi"] is not None for row in rows):
        columns.append(Column("nmi", "nmi (sea)", 1))
    if result.hours is not None and result.options.by == "time":
        columns.append(Column("h", "time (h)", 1))
    print_table(rows, columns, title=title, notes=[route_total(result)])


def route_total(result: Route) -> str:
    """The line under a route: km, nautical miles of the sea legs only, hours for freight."""
    total = f"total: {format_number(result.distance_km, 1)} km"
    sea = result.sea_distance_nmi
    if sea is not None:
        whole = all(leg.mode == "sea" for leg in result.legs)
        total += (
            f" ({format_number(sea, 1)} nmi)"
            if whole
            else (f" (sea legs {format_number(sea, 1)} nmi)")
        )
    if result.hours is not None:
        total += f", about {format_number(result.hours, 1)} h"
        if result.transfers:
            count = len(result.transfers)
            total += f" incl. {count} transfer{'s' if count != 1 else ''}"
    return total


def _corridor_label(corridors: Mapping[str, Corridor], corridor: str) -> str:
    """A leg's corridor name; an open-sea leg has no atlas corridor, only its label."""
    found = corridors.get(corridor)
    return found.name if found is not None else corridor


LIST_COLUMNS: dict[str, tuple[Column, ...]] = {
    "places": (
        Column("id", "id"),
        Column("name", "name"),
        Column("local_name", "local name"),
        Column("country", "country"),
        Column("kind", "kind"),
        Column("lat", "lat (°N)", 4),
        Column("lon", "lon (°E)", 4),
    ),
    "corridors": (
        Column("id", "id"),
        Column("name", "name"),
        Column("mode", "mode"),
        Column("status", "status"),
        Column("length_km", "length (km)", 1),
        Column("reported_length_km", "published (km)", 1),
    ),
    "shipments": (
        Column("id", "id"),
        Column("name", "name"),
        Column("cargo", "cargo"),
        Column("tonnes", "cargo (t)", 0),
        Column("consignee", "consignee"),
    ),
    "programmes": (
        Column("id", "id"),
        Column("name", "name"),
        Column("announced", "announced"),
        Column("figures", "figures"),
        Column("members", "members"),
    ),
    "sources": (
        Column("id", "id"),
        Column("publisher", "publisher"),
        Column("date", "date"),
        Column("title", "title"),
        Column("url", "url"),
    ),
}
"""The columns ``corridors list KIND`` shows people (``--json``/``--csv`` give every field)."""


def print_records(
    what: str, records: list[dict[str, object]], *, notes: Sequence[str] = ()
) -> None:
    """``corridors list WHAT`` as a table of :data:`LIST_COLUMNS`, then ``notes``.

    The ``local_name`` column shows only when some record has one (an atlas without native
    names keeps its table narrow).
    """
    shown = _list_columns(what, local_names=any(record.get("local_name") for record in records))
    print_table(records, shown, notes=notes)


def print_record_columns(
    what: str, by_key: Mapping[str, Sequence[object]], *, notes: Sequence[str] = ()
) -> None:
    """:func:`print_records` of the records that ``by_key`` holds a column each (each key to
    its values, one per record), without making them."""
    shown = _list_columns(what, local_names=any(by_key.get("local_name", ())))
    print_columns_table(by_key, shown, notes=notes)


def _list_columns(what: str, *, local_names: bool) -> tuple[Column, ...]:
    columns = LIST_COLUMNS[what]
    if not local_names:
        columns = tuple(c for c in columns if c.key != "local_name")
    return columns


MATRIX_MARKS = {
    "same": ("—", "same place"),
    "no_line": ("n/a", "no corridor of these modes at this place (see --modes)"),
    "not_in_service": ("susp.", "only over suspended corridors (refused by --in-service)"),
    "planned": ("plan.", "only over planned corridors (add --include-proposed)"),
    "closed": ("closed", "only over closed corridors (add --include-closed)"),
    "unreachable": ("×", "no route on this day in these modes, whatever the status"),
}
"""A matrix cell's mark when it holds no number, and the legend line that explains it."""


def print_matrix(
    result: Matrix,
    *,
    names: Sequence[str] | None = None,
    reasons: Mapping[Cell, str] | None = None,
) -> None:
    """The matrix with place ``names`` as labels and every empty cell marked, then the legend.

    ``reasons`` maps ``(row, column)`` of an empty cell to a key of :data:`MATRIX_MARKS`
    (:func:`corridors.routing.gaps.empty_cell_reasons`).
    """
    labels = list(names) if names is not None else list(result.places)
    unit = "distance (km)" if result.unit == "km" else "time (h)"
    used: dict[str, None] = {}
    rows = []
    for i, (label, values) in enumerate(zip(labels, result.values, strict=True)):
        row: dict[str, object] = {"": label}
        for j, value in enumerate(values):
            key = "same" if i == j else (reasons or {}).get((i, j), "unreachable")
            if value is not None and i != j:
                row[str(j)] = value
            else:
                used[key] = None
                row[str(j)] = MATRIX_MARKS[key][0]
        rows.append(row)
    columns = [Column("", ""), *(Column(str(j), n, 1) for j, n in enumerate(labels))]
    width = max((len(MATRIX_MARKS[k][0]) for k in used), default=0)
    legend = [
        f"{MATRIX_MARKS[k][0]:<{width}}  {MATRIX_MARKS[k][1]}" for k in MATRIX_MARKS if k in used
    ]
    print_table(rows, columns, title=f"route {unit}, row to column", notes=legend)


def matrix_record(
    result: Matrix,
    options: RouteOptions,
    *,
    names: Sequence[str],
    reasons: Mapping[Cell, str],
) -> dict[str, object]:
    """``matrix --json``: place ids and names, the values (None where empty) and the reason of
    each empty cell, in the words of :data:`corridors.routing.gaps.REASONS`."""
    return {
        "unit": result.unit,
        "by": options.by,
        "as_of": options.as_of.isoformat(),
        "modes": list(options.modes),
        "statuses": list(options.statuses),
        "places": list(result.places),
        "names": list(names),
        "values": [list(row) for row in result.values],
        "empty": [
            {"from": result.places[i], "to": result.places[j], "reason": reason}
            for (i, j), reason in sorted(reasons.items())
        ],
    }


def matrix_csv_rows(result: Matrix) -> list[dict[str, object]]:
    """``matrix --csv``: one row per place (its id under the empty header), full precision."""
    return [
        {"": place, **dict(zip(result.places, values, strict=True))}
        for place, values in zip(result.places, result.values, strict=True)
    ]


def check_rows(report: CheckReport) -> list[dict[str, object]]:
    """``check --csv``: every finding, its ``data`` as JSON text."""
    return [
        {
            "subject": f.subject,
            "check": f.check,
            "ok": f.ok,
            "message": f.message,
            "data": f.data,
        }
        for f in report.findings
    ]


def print_route_table(rows: list[dict[str, object]]) -> None:
    """``corridors table``: nmi for the sea legs of routes that have them."""
    day = f" as of {rows[0]['as_of']}" if rows and "as_of" in rows[0] else ""
    shown = [
        {
            **row,
            "statuses": ", ".join(row["statuses"]),  # type: ignore[arg-type]
            "sea_nmi": row.get("sea_nmi"),
        }
        for row in rows
    ]
    columns = (
        Column("from", "from"),
        Column("to", "to"),
        Column("modes", "modes"),
        Column("distance_km", "km", 1),
        Column("sea_nmi", "sea nmi", 1),
        Column("reported_km", "published km", 1),
        Column("statuses", "statuses"),
    )
    print_table(shown, columns, title=f"Route table{day} (published length where one exists)")


def print_check(report: CheckReport, *, verbose: bool = False) -> None:
    """The problems (with ``verbose``, every finding), one unwrapped line each, then a summary."""
    for line in report.lines(verbose=verbose):
        echo(line)
    echo(report.summary())


def shipments_total(total: float, count: int) -> str:
    """The line under ``list shipments``: the total of all shipments, as the map shows it."""
    return f"total: {format_number(total, 0)} t in {count} shipment{'s' if count != 1 else ''}"


__all__ = ["print_matrix", "print_records", "print_route", "print_route_table"]
