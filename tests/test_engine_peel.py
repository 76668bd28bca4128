"""The compiled engine's shortcuts give the Python core's answers exactly (issue 13 item 2).

Three shortcuts: dead ends peeled off the graph (``routing/peel.py``: a matrix searches the
core plus the branches to its hubs, a route the core plus upward entries), a port's nodes
joined at zero cost searched once (``compiled._joined_at_zero``), and matrix cells built from
numpy (``matrix._array_values``). Each is checked against the plain way on generated networks
whose sources and targets are chosen where the shortcuts bite: in dead ends, at ports.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402

from corridors.network.index import Network, build_index  # noqa: E402
from corridors.routing import compiled, matrix, peel  # noqa: E402
from corridors.routing.options import make_options  # noqa: E402
from corridors.routing.search import costs_between, edge_costs, shortest_path  # noqa: E402

OPTIONS = [make_options(include_proposed=True), make_options(by="time", transfer_hours=3.0)]


@pytest.fixture(scope="module")
def network() -> Network:
    atlas = generate.load(generate.generate(1500, seed=11))
    return Network(atlas, build_index(atlas=atlas))


def _peeled(network: Network, options):  # noqa: ANN001, ANN202
    index = network.index
    graph = compiled.compile_graph(index, edge_costs(index, options), key=options.key)
    return graph, peel.peel(index, graph.matrix, key=options.key)


@pytest.mark.parametrize("options", OPTIONS, ids=["distance", "time"])
def test_the_core_is_what_peeling_leaves(network: Network, options) -> None:  # noqa: ANN001
    graph, peeled = _peeled(network, options)
    m = graph.matrix
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    alive = peeled.alive
    in_core = alive[rows] & alive[m.indices]
    degree = np.bincount(rows[in_core], minlength=m.shape[0])
    assert (degree[alive] >= 2).all()  # nothing left to peel
    assert 0 < alive.sum() < len(alive)  # the generated network has both
    # A peeled node hung from a neighbour (or from nothing: an isolated piece), and following
    # the nodes it hung from ends in the core or in a peeled piece of no core.
    neighbours = set(zip(rows.tolist(), m.indices.tolist(), strict=True))
    for node in np.flatnonzero(~alive).tolist():
        up = int(peeled.parent[node])
        assert up == -1 or (node, up) in neighbours
    # The upward matrix: the core's entries both ways, one entry up from each peeled node.
    up_rows = np.repeat(np.arange(m.shape[0]), np.diff(peeled.upward.indptr))
    up_pairs = set(zip(up_rows.tolist(), peeled.upward.indices.tolist(), strict=True))
    core_pairs = {(a, b) for a, b in neighbours if alive[a] and alive[b]}
    hung = {(n, int(peeled.parent[n])) for n in np.flatnonzero(~alive).tolist()}
    assert up_pairs == core_pairs | {(a, b) for a, b in hung if b >= 0}


def _dead_ends(network: Network, peeled: peel.Peeled, modes: set[str]) -> list[str]:
    """Places with a node peeled off (a route or a hub there starts in a dead end)."""
    return [
        place
        for place in network.atlas.places
        if any(not peeled.alive[n] for n in network.nodes_of(place, modes))
    ]


@pytest.mark.parametrize("options", OPTIONS, ids=["distance", "time"])
def test_routes_from_and_to_dead_ends_are_the_python_core_s(
    network: Network,
    options,  # noqa: ANN001
) -> None:
    _, peeled = _peeled(network, options)
    modes = set(options.modes)
    dead = _dead_ends(network, peeled, modes)
    places = [p for p in network.atlas.places if network.nodes_of(p, modes)]
    rng = random.Random(3)
    pairs = [(rng.choice(dead), rng.choice(places)) for _ in range(40)]
    pairs += [(rng.choice(places), rng.choice(dead)) for _ in range(40)]  # target peeled
    pairs += [(rng.choice(dead), rng.choice(dead)) for _ in range(20)]
    found = 0
    for a, b in pairs:
        sources, targets = network.nodes_of(a, modes), set(network.nodes_of(b, modes))
        python = shortest_path(network.index, sources, targets, options, engine="python")
        scipy = shortest_path(network.index, sources, targets, options, engine="scipy")
        assert python == scipy, (a, b)
        found += python is not None
    assert found > 50


@pytest.mark.parametrize("peel_min_nodes", [0, 10**12], ids=["peeled", "whole"])
@pytest.mark.parametrize("options", OPTIONS, ids=["distance", "time"])
def test_matrices_over_dead_ends_and_ports_are_the_python_core_s(
    network: Network,
    options,  # noqa: ANN001
    peel_min_nodes: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compiled, "PEEL_MIN_NODES", peel_min_nodes)
    monkeypatch.setattr(compiled, "PEEL_MIN_SOURCES", peel_min_nodes)
    _, peeled = _peeled(network, options)
    modes = set(options.modes)
    dead = _dead_ends(network, peeled, modes)
    ports = [p for p, place in network.atlas.places.items() if place.kind == "port"]
    ports = [p for p in ports if len(network.nodes_of(p, modes)) > 1]
    rng = random.Random(8)
    hubs = rng.sample(dead, 25) + rng.sample(ports, 25)
    groups = [network.nodes_of(h, modes) for h in hubs] + [[]]
    groups.append(groups[0] + groups[-2])  # a group of a dead end and a port
    python = costs_between(network.index, groups, groups, options, engine="python")
    scipy = costs_between(network.index, groups, groups, options, engine="scipy")
    assert python == scipy
    # Other targets than sources (not one list): the same.
    python = costs_between(network.index, groups, groups[::-1], options, engine="python")
    scipy = costs_between(network.index, groups, groups[::-1], options, engine="scipy")
    assert python == scipy
    assert sum(math.isfinite(v) for row in python for v in row) > 1000


def test_a_port_joined_at_zero_cost_is_searched_once(network: Network) -> None:
    """By distance a port's rail and sea nodes are one search; by time (a transfer costs
    hours) they stay two."""
    ports = [p for p, place in network.atlas.places.items() if place.kind == "port"]
    for options, expected in ((OPTIONS[0], 1), (OPTIONS[1], 2)):
        graph, _ = _peeled(network, options)
        modes = set(options.modes)
        groups = [network.nodes_of(p, modes) for p in ports]
        joined = [g for g in groups if len(g) == 2]
        assert joined
        kept = compiled._joined_at_zero(graph, joined, network.index.node_count)
        transfers = [
            g
            for g, k in zip(joined, kept, strict=True)
            if any(network.index.edge_mode[e] == "transfer" for e in _edges_between(network, g))
        ]
        assert transfers
        for group, left in zip(joined, kept, strict=True):
            if group in transfers:
                assert len(left) == expected and left[0] == min(group)


def _edges_between(network: Network, group: list[int]) -> list[int]:
    index = network.index
    a, b = group
    return [e for e in range(index.edge_count) if {index.edge_u[e], index.edge_v[e]} == {a, b}]


def test_matrix_cells_from_numpy_are_the_list_cells() -> None:
    rng = np.random.default_rng(4)
    rows = rng.random((30, 30)) * 1000
    rows[rng.random((30, 30)) < 0.1] = math.inf
    rows[3, 3] = math.inf  # an unreachable place on the diagonal stays None
    from_list = matrix._values(rows.tolist())
    from_array = matrix._values(rows)
    assert from_list == from_array
    assert from_array[3][3] is None and from_array[4][4] == 0.0
    assert all(type(v) is float for row in from_array for v in row if v is not None)
    assert matrix._values(np.zeros((0, 0))) == ()
