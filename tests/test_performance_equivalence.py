"""The fast paths give the same answers as the reference implementations (issue 5).

Random generated networks (the benchmarks' perturbed grid, small); matrix and route distances
are compared with networkx to 1e-9 relative, and the bulk graph build with the per-row build.
No timing here: speed is measured in ``benchmarks/``, never asserted in tests.
"""

from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import networkx as nx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import baselines  # noqa: E402
import generate  # noqa: E402

from corridors.geo.geodesy import line_length_m, lines_lengths_m  # noqa: E402
from corridors.network.index import Network, build_index  # noqa: E402
from corridors.routing.matrix import distance_matrix  # noqa: E402
from corridors.routing.options import make_options  # noqa: E402
from corridors.routing.search import edge_costs, shortest_path  # noqa: E402

OPTIONS = [
    make_options(),
    make_options(include_proposed=True),
    make_options(include_proposed=True, by="time", transfer_hours=7.5),
    make_options(modes=["rail"], include_proposed=True),
    make_options(modes=["sea"], statuses=["operating", "proposed"]),
]


@pytest.fixture(scope="module", params=[(400, 1), (1500, 2)], ids=["400", "1500"])
def network(request: pytest.FixtureRequest) -> Network:
    segments, seed = request.param
    atlas = generate.load(generate.generate(segments, seed=seed))
    return Network(atlas, build_index(atlas=atlas))


def _reference_graph(network: Network, options) -> nx.Graph:  # noqa: ANN001
    costs = edge_costs(network.index, options)
    weights = [None if math.isinf(cost) else cost for cost in costs]
    return baselines.networkx_graph(network.index, weights)


def _close(a: float | None, b: float) -> bool:
    if a is None:
        return math.isinf(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_bulk_build_equals_per_row_build(network: Network) -> None:
    baselines.assert_same_index(network.index, baselines.build_index_per_row(network.atlas))


def test_small_atlases_take_the_same_build(tmp_path: Path) -> None:
    """Small atlases (the shipped one's size) take the one bulk build and equal the reference."""
    from atlas_factory import write_atlas

    from corridors.atlas.read import load_atlas

    for atlas in (
        generate.load(generate.generate(12, seed=4)),
        load_atlas(write_atlas(tmp_path / "atlas")),
        load_atlas(),  # the shipped atlas
    ):
        baselines.assert_same_index(build_index(atlas=atlas), baselines.build_index_per_row(atlas))


def test_threaded_lengths_are_bit_identical(monkeypatch: pytest.MonkeyPatch) -> None:
    """Distances measured on worker threads (large inputs) match per-line lengths exactly."""
    from corridors.geo import geodesy

    monkeypatch.setattr(geodesy, "SEGMENTS_PER_THREAD", 1)  # three chunks on three threads
    monkeypatch.setattr(geodesy.os, "cpu_count", lambda: 4)
    rng = random.Random(5)
    lines = [
        [(rng.uniform(124, 134), rng.uniform(34, 44)) for _ in range(rng.choice([1, 2, 5]))]
        for _ in range(300)
    ]
    assert lines_lengths_m(lines) == [line_length_m(line) for line in lines]


def test_node_names_are_made_on_demand(network: Network) -> None:
    """Node names, modes and the cached name list agree with each other."""
    index = network.index
    assert index.node_count == len(index.nodes)
    for node in range(0, index.node_count, 7):
        assert index.node_name(node) == index.nodes[node]
        assert index.node_mode(node) == index.nodes[node].rsplit("@", 1)[1]


def test_vectorised_lengths_are_bit_identical() -> None:
    rng = random.Random(3)
    lines = [
        [(rng.uniform(124, 134), rng.uniform(34, 44)) for _ in range(rng.choice([1, 2, 3, 9, 40]))]
        for _ in range(600)
    ]
    assert lines_lengths_m(lines) == [line_length_m(line) for line in lines]


@pytest.mark.parametrize("tail", [0, 1, 5, 64, 10**9])
def test_lengths_finished_line_by_line_are_bit_identical(
    monkeypatch: pytest.MonkeyPatch, tail: int
) -> None:
    """Long lines among short ones: summed by array steps, then (the last ``tail`` lines) one
    by one; every way gives pyproj's own per-line sums, bit for bit."""
    from corridors.geo import geodesy

    monkeypatch.setattr(geodesy, "TAIL_LINES", tail)
    rng = random.Random(tail)
    sizes = [rng.choice([0, 1, 2, 3, 7]) for _ in range(400)] + [1005, 600, 600, 250, 80]
    rng.shuffle(sizes)
    lines = [[(rng.uniform(124, 134), rng.uniform(34, 44)) for _ in range(n)] for n in sizes]
    assert lines_lengths_m(lines) == [line_length_m(line) for line in lines]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: f"{o.by}-{'+'.join(o.modes)}")
