"""Scenarios: the same cargo by several alternatives, side by side (``corridors compare``).

A scenario file (TOML; example: ``geo/scenarios/kuzbass-korea.toml``) names the cargo
(``tonnes``, ``vessel``), an ``[origin]`` and its long haul to the atlas place ``joins``
(modelled once, shared by every alternative: :mod:`corridors.routing.longhaul`; the origin is
an atlas ``place`` and the long haul its atlas route, or, in the first format, a ``name`` off
the atlas with the long haul's published ``km``), ``destinations`` (atlas
places), optional ``[[links]]`` (stretches the atlas lacks, each with its length and source)
and ``[[alternatives]]``: each a list of ``via`` places the route must pass (e.g. the
transshipment port), an optional ``capacity_mt`` (Mt/yr, for ``flow``) with its source, and
optional parameter overrides (``set``). Between consecutive waypoints the route is the least
generalised-cost route of the atlas (or the link that joins them).

Every problem in a scenario file (unknown place, key or source, negative or non-numeric
number, missing field) is one :class:`~corridors.errors.UsageError` line naming the file and
the field.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corridors.atlas.safe_input import read_file_limited
from corridors.errors import AtlasError, UnknownPlaceError, UsageError
from corridors.network.index import Network
from corridors.routing.cost import (
    CostedRoute,
    CostModel,
    Stretch,
    check_tonnes,
    cost_stretches,
    route_stretches,
)
from corridors.routing.cost_params import VESSELS, CostParams
from corridors.routing.longhaul import ATLAS_SOURCE, Line, LongHaul, Origin, long_haul
from corridors.routing.options import make_options
from corridors.routing.route import route

MAX_SCENARIO_BYTES = 1 << 20
_TOP = {"name", "tonnes", "vessel", "as_of", "include_proposed", "destinations", "origin"}
_TOP |= {"links", "alternatives", "demand_mt", "note"}
_ORIGIN = {"place", "name", "country", "joins", "mode", "km", "source", "note"}
_LINK = {"from", "to", "mode", "km", "source", "note"}
_ALTERNATIVE = {"name", "via", "capacity_mt", "capacity_source", "set", "note"}


@dataclass(frozen=True)
class Alternative:
    """One way to go: through ``via`` (place ids), with its capacity (Mt/yr) and overrides."""

    name: str
    via: tuple[str, ...]
    capacity_mt: float | None = None
    capacity_source: str = ""
    overrides: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario file (see the module docstring)."""

    name: str
    tonnes: float
    vessel: str
    origin: Origin
    destinations: tuple[str, ...]
    alternatives: tuple[Alternative, ...]
    links: tuple[Stretch, ...] = ()
    as_of: str | None = None
    include_proposed: bool = False
    demand_mt: Mapping[str, float] = field(default_factory=dict)
    path: str = ""


@dataclass(frozen=True)
class Outcome:
    """One alternative to one destination, costed."""

    alternative: str
    destination: str
    costed: CostedRoute

    def row(self) -> dict[str, object]:
        """The outcome as one record of ``compare`` (JSON and CSV), numbers at full precision."""
        c = self.costed
        return {
            "alternative": self.alternative,
            "destination": self.destination,
            "tonnes": c.tonnes,
            "distance_km": c.distance_km,
            "days": c.days,
            "cost_usd_per_t": c.cost_usd_per_t,
            "co2e_kg_per_t": c.co2e_kg_per_t,
            "cost_usd": c.cost_usd,
            "co2e_t": c.co2e_t,
        }


def _fail(path: str, message: str) -> UsageError:
    return UsageError(f"{path}: {message}")


def _keys(path: str, where: str, table: object, allowed: set[str], required: Sequence[str]):  # noqa: ANN202
    if not isinstance(table, dict):
        raise _fail(path, f"{where} must be a table")
    for key in table:
        if key not in allowed:
            raise _fail(path, f"{where}: unknown field '{key}'; use {', '.join(sorted(allowed))}")
    for key in required:
        if key not in table:
            raise _fail(path, f"{where}: field '{key}' is missing")
    return table


