"""The ``corridors`` command line: a thin shell over the Python API.

``app`` (the typer commands), ``fast`` (the cold-start lane for plain ``route`` calls),
``report`` (tables), ``terminal`` (text that is safe to print). :func:`main` is the console
script; ``python -m corridors.cli`` runs the same.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    """Console-script entry point (``corridors``)."""
    from corridors.cli.app import main as run

    run()
