"""The lean atlas map (maps/atlas_data.py, maps/atlas_layers.py): its size grows no faster with
corridors than plain folium's drawing of the same lines (+20 %), its line code is exact, and a
popup written on demand in the page says what the Python popup says (Chromium, network
blocked). Draw times are measured in benchmarks/maps_bench.py, never asserted here.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from maps_support import FIND_MAP, click_vertex, write_maps_atlas

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

POPUP = ".leaflet-popup-content .corridors-info"


def test_line_code_is_exact_and_short():
    from corridors.maps.atlas_data import decode_line, encode_ints, encode_line

    line = [[130.12345, 42.00001], [130.12346, 41.99999], [-0.00001, 0.0], [179.99999, -89.5]]
    for origin in ((0, 0), (13012345, 4200001)):
        assert decode_line(encode_line(line, origin), origin) == line
    text = encode_line([[130.0, 42.0], [130.001, 42.001]], (13000000, 4200000))
    assert len(text) == 2 + 2 * 2  # 0, 0 from the first place; 100 (zigzag 200): two digits
    assert encode_ints([0, 2, 4, 6], delta=True) == "AEEE"


def test_size_grows_no_faster_than_folium(tmp_path: Path):
    """Between 1,000 and 2,000 generated corridors our atlas.html grows by at most 1.2 times what
    plain folium's one-GeoJson map of the same lines grows by. (The part that does not grow,
    Leaflet and the basemap inlined for offline use and the shipped atlas merged into the
    generated one, is in the 10,000-corridor figure of benchmarks/maps_bench.py.)"""
    import maps_bench

    sizes = {}
    for count in (1000, 2000):
        network = maps_bench.generated_network(count)
        ours, folium = tmp_path / f"ours{count}.html", tmp_path / f"folium{count}.html"
        maps_bench.write_ours(network, ours)
        maps_bench.write_folium(maps_bench.drawn_lines(network), folium)
        sizes[count] = (ours.stat().st_size, folium.stat().st_size)
    ours_growth = sizes[2000][0] - sizes[1000][0]
    folium_growth = sizes[2000][1] - sizes[1000][1]
    assert folium_growth > 100_000  # the comparison means something
    assert ours_growth <= 1.2 * folium_growth, (ours_growth, folium_growth)


@pytest.fixture(scope="module")
def lean_map(tmp_path_factory):
    from corridors.maps import build_maps
    from corridors.network.load import load_network

    root = tmp_path_factory.mktemp("lean")
    network = load_network(write_maps_atlas(root / "atlas"), use_cache=False)
    build_maps(network, root / "maps", offline=True)
    return network, root / "maps" / "atlas.html"


# Open the popup of feature `fid` through Leaflet (bound on demand) and read it back.
OPEN_POPUP = """(fid) => {
  let target = null;
  for (const k of Object.keys(window)) {
    const v = window[k];
    if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
    v.eachLayer(l => { if (l.feature && l.feature.id === fid) target = l; });
  }
  if (!target) return null;
  const bound = !!target._popup;
  target.openPopup(target.getLatLng ? target.getLatLng() : target.getBounds().getCenter());
  const box = target.getPopup().getElement().querySelector('.corridors-info');
  const rows = [...box.querySelectorAll('tr')].map(
    tr => [tr.querySelector('th').textContent, tr.querySelector('td').textContent]);
  const links = [...box.querySelectorAll('.corridors-info-links li')].map(li => {
    const a = li.querySelector('a');
    return [li.textContent, a ? a.getAttribute('href') : null];
  });
  return {bound, title: box.querySelector('.corridors-info-title').textContent, rows, links};
}"""


def _python_popup(network, fid: str) -> dict:
    from corridors.atlas.timeline import state_on
    from corridors.maps.features import corridor_popup, place_popup
    from corridors.network.listing import corridor_lengths_km

    atlas = network.atlas
    if fid in atlas.places:
        return place_popup(atlas, atlas.places[fid])
    corridor = atlas.corridors[fid]
    state = state_on(corridor, datetime.date.today())
    popup = corridor_popup(atlas, corridor, corridor_lengths_km(network)[fid], state)
    names = [p.name for p in atlas.programmes.values() if fid in p.members]
    if names:
        popup["rows"].append(["Programme", ", ".join(names)])
    return popup


def test_popups_written_on_demand_say_what_python_says(lean_map, offline_page):
    network, path = lean_map
    page = offline_page.open(path)
    page.wait_for_selector(".leaflet-control-layers")
    ids = [*network.atlas.corridors, *(p.id for p in network.atlas.places.values() if not p.area)]
    for fid in ids:
        shown = page.evaluate(OPEN_POPUP, fid)
        assert shown is not None, fid
        assert shown["bound"] is False, f"{fid}: popup bound before it was wanted"
        expected = _python_popup(network, fid)
        assert shown["title"] == expected["title"], fid
        assert shown["rows"] == [list(r) for r in expected["rows"]], fid
        # the page sets a link as the browser reads it (percent-encoded)
        links = [[text, url and unquote(url)] for text, url in shown["links"]]
        assert links == [[t, u and unquote(u)] for t, u in expected["links"]], fid
        page.evaluate(f"() => {{ {FIND_MAP}.closePopup(); }}")
        page.wait_for_function("!document.querySelector('.leaflet-popup')")  # faded out
    assert offline_page.problems() == []


def test_a_click_opens_the_popup_of_the_line_clicked(lean_map, offline_page):
    network, path = lean_map
    page = offline_page.open(path)
    page.wait_for_selector(".leaflet-control-layers")
    click_vertex(page, "rajin_chongjin", 2)  # dashed (proposed): a vertex on a dash
    page.wait_for_selector(POPUP)
    text = page.locator(POPUP).inner_text()
    assert network.atlas.corridors["rajin_chongjin"].name in text
    assert "Length (computed)" in text and "Route" in text
    assert offline_page.problems() == []


@pytest.fixture(scope="module")
def shipped():
    from corridors.network.load import load_network

    path = Path(__file__).resolve().parents[1] / "maps" / "atlas.html"
    if not path.is_file():
        pytest.skip("maps/atlas.html is not built")
    return load_network(use_cache=False), path


def test_shipped_popups_written_on_demand_say_what_python_says(shipped, offline_page):
    """The same check on the committed atlas.html: histories, notes, attributes, programmes."""
    test_popups_written_on_demand_say_what_python_says(shipped, offline_page)


def test_an_open_popup_follows_the_month(shipped, offline_page):
    """Moving the month control rewrites the open popup's status to that month's."""
    from maps_support import page_data

    network, path = shipped
    data = page_data(path.read_text(encoding="utf-8"))
    timed = [c for c in data["corridors"] if len(c) > 10 and len(c[10]) > 1]
    assert timed, "the shipped atlas has corridors whose status changed"
    record = timed[0]
    first, last = record[10][0], record[10][-1]
    page = offline_page.open(path)
    page.wait_for_selector(".leaflet-control-layers")
    shown = page.evaluate(OPEN_POPUP, record[0])
    assert dict(map(tuple, shown["rows"]))["Status"] == last[2]
    page.locator(".corridors-datebar-range").fill(str(first[0]))
    status = page.locator(POPUP + " tr", has_text="Status").locator("td").inner_text()
    assert status == first[2]
    assert offline_page.problems() == []


def test_the_route_panel_follows_the_month(shipped, offline_page):
    """The month control sets the route panel's as-of date to the end of the month shown and
    routes again on that date."""
    _, path = shipped
    page = offline_page.open(path)
    page.wait_for_selector(".leaflet-control-layers")
    page.evaluate("() => { window.location.hash = '#from=khasan&to=rajin_port'; }")
    result = page.locator(".corridors-route-result")
    page.wait_for_function("document.querySelector('.corridors-route-result[data-route-for]')")
    page.locator(".corridors-datebar-range").fill(str((2015 - 2008) * 12 + 1))  # 2015-02
    assert page.locator(".corridors-route-as-of").input_value() == "2015-02-28"
    page.wait_for_function("location.hash.includes('as-of=2015-02-28')")
    assert "on 2015-02-28" in result.inner_text()
    page.locator(".corridors-datebar-range").fill("0")  # 2008-01
    assert page.locator(".corridors-route-as-of").input_value() == "2008-01-31"
    assert offline_page.problems() == []


BANDS = """() => {
  let n = 0;
  for (const k of Object.keys(window)) {
    const v = window[k];
    if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
    v.eachLayer(l => { if (l.feature && String(l.feature.id).includes('/')) n += 1; });
  }
  return n;
}"""


def test_programme_bands_follow_the_month(tmp_path: Path, offline_page):
    """A programme's band shows from the month it was announced."""
    import json

    from corridors.maps import build_maps
    from corridors.network.load import load_network

    root = write_maps_atlas(tmp_path / "atlas")
    programme = {"id": "pobeda", "name": "Pobeda", "announced": "2014-10-21"}
    programme.update(members=["khasan_rajin", "rajin_pohang"], sources=["test-source"])
    (root / "programmes.json").write_text(json.dumps({"programmes": [programme]}))
    build_maps(load_network(root, use_cache=False), tmp_path / "maps", offline=True)
    page = offline_page.open(tmp_path / "maps" / "atlas.html")
    page.wait_for_selector(".leaflet-control-layers")
    assert page.evaluate(BANDS) == 2
    month = (2014 - 2008) * 12 + 9
    page.locator(".corridors-datebar-range").fill(str(month))  # 2014-10: announced
    assert page.evaluate(BANDS) == 2
    page.locator(".corridors-datebar-range").fill(str(month - 1))  # 2014-09: not yet
    assert page.evaluate(BANDS) == 0
    assert offline_page.problems() == []


