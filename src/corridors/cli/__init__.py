"""The ``corridors`` command line: a thin shell over the Python API.

``app`` (the typer commands), ``fast`` (the cold-start lane for plain ``route`` calls),
``output`` (the one output convention: tables, ``--json``, ``--csv``), ``report`` (what each
command's table shows), ``help`` (readable help pages, examples, ``--version``),
``completion_cmd`` (shell completion), ``terminal`` (text that is safe to print).
:func:`main` is the console script; ``python -m corridors.cli`` runs the same.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Console-script entry point (``corridors``)."""
    from corridors.cli.app import main as run

    run()
