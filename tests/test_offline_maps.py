"""Offline, deterministic, injection-safe maps, checked in a real headless Chromium.

Run as a script (`python tests/test_offline_maps.py OUT.html`) it writes the demo map: the
determinism test runs it in two separate processes and compares the bytes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
TILES = re.compile(r"^https://tile\.openstreetmap\.org/")
HOSTILE = "<img src=x onerror=alert(1)> \"quoted\" 'single' `${alert(2)}` back\\slash </script>"
BAD_LINK = "javascript:alert(3)"


def _line(
    fid: str, coords: list, color: str, css: str, *, dash: str | None = None, **props: object
) -> dict:
    """A GeoJSON LineString feature styled (``properties.style``) as corridors' maps do."""
    style = {"color": color, "weight": 4, "className": css, "dashArray": dash}
    properties = {"id": fid, "style": style, **props}
    geom = {"type": "LineString", "coordinates": coords}
    return {"type": "Feature", "id": fid, "properties": properties, "geometry": geom}


def _collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def build_demo(out: Path) -> Path:
    """Write the demo offline map with the maps' own pieces: basemap, a layer of 2 lines with
    tooltips and popups, a legend, a table panel; hostile names everywhere. (The maps' time
    controls are checked on the maps themselves: tests/test_map_time.py.)"""
    import folium

    from corridors.maps.base import data_layer, new_map
    from corridors.maps.controls import add_legend, add_panel, bind_info
    from corridors.maps.offline import render_offline

    m = new_map([[36.0, 126.0], [42.5, 131.5]], offline=True)
    popup = {
        "title": HOSTILE,
        "rows": [["Status", HOSTILE], [HOSTILE, "1,234 km"]],
        "links": [[HOSTILE, 'https://example.org/?q=<b>&x="y"'], [BAD_LINK, BAD_LINK]],
    }
    lines = data_layer(
        _collection(
            _line(
                "rail",
                [[130.636, 42.433], [130.398, 42.344], [130.283, 42.245]],  # Khasan - Rajin
                "#b03a2e",
                "demo-rail",
                name=HOSTILE,
                popup=popup,
            ),
            _line(
                "sea",
                [[130.283, 42.245], [131.0, 39.5], [129.39, 36.01]],
                "#1f618d",
                "demo-sea",
                dash="8 6",
                name="Rajin - Pohang (sea)",
            ),
        ),
        name="Lines",
    )
    bind_info(lines)
    lines.add_to(m)

    add_legend(
        m,
        [
            {"label": "Railway", "color": "#b03a2e", "weight": 4},
            {"label": "Sea route", "color": "#1f618d", "dash": "8 6"},
            {"label": HOSTILE, "color": "#7d3c98"},
        ],
        title="Legend",
    )
    add_panel(
        m,
        title=HOSTILE,
        columns=["Destination", "Tonnes"],
        rows=[[HOSTILE, "9,000"]],
        footer=["Total", "9,000"],
        numeric=[False, True],
        css_class="demo-panel",
    )
    folium.LayerControl(collapsed=False).add_to(m)
    out.write_text(render_offline(m), encoding="utf-8")
    return out


def _build_in_subprocess(out: Path) -> bytes:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")])
    env.pop("PYTHONHASHSEED", None)  # each process gets its own hash seed
    subprocess.run([sys.executable, __file__, str(out)], check=True, env=env, timeout=120)
    return out.read_bytes()


@pytest.fixture(scope="module")
def demo_html(tmp_path_factory) -> Path:
    return build_demo(tmp_path_factory.mktemp("maps") / "demo.html")


def test_demo_is_self_contained(demo_html: Path):
    html = demo_html.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html), "external script left"
    assert not re.search(r"<link[^>]+href=", html), "external stylesheet left"
    assert "cdn.jsdelivr" not in html and "bootstrap" not in html.lower()
    # data strings are JSON-escaped: no raw markup, and no early end of a <script> block
    assert "<img src=x" not in html
    map_script = html.split("</body>", 1)[1]  # folium's map code, with all our data
    assert map_script.lower().count("</script") == 1
    assert map_script.lower().count("<script") == 1


def test_plain_folium_map_is_made_offline():
    import folium

    from corridors.maps.offline import OfflineError, inline_assets, lean_map

    html = inline_assets(folium.Map(tiles=None).get_root().render())  # strips Bootstrap etc.
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", html)
    assert "L.Icon.Default.mergeOptions" in html and "data:image/png;base64," in html
    assert lean_map().default_css == [("leaflet_css", folium.Map().default_css[0][1])]
    with pytest.raises(OfflineError, match="unpkg.com/foo.js"):
        inline_assets('<script src="https://unpkg.com/foo.js"></script>')
    with pytest.raises(OfflineError, match="example.org"):
        inline_assets('<link rel="stylesheet" href="https://example.org/x.css"/>')


