"""``atlas.html``: every corridor and place, one switchable layer per mode and status; zones as
areas; programmes in a panel (figures, sources), their member corridors highlighted."""

from __future__ import annotations

import datetime
from typing import Any

import folium

from corridors.atlas.model import MODES, PLACE_KINDS, STATUSES
from corridors.atlas.timeline import event_day, state_on
from corridors.maps.atlas_data import page_tables
from corridors.maps.atlas_layers import (
    AtlasData,
    CorridorLayer,
    PlaceLayer,
    add_from_month,
    add_month_control,
    marker_zooms,
)
from corridors.maps.base import PLACES_PANE, data_layer, new_map
from corridors.maps.controls import add_info_panel, add_legend, bind_info
from corridors.maps.features import (
    clean_line,
    collection,
    feature,
    programme_popup,
    zone_features,
)
from corridors.maps.first_view import first_view_bounds
from corridors.maps.labels import add_place_labels
from corridors.maps.route_panel import add_route_panel
from corridors.maps.style import (
    PROGRAMME_COLOR,
    kind_legend,
    layer_label,
    mode_legend,
    programme_style,
    status_legend,
)
from corridors.network.index import Network

PLACES_LAYER = "Places"
ZONES_LAYER = "Zones"
PROGRAMME_LAYER = "Programme \u2013 {name}"


def corridor_keys(network: Network, *, today: datetime.date) -> list[tuple[str, str]]:
    """The (mode, status) of every corridor layer, in MODES then STATUSES order: each status
    a corridor has on `today` or in a month of the month control (a corridor moves to the
    layer of its status in the month shown)."""
    from corridors.maps.months import status_changes

    keys: set[tuple[str, str]] = set()
    for corridor in network.atlas.corridors.values():
        state = state_on(corridor, today)
        if state is not None:
            keys.add((corridor.mode, state.status))
        if corridor.history:
            keys.update((corridor.mode, s) for _, s in status_changes(corridor, today))
    return [(m, s) for m in MODES for s in STATUSES if (m, s) in keys]


def programme_features(network: Network) -> dict[str, list[dict[str, Any]]]:
    """Per programme with member corridors (by id): a highlight band along each member, with
    the programme's popup. Programmes without members are only listed (see :func:`atlas_map`)."""
    atlas = network.atlas
    out: dict[str, list[dict[str, Any]]] = {}
    for programme in atlas.programmes.values():
        feats = []
        for corridor_id in programme.members:
            corridor = atlas.corridors[corridor_id]
            props = {
                "name": programme.name,
                "popup": programme_popup(atlas, programme),
                "style": programme_style(),
            }
            geometry = {"type": "LineString", "coordinates": clean_line(corridor.coords)}
            feats.append(feature(f"{programme.id}/{corridor_id}", geometry, props))
        if feats:
            out[programme.id] = feats
    return out


def layer_names(network: Network) -> list[str]:
    """The overlay names atlas.html lists in its layer control, in order."""
    atlas = network.atlas
    zones = [ZONES_LAYER] if any(p.area is not None for p in atlas.places.values()) else []
    bands = [
        PROGRAMME_LAYER.format(name=atlas.programmes[pid].name)
        for pid in programme_features(network)
    ]
    keys = corridor_keys(network, today=datetime.date.today())
    names = [layer_label(mode, status) for mode, status in keys]
    return [*zones, *bands, *names, PLACES_LAYER]


def atlas_map(network: Network, *, offline: bool) -> folium.Map:
    """The whole atlas: corridors by mode and status, places by kind, legend, layer control.

    The data is written once (:mod:`corridors.maps.atlas_data`) and the lines, markers and
    popups are made from it in the page (:mod:`corridors.maps.atlas_layers`).
    """
    atlas = network.atlas
    today = datetime.date.today()  # the map opens on each corridor's status on the build day
    lines = [clean_line(c.coords) for c in atlas.corridors.values() if state_on(c, today)]
    if not lines:
        lines = [[[p.lon, p.lat] for p in atlas.places.values()]]
    m = new_map(first_view_bounds(lines), offline=offline)  # the Korean region
    data = AtlasData(page_tables(network, today=today))
    m.add_child(data)
    zones = zone_features(atlas)
    if zones:  # first, so lines and points are drawn over the areas
        zone_layer = data_layer(collection(zones), name=ZONES_LAYER)
        bind_info(zone_layer)
        zone_layer.add_to(m)
    announced = []
    for programme_id, feats in programme_features(network).items():
        programme = atlas.programmes[programme_id]
        band = data_layer(collection(feats), name=PROGRAMME_LAYER.format(name=programme.name))
        bind_info(band)
        band.add_to(m)
        if programme.announced:  # the band shows from the month it was announced
            announced.append((band, event_day(programme.announced)))
    keys = corridor_keys(network, today=today)
    corridor_layers = []
    for mode, status in keys:
        layer = CorridorLayer(data, name=layer_label(mode, status), mode=mode, status=status)
        layer.add_to(m)
        corridor_layers.append(layer)
    kinds = [k for k in PLACE_KINDS if any(p.kind == k for p in atlas.places.values())]
    points = sum(1 for p in atlas.places.values() if p.area is None)
    from_zoom = marker_zooms(points, kinds)
    places = PlaceLayer(data, name=PLACES_LAYER, kinds=kinds, pane=PLACES_PANE, from_zoom=from_zoom)
    places.add_to(m)
    add_place_labels(m, atlas, layer=places, data=data, marker_zoom=from_zoom)

    # the month control: the network as it stood in each month since 2008
    add_from_month(m, announced)
    add_month_control(m, data, corridor_layers, today=today)
    modes = [m_ for m_ in MODES if any(k[0] == m_ for k in keys)]
    statuses = [s for s in STATUSES if any(k[1] == s for k in keys)]
    bands = [
        {"label": f"Programme: {atlas.programmes[pid].name}", "color": PROGRAMME_COLOR, "weight": 9}
        for pid in programme_features(network)
    ]
    add_legend(m, mode_legend(modes) + status_legend(statuses) + bands, title="Corridors")
    add_legend(m, kind_legend(kinds), title="Places", position="bottomleft")
    if atlas.programmes:
        names = ", ".join(p.name for p in atlas.programmes.values())
        add_info_panel(
            m,
            [programme_popup(atlas, p) for p in atlas.programmes.values()],
            title=f"Programmes: {names}",
            css_class="corridors-programmes",
            position="bottomleft",
        )
    add_route_panel(m, network, data=data)  # routing inside the page (maps/route_panel.py)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m
