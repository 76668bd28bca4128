"""What a tonne costs along a route: money, hours and CO2e per leg and in total.

The model (parameters in ``geo/costs.toml``, :mod:`corridors.routing.cost_params`), for
``tonnes`` t carried on one vessel class:

- **rail leg**: ``tonnes * km * usd_per_tkm``; ``km / speed_kmh`` hours; ``tonnes * km *
  co2e_g_per_tkm`` grams. A rail leg with an end in the DPRK runs on DPRK track
  (``rail_prk``), any other on Russian track (``rail_rus``; the model has no ROK rail tariff).
- **border**: a rail leg whose two ends are in different countries crosses a border:
  ``tonnes * border.usd_per_t`` and ``border.hours``.
- **sea leg**: ``tonnes * km * usd_per_tkm`` of the vessel class, ``km / speed_kmh`` hours,
  ``co2e_g_per_tkm`` per tonne-km.
- **transfer** (rail <-> sea at a port): ``tonnes * transfer.usd_per_t`` plus one
  ``port.call_usd`` per ship (``ceil(tonnes / payload_t)`` ships), ``transfer.hours`` of
  dwell, ``transfer.co2e_kg_per_t`` per tonne.
- **discharge** at the end of a route that ends at sea: ``tonnes * port.discharge_usd_per_t``
  plus one port call per ship, ``port.discharge_hours``.

Hours are the transit time of one consignment (moving + dwell + transfer + border), not the
time a fleet needs to carry all the tonnes. The **generalised cost** of ``by="cost"``
(:class:`CostModel`) is the money cost of one tonne, port calls shared over a full shipload,
plus ``cargo.usd_per_t_hour`` for every hour on the way.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from corridors.errors import UsageError
from corridors.network.index import Network, RouteIndex
from corridors.network.terms import TRANSFER
from corridors.routing.cost_params import VESSELS, CostParams
from corridors.routing.options import RouteOptions, make_options
from corridors.routing.route import Route, route

DPRK = "PRK"
KINDS = ("rail", "sea", "transfer", "border", "discharge")


def _check_vessel(vessel: str) -> str:
    if vessel not in VESSELS:
        raise UsageError(f"`vessel` must be one of {', '.join(VESSELS)}, not '{vessel}'")
    return vessel


def rail_group(start_country: str, end_country: str) -> str:
    """The tariff group of a rail stretch: DPRK track if either end is in the DPRK."""
    return "rail_prk" if DPRK in (start_country, end_country) else "rail_rus"


@dataclass(frozen=True)
class CostModel:
    """Edge weights of ``by="cost"``: generalised USD per tonne (see the module docstring).

    Parameters
    ----------
    params : CostParams
    countries : mapping of str to str
        Place id -> ISO 3166-1 alpha-3 country (the atlas's places).
    vessel : {"supramax", "handysize"}
    """

    params: CostParams
    countries: Mapping[str, str]
    vessel: str = "supramax"
    _key: tuple[object, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_vessel(self.vessel)
        digest = hashlib.blake2b(
            repr(sorted(self.countries.items())).encode(), digest_size=12
        ).hexdigest()
        object.__setattr__(self, "_key", ("cost", self.params.key, self.vessel, digest))

    @classmethod
    def for_network(cls, network: Network, params: CostParams, *, vessel: str = "supramax"):  # noqa: ANN206
        """The model over ``network``'s places."""
        countries = {pid: place.country for pid, place in network.atlas.places.items()}
        return cls(params, countries, vessel)

    @property
    def key(self) -> Hashable:
        return self._key

    def per_tonne_rates(self) -> dict[str, float]:
        """Generalised USD per tonne: per km by ``rail_rus``/``rail_prk``/``sea``, and fixed
        per ``transfer`` and ``border``."""
        p, sea = self.params, f"sea_{self.vessel}"
        vot = p["cargo.usd_per_t_hour"]
        return {
            "rail_rus": p["rail_rus.usd_per_tkm"] + vot / p["rail_rus.speed_kmh"],
            "rail_prk": p["rail_prk.usd_per_tkm"] + vot / p["rail_prk.speed_kmh"],
            "sea": p[f"{sea}.usd_per_tkm"] + vot / p[f"{sea}.speed_kmh"],
            "transfer": p["transfer.usd_per_t"]
            + p["port.call_usd"] / p[f"{sea}.payload_t"]
            + vot * p["transfer.hours"],
            "border": p["border.usd_per_t"] + vot * p["border.hours"],
        }

    def edge_weights(self, index: RouteIndex) -> tuple[list[float], list[float]]:
        """Per edge: generalised USD per tonne-km, and fixed USD per tonne."""
        rates = self.per_tonne_rates()
        country = self.countries.get
        per_km: list[float] = []
        fixed: list[float] = []
        for mode, start, end in zip(index.edge_mode, index.edge_start, index.edge_end, strict=True):
            if mode == TRANSFER:
                per_km.append(0.0)
                fixed.append(rates["transfer"])
            elif mode == "rail":
                a, b = country(start, ""), country(end, "")
                per_km.append(rates[rail_group(a, b)])
                fixed.append(rates["border"] if a != b else 0.0)
            elif mode == "sea":
                per_km.append(rates["sea"])
                fixed.append(0.0)
            else:  # energy lines and roads never carry freight
                per_km.append(math.inf)
                fixed.append(0.0)
        return per_km, fixed


@dataclass(frozen=True)
class Stretch:
    """A piece of a journey to be costed: a route leg, or a scenario's long haul.

    Attributes
    ----------
    start, end : str
        Place ids (or a scenario's own names).
    mode : {"rail", "sea"}
    km : float
    corridor : str
    start_country, end_country : str
        ISO 3166-1 alpha-3 of the two ends.
    """

    start: str
    end: str
    mode: str
    km: float
    corridor: str = ""
    start_country: str = ""
    end_country: str = ""


@dataclass(frozen=True)
class CostItem:
    """One line of a costed journey: a leg, transfer, border crossing or discharge.

    Attributes
    ----------
    kind : {"rail", "sea", "transfer", "border", "discharge"}
    start, end : str
        Place ids (the same place for a transfer or discharge).
    km, hours, cost_usd, co2e_t : float
        For all the tonnes.
    group : str
        The parameter group used (``rail_rus``, ``sea_supramax``, ``transfer``, ...).
    corridor : str
    """

    kind: str
    start: str
    end: str
    km: float
    hours: float
    cost_usd: float
    co2e_t: float
    group: str
    corridor: str = ""

    def to_dict(self, tonnes: float) -> dict[str, object]:
        """The item as JSON for ``tonnes`` t, numbers at full precision (no rounding)."""
        return {
            "kind": self.kind,
            "from": self.start,
            "to": self.end,
            "corridor": self.corridor,
            "parameters": self.group,
            "distance_km": self.km,
            "hours": self.hours,
            "cost_usd": self.cost_usd,
            "cost_usd_per_t": self.cost_usd / tonnes,
            "co2e_t": self.co2e_t,
            "co2e_kg_per_t": self.co2e_t * 1000 / tonnes,
        }


@dataclass(frozen=True)
class CostedRoute:
    """A journey with its money, time and CO2e (see the module docstring).

    Attributes
    ----------
    origin, destination : str
    tonnes : float
    vessel : str
    items : tuple of CostItem
    params : CostParams
    route : Route or None
        The atlas route costed (None for a journey of stretches alone).
    warnings : tuple of str
    """

    origin: str
    destination: str
    tonnes: float
    vessel: str
    items: tuple[CostItem, ...]
    params: CostParams
    route: Route | None = None
    warnings: tuple[str, ...] = ()

    @property
    def distance_km(self) -> float:
        return sum(i.km for i in self.items)

    @property
    def hours(self) -> float:
        return sum(i.hours for i in self.items)

    @property
    def days(self) -> float:
        return self.hours / 24.0

    @property
    def cost_usd(self) -> float:
        return sum(i.cost_usd for i in self.items)

    @property
    def cost_usd_per_t(self) -> float:
        return self.cost_usd / self.tonnes

    @property
    def co2e_t(self) -> float:
        return sum(i.co2e_t for i in self.items)

    @property
    def co2e_kg_per_t(self) -> float:
        return self.co2e_t * 1000.0 / self.tonnes

    def hours_of(self, *kinds: str) -> float:
        """Hours spent in items of these kinds (``"rail"``, ``"sea"``: moving)."""
        return sum(i.hours for i in self.items if i.kind in kinds)

    def to_dict(self) -> dict[str, object]:
        """The costed route as JSON (the shape of issue 12), numbers at full precision.

        The keys ``from``, ``to``, ``tonnes``, ``distance_km``, ``hours``, ``cost_usd``,
        ``cost_usd_per_t``, ``co2e_t``, ``co2e_kg_per_t``, ``legs`` and ``assumptions`` come
        first, in that order; ``assumptions`` maps each parameter (``group.name``) to its
        value, range, unit, ``source`` (a source id of ``sources.json`` or ``"assumption"``)
        and whether it was overridden. Then ``vessel``, ``hours_moving``, ``hours_dwell``,
        ``warnings``, ``parameters_file`` and ``model``. Rounding is for tables only.
        """
        return {
            "from": self.origin,
            "to": self.destination,
            "tonnes": self.tonnes,
            "distance_km": self.distance_km,
            "hours": self.hours,
            "cost_usd": self.cost_usd,
            "cost_usd_per_t": self.cost_usd_per_t,
            "co2e_t": self.co2e_t,
            "co2e_kg_per_t": self.co2e_kg_per_t,
            "legs": [item.to_dict(self.tonnes) for item in self.items],
            "assumptions": self.params.to_dict(),
            "vessel": self.vessel,
            "hours_moving": self.hours_of("rail", "sea"),
            "hours_dwell": self.hours_of("transfer", "border", "discharge"),
            "warnings": list(self.warnings),
            "parameters_file": self.params.path,
            "model": "corridors.routing.cost (geo/README.md, costs.toml)",
        }


def check_tonnes(tonnes: float) -> float:
    """``tonnes`` as a positive finite float.

    Raises
    ------
    UsageError
        Not a number more than zero.
    """
    if isinstance(tonnes, bool) or not isinstance(tonnes, int | float):
        raise UsageError(f"`tonnes` must be a number, not {tonnes!r}")
    if not (math.isfinite(tonnes) and tonnes > 0):
        raise UsageError(f"`tonnes` must be more than zero, not {tonnes:g}")
    return float(tonnes)


def ships_needed(tonnes: float, payload_t: float) -> int:
    """How many shiploads carry ``tonnes`` (at least one)."""
    return max(1, math.ceil(tonnes / payload_t - 1e-9))


def cost_stretches(
    stretches: Sequence[Stretch],
    params: CostParams,
    *,
    tonnes: float,
    vessel: str = "supramax",
    discharge: bool = True,
) -> list[CostItem]:
    """Cost a journey given as consecutive stretches (see the module docstring).

    Parameters
    ----------
    stretches : sequence of Stretch
        In order, each starting where the previous ended.
    params : CostParams
    tonnes : float
        Cargo, t (> 0).
    vessel : {"supramax", "handysize"}
    discharge : bool
        Add the discharge at the end when the last stretch is at sea.

    Returns
    -------
    list of CostItem
        Legs, with a transfer item at each change of mode, a border item after each rail
        stretch whose ends are in different countries, and the discharge.

    Raises
    ------
    UsageError
        ``tonnes`` is not positive, ``vessel`` unknown, or a stretch's mode is not rail or sea.
    """
    tonnes = check_tonnes(tonnes)
    sea = f"sea_{_check_vessel(vessel)}"
    p = params
    ships = ships_needed(tonnes, p[f"{sea}.payload_t"])
    items: list[CostItem] = []
    previous: Stretch | None = None
    for stretch in stretches:
        if stretch.mode not in ("rail", "sea"):
            raise UsageError(f"cannot cost a {stretch.mode} leg: only rail and sea carry freight")
        if previous is not None and previous.mode != stretch.mode:
            items.append(
                CostItem(
                    "transfer",
                    stretch.start,
                    stretch.start,
                    0.0,
                    p["transfer.hours"],
                    tonnes * p["transfer.usd_per_t"] + ships * p["port.call_usd"],
                    tonnes * p["transfer.co2e_kg_per_t"] / 1000.0,
                    "transfer",
                )
            )
        group = (
            rail_group(stretch.start_country, stretch.end_country)
            if stretch.mode == "rail"
            else sea
        )
        items.append(
            CostItem(
                stretch.mode,
                stretch.start,
                stretch.end,
                stretch.km,
                stretch.km / p[f"{group}.speed_kmh"],
                tonnes * stretch.km * p[f"{group}.usd_per_tkm"],
                tonnes * stretch.km * p[f"{group}.co2e_g_per_tkm"] / 1e6,
                group,
                stretch.corridor,
            )
        )
        if stretch.mode == "rail" and stretch.start_country != stretch.end_country:
            items.append(
                CostItem(
                    "border",
                    stretch.start,
                    stretch.end,
                    0.0,
                    p["border.hours"],
                    tonnes * p["border.usd_per_t"],
                    0.0,
                    "border",
                    stretch.corridor,
                )
            )
        previous = stretch
    if discharge and previous is not None and previous.mode == "sea":
        items.append(
            CostItem(
                "discharge",
                previous.end,
                previous.end,
                0.0,
                p["port.discharge_hours"],
                tonnes * p["port.discharge_usd_per_t"] + ships * p["port.call_usd"],
                0.0,
                "port",
            )
        )
    return items


def route_stretches(network: Network, found: Route) -> list[Stretch]:
    """The legs of an atlas route as :class:`Stretch` es (with their places' countries)."""
    places = network.atlas.places
    return [
        Stretch(
            leg.start,
            leg.end,
            leg.mode,
            leg.distance_km,
            leg.corridor,
            places[leg.start].country,
            places[leg.end].country,
        )
        for leg in found.legs
    ]


def cost_route(
    network: Network,
    origin: str,
    destination: str,
    *,
    params: CostParams,
    tonnes: float = 1.0,
    vessel: str = "supramax",
    options: RouteOptions | None = None,
    **option_values: object,
) -> CostedRoute:
    """The least generalised-cost route between two places, costed leg by leg.

    Parameters
    ----------
    network : Network
    origin, destination : str
        Place ids, names or aliases.
    params : CostParams
        From :func:`corridors.routing.cost_params.resolve_params`.
    tonnes : float
        Cargo, t (> 0).
    vessel : {"supramax", "handysize"}
    options : RouteOptions, optional
        Route options (default: ``by="cost"`` with this model; ``option_values`` as for
        :func:`corridors.routing.route.route`).

    Returns
    -------
    CostedRoute

    Raises
    ------
    UnknownPlaceError, NoRouteError, UsageError
        As :func:`corridors.routing.route.route`; also a bad ``tonnes`` or ``vessel``.
    """
    tonnes = check_tonnes(tonnes)
    model = CostModel.for_network(network, params, vessel=vessel)
    if options is None:
        values = {"by": "cost", **option_values}
        options = make_options(cost_model=model, **values)  # type: ignore[arg-type]
    found = route(network, origin, destination, options)
    items = cost_stretches(route_stretches(network, found), params, tonnes=tonnes, vessel=vessel)
    return CostedRoute(
        found.origin,
        found.destination,
        tonnes,
        vessel,
        tuple(items),
        params,
        found,
        found.warnings,
    )


__all__ = [
    "CostItem",
    "CostModel",
    "CostedRoute",
    "Stretch",
    "check_tonnes",
    "cost_route",
    "cost_stretches",
    "rail_group",
    "route_stretches",
    "ships_needed",
]
