"""Maps in time (maps/timebar.py), in headless Chromium with the network blocked.

The atlas's month control shows each corridor in the status of that month (the legend's
dash, the legend's words in popup and tooltip) and hides it before its first event; the
shipments map's day axis moves the tonnes panel, switches cumulative and window modes,
filters shipments, plays, and draws overlapping legs side by side.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest
from maps_support import FIND_MAP, hover_vertex, write_maps_atlas

POPUP = ".leaflet-popup-content .corridors-info"
FIRST_DAY = datetime.date(2014, 11, 1)  # the factory shipments' first day


def _history_atlas(root: Path) -> Path:
    """The maps atlas with a history on the Rajin - Pohang lane: pilot from 2014-11-27,
    suspended from 2016-03-08 (as in the shipped atlas)."""
    write_maps_atlas(root)
    sea = json.loads((root / "corridors" / "sea.geojson").read_text())
    props = sea["features"][0]["properties"]
    assert props["id"] == "rajin_pohang"
    props.update(status="suspended", status_year=2016)
    props["history"] = [
        {"date": "2014-11-27", "status": "pilot", "sources": ["test-source"]},
        {"date": "2016-03-08", "status": "suspended", "sources": ["test-source"]},
    ]
    (root / "corridors" / "sea.geojson").write_text(json.dumps(sea, indent=1))
    return root


@pytest.fixture(scope="module")
def time_maps(tmp_path_factory):
    from corridors.maps import build_maps
    from corridors.network.load import load_network

    root = tmp_path_factory.mktemp("time")
    network = load_network(_history_atlas(root / "atlas"), use_cache=False)
    build_maps(network, root, offline=True)
    return root


def _open(offline_page, path: Path):
    page = offline_page.open(path)
    page.wait_for_selector(".leaflet-control-layers")
    return page


def _month(page, month: str) -> None:
    """Move the atlas date control to `month` (YYYY-MM)."""
    index = (int(month[:4]) - 2008) * 12 + int(month[5:7]) - 1
    page.locator(".corridors-datebar-range").fill(str(index))
    assert page.locator(".corridors-datebar").get_attribute("data-date") == month


def _lane(page):
    """The Rajin - Pohang lane's SVG path (None when not drawn) and its dash pattern."""
    return page.evaluate(
        """() => {
      let found = null;
      for (const k of Object.keys(window)) {
        const v = window[k];
        if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
        v.eachLayer(l => {
          if (l.feature && l.feature.id === 'rajin_pohang' && v.hasLayer(l) && l._path
              && l._path.isConnected) {
            found = {dash: l._path.getAttribute('stroke-dasharray'),
                     status: l._path.getAttribute('data-status')};
          }
        });
      }
      return found;
    }"""
    )


SEGMENT = """() => {
  const map = __MAP__;
  let target = null;
  for (const k of Object.keys(window)) {
    const v = window[k];
    if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
    v.eachLayer(l => { if (l.feature && l.feature.id === 'rajin_pohang') target = l; });
  }
  const lls = target.getLatLngs();
  map.setView(lls[3], 9, {animate: false});
  const box = map.getContainer().getBoundingClientRect();
  return [3, 4].map(i => map.latLngToContainerPoint(lls[i]))
               .map(p => ({x: box.left + p.x, y: box.top + p.y}));
}""".replace("__MAP__", FIND_MAP)


def _popup_text(page) -> str:
    """Really click the lane (a dashed line takes clicks on its dashes only: walk along it
    until a click lands on one) and return its popup's text."""
    a, b = page.evaluate(SEGMENT)
    popup = page.locator(POPUP)
    for k in range(12):
        t = k / 24  # the first half of the segment, in steps of a few pixels
        page.mouse.click(a["x"] + (b["x"] - a["x"]) * t, a["y"] + (b["y"] - a["y"]) * t)
        page.wait_for_timeout(80)
        if popup.count():
            break
    text = popup.inner_text()
    page.evaluate(f"{FIND_MAP}.closePopup()")
    return text


