"""Status in time: what state a corridor is in on a given day (schema: ``geo/README.md``).

A corridor's ``history`` is a list of dated events; its state on day D is the last event dated
on or before D (a year or month counts from its first day). Before its first event the corridor
does not exist yet; a corridor without history has its ``status`` on every day. Two notions
are derived from a state: **built** (the line physically exists: operating, pilot, suspended, or
closed unless the event says ``built: false``) and **in service** (operating or pilot).

Pure functions of the atlas dataclasses, no I/O: routing, maps and the command line all ask
here, so they agree on every date.
"""

from __future__ import annotations

import datetime as _dt
from bisect import bisect_right
from typing import NamedTuple

from corridors.atlas.model import DATE_PATTERN, Corridor, StatusEvent

IN_SERVICE_STATUSES = ("operating", "pilot")
"""Statuses of corridors that carry traffic."""
BUILT_STATUSES = ("operating", "pilot", "suspended", "closed")
"""Statuses of corridors that physically exist (``closed`` unless ``built: false``)."""
PLANNED_STATUSES = ("under_construction", "proposed", "shelved")
"""Statuses of corridors that do not exist yet (used only with ``include_proposed``)."""


def event_day(date: str) -> _dt.date:
    """The first day of an ISO date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Raises
    ------
    ValueError
        ``date`` is not such a date (the reader refuses those before they get here).
    """
    match = DATE_PATTERN.fullmatch(date)
    if match is None:
        raise ValueError(f"'{date}' is not a date: use YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = match.groups()
    return _dt.date(int(year), int(month or 1), int(day or 1))


class CorridorState(NamedTuple):
    """A corridor's state on one day (a named tuple: every command that routes imports this
    module, and a frozen dataclass took ~0.4 ms to create at start).

    Attributes
    ----------
    status : str
        The status on that day.
    built : bool
        The line physically exists.
    in_service : bool
        The line carries traffic (operating or pilot).
    since : str or None
        Date of the event that set the status (None for a corridor without history).
    """

    status: str
    built: bool
    in_service: bool
    since: str | None = None


def is_built(status: str, built: bool | None = None) -> bool:
    """Whether a line in ``status`` physically exists (``built`` False overrides ``closed``)."""
    return status in BUILT_STATUSES and built is not False


def is_in_service(status: str) -> bool:
    """Whether a line in ``status`` carries traffic (operating or pilot)."""
    return status in IN_SERVICE_STATUSES


def event_on(corridor: Corridor, day: _dt.date) -> StatusEvent | None:
    """The event in force on ``day``: the last one dated on or before it (None: none yet)."""
    days = [event_day(event.date) for event in corridor.history]
    found = bisect_right(days, day)
    return corridor.history[found - 1] if found else None


def state_on(corridor: Corridor, day: _dt.date) -> CorridorState | None:
    """The corridor's state on ``day``, or None if it does not exist yet (before its history).

    Parameters
    ----------
    corridor : Corridor
    day : datetime.date

    Returns
    -------
    CorridorState or None
    """
    if not corridor.history:
        status = corridor.status
        return CorridorState(status, is_built(status), is_in_service(status))
    event = event_on(corridor, day)
    if event is None:
        return None
    status = event.status
    return CorridorState(status, is_built(status, event.built), is_in_service(status), event.date)


def status_on(corridor: Corridor, day: _dt.date) -> str | None:
    """The corridor's status on ``day`` (None: it does not exist yet on that day)."""
    state = state_on(corridor, day)
    return None if state is None else state.status


def built_on(corridor: Corridor, day: _dt.date) -> bool:
    """Whether the corridor physically exists on ``day``."""
    state = state_on(corridor, day)
    return state is not None and state.built


def in_service_on(corridor: Corridor, day: _dt.date) -> bool:
    """Whether the corridor carries traffic on ``day``."""
    state = state_on(corridor, day)
    return state is not None and state.in_service


def timeline(corridor: Corridor) -> tuple[tuple[int, ...], tuple[str, ...]] | None:
    """The history as (first-day ordinals, statuses), for fast lookups; None without history.

    Routing keeps one per corridor with its index and looks a day up with ``bisect``
    (:func:`status_at_ordinal`), instead of parsing dates for every query.
    """
    if not corridor.history:
        return None
    days = tuple(event_day(event.date).toordinal() for event in corridor.history)
    return days, tuple(event.status for event in corridor.history)


def status_at_ordinal(line: tuple[tuple[int, ...], tuple[str, ...]], ordinal: int) -> str | None:
    """The status in force on the day with ``ordinal`` (None: before the first event)."""
    days, statuses = line
    found = bisect_right(days, ordinal)
    return statuses[found - 1] if found else None


__all__ = [
    "BUILT_STATUSES",
    "IN_SERVICE_STATUSES",
    "PLANNED_STATUSES",
    "CorridorState",
    "built_on",
    "event_day",
    "event_on",
    "in_service_on",
    "is_built",
    "is_in_service",
    "state_on",
    "status_at_ordinal",
    "status_on",
    "timeline",
]
