"""The GraphML export loads with osmnx.load_graphml and networkx.read_graphml, and shortest
paths on it give the distances and times of corridors.route (see export.write_graphml)."""

from __future__ import annotations

import itertools
from pathlib import Path

import networkx as nx
import osmnx as ox
import pytest
from shapely.geometry import LineString, Point

import corridors

FREIGHT = ("rail", "sea")


@pytest.fixture(scope="module")
def network() -> corridors.Network:
    return corridors.load_network()


@pytest.fixture(scope="module")
def graphml(network: corridors.Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corridors.export_file(network, tmp_path_factory.mktemp("export") / "g.graphml")


@pytest.fixture(scope="module")
def osmnx_graph(graphml: Path) -> nx.MultiDiGraph:
    return ox.load_graphml(graphml)


def _nodes(graph: nx.MultiDiGraph, place: str) -> list[int]:
    """The freight nodes of a place (corridors.route starts and ends in any freight mode)."""
    return [n for n, d in graph.nodes(data=True) if d["place"] == place and d["mode"] in FREIGHT]


def _osmnx_shortest(graph: nx.MultiDiGraph, origin: str, destination: str, weight: str):
    """Least total `weight` over osmnx.routing.shortest_path between the places, or None."""
    best = None
    for orig, dest in itertools.product(_nodes(graph, origin), _nodes(graph, destination)):
        path = ox.routing.shortest_path(graph, orig, dest, weight=weight)
        if path is None:
            continue
        total = float(ox.routing.route_to_gdf(graph, path, weight=weight)[weight].sum())
        best = total if best is None else min(best, total)
    return best


def _networkx_shortest(graph: nx.MultiDiGraph, origin: str, destination: str, weight: str):
    best = None
    for orig, dest in itertools.product(_nodes(graph, origin), _nodes(graph, destination)):
        try:
            total = nx.shortest_path_length(graph, orig, dest, weight=weight)
        except nx.NetworkXNoPath:
            continue
        best = total if best is None else min(best, total)
    return best


def _freight(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Rail, sea and transfers: the part of the graph with ``travel_time``."""
    return graph.subgraph([n for n, d in graph.nodes(data=True) if d["mode"] in FREIGHT])


def _operating(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """What corridors.route uses by default: operating corridors (and transfers)."""
    keep = [
        (u, v, k) for u, v, k, d in graph.edges(keys=True, data=True) if d["status"] == "operating"
    ]
    return graph.edge_subgraph(keep)


def test_osmnx_loads_the_export_with_its_conventions(osmnx_graph: nx.MultiDiGraph):
    graph = osmnx_graph
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.graph["crs"] == "EPSG:4326"
    assert graph.number_of_nodes() > 0
    for node, data in graph.nodes(data=True):
        assert isinstance(node, int) and data["osmid"] == node
        assert isinstance(data["x"], float) and 84 < data["x"] < 140  # longitude (Kuzbass to Japan)
        assert isinstance(data["y"], float) and 30 < data["y"] < 60  # latitude
        assert data["mode"] in ("rail", "sea", "power", "pipeline", "road")
    places = {(d["place"], d["mode"]) for _, d in graph.nodes(data=True)}
    assert len(places) == graph.number_of_nodes()  # one node per place and mode
    for u, v, key, data in graph.edges(keys=True, data=True):
        assert isinstance(key, int)
        assert isinstance(data["length"], float) and data["length"] >= 0
        # a transfer (two nodes of one place) is that place's Point; every other edge a line
        assert isinstance(data["geometry"], Point if data["mode"] == "transfer" else LineString)
        assert data["oneway"] is False and isinstance(data["reversed"], bool)
        # every edge is there in both directions, the copy's geometry reversed
        twins = [
            d
            for d in graph.get_edge_data(v, u).values()
            if d["reversed"] is not data["reversed"] and d.get("corridor") == data.get("corridor")
        ]
        assert any(
            t["length"] == data["length"]
            and list(t["geometry"].coords) == list(data["geometry"].coords)[::-1]
            for t in twins
        ), (u, v, key)
    nodes, edges = ox.convert.graph_to_gdfs(graph)
    assert nodes.crs == "EPSG:4326" and len(edges) == graph.number_of_edges()


@pytest.mark.parametrize("destination", ["Pohang", "Gwangyang"])
def test_osmnx_routes_like_corridors(network, osmnx_graph: nx.MultiDiGraph, destination: str):
    # By distance both go Khasan - Rajin by rail, then by sea; by time Pohang is reached all
    # the way by rail, Gwangyang still by sea through a transfer at Rajin.
    every = {"include_proposed": True, "include_closed": True}  # the graph holds every edge
    trip = corridors.route(network, "Khasan", destination, **every)
    assert trip.transfers == ("rajin_port",)
    metres = _osmnx_shortest(osmnx_graph, trip.origin, trip.destination, "length")
    assert metres / 1000 == pytest.approx(trip.distance_km, rel=1e-9)
    fastest = corridors.route(network, "Khasan", destination, **every, by="time")
    seconds = _osmnx_shortest(_freight(osmnx_graph), trip.origin, trip.destination, "travel_time")
    assert seconds / 3600 == pytest.approx(fastest.hours, rel=1e-9)


def test_status_filter_routes_like_corridors_default(network, osmnx_graph: nx.MultiDiGraph):
    # With in_service corridors.route uses corridors in service only: so does the graph
    # filtered by status. The Rajin - Pohang lane is suspended, so both sail from Rajin by open
    # sea through another port (a detour the status filter leaves; see the README's limits).
    operating = _operating(osmnx_graph)
    trip = corridors.route(network, "Khasan", "Pohang", in_service=True)
    assert "sea_rajin_pohang" not in trip.edge_corridors
    metres = _osmnx_shortest(operating, "khasan", "pohang", "length")
    assert metres / 1000 == pytest.approx(trip.distance_km, rel=1e-9)
    sea = corridors.route(network, "Vostochny", "Busan")
    metres = _osmnx_shortest(operating, sea.origin, sea.destination, "length")
    assert metres / 1000 == pytest.approx(sea.distance_km, rel=1e-9)


def test_networkx_reads_the_export_and_routes_like_corridors(network, graphml: Path):
    # force_multigraph: networkx makes a simple DiGraph of a GraphML file unless it finds two
    # parallel edges, and the shipped atlas need not have any (two corridors between the same
    # two places); the export is a MultiDiGraph all the same.
    graph = nx.read_graphml(graphml, node_type=int, force_multigraph=True)
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.graph["crs"] == "EPSG:4326"
    for _, _, data in graph.edges(data=True):
        data["length"] = float(data["length"])  # GraphML values are text, as OSMnx writes them
    trip = corridors.route(network, "Khasan", "Pohang", include_proposed=True)
    metres = _networkx_shortest(graph, trip.origin, trip.destination, "length")
    assert metres / 1000 == pytest.approx(trip.distance_km, rel=1e-9)
    node = graph.nodes[_nodes(graph, "rajin_port")[0]]
    place = network.atlas.places["rajin_port"]
    assert (float(node["x"]), float(node["y"])) == (place.lon, place.lat)


def test_every_edge_geometry_is_valid_and_transfers_are_points(network, graphml: Path):
    # A transfer joins two nodes of one place (rail <-> sea at a port): a line of two
    # identical points is not a valid geometry (GEOS: too few points), so, as in the
    # GeoPackage's graph_transfers layer, it is the Point of that place.
    from shapely import wkt

    graph = nx.read_graphml(graphml, node_type=int, force_multigraph=True)
    transfers = 0
    for u, v, data in graph.edges(data=True):
        shape = wkt.loads(data["geometry"])
        assert shape.is_valid and not shape.is_empty, (u, v, data["geometry"])
        if data["mode"] == "transfer":
            transfers += 1
            node = graph.nodes[u]
            assert shape.geom_type == "Point"
            assert (shape.x, shape.y) == (float(node["x"]), float(node["y"]))
            assert graph.nodes[v]["place"] == node["place"] and float(data["length"]) == 0
        else:
            assert shape.geom_type == "LineString" and len(set(shape.coords)) >= 2
    assert transfers > 0  # the shipped atlas has rail <-> sea transfers (Rajin, Vostochny...)
