"""The shipped atlas: published figures come out of the graph, and it passes its own check.

Reference sea distances are the US NGA "Distances Between Ports" (Pub. 151) table, measured
by the router between the positions that table gives for its ports, and the one published
Rajin - Busan figure (source ids refer to geo/sources.json).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_runner import corridors_cli

from corridors.geo.geodesy import km_to_nmi, line_length_m
from corridors.network.load import load_network
from corridors.paths import bundled_atlas_dir
from corridors.routing.route import route
from corridors.routing.table import ROUTE_TABLE

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def network():
    return load_network(REPO / "geo", use_cache=False)


def dms(d: float, m: float, s: float = 0.0) -> float:
    return d + m / 60 + s / 3600


# Pub. 151 port positions (lon, lat) as printed in the table, and its distances (nmi).
PUB151_PORTS = {
    "Rajin": (dms(130, 18), dms(42, 14)),
    "Unggi": (dms(130, 24, 45), dms(42, 19)),
    "Ulsan": (dms(129, 24), dms(35, 28)),
    "Yeosu": (dms(127, 45, 30), dms(34, 45)),
    "Busan": (dms(129, 3), dms(35, 6)),
    "Nakhodka": (dms(132, 53, 52), dms(42, 49, 7)),
    "Vladivostok": (dms(131, 53), dms(43, 6, 30)),
}
PUB151_NMI = [
    ("Rajin", "Ulsan", 418),
    ("Rajin", "Yeosu", 535),
    ("Unggi", "Busan", 452),
    ("Nakhodka", "Busan", 508),
    ("Vladivostok", "Busan", 514),
    ("Vladivostok", "Ulsan", 486),
]


def test_bundled_atlas_is_the_repository_geo() -> None:
    assert bundled_atlas_dir().resolve() == (REPO / "geo").resolve()


def test_khasan_rajin_rail_matches_published_54_km(network) -> None:
    result = route(network, "Khasan", "Rajin", modes=["rail"])
    assert result.legs[0].mode == "rail"
    assert result.distance_km == pytest.approx(54.0, rel=0.05)


def test_names_from_the_article_resolve(network) -> None:
    for name, place in [
        ("Tumen", "tumangang"),
        ("Boren", "boryeong"),
        ("Najin", "rajin_port"),
        ("hasan", "khasan"),
    ]:
        result = route(network, name, "Pohang", include_proposed=True)
        assert result.origin == place or name.lower() == "boren"
    assert route(network, "Rajin", "Boren", modes=["sea"], include_proposed=True).destination == (
        "boryeong"
    )


@pytest.mark.parametrize(("a", "b", "nmi"), PUB151_NMI, ids=[f"{a}-{b}" for a, b, _ in PUB151_NMI])
def test_router_matches_pub151_standard_distances(a: str, b: str, nmi: float) -> None:
    from corridors.geo.searouting import route_sea

    lane = route_sea(PUB151_PORTS[a], PUB151_PORTS[b])
    measured = km_to_nmi(line_length_m(lane) / 1000)
    assert measured == pytest.approx(nmi, rel=0.10)


def test_rajin_busan_new_port_lane_against_published_figures(network) -> None:
    """The container trial's lane ends at Busan New Port (not the North Port). Pub. 151 gives
    Unggi - Busan 452 nmi (Unggi lies ~8 nmi north-east of Rajin, the New Port ~12 nmi west of
    the table's Busan position, so the two offsets roughly cancel); the press figure of 415 nmi
    (kmib-2015-07-01) is a rounded one for Busan port in general."""
    result = route(network, "Rajin", "Busan New Port", modes=["sea"], include_proposed=True)
    assert [leg.corridor for leg in result.legs] == ["sea_rajin_busan"]
    assert result.destination == "busan_new_port"
    assert result.distance_nmi == pytest.approx(452, rel=0.05)
    assert result.distance_nmi == pytest.approx(415, rel=0.10)


# Rajin lanes without a published figure of their own, against the nearest standard-table
# figure (Pub. 151): Gwangyang Works lies in the bay behind Yeosu; Pohang lies on the way from
# Rajin to Ulsan, about 35 nmi short of it; Boryeong and Dangjin lie north of Gunsan, which
# Pub. 151 reaches from Rajin as Rajin - Yeosu (535) + Yeosu - Gunsan (245) = 780 nmi.
RAJIN_PROXIES = [
    ("gwangyang", 535, 0.10),
    ("pohang", 418 - 35, 0.10),
    ("boryeong", 780, 0.10),
    ("dangjin", 780, 0.10),
]


@pytest.mark.parametrize(
    ("port", "nmi", "rel"), RAJIN_PROXIES, ids=[p for p, _, _ in RAJIN_PROXIES]
)
def test_rajin_lanes_match_standard_distances(network, port: str, nmi: float, rel: float) -> None:
    result = route(network, "Rajin", port, modes=["sea"], include_proposed=True)
    assert result.distance_nmi == pytest.approx(nmi, rel=rel)


def test_every_shipment_leg_routes(network) -> None:
    assert network.atlas.shipments, "the atlas must carry the article's shipments"
    for shipment in network.atlas.shipments.values():
        for leg in shipment.legs:
            route(network, leg.start, leg.end, modes=[leg.mode], include_proposed=True)


def test_shipped_atlas_passes_check(tmp_path: Path) -> None:
    """Clean with the 5 % length tolerance and every check (borders, tonnes, zones)."""
    done = corridors_cli("check", "--json", cache=tmp_path)  # no --atlas: the bundled one
    report = json.loads(done.stdout)
    problems = [f"{f['subject']}: {f['message']}" for f in report["findings"] if not f["ok"]]
    assert problems == [] and done.stderr == "" and done.returncode == 0


README_COLUMNS = ["from", "to", "modes", "km", "sea nmi", "published km", "statuses used"]
TABLE_COLUMNS = ["from", "to", "modes", "km", "sea nmi", "published km", "statuses"]


def readme_route_table() -> list[list[str]]:
    """The rows of the Markdown table in README.md's "## The route table" section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## The route table\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    header, rule, *rows = ([cell.strip() for cell in line.strip("|").split("|")] for line in lines)
    assert header == README_COLUMNS
    assert all(re.fullmatch(r"-+:?", cell) for cell in rule), rule
    return rows


def printed_route_table(output: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the table ``corridors table`` prints (rich box characters)."""
    cells = [
        [cell.strip() for cell in line.strip().strip("┃│").split(line.strip()[0])]
        for line in output.splitlines()
        if line.strip()[:1] in ("┃", "│")
    ]
    return cells[0], cells[1:]


def test_readme_route_table_is_what_corridors_table_prints(tmp_path: Path) -> None:
    """The README's headline numbers: every row, every cell, as `corridors table` prints them
    on the shipped atlas, and the same numbers in its JSON."""
    readme = readme_route_table()
    assert len(readme) == len(ROUTE_TABLE)  # every journey of the table, none dropped
    printed = corridors_cli("table", cache=tmp_path, env={"COLUMNS": "250"})
    assert printed.returncode == 0 and printed.stderr == "", printed.stderr
    header, rows = printed_route_table(printed.stdout)
    assert header == TABLE_COLUMNS
    assert rows == readme
    as_json = corridors_cli("table", "--json", cache=tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    records = json.loads(as_json.stdout)
    assert len(records) == len(readme)
    for record, row in zip(records, readme, strict=True):
        origin, destination, modes, km, nmi, published, statuses = row
        assert [record["from"], record["to"], record["modes"]] == [origin, destination, modes]
        assert f"{record['distance_km']:,.1f}" == km
        sea = record["sea_nmi"]
        assert ("" if sea is None else f"{sea:,.1f}") == nmi
        assert (sea is not None) == ("sea" in modes)
        reported = record["reported_km"]
        assert ("" if reported is None else f"{reported:,.1f}") == published
        assert ", ".join(record["statuses"]) == statuses


def test_every_fact_cites_a_source(network) -> None:
    atlas = network.atlas
    assert all(p.sources for p in atlas.places.values())
    assert all(c.sources for c in atlas.corridors.values())
    assert all(s.sources for s in atlas.shipments.values())
    assert "cherkashin2015" in atlas.sources
    assert all(f"cherkashin2015-fn{n}" in atlas.sources for n in range(1, 16))


# --- the shipments as reported (research/links-and-shipments.md section 3) ---------------------


def test_container_trial_landed_at_busan_new_port(network) -> None:
    """Dec 2015: NEW GLOBAL entered Busan New Port (Nocut), ~27 km west of the North Port."""
    from corridors.geo.geodesy import distance_m
    from corridors.routing.shipments import route_leg

    atlas = network.atlas
    (leg,) = atlas.shipments["containers-2015-pilot3"].legs
    assert (leg.start, leg.end, leg.mode, leg.tonnes) == (
        "rajin_port",
        "busan_new_port",
        "sea",
        170,
    )
    assert "10,000 t container ship" in (leg.ship or "") and "6,600" in (leg.note or "")
    assert distance_m(atlas.places["busan_new_port"].coord, atlas.places["busan"].coord) > 20_000
    lane = atlas.corridors["sea_rajin_busan"]
    assert (lane.start, lane.end) == ("rajin_port", "busan_new_port")
    assert [step.corridor for step in route_leg(network, leg).legs] == ["sea_rajin_busan"]


def test_nov_2015_coal_went_to_gwangyang_and_pohang_as_reported(network) -> None:
    legs = [
        (leg.end, leg.tonnes, leg.end_date)
        for leg in network.atlas.shipments["coal-2015-pilot3"].legs
        if leg.mode == "sea"
    ]
    assert legs == [
        ("gwangyang", 45_000, "2015-11-20"),
        ("pohang", 39_500, "2015-11-24"),
        ("pohang", 35_500, "2015-11-30"),
    ]
    estimate = network.atlas.shipments["coal-2015-pilot3"].legs[-1]
    assert (estimate.note or "").startswith("ESTIMATED")


def test_shipment_totals_equal_their_legs_everywhere(tmp_path: Path, network) -> None:
    """Each total is what its final legs deliver (a differing announced figure is kept with
    its source), and the list and the map show one and the same grand total."""
    from corridors.atlas.model import final_legs, total_tonnes
    from corridors.maps.features import fmt_tonnes
    from corridors.maps.shipments_map import destination_totals

    shipments = network.atlas.shipments
    for shipment in shipments.values():
        assert shipment.tonnes == sum(leg.tonnes for leg in final_legs(shipment)), shipment.id
    pilot2 = shipments["coal-2015-pilot2"]
    assert (pilot2.tonnes, pilot2.reported_tonnes) == (137_000, 140_000)
    assert pilot2.reported_tonnes_source in network.atlas.sources

    total = total_tonnes(shipments.values())
    assert total == sum(t for _, t, _ in destination_totals(network.atlas))
    listed = corridors_cli("list", "shipments", cache=tmp_path, env={"COLUMNS": "250"})
    plural = "s" if len(shipments) != 1 else ""
    assert (
        listed.stdout.splitlines()[-1]
        == f"total: {total:,.0f} t in {len(shipments)} shipment{plural}"
    )
    records = json.loads(corridors_cli("list", "shipments", "--json", cache=tmp_path).stdout)
    assert sum(r["tonnes"] for r in records) == total
    shipments_map = (REPO / "maps" / "shipments.html").read_text(encoding="utf-8")
    assert fmt_tonnes(total) in shipments_map
