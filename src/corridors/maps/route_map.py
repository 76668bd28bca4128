"""``corridors route FROM TO --map FILE``: a route's legs highlighted over the faded network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import folium

from corridors.atlas.model import PLACE_KINDS, STATUSES
from corridors.atlas.timeline import status_on
from corridors.geo.geodesy import km_to_nmi
from corridors.maps.base import PLACES_PANE, ROUTE_PANE, data_layer, new_map, write_html
from corridors.maps.controls import add_legend, add_panel, bind_info
from corridors.maps.features import (
    bounds,
    clean_line,
    collection,
    feature,
    fmt_km,
    place_features,
    source_links,
)
from corridors.maps.labels import add_place_labels
from corridors.maps.style import (
    MODE_COLORS,
    MODE_LABELS,
    STATUS_DASH,
    STATUS_LABELS,
    faded_style,
    kind_legend,
    status_legend,
)
from corridors.network.index import Network
from corridors.routing.route import Route, RouteLeg

NETWORK_LAYER = "Network"
ROUTE_LAYER = "Route"
PLACES_LAYER = "Stops"
HIT_STYLE = {"color": "#000000", "weight": 16, "opacity": 0, "className": "corridors-route-hit"}


def leg_distance(leg: RouteLeg) -> str:
    """'54.2 km', with nautical miles added for sea legs."""
    text = fmt_km(leg.distance_km)
    if leg.mode == "sea":
        text += f" ({km_to_nmi(leg.distance_km):,.0f} nmi)"
    return text


def _leg_style(leg: RouteLeg) -> dict[str, object]:
    """A leg drawn wide in its mode's colour, dashed by its status as on the atlas map."""
    style: dict[str, object] = {
        "color": MODE_COLORS.get(leg.mode, "#000000"),
        "weight": 6,
        "opacity": 0.9,
        "className": "corridors-route-leg",
    }
    dash = STATUS_DASH.get(leg.status)
    if dash:
        style["dashArray"] = dash
        style["lineCap"] = "butt"
    return style


def _leg_feature(network: Network, route: Route, number: int, leg: RouteLeg) -> dict[str, Any]:
    atlas = network.atlas
    places = atlas.places
    corridor = atlas.corridors.get(leg.corridor)
    rows = [
        ["Leg", f"{number} of {len(route.legs)}"],
        ["From", places[leg.start].name],
        ["To", places[leg.end].name],
        ["Mode", MODE_LABELS.get(leg.mode, leg.mode)],
        [
            "Status",
            f"{STATUS_LABELS.get(leg.status, leg.status)} on {route.as_of.isoformat()}"
            + ("" if leg.in_service else " (not in service)"),
        ],
        ["Distance", leg_distance(leg)],
    ]
    if leg.hours is not None:
        rows.append(["Time", f"{leg.hours:,.1f} h"])
    rows.append(["Route total", fmt_km(route.distance_km)])
    title = corridor.name if corridor is not None else leg.corridor
    props = {
        "name": f"{number}. {title}: {fmt_km(leg.distance_km)}",
        "popup": {
            "title": title,
            "rows": rows,
            "links": source_links(atlas, corridor.sources) if corridor is not None else [],
        },
        "style": _leg_style(leg),
    }
    geometry = {"type": "LineString", "coordinates": clean_line(leg.coords)}
    return feature(f"leg-{number}", geometry, props)


def route_map(network: Network, route: Route, *, offline: bool) -> folium.Map:
    """The route's legs (popups with distances), its stops, the network faded underneath and
    a panel listing every leg's distance and the total."""
    atlas = network.atlas
    legs = [_leg_feature(network, route, i, leg) for i, leg in enumerate(route.legs, 1)]
    m = new_map(bounds(f["geometry"]["coordinates"] for f in legs), offline=offline)
    day = {c.id: status_on(c, route.as_of) for c in atlas.corridors.values()}
    faded = [
        feature(
            c.id,
            {"type": "LineString", "coordinates": clean_line(c.coords)},
            {"style": faded_style(c.mode, day[c.id] or c.status)},
        )
        for c in atlas.corridors.values()
        if day[c.id] is not None  # the network of the route's day only
    ]
    data_layer(collection(faded), name=NETWORK_LAYER, interactive=False).add_to(m)
    # Under the legs, each leg again as a wide invisible line with the same tooltip and popup:
    # a dashed (not operating) leg is then clickable in its gaps too, and every leg easier to hit.
    hits = [
        feature(f"hit-{f['id']}", f["geometry"], {**f["properties"], "style": HIT_STYLE})
        for f in legs
    ]
    hit_layer = data_layer(collection(hits), name="Route hit area", control=False, pane=ROUTE_PANE)
    bind_info(hit_layer)
    hit_layer.add_to(m)
    layer = data_layer(collection(legs), name=ROUTE_LAYER, pane=ROUTE_PANE)
    bind_info(layer)
    layer.add_to(m)
    stops = [route.origin, *(p for leg in route.legs for p in (leg.start, leg.end))]
    places = data_layer(
        collection(place_features(atlas, stops)), name=PLACES_LAYER, points=True, pane=PLACES_PANE
    )
    bind_info(places, sticky=False)
    places.add_to(m)
    add_place_labels(m, atlas, stops, layer=places, min_zoom=0)  # a few stops: all named

    origin, destination = atlas.places[route.origin].name, atlas.places[route.destination].name
    rows = [
        [
            str(i),
            f"{atlas.places[leg.start].name} \u2192 {atlas.places[leg.end].name}",
            MODE_LABELS.get(leg.mode, leg.mode),
            leg_distance(leg),
        ]
        for i, leg in enumerate(route.legs, 1)
    ]
    total = fmt_km(route.distance_km)
    if route.hours is not None:
        total += f", {route.hours:,.1f} h"
    add_panel(
        m,
        title=f"{origin} \u2192 {destination}",
        columns=["#", "Leg", "Mode", "Distance"],
        rows=rows,
        footer=["", "Total", "", total],
        numeric=[True, False, False, True],
        css_class="corridors-route-panel",
    )
    modes = list(dict.fromkeys(leg.mode for leg in route.legs))
    legend = [
        {"label": f"{MODE_LABELS.get(x, x)} leg", "color": MODE_COLORS[x], "weight": 6}
        for x in modes
    ]
    statuses = [s for s in STATUSES if any(leg.status == s for leg in route.legs)]
    legend += status_legend(statuses)  # the atlas's order: modes, then statuses
    legend.append({"label": "Other corridors", "color": "#7f8c8d", "weight": 2})
    add_legend(m, legend, title="Route")
    kinds = [k for k in PLACE_KINDS if any(atlas.places[p].kind == k for p in stops)]
    add_legend(m, kind_legend(kinds), title="Places", position="bottomleft")  # as on the atlas
    folium.LayerControl(collapsed=False, position="topright").add_to(m)  # as on every map
    return m


def write_route_map(network: Network, route: Route, path: Path, *, offline: bool = True) -> Path:
    """Write the map of `route` to `path`: self-contained HTML (Leaflet inlined, no network)
    like every built map, or, with ``offline=False``, Leaflet and tiles from CDNs."""
    return write_html(route_map(network, route, offline=offline), Path(path), offline=offline)
