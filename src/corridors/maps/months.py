"""The atlas's months: each corridor's status per month of the month control, as change points.

Kept apart from :mod:`corridors.maps.timebar` (which re-exports these) because it needs no
folium: :mod:`corridors.maps.page_parts` computes a map's data without importing folium.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Sequence
from typing import Any

from corridors.atlas.model import Corridor
from corridors.atlas.timeline import CorridorState, event_day, state_on

__all__ = ["FIRST_MONTH", "corridor_changes", "month_end", "month_index", "status_changes"]

FIRST_MONTH = (2008, 1)
"""The atlas date control starts in January 2008."""


def month_index(day: _dt.date, *, first: tuple[int, int] = FIRST_MONTH) -> int:
    """Months from `first` (year, month) to `day`'s month (negative before it)."""
    return (day.year - first[0]) * 12 + day.month - first[1]


def status_changes(
    corridor: Corridor, today: _dt.date, *, first: tuple[int, int] = FIRST_MONTH
) -> list[tuple[int, str]]:
    """The corridor's status per month as change points ``[(month index, status), ...]``.

    A month shows the state at its end (the build month: on `today`); an event before
    `first` counts from month 0; events after `today` are left out. Empty: the corridor does
    not exist in any month shown. A corridor without history has its status from month 0.
    """
    if not corridor.history:
        return [(0, corridor.status)]
    out: list[tuple[int, str]] = []
    for event in corridor.history:
        day = event_day(event.date)
        if day > today:
            break
        index = max(month_index(day, first=first), 0)
        if out and out[-1][0] == index:
            out.pop()  # a later event in the same month wins
        if not out or out[-1][1] != event.status:
            out.append((index, event.status))
    return out


def corridor_changes(
    corridor: Corridor,
    today: _dt.date,
    popup_rows: Callable[[CorridorState], Sequence[Sequence[str]]],
    *,
    first: tuple[int, int] = FIRST_MONTH,
) -> list[list[Any]]:
    """:func:`status_changes` with the popup's "Status" and "In service" texts at each point.

    `popup_rows(state)` returns the popup rows for a
    :class:`~corridors.atlas.timeline.CorridorState` (so the words are the popup's own).
    """
    if not corridor.history:
        return []
    out: list[list[Any]] = []
    for index, status in status_changes(corridor, today, first=first):
        # the state in force at the end of that month (or today): the one of `status`
        state = state_on(corridor, month_end(index, first=first, today=today))
        assert state is not None and state.status == status
        rows = {r[0]: r[1] for r in popup_rows(state)}
        out.append([index, status, rows.get("Status", status), rows.get("In service")])
    return out


def month_end(index: int, *, today: _dt.date, first: tuple[int, int] = FIRST_MONTH) -> _dt.date:
    """The day a month of the control shows: its last day, or `today` in the build month."""
    n = first[0] * 12 + first[1] - 1 + index + 1  # the next month
    last = _dt.date(n // 12, n % 12 + 1, 1) - _dt.timedelta(days=1)
    return min(last, today)