def test_atlas_date_control_shows_the_network_of_that_month(time_maps, offline_page):
    from corridors.maps.style import STATUS_DASH

    page = _open(offline_page, time_maps / "atlas.html")
    bar = page.locator(".corridors-datebar")
    today = datetime.date.today()
    assert bar.get_attribute("data-date") == f"{today:%Y-%m}"  # opens on the build month
    assert page.locator(".corridors-datebar-start").inner_text() == "2008-01"
    assert page.locator(".corridors-datebar-end").inner_text() == f"{today:%Y-%m}"
    legend = page.locator(".corridors-legend", has_text="Corridors").inner_text()
    assert "Pilot (dashed, lighter)" in legend and "Suspended (dashed, lighter)" in legend

    # today: suspended, in the legend's dash and words
    lane = _lane(page)
    assert lane == {"dash": STATUS_DASH["suspended"], "status": "suspended"}
    text = _popup_text(page)
    assert "suspended (since 2016-03-08)" in text

    # May 2015: pilot
    _month(page, "2015-05")
    lane = _lane(page)
    assert lane == {"dash": STATUS_DASH["pilot"], "status": "pilot"}
    text = _popup_text(page)
    assert "pilot (since 2014-11-27)" in text and "suspended (since" not in text
    hover_vertex(page, "rajin_pohang", 3, zoom=9)
    tip = page.locator(".leaflet-tooltip")
    tip.wait_for()
    assert tip.inner_text() == "Rajin - Pohang sea lane \u2013 pilot"
    assert page.locator(".leaflet-tooltip .corridors-tooltip").inner_text() == (
        "Rajin - Pohang sea lane"
    )

    # before its first event the lane is not drawn at all; a corridor without history stays
    visible = int(bar.get_attribute("data-visible"))
    _month(page, "2014-10")
    assert _lane(page) is None
    assert int(bar.get_attribute("data-visible")) == visible - 1
    assert page.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length") == 3
    _month(page, "2014-11")  # the first voyage left on 2014-11-27: pilot by the month's end
    assert _lane(page)["status"] == "pilot"
    _month(page, f"{today:%Y-%m}")
    assert _lane(page)["status"] == "suspended"
    assert offline_page.problems() == []


def _day(page, date: str) -> None:
    index = (datetime.date.fromisoformat(date) - FIRST_DAY).days
    page.locator(".corridors-timebar-range").fill(str(index))
    assert page.locator(".corridors-timebar").get_attribute("data-date") == date


def _totals(page) -> dict[str, str]:
    rows = page.locator(".corridors-totals tbody tr, .corridors-totals tfoot tr")
    return {r.split("\t")[0]: r.split("\t")[1] for r in rows.all_inner_texts()}


