"""Every path of the compiled engine gives the Python core's answer on random graphs (issue 13).

The engine paths (``routing/compiled.py``, ``routing/peel.py``): a route searched in the
upward matrix (the 2-core plus one entry up from each peeled node) or, with a target in a dead
end, in the whole graph; a matrix searched in the whole graph or in the core plus the branches
to its nodes, renumbered; each multi-node source group searched from a node added for the
query with zero-cost entries to its members; sources in chunks of any size. Hypothesis draws
small graphs with dead ends, parallel edges, self-loops, unusable (``inf``) edges and zero-cost
pairs (a port's rail and sea nodes), and the engine must return the core's costs and edge
sequences exactly (``==``). Edge costs are drawn from a seed (uniform floats, so no two paths
tie by accident: which of two equally cheap paths an engine returns is not part of the
contract), while hypothesis chooses the shape. The last tests break each shortcut on purpose
and check that these comparisons notice.
"""

from __future__ import annotations

import dataclasses
import math
import random
from collections.abc import Sequence
from itertools import count

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from corridors.network.index import RouteIndex
from corridors.routing import compiled, peel
from corridors.routing.search import _dijkstra

_keys = count()


def make_index(nodes: int, edges: Sequence[tuple[int, int]]) -> RouteIndex:
    """A route index of ``nodes`` nodes and these edges (what the engines read of one)."""
    index = RouteIndex(node_keys=list(range(nodes)))
    index.edge_u = [u for u, _ in edges]
    index.edge_v = [v for _, v in edges]
    incident: list[list[tuple[int, int]]] = [[] for _ in range(nodes)]
    for edge, (u, v) in enumerate(edges):
        incident[u].append((v, edge))
        if v != u:
            incident[v].append((u, edge))
    ptr = [0]
    for entries in incident:
        index.adj_to += [to for to, _ in entries]
        index.adj_edge += [edge for _, edge in entries]
        ptr.append(len(index.adj_to))
    index.adj_ptr = ptr
    return index


@st.composite
def graphs(draw: st.DrawFn) -> tuple[RouteIndex, list[float]]:
    """A random graph with edge costs: a few long chains and trees around a denser part."""
    nodes = draw(st.integers(2, 40))
    node = st.integers(0, nodes - 1)
    edges = draw(st.lists(st.tuples(node, node), min_size=1, max_size=70))
    # Zero-cost pairs like a port's rail and sea nodes (each node in at most one).
    paired = draw(st.permutations(range(nodes)))
    zero = draw(st.integers(0, nodes // 4))
    pairs = [(paired[2 * k], paired[2 * k + 1]) for k in range(zero)]
    rng = random.Random(draw(st.integers(0, 2**32)))
    unusable = draw(st.floats(0.0, 0.3))
    costs = [math.inf if rng.random() < unusable else rng.uniform(0.5, 400.0) for _ in edges]
    costs += [0.0] * len(pairs)
    return make_index(nodes, [*edges, *pairs]), costs


def groups_of(nodes: int) -> st.SearchStrategy[list[list[int]]]:
    node = st.integers(0, nodes - 1)
    return st.lists(st.lists(node, max_size=4), min_size=1, max_size=9)


def python_path(
    index: RouteIndex, costs: list[float], sources: list[int], targets: set[int]
) -> tuple[float, list[int]] | None:
    """The Python core's route (as ``search.shortest_path`` reads it back)."""
    done, came_by, reached = _dijkstra(index, costs, sources, targets)
    if reached is None:
        return None
    node, path = reached, []
    while node in came_by:
        node, edge = came_by[node]
        path.append(edge)
    return done[reached], path[::-1]


def python_rows(
    index: RouteIndex, costs: list[float], sources: list[list[int]], targets: list[list[int]]
) -> list[list[float]]:
    rows = []
    for group in sources:
        get = _dijkstra(index, costs, group)[0].get
        rows.append([min((get(n, math.inf) for n in t), default=math.inf) for t in targets])
    return rows


def engine_path(
    index: RouteIndex, costs: list[float], sources: list[int], targets: set[int]
) -> tuple[float, list[int]] | None:
    return compiled.shortest_path(index, costs, sources, targets, key=("test", next(_keys)))


def engine_rows(
    index: RouteIndex, costs: list[float], sources: list[list[int]], targets: list[list[int]]
) -> list[list[float]]:
    key = ("test", next(_keys))
    return compiled.costs_between(index, costs, sources, targets, key=key).tolist()  # type: ignore[no-any-return]


def _terminals(data: st.DataObject, nodes: int) -> tuple[list[int], set[int]]:
    """Sources and targets of a route between two places: no node is both (where one is,
    the engines may return different paths of the same cost 0: a tie, see the docstring)."""
    node = st.integers(0, nodes - 1)
    sources = data.draw(st.lists(node, min_size=1, max_size=3))
    targets = set(data.draw(st.lists(node, min_size=1, max_size=3))) - set(sources)
    assume(targets)
    return sources, targets


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(graphs(), st.data())
def test_a_route_is_the_python_core_s(graph: tuple[RouteIndex, list[float]], data) -> None:  # noqa: ANN001
    index, costs = graph
    sources, targets = _terminals(data, index.node_count)
    assert engine_path(index, costs, sources, targets) == python_path(
        index, costs, sources, targets
    )


@SETTINGS
@given(graphs(), st.data(), st.sampled_from([1, 2, 64]), st.booleans())
def test_a_matrix_is_the_python_core_s(
    graph: tuple[RouteIndex, list[float]],
    data,  # noqa: ANN001
    chunk: int,
    peeled: bool,
) -> None:
    index, costs = graph
    sources = data.draw(groups_of(index.node_count))
    targets = sources if data.draw(st.booleans()) else data.draw(groups_of(index.node_count))
    expected = python_rows(index, costs, sources, targets)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compiled, "CHUNK_ROWS", chunk)
        patch.setattr(compiled, "PEEL_MIN_NODES", 0 if peeled else 10**9)
        patch.setattr(compiled, "PEEL_MIN_SOURCES", 0 if peeled else 10**9)
        assert engine_rows(index, costs, sources, targets) == expected


def test_a_piece_of_no_core_whose_last_two_nodes_hung_from_each_other() -> None:
    """A path 0-1-2-3 apart from a cycle: 0 and 3 are peeled first, then 1 and 2 in one round,
    each hung from the other; folding down to 0 and 3 starts below that pair."""
    index = make_index(7, [(0, 1), (1, 2), (2, 3), (4, 5), (5, 6), (6, 4), (3, 3)])
    costs = [3.25, 0.5, 7.125, 1.0, 2.0, 4.0, 1.0]
    groups = [[0], [3], [4], [1, 5], [2], [6, 0]]
    matrix = compiled.compile_graph(index, costs, key=("pair",)).matrix
    peeled = peel.peel(index, matrix, key=("pair",))
    assert peeled.parent[1] == 2 and peeled.parent[2] == 1  # the pair this test is about
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compiled, "PEEL_MIN_NODES", 0)
        assert engine_rows(index, costs, groups, groups) == python_rows(
            index, costs, groups, groups
        )
        assert engine_rows(index, costs, groups, groups[::-1]) == python_rows(
            index, costs, groups, groups[::-1]
        )


