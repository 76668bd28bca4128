"""Place markers, labels, popups and one behaviour for every map (issue 11, items 1 and 5), in a
real headless Chromium with the network blocked (tests/browser.py).

The committed maps/ (built from the shipped atlas) are opened as a user would, markers are
clicked with the mouse, and label boxes are read from the DOM (getBoundingClientRect).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from cli_runner import corridors_cli
from maps_support import FIND_MAP, write_maps_atlas

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "maps"
POPUP = ".leaflet-popup-content .corridors-info"

# Page pixel of the place marker `id` after centring the map on it at `zoom`.
MARKER_PIXEL = """([id, zoom]) => {
  const map = __MAP__;
  let target = null;
  for (const k of Object.keys(window)) {
    const v = window[k];
    if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
    v.eachLayer(l => { if (l.feature && l.feature.id === id && l.getLatLng) target = l; });
  }
  if (!target) return null;
  map.setView(target.getLatLng(), zoom, {animate: false});
  const p = map.latLngToContainerPoint(target.getLatLng());
  const box = map.getContainer().getBoundingClientRect();
  return {x: box.left + p.x, y: box.top + p.y};
}""".replace("__MAP__", FIND_MAP)

# Page pixel of every place marker, by place id.
MARKER_PIXELS = """() => {
  const map = __MAP__, box = map.getContainer().getBoundingClientRect(), out = {};
  for (const k of Object.keys(window)) {
    const v = window[k];
    if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
    v.eachLayer(l => { if (l.feature && l.getLatLng) {
      const p = map.latLngToContainerPoint(l.getLatLng());
      out[l.feature.id] = {x: box.left + p.x, y: box.top + p.y}; } });
  }
  return out;
}""".replace("__MAP__", FIND_MAP)

# Every visible label: text, place id (if a place) and its box in page pixels.
VISIBLE_LABELS = """() => [...document.querySelectorAll('.corridors-label')]
  .filter(e => getComputedStyle(e).visibility === 'visible' && e.offsetParent !== null)
  .map(e => { const b = e.getBoundingClientRect();
              return {text: e.textContent, place: e.getAttribute('data-place'),
                      x: b.left, y: b.top, w: b.width, h: b.height}; })"""

CONTROL_BOXES = """() => [...document.querySelectorAll('.leaflet-control')]
  .map(e => { const b = e.getBoundingClientRect();
              return {x: b.left, y: b.top, w: b.width, h: b.height}; })
  .filter(b => b.w > 0 && b.h > 0)"""


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and (a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"])
    )


def _open(offline_page, path: Path, *, size=(1280, 800)):
    page = offline_page.page
    page.set_viewport_size({"width": size[0], "height": size[1]})
    offline_page.open(path)
    page.wait_for_selector(".leaflet-control-layers")
    return page


def _view(page, lat: float, lon: float, zoom: int) -> None:
    page.evaluate(f"() => {FIND_MAP}.setView([{lat}, {lon}], {zoom}, {{animate: false}})")
    page.wait_for_timeout(50)


def _click_marker(page, place_id: str, zoom: int) -> None:
    point = page.evaluate(MARKER_PIXEL, [place_id, zoom])
    assert point is not None, f"no marker {place_id!r}"
    page.wait_for_timeout(50)
    page.mouse.click(point["x"], point["y"])


@pytest.fixture(scope="module")
def atlas_html() -> Path:
    path = COMMITTED / "atlas.html"
    if not path.is_file():
        pytest.fail("maps/atlas.html is missing: run `corridors build`")
    return path


# --- markers ---------------------------------------------------------------------------------


def test_place_colours_are_apart_from_line_colours():
    """Every kind colour is far (CIE76 >= 20) from every line colour: the modes, their lighter
    non-operating shades, the faded network and the programme band; and kinds differ."""
    from corridors.maps import style

    def lab(color: str) -> tuple[float, float, float]:
        rgb = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        r, g, b = lin
        x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
        y = 0.2126 * r + 0.7152 * g + 0.0722 * b
        z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

        def f(v: float) -> float:
            return v ** (1 / 3) if v > 0.008856 else 7.787 * v + 16 / 116

        return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))

    def distance(a: str, b: str) -> float:
        return sum((p - q) ** 2 for p, q in zip(lab(a), lab(b), strict=True)) ** 0.5

    lines = [*style.MODE_COLORS.values(), style.FADED_COLOR, style.PROGRAMME_COLOR]
    lines += [style.lighten(c) for c in style.MODE_COLORS.values()]
    for kind, color in style.KIND_COLORS.items():
        nearest = min(lines, key=lambda c: distance(color, c))
        assert distance(color, nearest) >= 20, (kind, color, nearest)
    assert len(set(style.KIND_COLORS.values())) == len(style.KIND_COLORS)
    assert style.place_style("port")["fill"] is True


def test_clicking_rajin_pier_opens_the_place_not_the_lane(atlas_html, offline_page):
    from corridors.maps.style import KIND_COLORS

    page = _open(offline_page, atlas_html)
    # Markers are filled discs in the kind's colour (the legend's), above the lines.
    fills = page.evaluate(
        """() => [...document.querySelectorAll('.leaflet-corridors-places-pane path')]
             .map(p => p.getAttribute('fill'))"""
    )
    assert fills and "none" not in fills and set(fills) <= set(KIND_COLORS.values())
    legend_dots = page.evaluate(
        "() => [...document.querySelectorAll('.corridors-legend circle')]"
        ".map(c => c.getAttribute('fill'))"
    )
    assert set(fills) <= set(legend_dots)

    _click_marker(page, "rajin_port", 13)  # a sea lane and a railway start under it
    popup = page.locator(POPUP)
    popup.wait_for()
    assert popup.locator(".corridors-info-title").inner_text() == "Rajin port Pier 3"
    assert "Kind\tterminal" in popup.inner_text()
    assert offline_page.problems() == []


# --- labels ----------------------------------------------------------------------------------

VIEWS = [  # (lat, lon, zoom, places whose labels must show)
    (None, None, None, ["rajin_port", "pohang", "vladivostok"]),  # the opening view
    (42.33, 130.45, 11, ["khasan", "tumangang", "hongui", "sonbong", "rajin_port"]),
    (42.42, 130.62, 12, ["khasan", "tumangang"]),
    (42.25, 130.30, 12, ["rajin_station", "rajin_port"]),
    (36.05, 129.37, 12, ["pohang", "pohang_station"]),
    (36.4, 129.0, 8, ["pohang"]),
    (42.4, 130.6, 9, ["khasan"]),
]


def test_labels_show_by_importance_without_overlap(atlas_html, offline_page):
    """In each view of VIEWS (one page, moved from view to view as a user would): the wanted
    labels show next to their own markers, and no two visible labels, nor a label and a
    control, overlap."""
    page = _open(offline_page, atlas_html)
    page.wait_for_function("document.querySelector('.corridors-labels[data-shown]')")
    for lat, lon, zoom, wanted in VIEWS:
        if zoom is not None:  # None: the opening view, as the page draws it
            _view(page, lat, lon, zoom)
        where = f"at {lat}, {lon}, zoom {zoom}"
        labels = page.evaluate(VISIBLE_LABELS)
        shown = {x["place"] for x in labels if x["place"]}
        assert set(wanted) <= shown, f"{where}: missing labels {set(wanted) - shown}"
        for a, b in itertools.combinations(labels, 2):
            assert not _overlap(a, b), f"{where}: {a['text']!r} overlaps {b['text']!r}"
        for label, control in itertools.product(labels, page.evaluate(CONTROL_BOXES)):
            assert not _overlap(label, control), f"{where}: {label['text']!r} under a control"
        # Each label sits right next to its own marker, so neighbours can be told apart.
        points = page.evaluate(MARKER_PIXELS)
        for label in (x for x in labels if x["place"] in wanted):
            point = points[label["place"]]
            dx = max(label["x"] - point["x"], 0, point["x"] - (label["x"] + label["w"]))
            dy = max(label["y"] - point["y"], 0, point["y"] - (label["y"] + label["h"]))
            assert max(dx, dy) <= 12, (where, label, point)
        if wanted == VIEWS[0][3]:
            assert {"RUSSIA", "CHINA", "DPRK", "ROK", "JAPAN", "Yellow Sea"} <= {
                x["text"] for x in labels
            }
    assert offline_page.problems() == []


def test_labels_follow_zoom_and_importance(atlas_html, offline_page):
    """Stations are not labelled at the opening zoom (only ports, terminals, borders,
    cities); they are from zoom 8; labels are redone after every zoom."""
    from corridors.maps.style import RANK_MIN_ZOOM

    page = _open(offline_page, atlas_html)
    assert page.evaluate(f"() => {FIND_MAP}.getZoom()") < RANK_MIN_ZOOM[1]
    opening = {x["place"] for x in page.evaluate(VISIBLE_LABELS) if x["place"]}
    assert "khasan" not in opening and "rajin_port" in opening
    _view(page, 42.4, 130.6, RANK_MIN_ZOOM[1])
    assert "khasan" in {x["place"] for x in page.evaluate(VISIBLE_LABELS)}
    # Switching the places off in the layer control takes their labels away, and back.
    switch = page.locator(".leaflet-control-layers-overlays label", has_text="Places")
    switch.click()
    assert not [x for x in page.evaluate(VISIBLE_LABELS) if x["place"]]
    switch.click()
    assert "khasan" in {x["place"] for x in page.evaluate(VISIBLE_LABELS)}


# --- popups ----------------------------------------------------------------------------------


def test_popup_scrolls_inside_and_hides_the_tooltip(atlas_html, offline_page):
    page = _open(offline_page, atlas_html, size=(900, 520))
    point = page.evaluate(MARKER_PIXEL, ["busan_new_port", 12])
    page.mouse.move(point["x"] - 30, point["y"] - 30)
    page.mouse.move(point["x"], point["y"], steps=4)
    page.locator(".leaflet-tooltip", has_text="Busan New Port").wait_for()
    page.mouse.click(point["x"], point["y"])
    page.locator(POPUP).wait_for()
    page.wait_for_timeout(300)  # the popup's fade-in
    box = page.evaluate(
        """() => { const c = document.querySelector('.leaflet-popup-content');
                   const s = getComputedStyle(c);
                   const m = document.querySelector('.leaflet-container').getBoundingClientRect();
                   const b = c.closest('.leaflet-popup').getBoundingClientRect();
                   return {sh: c.scrollHeight, ch: c.clientHeight, sw: c.scrollWidth,
                           cw: c.clientWidth, oy: s.overflowY, w: b.width,
                           h: b.height, mh: m.height}; }"""
    )
    assert box["sh"] > box["ch"] and box["oy"] == "auto"  # long: it scrolls inside
    assert box["sw"] <= box["cw"]  # never cut at the side
    assert box["w"] <= 900 - 60
    assert box["h"] <= box["mh"] - 40  # it fits in the map (Leaflet pans it into view)
    # The tooltip is hidden while the popup is open, even when hovering another feature.
    page.mouse.move(point["x"] + 2, point["y"] + 1)
    assert page.evaluate(
        "() => [...document.querySelectorAll('.leaflet-tooltip')]"
        ".every(t => t.offsetParent === null)"
    )
    page.locator(".leaflet-popup-close-button").click()  # tooltips come back
    page.wait_for_timeout(100)
    assert not page.evaluate(
        "() => document.querySelector('.leaflet-container')"
        ".classList.contains('corridors-popup-open')"
    )
    assert offline_page.problems() == []


def test_korean_source_title_is_in_the_popup_with_a_cjk_font_stack(atlas_html, offline_page):
    page = _open(offline_page, atlas_html)
    _click_marker(page, "busan_new_port", 12)
    popup = page.locator(POPUP)
    popup.wait_for()
    titles = popup.locator(".corridors-info-links li").all_text_contents()
    assert "백두산 생수, 북 나진항 거쳐 부산항 도착 (CBS NoCut News, 2015-12-07)" in titles
    font = page.evaluate(f"() => getComputedStyle(document.querySelector('{POPUP}')).fontFamily")
    for family in ("Noto Sans CJK KR", "Malgun Gothic", "Apple SD Gothic Neo", "sans-serif"):
        assert family in font


# --- one behaviour for every map -------------------------------------------------------------


@pytest.fixture(scope="module")
def factory_maps(tmp_path_factory):
    """atlas.html, shipments.html of the factory atlas and route.html written by the CLI with
    no flag but --map (and one with --cdn)."""
    from corridors.maps import build_maps
    from corridors.network.load import load_network

    root = tmp_path_factory.mktemp("markers")
    atlas = write_maps_atlas(root / "atlas")
    build_maps(load_network(atlas, use_cache=False), root, offline=True)
    args = ["route", "Khasan", "Pohang", "--include-proposed", "-q"]
    for name, extra in (
        ("route.html", []),
        ("route-cdn.html", ["--cdn"]),
        ("old.html", ["--offline"]),
    ):
        done = corridors_cli(
            *args, "--map", str(root / name), *extra, atlas=atlas, cache=root / "cache"
        )
        assert done.returncode == 0, done
    return root


def test_route_map_without_flags_loads_offline(factory_maps, offline_page):
    page = _open(offline_page, factory_maps / "route.html")
    assert page.evaluate("typeof L === 'object' && L.version") == "1.9.3"
    assert page.locator("path.corridors-route-leg").count() == 2
    assert offline_page.problems() == []
    assert offline_page.blocked == []
    assert (factory_maps / "old.html").read_bytes() == (factory_maps / "route.html").read_bytes()
    cdn = (factory_maps / "route-cdn.html").read_text()
    assert "https://" in cdn and "leaflet" in cdn.lower()
    assert len(cdn) < len((factory_maps / "route.html").read_text()) - 100_000  # no Leaflet


@pytest.mark.parametrize("name", ["atlas.html", "shipments.html", "route.html"])
def test_every_map_has_the_same_controls(factory_maps, offline_page, name):
    page = _open(offline_page, factory_maps / name)
    assert page.locator(".leaflet-control-layers-expanded").count() == 1  # open on every map
    assert page.locator(".leaflet-control-scale").count() == 1
    titles = page.locator(".corridors-legend > div:first-child").all_inner_texts()
    assert "Places" in titles
    assert page.locator(".corridors-labels").count() == 1
    page.wait_for_function("document.querySelector('.corridors-labels[data-shown]')")
    labels = page.evaluate(VISIBLE_LABELS)
    assert labels  # named as it opens, clear of every control and of each other
    boxes = labels + page.evaluate(CONTROL_BOXES)
    for a, b in itertools.combinations(boxes, 2):
        assert not (_overlap(a, b) and (a in labels or b in labels)), (a, b)
    assert offline_page.problems() == []


def test_every_status_has_its_own_dash(atlas_html, offline_page):
    from corridors.maps.style import STATUS_DASH

    assert len(set(STATUS_DASH.values())) == len(STATUS_DASH) == 7
    page = _open(offline_page, atlas_html)
    drawn = page.evaluate(
        """() => { const out = {};
          for (const k of Object.keys(window)) {
            const v = window[k];
            if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
            v.eachLayer(l => { const p = l.feature && l.feature.properties;
              if (p && p.status && l._path) {
                (out[p.status] = out[p.status] || []).push(
                  l._path.getAttribute('stroke-dasharray')); } });
          }
          return out; }"""
    )
    assert len(drawn) >= 5
    for status, dashes in drawn.items():
        assert set(dashes) == {STATUS_DASH[status]}, status
    legend = page.evaluate(
        "() => [...document.querySelectorAll('.corridors-legend line')]"
        ".map(l => l.getAttribute('stroke-dasharray')).filter(d => d)"
    )
    assert {STATUS_DASH[s] for s in drawn if STATUS_DASH[s]} <= set(legend)


def test_route_map_draws_a_suspended_leg_dashed(tmp_path, offline_page):
    """On the shipped atlas, Khasan - Pohang uses the suspended Rajin - Pohang sea lane: the
    route map draws it with the atlas's suspended pattern, and its legend says so."""
    from corridors.maps import write_route_map
    from corridors.maps.style import STATUS_DASH
    from corridors.network.load import load_network
    from corridors.routing.route import route

    found = route(load_network(), "Khasan", "Pohang")
    statuses = [leg.status for leg in found.legs]
    assert "suspended" in statuses
    write_route_map(load_network(), found, tmp_path / "route.html")
    page = _open(offline_page, tmp_path / "route.html")
    dashes = page.evaluate(
        "() => [...document.querySelectorAll('path.corridors-route-leg')]"
        ".map(p => p.getAttribute('stroke-dasharray'))"
    )
    assert dashes == [STATUS_DASH[s] for s in statuses]
    legends = "\n".join(page.locator(".corridors-legend").all_inner_texts())
    assert "Suspended (dashed, lighter)" in legends
    assert offline_page.problems() == []
