"""Routing inside atlas.html (maps/route_panel.py) against ``corridors route``, in Chromium.

The committed maps/atlas.html is opened once per module (network blocked) and driven through
its URL fragment (``#from=..&to=..`` plus the CLI's flags): for a deterministic sample of
place pairs under every option set, the page's total must equal the library's distance_km to
0.1 km (and as a double), with the same legs, hours, warnings and no-route messages. The panel
itself is used by typing and clicking; hostile place names must show as text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import offline_page_fixture
from maps_support import HOSTILE_PLACE, write_hostile_atlas

REPO = Path(__file__).resolve().parents[1]
ATLAS_HTML = REPO / "maps" / "atlas.html"
RESULT = ".corridors-route-result"

routing_page = offline_page_fixture(scope="module")

# Option sets as fragment keys (named like the CLI flags) and as route() keywords.
OPTION_SETS: list[tuple[str, dict[str, object]]] = [
    ("", {}),
    ("&include-proposed=1", {"include_proposed": True}),
    ("&include-closed=1", {"include_closed": True}),
    ("&include-proposed=1&include-closed=1", {"include_proposed": True, "include_closed": True}),
    ("&in-service=1", {"in_service": True}),
    ("&as-of=2015-05-01", {"as_of": "2015-05-01"}),
    ("&as-of=2015-05-01&include-proposed=1", {"as_of": "2015-05-01", "include_proposed": True}),
    ("&as-of=2010-01-01&in-service=1", {"as_of": "2010-01-01", "in_service": True}),
    ("&by=time", {"by": "time"}),
    ("&modes=rail", {"modes": ["rail"]}),
    ("&modes=sea", {"modes": ["sea"]}),
    ("&modes=power&include-proposed=1", {"modes": ["power"], "include_proposed": True}),
    ("&modes=pipeline&include-proposed=1", {"modes": ["pipeline"], "include_proposed": True}),
]
# Pairs every option set routes (rail, sea, open sea, transfers, a zone), then a stride sample.
FIXED_PAIRS = [
    ("khasan", "busan"),
    ("vladivostok", "busan"),
    ("rajin_port", "pohang"),
    ("khasan", "pohang"),
    ("tumangang", "vladivostok"),
    ("rason_sez", "khasan"),
    ("vladivostok", "baengmagoji"),
    ("vladivostok", "jejin"),  # only over a line under construction: --include-proposed
]
SAMPLE_PER_SET = 14

# Set each fragment in turn; after the page's own hashchange handler ran, read the result.
READ_ROUTES = """async (hashes) => {
  const out = [];
  const box = document.querySelector('.corridors-route-result');
  for (const h of hashes) {
    const done = new Promise(res => window.addEventListener(
      'hashchange', () => res(), {once: true}));
    window.location.hash = h;
    await done;
    const msg = box.querySelector('.corridors-route-message');
    out.push({
      for: box.getAttribute('data-route-for'),
      km: box.getAttribute('data-route-km'),
      exact: box.getAttribute('data-route-km-exact'),
      hours: box.getAttribute('data-route-hours'),
      legs: [...box.querySelectorAll('tr.corridors-route-leg')].map(tr => [
        tr.dataset.from, tr.dataset.to, tr.dataset.corridor, tr.dataset.status]),
      warnings: [...box.querySelectorAll('.corridors-route-warnings li')].map(li => li.textContent),
      message: msg ? msg.textContent : null,
      drawn: document.querySelectorAll('path.corridors-route-found').length,
    });
  }
  return out;
}"""


@pytest.fixture(scope="module")
def network():
    from corridors.network.load import load_network

    return load_network()


@pytest.fixture(scope="module")
def atlas_page(routing_page):
    page = routing_page.open(ATLAS_HTML)
    page.wait_for_selector(".corridors-route-finder")
    return routing_page


def _pairs(network) -> list[tuple[str, str]]:
    """Every ordered pair of distinct places, in atlas order."""
    ids = list(network.atlas.places)
    return [(a, b) for a in ids for b in ids if a != b]


def _expected(network, origin: str, destination: str, options: dict[str, object]) -> dict:
    from corridors.cli.app import _as_flags
    from corridors.errors import NoRouteError
    from corridors.routing.route import route

    try:
        found = route(network, origin, destination, **options)
    except NoRouteError as exc:
        return {"km": "", "message": _as_flags(str(exc))}
    return {
        "km": f"{found.distance_km:.1f}",
        "exact": found.distance_km,
        "hours": found.hours,
        "legs": [[leg.start, leg.end, leg.corridor, leg.status] for leg in found.legs],
        "warnings": list(found.warnings),
        "open_sea": any(leg.open_sea for leg in found.legs),
        "transfers": len(found.transfers),
    }


def test_in_page_routes_equal_the_cli(network, atlas_page):
    pairs = _pairs(network)
    cases = []
    for number, (suffix, options) in enumerate(OPTION_SETS):
        step = len(pairs) // SAMPLE_PER_SET
        sample = FIXED_PAIRS + pairs[number % step :: step][:SAMPLE_PER_SET]
        for origin, destination in sample:
            fragment = f"#from={origin}&to={destination}{suffix}"
            cases.append((fragment, _expected(network, origin, destination, options)))
    assert len(cases) >= 50 * 3
    found = atlas_page.page.evaluate(READ_ROUTES, [fragment for fragment, _ in cases])
    for (fragment, want), got in zip(cases, found, strict=True):
        assert got["for"] == fragment
        assert got["km"] == want["km"], fragment
        if want["km"] == "":
            assert got["message"] == want["message"], fragment
            assert got["legs"] == [] and got["drawn"] == 0
            continue
        assert float(got["exact"]) == want["exact"], fragment  # the same doubles, same order
        assert got["legs"] == want["legs"], fragment
        assert got["warnings"] == want["warnings"], fragment
        hours = None if got["hours"] == "" else float(got["hours"])
        assert hours == want["hours"], fragment
        assert got["drawn"] == len(want["legs"])
    # The sample covers what the router must get right.
    routed = [want for _, want in cases if want["km"]]
    assert any(want["open_sea"] for want in routed)
    assert any(want["transfers"] for want in routed)
    assert any(want["warnings"] for want in routed)
    messages = [want["message"] for _, want in cases if not want["km"]]
    assert any("set --include-proposed" in m for m in messages)
    assert any("drop --in-service" in m for m in messages)
    assert any("is an area" in m for m in messages)
    assert len(messages) < len(cases) / 2
    assert atlas_page.problems() == []


def test_fragment_errors_are_messages(atlas_page):
    cases = {
        "#from=khasan&to=nowhere": "unknown place 'nowhere'",
        "#from=khasan&to=khasan": "'khasan' and 'khasan' are the same place (khasan)",
        "#from=khasan&to=busan&in-service=1&include-closed=1": "--in-service refuses",
        "#from=khasan&to=busan&as-of=2015-02-30": "--as-of '2015-02-30' is not a real day",
        "#from=khasan&to=busan&modes=rail,power": "freight routes never run along power",
    }
    found = atlas_page.page.evaluate(READ_ROUTES, list(cases))
    for (fragment, start), got in zip(cases.items(), found, strict=True):
        assert got["km"] == "", fragment
        assert got["message"].startswith(start), (fragment, got["message"])
    assert atlas_page.problems() == []


def _suggestions(page, field: str, text: str) -> list[tuple[str | None, str]]:
    box = page.locator(f".corridors-route-{field}")
    box.fill("")
    box.press_sequentially(text)
    options = page.locator(
        f".corridors-route-field:has(.corridors-route-{field}) .corridors-route-suggest button"
    )
    return [(b.get_attribute("data-place-id"), b.inner_text()) for b in options.all()]


def test_type_ahead_finds_names_and_aliases(atlas_page):
    page = atlas_page.page
    najin = _suggestions(page, "from", "Najin")
    assert najin[0] == ("rajin_port", "Rajin port Pier 3 (Najin)")  # the alias says why
    assert ("rajin_station", "Rajin station (Najin station)") in najin
    rajin = [pid for pid, _ in _suggestions(page, "from", "rajin")]
    assert rajin[:2] == ["rajin_port", "rajin_station"] and "rason_sez" in rajin
    assert _suggestions(page, "to", "zzzz") == []
    _suggestions(page, "to", "najin")  # the keyboard picks: down twice, Enter
    for key in ("ArrowDown", "ArrowDown", "Enter"):
        page.locator(".corridors-route-to").press(key)
    assert page.locator(".corridors-route-to").input_value() == "Rajin station"
    assert page.locator(".corridors-route-to").get_attribute("data-place-id") == "rajin_station"
    assert atlas_page.problems() == []


def test_panel_routes_by_clicking(network, atlas_page):
    from corridors.routing.route import route

    page = atlas_page.page
    for field, text, place in (("from", "khas", "khasan"), ("to", "Pohang", "pohang")):
        _suggestions(page, field, text)
        page.locator(
            f'.corridors-route-field:has(.corridors-route-{field}) button[data-place-id="{place}"]'
        ).click()
    page.locator(".corridors-route-statuses").select_option("proposed")
    page.locator(".corridors-route-as-of").fill("2015-05-01")
    page.locator(".corridors-route-go").click()
    result = page.locator(f'{RESULT}[data-route-for*="from=khasan&to=pohang"]')
    result.wait_for()
    want = route(network, "khasan", "pohang", include_proposed=True, as_of="2015-05-01")
    assert result.get_attribute("data-route-km") == f"{want.distance_km:.1f}"
    assert page.evaluate("location.hash") == (
        "#from=khasan&to=pohang&include-proposed=1&as-of=2015-05-01"
    )
    text = result.inner_text()
    assert f"{want.distance_km:,.1f} km" in text and "nmi" in text and " h" in text
    assert page.locator("path.corridors-route-found").count() == len(want.legs)
    page.locator(".corridors-route-clear").click()
    assert page.locator("path.corridors-route-found").count() == 0
    assert page.locator(f"{RESULT}[data-route-km]").count() == 0
    assert page.evaluate("location.hash") == ""
    assert atlas_page.problems() == []


def test_atlas_stays_within_budget():
    assert ATLAS_HTML.stat().st_size < 1_500_000


def test_hostile_place_names_show_as_text(tmp_path, offline_page):
    from corridors.maps import build_maps
    from corridors.network.load import load_network

    network = load_network(write_hostile_atlas(tmp_path / "atlas"), use_cache=False)
    build_maps(network, tmp_path, offline=True)
    page = offline_page.open(tmp_path / "atlas.html")
    page.wait_for_selector(".corridors-route-finder")
    page.evaluate("location.hash = '#from=khasan&to=pohang&include-proposed=1'")
    result = page.locator(f'{RESULT}[data-route-km]:not([data-route-km=""])')
    result.wait_for()
    assert f"Khasan \u2192 {HOSTILE_PLACE}" in result.inner_text()
    assert page.locator(f"{RESULT} svg, {RESULT} img").count() == 0
    names = [text for _, text in _suggestions(page, "from", "Rajin <svg")]
    assert names == [HOSTILE_PLACE]
    assert offline_page.dialogs == [] and offline_page.page_errors == []
