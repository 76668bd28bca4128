"""A scenario's long haul: the one stretch from the origin that every alternative shares.

Two forms (``[origin]`` of a scenario file, :mod:`corridors.routing.scenario`):

- **on the atlas** (``place``): the cargo starts at an atlas place (Novokuznetsk in the
  Kuzbass) and the long haul is the least generalised-cost atlas route from it to ``joins``
  (Ussuriysk), leg by leg over the atlas corridors (the South Siberian line and the
  Trans-Siberian, at their published lengths);
- **off the atlas** (``name`` and ``km``, the first scenario format, still read): a place the
  atlas lacks, joined to ``joins`` by ``km`` of one mode, with its source.

Either way the long haul is computed once per cost model and shared by every alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

from corridors.network.index import Network
from corridors.routing.cost import CostModel, Stretch, route_stretches
from corridors.routing.options import make_options
from corridors.routing.route import route

ATLAS_SOURCE = "atlas"
"""``Origin.source`` of a long haul routed on the atlas (its corridors cite their sources)."""

Line = tuple[str, tuple[tuple[float, float], ...]]


@dataclass(frozen=True)
class Origin:
    """Where the cargo starts and the long haul to the atlas place ``joins``.

    Attributes
    ----------
    name, country : str
        Display name and ISO 3166-1 alpha-3 code.
    joins : str
        Place id where the shared long haul ends and the alternatives begin.
    mode : {"rail", "sea"}
        Mode of an off-atlas long haul (an atlas long haul takes its legs' modes).
    km : float or None
        Published length of an off-atlas long haul; None on the atlas.
    source : str
        Source id of ``km``, "assumption", or :data:`ATLAS_SOURCE`.
    place : str or None
        Place id of an origin on the atlas; None off it.
    """

    name: str
    country: str
    joins: str
    mode: str
    km: float | None
    source: str
    place: str | None = None


@dataclass(frozen=True)
class LongHaul:
    """The long haul, routed: stretches to cost, route warnings, lines to draw."""

    stretches: tuple[Stretch, ...]
    warnings: tuple[str, ...]
    lines: tuple[Line, ...]

    @property
    def distance_km(self) -> float:
        """Length of the long haul, km."""
        return sum(s.km for s in self.stretches)


def long_haul(
    network: Network,
    origin: Origin,
    model: CostModel,
    *,
    as_of: str | None = None,
    include_proposed: bool = False,
) -> LongHaul:
    """The long haul of ``origin`` under ``model`` (see the module docstring).

    Parameters
    ----------
    network : Network
    origin : Origin
    model : CostModel
        The generalised cost the atlas route minimises.
    as_of, include_proposed
        The network of that day, and whether planned corridors count (as for routes).

    Returns
    -------
    LongHaul
        Off the atlas: one stretch of ``origin.km`` and no line (the origin has no position).

    Raises
    ------
    NoRouteError
        If the atlas has no route from ``origin.place`` to ``origin.joins``.
    """
    if origin.place is None:
        places = network.atlas.places
        stretch = Stretch(
            origin.name,
            origin.joins,
            origin.mode,
            float(origin.km or 0.0),
            "long haul",
            origin.country,
            places[origin.joins].country,
        )
        return LongHaul((stretch,), (), ())
    options = make_options(
        by="cost", cost_model=model, as_of=as_of, include_proposed=include_proposed
    )
    found = route(network, origin.place, origin.joins, options)
    lines = tuple((leg.mode, tuple(leg.coords)) for leg in found.legs)
    return LongHaul(tuple(route_stretches(network, found)), tuple(found.warnings), lines)


__all__ = ["ATLAS_SOURCE", "LongHaul", "Origin", "long_haul"]
