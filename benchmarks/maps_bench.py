"""Map benchmarks: ``python benchmarks/maps_bench.py [CORRIDORS]`` prints JSON table rows.

1. ``corridors build`` for the shipped atlas, as a fresh process writing to a temporary folder
   (budget 2 s).
2. The committed ``maps/*.html``: size (budget 1.5 MB) and draw time (budget 0.5 s), median of
   5 loads in headless Chromium with the network blocked.
3. Our ``atlas.html`` of a generated atlas of CORRIDORS corridors (default 10,000; built as
   ``corridors build`` does, offline) against plain folium's output of the SAME lines (the
   positions our map draws): ``folium.Map()`` with one ``folium.GeoJson`` of the LineStrings
   (folium's defaults), and with one ``folium.PolyLine`` per line. File size, and draw time:
   from navigation until at least one vector path per line is in the page and two frames are
   painted, plus the renderer main thread's CPU time until then (robust to other jobs on the
   machine), median of 5 rounds in which the three pages are ALTERNATED. Ours is offline
   (Leaflet, basemap, labels, place markers, popups, month control and route panel inlined);
   folium's page links Leaflet from a CDN: the network is blocked, so leaflet.js/leaflet.css
   are served to it from the installed xstatic-leaflet (the Leaflet our maps inline) and it
   draws; its tile requests are aborted.
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
LOAD_BUDGET_S = 0.5


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


def generated_network(corridors: int):  # noqa: ANN201 - corridors.network.index.Network
    """The network of a generated atlas of `corridors` grid corridors (plus the shipped atlas)."""
    import generate

    from corridors.network.index import Network, build_index

    atlas = generate.load(generate.generate(corridors))
    return Network(atlas, build_index(atlas=atlas))


def drawn_lines(network) -> list[list[list[float]]]:  # noqa: ANN001
    """The corridor lines atlas.html draws on its day, [[lon, lat], ...] each: the same
    positions (cleaned, 1e-5 degree) the baseline gets."""
    import datetime

    from corridors.atlas.timeline import state_on
    from corridors.maps.atlas_data import corridor_lines

    today = datetime.date.today()
    lines, _ = corridor_lines(network)
    return [lines[c.id] for c in network.atlas.corridors.values() if state_on(c, today)]


def write_ours(network, path: Path) -> float:  # noqa: ANN001
    """atlas.html as ``corridors build`` writes it (offline); seconds taken."""
    from corridors.maps.atlas_map import atlas_map
    from corridors.maps.base import write_html

    start = time.perf_counter()
    write_html(atlas_map(network, offline=True), path, offline=True)
    return time.perf_counter() - start


def write_folium(lines: list[list[list[float]]], path: Path, *, variant: str = "geojson") -> None:
    """Plain folium's output of the same lines, used as folium's documentation shows:
    ``folium.Map()`` (its defaults: OpenStreetMap tiles, Leaflet from a CDN) plus, with
    `variant` ``"geojson"``, one ``folium.GeoJson`` of a FeatureCollection of the LineStrings
    (no properties, folium's default style), or with ``"polyline"`` one ``folium.PolyLine``
    per line."""
    import folium

    m = folium.Map()
    if variant == "geojson":
        features = [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {"type": "LineString", "coordinates": c},
            }
            for c in lines
        ]
        folium.GeoJson({"type": "FeatureCollection", "features": features}).add_to(m)
    elif variant == "polyline":
        for c in lines:
            folium.PolyLine([[y, x] for x, y in c]).add_to(m)
    else:
        raise ValueError(f"unknown variant {variant!r}")
    m.fit_bounds([[34, 124], [44, 134]])
    m.save(str(path))


def _leaflet_files() -> dict[str, tuple[bytes, str]]:
    import xstatic.pkg.leaflet as xleaflet

    base = Path(xleaflet.BASE_DIR)
    return {
        "leaflet.js": ((base / "leaflet.js").read_bytes(), "application/javascript"),
        "leaflet.css": ((base / "leaflet.css").read_bytes(), "text/css"),
    }


def _router(serve_leaflet: bool):  # noqa: ANN202
    """Network blocked: local files pass; with `serve_leaflet`, a CDN request for leaflet.js or
    leaflet.css is answered from the installed xstatic-leaflet (the same Leaflet 1.9 our
    offline maps inline), so the baseline draws; everything else is aborted."""
    files = _leaflet_files()

    def handle(route) -> None:  # noqa: ANN001
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
            return
        name = url.split("?")[0].rsplit("/", 1)[-1]
        if serve_leaflet and name in files:
            body, kind = files[name]
            route.fulfill(status=200, body=body, content_type=kind)
            return
        route.abort()

    return handle


def _main_thread_cpu_s(trace: bytes) -> float:
    """CPU seconds the page's renderer main thread spent in tasks, from a Chromium trace
    (``tdur`` of the top-level ``ThreadControllerImpl::RunTask`` events on ``CrRendererMain``):
    unlike wall time, it does not grow while other processes hold the machine's two cores."""
    events = json.loads(trace)
    events = events.get("traceEvents", events) if isinstance(events, dict) else events
    main = {
        (e["pid"], e["tid"])
        for e in events
        if e.get("name") == "thread_name" and e.get("args", {}).get("name") == "CrRendererMain"
    }
    total = sum(
        e.get("tdur", 0)
        for e in events
        if e.get("name") == "ThreadControllerImpl::RunTask"
        and e.get("ph") == "X"
        and (e["pid"], e["tid"]) in main
    )
    return total / 1e6


def draw_times(
    pages: list[tuple[str, Path, int, bool]], runs: int = 5
) -> dict[str, tuple[list[float], list[float], list[float]]]:
    """Per named page: seconds to the ``load`` event, until at least `count` vector paths are
    drawn and two frames painted, and the renderer main thread's CPU seconds until then, in
    `runs` rounds; the pages are ALTERNATED in each round (their order rotates from round to
    round), each load in a fresh browser context.

    `pages` holds ``(name, path, count, serve_leaflet)``."""
    from playwright.sync_api import sync_playwright

    out: dict[str, tuple[list[float], list[float], list[float]]] = {
        name: ([], [], []) for name, *_ in pages
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for round_ in range(runs):
                shift = round_ % len(pages)
                for name, path, count, serve in pages[shift:] + pages[:shift]:
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    page = context.new_page()
                    page.route("**/*", _router(serve))
                    browser.start_tracing(page=page, categories=["toplevel"])
                    start = time.perf_counter()
                    page.goto(path.resolve().as_uri(), wait_until="load", timeout=120_000)
                    out[name][0].append(time.perf_counter() - start)
                    page.wait_for_function(
                        f"document.querySelectorAll('path.leaflet-interactive').length >= {count}",
                        polling="raf",
                        timeout=120_000,
                    )
                    page.evaluate(
                        "() => new Promise(r => requestAnimationFrame(() => "
                        "requestAnimationFrame(r)))"
                    )
                    out[name][1].append(time.perf_counter() - start)
                    out[name][2].append(_main_thread_cpu_s(browser.stop_tracing()))
                    context.close()
        finally:
            browser.close()
    return out


def compare_with_folium(corridors: int, runs: int = 5) -> list[dict[str, Any]]:
    """Our atlas.html against plain folium's output of the same lines: file size and draw
    time (median of `runs` alternated loads, network blocked)."""
    network = generated_network(corridors)
    lines = drawn_lines(network)
    with tempfile.TemporaryDirectory() as out:
        ours, geojson, polyline = (Path(out) / n for n in ("ours.html", "gj.html", "pl.html"))
        build_s = write_ours(network, ours)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        write_folium(lines, geojson, variant="geojson")
        write_folium(lines, polyline, variant="polyline")
        size = {
            k: p.stat().st_size / 1e6
            for k, p in (("ours", ours), ("gj", geojson), ("pl", polyline))
        }
        n = len(lines)
        times = draw_times(
            [("ours", ours, n, False), ("gj", geojson, n, True), ("pl", polyline, n, True)],
            runs=runs,
        )
    med = {k: tuple(statistics.median(x) for x in v) for k, v in times.items()}
    contents = (
        f"{len(network.atlas.corridors):,} corridors, {n:,} lines drawn; "
        f"ours {size['ours']:.2f} MB "
        f"(offline: inlines Leaflet, basemap, labels, {len(network.atlas.places):,} place markers, "
        "popups, month control, route panel with its graph; built in "
        f"{build_s:.1f} s); folium links Leaflet from a CDN (network blocked; leaflet.js/.css "
        "served to it from xstatic-leaflet so it draws), OSM tiles blocked, lines only"
    )
    rows = []
    for key, label in (("gj", "one folium.GeoJson"), ("pl", "one folium.PolyLine per line")):
        ratio = size["ours"] / size[key]
        rows.append(
            {
                "case": f"atlas map vs folium ({label})",
                "size": f"{corridors:,} corridors",
                "baseline": med[key][1],
                "ours": med["ours"][1],
                "peak_mb": peak,
                "note": (
                    f"drawn (paths in DOM + 2 frames), median of {runs} alternated loads; "
                    f"renderer main-thread CPU until drawn ours {med['ours'][2]:.2f} s, folium "
                    f"{med[key][2]:.2f} s ({med['ours'][2] / med[key][2]:.2f}x); load "
                    f"event ours {med['ours'][0]:.2f} s, folium {med[key][0]:.2f} s; size ours "
                    f"{size['ours']:.2f} MB vs folium {size[key]:.2f} MB = {ratio:.2f}x "
                    f"(budget 1.20x); {contents}"
                ),
                "lower_is_better_ratio": True,
                "ratio_text": f"{med['ours'][1] / med[key][1]:.2f}x time",
            }
        )
    return rows


def shipped_maps(runs: int = 5) -> list[dict[str, Any]]:
    """The committed maps/: size and draw time (median of `runs`, network blocked)."""
    from corridors.maps import MAP_FILES, default_maps_dir

    folder = default_maps_dir()
    pages = [(name, folder / name, 1, False) for name in MAP_FILES]
    times = draw_times(pages, runs=runs)
    rows = []
    for name, path, _, _ in pages:
        drawn = statistics.median(times[name][1])
        size = path.stat().st_size / 1e6
        rows.append(
            row(
                f"maps/{name} in Chromium",
                "shipped atlas",
                LOAD_BUDGET_S,
                drawn,
                float("nan"),
                f"{size:.2f} MB (budget 1.5 MB); drawn {drawn:.2f} s (main-thread CPU "
                f"{statistics.median(times[name][2]):.2f} s), load event "
                f"{statistics.median(times[name][0]):.2f} s, median of {runs} (budget 0.5 s)",
            )
        )
    return rows


def main() -> None:
    corridors = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rows = [shipped_build(), *shipped_maps(), *compare_with_folium(corridors)]
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
