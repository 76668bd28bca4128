"""The maps in a real headless Chromium with every network request blocked (tests/browser.py):
Leaflet loads, nothing errors, layers, popups, the time control, hostile names.

Fast tests use the factory atlas (tests/maps_support.py); the last ones open the committed
maps/ built from the shipped atlas, take screenshots (load times: benchmarks/maps_bench.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from maps_support import (
    GOOD_URL,
    HOSTILE,
    HOSTILE_PLACE,
    click_vertex,
    hover_vertex,
    write_hostile_atlas,
    write_maps_atlas,
)

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
COMMITTED = REPO / "maps"
POPUP = ".leaflet-popup-content .corridors-info"


@pytest.fixture(scope="module")
def factory_maps(tmp_path_factory):
    """(network, folder) with atlas.html, shipments.html and route.html of the factory atlas."""
    from corridors.maps import build_maps, write_route_map
    from corridors.network.load import load_network
    from corridors.routing.route import route

    root = tmp_path_factory.mktemp("maps")
    network = load_network(write_maps_atlas(root / "atlas"), use_cache=False)
    build_maps(network, root, offline=True)
    found = route(network, "Khasan", "Pohang", include_proposed=True)
    write_route_map(network, found, root / "route.html", offline=True)
    return network, root


@pytest.fixture(scope="module")
def hostile_maps(tmp_path_factory):
    from corridors.maps import build_maps
    from corridors.network.load import load_network

    root = tmp_path_factory.mktemp("hostile")
    network = load_network(write_hostile_atlas(root / "atlas"), use_cache=False)
    build_maps(network, root, offline=True)
    return root


def _screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(300)  # popup fade-in
    page.screenshot(path=str(ARTIFACTS / name))


def _open(offline_page, path: Path):
    page = offline_page.open(path)
    page.wait_for_selector(".leaflet-control-layers")
    assert page.evaluate("typeof L === 'object' && L.version") == "1.9.3"
    return page


def test_atlas_map(factory_maps, offline_page):
    from corridors.maps.atlas_map import layer_names
    from corridors.network.listing import corridor_lengths_km

    network, folder = factory_maps
    page = _open(offline_page, folder / "atlas.html")
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert [x.strip() for x in labels] == layer_names(network)
    assert page.locator(".leaflet-control-scale-line").count() == 2  # metric and imperial
    assert page.locator(".corridors-legend").count() == 2
    assert page.locator(".leaflet-corridors-basemap-pane path").count() >= 2
    # drawn: 4 corridors (dash styles differ by status) and 5 places
    assert page.locator(".leaflet-overlay-pane path").count() == 4
    assert page.locator(".leaflet-corridors-places-pane path").count() == 5
    assert page.locator(".leaflet-overlay-pane path[stroke-dasharray]").count() == 3

    click_vertex(page, "khasan_rajin", 3)  # a vertex no other line or place shares
    popup = page.locator(POPUP)
    popup.wait_for()
    text = popup.inner_text()
    length = corridor_lengths_km(network)["khasan_rajin"]
    assert text.startswith("Khasan - Rajin railway")
    assert f"{length:,.1f} km" in text and "54.0 km" in text and "1520 / 1435 mm" in text
    _screenshot(page, "maps_factory_atlas.png")

    # switching a layer off removes its lines
    page.locator(".leaflet-control-layers-overlays label", has_text="Rail \u2013 proposed").click()
    assert page.locator(".leaflet-overlay-pane path").count() == 3
    assert offline_page.problems() == []


def test_shipments_map_time_control(factory_maps, offline_page):
    """The day axis steps evenly; the legs under way (window mode) change with the date."""
    import datetime

    network, folder = factory_maps
    page = _open(offline_page, folder / "shipments.html")
    ctl = page.locator(".corridors-timebar")
    assert ctl.get_attribute("data-date") == "2015-05-31"  # opens at the end, cumulative
    assert ctl.get_attribute("data-visible") == "4"
    page.locator(".corridors-timebar-mode").select_option("window")
    first = datetime.date(2014, 11, 1)
    seen = {}
    for date in ("2014-11-01", "2014-11-27", "2015-04-20", "2015-05-31"):
        index = (datetime.date.fromisoformat(date) - first).days
        page.locator(".corridors-timebar-range").fill(str(index))
        assert ctl.get_attribute("data-date") == date
        drawn = page.locator("path.corridors-leg").count()
        assert drawn == int(ctl.get_attribute("data-visible"))
        seen[date] = drawn
    assert seen["2014-11-01"] == 1  # pilot: the train only
    assert seen["2014-11-27"] == 2  # pilot: train and ship
    assert seen["2015-04-20"] == 2 and seen["2015-05-31"] == 1  # 2015: ship done a month ago

    page.locator(".corridors-timebar-range").fill("26")  # 2014-11-27
    page.locator(".corridors-timebar-play").click()  # play advances by itself
    page.wait_for_function(
        "document.querySelector('.corridors-timebar').dataset.date !== '2014-11-27'"
    )
    page.locator(".corridors-timebar-play").click()  # pause

    page.locator(".corridors-timebar-mode").select_option("cumulative")
    page.locator(".corridors-timebar-range").fill("211")
    totals = page.locator(".corridors-totals").inner_text()
    assert "Pohang" in totals and "140,500 t" in totals

    page.locator(".corridors-timebar-range").fill("26")
    click_vertex(page, "leg-1", 3, zoom=9)  # pilot sea leg, out at sea
    popup = page.locator(POPUP)
    popup.wait_for()
    text = popup.inner_text()
    assert "Pilot coal" in text and "Test ship" in text and "40,500 t" in text
    assert "2014-11-27 \u2013 2014-11-29" in text
    _screenshot(page, "maps_factory_shipments.png")
    assert offline_page.problems() == []


def test_route_map(factory_maps, offline_page):
    network, folder = factory_maps
    page = offline_page.open(folder / "route.html")
    panel = page.locator(".corridors-route-panel")
    panel.wait_for()
    text = panel.inner_text()
    assert "Khasan \u2192 Pohang" in text and "Total" in text and "nmi" in text
    assert page.locator("path.corridors-route-leg").count() == 2
    click_vertex(page, "leg-2", 3, zoom=9)
    popup = page.locator(POPUP)
    popup.wait_for()
    assert "Rajin - Pohang sea lane" in popup.inner_text()
    assert "Route total" in popup.inner_text()
    _screenshot(page, "maps_factory_route.png")
    assert offline_page.problems() == []


def test_hostile_names_render_as_text(hostile_maps, offline_page):
    page = _open(offline_page, hostile_maps / "atlas.html")
    hover_vertex(page, "khasan_rajin", 3)
    tip = page.locator(".leaflet-tooltip .corridors-tooltip")
    tip.wait_for()
    assert tip.inner_text() == HOSTILE.strip()
    click_vertex(page, "khasan_rajin", 3)
    popup = page.locator(POPUP)
    popup.wait_for()
    assert popup.locator(".corridors-info-title").inner_text() == HOSTILE.strip()
    assert HOSTILE_PLACE in popup.inner_text()  # in "Route: Khasan -> Tumangang -> ..."
    links = popup.locator(".corridors-info-links a")
    assert links.count() == 1 and links.get_attribute("href") == GOOD_URL
    assert "Source</a>" in popup.locator(".corridors-info-links li").first.inner_text()
    assert page.locator("img:not(.leaflet-tile), svg [onload], a[href^='javascript']").count() == 0
    _screenshot(page, "maps_hostile_atlas.png")

    page = _open(offline_page, hostile_maps / "shipments.html")  # opens cumulative: all legs
    click_vertex(page, "leg-1", 3, zoom=9)
    popup = page.locator(POPUP)
    popup.wait_for()
    assert HOSTILE.strip() in popup.inner_text()
    assert page.locator("img, a[href^='javascript']").count() == 0
    assert offline_page.dialogs == []
    assert offline_page.problems() == []


@pytest.mark.parametrize("name", ["atlas.html", "shipments.html"])
def test_committed_map_loads_offline(name: str, offline_page):
    """The committed map opens with no network and draws its layers (load times: benchmarks)."""
    path = COMMITTED / name
    if not path.is_file():
        pytest.fail(f"maps/{name} is missing: run `corridors build`")
    page = offline_page.open(path)
    page.wait_for_selector(".leaflet-control-layers")
    assert page.locator(".leaflet-overlay-pane path, .leaflet-corridors-route-pane path").count()
    if name == "atlas.html":
        from corridors.maps.atlas_map import layer_names
        from corridors.network.load import load_network

        labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert [x.strip() for x in labels] == layer_names(load_network(use_cache=False))
    _screenshot(page, f"maps_{name.replace('.html', '')}.png")
    assert offline_page.problems() == []
