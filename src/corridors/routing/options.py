"""What a route may use and what it minimises: :class:`RouteOptions` and their validation.

Time model (documented assumptions, overridable): average freight-train speed 40 km/h, ship
speed 12 knots (22.2 km/h), 24 hours per rail <-> sea transfer at a port.

Status in time (rules: :mod:`corridors.atlas.timeline`): a route is searched over the network as
it stood on ``as_of`` (default today). By default it uses corridors in service that day
(operating, pilot) and built ones whose service is suspended (each such leg is marked and
warned about); ``in_service`` refuses the suspended ones too; ``include_proposed`` adds planned
corridors (under construction, proposed, shelved) and ``include_closed`` closed ones. A corridor
is absent before its first history event.

Errors name the parameter to change (``by``, ``modes``, ``include_proposed``, ...), quoted in
backticks, so the command line can show its own flag instead (see ``corridors.cli.app``).
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from corridors.atlas.model import FREIGHT_MODES, MODES, STATUSES
from corridors.atlas.timeline import IN_SERVICE_STATUSES, PLANNED_STATUSES
from corridors.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Hashable

    from corridors.network.index import RouteIndex

DEFAULT_SPEEDS_KMH: dict[str, float] = {"rail": 40.0, "sea": 12 * 1.852}
DEFAULT_TRANSFER_HOURS = 24.0
DEFAULT_STATUSES = (*IN_SERVICE_STATUSES, "suspended")
"""What a route uses by default: corridors in service, and built ones whose service is suspended
(marked and warned about)."""
_AS_OF = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
ENERGY_MODES = ("power", "pipeline")
SOLO_MODES = (*ENERGY_MODES, "road")
"""Modes a route runs along only alone: energy lines, and roads (no freight routing by road)."""
OBJECTIVES = ("distance", "time", "cost")


class EdgeWeights(Protocol):
    """What ``by="cost"`` needs: per-edge rates (see :mod:`corridors.routing.cost`).

    An edge's cost is ``km * per_km[edge] + fixed[edge]`` (a transfer has no km: ``fixed``),
    for every edge the route may use; ``key`` is hashable and equal for equal weights.
    """

    @property
    def key(self) -> Hashable: ...

    def edge_weights(self, index: RouteIndex) -> tuple[list[float], list[float]]: ...


@dataclass(frozen=True)
class RouteOptions:
    """What a route may use and what it minimises (build it with :func:`make_options`).

    Attributes
    ----------
    modes : tuple of str
        Corridor modes a route may run along.
    statuses : tuple of str
        Corridor statuses a route may use.
    by : str
        ``"distance"`` (costs in km), ``"time"`` (costs in hours) or ``"cost"`` (generalised
        cost per tonne, in USD, from ``cost_model``).
    speeds_kmh : mapping of str to float
        Speed of each freight mode in km/h (``by="time"``).
    transfer_hours : float
        Hours per rail <-> sea transfer (``by="time"``).
    as_of : datetime.date
        The day whose network is routed over (each corridor's status that day).
    in_service : bool
        Only corridors in service that day (set with :func:`make_options`).
    include_proposed, include_closed : bool
        Whether planned, and closed, corridors were asked for (for messages).
    cost_model : EdgeWeights or None
        The edge weights of ``by="cost"`` (:class:`corridors.routing.cost.CostModel`).
    """

    modes: tuple[str, ...] = FREIGHT_MODES
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    by: str = "distance"
    speeds_kmh: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS_KMH))
    transfer_hours: float = DEFAULT_TRANSFER_HOURS
    as_of: _dt.date = field(default_factory=_dt.date.today)
    in_service: bool = False
    include_proposed: bool = False
    include_closed: bool = False
    cost_model: EdgeWeights | None = field(default=None, compare=False)

    @property
    def freight(self) -> bool:
        """True if every mode is a freight mode (rail, sea)."""
        return set(self.modes) <= set(FREIGHT_MODES)

    @property
    def transfers(self) -> bool:
        """True if a route may change between rail and sea at a port."""
        return self.freight and set(FREIGHT_MODES) <= set(self.modes)

    @property
    def key(self) -> tuple[object, ...]:
        """A hashable summary: equal keys mean equal edge costs."""
        return (
            self.modes,
            self.statuses,
            self.as_of.toordinal(),
            self.by,
            tuple(sorted(self.speeds_kmh.items())),
            self.transfer_hours,
            None if self.cost_model is None else self.cost_model.key,
        )


def as_of_date(value: _dt.date | str | None) -> _dt.date:
    """``value`` as a day: a date, ``"YYYY-MM-DD"``, or None for today.

    Raises
    ------
    UsageError
        ``value`` is not a real day written YYYY-MM-DD.
    """
    if value is None:
        return _dt.date.today()
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    text = str(value).strip()
    try:
        if not _AS_OF.match(text):
            raise ValueError(text)
        return _dt.date.fromisoformat(text)
    except ValueError:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise UsageError(
            f"`as_of` '{shown}' is not a real day: write YYYY-MM-DD, e.g. 2015-05-01"
        ) from None


def make_options(
    *,
    modes: Iterable[str] | None = None,
    as_of: _dt.date | str | None = None,
    in_service: bool = False,
    include_proposed: bool = False,
    include_closed: bool = False,
    statuses: Iterable[str] | None = None,
    by: str = "distance",
    speeds_kmh: Mapping[str, float] | None = None,
    transfer_hours: float | None = None,
    cost_model: EdgeWeights | None = None,
) -> RouteOptions:
    """Validate route choices into :class:`RouteOptions`.

    Parameters
    ----------
    modes : iterable of str, optional
        Modes to route over (default: rail and sea). Power, pipeline or road goes alone.
    as_of : datetime.date or str, optional
        Route over the network as it stood on this day (``"YYYY-MM-DD"``; default today): each
        corridor has its status of that day, and is absent before its first history event.
    in_service : bool
        Only corridors in service that day (operating, pilot): refuse suspended ones, which are
        otherwise used, marked and warned about.
    include_proposed : bool
        Also use planned corridors: under construction, proposed, shelved.
    include_closed : bool
        Also use closed corridors (even where the line is gone: a "what if it were rebuilt").
    statuses : iterable of str, optional
        Exactly which corridor statuses to use (instead of the three flags above).
    by : {"distance", "time", "cost"}
        Minimise kilometres, hours or the generalised cost per tonne (needs ``cost_model``).
    speeds_kmh : mapping of str to float, optional
        Freight speeds in km/h overriding the defaults (rail 40, sea 22.224).
    transfer_hours : float, optional
        Hours per rail <-> sea transfer (default 24).
    cost_model : EdgeWeights, optional
        The edge weights of ``by="cost"`` (:class:`corridors.routing.cost.CostModel`).

    Returns
    -------
    RouteOptions

    Raises
    ------
    UsageError
        A value cannot be used; the message names the parameter and what to give instead.
    """
    chosen = tuple(dict.fromkeys(modes)) if modes else FREIGHT_MODES
    for mode in chosen:
        if mode not in MODES:
            raise UsageError(
                f"unknown mode '{mode}' in `modes`; use one or more of {', '.join(MODES)}"
            )
    energy = [m for m in chosen if m in SOLO_MODES]
    if energy and (len(chosen) > 1):
        raise UsageError(
            "freight routes never run along power lines, pipelines or roads: give `modes` "
            "rail,sea, or one other mode alone (power, pipeline or road)"
        )
    if by not in OBJECTIVES:
        raise UsageError(f"`by` must be 'distance', 'time' or 'cost', not '{by}'")
    if by in ("time", "cost") and energy:
        raise UsageError(
            f"`by` {by} applies to freight (rail, sea); route power, pipeline and road by distance"
        )
    if by == "cost" and cost_model is None:
        raise UsageError(
            "`by` cost needs a cost model (corridors.routing.cost.CostModel); on the command "
            "line, 'route --by cost' and 'cost' minimise cost"
        )
    if in_service and (include_proposed or include_closed):
        other = "include_proposed" if include_proposed else "include_closed"
        raise UsageError(
            f"`in_service` refuses every corridor not in service, which `{other}` would add: "
            "give one of them"
        )
    day = as_of_date(as_of)
    if statuses is not None:
        chosen_statuses = tuple(statuses)
        for status in chosen_statuses:
            if status not in STATUSES:
                raise UsageError(f"unknown status '{status}'; use {', '.join(STATUSES)}")
    else:
        wanted = set(IN_SERVICE_STATUSES if in_service else DEFAULT_STATUSES)
        if include_proposed:
            wanted |= set(PLANNED_STATUSES)
        if include_closed:
            wanted.add("closed")
        chosen_statuses = tuple(s for s in STATUSES if s in wanted)
    speeds = dict(DEFAULT_SPEEDS_KMH)
    for mode, speed in (speeds_kmh or {}).items():
        if mode not in FREIGHT_MODES:
            raise UsageError(
                f"speed given for '{mode}': speeds apply to {', '.join(FREIGHT_MODES)}"
            )
        if not (math.isfinite(speed) and speed > 0):
            raise UsageError(f"speed for {mode} must be a positive number of km/h, not {speed}")
        speeds[mode] = float(speed)
    hours = DEFAULT_TRANSFER_HOURS if transfer_hours is None else float(transfer_hours)
    if not (math.isfinite(hours) and hours >= 0):
        raise UsageError(f"`transfer_hours` must be zero or more, not {transfer_hours}")
    return RouteOptions(
        chosen,
        chosen_statuses,
        by,
        speeds,
        hours,
        as_of=day,
        in_service=in_service,
        include_proposed=include_proposed,
        include_closed=include_closed,
        cost_model=cost_model if by == "cost" else None,
    )
