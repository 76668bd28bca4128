"""Every engine, and every benchmark peer, gives the same distances on random graphs.

The matrix engine searches a multi-node hub once (``min_only``) and batches one-node hubs;
these tests feed it every kind of group (empty, one node, several, repeated nodes) on
generated networks of different seeds, and compare with the pure-Python core exactly and
with the peers of ``benchmarks/peers.py`` (a smoke test of the benchmark code itself).
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402
import peers  # noqa: E402

from corridors.network.index import Network, build_index  # noqa: E402
from corridors.routing.options import make_options  # noqa: E402
from corridors.routing.search import costs_between, edge_costs, shortest_path  # noqa: E402


def _network(segments: int, seed: int) -> Network:
    atlas = generate.load(generate.generate(segments, seed=seed))
    return Network(atlas, build_index(atlas=atlas))


def _groups(network: Network, rng: random.Random, count: int) -> list[list[int]]:
    nodes = range(network.index.node_count)
    groups: list[list[int]] = [[]]
    for _ in range(count):
        size = rng.choice([1, 1, 2, 3])
        group = rng.sample(nodes, size)
        if rng.random() < 0.2:
            group.append(group[0])  # a repeated node
        groups.append(group)
    return groups


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_engines_agree_on_every_kind_of_group(seed: int) -> None:
    network = _network(400, seed)
    rng = random.Random(seed)
    for options in (make_options(include_proposed=True), make_options(by="time")):
        sources = _groups(network, rng, 70)  # more than one chunk of one-node groups
        targets = _groups(network, rng, 30)
        python = costs_between(network.index, sources, targets, options, engine="python")
        scipy = costs_between(network.index, sources, targets, options, engine="scipy")
        assert python == scipy
        assert any(math.isfinite(v) for row in python for v in row)


@pytest.mark.parametrize("name", peers.available())
def test_benchmark_peers_agree_with_ours(name: str) -> None:
    network = _network(300, 7)
    options = make_options(include_proposed=True)
    index = network.index
    rng = random.Random(5)
    hubs = [g for g in _groups(network, rng, 25) if g]
    ours = costs_between(index, hubs, hubs, options, engine="scipy")
    peer = peers.make(name, index, edge_costs(index, options))
    theirs = peer.matrix(hubs)
    for row, other in zip(ours, theirs, strict=True):
        for mine, their in zip(row, other, strict=True):
            assert math.isclose(mine, their, rel_tol=1e-9) or mine == their == math.inf
    for sources, targets in zip(hubs[:5], hubs[5:10], strict=True):
        found = shortest_path(index, sources, set(targets), options, engine="python")
        expected = math.inf if found is None else found[0]
        got, nodes = peer.route(sources, targets)
        assert math.isclose(expected, got, rel_tol=1e-9) or expected == got == math.inf
        if found is not None:  # the peer's path: from a source to a target, along edges
            assert nodes[0] in sources and nodes[-1] in targets
            ends = {frozenset((index.edge_u[e], index.edge_v[e])) for e in range(index.edge_count)}
            assert all(frozenset(step) in ends for step in zip(nodes, nodes[1:], strict=False))


@pytest.mark.parametrize("chunk_rows", [1, 64])
@pytest.mark.parametrize("peel_min_nodes", [0, 10**9], ids=["peeled", "whole"])
def test_every_matrix_layout_agrees(
    peel_min_nodes: int,
    chunk_rows: int,
    monkeypatch,  # noqa: ANN001
) -> None:
    """Peeled and renumbered or the whole graph, one source per call or 64: the same numbers
    (multi-node groups are searched from a node added for the query, see compiled.py)."""
    from corridors.routing import compiled

    network = _network(400, 4)
    rng = random.Random(4)
    options = make_options(include_proposed=True)
    sources, targets = _groups(network, rng, 70), _groups(network, rng, 30)
    python = costs_between(network.index, sources, targets, options, engine="python")
    monkeypatch.setattr(compiled, "PEEL_MIN_NODES", peel_min_nodes)
    monkeypatch.setattr(compiled, "PEEL_MIN_SOURCES", peel_min_nodes)
    monkeypatch.setattr(compiled, "CHUNK_ROWS", chunk_rows)
    scipy = costs_between(network.index, sources, targets, options, engine="scipy")
    assert python == scipy


def test_matrix_cells() -> None:
    from corridors.routing import matrix

    rows = [[0.0, 5.5, math.inf], [5.5, math.inf, 2.0], [1.0, 2.0, 3.0]]
    assert matrix._values(rows) == ((0.0, 5.5, None), (5.5, None, 2.0), (1.0, 2.0, 0.0))
