"""Export the atlas and its graph for other tools: GeoPackage (QGIS) or GraphML (OSMnx)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corridors.errors import UsageError
from corridors.network.index import Network

EXPORT_FORMATS = {".gpkg": "GeoPackage", ".graphml": "GraphML"}


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
    """Layers: places, corridors, shipment_legs (routed), graph_edges (with lengths).

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
    if leg_rows:
        _encodable_frame(gpd.GeoDataFrame(leg_rows, crs="EPSG:4326")).to_file(
            path, layer="shipment_legs", driver="GPKG", mode="a"
        )
    _encodable_frame(edges).to_file(path, layer="graph_edges", driver="GPKG", mode="a")


def write_graphml(network: Network, path: Path) -> None:
    """GraphML as OSMnx expects: ``x``/``y`` on nodes, ``length`` (m) and WKT ``geometry``."""
    import networkx as nx

    from corridors.network.graph import build_graph

    graph = build_graph(network.atlas)
    for _, _, data in graph.edges(data=True):
        coords = data.pop("coords")
        data["geometry"] = "LINESTRING (" + ", ".join(f"{x} {y}" for x, y in coords) + ")"
    for _, data in graph.nodes(data=True):
        data.update({key: _encodable(value) for key, value in data.items()})
    for _, _, data in graph.edges(data=True):
        data.update({key: _encodable(value) for key, value in data.items()})
    nx.write_graphml(graph, path)