def test_a_chunk_is_never_larger_than_its_cell_budget() -> None:
    assert compiled.chunk_rows(1_000) == compiled.CHUNK_ROWS
    assert compiled.chunk_rows(10**6) * 10**6 <= compiled.CHUNK_CELLS
    assert compiled.chunk_rows(10**9) == 1
    assert compiled.chunk_rows(0) == compiled.CHUNK_ROWS


# ------------------------------------------------------------------ broken on purpose


def _examples(seed: int, count_: int) -> list[tuple[RouteIndex, list[float], list[list[int]]]]:
    """Fixed random graphs (trees hung on cycles, chains, ports) and groups to test with."""
    rng = random.Random(seed)
    out = []
    for _ in range(count_):
        core = rng.randint(8, 30)
        edges = [(rng.randrange(core), rng.randrange(core)) for _ in range(core + 4)]
        edges += [(k, rng.randrange(k)) for k in range(1, core)]  # connected, with dead ends
        nodes = core + 3  # and one dead end three nodes deep
        edges += [(rng.randrange(core), core), (core, core + 1), (core + 1, core + 2)]
        costs = [rng.uniform(0.5, 400.0) for _ in edges]
        edges += [(0, core - 1)]
        costs += [0.0]
        groups = [rng.sample(range(nodes), rng.randint(1, 3)) for _ in range(5)]
        groups.append([core + 2])
        out.append((make_index(nodes, edges), costs, groups))
    return out


def _matrix_mismatches(peeled: bool = True) -> int:
    found = 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(compiled, "PEEL_MIN_NODES", 0 if peeled else 10**9)
        patch.setattr(compiled, "PEEL_MIN_SOURCES", 0 if peeled else 10**9)
        for index, costs, groups in _examples(21, 40):
            found += engine_rows(index, costs, groups, groups) != python_rows(
                index, costs, groups, groups
            )
    return found


def _route_mismatches() -> int:
    found = 0
    for index, costs, groups in _examples(22, 40):
        for sources, near in zip(groups, groups[1:], strict=False):
            targets = [n for n in near if n not in sources]  # two places: no node is both
            if not targets:
                continue
            found += engine_path(index, costs, sources, set(targets)) != python_path(
                index, costs, sources, set(targets)
            )
    return found


def test_the_comparisons_pass_on_the_examples() -> None:
    assert _matrix_mismatches(True) == 0
    assert _matrix_mismatches(False) == 0
    assert _route_mismatches() == 0


@pytest.mark.parametrize(("dict_max", "dict_path"), [(0, 400), (10**9, 0), (10**9, 400)])
def test_a_route_reads_its_edges_the_same_either_way(
    monkeypatch: pytest.MonkeyPatch, dict_max: int, dict_path: int
) -> None:
    """Edges read from the plan's dict (one target, or a short path) or from the sorted keys
    with numpy (a large graph, or a long path): the same route."""
    monkeypatch.setattr(compiled, "EDGE_DICT_MAX", dict_max)
    monkeypatch.setattr(compiled, "EDGE_DICT_PATH", dict_path)
    assert _route_mismatches() == 0


