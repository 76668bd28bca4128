"""The cold-start lane of ``corridors route``: the command without importing typer (issue 13).

Why: a cold ``corridors route`` on the shipped atlas spent about 45 ms of its ~130 ms importing
typer, click and every command module before parsing two place names, while the route itself
comes from the network cache in a few milliseconds. :func:`try_route` runs before any of that
is imported (:func:`corridors.cli.main` calls it first): a plain argument list
(:func:`corridors.cli.fast.parse_route_args`: the route options only, no ``--map``, no
``--by cost``, no ``--help``) is answered by the very code of the typer command
(:mod:`corridors.cli.route_cmd`: same options, same library calls, same printing).

Anything else returns None before printing anything, and the typer path runs as always:
another command, an argument list the parser leaves to typer, a shell asking for completions,
or a route that fails (bad option, unknown place, no route, bad atlas): the typer command then
computes it again and prints its one-line error with its exit code, so messages and exit codes
stay in one place (``user_errors`` in :mod:`corridors.cli.app`).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["answer", "interrupted", "paused_collection", "try_route"]


def try_route(argv: list[str]) -> int | None:
    """Answer ``corridors route ...`` (``argv``: the arguments after the program name).

    Returns
    -------
    int or None
        The exit code once the route is printed; None (nothing printed) when the typer path
        must run.
    """
    if len(argv) < 3 or argv[0] != "route" or "_CORRIDORS_COMPLETE" in os.environ:
        return None
    with paused_collection():
        return _route(argv)


@contextlib.contextmanager
def paused_collection() -> Iterator[None]:
    """No garbage collection while a lane answers: a command run once makes no garbage worth
    collecting, while imports and the cache's decoding allocate plenty, which young
    collections walked for ~2 % of a cold route. Then the objects made meanwhile go straight
    to the oldest generation (as :func:`corridors.network.index.paused_gc` does), so turning
    the collector back on (for typer, or an in-process caller) costs nothing."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


def _route(argv: list[str]) -> int | None:
    from corridors.cli.fast import parse_route_args

    values = parse_route_args(argv[1:])
    if values is None or values.get("map_file") is not None or values.get("by") == "cost":
        return None
    from corridors.cli import route_cmd

    def find(on_cache_event: Callable[[str], None] | None) -> Any:
        return route_cmd.find(
            values["origin"],
            values["destination"],
            modes=values.get("modes"),
            as_of=values.get("as_of"),
            in_service=bool(values.get("in_service")),
            include_proposed=bool(values.get("include_proposed")),
            include_closed=bool(values.get("include_closed")),
            by=values.get("by", "distance"),
            speed=values.get("speed"),
            transfer_hours=values.get("transfer_hours"),
            as_json=bool(values.get("as_json")),
            as_csv=bool(values.get("as_csv")),
            map_file=None,
            quiet=bool(values.get("quiet")),
            atlas=values.get("atlas"),
            on_cache_event=on_cache_event,
        )

    def show(found: Any) -> int:
        fmt, network, result = found
        route_cmd.show(fmt, network, result, map_file=None, cdn=False)
        return 0

    return answer(find, show, verbose=bool(values.get("verbose")))


def answer(
    find: Callable[[Callable[[str], None] | None], Any],
    show: Callable[[Any], int],
    *,
    verbose: bool,
) -> int | None:
    """Run a lane's command: ``find(on_cache_event)`` computes, ``show(found)`` prints and
    gives the exit code; with ``verbose`` the cache's lines are printed on stderr between.

    A :class:`~corridors.errors.CorridorsError` or ``OSError`` while finding gives None
    (nothing printed: the typer command computes it again and says what went wrong, with its
    exit code); a reader that stops early gives 0, Ctrl-C 130, as on the typer path."""
    from corridors.errors import CorridorsError

    events: list[str] = []  # --verbose cache lines: printed once the answer is found
    try:
        found = find(events.append if verbose else None)
    except (CorridorsError, OSError):
        return None
    except KeyboardInterrupt:
        return interrupted()
    try:
        if events:
            from corridors.cli.terminal import echo

            for line in events:
                echo(line, err=True)
        return show(found)
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return interrupted()


def interrupted() -> int:
    """What Ctrl-C in a lane prints and returns (as typer's path does)."""
    sys.stderr.write("interrupted\n")
    return 130
