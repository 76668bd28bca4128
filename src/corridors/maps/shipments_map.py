"""``shipments.html``: every shipment leg drawn along its route in the graph, played in time.

Each leg is routed over corridors of its own mode (``include_proposed=True``: the pilot sea
lanes are not ``operating``), drawn in its shipment's colour, its width growing with the
square root of the tonnes (so area, not width, reads as quantity). An even day axis
(:mod:`corridors.maps.timebar`) plays the legs, cumulative or in a window, with a filter per
shipment, each leg at its own pixel offset where legs share the way, and a panel of the
tonnes delivered to each destination by the date.
"""

from __future__ import annotations

import calendar
import datetime
import math
from dataclasses import dataclass
from typing import Any

import folium

from corridors.atlas.model import PLACE_KINDS, Atlas, Leg, Shipment, final_legs, total_tonnes
from corridors.maps.base import PLACES_PANE, ROUTE_PANE, data_layer, new_map
from corridors.maps.controls import add_legend, add_panel, bind_info
from corridors.maps.features import (
    bounds,
    clean_line,
    collection,
    feature,
    fmt_km,
    fmt_tonnes,
    place_features,
    source_links,
)
from corridors.maps.labels import add_place_labels
from corridors.maps.style import MODE_LABELS, faded_style, kind_legend
from corridors.maps.timebar import SHIPMENT_COLORS, add_shipments_timebar, leg_offsets
from corridors.network.index import Network

SHIPMENTS_LAYER = "Shipments"
NETWORK_LAYER = "Network (rail and sea)"
PLACES_LAYER = "Ports and stations"
MIN_WEIGHT, MAX_EXTRA_WEIGHT = 2.0, 10.0
LEGEND_TONNES = (1_000, 10_000, 50_000, 100_000, 150_000)


@dataclass(frozen=True)
class LegPath:
    """A shipment leg with the line it is drawn along."""

    shipment: Shipment
    leg: Leg
    coords: tuple[tuple[float, float], ...]
    distance_km: float | None  # None: no route in the graph, drawn straight
    corridors: tuple[str, ...]


def route_legs(network: Network) -> tuple[list[LegPath], list[str]]:
    """Each shipment leg along its route in the graph; a leg with no route is drawn straight."""
    from corridors.routing.shipments import routed_legs

    atlas = network.atlas
    paths: list[LegPath] = []
    warnings: list[str] = []
    for routed in routed_legs(network):
        shipment, leg = routed.shipment, routed.leg
        if routed.route is None:
            a, b = atlas.places[leg.start], atlas.places[leg.end]
            warnings.append(
                f"shipment '{shipment.id}': {leg.mode} leg {leg.start} -> {leg.end} "
                f"drawn as a straight line: {routed.error}"
            )
            paths.append(LegPath(shipment, leg, (a.coord, b.coord), None, ()))
        else:
            found = routed.route
            paths.append(
                LegPath(shipment, leg, found.coords, found.distance_km, found.edge_corridors)
            )
    return paths, warnings


def leg_weight(tonnes: float, max_tonnes: float) -> float:
    """Line width in pixels: 2 px plus up to 10 px by the square root of the tonnes."""
    share = math.sqrt(tonnes / max_tonnes) if max_tonnes > 0 else 0.0
    return round(MIN_WEIGHT + MAX_EXTRA_WEIGHT * share, 2)


def full_date(text: str, *, end: bool) -> str:
    """'2014-11' as its first (or, with `end`, last) day; full dates unchanged."""
    if len(text) == 10:
        return text
    year, month = int(text[:4]), int(text[5:7])
    day = calendar.monthrange(year, month)[1] if end else 1
    return f"{text}-{day:02d}"


def timeline(paths: list[LegPath]) -> list[str]:
    """Every day a leg starts or ends, in order: the days on which the map changes."""
    days = {full_date(p.leg.start_date, end=False) for p in paths}
    days |= {full_date(p.leg.end_date, end=True) for p in paths}
    return sorted(days)


