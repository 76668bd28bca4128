"""``corridors compare SCENARIO --map FILE``: the alternatives drawn and labelled.

One layer per alternative (its own colour), each line to a destination with a tooltip naming
the alternative, the destination and its USD, days and kg CO2e per tonne; the shared long
haul from an atlas origin drawn once, in its own layer; the network faded underneath; a panel
with the comparison and the long haul (an origin off the atlas has no position: its long
haul is only named). Data reaches the page only as GeoJSON and panel text (rendered by
:mod:`corridors.maps.safe_render` through :func:`corridors.maps.base.write_html`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import folium

from corridors.maps.base import PLACES_PANE, ROUTE_PANE, data_layer, new_map, write_html
from corridors.maps.controls import add_legend, add_panel, bind_info
from corridors.maps.features import bounds, clean_line, collection, feature, place_features
from corridors.maps.labels import add_place_labels
from corridors.maps.style import faded_style
from corridors.network.index import Network
from corridors.routing.cost_params import CostParams
from corridors.routing.scenario import Outcome, Scenario, alternative_lines, scenario_long_haul

# Colour-blind-safe (Okabe-Ito), distinct from nothing on the faded network below.
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
LONG_HAUL_COLOR = "#333333"
LONG_HAUL_LAYER = "Long haul (shared)"


def _label(outcome: Outcome, destination: str) -> str:
    c = outcome.costed
    return (
        f"{outcome.alternative} \u2192 {destination}: USD {c.cost_usd_per_t:,.2f}/t, "
        f"{c.days:,.1f} days, {c.co2e_kg_per_t:,.1f} kg CO2e/t"
    )


def scenario_map(
    network: Network,
    scenario: Scenario,
    params: CostParams,
    outcomes: Sequence[Outcome],
    *,
    offline: bool = True,
    flows_mt: Mapping[tuple[str, str], float] | None = None,
) -> folium.Map:
    """The map of a comparison (see the module docstring); with ``flows_mt`` (Mt/yr by
    (alternative, destination), from ``corridors flow``) only the pairs that carry a flow,
    each as wide as its flow."""
    if flows_mt is not None:
        outcomes = [o for o in outcomes if flows_mt.get((o.alternative, o.destination), 0) > 0]
    atlas = network.atlas
    places = atlas.places
    present = {o.alternative for o in outcomes}
    number = {a.name: i for i, a in enumerate(scenario.alternatives, 1)}  # as in the file
    alternatives = [a.name for a in scenario.alternatives if a.name in present]
    colour = {a: PALETTE[(number[a] - 1) % len(PALETTE)] for a in alternatives}
    by_name = {a.name: a for a in scenario.alternatives}
    layers: dict[str, list[dict[str, Any]]] = {a: [] for a in alternatives}
    origin = scenario.origin
    haul = scenario_long_haul(network, scenario, params)
    haul_label = (
        f"Long haul {origin.name} \u2192 {places[origin.joins].name}: "
        f"{haul.distance_km:,.0f} km by {origin.mode}, shared by every alternative"
    )
    haul_features = [
        feature(
            f"haul-{k}",
            {"type": "LineString", "coordinates": clean_line(coords)},
            {
                "name": haul_label,
                "popup": {"title": "Long haul", "rows": [["", haul_label]], "links": []},
                "style": {
                    "color": LONG_HAUL_COLOR,
                    "weight": 5.0,
                    "opacity": 0.7,
                    **({"dashArray": "10 6"} if mode == "rail" else {}),
                },
            },
        )
        for k, (mode, coords) in enumerate(haul.lines)
    ]
    stops: list[str] = [*([origin.place] if origin.place else []), origin.joins]
    for n, outcome in enumerate(outcomes):
        chosen = by_name[outcome.alternative]
        lines = alternative_lines(network, scenario, chosen, outcome.destination, params)
        label = _label(outcome, places[outcome.destination].name)
        weight = 5.0
        if flows_mt is not None:
            mt = flows_mt[(outcome.alternative, outcome.destination)]
            label += f", {mt:,.3g} Mt/yr"
            weight = 2.0 + 2.0 * mt
        stops += [*chosen.via, outcome.destination]
        for k, (mode, coords) in enumerate(lines):
            style = {"color": colour[outcome.alternative], "weight": weight, "opacity": 0.7}
            if mode == "rail":
                style["dashArray"] = "10 6"
            layers[outcome.alternative].append(
                feature(
                    f"alt-{n}-{k}",
                    {"type": "LineString", "coordinates": clean_line(coords)},
                    {
                        "name": label,
                        "popup": {"title": outcome.alternative, "rows": [["", label]], "links": []},
                        "style": style,
                    },
                )
            )
    every = [f["geometry"]["coordinates"] for fs in layers.values() for f in fs]
    every += [f["geometry"]["coordinates"] for f in haul_features]
    m = new_map(bounds(every), offline=offline)
    faded = [
        feature(
            c.id,
            {"type": "LineString", "coordinates": clean_line(c.coords)},
            {"style": faded_style(c.mode, c.status)},
        )
        for c in atlas.corridors.values()
    ]
    data_layer(collection(faded), name="Network", interactive=False).add_to(m)
    # Layer names are not data: the layer control writes them as HTML. The names of the
    # alternatives reach the page only in the legend, tooltips and panel (text).
    if haul_features:
        haul_layer = data_layer(collection(haul_features), name=LONG_HAUL_LAYER, pane=ROUTE_PANE)
        bind_info(haul_layer)
        haul_layer.add_to(m)
    for name in alternatives:
        layer = data_layer(
            collection(layers[name]), name=f"Alternative {number[name]}", pane=ROUTE_PANE
        )
        bind_info(layer)
        layer.add_to(m)
    stops = list(dict.fromkeys(stops))
    marks = data_layer(
        collection(place_features(atlas, stops)), name="Ports", points=True, pane=PLACES_PANE
    )
    bind_info(marks, sticky=False)
    marks.add_to(m)
    add_place_labels(m, atlas, stops, layer=marks, min_zoom=0)
    add_panel(
        m,
        title=(
            (
                f"{scenario.name} ({scenario.tonnes:,.0f} t by {scenario.vessel})"
                if flows_mt is None
                else f"{scenario.name}: least-cost annual flow, {sum(flows_mt.values()):,.3g} Mt/yr"
            )
            + "; long haul "
            f"{origin.name} \u2192 {places[origin.joins].name} {haul.distance_km:,.0f} km by "
            f"{origin.mode}, shared"
        ),
        columns=["Alternative", "Destination", "USD/t", "Days", "kg CO2e/t"]
        + ([] if flows_mt is None else ["Mt/yr"]),
        rows=[
            [
                o.alternative,
                places[o.destination].name,
                f"{o.costed.cost_usd_per_t:,.2f}",
                f"{o.costed.days:,.1f}",
                f"{o.costed.co2e_kg_per_t:,.1f}",
            ]
            + ([] if flows_mt is None else [f"{flows_mt[(o.alternative, o.destination)]:,.3g}"])
            for o in outcomes
        ],
        numeric=[False, False, True, True, True, True],
        css_class="corridors-route-panel",
    )
    legend = [{"label": f"{number[a]}. {a}", "color": colour[a], "weight": 5} for a in alternatives]
    if haul_features:
        legend.append({"label": LONG_HAUL_LAYER, "color": LONG_HAUL_COLOR, "weight": 5})
    legend += [
        {"label": "by rail (dashed)", "color": "#555555", "dash": "10 6", "weight": 3},
        {"label": "Other corridors", "color": "#7f8c8d", "weight": 2},
    ]
    add_legend(m, legend, title="Alternatives")
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    return m


def write_scenario_map(
    network: Network,
    scenario: Scenario,
    params: CostParams,
    outcomes: Sequence[Outcome],
    path: Path,
    *,
    offline: bool = True,
    flows_mt: Mapping[tuple[str, str], float] | None = None,
) -> Path:
    """Write the comparison (or, with ``flows_mt``, the flow) map to ``path``: self-contained
    HTML unless ``offline=False``."""
    m = scenario_map(network, scenario, params, outcomes, offline=offline, flows_mt=flows_mt)
    return write_html(m, path, offline=offline)


__all__ = ["scenario_map", "write_scenario_map"]
