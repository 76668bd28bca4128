"""Least-cost annual flow under capacities (``corridors flow``).

The network is small and bipartite: the origin supplies the total demand; each alternative
(a transshipment port) takes at most its capacity (Mt/yr; no capacity: unlimited) and sends
to each destination at the alternative's cost per tonne to it; each destination takes its
demand. :func:`solve_flow` solves it as a min-cost flow (networkx network simplex, in whole
kilotonnes and cents per tonne), and reports which alternatives are saturated.
``tests/test_scenario_flow.py`` checks it against SciPy's HiGHS linear program on random networks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from corridors.errors import NoRouteError, UsageError

KT_PER_MT = 1000
T_PER_KT = 1000
CENTS = 100


@dataclass(frozen=True)
class FlowResult:
    """The least-cost flow.

    Attributes
    ----------
    flows_mt : mapping of (alternative, destination) to float
        Mt/yr on each used pair (pairs with no flow are left out).
    cost_usd : float
        Total annual cost, USD: the flows times the per-tonne costs as given (the solver
        compares costs in whole cents per tonne; the total is not rounded).
    through_mt : mapping of str to float
        Mt/yr through each alternative.
    capacities_mt : mapping of str to float or None
    saturated : tuple of str
        Alternatives whose flow equals their capacity.
    """

    flows_mt: Mapping[tuple[str, str], float]
    cost_usd: float
    through_mt: Mapping[str, float]
    capacities_mt: Mapping[str, float | None]
    saturated: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The flow as JSON, numbers at full precision (rounding is for tables only)."""
        return {
            "cost_usd": self.cost_usd,
            "flows": [
                {"alternative": a, "destination": d, "mt_per_year": v}
                for (a, d), v in self.flows_mt.items()
            ],
            "alternatives": [
                {
                    "alternative": a,
                    "mt_per_year": self.through_mt[a],
                    "capacity_mt_per_year": self.capacities_mt[a],
                    "saturated": a in self.saturated,
                }
                for a in self.capacities_mt
            ],
        }


def solve_flow(
    costs: Mapping[tuple[str, str], float],
    capacities_mt: Mapping[str, float | None],
    demand_mt: Mapping[str, float],
) -> FlowResult:
    """The least-cost flow meeting ``demand_mt`` under ``capacities_mt``.

    Parameters
    ----------
    costs : mapping of (alternative, destination) to float
        USD per tonne; a missing pair cannot be used.
    capacities_mt : mapping of str to float or None
        Mt/yr through each alternative (None: unlimited).
    demand_mt : mapping of str to float
        Mt/yr wanted at each destination.

    Returns
    -------
    FlowResult

    Raises
    ------
    UsageError
        A negative cost, capacity or demand.
    NoRouteError
        The demand cannot be met under the capacities (the message gives both totals).
    """
    import networkx as nx

    for value in (*costs.values(), *demand_mt.values()):
        if not value >= 0:
            raise UsageError(f"flow costs and demands must be zero or more, not {value}")
    for cap in capacities_mt.values():
        if cap is not None and not cap >= 0:
            raise UsageError(f"capacities must be zero or more, not {cap}")
    demand_kt = {d: round(v * KT_PER_MT) for d, v in demand_mt.items()}
    total = sum(demand_kt.values())
    graph = nx.DiGraph()
    graph.add_node(("origin",), demand=-total)
    for dest, kt in demand_kt.items():
        graph.add_node(("dest", dest), demand=kt)
    for alt, cap in capacities_mt.items():
        limit = total if cap is None else min(total, round(cap * KT_PER_MT))
        graph.add_edge(("origin",), ("alt", alt), capacity=limit, weight=0)
    for (alt, dest), usd in costs.items():
        if alt in capacities_mt and dest in demand_kt:
            graph.add_edge(("alt", alt), ("dest", dest), weight=round(usd * CENTS))
    try:
        flow = nx.min_cost_flow(graph)
    except nx.NetworkXUnfeasible:
        room = sum(
            total if c is None else min(total, round(c * KT_PER_MT)) for c in capacities_mt.values()
        )
        raise NoRouteError(
            f"the demand of {total / KT_PER_MT:g} Mt/yr cannot be met: the alternatives that "
            f"reach the destinations carry at most {room / KT_PER_MT:g} Mt/yr"
        ) from None
    flows: dict[tuple[str, str], float] = {}
    usd_total = 0.0
    for (alt, dest), usd in costs.items():
        kt = flow.get(("alt", alt), {}).get(("dest", dest), 0)
        if kt:
            flows[(alt, dest)] = kt / KT_PER_MT
            usd_total += kt * T_PER_KT * usd
    through = {alt: flow[("origin",)].get(("alt", alt), 0) / KT_PER_MT for alt in capacities_mt}
    saturated = tuple(
        alt
        for alt, cap in capacities_mt.items()
        if cap is not None and flow[("origin",)].get(("alt", alt), 0) >= round(cap * KT_PER_MT)
    )
    return FlowResult(flows, usd_total, through, dict(capacities_mt), saturated)


__all__ = ["FlowResult", "solve_flow"]