def leg_popup(atlas: Atlas, path: LegPath) -> dict[str, Any]:
    """Popup of one leg: ship, dates, cargo, tonnes, consignee, route and sources."""
    shipment, leg = path.shipment, path.leg
    places = atlas.places
    dates = (
        leg.start_date
        if leg.start_date == leg.end_date
        else f"{leg.start_date} \u2013 {leg.end_date}"
    )
    rows = [
        ["Leg", f"{MODE_LABELS[leg.mode]}: {places[leg.start].name} \u2192 {places[leg.end].name}"],
        ["Ship", leg.ship or "\u2014"],
        ["Dates", dates],
        ["Cargo", shipment.cargo],
        ["Tonnes", fmt_tonnes(leg.tonnes)],
        ["Consignee", leg.consignee or shipment.consignee or "\u2014"],
    ]
    if path.distance_km is None:
        rows.append(["Distance", "no route in the atlas: drawn as a straight line"])
    else:
        rows.append(["Distance", fmt_km(path.distance_km)])
        names = [atlas.corridors[c].name for c in path.corridors if c in atlas.corridors]
        if names:
            rows.append(["Along", " \u2192 ".join(dict.fromkeys(names))])
    if leg.note:
        rows.append(["Note", leg.note])
    return {
        "title": shipment.name,
        "rows": rows,
        "links": source_links(atlas, leg.sources or shipment.sources),
    }


def destination_totals(atlas: Atlas) -> list[tuple[str, float, int]]:
    """(destination name, tonnes, legs) per final destination, largest first.

    A leg is final when its shipment has no leg leaving from where it arrives
    (:func:`corridors.atlas.model.final_legs`). The panel's total is
    :func:`corridors.atlas.model.total_tonnes`, the figure ``list shipments`` prints; ``check``
    requires each shipment's final legs to add up to its tonnes, so the rows add up to it.
    """
    totals: dict[str, list[float]] = {}
    for shipment in atlas.shipments.values():
        for leg in final_legs(shipment):
            entry = totals.setdefault(leg.end, [0.0, 0])
            entry[0] += leg.tonnes
            entry[1] += 1
    rows = [(atlas.places[p].name, t, int(n)) for p, (t, n) in totals.items()]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def network_features(network: Network) -> list[dict[str, Any]]:
    return [
        feature(
            c.id,
            {"type": "LineString", "coordinates": clean_line(c.coords)},
            {"style": faded_style(c.mode, c.status)},
        )
        for c in network.atlas.corridors.values()
        if c.mode in ("rail", "sea")
    ]


