"""Export the atlas and its graph for other tools: GeoPackage (QGIS) or GraphML (OSMnx,
networkx)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corridors.atlas.model import Atlas
from corridors.atlas.native_text import names_field
from corridors.errors import UsageError
from corridors.network.index import Network

if TYPE_CHECKING:
    import networkx as nx

EXPORT_FORMATS = {".gpkg": "GeoPackage", ".graphml": "GraphML"}


def _zone_rows(atlas: Atlas) -> list[dict[str, object]]:
    """One row per area place (zone): its MultiPolygon and geodesic area in km²."""
    from shapely.geometry import MultiPolygon

    from corridors.geo.geodesy import area_km2

    return [
        {
            "id": p.id,
            "name": p.name,
            "aliases": "; ".join(p.aliases),
            "names": names_field(p.names),
            "country": p.country,
            "kind": p.kind,
            "area_km2": area_km2(p.area),
            "sources": "; ".join(p.sources),
            "geometry": MultiPolygon([(rings[0], list(rings[1:])) for rings in p.area]),
        }
        for p in atlas.places.values()
        if p.area is not None
    ]


def export_file(network: Network, path: str | Path) -> Path:
    """Write ``path`` in the format its suffix names (``.gpkg`` or ``.graphml``).

    Parameters
    ----------
    network : Network
        The loaded atlas and its graph.
    path : str or pathlib.Path
        The output file; its folder must exist. The file is written to a temporary file in
        the same folder and then moved into place (:func:`corridors._io.outputs.replacing`), so
        an existing export is replaced whole or not at all; a symbolic link there is
        replaced, its target untouched.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    UsageError
        If the suffix is neither ``.gpkg`` nor ``.graphml``, or the folder does not exist.
    corridors._io.outputs.OutputError
        If something other than a regular file exists at ``path`` (a directory, FIFO,
        device, socket or a link to one); it is left as it was.
    """
    from corridors._io.outputs import check_output_path, replacing

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise UsageError(
            f"cannot export to '{target.name}': use a .gpkg (GeoPackage) or .graphml file name"
        )
    check_output_path(target)
    if not target.parent.is_dir():
        raise UsageError(f"folder {target.parent} does not exist; create it first")
    with replacing(target) as temp:
        if suffix == ".gpkg":
            write_geopackage(network, temp)
        else:
            write_graphml(network, temp)
    return target


def _encodable(value: object) -> object:
    """``value``, with any lone surrogate in a string written as a visible ``\\udcXX``.

    A valid atlas has none (the reader refuses them); this keeps a bad one from crashing the
    UTF-8 encoders of GDAL and the GraphML writer.
    """
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


def _encodable_frame(frame: Any) -> Any:
    """The GeoDataFrame ``frame`` with :func:`_encodable` applied to its text columns."""
    from pandas.api.types import is_object_dtype, is_string_dtype

    for column in frame.columns:
        dtype = frame[column].dtype
        if column != "geometry" and (is_object_dtype(dtype) or is_string_dtype(dtype)):
            frame[column] = frame[column].map(_encodable)
    return frame


def _json_text(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def write_geopackage(network: Network, path: Path) -> None:
    """Layers: places, corridors, shipment_legs (routed), graph_edges (with lengths), and zones
    (areas, with their computed km²) when the atlas has any; a zone is also in places, at its
    label point.

    Writes ``path`` directly (a new file; :func:`export_file` gives a temporary one).
    """
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    from corridors.network.listing import corridor_lengths_km
    from corridors.routing.shipments import routed_legs

    atlas = network.atlas
    places = gpd.GeoDataFrame(
        [
            {
                "id": p.id,
                "name": p.name,
                "aliases": "; ".join(p.aliases),
                "names": names_field(p.names),
                "country": p.country,
                "kind": p.kind,
                "sources": "; ".join(p.sources),
                "geometry": Point(p.lon, p.lat),
            }
            for p in atlas.places.values()
        ],
        crs="EPSG:4326",
    )
    lengths = corridor_lengths_km(network)
    corridors = gpd.GeoDataFrame(
        [
            {
                "id": c.id,
                "name": c.name,
                "mode": c.mode,
                "status": c.status,
                "status_year": c.status_year,
                "from_place": c.start,
                "to_place": c.end,
                "via": "; ".join(c.via),
                "length_km": lengths.get(c.id, 0.0),
                "reported_length_km": c.reported_length_km,
                "attributes": _json_text(c.attributes),
                "history": _json_text(
                    [{k: v for k, v in asdict(e).items() if v is not None} for e in c.history]
                ),
                "sources": "; ".join(c.sources),
                "geometry": LineString(c.coords),
            }
            for c in atlas.corridors.values()
        ],
        crs="EPSG:4326",
    )
    leg_rows = [
        {
            "shipment": routed.shipment.id,
            "leg": routed.number,
            "from_place": routed.leg.start,
            "to_place": routed.leg.end,
            "mode": routed.leg.mode,
            "start": routed.leg.start_date,
            "end": routed.leg.end_date,
            "tonnes": routed.leg.tonnes,
            "ship": routed.leg.ship,
            "cargo": routed.shipment.cargo,
            "distance_km": routed.route.distance_km,
            "geometry": LineString(routed.route.coords),
        }
        for routed in routed_legs(network)
        if routed.route is not None
    ]
    edge_rows = list(network.index.edge_records())
    for row in edge_rows:
        row["geometry"] = LineString(row.pop("coords"))
    edges = gpd.GeoDataFrame(edge_rows, crs="EPSG:4326")
    _encodable_frame(places).to_file(path, layer="places", driver="GPKG")
    _encodable_frame(corridors).to_file(path, layer="corridors", driver="GPKG", mode="a")
    zones = _zone_rows(atlas)
    if zones:
        _encodable_frame(gpd.GeoDataFrame(zones, crs="EPSG:4326")).to_file(
            path, layer="zones", driver="GPKG", mode="a"
        )
    if leg_rows:
        _encodable_frame(gpd.GeoDataFrame(leg_rows, crs="EPSG:4326")).to_file(
            path, layer="shipment_legs", driver="GPKG", mode="a"
        )
    _encodable_frame(edges).to_file(path, layer="graph_edges", driver="GPKG", mode="a")


def _wkt_line(coords: Sequence[tuple[float, float]]) -> str:
    return "LINESTRING (" + ", ".join(f"{x} {y}" for x, y in coords) + ")"


def _graphml_graph(network: Network) -> nx.MultiDiGraph:
    """The route graph as OSMnx keeps a street network (see :func:`write_graphml`)."""
    import networkx as nx

    from corridors.network.graph import TRANSFER, graph_edges, node_place
    from corridors.network.seatable import OPEN_SEA
    from corridors.routing.options import DEFAULT_SPEEDS_KMH, DEFAULT_TRANSFER_HOURS

    atlas = network.atlas
    edges = list(graph_edges(atlas))
    names = sorted({name for edge in edges for name in (edge.u, edge.v)})
    osmid = {name: number for number, name in enumerate(names)}
    graph = nx.MultiDiGraph(crs="EPSG:4326", fingerprint=atlas.fingerprint)
    for name in names:
        place = atlas.places[node_place(name)]
        graph.add_node(
            osmid[name],
            osmid=osmid[name],
            place=place.id,
            mode=name.rsplit("@", 1)[1],
            name=place.name,
            names=names_field(place.names),
            kind=place.kind,
            country=place.country,
            x=place.lon,
            y=place.lat,
        )
    for edge in edges:
        data: dict[str, object] = {"mode": edge.mode, "status": edge.status}
        if edge.corridor:
            data.update(corridor=edge.corridor, name=atlas.corridors[edge.corridor].name)
        elif edge.open_sea:
            data["name"] = OPEN_SEA
        if edge.status_year is not None:
            data["status_year"] = edge.status_year
        data.update(length=edge.length_m, oneway=False)
        if edge.mode == TRANSFER:
            data["travel_time"] = DEFAULT_TRANSFER_HOURS * 3600.0
        elif edge.mode in DEFAULT_SPEEDS_KMH:
            speed = DEFAULT_SPEEDS_KMH[edge.mode]
            data.update(speed_kph=speed, travel_time=edge.length_m / 1000.0 / speed * 3600.0)
        u, v = osmid[edge.u], osmid[edge.v]
        graph.add_edge(u, v, **data, reversed=False, geometry=_wkt_line(edge.coords))
        graph.add_edge(v, u, **data, reversed=True, geometry=_wkt_line(edge.coords[::-1]))
    return graph


def write_graphml(network: Network, path: Path) -> None:
    """Write the route graph as GraphML that ``osmnx.load_graphml`` and
    ``networkx.read_graphml`` load, in OSMnx's conventions for a street network.

    A directed multigraph (``MultiDiGraph``); every edge is written in both directions
    (``oneway`` False; ``reversed`` True on the copy whose ``geometry`` runs end to start).
    Graph attributes: ``crs`` (``EPSG:4326``) and the atlas ``fingerprint``.

    Nodes are a place in one mode, numbered 0, 1, ... in the order of ``place@mode``: the
    node id and ``osmid`` are that integer; ``place`` (the place id), ``mode`` (rail, sea,
    power, pipeline), ``name``, ``names`` (native names, ``ko: 나진항; ru: порт Раджин``, ``~``
    marking an estimate), ``kind``, ``country``, and ``x``/``y`` (longitude/latitude,
    EPSG:4326). Corridors of one mode meet at a shared place's node; a route changes between
    rail and sea only along a ``transfer`` edge at a port or terminal, so route from and to
    the node of the right ``place`` and ``mode``.

    Edges (keys 0, 1, ... per node pair): ``length`` (metres, geodesic on WGS84), ``geometry``
    (WKT LineString), ``mode`` (a corridor mode or ``transfer``), ``status``, ``status_year``
    (if known), ``corridor`` and ``name`` (the corridor's id and name; not on transfers), and
    for freight (rail, sea, transfer) ``travel_time`` in seconds under the default time model
    of :func:`corridors.route` (``speed_kph``: rail 40, sea 22.224; 24 h per transfer).

    Every value is written as text, as ``osmnx.save_graphml`` does: ``osmnx.load_graphml``
    converts ``osmid``, ``x``, ``y``, ``length``, ``speed_kph``, ``travel_time``,
    ``oneway``, ``reversed`` (bool) and ``geometry`` (shapely) back; with plain networkx read
    it with ``networkx.read_graphml(path, node_type=int)`` and convert values yourself
    (``float(data["length"])``).

    To route as :func:`corridors.route` does: take the origin's and destination's nodes of
    the modes you route in (freight: ``rail`` and ``sea``; the shortest over those pairs is
    the route), and keep only the edges whose ``status`` is ``operating`` (transfers always
    are) unless you would pass ``include_proposed``. Shortest paths by ``length`` then give
    the same distance; by ``travel_time``, on the rail and sea nodes, the same time.

    Writes ``path`` directly (a new file; :func:`export_file` gives a temporary one).
    """
    import networkx as nx

    graph = _graphml_graph(network)
    # As osmnx.save_graphml: every attribute as text (load_graphml expects strings).
    for data in (graph.graph, *(d for _, d in graph.nodes(data=True))):
        data.update({key: str(_encodable(value)) for key, value in data.items()})
    for _, _, data in graph.edges(data=True):
        data.update({key: str(_encodable(value)) for key, value in data.items()})
    nx.write_graphml(graph, path)
