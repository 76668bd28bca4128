"""Drawn lines against published lengths: every corridor that carries one, and the DPRK trunk
lines routed end to end over the shipped atlas.

Every figure below is a published one (or the difference of two published km posts), with
its source id in geo/sources.json; none is read back from our own lines. The tolerance is the
5 % of issue 10.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corridors.atlas.model import Atlas
from corridors.atlas.read import load_atlas
from corridors.check import SCHEMATIC_MIN_SHARE
from corridors.geo.geodesy import line_length_m
from corridors.network.index import Network
from corridors.network.load import load_network
from corridors.routing.route import Route, route

REPO = Path(__file__).resolve().parents[1]
TOLERANCE = 0.05

# Published figures (km), each with its source id.
KHASAN_RAJIN_KM = 54.0  # ruwiki-khasan-station, railwaygazette-2013
PYONGYANG_KOWON_KM = 223.7  # jawiki-kowon-station: Kowon at km 223.7 from Pyongyang
PYONGYANG_RAJIN_KM = 801.9  # jawiki-rajin-station: Rajin at km 801.9 from Pyongyang
KOWON_RAJIN_KM = PYONGYANG_RAJIN_KM - PYONGYANG_KOWON_KM  # 578.2, derived from the two
KOWON_RAJIN_ISSUE_KM = 557.0  # issue 10 (no source found: probably an OSM track length)
PYONGYANG_KAESONG_KM = 187.3  # wiki-pyongbu-line (line length; Kaesong 186.5 derived)
KOWON_PYONGGANG_KM = 145.8  # wiki-kangwon-line
KOWON_WONSAN_KM = 42.0  # wiki-kangwon-line: Wonsan at km 42.0 from Kowon
KOWON_ANBYON_KM = 57.7  # wiki-kangwon-line: Anbyon at km 57.7 from Kowon
ANBYON_KUMGANGSAN_KM = 101.0  # wiki-kumgangsan-line: the part in regular use


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(REPO / "geo", use_cache=False)


def published(atlas: Atlas) -> list[str]:
    return sorted(c.id for c in atlas.corridors.values() if c.reported_length_km)


@pytest.mark.parametrize("corridor_id", published(load_atlas(REPO / "geo")))
def test_corridor_is_within_5_percent_of_its_published_length(network, corridor_id) -> None:
    corridor = network.atlas.corridors[corridor_id]
    drawn_km = line_length_m(corridor.coords) / 1000.0
    assert corridor.reported_length_km is not None
    if corridor.attributes.get("schematic") is True:
        # straight chords between cited stations: routed at the published length
        routed = network.index.corridor_lengths_km()[corridor_id]
        assert routed == pytest.approx(corridor.reported_length_km, rel=1e-9), corridor_id
        assert SCHEMATIC_MIN_SHARE * corridor.reported_length_km <= drawn_km, corridor_id
        return
    assert drawn_km == pytest.approx(corridor.reported_length_km, rel=TOLERANCE), corridor_id


def test_the_dprk_trunk_lines_carry_their_published_lengths(network) -> None:
    """The trunk lines with a published length say so (so the generic test above covers them)."""
    expected = {
        "pyongra_pyongyang_kowon": PYONGYANG_KOWON_KM,
        "pyongbu_pyongyang_kaesong": PYONGYANG_KAESONG_KM,
        "kangwon_kowon_pyonggang": KOWON_PYONGGANG_KM,
        "khasan_rajin": KHASAN_RAJIN_KM,
    }
    got = {cid: network.atlas.corridors[cid].reported_length_km for cid in expected}
    assert got == expected
    assert set(expected) <= set(published(network.atlas))


def rail(network: Network, origin: str, destination: str, **options: bool) -> Route:
    return route(network, origin, destination, modes=["rail"], **options)


def route_places(network: Network, result: Route) -> set[str]:
    """Every place a route touches: leg ends, and the ends and via places of its corridors."""
    places = {p for leg in result.legs for p in (leg.start, leg.end)}
    for leg in result.legs:
        corridor = network.atlas.corridors[leg.corridor]
        places |= {corridor.start, corridor.end, *corridor.via}
    return places


@pytest.mark.parametrize("destination", ["Rajin station", "Rajin port"])
def test_khasan_rajin_by_rail_is_54_km(network, destination) -> None:
    result = rail(network, "Khasan", destination)
    assert [leg.corridor for leg in result.legs] == ["khasan_rajin"]
    assert result.distance_km == pytest.approx(KHASAN_RAJIN_KM, rel=TOLERANCE)


@pytest.mark.parametrize("published_km", [KOWON_RAJIN_KM, KOWON_RAJIN_ISSUE_KM])
def test_kowon_rajin_follows_the_pyongra_line(network, published_km) -> None:
    result = rail(network, "Kowon", "Rajin station", include_proposed=True)
    assert result.distance_km == pytest.approx(published_km, rel=TOLERANCE)
    assert {"kimchaek", "hamhung", "chongjin"} <= route_places(network, result)


def test_pyongyang_rajin_is_the_whole_pyongra_line(network) -> None:
    result = rail(network, "Pyongyang", "Rajin station", include_proposed=True)
    assert result.distance_km == pytest.approx(PYONGYANG_RAJIN_KM, rel=TOLERANCE)
    assert "kowon" in route_places(network, result)


def test_pyongyang_kaesong_follows_the_pyongbu_line(network) -> None:
    result = rail(network, "Pyongyang", "Kaesong", include_proposed=True)
    assert result.distance_km == pytest.approx(PYONGYANG_KAESONG_KM, rel=TOLERANCE)
    assert {"hwangju", "pongsan"} <= route_places(network, result)


def test_pyongyang_kowon_is_the_missing_link(network) -> None:
    """Operating: found without `include_proposed`, via Sunchon, not straight (139 km)."""
    result = rail(network, "Pyongyang", "Kowon")
    assert result.distance_km == pytest.approx(PYONGYANG_KOWON_KM, rel=TOLERANCE)
    assert "sunchon" in route_places(network, result)


def test_kowon_pyonggang_is_the_kangwon_line(network) -> None:
    result = rail(network, "Kowon", "Pyonggang")
    assert result.distance_km == pytest.approx(KOWON_PYONGGANG_KM, rel=TOLERANCE)
    assert {"wonsan", "anbyon", "kosan"} <= route_places(network, result)


def test_pyongyang_wonsan_stays_in_the_dprk(network) -> None:
    """Not through Seoul across the DMZ twice (424 km before issue 10): Pyongra to Kowon, then
    the Kangwon line to Wonsan."""
    result = rail(network, "Pyongyang", "Wonsan")
    countries = {network.atlas.places[p].country for p in route_places(network, result)}
    assert countries == {"PRK"}
    assert result.distance_km == pytest.approx(PYONGYANG_KOWON_KM + KOWON_WONSAN_KM, rel=TOLERANCE)


def test_kumgangsan_line_in_regular_use_routes_by_default(network) -> None:
    """Kowon - Anbyon (Kangwon line) - Kumgangsan Chongnyon, where regular service ends."""
    result = rail(network, "Kowon", "Kumgangsan")
    assert [leg.corridor for leg in result.legs] == [
        "kangwon_kowon_pyonggang",
        "tkr_anbyon_kumgangsan",
    ]
    assert result.distance_km == pytest.approx(
        KOWON_ANBYON_KM + ANBYON_KUMGANGSAN_KM, rel=TOLERANCE
    )


def test_kowon_is_a_junction_and_no_dprk_section_is_drawn_twice(network) -> None:
    """Kowon ends the Pyongra sections on both sides and starts the Kangwon line; Wonsan is a
    station on the Kangwon line, not the end of a Pyongra corridor."""
    corridors = [c for c in network.atlas.corridors.values() if c.mode == "rail"]
    at_kowon = {c.id for c in corridors if "kowon" in (c.start, c.end)}
    assert at_kowon == {"pyongra_pyongyang_kowon", "tkr_hamhung_kowon", "kangwon_kowon_pyonggang"}
    through_wonsan = [c.id for c in corridors if "wonsan" in (c.start, c.end, *c.via)]
    assert through_wonsan == ["kangwon_kowon_pyonggang"]
    through_anbyon = sorted(c.id for c in corridors if "anbyon" in (c.start, c.end, *c.via))
    assert through_anbyon == ["kangwon_kowon_pyonggang", "tkr_anbyon_kumgangsan"]
