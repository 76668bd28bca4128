"""The one search core: every engine gives identical costs and edge sequences (issue 9).

``corridors.routing.search`` holds the only edge-cost function and the only Dijkstra; the
scipy engine (``corridors.routing.compiled``) may replace the core behind the same two
functions. These tests prove the engines agree exactly (``==``, not approximately) on the
shipped atlas and on larger generated networks, for every kind of route options.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402

from corridors.errors import UsageError  # noqa: E402
from corridors.network.index import Network, build_index  # noqa: E402
from corridors.network.load import load_network  # noqa: E402
from corridors.network.terms import TRANSFER  # noqa: E402
from corridors.routing.options import make_options  # noqa: E402
from corridors.routing.search import (  # noqa: E402
    SCIPY_MIN_EDGES,
    SCIPY_MIN_WORK,
    choose_engine,
    costs_between,
    edge_costs,
    shortest_path,
)

OPTIONS = [
    make_options(),
    make_options(include_proposed=True),
    make_options(include_proposed=True, by="time", transfer_hours=7.5),
    make_options(include_proposed=True, by="time", speeds_kmh={"rail": 31.0, "sea": 19.5}),
    make_options(modes=["rail"], include_proposed=True),
    make_options(modes=["sea"], statuses=["operating", "proposed"]),
    make_options(modes=["power"], include_proposed=True),
    make_options(modes=["pipeline"], include_proposed=True),
]
IDS = [f"{o.by}-{'+'.join(o.modes)}-{len(o.statuses)}" for o in OPTIONS]


@pytest.fixture(scope="module")
def shipped() -> Network:
    return load_network(use_cache=False, quiet=True)


@pytest.fixture(scope="module")
def generated() -> Network:
    atlas = generate.load(generate.generate(3000, seed=9))
    return Network(atlas, build_index(atlas=atlas))


def _places(network: Network, modes: set[str]) -> list[str]:
    return [p for p in network.atlas.places if network.nodes_of(p, modes)]


def _assert_engines_agree(network: Network, options, pairs) -> int:  # noqa: ANN001
    """Both engines on every pair: identical results. Returns how many pairs had a path."""
    modes, index, found = set(options.modes), network.index, 0
    for a, b in pairs:
        sources, targets = network.nodes_of(a, modes), set(network.nodes_of(b, modes))
        python = shortest_path(index, sources, targets, options, engine="python")
        scipy = shortest_path(index, sources, targets, options, engine="scipy")
        assert python == scipy, (a, b)
        if python is not None:
            found += 1
            costs = edge_costs(index, options)
            assert all(math.isfinite(costs[e]) for e in python[1])
    hubs = [network.nodes_of(p, modes) for p, _ in pairs[:40]]
    python_rows = costs_between(index, hubs, hubs, options, engine="python")
    scipy_rows = costs_between(index, hubs, hubs, options, engine="scipy")
    assert python_rows == scipy_rows
    return found


@pytest.mark.parametrize("options", OPTIONS, ids=IDS)
def test_engines_identical_on_the_shipped_atlas(shipped: Network, options) -> None:  # noqa: ANN001
    pairs = list(itertools.permutations(_places(shipped, set(options.modes)), 2))
    found = _assert_engines_agree(shipped, options, pairs)
    if options.modes != ("pipeline",):  # the shipped atlas has one pipeline, maybe no route
        assert found > 0


@pytest.mark.parametrize("options", OPTIONS[:6], ids=IDS[:6])
def test_engines_identical_on_a_generated_network(generated: Network, options) -> None:  # noqa: ANN001
    rng = random.Random(21)
    places = _places(generated, set(options.modes))
    pairs = [tuple(rng.sample(places, 2)) for _ in range(60)]
    found = _assert_engines_agree(generated, options, pairs)
    assert found > 0


def test_one_edge_cost_function(shipped: Network) -> None:
    """Costs by hand: km or hours by mode, transfers, and inf where the edge is not allowed."""
    index = shipped.index
    every = {"include_proposed": True, "include_closed": True}
    by_km = edge_costs(index, make_options(**every))
    by_time = edge_costs(index, make_options(**every, by="time", transfer_hours=5))
    rail_only = edge_costs(index, make_options(modes=["rail"], **every))
    operating = edge_costs(index, make_options(in_service=True))
    kinds = set()
    for edge, mode in enumerate(index.edge_mode):
        km = index.edge_length_m[edge] / 1000.0
        if mode == TRANSFER:
            assert (by_km[edge], by_time[edge], rail_only[edge]) == (0.0, 5.0, math.inf)
        elif mode in ("rail", "sea"):
            assert by_km[edge] == km
            assert by_time[edge] == km / {"rail": 40.0, "sea": 12 * 1.852}[mode]
            assert rail_only[edge] == (km if mode == "rail" else math.inf)
            in_service = index.edge_status[edge] in ("operating", "pilot")
            assert operating[edge] == (km if in_service else math.inf)
        else:
            assert by_km[edge] == math.inf  # energy lines never carry freight
        kinds.add(mode)
    assert {"rail", "sea", TRANSFER} <= kinds


def test_costs_are_kept_by_the_index_that_owns_them(shipped: Network) -> None:
    options = make_options(include_proposed=True)
    costs = edge_costs(shipped.index, options)
    assert edge_costs(shipped.index, make_options(include_proposed=True)) is costs
    copy = dataclasses.replace(shipped.index)
    assert edge_costs(copy, options) is not costs  # another index keeps its own
    assert edge_costs(copy, options) == costs


def test_choose_engine() -> None:
    assert choose_engine("auto", searches=1, edges=500) == "python"
    assert choose_engine("auto", searches=1, edges=SCIPY_MIN_EDGES) == "scipy"
    assert choose_engine("auto", searches=SCIPY_MIN_WORK // 1000, edges=1000) == "scipy"
    assert choose_engine("scipy", searches=1, edges=1) == "scipy"
    with pytest.raises(UsageError, match="`engine` must be one of auto, python, scipy"):
        choose_engine("fast", searches=1, edges=1)


def test_cli_shows_flags_where_the_library_names_parameters() -> None:
    from corridors.cli.app import _as_flags

    message = "`by` must be 'distance' or 'time'; set `include_proposed`; `engine` stays"
    assert _as_flags(message) == (
        "--by must be 'distance' or 'time'; set --include-proposed; `engine` stays"
    )


def test_route_table_lives_with_routing(shipped: Network) -> None:
    """The README's route table is measured by routing, whatever prints it."""
    from corridors.routing.table import ROUTE_TABLE, route_table

    rows = route_table(shipped)
    assert len(rows) == len(ROUTE_TABLE)  # the shipped atlas answers every route
    khasan_pohang = next(r for r in rows if (r["from"], r["to"]) == ("khasan", "pohang"))
    assert khasan_pohang["modes"] == "rail,sea"
    assert khasan_pohang["distance_km"] == pytest.approx(750.0, abs=0.05)
