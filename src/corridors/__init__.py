"""corridors: an open atlas and route calculator for the Russia - North Korea - South Korea
transport and energy corridors.

The public API is imported lazily so that ``import corridors`` stays cheap::

    import corridors
    network = corridors.load_network()
    result = corridors.route(network, "Khasan", "Pohang", include_proposed=True)
    print(result.distance_km)
"""

from __future__ import annotations

from corridors._lazy import lazy_getattr

__version__ = "0.1.0"

_EXPORTS = {
    "load_atlas": "corridors.atlas.read",
    "Atlas": "corridors.atlas.model",
    "load_network": "corridors.network.load",
    "Network": "corridors.network.index",
    "build_graph": "corridors.network.graph",
    "route": "corridors.routing.route",
    "make_options": "corridors.routing.route",
    "Route": "corridors.routing.route",
    "distance_matrix": "corridors.routing.matrix",
    "check_atlas": "corridors.check",
    "export_file": "corridors.export",
    "resolve_place": "corridors.atlas.names",
    "add_corridors": "corridors.edit.api",
    "add_via": "corridors.edit.api",
    "add_sea_lane": "corridors.edit.api",
    "remove_corridor": "corridors.edit.api",
    "init_workspace": "corridors.edit.workspace",
    "route_sea": "corridors.geo.searouting",
    "build_maps": "corridors.maps",
    "write_route_map": "corridors.maps",
    "CorridorsError": "corridors.errors",
    "AtlasError": "corridors.errors",
    "NoRouteError": "corridors.errors",
    "UnknownPlaceError": "corridors.errors",
}

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_getattr(__name__, _EXPORTS)
