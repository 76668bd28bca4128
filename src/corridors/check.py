"""``corridors check``: is the atlas geographically honest?

Per corridor: computed (geodesic) length against the published one (flagged when more than
10 % apart), sea lanes that touch land, land corridors that cross open sea, and line ends or
``via`` places farther than the tolerance from their places. Per port: the berth must be near
water. Per shipment leg: the graph must join its places in its mode.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corridors.atlas.model import Atlas, Corridor
from corridors.geo.geodesy import distance_m, line_length_m, nearest_on_line
from corridors.network.index import Network, build_index

LENGTH_TOLERANCE = 0.10
PORT_WATER_RADIUS_M = 1500.0


@dataclass(frozen=True)
class Finding:
    """One checked fact: ``ok`` false makes the atlas unclean."""

    subject: str
    check: str
    ok: bool
    message: str


@dataclass
class CheckReport:
    """All findings, in the order they were made."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if not f.ok]

    @property
    def clean(self) -> bool:
        return not self.problems

    def add(self, subject: str, check: str, ok: bool, message: str) -> None:
        self.findings.append(Finding(subject, check, ok, message))

    def lines(self) -> list[str]:
        return [f"{'ok  ' if f.ok else 'FAIL'} {f.subject}: {f.message}" for f in self.findings]

    def to_dict(self) -> dict[str, object]:
        return {
            "clean": self.clean,
            "findings": [
                {"subject": f.subject, "check": f.check, "ok": f.ok, "message": f.message}
                for f in self.findings
            ],
        }


def check_atlas(
    atlas: Atlas, *, tolerance_m: float = 2000.0, network: Network | None = None
) -> CheckReport:
    """Run every check over a (schema-valid) atlas.

    ``network``: the atlas's already-built routing index, to route the shipment legs without
    building it again (as the command line has it loaded anyway).
    """
    report = CheckReport()
    for corridor in atlas.corridors.values():
        check_length(report, corridor)
        check_ends(report, atlas, corridor, tolerance_m=tolerance_m)
        check_land_and_sea(report, corridor)
    check_ports(report, atlas)
    network = network or Network(atlas, build_index(atlas=atlas))
    check_shipments(report, network)
    check_sea_distances(report, network)
    return report


def check_length(report: CheckReport, corridor: Corridor) -> None:
    computed = line_length_m(corridor.coords) / 1000.0
    if corridor.reported_length_km is None:
        report.add(corridor.id, "length", True, f"{computed:,.1f} km (no published length)")
        return
    published = corridor.reported_length_km
    gap = (computed - published) / published
    ok = abs(gap) <= LENGTH_TOLERANCE
    report.add(
        corridor.id,
        "length",
        ok,
        f"{computed:,.1f} km computed vs {published:,.1f} km published ({gap:+.1%})"
        + ("" if ok else f", more than {LENGTH_TOLERANCE:.0%} apart"),
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


def check_ports(report: CheckReport, atlas: Atlas) -> None:
    """Ports, terminals and every sea-lane end must sit at the water's edge, not inland."""
    import numpy as np

    from corridors.geo.geodesy import wgs84
    from corridors.geo.landmask import is_water

    geod = wgs84()
    sea_ends = {
        end for c in atlas.corridors.values() if c.mode == "sea" for end in (c.start, c.end)
    }
    for place in atlas.places.values():
        if place.kind not in ("port", "terminal") and place.id not in sea_ends:
            continue
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
    from corridors.geo.geodesy import km_to_nmi, lines_lengths_m
    from corridors.geo.searouting import sea_lanes
    from corridors.network.seatable import sea_ports

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
        found = sea_lanes([atlas.places[p].coord for p in ports], missing)
        for i, reason in found.problems.items():
            if ports[i] not in table.problems:
                report.add(ports[i], "sea_distance", False, reason)
        pairs = sorted(found.lines)
        lengths = lines_lengths_m([found.lines[pair] for pair in pairs])
        for (i, j), metres in zip(pairs, lengths, strict=True):
            computed_nm[frozenset((ports[i], ports[j]))] = km_to_nmi(metres / 1000.0)
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
