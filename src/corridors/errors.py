"""Exceptions with the exit code the command line maps them to.

Every error message is one line that says what is wrong and what to do about it, so the
command line can print it as it is and exit, never with a traceback.
"""

from __future__ import annotations


class CorridorsError(Exception):
    """Base class: a problem the user can fix. ``exit_code`` is what the CLI returns."""

    exit_code: int = 2


class AtlasError(CorridorsError):
    """The atlas (or a file given to add) is malformed or inconsistent."""


class UnknownPlaceError(CorridorsError):
    """A place name did not resolve to any id, name or alias."""


class NoRouteError(CorridorsError):
    """The places exist but no path joins them under the chosen filters."""

    exit_code = 1


class UsageError(CorridorsError):
    """An option or argument has a value the command cannot use."""
