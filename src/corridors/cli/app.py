"""The ``corridors`` command line: a thin layer over the Python API.

Heavy libraries (geopandas, folium, pyproj, the land mask) are imported inside the commands
that need them, so ``corridors route`` starts fast. Every user error is printed as one line on
stderr with exit code 2 (1 when no route exists); no traceback reaches the user.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from itertools import chain
from pathlib import Path
from typing import Annotated, Any, Protocol, TypedDict

import typer

from corridors.cli.completion_cmd import answer_completion, completion
from corridors.cli.cost_cmds import commands as _cost_commands
from corridors.cli.help import ReadableGroup, ReadableTyper, version_callback
from corridors.cli.options import (
    AsOfOption,
    AtlasOption,
    CsvOption,
    InServiceOption,
    JsonOption,
    ProposedOption,
)
from corridors.cli.route_cmd import route_options as _route_options
from corridors.cli.terminal import echo, echo_json
from corridors.cli.workspace import BuildOption, after_edit, init_command
from corridors.errors import CorridorsError, UsageError

app = ReadableTyper(
    name="corridors",
    cls=ReadableGroup,
    help="Atlas and route calculator for the Russia - North Korea - South Korea corridors.\n\n"
    "Every command has an example in its help: `corridors route --help`.",
    no_args_is_help=True,
    add_completion=False,  # `corridors completion SHELL` instead: an explicit shell, testable
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Atlas and route calculator for the Russia - North Korea - South Korea corridors."""
    # Only the eager --version lives here: main() lets the fast lane skip this callback.


