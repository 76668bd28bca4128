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


class AmbiguousNameError(UnknownPlaceError):
    """A name matches two or more places (or corridors); the message lists them by id."""


class NoRouteError(CorridorsError):
    """The places exist but no path joins them under the chosen filters."""

    exit_code = 1


class UsageError(CorridorsError):
    """An option or argument has a value the command cannot use."""


class EditError(CorridorsError):
    """The corridor to add (or remove) is not acceptable; the message says how to fix it."""


class InstalledAtlasError(EditError):
    """An edit would write into the atlas installed with the package (an upgrade would lose
    it); the message says to copy it with ``corridors init DIR`` and edit the copy."""


class AtlasLockedError(CorridorsError):
    """Another process holds the atlas lock for longer than the timeout."""


class AtlasWriteError(CorridorsError):
    """Writing the atlas failed (disk full, permissions); the old files are untouched."""


class OutputError(CorridorsError):
    """An output file cannot be written where asked (the path is not for a regular file)."""


class SeaRoutingError(CorridorsError, ValueError):
    """A sea lane cannot be drawn between the given points; the message says what to do."""


class LandMaskUnavailableError(CorridorsError):
    """The ``global_land_mask`` package or its data file cannot be found or read.

    Was a ``RuntimeError`` (the CLI let it out as a traceback); now one line saying what to
    install or reinstall.
    """


class MapError(CorridorsError):
    """A map cannot be written as asked (e.g. an asset cannot be inlined offline)."""


class OfflineError(MapError):
    """An external reference in a map remains that cannot be inlined (a map built offline
    must hold every asset); was a ``RuntimeError``."""


# Internal errors: never shown to a user as they are.


class CacheMiss(Exception):
    """The cached network cannot be used; the message is the reason, naming the file. The
    loader then rebuilds the network (and replaces the cache file)."""


class ColumnFileError(Exception):
    """A column file (the network cache) cannot be used; the message says why in a few words
    (no path). Caught by the cache, which then rebuilds; never reaches the user."""


class FileRefusedError(Exception):
    """A reader of :mod:`corridors._io.files` refused a file before reading it: not a regular
    file (``mode``), larger than its limit (``size``), or replaced while being opened. Each
    reader turns it into its own error and words (``opened``: found on the open file, after
    the checks of its path had passed)."""

    def __init__(
        self, reason: str, *, mode: int = 0, size: int | None = None, opened: bool = False
    ) -> None:
        super().__init__(reason)
        self.mode = mode
        self.size = size
        self.opened = opened


class UnsafeElementError(TypeError):
    """A map holds an element whose rendering has not been reviewed as safe for data (a
    programming error in ``corridors.maps``, not a user's)."""