def test_a_route_reading_the_wrong_edge_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dict maps (row, column) to the edge of that step: each edge id off by one, the
    route reads other edges."""
    real = compiled._route_plan

    def shifted_edges(index, costs, key):  # noqa: ANN001, ANN202
        plan = real(index, costs, key)
        assert plan.edge_at is not None
        wrong = {k: plan.edge_at[k] + 1 for k in plan.edge_at}
        return dataclasses.replace(plan, edge_at=wrong)

    monkeypatch.setattr(compiled, "_route_plan", shifted_edges)
    assert _route_mismatches() > 0


def test_a_group_source_joined_at_a_cost_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real = compiled._with_group_sources

    def costly(matrix, groups):  # noqa: ANN001, ANN202
        found, starts = real(matrix, groups)
        if found is not matrix:
            found = found.copy()
            found.data[matrix.nnz :] = 1e-6  # the added node's entries should cost nothing
        return found, starts

    monkeypatch.setattr(compiled, "_with_group_sources", costly)
    assert _matrix_mismatches() > 0


def test_a_group_searched_from_its_first_node_only_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = compiled._with_group_sources
    monkeypatch.setattr(compiled, "_with_group_sources", lambda m, g: real(m, [x[:1] for x in g]))
    assert _matrix_mismatches() > 0


def test_a_graph_without_the_branches_to_its_nodes_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each node of the query is kept, but not the nodes up from it to the core."""
    real = peel.upward_graph

    def cut(matrix, peeled, terminals, keys):  # noqa: ANN001, ANN202
        parent = np.full_like(peeled.parent, -1)
        return real(matrix, dataclasses.replace(peeled, parent=parent), terminals, keys)

    monkeypatch.setattr(peel, "upward_graph", cut)
    assert _matrix_mismatches() > 0


def test_a_renumbering_off_by_one_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    real = peel.upward_graph

    def shifted(matrix, peeled, terminals, keys):  # noqa: ANN001, ANN202
        found, new, folds = real(matrix, peeled, terminals, keys)
        kept = new >= 0
        new = new.copy()
        new[kept] = (new[kept] + 1) % found.shape[0]
        return found, new, folds

    monkeypatch.setattr(peel, "upward_graph", shifted)
    assert _matrix_mismatches() > 0


def test_a_matrix_not_folded_down_its_branches_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """The search climbs out of dead ends only: a target in one needs the fold."""
    monkeypatch.setattr(peel, "fold", lambda block, folds: None)
    assert _matrix_mismatches() > 0


def test_a_fold_that_forgets_the_climb_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dead end's cost from a source below it is its climb, not its parent's plus the
    entry down: the fold keeps the lesser of the two."""

    def overwrite(block, folds):  # noqa: ANN001, ANN202
        for nodes, up, down in folds:
            block[:, nodes] = block[:, up] + down

    monkeypatch.setattr(peel, "fold", overwrite)
    assert _matrix_mismatches() > 0


def test_a_fold_from_the_bottom_up_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parents first: a node's parent must be final before the node is."""
    real = peel.fold
    monkeypatch.setattr(peel, "fold", lambda block, folds: real(block, folds[::-1]))
    assert _matrix_mismatches() > 0


def test_a_route_searched_only_upward_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """A target in a dead end needs the whole graph: the upward matrix never goes down."""
    real = compiled._route_plan

    def upward_only(index, costs, key):  # noqa: ANN001, ANN202
        plan = real(index, costs, key)
        return dataclasses.replace(plan, alive_list=[True] * len(plan.alive_list))

    monkeypatch.setattr(compiled, "_route_plan", upward_only)
    assert _route_mismatches() > 0


def test_a_route_past_its_first_target_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two targets joined at zero cost: the route stops at the first one on the way."""
    real = compiled.node_path

    def whole_way(matrix, sources, targets, **kw):  # noqa: ANN001, ANN202
        found = real(matrix, sources, {max(targets)}, **kw)
        return found

    index = make_index(4, [(0, 1), (1, 2), (2, 3)])
    costs = [5.0, 0.0, 7.0]
    assert engine_path(index, costs, [0], {1, 2}) == python_path(index, costs, [0], {1, 2})
    monkeypatch.setattr(compiled, "node_path", whole_way)
    assert engine_path(index, costs, [0], {1, 2}) != python_path(index, costs, [0], {1, 2})


def test_the_progress_bar_counts_every_source_node_once() -> None:
    """Nodes joined at zero cost are searched once but counted as given (the bar's total)."""

    class Bar:
        done = 0

        def advance(self, step: int = 1) -> None:
            self.done += step

    index = make_index(5, [(0, 1), (1, 2), (2, 3), (3, 4), (0, 4)])
    costs = [3.0, 0.0, 4.0, 5.0, 9.0]
    sources = [[1, 2], [3], [], [0, 4, 4]]
    bar = Bar()
    compiled.costs_between(index, costs, sources, sources, key=("bar",), progress=bar)
    assert bar.done == sum(map(len, sources))
