"""Interactive Leaflet maps of the atlas (folium), offline-capable and byte-reproducible.

- :func:`build_maps` writes ``atlas.html`` and ``shipments.html`` (``corridors build``);
- :func:`write_route_map` writes one route (``corridors route FROM TO --map FILE``);
- :func:`atlas_map`, :func:`shipments_map`, :func:`route_map` return the folium maps.

Modules: ``style`` (colours, dashes), ``features`` (geometry and popup data), ``controls``
(every Leaflet control: legend, time slider, tooltips and popups with links, table panel),
``basemap`` (land and borders drawn from package data), ``base`` (shared map setup, writing),
``offline``, ``stable_ids`` and ``safe_render`` (self-contained, byte-identical HTML in which
data stays data), one module per map. Submodules import folium, so they are loaded only when a
map is made. For a fast cold start (issue 13): ``basemap_cache`` and ``measure_cache`` (the
basemap's page data and the popups' geodesic figures, kept under keys of their inputs),
``template_once`` (each template compiled once, on first use), ``page_parts`` (the pages kept
around their data, so a build after an edit of notes joins fresh data without folium; the data
comes from folium-free modules: ``atlas_data``, ``route_graph``, ``months``, ``js_json``).
"""

from __future__ import annotations

from corridors._lazy import lazy_getattr

__all__ = [
    "MAP_FILES",
    "BuildResult",
    "atlas_map",
    "build_maps",
    "default_maps_dir",
    "route_map",
    "shipments_map",
    "write_route_map",
]
_EXPORTS = {
    "build_maps": "corridors.maps.build",
    "default_maps_dir": "corridors.maps.build",
    "BuildResult": "corridors.maps.build",
    "MAP_FILES": "corridors.maps.build",
    "atlas_map": "corridors.maps.atlas_map",
    "shipments_map": "corridors.maps.shipments_map",
    "route_map": "corridors.maps.route_map",
    "write_route_map": "corridors.maps.route_map",
}
__getattr__ = lazy_getattr(__name__, _EXPORTS)
