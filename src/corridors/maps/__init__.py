"""Interactive Leaflet maps of the atlas (folium), offline-capable and byte-reproducible.

- :func:`build_maps` writes ``atlas.html`` and ``shipments.html`` (``corridors build``);
- :func:`write_route_map` writes one route (``corridors route FROM TO --map FILE``);
- :func:`atlas_map`, :func:`shipments_map`, :func:`route_map` return the folium maps.

Modules: ``style`` (colours, dashes), ``features`` (geometry and popup data), ``controls``
(popups with links, table panel), ``base`` (shared map setup, writing), one module per map.
Submodules import folium, so they are loaded only when a map is made.
"""

from __future__ import annotations

import importlib
from typing import Any

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

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'corridors.maps' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
