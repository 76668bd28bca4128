"""The body of ``corridors route``, apart from typer: shared by the typer command
(:func:`corridors.cli.app.route`) and the cold-start lane (:mod:`corridors.cli.quick`).

:func:`find` computes (options, network, route) and raises a library error on bad input;
:func:`show` writes the map if asked and prints the route in the chosen format with its
warnings. Nothing is printed before :func:`show`, so a caller can still hand a failed
:func:`find` to another path.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from corridors.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from corridors.network.index import Network
    from corridors.routing.options import RouteOptions
    from corridors.routing.route import Route

__all__ = ["find", "route_options", "show", "speeds"]


def speeds(values: list[str] | None) -> dict[str, float]:
    """``--speed MODE=KMH`` values as a mapping.

    Raises
    ------
    UsageError
        A value is not ``MODE=KMH``.
    """
    found: dict[str, float] = {}
    for value in values or []:
        mode, _, number = value.partition("=")
        try:
            found[mode.strip()] = float(number)
        except ValueError:
            raise UsageError(f"--speed '{value}': write MODE=KMH, e.g. --speed rail=30") from None
    return found


def route_options(
    modes: str | None,
    include_proposed: bool,
    by: str,
    speed: list[str] | None = None,
    transfer_hours: float | None = None,
    *,
    as_of: str | None = None,
    in_service: bool = False,
    include_closed: bool = False,
) -> RouteOptions:
    """The route options of the command-line flags (``--modes`` as comma-separated text)."""
    from corridors.atlas.names import parse_csv_option
    from corridors.routing.route import make_options

    return make_options(
        modes=parse_csv_option(modes, option="--modes") or None,
        as_of=as_of,
        in_service=in_service,
        include_proposed=include_proposed,
        include_closed=include_closed,
        by=by,
        speeds_kmh=speeds(speed),
        transfer_hours=transfer_hours,
    )


def find(
    origin: str,
    destination: str,
    *,
    modes: str | None,
    as_of: str | None,
    in_service: bool,
    include_proposed: bool,
    include_closed: bool,
    by: str,
    speed: list[str] | None,
    transfer_hours: float | None,
    as_json: bool,
    as_csv: bool,
    map_file: Path | None,
    quiet: bool,
    atlas: Path | None,
    on_cache_event: Callable[[str], None] | None,
) -> tuple[str, Network, Route]:
    """The output format, the network and the route of ``corridors route``.

    Raises
    ------
    CorridorsError
        Bad options, unknown places, no route, a bad atlas or a refused ``map_file``.
    """
    from corridors.cli.output import output_format
    from corridors.network.load import load_network
    from corridors.routing.route import route as find_route

    fmt = output_format(as_json=as_json, as_csv=as_csv)
    if map_file is not None:
        from corridors._io.outputs import check_output_path

        check_output_path(map_file)
    options = route_options(
        modes,
        include_proposed,
        "distance" if by == "cost" else by,
        speed,
        transfer_hours,
        as_of=as_of,
        in_service=in_service,
        include_closed=include_closed,
    )
    # A large atlas's cached route is answered without loading it (routing/lazy.py).
    from corridors.routing.lazy import cached_route

    plain = map_file is None and by != "cost"
    lazy = cached_route(atlas, origin, destination, options) if plain else None
    if lazy is None and plain:  # a large atlas's first run: its caches built from columns
        from corridors.network.firstbuild import build_route_caches

        if build_route_caches(atlas, on_cache_event=on_cache_event):
            lazy = cached_route(atlas, origin, destination, options)
    if lazy is not None:
        network, result = lazy
    else:
        network = load_network(atlas, quiet=quiet, on_cache_event=on_cache_event)
        if by == "cost":  # the generalised cost of geo/costs.toml (corridors.routing.cost)
            from corridors.cli.cost_cmds import with_cost_model

            options = with_cost_model(options, network, atlas)
        result = find_route(network, origin, destination, options)
    return fmt, network, result


def show(fmt: str, network: Network, result: Route, *, map_file: Path | None, cdn: bool) -> None:
    """Write the route's map (with ``map_file``), print the route and its warnings."""
    from corridors.cli.output import emit
    from corridors.cli.terminal import echo

    if map_file is not None:
        from corridors.maps import write_route_map

        write_route_map(network, result, map_file, offline=not cdn)
    from corridors.cli.report import print_route, route_rows, route_warnings

    emit(
        fmt,
        json_value=result.to_dict(),
        csv_rows=lambda: route_rows(network, result),
        table=lambda: print_route(network, result),
    )
    if fmt != "table":
        return
    for warning in route_warnings(network, result):
        echo(f"warning: {warning}", err=True)
    if map_file is not None:
        echo(f"map written to {map_file}")
