"""Offline, deterministic, injection-safe maps, checked in a real headless Chromium.

Run as a script (`python tests/test_offline_maps.py OUT.html`) it writes the demo map: the
determinism test runs it in two separate processes and compares the bytes.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
TILES = re.compile(r"^https://tile\.openstreetmap\.org/")
HOSTILE = "<img src=x onerror=alert(1)> \"quoted\" 'single' `${alert(2)}` back\\slash </script>"
DATES = ["2014-11-20", "2015-04-20", "2015-06-01"]


def build_demo(out: Path) -> Path:
    """Write the demo offline map: basemap, 2 lines, legend, time control, hostile names."""
    import folium

    from corridors.maps.basemap import add_basemap
    from corridors.maps.leaflet import add_legend, add_time_control, bind_text
    from corridors.maps.offline import lean_map, render_offline

    m = lean_map(location=[40.5, 131.0], zoom_start=6, tiles=None)
    add_basemap(m)
    rail = folium.PolyLine(
        [[42.433, 130.636], [42.344, 130.398], [42.245, 130.283]],  # Khasan - Tumangang - Rajin
        color="#b03a2e",
        weight=4,
    ).add_to(m)
    bind_text(rail, tooltip=HOSTILE, popup=HOSTILE)
    sea = folium.PolyLine(
        [[42.245, 130.283], [39.5, 131.0], [36.01, 129.39]],
        color="#1f618d",
        weight=3,
        dash_array="8 6",
    ).add_to(m)
    bind_text(sea, tooltip="Rajin - Pohang (sea)")

    def feature(fid: str, start: str, end: str, coords: list) -> dict:
        props = {"id": fid, "name": f"{fid} {HOSTILE}", "start": start, "end": end}
        geom = {"type": "LineString", "coordinates": coords}
        return {"type": "Feature", "id": fid, "properties": props, "geometry": geom}

    shipments = folium.GeoJson(
        {
            "type": "FeatureCollection",
            "features": [
                feature("pilot", "2014-11", "2014-12-01", [[130.28, 42.24], [129.39, 36.01]]),
                feature("dangjin", "2015-04-16", "2015-05-09", [[130.28, 42.24], [126.6, 37.0]]),
                feature("boryeong", "2015-04-16", "2015-05-09", [[130.28, 42.24], [126.5, 36.3]]),
            ],
        },
        name="Shipments",
        style_function=lambda f: {"className": "timed-feature", "color": "#7d3c98", "weight": 3},
    ).add_to(m)
    bind_text(shipments, tooltip_field="name", popup_fields=[("name", "Name"), ("start", "From")])
    add_time_control(m, shipments, DATES)
    add_legend(
        m,
        [
            {"label": "Railway", "color": "#b03a2e", "weight": 4},
            {"label": "Sea route", "color": "#1f618d", "dash": "8 6"},
            {"label": HOSTILE, "color": "#7d3c98"},
        ],
        title="Legend",
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

    # time control: advancing the date changes how many features are drawn
    ctl = page.locator(".corridors-time-control")
    assert ctl.is_visible()
    counts = []
    for i, date in enumerate(DATES):
        page.locator(".corridors-time-range").fill(str(i))
        assert ctl.get_attribute("data-date") == date
        counts.append(page.locator("path.timed-feature").count())
        assert counts[-1] == int(ctl.get_attribute("data-visible"))
    assert counts == [1, 2, 0]
    page.locator(".corridors-time-play").click()  # play advances by itself
    page.wait_for_function(
        "document.querySelector('.corridors-time-control').dataset.date !== "
        + repr(ctl.get_attribute("data-date"))
    )
    page.locator(".corridors-time-play").click()  # pause

    # hostile name in tooltip and popup: text, not markup, and no dialog
    page.locator(".corridors-time-range").fill("0")
    page.mouse.move(0, 0)
    rail = page.locator("path[stroke='#b03a2e']")
    rail.hover(force=True)
    tip = page.locator(".leaflet-tooltip .corridors-tooltip")
    tip.wait_for()
    assert tip.inner_text().strip() == HOSTILE.strip()
    rail.click(force=True)
    popup = page.locator(".leaflet-popup-content .corridors-popup")
    popup.wait_for()
    assert popup.inner_text().strip() == HOSTILE.strip()
    assert page.locator(".leaflet-popup-content img, .leaflet-tooltip img").count() == 0

    # the data basemap is drawn (land polygons and borders)
    assert page.locator(".leaflet-corridors-basemap-pane path").count() >= 2

    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(400)  # let the popup fade-in finish
    page.screenshot(path=str(ARTIFACTS / "offline_demo_map.png"))
    assert offline_page.problems(allowed_blocked=TILES) == []
    assert offline_page.dialogs == []
    print(f"\nblocked (optional tiles only): {len(offline_page.blocked)} requests")


def test_offline_map_load_time(demo_html: Path, offline_page):
    """5 loads, each up to the time control; the median is printed for the record."""
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        offline_page.open(demo_html)
        offline_page.page.wait_for_selector(".corridors-time-control")
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    size_kib = demo_html.stat().st_size / 1024
    print(f"\ndemo offline map: {size_kib:.0f} KiB, median load {median * 1000:.0f} ms")
    # Not a wall-clock bound: time on a shared 2-core machine says more about the other jobs
    # than about the page (a bound loose enough never to flake proves nothing). What makes
    # an offline page slow is what it has to load: one file of bounded size (here), asking
    # for nothing but the optional tiles (below).
    assert size_kib < 600, f"demo page grew to {size_kib:.0f} KiB"
    assert offline_page.problems(allowed_blocked=TILES) == []


if __name__ == "__main__":
    build_demo(Path(sys.argv[1]))
