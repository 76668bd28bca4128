"""Native names in the committed atlas.html, in Chromium (network blocked): the route panel finds
places by Hangul, Cyrillic and Han names as the CLI does, and labels show the local name."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import offline_page_fixture

REPO = Path(__file__).resolve().parents[1]
ATLAS_HTML = REPO / "maps" / "atlas.html"

names_page = offline_page_fixture(scope="module")

ROUTE_FOR = """async (hash) => {
  const box = document.querySelector('.corridors-route-result');
  const done = new Promise(res => window.addEventListener('hashchange', () => res(), {once: true}));
  window.location.hash = hash;
  await done;
  const msg = box.querySelector('.corridors-route-message');
  return {km: box.getAttribute('data-route-km-exact'), message: msg ? msg.textContent : null,
          legs: [...box.querySelectorAll('tr.corridors-route-leg')].map(tr => [
            tr.dataset.from, tr.dataset.to])};
}"""


@pytest.fixture(scope="module")
def atlas_page(names_page):
    page = names_page.open(ATLAS_HTML)
    page.wait_for_selector(".corridors-route-finder")
    return names_page


@pytest.mark.parametrize(
    ("native", "english"),
    [
        ("from=%D0%A5%D0%B0%D1%81%D0%B0%D0%BD&to=%ED%8F%AC%ED%95%AD", "from=khasan&to=pohang"),
        ("from=%EB%82%98%EC%A7%84%20%ED%95%AD&to=Pohang", "from=rajin_port&to=pohang"),
        ("from=T%C5%ADmangang&to=%E7%BD%97%E6%B4%A5%E6%B8%AF", "from=tumangang&to=rajin_port"),
    ],
)
def test_panel_routes_by_native_names_like_the_cli(atlas_page, native: str, english: str) -> None:
    """Хасан -> 포항, 나진 항 -> Pohang, Tŭmangang -> 罗津港 (percent-encoded in the fragment)."""
    page = atlas_page.page
    by_native = page.evaluate(ROUTE_FOR, "#" + native)
    by_english = page.evaluate(ROUTE_FOR, "#" + english)
    assert by_native["message"] is None, by_native["message"]
    assert by_native == by_english and by_native["legs"]
    assert atlas_page.problems() == []


def test_type_ahead_offers_the_place_of_a_native_name(atlas_page) -> None:
    page = atlas_page.page
    box = page.locator(".corridors-route-from")
    box.fill("")
    box.press_sequentially("라진항")
    first = page.locator(
        ".corridors-route-field:has(.corridors-route-from) .corridors-route-suggest button"
    ).first
    assert first.get_attribute("data-place-id") == "rajin_port"
    assert atlas_page.problems() == []


def test_labels_show_the_local_name_where_it_fits(atlas_page) -> None:
    page = atlas_page.page
    page.evaluate("window.location.hash = ''")
    shown = page.evaluate(
        """() => [...document.querySelectorAll('.corridors-label-place')]
          .filter(d => d.style.visibility === 'visible')
          .map(d => {
            const s = d.querySelector('.corridors-label-local');
            return [d.getAttribute('data-place'), d.textContent,
                    s ? getComputedStyle(s).display : null];
          })"""
    )
    assert shown, "no place label shown"
    with_local = [row for row in shown if row[2] not in (None, "none")]
    assert with_local, shown  # at least one label had room for its local name
    for place_id, text, _display in with_local:
        assert " \u00b7 " in text, (place_id, text)
    assert atlas_page.problems() == []
