"""How much a comparison depends on each parameter (``corridors compare --sensitivity``).

One parameter at a time is set to its ``low`` and then its ``high`` value (``costs.toml``),
all others kept, and every alternative is costed again to one destination. Reported per
parameter: the *gap* (USD per tonne of the focus alternative minus the cheapest other one;
negative: the focus alternative is the cheapest) at both ends, the order of the alternatives
at both ends, and whether that order differs from the base order. A parameter that an
alternative sets itself (its ``set`` table) keeps that value for that alternative.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from corridors.errors import UsageError
from corridors.network.index import Network
from corridors.routing.cost_params import VESSELS, CostParams
from corridors.routing.scenario import Scenario, cost_alternative


@dataclass(frozen=True)
class Swing:
    """One parameter varied over its range.

    Attributes
    ----------
    name : str
    low, high : float
        The parameter's range.
    gap_low, gap_high : float
        The focus alternative's USD/t minus the cheapest other's, at ``low`` and ``high``.
    order_low, order_high : tuple of str
        Alternatives from cheapest to dearest at ``low`` and ``high``.
    changes_ranking : bool
        Either order differs from the base order.
    """

    name: str
    low: float
    high: float
    gap_low: float
    gap_high: float
    order_low: tuple[str, ...]
    order_high: tuple[str, ...]
    changes_ranking: bool

    @property
    def width(self) -> float:
        return abs(self.gap_high - self.gap_low)

    def to_dict(self) -> dict[str, object]:
        return {
            "parameter": self.name,
            "low": self.low,
            "high": self.high,
            "gap_usd_per_t_at_low": self.gap_low,
            "gap_usd_per_t_at_high": self.gap_high,
            "order_at_low": list(self.order_low),
            "order_at_high": list(self.order_high),
            "changes_ranking": self.changes_ranking,
        }


@dataclass(frozen=True)
class Sensitivity:
    """The base case and one :class:`Swing` per parameter, widest first."""

    focus: str
    destination: str
    base_gap: float
    base_order: tuple[str, ...]
    base_costs: dict[str, float]
    swings: tuple[Swing, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "focus": self.focus,
            "destination": self.destination,
            "base_gap_usd_per_t": self.base_gap,
            "base_order": list(self.base_order),
            "base_cost_usd_per_t": dict(self.base_costs),
            "parameters": [s.to_dict() for s in self.swings],
        }


def _costs(
    network: Network, scenario: Scenario, params: CostParams, destination: str
) -> dict[str, float]:
    return {
        alt.name: cost_alternative(network, scenario, alt, destination, params).cost_usd_per_t
        for alt in scenario.alternatives
    }


def _gap(costs: dict[str, float], focus: str) -> float:
    others = [v for k, v in costs.items() if k != focus]
    return costs[focus] - min(others) if others else 0.0


def _order(costs: dict[str, float]) -> tuple[str, ...]:
    return tuple(sorted(costs, key=lambda k: (costs[k], k)))


def sensitivity(
    network: Network,
    scenario: Scenario,
    params: CostParams,
    *,
    destination: str | None = None,
    focus: str | None = None,
    names: Sequence[str] | None = None,
) -> Sensitivity:
    """Vary each parameter over its range (see the module docstring).

    Parameters
    ----------
    network, scenario, params
        As for :func:`corridors.routing.scenario.compare`.
    destination : str, optional
        A place id of the scenario's destinations (default: the first).
    focus : str, optional
        The alternative whose gap is reported (default: the first).
    names : sequence of str, optional
        The parameters to vary (default: all but those of the vessel class not used).

    Raises
    ------
    UsageError
        ``destination`` or ``focus`` is not one of the scenario's.
    """
    dest = destination or scenario.destinations[0]
    if dest not in scenario.destinations:
        raise UsageError(f"`destination` {dest} is not one of the scenario's destinations")
    alternatives = [a.name for a in scenario.alternatives]
    chosen = focus or alternatives[0]
    if chosen not in alternatives:
        raise UsageError(f"`focus` must be one of {', '.join(alternatives)}, not '{chosen}'")
    base = _costs(network, scenario, params, dest)
    base_order = _order(base)
    swings = []
    unused = {f"sea_{v}" for v in VESSELS if v != scenario.vessel}  # another vessel class
    default = [n for n in sorted(params.parameters) if n.partition(".")[0] not in unused]
    for name in names or default:
        parameter = params.parameters[name]
        ends = []
        for value in (parameter.low, parameter.high):
            costs = _costs(network, scenario, params.with_values({name: value}), dest)
            ends.append((_gap(costs, chosen), _order(costs)))
        (gap_low, order_low), (gap_high, order_high) = ends
        swings.append(
            Swing(
                name,
                parameter.low,
                parameter.high,
                gap_low,
                gap_high,
                order_low,
                order_high,
                order_low != base_order or order_high != base_order,
            )
        )
    swings.sort(key=lambda s: (-s.width, s.name))
    return Sensitivity(chosen, dest, _gap(base, chosen), base_order, base, tuple(swings))


__all__ = ["Sensitivity", "Swing", "sensitivity"]
