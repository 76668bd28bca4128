"""The cost commands: ``cost`` (one costed route), ``compare`` and ``flow`` (scenarios).

Registered on the main app by :mod:`corridors.cli.app` (``commands.registered_commands``);
this module never imports that one. Every user error is one line on stderr and exit 2 (1 when
no route exists), as everywhere in the command line.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from corridors.cli.help import ReadableTyper
from corridors.cli.options import (
    AsOfOption,
    AtlasOption,
    CsvOption,
    InServiceOption,
    JsonOption,
    ProposedOption,
)
from corridors.cli.terminal import echo, echo_json, text
from corridors.errors import CorridorsError

if TYPE_CHECKING:
    from corridors.network.index import Network
    from corridors.routing.cost import CostedRoute
    from corridors.routing.cost_params import CostParams
    from corridors.routing.options import RouteOptions
    from corridors.routing.scenario import Outcome, Scenario

commands = ReadableTyper()

_FLAGS = {
    "tonnes": "--tonnes",
    "vessel": "--vessel",
    "params": "--set",
    "modes": "--modes",
    "include_proposed": "--include-proposed",
    "include_closed": "--include-closed",
    "in_service": "--in-service",
    "as_of": "--as-of",
    "by": "--by",
    "focus": "--focus",
    "destination": "--destination",
}

ParamsOption = Annotated[
    Path | None,
    typer.Option(
        "--params",
        metavar="FILE",
        help="TOML file overriding cost parameters ([group] name = number; see geo/costs.toml).",
        show_default=False,
    ),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="GROUP.NAME=NUMBER",
        help="Override one cost parameter, e.g. --set sea_supramax.usd_per_tkm=0.002.",
        show_default=False,
    ),
]
VesselOption = Annotated[
    str, typer.Option("--vessel", help="Bulk carrier class: supramax or handysize.")
]


@contextlib.contextmanager
def cost_errors() -> Iterator[None]:
    """One line on stderr and the error's exit code; parameters named as their flags."""
    try:
        yield
    except CorridorsError as exc:
        message = re.sub(r"`(\w+)`", lambda m: _FLAGS.get(m[1], m[0]), str(exc))
        echo(f"error: {message}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except BrokenPipeError:
        raise typer.Exit(0) from None
    except OSError as exc:
        target = f" {exc.filename}" if exc.filename else ""
        echo(f"error: cannot access{target}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None


def params_for(
    network: Network,
    atlas: Path | None,
    params_file: Path | None = None,
    assignments: list[str] | None = None,
) -> CostParams:
    """The cost parameters of ``atlas`` with a user's file and ``--set`` values applied."""
    from corridors.routing.cost_params import resolve_params

    return resolve_params(
        atlas_dir=atlas,
        params_file=params_file,
        assignments=assignments or (),
        source_ids=network.atlas.sources,
    )


def with_cost_model(options: RouteOptions, network: Network, atlas: Path | None) -> RouteOptions:
    """``options`` with ``by="cost"`` and the atlas's default cost model (``route --by cost``)."""
    from dataclasses import replace

    from corridors.errors import UsageError
    from corridors.routing.cost import CostModel

    if not options.freight:
        raise UsageError("`by` cost applies to freight (rail, sea); route other modes by distance")
    model = CostModel.for_network(network, params_for(network, atlas))
    return replace(options, by="cost", cost_model=model)


def _console():  # noqa: ANN202 - rich Console, imported lazily
    import os

    from rich.console import Console

    console = Console(highlight=False, markup=False, emoji=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, markup=False, emoji=False, width=160)
    return console


def print_costed(network: Network, result: CostedRoute) -> None:
    """The costed route as a table: one row per leg, transfer, border and discharge."""
    from rich.table import Table

    places = network.atlas.places

    def name(place: str) -> str:
        return places[place].name if place in places else place

    table = Table(
        title=text(
            f"{name(result.origin)} \u2192 {name(result.destination)}: "
            f"{result.tonnes:,.0f} t by {result.vessel}"
        ),
        title_justify="left",
    )
    for column in ("item", "from", "to", "km", "hours", "USD", "USD/t", "CO2e t", "kg CO2e/t"):
        table.add_column(column, justify="left" if column in ("item", "from", "to") else "right")
    for item in result.items:
        table.add_row(
            text(f"{item.kind} ({item.group})"),
            text(name(item.start)),
            text(name(item.end)),
            text(f"{item.km:,.1f}" if item.km else ""),
            text(f"{item.hours:,.1f}"),
            text(f"{item.cost_usd:,.0f}"),
            text(f"{item.cost_usd / result.tonnes:,.2f}"),
            text(f"{item.co2e_t:,.1f}"),
            text(f"{item.co2e_t * 1000 / result.tonnes:,.2f}"),
        )
    table.add_row(
        text("total"),
        text(""),
        text(""),
        text(f"{result.distance_km:,.1f}"),
        text(f"{result.hours:,.1f}"),
        text(f"{result.cost_usd:,.0f}"),
        text(f"{result.cost_usd_per_t:,.2f}"),
        text(f"{result.co2e_t:,.1f}"),
        text(f"{result.co2e_kg_per_t:,.2f}"),
    )
    console = _console()
    console.print(table)
    console.print(
        text(
            f"{result.days:,.1f} days door to door "
            f"({result.hours_of('rail', 'sea'):,.1f} h moving); parameters: "
            f"{result.params.path} ({sum(p.overridden for p in result.params.parameters.values())}"
            " overridden)"
        )
    )


@commands.command()
def cost(
    origin: Annotated[str, typer.Argument(metavar="FROM", help="Place id, name or alias.")],
    destination: Annotated[str, typer.Argument(metavar="TO", help="Place id, name or alias.")],
    tonnes: Annotated[float, typer.Option("--tonnes", help="Cargo in tonnes.")] = 1_000_000.0,
    vessel: VesselOption = "supramax",
    as_of: AsOfOption = None,
    in_service: InServiceOption = False,
    include_proposed: ProposedOption = False,
    params_file: ParamsOption = None,
    assignments: SetOption = None,
    as_json: JsonOption = False,
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Print CSV (one row per leg, then the total).")
    ] = False,
    atlas: AtlasOption = None,
) -> None:
    """Cost, time and CO2e of the cheapest route (generalised cost) between two places.

    Per leg and in total: km, hours (moving, transfer and border dwell, discharge), USD and
    USD per tonne, tonnes and kg per tonne of CO2e. The parameters are geo/costs.toml (every
    value cited or marked as an assumption), overridden by --params FILE and --set.
    """
    with cost_errors():
        from corridors.network.load import load_network
        from corridors.routing.cost import check_tonnes, cost_route

        check_tonnes(tonnes)
        network = load_network(atlas, quiet=True)
        params = params_for(network, atlas, params_file, assignments)
        result = cost_route(
            network,
            origin,
            destination,
            params=params,
            tonnes=tonnes,
            vessel=vessel,
            as_of=as_of,
            in_service=in_service,
            include_proposed=include_proposed,
        )
        from corridors.cli.output import emit, output_format

        fmt = output_format(as_json=as_json, as_csv=as_csv)
        emit(
            fmt,
            json_value=result.to_dict(),
            csv_rows=lambda: _cost_csv_rows(result.to_dict()),
            table=lambda: print_costed(network, result),
        )
        for warning in result.warnings:
            echo(f"warning: {warning}", err=True)


def _cost_csv_rows(record: dict[str, Any]) -> list[dict[str, Any]]:
    """``cost --csv``: one row per leg, then a ``total`` row (full precision)."""
    keys = ("distance_km", "hours", "cost_usd", "cost_usd_per_t", "co2e_t", "co2e_kg_per_t")
    rows = [dict(leg) for leg in record["legs"]]
    rows.append(
        {
            "kind": "total",
            "from": record["from"],
            "to": record["to"],
            **{k: record[k] for k in keys},
        }
    )
    return rows


def _scenario(path: Path, atlas: Path | None, params_file: Path | None, assignments):  # noqa: ANN001, ANN202
    from corridors.network.load import load_network
    from corridors.routing.scenario import load_scenario

    network = load_network(atlas, quiet=True)
    params = params_for(network, atlas, params_file, assignments)
    return network, params, load_scenario(path, network, params)


def _outcomes(
    network: Network, params: CostParams, scenario: Scenario, map_file: Path | None
) -> list[Outcome]:
    """The scenario's alternatives compared (``compare`` and ``flow``); a ``--map`` path is
    checked first, so a bad one fails before the work."""
    from corridors.routing.scenario import compare as run_compare

    if map_file is not None:
        from corridors._io.outputs import check_output_path

        check_output_path(map_file)
    return run_compare(network, scenario, params)


def _write_map(  # noqa: PLR0913 - what the scenario map draws
    network: Network,
    params: CostParams,
    scenario: Scenario,
    outcomes: list[Outcome],
    map_file: Path | None,
    *,
    quiet: bool,
    flows_mt: Mapping[tuple[str, str], float] | None = None,
) -> None:
    """Write ``--map`` if given, and say so unless ``quiet`` (``--json``, ``--csv``)."""
    if map_file is None:
        return
    from corridors.maps.scenario_map import write_scenario_map

    write_scenario_map(network, scenario, params, outcomes, map_file, flows_mt=flows_mt)
    if not quiet:
        echo(f"map written to {map_file}")


def _check_chart(chart: Path) -> None:
    """Refuse a ``--chart`` stem whose .png or .svg path is not a regular file's."""
    from corridors._io.outputs import check_output_path

    for suffix in (".png", ".svg"):
        check_output_path(chart.with_suffix(suffix))


def _print_rows(title: str, rows: list[dict[str, Any]], columns: list[tuple[str, str]]) -> None:
    from rich.table import Table

    table = Table(title=text(title), title_justify="left")
    for key, label in columns:
        table.add_column(
            label, justify="left" if key in ("alternative", "destination") else "right"
        )
    for row in rows:
        table.add_row(
            *(
                text(f"{row[key]:,.2f}" if isinstance(row[key], float) else row[key])
                for key, _ in columns
            )
        )
    _console().print(table)


ChartOption = Annotated[
    Path | None,
    typer.Option(
        "--chart",
        metavar="STEM",
        help="Also write STEM.png and STEM.svg (needs matplotlib: pip install 'corridors[chart]').",
        show_default=False,
    ),
]


@commands.command()
def compare(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO.toml", help="Scenario file.")],
    params_file: ParamsOption = None,
    assignments: SetOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    chart: ChartOption = None,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="Also write an HTML map of the alternatives (self-contained, offline).",
            show_default=False,
        ),
    ] = None,
    with_sensitivity: Annotated[
        bool,
        typer.Option(
            "--sensitivity",
            help="Vary each parameter over its low..high range and show how the gap between "
            "--focus and the cheapest other alternative, and their order, change (with "
            "--chart: a tornado chart).",
        ),
    ] = False,
    focus: Annotated[
        str | None,
        typer.Option("--focus", help="With --sensitivity: the alternative (default: first)."),
    ] = None,
    destination: Annotated[
        str | None,
        typer.Option("--destination", help="With --sensitivity: the destination (default: first)."),
    ] = None,
    atlas: AtlasOption = None,
) -> None:
    """Compare the alternatives of a scenario: cost, days and CO2e per tonne per destination.

    The scenario names the cargo, the origin and its long haul (modelled once, shared), the
    destinations and the alternatives (e.g. through Rajin, Vostochny, Vladivostok); see
    geo/scenarios/kuzbass-korea.toml.
    """
    with cost_errors():
        from corridors.routing.scenario import comparison_dict

        network, params, scenario = _scenario(scenario_file, atlas, params_file, assignments)
        if with_sensitivity:
            _sensitivity(network, params, scenario, focus, destination, chart, as_json, as_csv)
            return
        outcomes = _outcomes(network, params, scenario, map_file)
        doc = comparison_dict(network, scenario, outcomes)
        rows = [
            {k: v for k, v in row.items() if k not in ("legs", "warnings")} for row in doc["rows"]
        ]
        if chart is not None:
            from corridors.cli.cost_chart import write_compare_chart

            _check_chart(chart)
            written = write_compare_chart(rows, chart, title=scenario.name)
        if as_json:
            echo_json(doc)
        elif as_csv:
            from corridors.cli.output import csv_text

            typer.echo(csv_text(rows), nl=False)
        else:
            haul = doc["long_haul"]
            _print_rows(
                f"{scenario.name}: {scenario.tonnes:,.0f} t by {scenario.vessel}; long haul "
                f"{haul['from']} \u2192 {network.atlas.places[haul['to']].name} "
                f"{haul['distance_km']:,.0f} km by {haul['mode']}, shared",
                rows,
                [
                    ("alternative", "alternative"),
                    ("destination", "destination"),
                    ("distance_km", "km"),
                    ("days", "days"),
                    ("cost_usd_per_t", "USD/t"),
                    ("co2e_kg_per_t", "kg CO2e/t"),
                ],
            )
        if chart is not None and not as_json and not as_csv:
            echo(f"chart written to {', '.join(map(str, written))}")
        _write_map(network, params, scenario, outcomes, map_file, quiet=as_json or as_csv)
        said: list[str] = []
        for row in doc["rows"]:
            said += [w for w in row["warnings"] if w not in said]
        for warning in said:
            echo(f"warning: {warning}", err=True)


