"""No route crosses the demarcation line (or any land border) except along a corridor that is
meant to cross it: every pair of places of the shipped atlas, routed over every status (rail
and sea), leg by leg against the border lines the maps draw (issue 10, "Done when")."""

from __future__ import annotations

import itertools

import pytest

import corridors
from corridors.check import border_crossings_between_stops
from corridors.errors import NoRouteError
from corridors.network.index import Network
from corridors.network.load import load_network


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(use_cache=False, quiet=True)


def test_every_route_crosses_borders_only_where_its_leg_changes_country(network: Network) -> None:
    atlas = network.atlas
    routable = sorted(p for p in atlas.places if network.nodes_of(p, {"rail", "sea"}))
    assert len(routable) > 40
    seen: dict[tuple[str, str, str], int] = {}
    mdl_legs = set()
    routes = 0
    for origin, destination in itertools.combinations(routable, 2):
        try:
            trip = corridors.route(
                network, origin, destination, include_proposed=True, include_closed=True
            )
        except NoRouteError:
            continue
        routes += 1
        for leg in trip.legs:
            if leg.mode != "rail":
                continue  # sea lanes: maritime borders are not in the data
            key = (leg.corridor, leg.start, leg.end)
            if key not in seen:
                stops = atlas.corridors[leg.corridor].stops  # the leg passes those between
                i, j = stops.index(leg.start), stops.index(leg.end)
                passed = stops[i : j + 1] if i < j else stops[j : i + 1][::-1]
                ends = [atlas.places[leg.start], atlas.places[leg.end]]
                counted, wrong = border_crossings_between_stops(
                    leg.coords, [atlas.places[stop] for stop in passed]
                )
                assert wrong == [], (key, counted)
                seen[key] = len(counted)
                if {ends[0].country, ends[1].country} == {"PRK", "KOR"}:
                    mdl_legs.add(leg.corridor)
    assert routes > 1000
    # The only corridors a route may cross the demarcation line on: the relinked Gyeongui and
    # Donghae lines and the DMZ gap of the Gyeongwon line (all closed today).
    assert mdl_legs <= {
        "gyeongui_kaesong_dorasan",
        "tkr_kumgangsan_jejin",
        "gyeongwon_pyonggang_baengmagoji",
    }, mdl_legs
    assert mdl_legs  # routes over every status do cross it somewhere


def test_seoul_busan_by_rail_stays_in_the_rok(network: Network) -> None:
    trip = corridors.route(network, "Seoul", "Busan", modes=["rail"])
    countries = {network.atlas.places[p].country for leg in trip.legs for p in (leg.start, leg.end)}
    assert countries == {"KOR"}
