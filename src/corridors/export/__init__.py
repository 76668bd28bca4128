"""Export the atlas and its graph for other tools: GeoPackage (QGIS, styled), GraphML (OSMnx,
networkx), GeoJSON, CSV and KML (Google Earth).

Modules: ``records`` (the rows of every layer, with valid geometries), ``symbols`` (how each
layer is drawn, read from the maps' style), ``qgis_styles`` (the GeoPackage's QGIS styles),
``geojson``, ``table_csv`` and ``kml`` (one writer each); GeoPackage and GraphML are here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from corridors.errors import UsageError
from corridors.export._text import encodable, encodable_frame
from corridors.network.index import Network

if TYPE_CHECKING:
    import networkx as nx

EXPORT_FORMATS = {
    ".gpkg": "GeoPackage",
    ".graphml": "GraphML",
    ".geojson": "GeoJSON",
    ".csv": "CSV",
    ".kml": "KML",
}
"""File suffix to format; :func:`export_file` picks the format by the suffix."""


def export_file(network: Network, path: str | Path) -> Path:
    """Write ``path`` in the format its suffix names (see :data:`EXPORT_FORMATS`).

    Parameters
    ----------
    network : Network
        The loaded atlas and its graph.
    path : str or pathlib.Path
        The output file; its folder must exist. ``.gpkg``: :func:`write_geopackage`;
        ``.graphml``: :func:`write_graphml`; ``.geojson``:
        :func:`corridors.export.geojson.write_geojson`; ``.csv``:
        :func:`corridors.export.table_csv.write_csv`; ``.kml``:
        :func:`corridors.export.kml.write_kml`. The file is written to a temporary file in
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
        If the suffix is not one of :data:`EXPORT_FORMATS`, or the folder does not exist.
    corridors._io.outputs.OutputError
        If something other than a regular file exists at ``path`` (a directory, FIFO,
        device, socket or a link to one); it is left as it was.
    """
    from corridors._io.outputs import check_output_path, replacing
    from corridors.export.geojson import write_geojson
    from corridors.export.kml import write_kml
    from corridors.export.table_csv import write_csv

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise UsageError(
            f"cannot export to '{target.name}': use a file name ending in "
            + ", ".join(EXPORT_FORMATS)
        )
    check_output_path(target)
    if not target.parent.is_dir():
        raise UsageError(f"folder {target.parent} does not exist; create it first")
    writers = {
        ".gpkg": write_geopackage,
        ".graphml": write_graphml,
        ".geojson": write_geojson,
        ".csv": write_csv,
        ".kml": write_kml,
    }
    with replacing(target) as temp:
        writers[suffix](network, temp)
    return target


def write_geopackage(network: Network, path: Path) -> None:
    """Layers: places, corridors, shipment_legs (routed), graph_edges (with lengths),
    graph_transfers (rail <-> sea at ports, as points), zones (areas, with their computed km²)
    when the atlas has any, and ``layer_styles``: a default QGIS style per layer, drawn as
    the maps draw it (:mod:`corridors.export.qgis_styles`). A zone is also in places, at its
    label point. Every geometry is valid and non-empty; the CRS is EPSG:4326.

    Writes ``path`` directly (a new file; :func:`export_file` gives a temporary one).
    """
    import geopandas as gpd

    from corridors.export.qgis_styles import write_layer_styles
    from corridors.export.records import (
        corridor_rows,
        edge_rows,
        leg_rows,
        place_rows,
        zone_rows,
    )
    from corridors.export.symbols import layer_rules

    atlas = network.atlas
    lines, transfers = edge_rows(network)
    layers = {
        "places": place_rows(atlas),
        "corridors": corridor_rows(network),
        "zones": zone_rows(atlas),
        "shipment_legs": leg_rows(network),
        "graph_edges": lines,
        "graph_transfers": transfers,
    }
    written: dict[str, list[dict[str, object]]] = {}
    for layer, rows in layers.items():
        if not rows:
            continue  # no empty layers (an atlas without zones, shipments or ports)
        frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
        mode = "a" if written else "w"
        encodable_frame(frame).to_file(path, layer=layer, driver="GPKG", mode=mode)
        written[layer] = rows
    write_layer_styles(path, {layer: layer_rules(layer, rows) for layer, rows in written.items()})


def _wkt_geometry(coords: Sequence[tuple[float, float]]) -> str:
    """WKT of an edge: a LineString, or the Point where all its positions are one (a transfer
    between two nodes of a place: a line of two identical points is not a valid geometry)."""
    from corridors.export.records import distinct_points

    if distinct_points(coords) < 2:
        x, y = coords[0]
        return f"POINT ({x} {y})"
    return "LINESTRING (" + ", ".join(f"{x} {y}" for x, y in coords) + ")"


def _graphml_graph(network: Network) -> nx.MultiDiGraph:
    """The route graph as OSMnx keeps a street network (see :func:`write_graphml`)."""
    import networkx as nx

    from corridors.atlas.native_text import names_field
    from corridors.network.graph import graph_edges
    from corridors.network.seatable import OPEN_SEA
    from corridors.network.terms import TRANSFER, node_place
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
        graph.add_edge(u, v, **data, reversed=False, geometry=_wkt_geometry(edge.coords))
        graph.add_edge(v, u, **data, reversed=True, geometry=_wkt_geometry(edge.coords[::-1]))
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
    (WKT LineString; a ``transfer``, whose two nodes stand at one place, is the WKT Point of
    that place, as in the GeoPackage's ``graph_transfers``: every geometry is valid), ``mode``
    (a corridor mode or ``transfer``), ``status``, ``status_year`` (if known), ``corridor`` and
    ``name`` (the corridor's id and name; not on transfers), and for freight (rail, sea,
    transfer) ``travel_time`` in seconds under the default time model of
    :func:`corridors.route` (``speed_kph``: rail 40, sea 22.224; 24 h per transfer).

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
        data.update({key: str(encodable(value)) for key, value in data.items()})
    for _, _, data in graph.edges(data=True):
        data.update({key: str(encodable(value)) for key, value in data.items()})
    nx.write_graphml(graph, path)
