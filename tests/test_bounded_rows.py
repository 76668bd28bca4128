"""Rows searched only as far as needed (routing/bounded.py) equal whole-graph searches.

Random directed graphs with what makes stopping early hard: islands (targets no source can
reach), one-way edges (reachable one way only), unusable edges (cost ``inf``, stored in the
matrix), zero-cost edges, parallel groups of nodes, and first limits far too small, far too
large, zero or infinite. Each cell must equal ``csgraph.dijkstra`` without a limit, bit for bit.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from corridors.routing import bounded
from corridors.routing.bounded import bounded_rows


def _graph(seed: int, nodes: int, edges: int, *, islands: int) -> csr_matrix:
    """A random graph; the last ``islands`` nodes have edges only among themselves."""
    rng = np.random.default_rng(seed)
    main = nodes - islands
    heads = rng.integers(0, main, edges)
    tails = rng.integers(0, main, edges)
    if islands > 1:
        extra = rng.integers(main, nodes, (2, islands))
        heads = np.concatenate([heads, extra[0]])
        tails = np.concatenate([tails, extra[1]])
    cost = rng.choice([0.0, 0.5, 1.0, 3.0, 10.0, 250.0, math.inf], len(heads))
    keep = heads != tails
    pairs = {}
    for u, v, c in zip(heads[keep], tails[keep], cost[keep], strict=True):
        pairs[int(u), int(v)] = min(float(c), pairs.get((int(u), int(v)), math.inf))
    rows = np.array([u for u, _ in pairs], dtype=np.int64)
    cols = np.array([v for _, v in pairs], dtype=np.int64)
    data = np.array(list(pairs.values()))
    graph = csr_matrix((data, (rows, cols)), shape=(nodes, nodes))
    graph.sort_indices()
    return graph


def _expected(graph: csr_matrix, sources: list[list[int]], targets: list[list[int]]) -> np.ndarray:
    rows = np.full((len(sources), len(targets)), math.inf)
    for k, group in enumerate(sources):
        if group:
            dist = dijkstra(graph, directed=True, indices=sorted(set(group)), min_only=True)
            for j, target in enumerate(targets):
                if target:
                    rows[k, j] = dist[target].min()
    return rows


@settings(max_examples=120, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    nodes=st.integers(2, 60),
    density=st.floats(0.2, 3.0),
    islands=st.integers(0, 8),
    limit=st.sampled_from([0.0, 0.01, 0.7, 2.0, 30.0, 1e6, math.inf]),
    group_seed=st.integers(0, 2**32 - 1),
)
def test_rows_equal_whole_graph_searches(
    seed: int, nodes: int, density: float, islands: int, limit: float, group_seed: int
) -> None:
    islands = min(islands, nodes - 1)
    graph = _graph(seed, nodes, int(density * nodes) + 1, islands=islands)
    rng = np.random.default_rng(group_seed)
    groups = [
        sorted({int(n) for n in rng.integers(0, nodes, rng.integers(0, 4))}) for _ in range(5)
    ]
    found = bounded_rows(graph, groups, groups, first_limits=[limit] * len(groups))
    expected = _expected(graph, groups, groups)
    assert found.tobytes() == expected.tobytes()


def test_an_island_target_is_settled_without_a_wide_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A target only planned corridors reach (its edges ``inf``) from a source in a large
    component: the backward search proves it out of reach; no search without a limit runs."""
    size = 2000
    ring = np.arange(size)
    heads = np.concatenate([ring, (ring + 1) % size, [size, size + 1]])
    tails = np.concatenate([(ring + 1) % size, ring, [0, size]])
    cost = np.concatenate([np.ones(2 * size), [math.inf, 1.0]])  # size+1 -> size -x-> 0
    graph = csr_matrix((cost, (heads, tails)), shape=(size + 2, size + 2))
    limits: list[float] = []
    real = bounded._search

    def counted(g: csr_matrix, start: list[int], limit: float) -> np.ndarray:
        limits.append(limit)
        return real(g, start, limit)

    monkeypatch.setattr(bounded, "_search", counted)
    groups = [[0], [3], [size + 1]]
    found = bounded_rows(graph, groups, groups, first_limits=[5.0, 5.0, 5.0])
    assert found.tobytes() == _expected(graph, groups, groups).tobytes()
    assert found[0, 2] == math.inf and found[2, 0] == math.inf and found[0, 1] == 3.0
    assert math.inf not in limits, limits
    assert max(limits) == 5.0


def test_a_far_target_grows_the_limit_until_found() -> None:
    size = 500
    heads, tails = np.arange(size - 1), np.arange(1, size)
    graph = csr_matrix((np.ones(size - 1), (heads, tails)), shape=(size, size))
    found = bounded_rows(graph, [[0]], [[size - 1], [0]], first_limits=[1.0])
    assert found.tolist() == [[size - 1.0, 0.0]]


def test_empty_groups_are_inf() -> None:
    graph = _graph(1, 10, 30, islands=0)
    found = bounded_rows(graph, [[], [1]], [[2], []], first_limits=[1.0, 1.0])
    assert np.isinf(found[0]).all() and np.isinf(found[:, 1]).all()
    assert bounded_rows(graph, [[]], [[]], first_limits=[1.0]).shape == (1, 1)


def test_a_target_settled_for_one_row_is_still_searched_for_another() -> None:
    """The backward search of a target, made for one row (a source that cannot reach it, with
    a wide first limit), names every node that can reach it: another row whose source is
    one of them, with a narrow first limit, must go on searching, not take it as settled."""
    size = 2000
    ring = np.arange(size)
    b, t = size, size + 1
    heads = np.concatenate([ring, [b]])
    tails = np.concatenate([(ring + 1) % size, [t]])
    cost = np.concatenate([np.ones(size), [50.0]])
    graph = csr_matrix((cost, (heads, tails)), shape=(size + 2, size + 2))
    found = bounded_rows(graph, [[0], [b]], [[t]], first_limits=[100.0, 5.0])
    assert found.tolist() == [[math.inf], [50.0]]