def test_popups_open_inside_a_small_map(shipped, offline_page):
    """Clicked near the map's edge on a 900x520 page, the longest popups end up inside the map
    (Leaflet's auto-pan alone left some tens of pixels outside)."""
    _, path = shipped
    page = offline_page.page
    page.set_viewport_size({"width": 900, "height": 520})
    offline_page.open(path)
    page.wait_for_selector(".leaflet-control-layers")
    for fid, vertex in (("sea_rajin_busan", -1), ("khasan_rajin", 0), ("tkr_rajin_chongjin", 0)):
        click_vertex(page, fid, vertex, zoom=9)
        page.wait_for_selector(POPUP)
        page.wait_for_timeout(1200)  # the pan's animation
        out = page.evaluate(
            """() => {
              const p = document.querySelector('.leaflet-popup').getBoundingClientRect();
              const m = document.querySelector('.folium-map').getBoundingClientRect();
              return [m.top - p.top, p.bottom - m.bottom, m.left - p.left, p.right - m.right];
            }"""
        )
        assert max(out) <= 0, (fid, out)
        page.evaluate(f"() => {{ {FIND_MAP}.closePopup(); }}")
        page.wait_for_function("!document.querySelector('.leaflet-popup')")  # faded out
    assert offline_page.problems() == []