def _positive(path: str, where: str, value: object, *, zero: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(path, f"{where} must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number) or number < 0 or (number == 0 and not zero):
        raise _fail(path, f"{where} must be a {'' if zero else 'positive '}number, not {value!r}")
    return number


def _text(path: str, where: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, f"{where} must be a non-empty string")
    return value


def _place(network: Network, path: str, where: str, value: object) -> str:
    try:
        return network.resolve_place(_text(path, where, value))
    except UnknownPlaceError as exc:
        raise _fail(path, f"{where}: {exc}") from None


def _source(network: Network, path: str, where: str, value: object) -> str:
    source = _text(path, where, value)
    if source != "assumption" and source not in network.atlas.sources:
        raise _fail(path, f"{where}: unknown source '{source}' (not in sources.json)")
    return source


def _origin(network: Network, file: str, table: object) -> Origin:
    """``[origin]``: an atlas ``place`` (the long haul is its atlas route to ``joins``), or
    an off-atlas ``name`` with the long haul's ``km`` and ``source`` (the first format)."""
    o = _keys(file, "origin", table, _ORIGIN, ("joins",))
    if "place" in o:
        extra = sorted(k for k in ("name", "country", "mode", "km", "source") if k in o)
        if extra:
            raise _fail(
                file,
                f"origin: '{extra[0]}' is for an origin off the atlas; with 'place' the long "
                "haul is the atlas route (drop it)",
            )
        place = _place(network, file, "origin.place", o["place"])
        joins = _place(network, file, "origin.joins", o["joins"])
        if joins == place:
            raise _fail(file, "origin.joins must be another place than origin.place")
        start = network.atlas.places[place]
        return Origin(start.name, start.country, joins, "rail", None, ATLAS_SOURCE, place)
    if "name" not in o and "km" not in o:
        raise _fail(
            file,
            "origin: field 'place' is missing (an atlas place, e.g. place = \"Novokuznetsk\"; "
            "or 'name', 'km' and 'source' for a long haul off the atlas)",
        )
    for key in ("name", "km", "source"):
        if key not in o:
            raise _fail(file, f"origin: field '{key}' is missing")
    mode = o.get("mode", "rail")
    if mode not in ("rail", "sea"):
        raise _fail(file, f"origin.mode must be rail or sea, not {mode!r}")
    return Origin(
        _text(file, "origin.name", o["name"]),
        _text(file, "origin.country", o.get("country", "RUS")),
        _place(network, file, "origin.joins", o["joins"]),
        mode,
        _positive(file, "origin.km", o["km"]),
        _source(network, file, "origin.source", o["source"]),
    )


def load_scenario(path: Path | str, network: Network, params: CostParams) -> Scenario:
    """Read and validate a scenario file against ``network``'s places and sources.

    Raises
    ------
    UsageError
        One line naming the file and the field.
    """
    file = str(path)
    try:
        raw = read_file_limited(path, max_bytes=MAX_SCENARIO_BYTES)
    except AtlasError as exc:
        raise UsageError(str(exc)) from None
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise _fail(file, f"not a valid UTF-8 TOML file: {exc}") from None
    top = _keys(file, "scenario", doc, _TOP, ("name", "origin", "destinations", "alternatives"))
    vessel = top.get("vessel", "supramax")
    if vessel not in VESSELS:
        raise _fail(file, f"vessel must be one of {', '.join(VESSELS)}, not {vessel!r}")
    tonnes = _positive(file, "tonnes", top.get("tonnes", 1_000_000))
    origin = _origin(network, file, top["origin"])
    if not isinstance(top["destinations"], list) or not top["destinations"]:
        raise _fail(file, "destinations must be a non-empty list of places")
    destinations = tuple(
        _place(network, file, f"destinations[{i}]", d) for i, d in enumerate(top["destinations"])
    )
    places = network.atlas.places
    links = []
    for i, item in enumerate(top.get("links", [])):
        where = f"links[{i}]"
        link = _keys(file, where, item, _LINK, ("from", "to", "km", "source"))
        start = _place(network, file, f"{where}.from", link["from"])
        end = _place(network, file, f"{where}.to", link["to"])
        _source(network, file, f"{where}.source", link["source"])
        link_mode = link.get("mode", "rail")
        if link_mode not in ("rail", "sea"):
            raise _fail(file, f"{where}.mode must be rail or sea, not {link_mode!r}")
        km = _positive(file, f"{where}.km", link["km"])
        links.append(
            Stretch(
                start,
                end,
                link_mode,
                km,
                f"link {places[start].name} - {places[end].name}",
                places[start].country,
                places[end].country,
            )
        )
    if not isinstance(top["alternatives"], list) or not top["alternatives"]:
        raise _fail(file, "alternatives must be a non-empty list of tables")
    alternatives = []
    for i, item in enumerate(top["alternatives"]):
        where = f"alternatives[{i}]"
        alt = _keys(file, where, item, _ALTERNATIVE, ("name", "via"))
        if not isinstance(alt["via"], list) or not alt["via"]:
            raise _fail(file, f"{where}.via must be a non-empty list of places")
        via = tuple(_place(network, file, f"{where}.via[{j}]", v) for j, v in enumerate(alt["via"]))
        capacity = alt.get("capacity_mt")
        if capacity is not None:
            capacity = _positive(file, f"{where}.capacity_mt", capacity)
            if "capacity_source" not in alt:
                raise _fail(file, f"{where}: field 'capacity_source' is missing")
        source = alt.get("capacity_source", "")
        if source:
            _source(network, file, f"{where}.capacity_source", source)
        overrides = alt.get("set", {})
        if not isinstance(overrides, dict):
            raise _fail(file, f"{where}.set must be a table of parameter = number")
        try:
            params.with_values(overrides, origin=f"{file}: {where}.set")
        except UsageError:
            raise
        alternatives.append(
            Alternative(
                _text(file, f"{where}.name", alt["name"]), via, capacity, source, dict(overrides)
            )
        )
    names = [a.name for a in alternatives]
    if len(set(names)) != len(names):
        raise _fail(file, "alternatives must have distinct names")
    demand = {}
    raw_demand = top.get("demand_mt", {})
    if not isinstance(raw_demand, dict):
        raise _fail(file, "demand_mt must be a table of destination = Mt/yr")
    for name, value in raw_demand.items():
        place = _place(network, file, f"demand_mt.{name}", name)
        if place not in destinations:
            raise _fail(file, f"demand_mt.{name}: not one of the destinations")
        demand[place] = _positive(file, f"demand_mt.{name}", value, zero=True)
    as_of = top.get("as_of")
    if as_of is not None:
        as_of = _text(file, "as_of", as_of)
        make_options(as_of=as_of)
    proposed = top.get("include_proposed", False)
    if not isinstance(proposed, bool):
        raise _fail(file, "include_proposed must be true or false")
    return Scenario(
        _text(file, "name", top["name"]),
        tonnes,
        vessel,
        origin,
        destinations,
        tuple(alternatives),
        tuple(links),
        as_of,
        proposed,
        demand,
        file,
    )


def _hop(
    network: Network, scenario: Scenario, model: CostModel, start: str, end: str
) -> tuple[list[Stretch], tuple[str, ...], list[Line]]:
    places = network.atlas.places
    for link in scenario.links:
        if (link.start, link.end) == (start, end):
            straight = (places[start].coord, places[end].coord)
            return [link], (), [(link.mode, straight)]
    options = make_options(
        by="cost",
        cost_model=model,
        as_of=scenario.as_of,
        include_proposed=scenario.include_proposed,
    )
    found = route(network, start, end, options)
    lines = [(leg.mode, leg.coords) for leg in found.legs]
    return route_stretches(network, found), found.warnings, lines


def _points(scenario: Scenario, alternative: Alternative, destination: str) -> list[str]:
    points = [scenario.origin.joins, *alternative.via, destination]
    return [b for a, b in zip([None, *points], points, strict=False) if a != b]


def scenario_long_haul(network: Network, scenario: Scenario, params: CostParams) -> LongHaul:
    """The scenario's shared long haul under ``params`` (its lines: the atlas route from
    the origin, none for an origin off the atlas)."""
    model = CostModel.for_network(network, params, vessel=scenario.vessel)
    return long_haul(
        network,
        scenario.origin,
        model,
        as_of=scenario.as_of,
        include_proposed=scenario.include_proposed,
    )


def alternative_lines(
    network: Network,
    scenario: Scenario,
    alternative: Alternative,
    destination: str,
    params: CostParams,
) -> list[Line]:
    """The lines (mode, lon/lat coordinates) of one alternative to one destination on the
    atlas, from where the long haul joins it (a scenario link: a straight line); the shared
    long haul itself is :func:`scenario_long_haul`."""
    p = params.with_values(alternative.overrides) if alternative.overrides else params
    model = CostModel.for_network(network, p, vessel=scenario.vessel)
    points = _points(scenario, alternative, destination)
    lines: list[Line] = []
    for start, end in zip(points, points[1:], strict=False):
        lines += _hop(network, scenario, model, start, end)[2]
    return lines


def cost_alternative(
    network: Network,
    scenario: Scenario,
    alternative: Alternative,
    destination: str,
    params: CostParams,
    *,
    tonnes: float | None = None,
) -> CostedRoute:
    """The journey origin -> long haul -> ``alternative.via`` -> ``destination``, costed."""
    tonnes = check_tonnes(scenario.tonnes if tonnes is None else tonnes)
    p = params.with_values(alternative.overrides) if alternative.overrides else params
    model = CostModel.for_network(network, p, vessel=scenario.vessel)
    origin = scenario.origin
    haul = long_haul(
        network, origin, model, as_of=scenario.as_of, include_proposed=scenario.include_proposed
    )
    stretches = list(haul.stretches)
    warnings: list[str] = list(haul.warnings)
    points = _points(scenario, alternative, destination)
    for start, end in zip(points, points[1:], strict=False):
        found, said, _ = _hop(network, scenario, model, start, end)
        stretches += found
        warnings += [w for w in said if w not in warnings]
    items = cost_stretches(stretches, p, tonnes=tonnes, vessel=scenario.vessel)
    return CostedRoute(
        origin.name, destination, tonnes, scenario.vessel, tuple(items), p, None, tuple(warnings)
    )


def compare(network: Network, scenario: Scenario, params: CostParams) -> list[Outcome]:
    """Every alternative to every destination (rows in file order)."""
    return [
        Outcome(alt.name, dest, cost_alternative(network, scenario, alt, dest, params))
        for alt in scenario.alternatives
        for dest in scenario.destinations
    ]


def comparison_dict(
    network: Network, scenario: Scenario, outcomes: Sequence[Outcome]
) -> dict[str, Any]:
    """The comparison as JSON: the scenario, the shared long haul, one row per outcome (with
    its legs), and the parameters."""
    places = network.atlas.places
    o = scenario.origin
    params = outcomes[0].costed.params if outcomes else None
    haul = None if params is None else scenario_long_haul(network, scenario, params)
    rows = []
    for outcome in outcomes:
        row = outcome.row()
        row["destination"] = places[outcome.destination].name
        row["legs"] = [i.to_dict(outcome.costed.tonnes) for i in outcome.costed.items]
        row["warnings"] = list(outcome.costed.warnings)
        rows.append(row)
    long_haul_doc: dict[str, Any] = {
        "from": o.name,
        "to": o.joins,
        "mode": o.mode,
        "distance_km": o.km if haul is None or o.place is None else round(haul.distance_km, 1),
        "source": o.source,
    }
    if o.place is not None:
        long_haul_doc["from_id"] = o.place
        long_haul_doc["corridors"] = (
            [] if haul is None else list(dict.fromkeys(s.corridor for s in haul.stretches))
        )
    return {
        "scenario": scenario.name,
        "file": scenario.path,
        "tonnes": scenario.tonnes,
        "vessel": scenario.vessel,
        "long_haul": long_haul_doc,
        "rows": rows,
        "assumptions": {} if params is None else params.to_dict(),
    }


__all__ = [
    "Alternative",
    "Origin",
    "Outcome",
    "Scenario",
    "alternative_lines",
    "compare",
    "comparison_dict",
    "cost_alternative",
    "load_scenario",
    "scenario_long_haul",
]