def test_shipments_tonnes_follow_the_date_and_the_filter(time_maps, offline_page):
    page = _open(offline_page, time_maps / "shipments.html")
    bar = page.locator(".corridors-timebar")
    # opens at the end, cumulative: everything drawn, everything delivered
    assert bar.get_attribute("data-date") == "2015-05-31"
    assert page.locator(".corridors-timebar-start").inner_text() == "2014-11-01"
    assert page.locator(".corridors-timebar-end").inner_text() == "2015-05-31"
    assert page.locator("path.corridors-leg").count() == 4
    assert _totals(page) == {"Pohang": "140,500 t", "Total": "140,500 t"}

    _day(page, "2014-11-28")  # the first ship is still at sea
    assert _totals(page)["Pohang"] == "0 t"
    _day(page, "2014-11-29")  # ... and arrives
    assert _totals(page)["Pohang"] == "40,500 t"
    assert "2014-11-29" in page.locator(".corridors-totals-date").inner_text()
    # the axis is even: the half-way point of the slider is half-way in days
    assert page.locator(".corridors-timebar-range").get_attribute("max") == "211"

    # cumulative keeps the finished 2014 legs; the window shows only the last 30 days
    _day(page, "2015-04-22")
    assert page.locator("path.corridors-leg").count() == 4
    page.locator(".corridors-timebar-mode").select_option("window")
    assert page.locator("path.corridors-leg").count() == 2
    assert page.locator(".corridors-timebar").get_attribute("data-visible") == "2"
    page.locator(".corridors-timebar-mode").select_option("cumulative")
    assert page.locator("path.corridors-leg").count() == 4

    # filter the 2015 shipment off: its legs and its tonnes go
    _day(page, "2015-05-31")
    names = page.locator(".corridors-shipment-name").all_inner_texts()
    assert names == ["Pilot coal", "Spring 2015 coal"]
    colors = page.evaluate(
        "Array.from(document.querySelectorAll('.corridors-shipment-swatch'))"
        ".map(e => e.style.backgroundColor)"
    )
    assert len(set(colors)) == 2
    page.locator(".corridors-shipment input[data-shipment='1']").uncheck()
    assert page.locator("path.corridors-leg").count() == 2
    assert _totals(page) == {"Pohang": "40,500 t", "Total": "40,500 t"}
    page.locator(".corridors-shipment input[data-shipment='1']").check()
    assert _totals(page)["Total"] == "140,500 t"
    assert offline_page.problems() == []


def test_shipments_play_and_speed(time_maps, offline_page):
    page = _open(offline_page, time_maps / "shipments.html")
    bar = page.locator(".corridors-timebar")
    page.locator(".corridors-timebar-range").fill("0")
    page.locator(".corridors-timebar-speed").select_option("16")
    page.locator(".corridors-timebar-play").click()
    assert bar.get_attribute("data-playing") == "1"
    page.wait_for_function(
        "Number(document.querySelector('.corridors-timebar').dataset.index) >= 32"
    )
    page.locator(".corridors-timebar-play").click()  # pause
    assert bar.get_attribute("data-playing") == "0"
    index = int(bar.get_attribute("data-index"))
    assert index % 16 == 0 or index == 211  # 16 days a tick
    page.wait_for_timeout(400)
    assert int(bar.get_attribute("data-index")) == index  # paused: stays
    # played to the end it stops there; playing again starts over
    page.locator(".corridors-timebar-play").click()
    page.wait_for_function("document.querySelector('.corridors-timebar').dataset.playing === '0'")
    assert bar.get_attribute("data-date") == "2015-05-31"
    assert offline_page.problems() == []


_POINTS = re.compile(r"[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)")


