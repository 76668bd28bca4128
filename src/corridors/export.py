"""Export the atlas and its graph for other tools: GeoPackage (QGIS) or GraphML (OSMnx)."""

from __future__ import annotations

from pathlib import Path

from corridors.errors import UsageError
from corridors.network import Network

EXPORT_FORMATS = {".gpkg": "GeoPackage", ".graphml": "GraphML"}


def export_file(network: Network, path: str | Path) -> Path:
    """Write ``path`` in the format its suffix names (``.gpkg`` or ``.graphml``)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in EXPORT_FORMATS:
        raise UsageError(
            f"cannot export to '{target.name}': use a .gpkg (GeoPackage) or .graphml file name"
        )
    if not target.parent.is_dir():
        raise UsageError(f"folder {target.parent} does not exist; create it first")
    if suffix == ".gpkg":
        write_geopackage(network, target)
    else:
        write_graphml(network, target)
    return target


def _json_text(value: object) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def write_geopackage(network: Network, path: Path) -> None:
    """Layers: places, corridors, shipment_legs (routed), graph_edges (with lengths)."""
    import geopandas as gpd
    from shapely.geometry import LineString, Point

    from corridors.listing import corridor_lengths_km
    from corridors.shipments import routed_legs

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
    index = network.index
    edges = gpd.GeoDataFrame(
        [
            {
                "u": index.nodes[index.edge_u[e]],
                "v": index.nodes[index.edge_v[e]],
                "mode": index.edge_mode[e],
                "corridor": index.edge_corridor[e] or "",
                "status": index.edge_status[e],
                "length_m": index.edge_length_m[e],
                "geometry": LineString(index.edge_coords_of(e)),
            }
            for e in range(index.edge_count)
        ],
        crs="EPSG:4326",
    )
    if path.exists():
        path.unlink()
    places.to_file(path, layer="places", driver="GPKG")
    corridors.to_file(path, layer="corridors", driver="GPKG", mode="a")
    if leg_rows:
        gpd.GeoDataFrame(leg_rows, crs="EPSG:4326").to_file(
            path, layer="shipment_legs", driver="GPKG", mode="a"
        )
    edges.to_file(path, layer="graph_edges", driver="GPKG", mode="a")


def write_graphml(network: Network, path: Path) -> None:
    """GraphML as OSMnx expects: ``x``/``y`` on nodes, ``length`` (m) and WKT ``geometry``."""
    import networkx as nx

    from corridors.graph import build_graph

    graph = build_graph(network.atlas)
    for _, _, data in graph.edges(data=True):
        coords = data.pop("coords")
        data["geometry"] = "LINESTRING (" + ", ".join(f"{x} {y}" for x, y in coords) + ")"
    nx.write_graphml(graph, path)
