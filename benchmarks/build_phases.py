"""Where a first build goes: the phases of ``corridors route`` on an uncached atlas, timed.

Usage: ``python benchmarks/build_phases.py [--objects] ATLAS_DIR`` (e.g. a folder written by
``generate.py``; ``run.py --scale N`` keeps one per size under ``/tmp/corridors-bench``).
Runs in this process the steps a first build takes (into a temporary cache folder, the garbage
collector paused as it is there): by default the columnar build of a large atlas
(:func:`corridors.network.firstbuild.write_caches`, its phases told through
``firstbuild.phase``); with ``--objects`` the steps of
:func:`corridors.network.load.load_network`'s object path (read and hash, parse and scan,
validate, index, encode the rows, write both cache files). It prints a Markdown table of wall
seconds, CPU seconds (this process: on a shared machine the better guide) and peak RSS after
each phase, with the load average. research/first-build-profile.md quotes it.
"""

from __future__ import annotations

import gc
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

Marks = list[tuple[str, float, float, float]]


def main(atlas: Path, *, objects: bool) -> None:
    os.environ["CORRIDORS_CACHE_DIR"] = tempfile.mkdtemp(prefix="corridors-phases-")
    marks: Marks = []
    clock = [time.perf_counter(), time.process_time()]

    def mark(name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        marks.append((name, wall - clock[0], cpu - clock[1], peak))
        clock[:] = [wall, cpu]

    summary = object_path(atlas, mark) if objects else columnar_path(atlas, mark)
    print(f"{atlas}: {summary}; load average {os.getloadavg()[0]:.1f} at the end")
    print(f"| {'phase':38s} | {'wall s':>7s} | {'CPU s':>7s} | {'peak MB':>8s} |")
    print(f"|{'-' * 40}|{'-' * 8}:|{'-' * 8}:|{'-' * 9}:|")
    for name, wall, cpu, peak in marks:
        print(f"| {name:38s} | {wall:7.2f} | {cpu:7.2f} | {peak:8.0f} |")
    total_wall, total_cpu = sum(m[1] for m in marks), sum(m[2] for m in marks)
    print(f"| {'total':38s} | {total_wall:7.2f} | {total_cpu:7.2f} | {marks[-1][3]:8.0f} |")
    sys.stdout.flush()
    os._exit(0)  # as the command line does: no freeing of the network at exit


def columnar_path(atlas: Path, mark: Callable[[str], None]) -> str:
    """The columnar first build, phase by phase; a one-line summary."""
    from corridors.atlas import read
    from corridors.network import firstbuild

    mark("imports")
    root = read.atlas_root(atlas)
    contents, fingerprint = read.read_atlas_bytes(root)
    mark("read + sha256")
    gc.disable()
    firstbuild.phase = mark
    if not firstbuild.write_caches(root, contents, fingerprint):
        raise SystemExit(f"{atlas}: the columnar build refused this atlas")
    files = sorted(Path(os.environ["CORRIDORS_CACHE_DIR"]).glob("*.cnet"))
    return "columnar build, " + ", ".join(f"{p.name[:9]} {p.stat().st_size:,} B" for p in files)


def object_path(atlas: Path, mark: Callable[[str], None]) -> str:
    """The object path of ``load_network``, phase by phase; a one-line summary."""
    from corridors.atlas import read
    from corridors.atlas.safe_input import check_document, parse_json_checked
    from corridors.network import cache as netcache
    from corridors.network.cache import route_path
    from corridors.network.columnfile import write_atomically
    from corridors.network.index import Network, build_index
    from corridors.network.routefile import encode_route_file

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
    return f"object path, {len(loaded.corridors):,} corridors, {index.edge_count:,} edges"


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[-1]), objects="--objects" in args[:-1])