def test_overlapping_legs_are_drawn_side_by_side(time_maps, offline_page):
    """The two ships from Rajin to Pohang follow the same lane: each leg is offset by its own
    number of pixels, at every zoom."""
    from corridors.maps.shipments_map import leg_weight

    page = _open(offline_page, time_maps / "shipments.html")
    for zoom in (6, 9):
        page.evaluate(f"{FIND_MAP}.setView([39.0, 130.3], {zoom}, {{animate: false}})")
        paths = page.evaluate(
            "Array.from(document.querySelectorAll('path.corridors-leg-sea'))"
            ".map(p => p.getAttribute('d'))"
        )
        assert len(paths) == 2 and paths[0] != paths[1]
        a, b = ([tuple(map(float, m)) for m in _POINTS.findall(d)] for d in paths)
        # the lines are parallel: a vertex half-way along is the same distance apart as the
        # two lines' half widths plus a pixel (give or take the miter at that vertex)
        mid_a, mid_b = a[len(a) // 2], b[len(b) // 2]
        gap = ((mid_a[0] - mid_b[0]) ** 2 + (mid_a[1] - mid_b[1]) ** 2) ** 0.5
        widths = (leg_weight(40500, 100000) + leg_weight(100000, 100000)) / 2
        assert widths <= gap <= widths * 3 + 2, (zoom, gap)
    assert offline_page.problems() == []


def test_leg_offsets_and_status_changes():
    """The Python halves: offsets only for lines that share the way; change points per month."""
    from corridors.atlas.model import Corridor, StatusEvent
    from corridors.maps.timebar import leg_offsets, status_changes

    sea = [[130.3, 42.24], [130.5, 41.5], [129.7, 37.0], [129.4, 36.0]]
    rail = [[130.65, 42.43], [130.3, 42.24]]  # meets the sea lane only at Rajin
    assert leg_offsets([sea, rail], [6.0, 6.0]) == [0.0, 0.0]
    assert leg_offsets([sea, sea, sea], [6.0, 4.0, 4.0]) == [0.0, 6.0, -6.0]

    def corridor(*events: tuple[str, str]) -> Corridor:
        history = tuple(StatusEvent(date=d, status=s, sources=("x",)) for d, s in events)
        return Corridor(
            id="c", name="c", mode="sea", status=events[-1][1], status_year=2016,
            start="a", end="b", via=(), coords=((0.0, 0.0), (1.0, 1.0)), sources=("x",),
            history=history,
        )  # fmt: skip

    today = datetime.date(2026, 12, 1)
    lane = corridor(("2014-11-27", "pilot"), ("2016-03-08", "suspended"))
    assert status_changes(lane, today) == [(82, "pilot"), (98, "suspended")]
    old = corridor(("1935", "operating"), ("1950", "closed"), ("2007-05-17", "pilot"))
    assert status_changes(old, today) == [(0, "pilot")]
    future = corridor(
        ("2027-01", "proposed"),
    )
    assert status_changes(future, today) == []
    same_month = corridor(("2015-05-01", "pilot"), ("2015-05-20", "suspended"))
    assert status_changes(same_month, today) == [(88, "suspended")]


def test_change_points_give_every_months_status_of_the_shipped_atlas():
    """The compact encoding (change points) says, for every corridor and month since 2008,
    what atlas/timeline.py says for that month's last day (today in the build month)."""
    from corridors.atlas.read import load_atlas
    from corridors.atlas.timeline import status_on
    from corridors.maps.timebar import month_end, month_index, status_changes

    today = datetime.date.today()
    atlas = load_atlas()
    for corridor in atlas.corridors.values():
        points = status_changes(corridor, today)
        for i in range(month_index(today) + 1):
            shown = [s for k, s in points if k <= i]
            expected = status_on(corridor, month_end(i, today=today))
            assert (shown[-1] if shown else None) == expected, (corridor.id, i)


def test_hostile_shipment_and_destination_names_stay_text(tmp_path, offline_page):
    """The filter and the tonnes panel put names into the page as text only."""
    from maps_support import HOSTILE, HOSTILE_PLACE, write_hostile_atlas

    from corridors.maps import build_maps
    from corridors.network.load import load_network

    root = write_hostile_atlas(tmp_path / "atlas")
    doc = json.loads((root / "shipments.json").read_text())
    doc["shipments"][1]["name"] = HOSTILE
    (root / "shipments.json").write_text(json.dumps(doc))
    places = json.loads((root / "places.geojson").read_text())
    for feat in places["features"]:
        if feat["properties"]["id"] == "pohang":
            feat["properties"]["name"] = HOSTILE_PLACE + " Pohang"
    (root / "places.geojson").write_text(json.dumps(places))
    build_maps(load_network(root, use_cache=False), tmp_path, offline=True)
    page = _open(offline_page, tmp_path / "shipments.html")
    names = page.locator(".corridors-shipment-name").all_inner_texts()
    assert names[1] == HOSTILE.strip()
    assert HOSTILE_PLACE.strip() + " Pohang" in _totals(page)
    page.locator(".corridors-timebar-range").fill("30")
    assert page.locator("img, svg [onload], a[href^='javascript']").count() == 0
    assert offline_page.dialogs == [] and offline_page.problems() == []
