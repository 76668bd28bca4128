"""``atlas.html``: every corridor and place, one switchable layer per mode and status; zones as
areas; programmes in a panel (figures, sources), their member corridors highlighted."""

from __future__ import annotations

import datetime
from typing import Any

import folium

from corridors.atlas.model import MODES, PLACE_KINDS, STATUSES
from corridors.atlas.timeline import state_on
from corridors.maps.base import PLACES_PANE, data_layer, new_map
from corridors.maps.controls import add_info_panel, add_legend, bind_info
from corridors.maps.features import (
    bounds,
    clean_line,
    collection,
    corridor_popup,
    feature,
    place_features,
    programme_popup,
    zone_features,
)
from corridors.maps.labels import add_place_labels
from corridors.maps.route_panel import add_route_panel
from corridors.maps.style import (
    PROGRAMME_COLOR,
    corridor_style,
    kind_legend,
    layer_label,
    mode_legend,
    programme_style,
    status_legend,
)
from corridors.maps.timebar import atlas_datebar
from corridors.network.index import Network
from corridors.network.listing import corridor_lengths_km

PLACES_LAYER = "Places"
ZONES_LAYER = "Zones"
PROGRAMME_LAYER = "Programme \u2013 {name}"


def corridor_groups(network: Network) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Corridor features grouped by (mode, status), in MODES then STATUSES order."""
    atlas = network.atlas
    lengths = corridor_lengths_km(network)
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    today = datetime.date.today()  # the map shows each corridor's status on the day it is built
    for corridor in atlas.corridors.values():
        state = state_on(corridor, today)
        if state is None:
            continue  # its history has not begun yet
        status = state.status
        coords = clean_line(corridor.coords)
        popup = corridor_popup(atlas, corridor, lengths.get(corridor.id, 0.0), state)
        programmes = [p.name for p in atlas.programmes.values() if corridor.id in p.members]
        if programmes:
            popup["rows"].append(["Programme", ", ".join(programmes)])
        props = {
            "name": corridor.name,
            "mode": corridor.mode,
            "status": status,
            "popup": popup,
            "style": corridor_style(corridor.mode, status),
        }
        geometry = {"type": "LineString", "coordinates": coords}
        groups.setdefault((corridor.mode, status), []).append(feature(corridor.id, geometry, props))
    order = {(m, s): i for i, (m, s) in enumerate((m, s) for m in MODES for s in STATUSES)}
    return dict(sorted(groups.items(), key=lambda item: order[item[0]]))


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
    names = [layer_label(mode, status) for mode, status in corridor_groups(network)]
    return [*zones, *bands, *names, PLACES_LAYER]


def atlas_map(network: Network, *, offline: bool) -> folium.Map:
    """The whole atlas: corridors by mode and status, places by kind, legend, layer control."""
    atlas = network.atlas
    groups = corridor_groups(network)
    lines = [f["geometry"]["coordinates"] for feats in groups.values() for f in feats]
    if not lines:
        lines = [[[p.lon, p.lat] for p in atlas.places.values()]]
    m = new_map(bounds(lines), offline=offline)
    zones = zone_features(atlas)
    if zones:  # first, so lines and points are drawn over the areas
        zone_layer = data_layer(collection(zones), name=ZONES_LAYER)
        bind_info(zone_layer)
        zone_layer.add_to(m)
    for programme_id, feats in programme_features(network).items():
        name = PROGRAMME_LAYER.format(name=atlas.programmes[programme_id].name)
        band = data_layer(collection(feats), name=name)
        bind_info(band)
        band.add_to(m)
    corridor_layers = []
    for (mode, status), feats in groups.items():
        layer = data_layer(collection(feats), name=layer_label(mode, status))
        bind_info(layer)
        layer.add_to(m)
        corridor_layers.append(layer)
    places = data_layer(
        collection(place_features(atlas)), name=PLACES_LAYER, points=True, pane=PLACES_PANE
    )
    bind_info(places, sticky=False)
    places.add_to(m)
    add_place_labels(m, atlas, layer=places)

    # the month control: the network as it stood in each month since 2008 (maps/timebar.py)
    _, shown = atlas_datebar(m, network, corridor_layers, today=datetime.date.today())
    modes = [m_ for m_ in MODES if any(k[0] == m_ for k in groups)]
    statuses = [s for s in STATUSES if any(k[1] == s for k in groups) or s in shown]
    kinds = [k for k in PLACE_KINDS if any(p.kind == k for p in atlas.places.values())]
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
    add_route_panel(m, network)  # routing inside the page (maps/route_panel.py)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m