@commands.command()
def flow(
    scenario_file: Annotated[Path, typer.Argument(metavar="SCENARIO.toml", help="Scenario file.")],
    params_file: ParamsOption = None,
    assignments: SetOption = None,
    as_json: JsonOption = False,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="Also write an HTML map of the flow (line width by Mt/yr; self-contained).",
            show_default=False,
        ),
    ] = None,
    atlas: AtlasOption = None,
) -> None:
    """Least-cost annual flow of the scenario's demand_mt under the alternatives' capacities.

    Each alternative (transshipment port) carries at most its capacity_mt (Mt/yr); the flow
    to each destination costs the alternative's USD per tonne to it (as 'compare' computes).
    Prints the flows, the total cost and the saturated alternatives; exit 1 when the demand
    exceeds what the capacities allow.
    """
    with cost_errors():
        from corridors.errors import UsageError
        from corridors.routing.flow import solve_flow

        network, params, scenario = _scenario(scenario_file, atlas, params_file, assignments)
        if not scenario.demand_mt:
            raise UsageError(f"{scenario_file}: no demand_mt table: nothing to route")
        outcomes = _outcomes(network, params, scenario, map_file)
        costs = {(o.alternative, o.destination): o.costed.cost_usd_per_t for o in outcomes}
        capacities = {a.name: a.capacity_mt for a in scenario.alternatives}
        result = solve_flow(costs, capacities, scenario.demand_mt)
        _write_map(
            network, params, scenario, outcomes, map_file, quiet=True, flows_mt=result.flows_mt
        )
        places = network.atlas.places
        if as_json:
            doc = result.to_dict()
            for row in doc["flows"]:
                row["destination"] = places[row["destination"]].name
            doc["demand_mt_per_year"] = {places[d].name: v for d, v in scenario.demand_mt.items()}
            echo_json(doc)
            return
        rows = [
            {
                "alternative": a,
                "destination": places[d].name,
                "mt": v,
                "usd_per_t": costs[(a, d)],
            }
            for (a, d), v in result.flows_mt.items()
        ]
        _print_rows(
            f"{scenario.name}: least-cost annual flow, {sum(scenario.demand_mt.values()):g} Mt/yr",
            rows,
            [
                ("alternative", "alternative"),
                ("destination", "destination"),
                ("mt", "Mt/yr"),
                ("usd_per_t", "USD/t"),
            ],
        )
        for alt, cap in capacities.items():
            through = result.through_mt[alt]
            state = "saturated" if alt in result.saturated else "spare"
            limit = "no capacity given" if cap is None else f"capacity {cap:g} Mt/yr, {state}"
            echo(f"{alt}: {through:g} Mt/yr ({limit})")
        echo(f"total: USD {result.cost_usd:,.0f} a year")
        if map_file is not None:
            echo(f"map written to {map_file}")


