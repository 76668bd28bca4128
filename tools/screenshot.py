"""Screenshot the committed atlas map for the README, and measure the maps.

    python tools/screenshot.py [--maps DIR] [--out docs/screenshot-atlas.png] [--loads 5]

Opens the maps in headless Debian Chromium (/usr/bin/chromium, or CORRIDORS_CHROMIUM) at
1280x800 with every network request blocked, as someone with no network would see it, and
saves the README's screenshots beside ``--out``: the whole atlas, the Rason area at zoom 11,
the shipments map mid-story, and the atlas's route panel with Khasan -> Pohang. Then prints
each map's size, its median load time over `--loads` loads (until the layer control is
drawn), and the median wall time of `corridors build --offline` for the shipped atlas (3 runs,
into a temporary folder). Run it after `corridors build`.

Hangul in the maps needs a Korean font, which this machine's Chromium lacks (names would show
as empty boxes): with ``pip install -e .[screenshots]`` Chromium is given Nanum Gothic (SIL Open
Font License, shipped in the ``koreanize-matplotlib`` wheel) through a temporary fontconfig
file for this run only; the system's font setup is not touched.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CORRIDORS_CHROMIUM", "/usr/bin/chromium")
LOCAL = ("file:", "data:", "blob:", "about:")


def _font_env(folder: Path) -> dict[str, str]:
    """The environment for Chromium: the system fonts plus Nanum Gothic, if installed."""
    import importlib.util

    spec = importlib.util.find_spec("koreanize_matplotlib")  # a wheel with the Nanum fonts
    if spec is None or spec.origin is None:
        print("note: no Korean font (pip install -e .[screenshots]); Hangul shows as boxes")
        return dict(os.environ)
    fonts = Path(spec.origin).parent / "fonts"
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{fonts}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def _block_network(route) -> None:
    if route.request.url.startswith(LOCAL):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def build_seconds(runs: int = 3) -> float:
    """Median wall time of `corridors build --offline -q` in a fresh process."""
    times = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "corridors.cli", "build", "--out", out, "--offline", "-q"],
                check=True,
            )
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


# The page's Leaflet map (folium names it map_<id>): centre it on [lat, lon] at a zoom.
_SET_VIEW = """([lat, lon, zoom]) => {
  const map = Object.values(window).find((v) => v instanceof L.Map);
  map.setView([lat, lon], zoom, {animate: false});
}"""
# Move the shipments day axis to the middle of the story (between the 2015 voyages).
_MID_STORY = """() => {
  const range = document.querySelector(".corridors-timebar-range");
  range.value = String(Math.round(Number(range.max) * 0.45));
  range.dispatchEvent(new Event("input", {bubbles: true}));
}"""


def _shot(page, path: Path) -> None:  # noqa: ANN001 - a Playwright page
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--maps", type=Path, default=REPO / "maps")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshot-atlas.png")
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory() as fontconf:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu"],
            env=_font_env(Path(fontconf)),
        )
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.route("**/*", _block_network)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        for path in sorted(args.maps.glob("*.html")):
            times = []
            for _ in range(args.loads):
                t0 = time.perf_counter()
                page.goto(path.resolve().as_uri(), wait_until="load")
                page.wait_for_selector(".leaflet-control-layers")
                times.append(time.perf_counter() - t0)
            print(
                f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: "
                f"{path.stat().st_size / 1024:.0f} KiB, median load "
                f"{statistics.median(times) * 1000:.0f} ms over {args.loads} loads"
            )
            if path.name == "atlas.html":
                page.wait_for_timeout(300)
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out))
                print(f"screenshot: {args.out}")
                page.evaluate(_SET_VIEW, [42.34, 130.47, 11])
                page.wait_for_timeout(800)
                _shot(page, args.out.with_name("screenshot-rason.png"))
                page.goto(path.resolve().as_uri() + "#from=khasan&to=pohang", wait_until="load")
                page.wait_for_selector("[data-route-km]:not([data-route-km=''])")
                page.wait_for_timeout(500)
                _shot(page, args.out.with_name("screenshot-route.png"))
            if path.name == "shipments.html":
                page.evaluate(_MID_STORY)
                page.wait_for_timeout(500)
                _shot(page, args.out.with_name("screenshot-shipments.png"))
        browser.close()
    if errors:
        raise SystemExit("errors in the page: " + "; ".join(errors))
    print(f"corridors build --offline: median {build_seconds():.2f} s over 3 runs")


if __name__ == "__main__":
    main()
