"""Where a first build goes: the phases of ``corridors route`` on an uncached atlas, timed.

Usage: ``python benchmarks/build_phases.py ATLAS_DIR`` (e.g. a folder written by
``generate.py``; ``run.py --scale N`` keeps one per size under ``/tmp/corridors-bench``).
Runs in this process the steps :func:`corridors.network.load.load_network` takes on a cache
miss (read and hash, parse and scan, validate, index, encode the rows, write both cache files,
into a temporary cache folder) with the garbage collector paused as it is there, and prints a
Markdown table of wall seconds, CPU seconds (this process: on a shared machine the better
guide) and peak RSS after each phase, with the load average. research/first-build-profile.md
quotes it.
"""

from __future__ import annotations

import gc
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def main(atlas: Path) -> None:
    os.environ["CORRIDORS_CACHE_DIR"] = tempfile.mkdtemp(prefix="corridors-phases-")
    marks: list[tuple[str, float, float, float]] = []
    clock = [time.perf_counter(), time.process_time()]

    def mark(name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        marks.append((name, wall - clock[0], cpu - clock[1], peak))
        clock[:] = [wall, cpu]

    from corridors.atlas import read
    from corridors.atlas.safe_input import check_document, parse_json_checked
    from corridors.network import cache as netcache
    from corridors.network.columnfile import write_atomically
    from corridors.network.index import Network, build_index
    from corridors.network.routefile import encode_route_file, route_path

    mark("imports")
    root = read.atlas_root(atlas)
    contents, fingerprint = read.read_atlas_bytes(root)
    mark("read + sha256")
    gc.disable()
    raw, checked = {}, set()
    for path in list(contents):
        raw[path], clean = parse_json_checked(path, contents.pop(path))
        if clean:
            checked.add(path)
    mark("JSON parse + bulk scan")
    for path, doc in raw.items():
        if path not in checked:
            check_document(path, doc)
    mark("text/number walk (unscanned files)")
    done = set(raw)  # every document scanned clean or walked just above
    loaded = read.build_atlas(root, raw, fingerprint=fingerprint, consume=True, checked=done)
    mark("validate -> Place/Corridor objects")
    index = build_index(atlas=loaded)
    mark("build_index (edges, lengths, nodes)")
    network = Network(loaded, index)
    mark("Network() timelines")
    rows = netcache.atlas_rows(loaded, root=root)
    mark("JSON rows of places, corridors")
    chunks = netcache.encode_network(network, root=root, rows=rows)
    write_atomically(netcache.cache_path(fingerprint), chunks)
    del chunks
    mark("network cache encode + write")
    write_atomically(route_path(fingerprint), encode_route_file(network, root=root, rows=rows))
    mark("route file encode + write")
    print(
        f"{atlas}: {len(loaded.corridors):,} corridors, {index.edge_count:,} edges; "
        f"load average {os.getloadavg()[0]:.1f} at the end"
    )
    print(f"| {'phase':38s} | {'wall s':>7s} | {'CPU s':>7s} | {'peak MB':>8s} |")
    print(f"|{'-' * 40}|{'-' * 8}:|{'-' * 8}:|{'-' * 9}:|")
    for name, wall, cpu, peak in marks:
        print(f"| {name:38s} | {wall:7.2f} | {cpu:7.2f} | {peak:8.0f} |")
    total_wall, total_cpu = sum(m[1] for m in marks), sum(m[2] for m in marks)
    print(f"| {'total':38s} | {total_wall:7.2f} | {total_cpu:7.2f} | {marks[-1][3]:8.0f} |")
    sys.stdout.flush()
    os._exit(0)  # as the command line does: no freeing of the network at exit


if __name__ == "__main__":
    main(Path(sys.argv[1]))
