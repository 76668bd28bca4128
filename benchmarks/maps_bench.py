"""Map benchmarks: ``python benchmarks/maps_bench.py [CORRIDORS]`` prints JSON table rows.

1. ``corridors build`` for the shipped atlas, as a fresh process writing to a temporary folder
   (budget 2 s).
2. The atlas map of a generated atlas of CORRIDORS corridors (default 10,000), built with
   ``corridors.maps`` (``atlas_map`` + ``write_html``, offline): build time, file size, and
   the time headless Chromium takes to open it with the network blocked (budget 3 s), as the
   median of 3 page loads, up to the ``load`` event and then until Leaflet has drawn the lines.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CHROMIUM = os.environ.get("CORRIDORS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
BUILD_BUDGET_S = 2.0
LOAD_BUDGET_S = 3.0


def row(case: str, size: str, budget: float, seconds: float, peak: float, note: str) -> dict:
    return {
        "case": case,
        "size": size,
        "baseline": budget,
        "ours": seconds,
        "peak_mb": peak,
        "note": note,
        "lower_is_better_ratio": True,
        "ratio_text": f"{seconds / budget:.2f} of budget",
    }


def shipped_build() -> dict[str, Any]:
    """``corridors build --out TMP --quiet`` as a fresh process, median of 3."""
    console = Path(sys.executable).with_name("corridors")
    times, peak = [], 0.0
    with tempfile.TemporaryDirectory() as out:
        for _ in range(3):
            start = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, str(console), "build", "--out", out, "--quiet"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            _, status, usage = os.wait4(process.pid, 0)
            times.append(time.perf_counter() - start)
            peak = max(peak, usage.ru_maxrss / 1024)
            if os.waitstatus_to_exitcode(status) != 0:
                err = process.stderr.read().decode() if process.stderr else ""
                raise SystemExit(f"corridors build failed: {err.strip()}")
        sizes = sum(p.stat().st_size for p in Path(out).glob("*.html")) / 1e6
    return row(
        "corridors build (cold)",
        "shipped atlas",
        BUILD_BUDGET_S,
        statistics.median(times),
        peak,
        f"median of 3 fresh processes, budget {BUILD_BUDGET_S:.0f} s; both maps {sizes:.1f} MB",
    )


def big_atlas_map(corridors: int) -> dict[str, Any]:
    import generate

    from corridors.maps.atlas_map import atlas_map
    from corridors.maps.base import write_html
    from corridors.network.index import Network, build_index

    atlas = generate.load(generate.generate(corridors))
    network = Network(atlas, build_index(atlas=atlas))
    with tempfile.TemporaryDirectory() as out:
        path = Path(out) / "atlas.html"
        start = time.perf_counter()
        write_html(atlas_map(network, offline=True), path, offline=True)
        build_s = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size_mb = path.stat().st_size / 1e6
        loads, drawn = browser_load_times(path)
    note = (
        f"{len(atlas.corridors):,} corridors; file {size_mb:.1f} MB; map built in {build_s:.1f} s; "
        f"browser: load event {statistics.median(loads):.2f} s, lines drawn "
        f"{statistics.median(drawn):.2f} s (median of {len(loads)}); budget {LOAD_BUDGET_S:.0f} s"
    )
    return row(
        "atlas map in Chromium",
        f"{corridors:,} corridors",
        LOAD_BUDGET_S,
        statistics.median(drawn),
        peak,
        note,
    )


def browser_load_times(path: Path, runs: int = 3) -> tuple[list[float], list[float]]:
    """Seconds to the ``load`` event, and until Leaflet has drawn vector paths, per run."""
    from playwright.sync_api import sync_playwright

    loads, drawn = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                page = browser.new_page()
                page.route(
                    "**/*",
                    lambda route: (
                        route.continue_()
                        if route.request.url.startswith(("file:", "data:", "blob:"))
                        else route.abort()
                    ),
                )
                start = time.perf_counter()
                page.goto(path.resolve().as_uri(), wait_until="load", timeout=120_000)
                loads.append(time.perf_counter() - start)
                page.wait_for_function(
                    "document.querySelectorAll('path.leaflet-interactive').length > 0",
                    timeout=120_000,
                )
                drawn.append(time.perf_counter() - start)
                page.close()
        finally:
            browser.close()
    return loads, drawn


def main() -> None:
    corridors = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rows = [shipped_build(), big_atlas_map(corridors)]
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
