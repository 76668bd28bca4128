"""``corridors check``: is the atlas geographically honest?

Per corridor: computed (geodesic) length against the published one (a problem when more than
``length_tolerance``, 5 % by default, apart), sea lanes that touch land, land corridors that
cross open sea, line ends or ``via`` places farther than the tolerance from their places, and
land lines that cross a national border (or the demarcation line) where their stops do not say
they should. Per port: the berth must be near water. Per shipment: every leg must be routable
in its mode, and the shipment's tonnes must equal what its legs deliver. Per zone: a valid
outline, and no corridor stopping at it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from corridors.atlas.model import Area, Atlas, Coord, Corridor, Place, final_legs
from corridors.errors import UsageError
from corridors.geo.geodesy import distance_m, line_length_m, nearest_on_line
from corridors.network.index import Network, build_index

LENGTH_TOLERANCE = 0.05
# A schematic line (straight chords between cited points) must draw at least this share of its
# published length: shorter, and a stretch is missing rather than merely straightened. Lines
# through mountains run far longer than their chords (Abakan - Taishet over the Eastern Sayan:
# 647 km of track, 495 km of chords through its towns).
SCHEMATIC_MIN_SHARE = 0.55
"""Default ``length_tolerance``: computed and published lengths may differ by 5 %."""
SNAP_TOLERANCE_M = 2000.0
PORT_WATER_RADIUS_M = 1500.0
TONNES_EPSILON = 0.5


@dataclass(frozen=True)
class Finding:
    """One checked fact: ``ok`` false makes the atlas unclean; ``data`` for ``--json``."""

    subject: str
    check: str
    ok: bool
    message: str
    data: dict[str, Any] | None = field(default=None, compare=False)


@dataclass
class CheckReport:
    """All findings, in the order they were made, and what was checked."""

    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    @property
    def clean(self) -> bool:
        return not self.problems

    def add(
        self, subject: str, check: str, ok: bool, message: str, data: dict[str, Any] | None = None
    ) -> None:
        self.findings.append(Finding(subject, check, ok, message, data))

    def lines(self, *, verbose: bool = False) -> list[str]:
        """The problems, one line each; with ``verbose`` every finding ("ok" or "FAIL")."""
        shown = self.findings if verbose else self.problems
        return [f"{'ok  ' if f.ok else 'FAIL'} {f.subject}: {f.message}" for f in shown]

    def summary(self) -> str:
        """One line: what was checked and how many problems, e.g. "checked 36 corridors, ..."."""
        checked = ", ".join(
            f"{n} {what if n != 1 else what.removesuffix('s')}" for what, n in self.counts.items()
        )
        found = len(self.problems)
        verdict = "clean" if not found else f"{found} problem{'s' if found != 1 else ''}"
        return f"checked {checked}: {verdict}" if checked else verdict

    def to_dict(self) -> dict[str, object]:
        findings = []
        for f in self.findings:
            entry: dict[str, object] = {
                "subject": f.subject,
                "check": f.check,
                "ok": f.ok,
                "message": f.message,
            }
            if f.data is not None:
                entry["data"] = f.data
            findings.append(entry)
        return {
            "clean": self.clean,
            "summary": self.summary(),
            "checked": dict(self.counts),
            "problems": len(self.problems),
            "findings": findings,
        }


def check_atlas(
    atlas: Atlas,
    *,
    tolerance_m: float = SNAP_TOLERANCE_M,
    length_tolerance: float = LENGTH_TOLERANCE,
    network: Network | None = None,
    remembered: MutableMapping[str, Any] | None = None,
) -> CheckReport:
    """Run every check over a (schema-valid) atlas.

    Parameters
    ----------
    atlas : Atlas
    tolerance_m : float
        Largest distance in metres from a corridor end (or ``via`` place) to its place.
    length_tolerance : float
        Largest relative gap between computed and published length, as a fraction
        (0.05 = 5 %), from 0 to 1.
    network : Network, optional
        The atlas's already-built routing index, to route the shipment legs without building
        it again (as the command line has it loaded anyway).
    remembered : mutable mapping, optional
        Findings of earlier runs of the checks that look at one corridor, one port or one
        zone, keyed by everything such a check reads (:func:`unit_key`); a unit found there
        is not checked again, and each unit checked is stored there. The caller keeps it
        only while the code and libraries stay the same (``corridors check`` does:
        :mod:`corridors.cli.check_units`). The shipments, tonnes, sources and sea distances,
        which look at the whole atlas, always run.

    Returns
    -------
    CheckReport

    Raises
    ------
    UsageError
        If a tolerance is negative or not finite, or ``length_tolerance`` is 1 or more.
    """
    if not (math.isfinite(tolerance_m) and tolerance_m >= 0):
        raise UsageError(f"`tolerance_m` must be zero or more metres, not {tolerance_m}")
    if not (math.isfinite(length_tolerance) and 0 <= length_tolerance < 1):
        raise UsageError(
            f"`length_tolerance` must be a fraction from 0 to under 1 (0.05 = 5 %), "
            f"not {length_tolerance}"
        )
    report = CheckReport()
    report.counts = {
        "corridors": len(atlas.corridors),
        "places": len(atlas.places),
        "shipments": len(atlas.shipments),
    }
    for corridor in atlas.corridors.values():
        _unit(
            report,
            remembered,
            corridor_inputs(atlas, corridor, tolerance_m, length_tolerance)
            if remembered is not None
            else [],
            partial(
                _check_corridor,
                atlas=atlas,
                corridor=corridor,
                tolerance_m=tolerance_m,
                length_tolerance=length_tolerance,
            ),
        )
    check_sources(report, atlas)
    check_ports(report, atlas, remembered=remembered)
    check_zones(report, atlas, remembered=remembered)
    network = network or Network(atlas, build_index(atlas=atlas))
    check_shipments(report, network)
    check_shipment_tonnes(report, atlas)
    check_sea_distances(report, network)
    return report


def _check_corridor(
    report: CheckReport,
    *,
    atlas: Atlas,
    corridor: Corridor,
    tolerance_m: float,
    length_tolerance: float,
) -> None:
    """The checks of one corridor: length, ends, land and sea, borders."""
    check_length(report, corridor, tolerance=length_tolerance)
    check_ends(report, atlas, corridor, tolerance_m=tolerance_m)
    check_land_and_sea(report, corridor)
    check_borders(report, atlas, corridor)


def corridor_inputs(
    atlas: Atlas, corridor: Corridor, tolerance_m: float, length_tolerance: float
) -> list[Any]:
    """Everything the four checks of one corridor read (length, ends, land and sea, borders):
    its id, mode, line, published length, schematic flag and stops, each stop's id, position
    and country, and both tolerances. Nothing else of the atlas changes their findings."""
    return [
        "corridor",
        repr(float(tolerance_m)),
        repr(float(length_tolerance)),
        corridor.id,
        corridor.mode,
        corridor.coords,
        corridor.reported_length_km,
        corridor.schematic,
        [[p, atlas.places[p].coord, atlas.places[p].country] for p in corridor.stops],
    ]


def unit_key(inputs: list[Any]) -> str:
    """The key of a unit's findings in ``check_atlas``'s ``remembered``: SHA-256 of its
    inputs as JSON (floats written as ``repr`` writes them, so every bit counts)."""
    import hashlib
    import json

    text = json.dumps(inputs, ensure_ascii=False, allow_nan=True)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _unit(
    report: CheckReport,
    remembered: MutableMapping[str, Any] | None,
    inputs: list[Any],
    run: Callable[[CheckReport], None],
) -> None:
    """Add the findings of one unit of checks: remembered, or made by ``run`` (then kept)."""
    if remembered is None:
        run(report)
        return
    key = unit_key(inputs)
    found = _decode_findings(remembered.get(key))
    if found is None:
        part = CheckReport()
        run(part)
        found = part.findings
        remembered[key] = [[f.subject, f.check, f.ok, f.message, f.data] for f in found]
    report.findings.extend(found)


def _decode_findings(stored: Any) -> list[Finding] | None:
    """Findings kept as lists (subject, check, ok, message, data), or None if not that."""
    if not isinstance(stored, list):
        return None
    found = []
    for entry in stored:
        if not (isinstance(entry, list) and len(entry) == 5):
            return None
        subject, check, ok, message, data = entry
        if not (isinstance(subject, str) and isinstance(check, str) and isinstance(message, str)):
            return None
        if not isinstance(ok, bool) or not (data is None or isinstance(data, dict)):
            return None
        found.append(Finding(subject, check, ok, message, data))
    return found


def check_length(
    report: CheckReport, corridor: Corridor, *, tolerance: float = LENGTH_TOLERANCE
) -> None:
    computed = line_length_m(corridor.coords) / 1000.0
    if corridor.reported_length_km is None:
        if corridor.schematic:
            report.add(
                corridor.id,
                "length",
                False,
                f"schematic line ({computed:,.1f} km drawn) without a published length: "
                "set reported_length_km and reported_length_source, or draw the real line",
            )
            return
        report.add(corridor.id, "length", True, f"{computed:,.1f} km (no published length)")
        return
    published = corridor.reported_length_km
    gap = (computed - published) / published
    if corridor.schematic:
        ok = SCHEMATIC_MIN_SHARE - 1.0 <= gap <= tolerance
        report.add(
            corridor.id,
            "length",
            ok,
            f"schematic line: {computed:,.1f} km drawn between cited points, routed at the "
            f"published {published:,.1f} km ({gap:+.1%})"
            + (
                ""
                if ok
                else f"; a schematic line draws {SCHEMATIC_MIN_SHARE:.0%} to "
                f"{1 + tolerance:.0%} of its published length: add the missing stops"
            ),
            {"computed_km": round(computed, 3), "published_km": published, "gap": round(gap, 5)},
        )
        return
    ok = abs(gap) <= tolerance
    report.add(
        corridor.id,
        "length",
        ok,
        f"{computed:,.1f} km computed vs {published:,.1f} km published ({gap:+.1%})"
        + ("" if ok else f", more than {tolerance * 100:g} % apart"),
        {"computed_km": round(computed, 3), "published_km": published, "gap": round(gap, 5)},
    )


def check_ends(
    report: CheckReport, atlas: Atlas, corridor: Corridor, *, tolerance_m: float
) -> None:
    ends = (
        (corridor.start, corridor.coords[0], "start"),
        (corridor.end, corridor.coords[-1], "end"),
    )
    for place_id, position, label in ends:
        offset = distance_m(atlas.places[place_id].coord, position)
        ok = offset <= tolerance_m
        report.add(
            corridor.id,
            "ends",
            ok,
            f"{label} is {offset:,.0f} m from {place_id}"
            + ("" if ok else f" (tolerance {tolerance_m:,.0f} m)"),
        )
    for place_id in corridor.via:
        place = atlas.places[place_id]
        _, _, position = nearest_on_line(corridor.coords, place.coord)
        offset = distance_m(place.coord, position)
        if offset > tolerance_m:
            report.add(
                corridor.id,
                "ends",
                False,
                f"via place {place_id} is {offset:,.0f} m from the line "
                f"(tolerance {tolerance_m:,.0f} m)",
            )


def check_land_and_sea(report: CheckReport, corridor: Corridor) -> None:
    from corridors.geo.landmask import open_sea_runs
    from corridors.geo.searouting import sea_lane_land_runs

    if corridor.mode == "sea":
        crossings = sea_lane_land_runs(corridor.coords)
        if crossings:
            a, b = crossings[0]
            report.add(
                corridor.id,
                "land",
                False,
                f"sea lane touches land {len(crossings)} time(s), first at km {a / 1000:,.1f}"
                f"-{b / 1000:,.1f}; reroute it with 'corridors add-sea-lane'",
            )
        else:
            report.add(corridor.id, "land", True, "sea lane stays at sea")
        return
    open_sea = open_sea_runs(corridor.coords)
    if open_sea:
        a, b = max(open_sea, key=lambda run: run[1] - run[0])
        report.add(
            corridor.id,
            "sea",
            False,
            f"{corridor.mode} line crosses {len(open_sea)} stretch(es) of open sea, longest "
            f"km {a / 1000:,.1f}-{b / 1000:,.1f} ({(b - a) / 1000:,.1f} km)",
        )
    else:
        report.add(corridor.id, "sea", True, f"{corridor.mode} line stays on land")


def border_crossings_between_stops(
    coords: Sequence[Coord], places: Sequence[Place]
) -> tuple[list[tuple[float, float, float]], list[tuple[Place, Place, list[Any], set[int]]]]:
    """The border crossings of a land line through its stops, and the pairs of stops where
    they break the rule.

    Between two consecutive stops (``places``, the first and last at the line's ends) the line
    must meet the border lines (:mod:`corridors.geo.borders`) not at all if both stops are in
    the same country and once if they are not. The border lines may be up to
    :data:`~corridors.geo.borders.BORDER_TOLERANCE_M` off, so a stop that near a border is a
    *border stop*: crossings that near it are taken to be at it (and its pair of stops may then
    show none); a line that goes over a border and back while staying that near it runs along
    the border (the pair of crossings is dropped); and crossings that near each other along the
    line count once (a corner cut at a tripoint).

    Returns
    -------
    counted : list of (lon, lat, metres along the line)
        The crossings that count.
    wrong : list of (stop, next stop, crossings between them, allowed counts)
        Every pair of consecutive stops whose number of crossings breaks the rule.
    """
    from corridors.geo.borders import (
        BORDER_TOLERANCE_M,
        border_crossings,
        distance_to_border_m,
        stays_near_border,
    )
    from corridors.geo.geodesy import split_line

    on_border = [distance_to_border_m(p.coord) <= BORDER_TOLERANCE_M for p in places]
    pieces = split_line(coords, [p.coord for p in places[1:-1]])
    ends = [0.0]
    for piece in pieces:
        ends.append(ends[-1] + line_length_m(piece))
    crossings = [
        c
        for c in border_crossings(coords)
        if not any(
            near and distance_m((c.lon, c.lat), p.coord) <= BORDER_TOLERANCE_M
            for near, p in zip(on_border, places, strict=True)
        )
    ]
    kept = []
    i = 0
    while i < len(crossings):
        first, then = crossings[i], crossings[i + 1] if i + 1 < len(crossings) else None
        if (
            then is not None
            and then.along_m - first.along_m > BORDER_TOLERANCE_M
            and stays_near_border(coords, first.along_m, then.along_m, margin_m=BORDER_TOLERANCE_M)
        ):
            i += 2  # over the border and back, never farther than the data's margin
            continue
        kept.append(first)
        i += 1
    counted: list[tuple[float, float, float]] = []  # (lon, lat, metres along) per crossing place
    for crossing in kept:
        if counted and crossing.along_m - counted[-1][2] <= BORDER_TOLERANCE_M:
            continue
        counted.append((crossing.lon, crossing.lat, crossing.along_m))
    wrong: list[tuple[Place, Place, list[Any], set[int]]] = []
    for i, (a, b) in enumerate(zip(places[:-1], places[1:], strict=True)):
        here = [
            c
            for c in counted
            if ends[i] <= c[2] < ends[i + 1] or (i == len(pieces) - 1 and c[2] >= ends[i])
        ]
        expected = {0} if a.country == b.country else {1}
        if a.country != b.country and (on_border[i] or on_border[i + 1]):
            expected.add(0)
        if len(here) not in expected:
            wrong.append((a, b, here, expected))
    return counted, wrong


def check_borders(report: CheckReport, atlas: Atlas, corridor: Corridor) -> None:
    """A land line crosses national borders (and the demarcation line) only where it should
    (the rule: :func:`border_crossings_between_stops`). Sea lanes are exempt: maritime borders
    are not in the data."""
    if corridor.mode == "sea":
        return
    places = [atlas.places[stop] for stop in corridor.stops]
    counted, wrong = border_crossings_between_stops(corridor.coords, places)
    data = {
        "crossings": [
            {"lon": round(x, 5), "lat": round(y, 5), "km": round(m / 1000.0, 3)}
            for x, y, m in counted
        ]
    }
    if not wrong:
        report.add(
            corridor.id,
            "border",
            True,
            f"crosses borders only where its stops change country ({len(counted)} crossing(s) "
            "away from border stops)",
            data,
        )
        return
    for a, b, here, expected in wrong:
        between = f"between {a.id} ({a.country}) and {b.id} ({b.country})"
        if here:
            where = ", ".join(f"{x:.3f} E {y:.3f} N (km {m / 1000:,.1f})" for x, y, m in here)
            told = "once" if max(expected) else "not at all"
            message = f"crosses a border {len(here)} time(s) {between}, expected {told}: at {where}"
        else:
            message = f"crosses no border {between}: the line should cross once"
        report.add(corridor.id, "border", False, message, data)


def check_sources(report: CheckReport, atlas: Atlas) -> None:
    """No source twice: two entries with the same URL, or the same title from the same
    publisher (one article read on two mirrors), are one source cited under two ids."""
    seen: dict[tuple[str, ...], str] = {}
    duplicates = 0
    for source in atlas.sources.values():
        keys: list[tuple[str, ...]] = []
        if source.url:
            keys.append(("url", source.url.strip().rstrip("/").casefold()))
        keys.append(("title", source.title.strip().casefold(), (source.publisher or "").casefold()))
        for key in keys:
            first = seen.setdefault(key, source.id)
            if first != source.id:
                duplicates += 1
                report.add(
                    source.id,
                    "sources",
                    False,
                    f"repeats the {key[0]} of source {first}: merge them with "
                    f"'python tools/merge_sources.py {source.id} {first}'",
                )
                break
    if not duplicates:
        report.add("sources", "sources", True, f"{len(atlas.sources)} sources, none twice")


def check_ports(
    report: CheckReport, atlas: Atlas, *, remembered: MutableMapping[str, Any] | None = None
) -> None:
    """Ports, terminals and every sea-lane end must sit at the water's edge, not inland
    (``remembered``: as in :func:`check_atlas`, one unit a place)."""
    sea_ends = {
        end for c in atlas.corridors.values() if c.mode == "sea" for end in (c.start, c.end)
    }
    for place in atlas.places.values():
        if place.kind not in ("port", "terminal") and place.id not in sea_ends:
            continue
        inputs = ["berth", place.id, place.lon, place.lat]
        _unit(report, remembered, inputs, partial(_check_berth, place=place))


def _check_berth(report: CheckReport, place: Place) -> None:
    """Water at the berth, or within 500 m, 1 km or :data:`PORT_WATER_RADIUS_M` all round."""
    import numpy as np

    from corridors.geo.geodesy import wgs84
    from corridors.geo.landmask import is_water

    geod = wgs84()
    azimuths = np.arange(0, 360, 15.0)
    found = False
    for radius in (0.0, 500.0, 1000.0, PORT_WATER_RADIUS_M):
        lons, lats, _ = geod.fwd(
            np.full(azimuths.shape, place.lon),
            np.full(azimuths.shape, place.lat),
            azimuths,
            np.full(azimuths.shape, radius),
        )
        if is_water(lons, lats).any():
            found = True
            break
    report.add(
        place.id,
        "berth",
        found,
        f"water within {radius:,.0f} m"
        if found
        else f"no water within {PORT_WATER_RADIUS_M:,.0f} m: a port must sit at its berth",
    )


def check_shipments(report: CheckReport, network: Network) -> None:
    """Every shipment leg must be routable over corridors of its mode (any status)."""
    from corridors.routing.shipments import routed_legs

    for routed in routed_legs(network):
        leg = routed.leg
        subject = f"{routed.shipment.id} leg {routed.number}"
        if routed.route is None:
            report.add(subject, "shipment", False, f"{leg.start} -> {leg.end}: {routed.error}")
        else:
            report.add(
                subject,
                "shipment",
                True,
                f"{leg.start} -> {leg.end} by {leg.mode}: {routed.route.distance_km:,.1f} km",
            )


def check_zones(
    report: CheckReport, atlas: Atlas, *, remembered: MutableMapping[str, Any] | None = None
) -> None:
    """Each area place (zone): a valid outline (no self-intersection) with its computed km², and
    no corridor stopping at it (a zone is an area, not a node of the network);
    ``remembered``: as in :func:`check_atlas`, one unit a zone."""
    stops = {stop: c.id for c in atlas.corridors.values() for stop in c.stops}
    for place in atlas.places.values():
        if place.area is None:
            continue
        zone, area, stopping = place.id, place.area, stops.get(place.id)
        _unit(
            report,
            remembered,
            ["zone", zone, area, stopping],
            partial(_check_zone, zone=zone, area=area, stopping=stopping),
        )


def _check_zone(report: CheckReport, zone: str, area: Area, stopping: str | None) -> None:
    """One zone: its outline valid, and no corridor (``stopping``: the one found) stops at it."""
    from shapely import MultiPolygon
    from shapely.validation import explain_validity

    from corridors.geo.geodesy import area_km2

    shape = MultiPolygon([(rings[0], list(rings[1:])) for rings in area])
    if not shape.is_valid:
        report.add(zone, "zone", False, f"outline is not valid: {explain_validity(shape)}")
    elif stopping is not None:
        report.add(
            zone,
            "zone",
            False,
            f"corridor {stopping} stops at this zone; a zone is an area, not a stop: "
            "end the line at a place inside it",
        )
    else:
        report.add(zone, "zone", True, f"{area_km2(area):,.1f} km² (computed)")


def check_shipment_tonnes(report: CheckReport, atlas: Atlas) -> None:
    """A shipment's ``tonnes`` equals what its final legs deliver; tonnes flow through stops.

    A published total that differs (a rounded announcement) belongs in ``reported_tonnes`` with
    its ``reported_tonnes_source``, not in ``tonnes``. At a place where legs of the shipment
    both arrive and leave, the tonnes in must equal the tonnes out.
    """
    for shipment in atlas.shipments.values():
        delivered = sum(leg.tonnes for leg in final_legs(shipment))
        problems = []
        if abs(delivered - shipment.tonnes) > TONNES_EPSILON:
            problems.append(
                f"tonnes is {shipment.tonnes:,.0f} t but its final legs deliver {delivered:,.0f} t"
                "; make tonnes the legs' sum and put a published total that differs in "
                "reported_tonnes with reported_tonnes_source"
            )
        arrive = {leg.end for leg in shipment.legs}
        for place in sorted(arrive & {leg.start for leg in shipment.legs}):
            t_in = sum(leg.tonnes for leg in shipment.legs if leg.end == place)
            t_out = sum(leg.tonnes for leg in shipment.legs if leg.start == place)
            if abs(t_in - t_out) > TONNES_EPSILON:
                problems.append(f"{t_in:,.0f} t arrive at {place} but {t_out:,.0f} t leave it")
        data = {
            "tonnes": shipment.tonnes,
            "delivered_tonnes": delivered,
            "reported_tonnes": shipment.reported_tonnes,
            "reported_tonnes_source": shipment.reported_tonnes_source,
        }
        if problems:
            report.add(shipment.id, "tonnes", False, "; ".join(problems), data)
            continue
        message = f"{delivered:,.0f} t delivered, as recorded"
        reported = shipment.reported_tonnes
        if reported is not None and abs(reported - delivered) > TONNES_EPSILON:
            message += (
                f"; reported {reported:,.0f} t ({shipment.reported_tonnes_source}), "
                f"{reported - delivered:+,.0f} t"
            )
        report.add(shipment.id, "tonnes", True, message, data)


SEA_DISTANCE_TOLERANCE = 0.08
"""Published figure between the same two ports: the router's lanes are taut (1-5 % shorter
than Pub. 151's traffic routes) and the atlas berths sit a few nm from Pub. 151's port
positions."""
SEA_PROXY_TOLERANCE = 0.25
"""Published figure for nearby ports standing in (Nakhodka for Vostochny, Yeosu for
Gwangyang, ...): the ports themselves differ by tens of nm."""


def check_sea_distances(
    report: CheckReport,
    network: Network,
    *,
    tolerance: float = SEA_DISTANCE_TOLERANCE,
    proxy_tolerance: float = SEA_PROXY_TOLERANCE,
) -> None:
    """Every sea-port pair's computed sea distance, against the published one where known.

    Reports each pair of sea ports (:func:`~corridors.network.seatable.sea_ports`) with the
    distance the regional sea router computes between them (the open-sea table for pairs
    without a named lane, the router for the others), compared with ``sea_distances.json``
    where it has the pair; fails when the two differ by more than ``tolerance`` (a fraction;
    ``proxy_tolerance`` for proxy figures, an entry's own ``tolerance`` if it has one), when
    a published pair has no computed distance, and when a sea port cannot reach the sea.
    """
    from corridors.atlas.sea_distances import load_sea_distances
    from corridors.geo.geodesy import km_to_nmi
    from corridors.network.seatable import sea_lanes_between, sea_ports

    atlas = network.atlas
    published = {frozenset((d.start, d.end)): d for d in load_sea_distances(atlas)}
    table = network.index.sea_table
    for port, reason in sorted(table.problems.items()):
        report.add(port or "open sea", "sea_distance", False, reason)
    computed_nm = {
        frozenset((start, end)): km_to_nmi(metres / 1000.0)
        for start, end, metres, _ in table.lanes()
    }
    ports = sea_ports(atlas)
    missing = [
        (i, j)
        for i in range(len(ports))
        for j in range(i + 1, len(ports))
        if frozenset((ports[i], ports[j])) not in computed_nm
    ]
    if missing and "" not in table.problems:
        found = sea_lanes_between(atlas, missing)
        for port, reason in sorted(found.problems.items()):
            if port not in table.problems:
                report.add(port, "sea_distance", False, reason)
        for start, end, metres, _ in found.lanes():
            computed_nm[frozenset((start, end))] = km_to_nmi(metres / 1000.0)
    for pair in sorted(computed_nm, key=sorted):
        a, b = sorted(pair)
        nm = computed_nm[pair]
        entry = published.get(pair)
        if entry is None:
            report.add(f"{a}-{b}", "sea_distance", True, f"sea {nm:,.1f} nm (no published figure)")
            continue
        limit = entry.tolerance or (proxy_tolerance if entry.proxy else tolerance)
        off = nm / entry.nm - 1.0
        kind = "proxy " if entry.proxy else ""
        message = (
            f"sea {nm:,.1f} nm, published {entry.nm:,.0f} nm ({kind}{entry.published_pair}, "
            f"{entry.source}): {off:+.1%}"
        )
        if abs(off) > limit:
            message += f", more than {limit:.0%} apart; check the ports' positions or the figure"
        report.add(f"{a}-{b}", "sea_distance", abs(off) <= limit, message)
    for pair, entry in published.items():
        if pair not in computed_nm:
            report.add(
                f"{entry.start}-{entry.end}",
                "sea_distance",
                False,
                f"published {entry.nm:,.0f} nm but no sea distance was computed: both places "
                "must be sea ports that reach the sea",
            )
