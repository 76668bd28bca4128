"""Open sea between any two ports (issue 10, item 4): the shipped atlas's sea ports are joined
directly, named lanes keep their own pairs, the table is cached, and published distances are
checked."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from cli_runner import corridors_cli

import corridors
from corridors.atlas.read import load_atlas
from corridors.atlas.sea_distances import SEA_DISTANCES_FILE, load_sea_distances
from corridors.check import check_atlas
from corridors.errors import AtlasError
from corridors.geo.geodesy import distance_m, km_to_nmi
from corridors.geo.searouting import route_sea, sea_lane_land_runs, sea_lanes
from corridors.network import cache as netcache
from corridors.network.columnfile import ColumnFileError
from corridors.network.index import Network, build_index
from corridors.network.load import load_network
from corridors.network.seatable import (
    OPEN_SEA,
    build_sea_table,
    closed_sea,
    named_lane_pairs,
    sea_ports,
)
from corridors.paths import bundled_atlas_dir

NM = 1.852


@pytest.fixture(scope="module")
def network() -> Network:
    return load_network(use_cache=False, quiet=True)


def _published(network: Network, a: str, b: str) -> float:
    for entry in load_sea_distances(network.atlas):
        if {entry.start, entry.end} == {a, b}:
            return entry.nm
    raise AssertionError(f"no published figure for {a} - {b}")


def test_pohang_gwangyang_is_one_coastal_voyage(network: Network) -> None:
    trip = corridors.route(network, "Pohang", "Gwangyang")
    assert [(leg.start, leg.end) for leg in trip.legs] == [("pohang", "gwangyang")]
    (leg,) = trip.legs
    assert leg.open_sea and leg.corridor == OPEN_SEA and leg.status == "operating"
    # Pub. 151 Busan - Yeosu (for Gwangyang) plus Pohang - Busan, which Pub. 151 lacks: its
    # straight line is a lower bound of the coastal voyage.
    places = network.atlas.places
    pohang_busan_nm = distance_m(places["pohang"].coord, places["busan"].coord) / 1000 / NM
    expected = _published(network, "busan", "gwangyang") + pohang_busan_nm
    assert 0.85 * expected <= trip.distance_nmi <= 1.15 * expected
    assert trip.distance_km < 0.25 * 1894.7  # the old route went via Vostochny in Russia


def test_dangjin_boryeong_is_direct(network: Network) -> None:
    trip = corridors.route(network, "Dangjin", "Boryeong", include_proposed=True)
    assert [(leg.start, leg.end, leg.open_sea) for leg in trip.legs] == [
        ("dangjin", "boryeong", True)
    ]
    assert 45 <= trip.distance_nmi <= 70  # around the Taean peninsula; 2,826 km before


def test_matrix_rajin_vostochny_is_direct_not_via_pohang(network: Network) -> None:
    matrix = corridors.distance_matrix(network, ["Rajin", "Vostochny", "Pohang"], quiet=True)
    direct = corridors.route(network, "Rajin", "Vostochny")
    assert [leg.end for leg in direct.legs] == ["vostochny"] and direct.legs[0].open_sea
    assert matrix.values[0][1] == pytest.approx(direct.distance_km)
    assert matrix.values[0][1] < matrix.values[0][2]  # nearer than Pohang, let alone via it


def test_khasan_pohang_keeps_the_named_rajin_lane(network: Network) -> None:
    trip = corridors.route(network, "Khasan", "Pohang", include_proposed=True)
    assert trip.edge_corridors == ("khasan_rajin", "sea_rajin_pohang")
    assert not any(leg.open_sea for leg in trip.legs)
    assert trip.legs[-1].status == "suspended"


def test_named_pairs_have_no_open_sea_edge_and_every_other_pair_one(network: Network) -> None:
    atlas, index = network.atlas, network.index
    ports = sea_ports(atlas)
    assert {"rajin_port", "vostochny", "pohang", "busan", "gwangyang", "dangjin"} <= set(ports)
    named = named_lane_pairs(atlas)
    open_pairs = [
        frozenset((index.edge_start[e], index.edge_end[e]))
        for e in range(index.edge_count)
        if index.is_open_sea(e)
    ]
    assert len(open_pairs) == len(set(open_pairs))
    expected = {
        frozenset((a, b))
        for a in ports
        for b in ports
        if a < b and frozenset((a, b)) not in named and not closed_sea(atlas, a, b)
    }
    assert set(open_pairs) == expected
    assert frozenset(("rajin_port", "pohang")) in named
    for e in range(index.edge_count):
        if index.is_open_sea(e):
            assert index.edge_mode[e] == "sea" and index.edge_status[e] == "operating"
            assert index.edge_corridor[e] is None


def test_every_named_lane_is_still_the_route_between_its_ends(network: Network) -> None:
    for corridor in network.atlas.corridors.values():
        if corridor.mode == "sea":
            trip = corridors.route(
                network, corridor.start, corridor.end, modes=["sea"], include_proposed=True
            )
            assert trip.edge_corridors == (corridor.id,), corridor.id


def test_open_sea_lanes_stay_at_sea_and_end_at_the_ports(network: Network) -> None:
    places = network.atlas.places
    table = network.index.sea_table
    assert len(table) > 0 and table.problems == {}
    for start, end, metres, coords in table.lanes():
        assert coords[0] == places[start].coord and coords[-1] == places[end].coord
        assert sea_lane_land_runs(coords) == [], (start, end)
        assert metres >= distance_m(coords[0], coords[-1])


def test_one_search_per_port_gives_route_sea_lines() -> None:
    atlas = load_atlas()
    points = [atlas.places[p].coord for p in ("pohang", "gwangyang", "dangjin", "boryeong")]
    found = sea_lanes(points, [(0, 1), (2, 3), (0, 3)])
    assert sorted(found.lines) == [(0, 1), (0, 3), (2, 3)]
    for i, j in found.lines:
        assert found.lines[i, j] == route_sea(points[i], points[j])
    outside = sea_lanes([points[0], (100.0, 10.0)])
    assert outside.lines == {} and "outside the sea-routing region" in outside.problems[1]
    with pytest.raises(ValueError, match="0 <= i < j"):
        sea_lanes(points, [(1, 0)])


def test_an_atlas_whose_ports_all_have_lanes_routes_nothing(
    atlas: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the sea router ran")

    monkeypatch.setattr("corridors.geo.searouting._grid", refuse)
    table = build_sea_table(load_atlas(atlas))
    assert len(table) == 0 and table.problems == {}


def test_open_sea_leg_is_marked_in_json_and_text(cache: Path) -> None:
    done = corridors_cli("route", "Pohang", "Gwangyang", "--json", cache=cache)
    assert done.returncode == 0, done.stderr
    (leg,) = json.loads(done.stdout)["legs"]
    assert leg["open_sea"] is True and leg["corridor"] == OPEN_SEA
    named = corridors_cli("route", "Khasan", "Pohang", "--include-proposed", "--json", cache=cache)
    assert [leg["open_sea"] for leg in json.loads(named.stdout)["legs"]] == [False, False]
    text = corridors_cli("route", "Pohang", "Gwangyang", cache=cache)
    assert text.returncode == 0 and OPEN_SEA in text.stdout


def test_route_map_draws_an_open_sea_leg_along_its_lane(network: Network) -> None:
    from corridors.maps.features import clean_line
    from corridors.maps.route_map import _leg_feature

    trip = corridors.route(network, "Pohang", "Gwangyang")
    feature = _leg_feature(network, trip, 1, trip.legs[0])
    drawn = feature["geometry"]["coordinates"]
    assert len(drawn) > 2 and drawn == clean_line(trip.legs[0].coords)
    assert feature["properties"]["popup"]["title"] == OPEN_SEA


def test_cache_round_trips_the_sea_table(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(cache))
    built = load_network(quiet=True)
    events: list[str] = []
    read = load_network(quiet=True, on_cache_event=events.append)
    assert events == []  # read from the cache
    assert read.index.sea_table == built.index.sea_table and len(read.index.sea_table) > 0
    trip = corridors.route(read, "Pohang", "Gwangyang")
    assert trip.legs[0].open_sea
    assert trip.legs[0].coords == corridors.route(built, "Pohang", "Gwangyang").legs[0].coords


def _reencoded(network: Network, **changes: object) -> bytes:
    table = replace(network.index.sea_table, **changes)
    index = replace(network.index, sea_table=table)
    chunks = netcache.encode_network(Network(network.atlas, index), root=network.atlas.root)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "changes",
    [
        {"start": [99]},
        {"end": [0]},
        {"length_m": [float("-1")]},
        {"ports": ["nowhere"]},
    ],
)
def test_a_damaged_sea_table_is_refused(network: Network, changes: dict[str, object]) -> None:
    lanes = len(network.index.sea_table)
    full = {
        name: (value * lanes if name in ("start", "end", "length_m") else value)
        for name, value in changes.items()
    }
    if "ports" in full:
        full["ports"] = [*network.index.sea_table.ports[:-1], "nowhere"]
    data = _reencoded(network, **full)
    with pytest.raises(ColumnFileError):
        netcache.decode_network(
            data, root=network.atlas.root, fingerprint=network.atlas.fingerprint
        )


def test_a_damaged_cache_is_rebuilt_with_its_sea_table(cache: Path, network: Network) -> None:
    root = bundled_atlas_dir()
    path = netcache.cache_path(network.atlas.fingerprint)
    cache.mkdir()
    bad = _reencoded(network, start=list(network.index.sea_table.end))  # start == end: refused
    target = cache / path.name
    target.write_bytes(bad)
    events: list[str] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CORRIDORS_CACHE_DIR", str(cache))
        rebuilt = load_network(root, quiet=True, on_cache_event=events.append)
    assert events and "unusable" in events[0]
    assert rebuilt.index.sea_table == network.index.sea_table


def test_check_reports_every_port_pair_against_published_figures(network: Network) -> None:
    report = check_atlas(network.atlas, network=network)
    found = [f for f in report.findings if f.check == "sea_distance"]
    ports = sea_ports(network.atlas)
    assert len(found) == len(ports) * (len(ports) - 1) // 2
    assert all(f.ok for f in found), [f.message for f in found if not f.ok]
    (vladivostok_busan,) = [f for f in found if f.subject == "busan-vladivostok"]
    assert "published 514 nm" in vladivostok_busan.message


def _atlas_copy(tmp_path: Path) -> Path:
    root = tmp_path / "atlas"
    shutil.copytree(bundled_atlas_dir(), root, ignore=shutil.ignore_patterns("README.md"))
    return root


def test_check_fails_on_a_published_figure_far_off(tmp_path: Path) -> None:
    root = _atlas_copy(tmp_path)
    path = root / SEA_DISTANCES_FILE
    doc = json.loads(path.read_text())
    for entry in doc["distances"]:
        if {entry["from"], entry["to"]} == {"vladivostok", "busan"}:
            entry["nm"] = 600  # the router gives ~505: 16 % short
    path.write_text(json.dumps(doc))
    atlas = load_atlas(root)
    report = check_atlas(atlas, network=Network(atlas, build_index(atlas=atlas)))
    bad = [f for f in report.problems if f.check == "sea_distance"]
    assert [f.subject for f in bad] == ["busan-vladivostok"]
    assert "more than 8% apart" in bad[0].message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"nm": -5}, "field 'nm': must be a positive number"),
        ({"from": "atlantis"}, "field 'from': 'atlantis' is not a place id"),
        ({"source": "nobody"}, "field 'source': 'nobody' is not in sources.json"),
        ({"proxy": "yes"}, "field 'proxy': must be true or false"),
        ({"note": None, "proxy": True}, "field 'note': required for a proxy"),
        ({"tolerance": 3}, "field 'tolerance': must be a fraction"),
        ({"to": "vladivostok"}, "field 'to': the same place as 'from'"),
    ],
)
def test_sea_distances_reader_refuses_in_one_line(
    tmp_path: Path, change: dict[str, object], message: str
) -> None:
    root = _atlas_copy(tmp_path)
    path = root / SEA_DISTANCES_FILE
    doc = json.loads(path.read_text())
    entry = doc["distances"][0]  # Vladivostok - Busan
    for key, value in change.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    path.write_text(json.dumps(doc))
    with pytest.raises(AtlasError) as raised:
        load_sea_distances(load_atlas(root))
    assert message in str(raised.value) and "\n" not in str(raised.value)
    assert "distance 0" in str(raised.value)


def test_sea_distances_reader_refuses_a_pair_twice(tmp_path: Path) -> None:
    root = _atlas_copy(tmp_path)
    path = root / SEA_DISTANCES_FILE
    doc = json.loads(path.read_text())
    first = dict(doc["distances"][0])
    first["from"], first["to"] = first["to"], first["from"]
    doc["distances"].append(first)
    path.write_text(json.dumps(doc))
    with pytest.raises(AtlasError, match="already distance 0"):
        load_sea_distances(load_atlas(root))


def test_published_pairs_are_sea_ports_with_a_computed_distance(network: Network) -> None:
    ports = set(sea_ports(network.atlas))
    entries = load_sea_distances(network.atlas)
    assert len(entries) >= 10
    for entry in entries:
        assert {entry.start, entry.end} <= ports
    assert km_to_nmi(NM) == pytest.approx(1.0)


KEY = (("boryeong", 126.490831, 36.400853), ("dangjin", 126.512225, 37.05513))
PAIRS = ((0, 1),)


def _stored(cache: Path) -> list[Path]:
    return sorted(cache.glob("seatable-v*.cnet"))


def test_a_stored_table_is_read_back_without_routing(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from corridors.network import seatable

    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(cache))
    seatable._table.cache_clear()
    computed = seatable._table(KEY, PAIRS)
    assert len(computed) == 1 and len(_stored(cache)) == 1
    seatable._table.cache_clear()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the sea router ran")

    monkeypatch.setattr("corridors.geo.searouting.sea_lanes", refuse)
    assert seatable._table(KEY, PAIRS) == computed
    seatable._table.cache_clear()


@pytest.mark.parametrize("damage", ["flip", "truncate", "other-ports", "symlink"])
def test_a_damaged_stored_table_is_computed_again(
    cache: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, damage: str
) -> None:
    from corridors.network import seatable

    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(cache))
    seatable._table.cache_clear()
    good = seatable._table(KEY, PAIRS)
    (path,) = _stored(cache)
    data = bytearray(path.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    elif damage == "truncate":
        path.write_bytes(bytes(data[:100]))
    elif damage == "other-ports":  # a valid file for other ports, planted under this name
        other = seatable.encode_table_file(good, KEY[::-1], PAIRS)
        path.write_bytes(b"".join(other))
    else:
        target = tmp_path / "elsewhere.cnet"
        target.write_bytes(bytes(data))
        path.unlink()
        path.symlink_to(target)
    with pytest.raises((OSError, ColumnFileError)):
        seatable.read_table_file(path, KEY, PAIRS)
    seatable._table.cache_clear()
    assert seatable._table(KEY, PAIRS) == good
    assert seatable.read_table_file(path, KEY, PAIRS) == good  # rewritten
    seatable._table.cache_clear()


def test_no_open_sea_between_the_two_koreas(network: Network) -> None:
    """DPRK and ROK ports are joined only by named services (May 24 measures, 2016 ban):
    Rajin - Busan North Port has no named lane, and gets no open-sea edge either."""
    atlas, index = network.atlas, network.index
    assert frozenset(("rajin_port", "busan")) not in named_lane_pairs(atlas)
    assert closed_sea(atlas, "rajin_port", "busan")
    countries = {
        frozenset(
            (atlas.places[index.edge_start[e]].country, atlas.places[index.edge_end[e]].country)
        )
        for e in range(index.edge_count)
        if index.is_open_sea(e)
    }
    assert frozenset(("PRK", "KOR")) not in countries
    assert frozenset(("PRK", "RUS")) in countries  # Rajin - Vladivostok stays open


def test_a_port_call_between_two_voyages_is_warned_about(network: Network, cache: Path) -> None:
    """With the suspended Rajin - Pohang lane refused, the cargo can only change ship at a
    Russian port (never a ROK one from Rajin): the route says so, in JSON and on stderr."""
    trip = corridors.route(network, "Khasan", "Pohang", in_service=True)
    sea = [leg for leg in trip.legs if leg.mode == "sea"]
    assert len(sea) == 2 and all(leg.open_sea for leg in sea)
    assert sea[0].end == sea[1].start
    assert network.atlas.places[sea[0].end].country == "RUS"
    warned = [w for w in trip.warnings if w.startswith("two voyages")]
    assert len(warned) == 1
    done = corridors_cli("route", "Khasan", "Pohang", "--in-service", cache=cache)
    assert done.returncode == 0
    assert [line for line in done.stderr.splitlines() if "changes ship" in line] == [
        f"warning: {warned[0]}"
    ]
    plain = corridors.route(network, "Khasan", "Pohang")
    assert not [w for w in plain.warnings if w.startswith("two voyages")]


def test_the_bundled_table_is_current_and_what_the_router_computes() -> None:
    """src/corridors/data/seatable.cnet is read for the shipped atlas (its key matches: same
    ports, positions, pairs, version and router code) and holds exactly the lanes the router
    computes now; if not, run python tools/make_sea_table.py."""
    from corridors.network.seatable import BUNDLED_TABLE, _compute, read_table_file, table_request

    key, pairs = table_request(load_atlas(bundled_atlas_dir()))
    stored = read_table_file(BUNDLED_TABLE, key, pairs)
    fresh = _compute(key, pairs)
    assert (stored.start, stored.end) == (fresh.start, fresh.end)
    assert list(stored.coord_xy) == list(fresh.coord_xy)
    assert list(stored.length_m) == pytest.approx(list(fresh.length_m), rel=1e-12)


def test_a_first_run_on_the_shipped_atlas_routes_no_lane(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty cache folder: the network is built from the bundled table, the router unused."""
    from corridors.geo import searouting
    from corridors.network import seatable

    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "empty"))
    seatable._table.cache_clear()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sea router ran")

    monkeypatch.setattr(searouting, "sea_lanes", refuse)
    trip = corridors.route(load_network(use_cache=False, quiet=True), "Pohang", "Gwangyang")
    assert trip.legs[0].open_sea
    seatable._table.cache_clear()