def test_matrix_equals_networkx(network: Network, options) -> None:  # noqa: ANN001
    rng = random.Random(11)
    hubs = sorted(rng.sample([p for p, n in network.index.place_nodes.items() if n], 25))
    fast = distance_matrix(network, hubs, options, engine="scipy")
    slow = distance_matrix(network, hubs, options, engine="python")
    graph = _reference_graph(network, options)
    modes = set(options.modes)
    for i, a in enumerate(hubs):
        sources = network.nodes_of(a, modes)
        lengths = nx.multi_source_dijkstra_path_length(graph, sources) if sources else {}
        for j, b in enumerate(hubs):
            expected = min(
                (lengths.get(n, math.inf) for n in network.nodes_of(b, modes)), default=math.inf
            )
            if i == j and not math.isinf(expected):
                expected = 0.0
            assert _close(fast.values[i][j], expected), (a, b, fast.values[i][j], expected)
            assert _close(slow.values[i][j], expected), (a, b, slow.values[i][j], expected)


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: f"{o.by}-{'+'.join(o.modes)}")
def test_routes_equal_networkx(network: Network, options) -> None:  # noqa: ANN001
    rng = random.Random(13)
    places = [p for p, n in network.index.place_nodes.items() if n]
    graph = _reference_graph(network, options)
    modes = set(options.modes)
    for _ in range(15):
        a, b = rng.sample(places, 2)
        sources, targets = network.nodes_of(a, modes), set(network.nodes_of(b, modes))
        if not sources or not targets:
            continue
        lengths = nx.multi_source_dijkstra_path_length(graph, sources)
        expected = min((lengths.get(n, math.inf) for n in targets), default=math.inf)
        python = shortest_path(network.index, sources, targets, options, engine="python")
        compiled = shortest_path(network.index, sources, targets, options, engine="scipy")
        if math.isinf(expected):
            assert python is None and compiled is None
            continue
        assert python is not None and compiled is not None
        assert math.isclose(python[0], expected, rel_tol=1e-9)
        assert compiled == python  # same cost, same edges (tests/test_routing_core.py too)
        # The path's edges add up to its cost and join the two places.
        index = network.index
        costs = edge_costs(index, options)
        assert math.isclose(sum(costs[e] for e in python[1]), python[0], rel_tol=1e-9)
        ends = {index.edge_start[python[1][0]], index.edge_end[python[1][0]]}
        assert a in ends


# ------------------------------------------------------------------ the CLI's fast route lane


@pytest.mark.parametrize(
    "args",
    [
        ["route", "--help"],
        ["route", "Khasan"],
        ["route", "Khasan", "Pohang", "--bogus"],
        ["route", "Khasan", "Pohang", "--transfer-hours", "1_0"],
        ["route", "Khasan", "Pohang", "--json=yes"],
        ["route", "Khasan", "Pohang", "--by"],
        ["route", "Khasan", "Pohang", "--", "x"],
        ["list", "places"],
    ],
)
def test_fast_lane_leaves_unusual_arguments_to_typer(args: list[str]) -> None:
    from corridors.cli.fast import parse_route_args, try_route

    def must_not_run(**kwargs: object) -> None:
        raise AssertionError(f"the fast lane ran the route command with {kwargs}")

    # typer parses it (another command, or unusual arguments)
    assert try_route(args, must_not_run) is False
    if args[0] == "route":
        assert parse_route_args(args[1:]) is None


def test_fast_lane_parses_like_typer() -> None:
    from corridors.cli.fast import parse_route_args

    parsed = parse_route_args(
        [
            "--by=time",
            "Khasan",
            "--speed",
            "rail=30",
            "Pohang",
            "--speed",
            "sea=20",
            "--json",
            "--transfer-hours",
            "12",
            "--atlas",
            "/tmp/a",
            "--include-proposed",
        ]
    )
    assert parsed == {
        "origin": "Khasan",
        "destination": "Pohang",
        "by": "time",
        "speed": ["rail=30", "sea=20"],
        "as_json": True,
        "transfer_hours": 12.0,
        "atlas": Path("/tmp/a"),
        "include_proposed": True,
    }


@pytest.mark.parametrize(
    "args",
    [
        ["Khasan", "Pohang", "--include-proposed", "--json"],
        ["Khasan", "Pohang", "--include-proposed"],
        ["Khasan", "Pohang"],
        ["Khasan", "Pohnag"],
        ["Khasan", "Pohang", "--include-proposed", "--by", "time", "--speed", "rail=30"],
        ["Khasan", "Pohang", "--by", "fastest"],
    ],
)
def test_fast_lane_output_equals_typer(tmp_path: Path, args: list[str]) -> None:
    import os
    import subprocess

    from atlas_factory import write_atlas

    atlas = write_atlas(tmp_path / "atlas")
    env = {**os.environ, "CORRIDORS_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "120"}
    argv = ["route", *args, "--atlas", str(atlas)]
    fast = subprocess.run(
        [sys.executable, "-c", "from corridors.cli.app import main; main()", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    typer_only = subprocess.run(
        [sys.executable, "-c", "from corridors.cli.app import app; app()", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert (fast.returncode, fast.stdout, fast.stderr) == (
        typer_only.returncode,
        typer_only.stdout,
        typer_only.stderr,
    )


# ------------------------------------------------------------------------- progress bars


def test_progress_is_silent_when_quiet_or_not_a_terminal(capsys: pytest.CaptureFixture) -> None:
    from corridors.progress import _Silent, progress, progress_enabled

    assert not progress_enabled(quiet=True)
    with progress("step", total=3) as bar:  # pytest's stderr is not a terminal
        assert isinstance(bar, _Silent)
        bar.advance()
    captured = capsys.readouterr()
    assert captured.out == captured.err == ""


def test_place_codes_match_the_dictionary() -> None:
    """Place codes found by string hash equal the dictionary's, unknown ids included."""
    from corridors.network.graph import _Codes, _place_codes

    places = {f"p{k}": None for k in range(50)}
    stops = [f"p{k}" for k in (3, 7, 3, 49, 0)]
    ids, (codes,) = _place_codes(places, stops)  # type: ignore[arg-type]
    assert ids == list(places) and codes.tolist() == [3, 7, 3, 49, 0]
    ids, (known, unknown) = _place_codes(places, stops, ["p1", "elsewhere"])  # type: ignore[arg-type]
    reference = _Codes(places)
    assert [reference[s] for s in [*stops, "p1", "elsewhere"]] == [*known, *unknown]
    assert ids == reference.ids
