"""What a route may use and what it minimises: :class:`RouteOptions` and their validation.

Time model (documented assumptions, overridable): average freight-train speed 40 km/h, ship
speed 12 knots (22.2 km/h), 24 hours per rail <-> sea transfer at a port.

Errors name the parameter to change (``by``, ``modes``, ``include_proposed``, ...), quoted in
backticks, so the command line can show its own flag instead (see ``corridors.cli.app``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from corridors.atlas.model import FREIGHT_MODES, MODES, STATUSES
from corridors.errors import UsageError

DEFAULT_SPEEDS_KMH: dict[str, float] = {"rail": 40.0, "sea": 12 * 1.852}
DEFAULT_TRANSFER_HOURS = 24.0
DEFAULT_STATUSES = ("operating",)
ENERGY_MODES = ("power", "pipeline")
SOLO_MODES = (*ENERGY_MODES, "road")
"""Modes a route runs along only alone: energy lines, and roads (no freight routing by road)."""
OBJECTIVES = ("distance", "time")


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
        ``"distance"`` (costs in km) or ``"time"`` (costs in hours).
    speeds_kmh : mapping of str to float
        Speed of each freight mode in km/h (``by="time"``).
    transfer_hours : float
        Hours per rail <-> sea transfer (``by="time"``).
    """

    modes: tuple[str, ...] = FREIGHT_MODES
    statuses: tuple[str, ...] = DEFAULT_STATUSES
    by: str = "distance"
    speeds_kmh: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_SPEEDS_KMH))
    transfer_hours: float = DEFAULT_TRANSFER_HOURS

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
            self.by,
            tuple(sorted(self.speeds_kmh.items())),
            self.transfer_hours,
        )


def make_options(
    *,
    modes: Iterable[str] | None = None,
    include_proposed: bool = False,
    statuses: Iterable[str] | None = None,
    by: str = "distance",
    speeds_kmh: Mapping[str, float] | None = None,
    transfer_hours: float | None = None,
) -> RouteOptions:
    """Validate route choices into :class:`RouteOptions`.

    Parameters
    ----------
    modes : iterable of str, optional
        Modes to route over (default: rail and sea). Power, pipeline or road goes alone.
    include_proposed : bool
        Also use corridors that are not operating (ignored when ``statuses`` is given).
    statuses : iterable of str, optional
        Exactly which corridor statuses to use.
    by : {"distance", "time"}
        Minimise kilometres or hours.
    speeds_kmh : mapping of str to float, optional
        Freight speeds in km/h overriding the defaults (rail 40, sea 22.224).
    transfer_hours : float, optional
        Hours per rail <-> sea transfer (default 24).

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
        raise UsageError(f"`by` must be 'distance' or 'time', not '{by}'")
    if by == "time" and energy:
        raise UsageError(
            "`by` time applies to freight (rail, sea); route power, pipeline and road by distance"
        )
    if statuses is not None:
        chosen_statuses = tuple(statuses)
        for status in chosen_statuses:
            if status not in STATUSES:
                raise UsageError(f"unknown status '{status}'; use {', '.join(STATUSES)}")
    else:
        chosen_statuses = STATUSES if include_proposed else DEFAULT_STATUSES
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
    return RouteOptions(chosen, chosen_statuses, by, speeds, hours)
