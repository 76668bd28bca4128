"""Run every benchmark and print one table: ``python benchmarks/run.py [--quick]``.

Each row is a ratio measured on this machine in this run: the baseline and ours run back to
back (each in a fresh process, so the peak memory column is that step's own max RSS). Results
are also written to ``benchmarks/results.md``. ``--quick`` uses smaller sizes (1k, 10k).

Rows:
- ``cli route (cold)``: ``corridors route Khasan Pohang`` as a fresh process vs
  ``python -c "import networkx"``; medians of N runs each, interleaved, cache warm.
- ``build``: the route index of a generated atlas (cut at via places, geodesic lengths,
  adjacency) vs the straightforward per-row loop (``baselines.py``); results asserted equal.
- ``lengths``: only the geodesic lengths, vectorised vs one pyproj call per corridor.
- ``matrix``: 500 hubs, scipy csgraph vs networkx Dijkstra per pair (timed on a sample of
  pairs, scaled to all pairs; every sampled distance asserted equal to 1e-9), and vs the
  previous per-source heapq Dijkstra (also sampled and scaled).
- ``route``: one corner-to-corner route in a warm process vs networkx.
- ``map``: the atlas map of a 10,000-corridor atlas: build time, file size, load time in
  headless Chromium (``maps_bench.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CASES = HERE / "cases.py"


def run_process(argv: list[str]) -> tuple[str, int]:
    """Run ``argv``; return its stdout and exit code (stderr passed through on failure)."""
    process = subprocess.run(argv, capture_output=True, text=True, check=False)
    if process.returncode != 0:
        sys.stderr.write(process.stderr)
    return process.stdout, process.returncode


def run_case(case: str, size: int, role: str) -> dict[str, Any]:
    """One (case, size, role) in a fresh process, with that process's own peak RSS."""
    argv = [sys.executable, str(CASES), case, str(size), role]
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out_text = process.stdout.read() if process.stdout else ""
    err_text = process.stderr.read() if process.stderr else ""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"benchmark {case} {size} {role} failed:\n{err_text}")
    result = json.loads(out_text.strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def timed_process(argv: list[str]) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        err = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed: {err}")
    return elapsed, usage.ru_maxrss / 1024


def cli_row(runs: int) -> dict[str, Any]:
    """Cold ``corridors route Khasan Pohang`` vs cold ``import networkx``: medians of ``runs``."""
    script = shutil.which("corridors")
    entry = [sys.executable, "-m", "corridors.cli"] if script is None else None
    # The real console script, run by this interpreter (not through a pyenv shim).
    console = Path(sys.executable).with_name("corridors")
    command = [sys.executable, str(console)] if console.exists() else entry
    assert command is not None
    route = [*command, "route", "Khasan", "Pohang"]
    try:
        timed_process(route)  # warms the graph cache (and proves the route exists)
        label = "shipped atlas"
    except SystemExit:
        route.append("--include-proposed")
        try:
            timed_process(route)
            label = "shipped atlas, --include-proposed"
        except SystemExit:
            sys.path.insert(0, str(ROOT / "tests"))
            from atlas_factory import write_atlas

            atlas = write_atlas(Path("/tmp/corridors-bench/factory-atlas"))
            route += ["--atlas", str(atlas)]
            timed_process(route)
            label = "factory atlas (shipped one lacks the places)"
    baseline = [sys.executable, "-c", "import networkx"]
    ours_times, base_times, ours_peak, base_peak = [], [], 0.0, 0.0
    for _ in range(runs):
        seconds, peak = timed_process(baseline)
        base_times.append(seconds)
        base_peak = max(base_peak, peak)
        seconds, peak = timed_process(route)
        ours_times.append(seconds)
        ours_peak = max(ours_peak, peak)
    return {
        "case": "cli route (cold)",
        "size": label,
        "baseline": statistics.median(base_times),
        "ours": statistics.median(ours_times),
        "peak_mb": ours_peak,
        "note": f"median of {runs}; baseline `python -c 'import networkx'` "
        f"(peak {base_peak:.0f} MB); ratio = ours/baseline, target <= 1.5",
        "lower_is_better_ratio": True,
    }


def case_row(case: str, size: int, baseline_role: str, label: str) -> dict[str, Any]:
    ours = run_case(case, size, "ours")
    base = run_case(case, size, baseline_role)
    return {
        "case": label,
        "size": f"{size:,} segments",
        "baseline": base["seconds"],
        "ours": ours["seconds"],
        "peak_mb": ours["peak_mb"],
        "note": f"{ours['detail']}; baseline: {base['detail']}; "
        f"setup RSS {ours['setup_mb']:.0f} MB",
        "lower_is_better_ratio": False,
    }


def map_rows(corridors: int) -> list[dict[str, Any]]:
    """The maps benchmarks (``maps_bench.py``), or one row saying why they did not run."""
    out, code = run_process([sys.executable, str(HERE / "maps_bench.py"), str(corridors)])
    if code != 0 or not out.strip():
        return [
            {
                "case": "maps",
                "size": f"{corridors:,} corridors",
                "baseline": float("nan"),
                "ours": float("nan"),
                "peak_mb": float("nan"),
                "note": "not run: maps benchmark failed (stderr above)",
                "lower_is_better_ratio": False,
            }
        ]
    return json.loads(out.strip().splitlines()[-1])


def format_table(rows: list[dict[str, Any]]) -> str:
    header = ["case", "size", "baseline s", "ours s", "ratio", "peak MB", "notes"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        base, ours = row["baseline"], row["ours"]
        if row.get("ratio_text"):
            ratio = row["ratio_text"]
        elif base != base or ours != ours:  # NaN: not measured
            ratio = "-"
        elif row["lower_is_better_ratio"]:
            ratio = f"{ours / base:.2f}x cost"
        else:
            ratio = f"{base / ours:.1f}x faster"
        cells = [
            row["case"],
            row["size"],
            "-" if base != base else f"{base:.3f}",
            "-" if ours != ours else f"{ours:.4f}" if ours < 0.1 else f"{ours:.3f}",
            ratio,
            "-" if row["peak_mb"] != row["peak_mb"] else f"{row['peak_mb']:.0f}",
            row["note"],
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; load average at start {load:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="sizes 1k and 10k only")
    parser.add_argument("--cli-runs", type=int, default=10)
    parser.add_argument("--no-map", action="store_true", help="skip the browser benchmark")
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    args = parser.parse_args()
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    started = time.perf_counter()
    header = machine()
    print(f"machine: {header}", flush=True)
    rows: list[dict[str, Any]] = [cli_row(args.cli_runs)]
    print(format_table(rows[-1:]).splitlines()[-1], flush=True)
    for size in sizes:
        for case, baseline, label in (
            ("build", "baseline", "build route index"),
            ("lengths", "baseline", "geodesic lengths"),
            ("matrix", "baseline", "matrix 500 hubs vs nx per pair"),
            ("matrix", "previous", "matrix 500 hubs vs heapq per source"),
            ("route", "baseline", "one route (warm)"),
        ):
            rows.append(case_row(case, size, baseline, label))
            print(format_table(rows[-1:]).splitlines()[-1], flush=True)
    if not args.no_map:
        rows.extend(map_rows(1_000 if args.quick else 10_000))
    table = format_table(rows)
    took = time.perf_counter() - started
    print()
    print(table)
    print(f"\n(all benchmarks: {took:.0f} s)")
    args.output.write_text(
        "# Benchmark results\n\n"
        f"Machine: {header}.\n\n"
        f"Command: `python benchmarks/run.py{' --quick' if args.quick else ''}` "
        f"({took:.0f} s in all).\n\n"
        "Ratios compare the baseline and ours measured in the same run on the same machine; "
        "`peak MB` is the max RSS of the process that ran our step (it includes the loaded "
        "atlas; `setup RSS` in the notes is the RSS before the step started).\n\n"
        f"{table}\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