def shipments_map(network: Network, *, offline: bool) -> tuple[folium.Map, list[str]]:
    """The shipments map and the warnings (legs with no route in the graph)."""
    atlas = network.atlas
    paths, warnings = route_legs(network)
    max_tonnes = max((p.leg.tonnes for p in paths), default=0.0)
    number = {sid: k for k, sid in enumerate(atlas.shipments)}
    feats = []
    for i, path in enumerate(paths):
        leg = path.leg
        style: dict[str, object] = {
            "color": shipment_color(number[path.shipment.id]),
            "weight": leg_weight(leg.tonnes, max_tonnes),
            "opacity": 0.85,
            "className": f"corridors-leg corridors-leg-{leg.mode}",
        }
        if path.distance_km is None:
            style["dashArray"] = "4 8"
        props = {
            "name": f"{path.shipment.name} \u2013 {MODE_LABELS[leg.mode].lower()} leg",
            "shipment": path.shipment.id,
            "mode": leg.mode,
            "start": leg.start_date,
            "end": leg.end_date,
            "tonnes": leg.tonnes,
            "popup": leg_popup(atlas, path),
            "style": style,
        }
        geometry = {"type": "LineString", "coordinates": clean_line(path.coords)}
        feats.append(feature(f"leg-{i}", geometry, props))

    lines = [f["geometry"]["coordinates"] for f in feats]
    if not lines:
        lines = [[[c[0], c[1]] for c in corr.coords] for corr in atlas.corridors.values()]
    m = new_map(bounds(lines), offline=offline)
    data_layer(collection(network_features(network)), name=NETWORK_LAYER, interactive=False).add_to(
        m
    )
    layer = data_layer(collection(feats), name=SHIPMENTS_LAYER, pane=ROUTE_PANE)
    bind_info(layer)
    layer.add_to(m)
    stops = [p for path in paths for p in (path.leg.start, path.leg.end)]
    places = data_layer(
        collection(place_features(atlas, stops)), name=PLACES_LAYER, points=True, pane=PLACES_PANE
    )
    bind_info(places, sticky=False)
    places.add_to(m)
    add_place_labels(m, atlas, stops, layer=places, min_zoom=0)  # a few stops: all named
    if feats:
        add_timebar(m, layer, atlas, paths, feats)
    else:  # no shipment: the static totals
        add_panel(
            m,
            title="Tonnes delivered per destination",
            columns=["Destination", "Tonnes", "Legs"],
            rows=[],
            footer=["Total", fmt_tonnes(total_tonnes(atlas.shipments.values())), "0"],
            numeric=[False, True, True],
            css_class="corridors-totals",
        )
    legend = [
        {"label": fmt_tonnes(t), "color": "#555555", "weight": leg_weight(t, max_tonnes)}
        for t in LEGEND_TONNES
        if t <= max_tonnes
    ]
    add_legend(m, legend, title="Shipments (width: tonnes)")
    kinds = [k for k in PLACE_KINDS if any(atlas.places[p].kind == k for p in stops)]
    add_legend(m, kind_legend(kinds), title="Places", position="bottomleft")  # as on the atlas
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m, warnings


def day_of(text: str, *, end: bool) -> datetime.date:
    """A leg date ('2014-11' or '2014-11-27') as its first (or, with `end`, last) day."""
    return datetime.date.fromisoformat(full_date(text, end=end))


def add_timebar(
    m: folium.Map,
    layer: folium.GeoJson,
    atlas: Atlas,
    paths: list[LegPath],
    feats: list[dict[str, Any]],
) -> None:
    """The day axis, shipment filter and tonnes panel (:mod:`corridors.maps.timebar`): one
    colour and one checkbox per shipment, each leg at its own pixel offset, the tonnes of the
    final legs delivered by the date per destination (rows as :func:`destination_totals`)."""
    number = {sid: k for k, sid in enumerate(atlas.shipments)}
    offsets = leg_offsets(
        [f["geometry"]["coordinates"] for f in feats],
        [float(f["properties"]["style"]["weight"]) for f in feats],
    )
    legs = {
        f["id"]: (
            day_of(p.leg.start_date, end=False),
            day_of(p.leg.end_date, end=True),
            number[p.shipment.id],
            off,
        )
        for f, p, off in zip(feats, paths, offsets, strict=True)
    }
    names = [name for name, _, _ in destination_totals(atlas)]
    finals = [
        (
            names.index(atlas.places[leg.end].name),
            leg.tonnes,
            day_of(leg.end_date, end=True),
            number[shipment.id],
        )
        for shipment in atlas.shipments.values()
        for leg in final_legs(shipment)
    ]
    add_shipments_timebar(
        m,
        layer,
        first_day=min(v[0] for v in legs.values()),
        last_day=max(v[1] for v in legs.values()),
        legs=legs,
        shipments=[(s.name, shipment_color(number[s.id])) for s in atlas.shipments.values()],
        destinations=names,
        finals=finals,
    )


def shipment_color(number: int) -> str:
    """The colour of the shipment with this number (atlas order)."""
    return SHIPMENT_COLORS[number % len(SHIPMENT_COLORS)]
