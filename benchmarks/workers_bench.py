"""``matrix --workers N`` against one process: ``python benchmarks/workers_bench.py [SIZE ...]``.

The same matrix (the generated atlas of SIZE segments, the benchmark's hubs) computed by
:func:`corridors.distance_matrix` with ``workers=1`` and with ``workers=N``, the two alternated
round by round; prints a Markdown row per size and worker count with the median and minimum
of the per-round ratios (one process's time over N's) and checks that every cell is equal.
The wall time of N workers includes starting them (``spawn``) and writing the graph's numbers
for them, as a user's command pays it. On a 2-core machine N above 2 cannot pay.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cases  # noqa: E402

from corridors.routing.matrix import distance_matrix  # noqa: E402
from corridors.routing.options import make_options  # noqa: E402


def measure(size: int, *, hubs: int, workers: int, rounds: int) -> str:
    network = cases.network_for(size)
    places = cases.hubs_for(network, hubs)
    options = make_options(include_proposed=True)

    def one() -> object:
        return distance_matrix(network, places, options, quiet=True)

    def shared() -> object:
        return distance_matrix(network, places, options, workers=workers, quiet=True)

    one()  # warm: the compiled graph and the costs are kept with the index
    single, multi, a, b = cases.alternate(rounds, one, shared)
    assert a == b, "the shared matrix differs from one process's"
    ratios = [s / m for s, m in zip(single, multi, strict=True)]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"| matrix --workers {workers} | {size:,} segments | 1 process | "
        f"{statistics.median(single):.3f} | {statistics.median(multi):.3f} | "
        f"{statistics.median(ratios):.2f}× | {min(ratios):.2f}× | - | "
        f"{len(places)} hubs, {network.index.edge_count} edges; {len(places) ** 2:,} cells "
        f"equal; median of {rounds} alternated rounds; load {load} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100_000])
    parser.add_argument("--hubs", type=int, default=400)
    parser.add_argument("--workers", type=int, nargs="*", default=[2])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores")
    for size in args.sizes:
        for workers in args.workers:
            print(measure(size, hubs=args.hubs, workers=workers, rounds=args.rounds), flush=True)


if __name__ == "__main__":
    main()
