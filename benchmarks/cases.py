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
HUBS = 500
PAIR_SAMPLE = 30  # networkx per-pair searches actually timed (then scaled to all pairs)
SOURCE_SAMPLE = 8  # previous per-source heapq searches actually timed (then scaled)


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


def build(size: int, role: str) -> dict[str, Any]:
    """Best of 3 builds in one process (how issue 5 states the target), for both roles alike;
    the first, cold run (imports, first string hashes) is reported in the notes too.
    """
    from corridors.network.index import build_index

    atlas = atlas_for(size)
    setup = rss_mb()
    if role == "ours":
        times, index = timed_runs(3, lambda: build_index(atlas=atlas))
        reference = baselines.build_index_per_row(atlas) if size <= 10_000 else None
        if reference is not None:
            baselines.assert_same_index(index, reference)
        detail = f"{index.edge_count} edges, {index.node_count} nodes, first run {times[0]:.3f} s"
        return {"seconds": min(times), "setup_mb": setup, "detail": detail}
    times, _ = timed_runs(3, lambda: baselines.build_index_per_row(atlas))
    detail = f"per-row loop, first run {times[0]:.3f} s"
    return {"seconds": min(times), "setup_mb": setup, "detail": detail}


def lengths(size: int, role: str) -> dict[str, Any]:
    """Just the geodesic lengths of every corridor piece: one pyproj call each vs one for all."""
    from corridors.geo.geodesy import line_length_m, lines_lengths_m

    pieces = [c.coords for c in atlas_for(size).corridors.values()]
    setup = rss_mb()
    if role == "ours":
        seconds, ours = best_of(3, lambda: lines_lengths_m(pieces))
        assert ours == [line_length_m(p) for p in pieces], "vectorised lengths differ"
        return {"seconds": seconds, "setup_mb": setup, "detail": "bit-identical"}
    seconds, _ = best_of(3, lambda: [line_length_m(p) for p in pieces])
    return {"seconds": seconds, "setup_mb": setup, "detail": "pyproj per piece"}


# --------------------------------------------------------------------------------- matrix


def _nx_pair(graph: Any, network: Any, a: str, b: str, modes: set[str]) -> float:
    import networkx as nx

    sources = network.nodes_of(a, modes)
    best = math.inf
    for target in network.nodes_of(b, modes):
        try:
            best = min(best, nx.multi_source_dijkstra(graph, sources, target)[0])
        except nx.NetworkXNoPath:
            continue
    return best


def matrix(size: int, role: str) -> dict[str, Any]:
    from corridors.routing.matrix import distance_matrix
    from corridors.routing.options import make_options
    from corridors.routing.search import costs_between

    network = network_for(size)
    options = make_options()
    modes = set(options.modes)
    hubs = hubs_for(network, HUBS)
    setup = rss_mb()
    if role == "ours":
        seconds, result = best_of(1, lambda: distance_matrix(network, hubs, options, engine="auto"))
        values = {
            (a, b): v
            for a, row in zip(hubs, result.values, strict=True)
            for b, v in zip(hubs, row, strict=True)
        }
        with open(CACHE / f"matrix-{size}.json", "w") as handle:
            json.dump([[a, b, v] for (a, b), v in values.items()], handle)
        reachable = sum(v is not None for v in values.values())
        detail = f"{len(hubs)} hubs, {reachable} reachable pairs"
        return {"seconds": seconds, "setup_mb": setup, "detail": detail}
    weights = [_weight(network, e, options) for e in range(network.index.edge_count)]
    graph = baselines.networkx_graph(network.index, weights)
    ours = {(a, b): v for a, b, v in json.loads((CACHE / f"matrix-{size}.json").read_text())}
    pairs = [(a, b) for i, a in enumerate(hubs) for b in hubs[i + 1 :]]
    sample = random.Random(7).sample(pairs, min(PAIR_SAMPLE, len(pairs)))
    start = time.perf_counter()
    for a, b in sample:
        expected = _nx_pair(graph, network, a, b, modes)
        got = ours[a, b]
        if math.isinf(expected):
            assert got is None, (a, b, got)
        else:
            assert got is not None and math.isclose(got, expected, rel_tol=1e-9), (a, b)
    per_pair = (time.perf_counter() - start) / len(sample)
    if role == "baseline":
        return {
            "seconds": per_pair * len(pairs),
            "setup_mb": setup,
            "detail": f"nx per pair: {len(sample)} timed x {len(pairs)} pairs; equal",
        }
    start = time.perf_counter()
    for hub in hubs[:SOURCE_SAMPLE]:
        groups = [network.nodes_of(hub, modes)]
        costs_between(network.index, groups, groups, options, engine="python")
    per_source = (time.perf_counter() - start) / SOURCE_SAMPLE
    return {
        "seconds": per_source * len(hubs),
        "setup_mb": setup,
        "detail": f"heapq per source: {SOURCE_SAMPLE} timed x {len(hubs)}",
    }


def _weight(network: Any, edge: int, options: Any) -> float | None:
    from corridors.routing.search import edge_costs

    cost = edge_costs(network.index, options)[edge]
    return None if math.isinf(cost) else cost


# ---------------------------------------------------------------------------------- route


def route(size: int, role: str) -> dict[str, Any]:
    """One long route query in a warm process."""

    from corridors.routing.route import make_options
    from corridors.routing.route import route as find_route
    from corridors.routing.search import shortest_path

    network = network_for(size)
    options = make_options(include_proposed=True)
    a, b = far_pair(network)
    modes = set(options.modes)
    sources, targets = network.nodes_of(a, modes), set(network.nodes_of(b, modes))
    setup = rss_mb()
    if role == "ours":
        start = time.perf_counter()
        first = find_route(network, a, b, options)  # includes compiling the CSR once
        cold = time.perf_counter() - start
        seconds, again = best_of(5, lambda: find_route(network, a, b, options))
        assert again.distance_km == first.distance_km
        python_s, found = best_of(
            3, lambda: shortest_path(network.index, sources, targets, options, engine="python")
        )
        assert math.isclose(found[0], first.distance_km, rel_tol=1e-9)
        detail = (
            f"{first.distance_km:,.0f} km; first query {cold * 1000:.0f} ms incl. CSR; "
            f"pure-Python early exit {python_s * 1000:.0f} ms"
        )
        return {"seconds": seconds, "setup_mb": setup, "detail": detail}
    weights = [_weight(network, e, options) for e in range(network.index.edge_count)]
    graph = baselines.networkx_graph(network.index, weights)
    seconds, _ = best_of(3, lambda: _nx_pair(graph, network, a, b, modes))
    return {"seconds": seconds, "setup_mb": setup, "detail": "networkx multi_source_dijkstra"}


CASES = {"build": build, "lengths": lengths, "matrix": matrix, "route": route}


def main() -> None:
    case, size, role = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    result = CASES[case](size, role)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
