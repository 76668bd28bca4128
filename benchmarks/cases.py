"""One benchmark case in one process: ``python benchmarks/cases.py CASE SIZE ROLE``.

``run.py`` starts each (case, size, role) in a fresh process so its peak memory (the
process's max RSS, read by the parent with ``os.wait4``) belongs to that step alone, and prints
one JSON line: ``{"seconds": ..., "setup_mb": ..., "detail": ...}``. ROLE is ``ours`` or
``baseline``. Inputs (generated atlases, built networks) are cached under the cache folder so
only the first run pays for generating them.
"""

from __future__ import annotations

import json
import math
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import baselines  # noqa: E402
import generate  # noqa: E402

CACHE = Path(os.environ.get("CORRIDORS_BENCH_CACHE", "/tmp/corridors-bench"))


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_of(repeat: int, step: Callable[[], Any]) -> tuple[float, Any]:
    """Fastest of ``repeat`` runs of ``step`` (the least disturbed by other load) and a result."""
    best, result = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        best = min(best, time.perf_counter() - start)
    return best, result


def timed_runs(repeat: int, step: Callable[[], Any]) -> tuple[list[float], Any]:
    """The wall time of each of ``repeat`` runs of ``step``, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - start)
    return times, result


SYNTHETIC_ROOT = Path("/synthetic-atlas")  # generated atlases live in memory only


def _stored(path: Path, make: Callable[[], Any]):  # noqa: ANN202 - corridors.Network
    """The network stored at ``path`` (the network cache's format: no pickle), else ``make()``
    stored there; a file from other code, or damaged, is made again."""
    from corridors.network import cache as netcache

    try:
        return netcache.read_network(path, root=SYNTHETIC_ROOT, fingerprint="")
    except netcache.CacheMiss:
        network = make()
        problem = netcache.save_network(path, network, root=SYNTHETIC_ROOT)
        if problem is not None:
            print(f"benchmark input not stored: {problem}", file=sys.stderr)
        return network


def atlas_for(size: int):  # noqa: ANN201 - corridors.Atlas
    """The generated atlas of ``size`` segments (stored after the first run, with an empty
    route index so that loading it costs no index)."""
    from corridors.network import cache as netcache
    from corridors.network.index import Network, RouteIndex

    def make() -> Network:
        return Network(generate.load(generate.generate(size), SYNTHETIC_ROOT), RouteIndex())

    return _stored(CACHE / f"atlas-{size}{netcache.SUFFIX}", make).atlas


def network_for(size: int):  # noqa: ANN201 - corridors.Network
    from corridors.network import cache as netcache
    from corridors.network.index import Network, build_index

    def make() -> Network:
        atlas = atlas_for(size)
        return Network(atlas, build_index(atlas=atlas))

    return _stored(CACHE / f"network-{size}{netcache.SUFFIX}", make)


def hubs_for(network: Any, count: int) -> list[str]:
    """``count`` grid places with a freight node, chosen with a fixed seed."""
    candidates = sorted(p for p, nodes in network.index.place_nodes.items() if nodes)
    candidates = [p for p in candidates if p.startswith("g")]
    return sorted(random.Random(5).sample(candidates, min(count, len(candidates))))


def far_pair(network: Any) -> tuple[str, str]:
    """Two grid places at opposite corners (the longest query)."""
    grid = [p for p in network.index.place_nodes if p.startswith("g") and network.nodes_of(p)]
    places = network.atlas.places
    south_west = min(grid, key=lambda p: places[p].lon + places[p].lat)
    north_east = max(grid, key=lambda p: places[p].lon + places[p].lat)
    return south_west, north_east


# ---------------------------------------------------------------------------------- build


def build(size: int, role: str, rounds: int = 3) -> dict[str, Any]:
    """The route index of a generated atlas: ours vs the per-row loop (``baselines.py``), the
    garbage collector paused on both sides (ours pauses it itself), alternated per round."""
    from corridors.network.index import build_index, paused_gc

    atlas = atlas_for(size)
    setup = rss_mb()

    def baseline() -> Any:
        with paused_gc():
            return baselines.build_index_per_row(atlas)

    mine, theirs, index, reference = alternate(rounds, lambda: build_index(atlas=atlas), baseline)
    baselines.assert_same_index(index, reference)
    peer = {"ours": mine, "peer": theirs, "graph_s": 0.0, "compared": index.edge_count}
    detail = f"{index.edge_count} edges, {index.node_count} nodes; indexes asserted equal"
    return {"peers": {"per-row loop, GC paused": peer}, "setup_mb": setup, "detail": detail}


def lengths(size: int, role: str, rounds: int = 3) -> dict[str, Any]:
    """Just the geodesic lengths of every corridor piece: one pyproj call each vs one for all."""
    from corridors.geo.geodesy import line_length_m, lines_lengths_m

    pieces = [c.coords for c in atlas_for(size).corridors.values()]
    setup = rss_mb()
    mine, theirs, ours, reference = alternate(
        rounds, lambda: lines_lengths_m(pieces), lambda: [line_length_m(p) for p in pieces]
    )
    assert ours == reference, "vectorised lengths differ"
    peer = {"ours": mine, "peer": theirs, "graph_s": 0.0, "compared": len(pieces)}
    return {"peers": {"pyproj per piece": peer}, "setup_mb": setup, "detail": "bit-identical"}


# ------------------------------------------------------------------------- matrix, route


def hub_count(size: int) -> int:
    """Hubs in the matrix case: 500 up to 10k segments, fewer above so every peer finishes."""
    return 500 if size <= 10_000 else 100 if size <= 100_000 else 10


def alternate(
    rounds: int, ours: Callable[[], Any], peer: Callable[[], Any]
) -> tuple[list[float], list[float], Any, Any]:
    """``rounds`` rounds of one run each of ``ours`` and ``peer``, who goes first alternating
    round by round, so machine load falls on both alike. Per-round times and last results."""
    ours_times: list[float] = []
    peer_times: list[float] = []
    ours_result = peer_result = None
    for number in range(rounds):
        steps = [(ours, ours_times), (peer, peer_times)]
        for step, times in steps if number % 2 == 0 else steps[::-1]:
            start = time.perf_counter()
            result = step()
            times.append(time.perf_counter() - start)
            if step is ours:
                ours_result = result
            else:
                peer_result = result
    return ours_times, peer_times, ours_result, peer_result


def _same(ours: float | None, theirs: float) -> bool:
    if ours is None or math.isinf(ours):
        return math.isinf(theirs)
    return math.isclose(ours, theirs, rel_tol=1e-9, abs_tol=1e-9)


def _peer_rows(
    size: int, rounds: int, ours: Callable[[], Any], answer: Callable[[Any], Any], check: Callable
) -> dict[str, Any]:
    import peers
    import scipy.sparse.csgraph  # noqa: F401

    from corridors.routing.search import edge_costs

    network, options = _setup(size)
    costs = edge_costs(network.index, options)
    # Warm, as each peer is (its package imported, its graph built outside the timing): our
    # compiled engine's scipy imported (else "auto" would run the pure-Python core in the
    # first peer's rows only, as a cold one-route process does) and the compiled graph built.
    ours()
    start = time.perf_counter()
    ours()
    # A step shorter than ~50 ms is repeated (the same count on both sides) so that one
    # scheduler hiccup on the shared machine does not decide a round.
    repeat = max(1, min(1000, int(0.05 / max(time.perf_counter() - start, 1e-6))))
    results: dict[str, Any] = {}
    for name in peers.available():
        start = time.perf_counter()
        peer = peers.make(name, network.index, costs)
        built = time.perf_counter() - start
        # networkx searches in Python: above 100k segments one round each (minutes per
        # matrix at 1M), not warmed up (it has nothing to compile); the row says so.
        slow = name == "networkx" and size > 100_000
        if not slow:
            answer(peer)  # warm: first-call imports and caches
        mine, theirs, ours_result, peer_result = alternate(
            1 if slow else rounds,
            lambda: [ours() for _ in range(repeat)][-1],
            lambda peer=peer: [answer(peer) for _ in range(repeat)][-1],
        )
        mine = [t / repeat for t in mine]
        theirs = [t / repeat for t in theirs]
        compared = check(ours_result, peer_result)
        results[name] = {
            "ours": mine,
            "peer": theirs,
            "graph_s": built,
            "compared": compared,
            "answer": peer_result[0] if isinstance(peer_result, tuple) else None,
        }
    return results


_SETUP: dict[int, Any] = {}


def _setup(size: int) -> tuple[Any, Any]:
    from corridors.routing.options import make_options

    if size not in _SETUP:
        _SETUP[size] = (network_for(size), make_options(include_proposed=True))
    return _SETUP[size]


def matrix(size: int, role: str, rounds: int = 5) -> dict[str, Any]:
    """Hub-to-hub distance matrix: ours (``distance_matrix``, engine chosen by size) vs each
    peer's own best use (``peers.py``), alternated per round; every distance compared."""
    from corridors.routing.matrix import distance_matrix

    network, options = _setup(size)
    hubs = hubs_for(network, hub_count(size))
    modes = set(options.modes)
    groups = [network.nodes_of(h, modes) for h in hubs]
    setup = rss_mb()

    def ours() -> Any:
        return distance_matrix(network, hubs, options, quiet=True)

    def check(mine: Any, theirs: list[list[float]]) -> int:
        count = 0
        for row, other in zip(mine.values, theirs, strict=True):
            for value, expected in zip(row, other, strict=True):
                assert _same(value, expected), (value, expected)
                count += 1
        return count

    results = _peer_rows(size, rounds, ours, lambda peer: peer.matrix(groups), check)
    detail = f"{len(hubs)} hubs, {network.index.edge_count} edges"
    return {"peers": results, "setup_mb": setup, "detail": detail}


def route(size: int, role: str, rounds: int = 5) -> dict[str, Any]:
    """One corner-to-corner route: ours (``shortest_path``: cost and edges, engine chosen by
    size) vs each peer's cost and nodes of the same route, alternated per round; the costs
    compared, the peer's path checked (a path of the graph from a source to a target, of that
    cost) and compared with ours node by node. The whole ``route()`` answer (legs, lines,
    warnings) is timed too and given in the notes."""
    from corridors.routing.route import route as find_route
    from corridors.routing.search import edge_costs, shortest_path

    network, options = _setup(size)
    a, b = far_pair(network)
    modes = set(options.modes)
    sources, targets = network.nodes_of(a, modes), network.nodes_of(b, modes)
    setup = rss_mb()

    def ours() -> Any:
        return shortest_path(network.index, sources, set(targets), options)

    index = network.index
    cheapest: dict[tuple[int, int], float] = {}
    costs = edge_costs(index, options)
    for edge, cost in enumerate(costs):
        pair = (
            min(index.edge_u[edge], index.edge_v[edge]),
            max(index.edge_u[edge], index.edge_v[edge]),
        )
        if cost < cheapest.get(pair, math.inf):
            cheapest[pair] = cost
    same_paths: list[bool] = []

    def check(mine: Any, theirs: tuple[float, list[int]]) -> int:
        cost, nodes = theirs
        assert _same(mine[0], cost), (mine[0], cost)
        assert nodes[0] in sources and nodes[-1] in targets, "the peer's path has wrong ends"
        summed = 0.0
        for a, b in zip(nodes, nodes[1:]):  # noqa: B905
            summed += cheapest[min(a, b), max(a, b)]
        assert _same(summed, cost), (summed, cost)
        same_paths.append(our_nodes(mine[1]) == nodes)
        return 1

    def our_nodes(edges: list[int]) -> list[int]:
        node = next(
            n for n in sources if not edges or n in (index.edge_u[edges[0]], index.edge_v[edges[0]])
        )
        nodes = [node]
        for edge in edges:
            u, v = index.edge_u[edge], index.edge_v[edge]
            nodes.append(v if u == nodes[-1] else u)
        return nodes

    results = _peer_rows(size, rounds, ours, lambda peer: peer.route(sources, targets), check)
    for data, same in zip(results.values(), same_paths, strict=True):
        data["path"] = "the same path" if same else "another path of the same cost"
    whole, answer = timed_runs(rounds, lambda: find_route(network, a, b, options))
    assert _same(answer.distance_km, results[next(iter(results))]["answer"])
    detail = (
        f"{a} to {b}, {answer.distance_km:,.0f} km; whole route() answer "
        f"{statistics.median(whole) * 1000:.1f} ms (median of {rounds})"
    )
    return {"peers": results, "setup_mb": setup, "detail": detail}


CASES: dict[str, Callable[..., dict[str, Any]]] = {
    "build": build,
    "lengths": lengths,
    "matrix": matrix,
    "route": route,
}


def main() -> None:
    case, size, role = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    result = CASES[case](size, role, rounds)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
