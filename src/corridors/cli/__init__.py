"""The ``corridors`` command line: a thin shell over the Python API.

``app`` (the typer commands), ``quick``, ``quickcheck``, ``fast`` and ``fastlane`` (the
cold-start lanes for plain calls; ``route_cmd`` and ``check_cmd`` the bodies of ``route`` and
``check`` they share), ``memo`` and ``remembered``
(``check`` and ``build`` answered while nothing changed), ``plaintable`` (tables drawn without
rich),
``output`` (the one output convention: tables, ``--json``, ``--csv``), ``report`` (what each
command's table shows), ``help`` (readable help pages, examples, ``--version``),
``completion_cmd`` (shell completion), ``terminal`` (text that is safe to print).
:func:`main` is the console script; ``python -m corridors.cli`` runs the same.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys

__all__ = ["main"]


def main() -> None:
    """Console-script entry point (``corridors``).

    When the command is done the process ends at once (:func:`os._exit`) after running the
    ``atexit`` handlers and flushing stdout and stderr, with the command's exit code: freeing
    a loaded 10^6-segment network object by object at interpreter shutdown took 0.9 s and
    helps nobody, since the operating system takes the whole memory back anyway.
    """
    _printable_streams()
    from corridors.cli.quick import try_route
    from corridors.cli.quickcheck import try_check

    answered = try_route(sys.argv[1:])  # a plain route, before typer is imported
    if answered is None:
        answered = try_check(sys.argv[1:])  # a plain check, likewise
    if answered is not None:
        _exit_now(answered)
    from corridors.cli import lean

    lean.install()  # folium without pandas
    from corridors.cli.build_lane import try_build

    answered = try_build(sys.argv[1:])  # a plain build, before typer is imported
    if answered is not None:
        _exit_now(answered)
    from corridors.cli.app import main as run

    try:
        run()
        code: object = 0
    except SystemExit as done:
        code = done.code
    _exit_now(code)


def _printable_streams() -> None:
    """Characters the terminal's encoding lacks (``→``, Hangul under ``PYTHONIOENCODING=ascii``)
    print as ``?`` instead of ending the command with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if reconfigure is not None and encoding not in ("utf8", "utf16", "utf32"):
            with contextlib.suppress(OSError, ValueError):  # a stream that cannot change
                reconfigure(errors="replace")


def _exit_now(code: object) -> None:
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)  # what the interpreter does with SystemExit("text")
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): as Python ends then
            if stream is sys.stdout and code == 0:
                code = 120
    os._exit(code)
