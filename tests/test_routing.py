"""Graph building and routing, checked against networkx on the same graph."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from atlas_factory import write_atlas

from corridors.errors import NoRouteError, UnknownPlaceError, UsageError
from corridors.geo.geodesy import line_length_m
from corridors.network.graph import build_graph
from corridors.network.load import load_network
from corridors.routing.route import make_options, route


@pytest.fixture
def network(tmp_path: Path):
    return load_network(write_atlas(tmp_path / "atlas"), use_cache=False)


def test_graph_splits_at_via_and_keeps_length(network) -> None:
    graph = build_graph(network.atlas)
    corridor = network.atlas.corridors["khasan_rajin"]
    pieces = [d for _, _, d in graph.edges(data=True) if d["corridor"] == "khasan_rajin"]
    assert len(pieces) == 2
    assert sum(p["length"] for p in pieces) == pytest.approx(line_length_m(corridor.coords))
    assert graph.has_edge("khasan@rail", "tumangang@rail")
    assert graph.has_edge("rajin_port@rail", "rajin_port@sea")  # explicit transfer at the port
    assert graph.nodes["rajin_port@sea"]["x"] == pytest.approx(130.303)


def test_route_matches_networkx(network) -> None:
    graph = build_graph(network.atlas)
    result = route(network, "Khasan", "Pohang", include_proposed=True)
    expected = nx.shortest_path_length(graph, "khasan@rail", "pohang@sea", weight="length")
    assert result.distance_km == pytest.approx(expected / 1000)
    assert [leg.corridor for leg in result.legs] == ["khasan_rajin", "rajin_pohang"]
    assert result.transfers == ("rajin_port",)
    assert result.legs[0].distance_km == pytest.approx(
        line_length_m(network.atlas.corridors["khasan_rajin"].coords) / 1000
    )


def test_names_resolve_case_insensitively(network) -> None:
    a = route(network, "TUMEN", "najin")
    b = route(network, "tumangang", "rajin_port")
    assert a.origin == b.origin == "tumangang" and a.destination == "rajin_port"
    assert a.distance_km == b.distance_km


def test_unknown_name_suggests(network) -> None:
    with pytest.raises(UnknownPlaceError, match="did you mean Pohang"):
        route(network, "Khasan", "Pohnag")


def test_status_filter_and_hint(network) -> None:
    # A library error names the parameter, not the command line's flag.
    with pytest.raises(NoRouteError, match="set `include_proposed`$") as raised:
        route(network, "Khasan", "Chongjin")
    assert "--" not in str(raised.value)


def test_freight_never_uses_power_lines(network) -> None:
    result = route(network, "Khasan", "Rajin", include_proposed=True)
    assert {leg.mode for leg in result.legs} == {"rail"}
    with pytest.raises(UsageError, match="never run along power lines"):
        make_options(modes=["rail", "power"])
    power = route(network, "Khasan", "Rajin", modes=["power"], include_proposed=True)
    assert power.legs[0].corridor == "power_khasan_rajin"


def test_by_time_uses_speeds_and_transfer(network) -> None:
    options = make_options(
        include_proposed=True, by="time", speeds_kmh={"rail": 20}, transfer_hours=10
    )
    result = route(network, "Khasan", "Pohang", options)
    rail_km, sea_km = (leg.distance_km for leg in result.legs)
    assert result.hours == pytest.approx(rail_km / 20 + sea_km / (12 * 1.852) + 10)


def test_bad_options(network) -> None:
    with pytest.raises(UsageError, match="unknown mode 'tram'"):
        make_options(modes=["tram"])
    with pytest.raises(UsageError, match="power, pipeline or road"):
        make_options(modes=["rail", "road"])
    with pytest.raises(UsageError, match="^`by` must be 'distance', 'time' or 'cost', not 'km'$"):
        make_options(by="km")
    with pytest.raises(UsageError, match="^`by` cost needs a cost model"):
        make_options(by="cost")
    with pytest.raises(UsageError, match="`transfer_hours` must be zero or more"):
        make_options(transfer_hours=-1)
    with pytest.raises(UsageError, match="positive"):
        make_options(speeds_kmh={"rail": 0})


def test_cache_is_used_and_invalidated(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    root = write_atlas(tmp_path / "atlas")
    events: list[str] = []
    first = load_network(root, on_cache_event=events.append)
    assert len(list((tmp_path / "cache").glob("network-*.cnet"))) == 1
    assert len(events) == 1 and "rebuilt the route graph" in events[0]

    def no_build(*args: object, **kwargs: object) -> None:
        raise AssertionError("the network was built again instead of read from the cache")

    from corridors.network import load as network_load

    monkeypatch.setattr(network_load, "_build_network", no_build)
    again = load_network(root, on_cache_event=events.append)
    assert len(events) == 1  # a cache hit: nothing rebuilt
    assert again.index.edge_length_m == first.index.edge_length_m
    monkeypatch.undo()
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    sea = root / "corridors" / "sea.geojson"
    sea.write_text(sea.read_text().replace("Rajin - Pohang sea lane", "Rajin to Pohang"))
    changed = load_network(root, on_cache_event=events.append)
    assert len(events) == 2  # the atlas changed: rebuilt
    assert changed.atlas.corridors["rajin_pohang"].name == "Rajin to Pohang"


def test_cache_keeps_only_the_newest_networks(tmp_path: Path, monkeypatch) -> None:
    import os

    from corridors.network import cache as netcache

    cache = tmp_path / "cache"
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(cache))
    root = write_atlas(tmp_path / "atlas")
    sea = root / "corridors" / "sea.geojson"
    keep = netcache.KEEP_CACHED_NETWORKS
    for number in range(keep + 3):
        sea.write_text(sea.read_text().replace("Rajin - Pohang", f"Rajin - Pohang {number}", 1))
        load_network(root)
        for stamp, old in enumerate(sorted(cache.glob("network-*.cnet"))):
            os.utime(old, (stamp, stamp))  # older than the one just written
    files = list(cache.glob("network-*.cnet"))
    assert len(files) == keep
    latest = load_network(root)  # the newest one is still there: no rebuild needed
    assert "Rajin - Pohang" in latest.atlas.corridors["rajin_pohang"].name