def test_harness_records_network_errors_and_dialogs(tmp_path: Path, offline_page):
    page_file = tmp_path / "bad.html"
    page_file.write_text(
        '<html><body><img src="https://example.invalid/x.png">'
        "<script>alert('hi'); throw new Error('boom');</script></body></html>"
    )
    offline_page.open(page_file)
    assert offline_page.blocked == ["https://example.invalid/x.png"]
    assert offline_page.dialogs == ["alert: hi"]
    assert any("boom" in e for e in offline_page.page_errors)
    assert len(offline_page.problems()) == 3


def test_same_map_twice_is_byte_identical(tmp_path: Path):
    a = _build_in_subprocess(tmp_path / "a.html")
    b = _build_in_subprocess(tmp_path / "b.html")
    assert a == b


def test_offline_map_in_chromium(demo_html: Path, offline_page):
    page = offline_page.open(demo_html)
    page.wait_for_selector(".corridors-legend")
    assert page.evaluate("typeof window.L") == "object"
    assert page.evaluate("L.version") == "1.9.3"

    # legend visible, hostile label shown as text
    legend = page.locator(".corridors-legend")
    assert legend.is_visible()
    assert HOSTILE in legend.inner_text()
    assert page.locator(".corridors-legend img").count() == 0

    # hostile name in tooltip and popup: text, not markup, and no dialog
    page.mouse.move(0, 0)
    rail = page.locator("path.demo-rail")
    rail.hover(force=True)
    tip = page.locator(".leaflet-tooltip .corridors-tooltip")
    tip.wait_for()
    assert tip.inner_text().strip() == HOSTILE.strip()
    rail.click(force=True)
    popup = page.locator(".leaflet-popup-content .corridors-info")
    popup.wait_for()
    assert popup.locator(".corridors-info-title").inner_text().strip() == HOSTILE.strip()
    cells = popup.locator(".corridors-info-rows th, .corridors-info-rows td").all_inner_texts()
    assert [c.strip() for c in cells] == ["Status", HOSTILE.strip(), HOSTILE.strip(), "1,234 km"]
    # the https source is a link (text, safe href); the javascript: one is plain text
    link = popup.locator(".corridors-info-links a")
    assert link.count() == 1
    assert link.inner_text().strip() == HOSTILE.strip()
    assert link.get_attribute("href").startswith("https://example.org/?q=")
    assert link.get_attribute("rel") == "noopener noreferrer"
    items = popup.locator(".corridors-info-links li").all_inner_texts()
    assert [i.strip() for i in items] == [HOSTILE.strip(), BAD_LINK]
    assert page.locator("a[href^='javascript'], a[href^='JAVASCRIPT']").count() == 0
    assert page.locator(".leaflet-popup-content img, .leaflet-tooltip img").count() == 0

    # the table panel shows its hostile title and cell as text
    panel = page.locator(".corridors-panel.demo-panel")
    assert panel.locator(".corridors-panel-title").inner_text() == HOSTILE
    assert panel.locator("tbody td").first.inner_text() == HOSTILE
    assert panel.locator("tfoot th").all_inner_texts() == ["Total", "9,000"]
    assert panel.locator("img").count() == 0

    # the data basemap is drawn (land polygons and borders)
    assert page.locator(".leaflet-corridors-basemap-pane path").count() >= 2

    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(400)  # let the popup fade-in finish
    page.screenshot(path=str(ARTIFACTS / "offline_demo_map.png"))
    assert offline_page.problems(allowed_blocked=TILES) == []
    assert offline_page.dialogs == []
    print(f"\nblocked (optional tiles only): {len(offline_page.blocked)} requests")


def test_offline_map_is_small_and_asks_for_nothing(demo_html: Path, offline_page):
    """One load up to the legend (load times are measured by benchmarks/maps_bench.py)."""
    offline_page.open(demo_html)
    offline_page.page.wait_for_selector(".corridors-legend")
    size_kib = demo_html.stat().st_size / 1024
    # Not a wall-clock bound: time on a shared 2-core machine says more about the other jobs
    # than about the page (a bound loose enough never to flake proves nothing). What makes
    # an offline page slow is what it has to load: one file of bounded size (here), asking
    # for nothing but the optional tiles (below).
    assert size_kib < 600, f"demo page grew to {size_kib:.0f} KiB"
    assert offline_page.problems(allowed_blocked=TILES) == []


if __name__ == "__main__":
    build_demo(Path(sys.argv[1]))