ModesOption = Annotated[
    str | None,
    typer.Option(
        "--modes",
        metavar="MODES",
        help="Comma-separated modes: rail,sea, or power, pipeline or road alone.",
        show_default=False,
    ),
]
ClosedOption = Annotated[
    bool,
    typer.Option(
        "--include-closed", help="Also use closed corridors (even where the line is gone)."
    ),
]
ByOption = Annotated[
    str,
    typer.Option(
        "--by",
        metavar="distance|time|cost",
        help="Minimise kilometres, hours or, for route only, cost (geo/costs.toml).",
    ),
]
SpeedOption = Annotated[
    list[str] | None,
    typer.Option(
        "--speed",
        metavar="MODE=KMH",
        help="A freight speed in km/h for --by time, e.g. --speed rail=30 --speed sea=25.",
        show_default=False,
    ),
]
TransferOption = Annotated[
    float | None,
    typer.Option(
        "--transfer-hours",
        metavar="HOURS",
        help="Hours per rail-sea transfer at a port, for --by time.",
        show_default=False,
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]
VerboseOption = Annotated[
    bool,
    typer.Option("--verbose", help="Say on stderr when and why the route graph is rebuilt."),
]


def _cache_events(verbose: bool):  # noqa: ANN202 - the callback load_network takes, or None
    """With ``--verbose``, print load_network's one line about a cache rebuild on stderr."""
    return (lambda line: echo(line, err=True)) if verbose else None


# Library errors name the parameter to change in backticks (`include_proposed`); the command
# line shows its own flag instead.
_FLAGS = {
    "atlas": "--atlas",
    "corridor_id": "--id",
    "country": "--country",
    "mode": "--mode",
    "name": "--name",
    "new_places": "--new-place",
    "places": "--via",
    "snap_m": "--snap-m",
    "source": "--source",
    "status": "--status",
    "status_year": "--year",
    "modes": "--modes",
    "include_proposed": "--include-proposed",
    "include_closed": "--include-closed",
    "in_service": "--in-service",
    "as_of": "--as-of",
    "by": "--by",
    "speeds_kmh": "--speed",
    "transfer_hours": "--transfer-hours",
    "tolerance_m": "--tolerance-m",
}


def _as_flags(message: str) -> str:
    """``message`` with each backticked parameter of :data:`_FLAGS` written as its flag."""
    import re

    return re.sub(r"`(\w+)`", lambda found: _FLAGS.get(found[1], found[0]), message)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into one line on stderr and the documented exit code.

    The line goes through :func:`corridors.cli.terminal.echo`: a file name or argument quoted in
    the message is printed as text, never as terminal control sequences.
    """
    try:
        yield
    except CorridorsError as exc:
        echo(f"error: {_as_flags(str(exc))}", err=True)
        raise typer.Exit(exc.exit_code) from None
    except BrokenPipeError:
        raise typer.Exit(0) from None
    except OSError as exc:
        target = f" {exc.filename}" if exc.filename else ""
        echo(f"error: cannot access{target}: {exc.strerror or exc}", err=True)
        raise typer.Exit(2) from None


def _lock_timeout(value: float) -> float:
    """``--lock-timeout``: a finite number of seconds, zero or more."""
    import math

    if not (math.isfinite(value) and value >= 0):
        raise UsageError(
            f"--lock-timeout must be a finite number of seconds, zero or more, not {value:g}"
        )
    return value


@app.command()
def route(
    origin: Annotated[str, typer.Argument(metavar="FROM", help="Place id, name or alias.")],
    destination: Annotated[str, typer.Argument(metavar="TO", help="Place id, name or alias.")],
    modes: ModesOption = None,
    as_of: AsOfOption = None,
    in_service: InServiceOption = False,
    include_proposed: ProposedOption = False,
    include_closed: ClosedOption = False,
    by: ByOption = "distance",
    speed: SpeedOption = None,
    transfer_hours: TransferOption = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            metavar="FILE",
            help="Also write an HTML map of the route to this file (not '-': a map never "
            "goes to standard output; a directory, FIFO or device there is refused).",
        ),
    ] = None,
    cdn: Annotated[
        bool,
        typer.Option(
            "--cdn",
            help="With --map: a lighter file loading Leaflet and map tiles from CDNs (by "
            "default the map is self-contained and needs no network, like 'build').",
        ),
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", hidden=True, help="The default; kept for old scripts.")
    ] = False,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    atlas: AtlasOption = None,
) -> None:
    """Shortest route between two places: legs (corridor, mode, status, km) and the total.

    The network is taken as it stood on --as-of (default today): corridors in service, and
    suspended ones (each such leg is marked, and named in one warning line on stderr); planned
    and closed corridors only with --include-proposed / --include-closed; --in-service refuses
    any leg not in service (exit 1).

    With --map FILE the route's HTML map is also written to FILE: self-contained, working with
    no network like the maps of 'build' (--cdn for a lighter file that needs the network),
    written atomically (a temporary file in the same folder, then renamed). FILE must be a
    regular file or not exist: '-', /dev/stdout, a directory, FIFO, device or socket is refused
    with exit 2 before anything is computed; a symbolic link at FILE is replaced, the file it
    pointed to left untouched.
    """
    with user_errors():
        from corridors.cli import route_cmd

        fmt, network, result = route_cmd.find(
            origin,
            destination,
            modes=modes,
            as_of=as_of,
            in_service=in_service,
            include_proposed=include_proposed,
            include_closed=include_closed,
            by=by,
            speed=speed,
            transfer_hours=transfer_hours,
            as_json=as_json,
            as_csv=as_csv,
            map_file=map_file,
            quiet=quiet,
            atlas=atlas,
            on_cache_event=_cache_events(verbose),
        )
        route_cmd.show(fmt, network, result, map_file=map_file, cdn=cdn)


_NOT_IN_CSV = ("geometry", "area")  # `list --csv` leaves out geometries: `export` writes them


@app.command(name="list")
def list_items(
    what: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help="places, corridors, shipments, programmes or sources",
            autocompletion=lambda: ["places", "corridors", "shipments", "programmes", "sources"],
        ),
    ],
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    verbose: VerboseOption = False,
    atlas: AtlasOption = None,
) -> None:
    """List the atlas's places, corridors, shipments, programmes or sources.

    The table shows the main fields; --json and --csv give every field (--csv leaves out
    geometries: 'corridors export' writes those).
    """
    from corridors.network.index import paused_gc

    # A record or more per item (600,000 places at 10^6 segments): no collector passes.
    with user_errors(), paused_gc():
        from corridors.cli.output import emit, output_format
        from corridors.network import listing
        from corridors.network.load import load_network

        fmt = output_format(as_json=as_json, as_csv=as_csv)
        if what not in listing.LISTS:
            raise UsageError(
                f"cannot list '{what}': choose places, corridors, shipments, programmes or sources"
            )
        from corridors.network import place_rows  # a large atlas's places, from its route file

        if what == "places" and fmt != "json" and _places_by_column(atlas, fmt):
            return
        records = place_rows.cached_place_records(atlas) if what == "places" else None
        if records is None:
            network = load_network(atlas, on_cache_event=_cache_events(verbose))
            records = listing.LISTS[what](network)
        from corridors.cli.report import print_records, shipments_total

        notes = []
        if what == "shipments":
            from corridors.atlas.model import total_tonnes

            shipments = network.atlas.shipments.values()
            notes.append(shipments_total(total_tonnes(shipments), len(shipments)))
        # --csv: every key but the geometries, first seen first (the records are not copied)
        keys = dict.fromkeys(chain.from_iterable(records)) if fmt == "csv" else {}
        emit(
            fmt,
            json_value=records,
            csv_rows=records,
            csv_columns=[key for key in keys if key not in _NOT_IN_CSV],
            table=lambda: print_records(what, records, notes=notes),
        )


def _places_by_column(atlas: Path | None, fmt: str) -> bool:
    """``list places`` as a table or ``--csv`` from the route file's record columns, without a
    record per place (at 10^6 segments: ~4 s instead of ~20-27 s, the same bytes); False if
    the atlas has no current, sound route file (then list from the network)."""
    from corridors.cli.output import csv_column_pieces
    from corridors.cli.report import print_record_columns
    from corridors.cli.terminal import write
    from corridors.network.place_rows import cached_place_table

    table = cached_place_table(atlas)
    if table is None:
        return False
    if fmt == "csv":
        shown = {key: table[key] for key in table if key not in _NOT_IN_CSV}
        for piece in csv_column_pieces(shown if table["id"] else {}):  # no place: no key
            write(piece)
    else:
        print_record_columns("places", table)
    return True


@app.command()
def matrix(
    places: Annotated[
        str | None,
        typer.Option(
            "--places",
            metavar="PLACES",
            help="Comma-separated places (default: every port and terminal).",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            metavar="N",
            help="Share the searches among N processes (same numbers; for large atlases).",
        ),
    ] = 1,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    modes: ModesOption = None,
    as_of: AsOfOption = None,
    in_service: InServiceOption = False,
    include_proposed: ProposedOption = False,
    include_closed: ClosedOption = False,
    by: ByOption = "distance",
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    atlas: AtlasOption = None,
) -> None:
    """Distance (or time) matrix between places, over the network of --as-of (default today;
    the same corridors as 'route' uses).

    Rows and columns are labelled with place names; a cell with no number says why (same
    place, only over suspended, planned or closed corridors, no route at all), explained under
    the table. --json gives the numbers with each empty cell's reason, --csv the bare grid
    (place ids, empty where there is no route).
    """
    with user_errors():
        from corridors.atlas.names import parse_csv_option
        from corridors.cli.output import emit, output_format
        from corridors.network.load import load_network
        from corridors.routing.matrix import distance_matrix

        fmt = output_format(as_json=as_json, as_csv=as_csv)
        options = _route_options(
            modes,
            include_proposed,
            by,
            as_of=as_of,
            in_service=in_service,
            include_closed=include_closed,
        )
        from corridors.routing.lazy_matrix import cached_matrix  # a large atlas's route file

        # (--workers shares the searches of the whole network among processes)
        found = (
            cached_matrix(atlas, places, options, reasons=fmt != "csv", quiet=quiet)
            if workers == 1
            else None
        )
        if found is not None:
            names, result, reasons = found
        else:
            network = load_network(atlas, quiet=quiet, on_cache_event=_cache_events(verbose))
            chosen = parse_csv_option(places, option="--places") or None
            result = distance_matrix(network, chosen, options, workers=workers, quiet=quiet)
            from corridors.routing.gaps import empty_cell_reasons

            reasons = empty_cell_reasons(network, result, options) if fmt != "csv" else {}
            names = [network.atlas.places[place].name for place in result.places]
        from corridors.cli.report import matrix_csv_rows, matrix_record, print_matrix

        emit(
            fmt,
            json_value=matrix_record(result, options, names=names, reasons=reasons),
            csv_rows=matrix_csv_rows(result),
            csv_columns=["", *result.places],
            table=lambda: print_matrix(result, names=names, reasons=reasons),
        )


@app.command()
def table(
    as_of: AsOfOption = None,
    in_service: InServiceOption = False,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    verbose: VerboseOption = False,
    atlas: AtlasOption = None,
) -> None:
    """The route table: the article's corridors and shipments, measured over the graph.

    Each route uses every corridor that exists on --as-of (default today) whatever its status,
    planned and closed ones included, or only corridors in service with --in-service.
    Nautical miles are given for the sea legs only.
    """
    with user_errors():
        from corridors.cli.output import emit, output_format
        from corridors.cli.report import print_route_table
        from corridors.network.load import load_network
        from corridors.routing.options import as_of_date
        from corridors.routing.table import route_table

        fmt = output_format(as_json=as_json, as_csv=as_csv)
        day = as_of_date(as_of)
        network = load_network(atlas, on_cache_event=_cache_events(verbose))
        rows = route_table(network, as_of=day, in_service=in_service)
        # The CSV gives nautical miles for the sea legs only (sea_nmi), as the table does.
        csv_rows = [{k: v for k, v in row.items() if k != "distance_nmi"} for row in rows]
        emit(fmt, json_value=rows, csv_rows=csv_rows, table=lambda: print_route_table(rows))


@app.command()
def check(
    tolerance_m: Annotated[
        float | None,
        typer.Option(
            "--tolerance-m",
            metavar="METRES",
            help="Max distance from a corridor end to its place.",
            show_default=False,
        ),
    ] = None,
    length_tolerance: Annotated[
        float | None,
        typer.Option(
            "--length-tolerance",
            metavar="PCT",
            help="Max gap between computed and published length, in percent.",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
    as_csv: CsvOption = False,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            help="Print every check, not only the problems (and cache rebuilds on stderr).",
        ),
    ] = False,
    atlas: AtlasOption = None,
) -> None:
    """Validate the atlas: lengths vs published, land/sea, borders, ends, shipments.

    Prints the problems, one per line, and a one-line summary (--verbose: every check);
    --json and --csv give every finding. Exit 1 if there is any problem.
    """
    with user_errors():
        from corridors.cli import check_cmd

        fmt, report = check_cmd.find(
            tolerance_m=tolerance_m,
            length_tolerance=length_tolerance,
            as_json=as_json,
            as_csv=as_csv,
            atlas=atlas,
            on_cache_event=_cache_events(verbose),
        )
        check_cmd.show(fmt, report, verbose=verbose)
        if not report.clean:
            raise typer.Exit(1)


@app.command()
def export(
    file: Annotated[
        Path,
        typer.Argument(
            help="Output, by its extension: .gpkg, .graphml, .geojson, .csv or .kml; a "
            "regular file, replaced atomically."
        ),
    ],
    verbose: VerboseOption = False,
    atlas: AtlasOption = None,
) -> None:
    """Export the atlas: .gpkg (QGIS, styled like the maps), .graphml (OSMnx/networkx),
    .geojson (corridors, places, zones, shipment legs), .csv (one row per corridor, WKT) or
    .kml (Google Earth, the maps' colours).

    The file is written to a temporary file in the same folder, then moved into place; a
    directory, FIFO, device or socket at FILE is refused with exit 2 and left as it was.
    """
    with user_errors():
        from corridors._io.outputs import check_output_path
        from corridors.cli.remembered import export as export_remembered

        check_output_path(file)
        # The same atlas, code, libraries and day give the same file: cli/remembered.py.
        written = export_remembered(atlas, file, on_cache_event=_cache_events(verbose))
        echo(f"wrote {written}")


@app.command()
def build(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the maps (default: a workspace's maps/, the checkout's maps/, else "
            "./maps). A map path holding a directory, FIFO, device or socket is refused.",
            show_default=False,
        ),
    ] = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline/--online",
            help="Self-contained files that need no network (default, as committed), or "
            "lighter files loading Leaflet and map tiles from CDNs.",
        ),
    ] = True,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
    atlas: AtlasOption = None,
) -> None:
    """Write the interactive maps atlas.html and shipments.html.

    Each map is written atomically; if the folder or a map path holds anything but a regular
    file (a directory, FIFO, device or socket), nothing is written and the exit code is 2.
    """
    with user_errors():
        from corridors.cli.remembered import build as build_remembered

        # The same atlas, code, libraries and day give the same maps: cli/remembered.py.
        result = build_remembered(
            atlas, out, offline=offline, quiet=quiet, on_cache_event=_cache_events(verbose)
        )
        for warning in result.warnings:
            echo(f"warning: {warning}", err=True)
        if not quiet:
            for written in result.files:
                echo(f"wrote {written}")


# --- editing the atlas: add, add-sea-lane, remove (a thin layer over corridors.edit.api) ---

DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Print what would change and change nothing.")
]
EditStatusOption = Annotated[
    str | None,
    typer.Option(
        "--status",
        help="operating, pilot, suspended, under_construction, proposed, shelved or closed.",
    ),
]
EditNameOption = Annotated[str | None, typer.Option("--name", help="Display name (unique).")]
EditIdOption = Annotated[
    str | None, typer.Option("--id", help="Corridor id (default: derived from its ends).")
]
EditSourceOption = Annotated[
    str | None,
    typer.Option(
        "--source",
        help="A source id from sources.json, or a URL or title that becomes a new source.",
    ),
]
EditYearOption = Annotated[
    int | None, typer.Option("--year", help="Year the status was last known (default: this year).")
]
LockTimeoutOption = Annotated[
    float,
    typer.Option("--lock-timeout", help="Seconds (zero or more) to wait for another writer."),
]


class _Write(TypedDict):
    """Where and how an edit writes: the keywords every ``corridors.edit.api`` function takes."""

    atlas: Path | None
    dry_run: bool
    lock_timeout_s: float


class _About(TypedDict):
    """The new corridor's record: --status, --name, --id, --source and --year."""

    status: str | None
    name: str | None
    corridor_id: str | None
    source: str | None
    status_year: int | None


class _Edited(Protocol):
    """What an edit returns (``corridors.edit.types.EditResult``, imported only when used)."""

    def to_dict(self) -> dict[str, Any]: ...

    def lines(self) -> list[str]: ...


# The options every edit command takes, after its own (so they close each command's help).
_KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD
_WRITE_OPTIONS = [
    inspect.Parameter("dry_run", _KEYWORD, annotation=DryRunOption, default=False),
    inspect.Parameter("lock_timeout", _KEYWORD, annotation=LockTimeoutOption, default=30.0),
    inspect.Parameter("as_json", _KEYWORD, annotation=JsonOption, default=False),
    inspect.Parameter("atlas", _KEYWORD, annotation=AtlasOption, default=None),
    inspect.Parameter("build", _KEYWORD, annotation=BuildOption, default=False),
]


def _edit_command(
    name: str | None = None,
) -> Callable[[Callable[..., _Edited]], Callable[..., None]]:
    """Register an atlas edit as the command ``name``: ``--dry-run``, ``--lock-timeout``,
    ``--json``, ``--atlas`` and ``--build`` are declared here, once for all edit commands.

    The decorated function declares only its own arguments and options, receives the shared
    ones as ``write`` (a :class:`_Write`) and returns what it changed; this prints that as
    lines or JSON, and a failure as one line with its exit code, like every command.
    """

    def register(change: Callable[..., _Edited]) -> Callable[..., None]:
        own = inspect.signature(change, eval_str=True)
        params = [p for p in own.parameters.values() if p.name != "write"]

        @functools.wraps(change, assigned=("__module__", "__name__", "__qualname__", "__doc__"))
        def command(
            *,
            dry_run: bool,
            lock_timeout: float,
            as_json: bool,
            atlas: Path | None,
            build: bool,
            **given: Any,
        ) -> None:
            with user_errors():
                write = _Write(
                    atlas=atlas, dry_run=dry_run, lock_timeout_s=_lock_timeout(lock_timeout)
                )
                result = change(**given, write=write)
                if as_json:
                    echo_json(result.to_dict())
                else:
                    for line in result.lines():
                        echo(line)
                after_edit(atlas, dry_run=dry_run, build=build, as_json=as_json)

        # typer reads the command's options from its signature: its own, then the shared ones.
        command.__signature__ = own.replace(  # type: ignore[attr-defined]
            parameters=[*params, *_WRITE_OPTIONS], return_annotation=None
        )
        app.command(name=name)(command)
        return command

    return register


@_edit_command()
def add(
    file: Annotated[
        str | None,
        typer.Argument(
            metavar="[FILE]",
            help="GeoJSON Feature or FeatureCollection of LineStrings, a CSV of lon,lat rows, "
            "or WKT; '-' reads standard input.",
            show_default=False,
        ),
    ] = None,
    via: Annotated[
        str | None,
        typer.Option("--via", help="Build the corridor through these places: A,B,C (in order)."),
    ] = None,
    coords: Annotated[
        str | None,
        typer.Option("--coords", help="The line as 'lon,lat;lon,lat;...' (longitude first)."),
    ] = None,
    mode: Annotated[
        str | None, typer.Option("--mode", help="rail, sea, power or pipeline.")
    ] = None,
    status: EditStatusOption = None,
    name: EditNameOption = None,
    corridor_id: EditIdOption = None,
    source: EditSourceOption = None,
    year: EditYearOption = None,
    snap_m: Annotated[
        float | None,
        typer.Option(
            "--snap-m",
            metavar="METRES",
            help="Snap line ends to places within this many metres.",
            show_default=False,
        ),
    ] = None,
    new_place: Annotated[
        list[str] | None,
        typer.Option("--new-place", help="Name for a new junction at an end far from every place."),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option("--country", help="Country (RUS, PRK, KOR, ...) of a --new-place."),
    ] = None,
    *,
    write: _Write,
) -> _Edited:
    """Add corridors from a file, from coordinates, or through named places (--via)."""
    from corridors.edit import api as editing

    given = [
        option
        for option, value in (("FILE", file), ("--via", via), ("--coords", coords))
        if value is not None
    ]
    if len(given) != 1:
        raise UsageError(
            "give exactly one of FILE, --via A,B or --coords 'lon,lat;lon,lat' "
            f"(got {', '.join(given) or 'none'})"
        )
    about = _About(
        status=status, name=name, corridor_id=corridor_id, source=source, status_year=year
    )
    if via is not None:
        from corridors.atlas.names import parse_csv_option

        if mode is None:
            raise UsageError("--via needs --mode (rail, sea, power or pipeline)")
        if new_place:
            raise UsageError("--new-place applies to FILE or --coords, not to --via")
        places = parse_csv_option(via, option="--via")
        return editing.add_via(places, mode=mode, **about, **write)
    label = file
    data: Any
    if file == "-":
        data, label = editing.read_input_stream(sys.stdin.buffer), "stdin"
    elif coords is not None:
        data = editing.parse_coordinate_text(coords, label="--coords")
        label = "--coords"
    else:
        data = file
    return editing.add_corridors(
        data,
        label=label,
        mode=mode,
        **({} if snap_m is None else {"snap_m": snap_m}),  # None: the library's default
        new_places=new_place or (),
        country=country,
        **about,
        **write,
    )


@_edit_command(name="add-sea-lane")
def add_sea_lane(
    origin: Annotated[str, typer.Argument(metavar="FROM", help="Port: id, name or alias.")],
    destination: Annotated[str, typer.Argument(metavar="TO", help="Port: id, name or alias.")],
    name: EditNameOption = None,
    status: EditStatusOption = None,
    corridor_id: EditIdOption = None,
    source: EditSourceOption = None,
    year: EditYearOption = None,
    *,
    write: _Write,
) -> _Edited:
    """Add a sea lane between two ports, routed at sea by the regional maritime router."""
    from corridors.edit import api as editing

    about = _About(
        status=status, name=name, corridor_id=corridor_id, source=source, status_year=year
    )
    return editing.add_sea_lane(origin, destination, **about, **write)


@_edit_command()
def remove(
    corridor: Annotated[str, typer.Argument(metavar="ID", help="Corridor id or name.")],
    *,
    write: _Write,
) -> _Edited:
    """Remove a corridor from the atlas (its places and sources stay)."""
    from corridors.edit import api as editing

    return editing.remove_corridor(corridor, **write)


app.command(name="init")(init_command(user_errors))
app.command()(completion)
app.registered_commands += _cost_commands.registered_commands  # cost (cli/cost_cmds.py)


FAST_COMMANDS = ("list", "matrix", "check", "table", "build", "export")


def main() -> None:
    """Console-script entry point."""
    try:
        from corridors.cli.fast import try_route
        from corridors.cli.fastlane import try_command

        # Plain calls skip typer's pydantic parsing (cold start); anything else goes to typer.
        argv = sys.argv[1:]
        if not try_route(argv, route) and not try_command(
            argv, app, commands=FAST_COMMANDS, eager_only_callback=True
        ):
            answer_completion()
            from corridors.cli.one_line import run_app

            run_app(app)  # typer's usage errors in one line, as ours
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