def _sensitivity(  # noqa: PLR0913 - the options of compare --sensitivity
    network: Network,
    params: CostParams,
    scenario: Any,
    focus: str | None,
    destination: str | None,
    chart: Path | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    from corridors.routing.sensitivity import sensitivity

    dest = network.resolve_place(destination) if destination else None
    result = sensitivity(network, scenario, params, destination=dest, focus=focus)
    place = network.atlas.places[result.destination].name
    title = (
        f"{scenario.name}: {result.focus} minus the cheapest other alternative to {place}, "
        f"USD/t (base {result.base_gap:+.2f})"
    )
    if chart is not None:
        from corridors.cli.cost_chart import write_tornado_chart

        _check_chart(chart)
        bars = [(s.name, s.gap_low, s.gap_high) for s in result.swings if s.width > 1e-6]
        written = write_tornado_chart(
            bars,
            chart,
            base=result.base_gap,
            title=f"{result.focus} vs the cheapest other, to {place}",
            label=f"USD per tonne, {result.focus} minus the cheapest other (negative: "
            f"{result.focus} cheapest)",
        )
    rows = [
        {
            "parameter": s.name,
            "low": f"{s.low:g}" if not as_csv and not as_json else s.low,
            "high": f"{s.high:g}" if not as_csv and not as_json else s.high,
            "gap_at_low": s.gap_low,  # full precision; the table shows 2 decimals
            "gap_at_high": s.gap_high,
            "cheapest_at_low": s.order_low[0],
            "cheapest_at_high": s.order_high[0],
            "changes_ranking": "yes" if s.changes_ranking else "no",
        }
        for s in result.swings
    ]
    if as_json:
        echo_json(result.to_dict())
    elif as_csv:
        from corridors.cli.output import csv_text

        typer.echo(csv_text(rows), nl=False)
    else:
        _print_rows(title, rows, [(k, k.replace("_", " ")) for k in rows[0]])
        echo(f"base order: {', '.join(result.base_order)}")
        if chart is not None:
            echo(f"chart written to {', '.join(map(str, written))}")
