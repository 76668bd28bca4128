"""Atlas text is data on the maps: Jinja syntax in any text field shows as written, runs nothing.

Regression tests for issue 8: branca compiled every rendered script as a new template, so a
corridor named ``{{ 7*7 }}`` showed ``49``, ``{#12`` stopped ``corridors build`` with a Jinja
traceback, and a crafted name ran a shell command. Every text field that reaches a map gets a
payload here; the maps are built through the CLI entry (``build`` and ``route --map``, in
process: a payload that ran would run inside the test) and opened in Chromium, where each
payload must read exactly as written and no marker file that a payload would create may appear.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import Ran, corridors_cli
from maps_support import write_maps_atlas

# Ordinary text that happens to look like Jinja, and a `{% set %}` that would close the script.
JINJA = (
    "{{ 7*7 }} {{cite web}} {#12 {% raw %} value {{ price }} USD "
    "{% set x = '</script><script>alert(1)</script>' %}{{ x }} {%"
)


def rce(marker: Path) -> str:
    """A name that runs ``touch marker`` if it is ever rendered as a Jinja template."""
    return "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"


def payload(tag: str, marker: Path) -> str:
    return f"{tag} {JINJA} {rce(marker)}"


def _edit(path: Path, change) -> None:
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False))


def write_jinja_atlas(root: Path, marker: Path) -> dict[str, str]:
    """The maps atlas with a payload in every text field a map shows; returns field -> text."""
    write_maps_atlas(root)
    texts = {
        "source": payload("source title", marker),
        "place": payload("place name", marker),
        "place_alias": payload("place alias", marker),
        "place_note": payload("place note", marker),
        "corridor": payload("corridor name", marker),
        "corridor_note": payload("corridor note", marker),
        "attribute": payload("attribute value", marker),
        "shipment": payload("shipment name", marker),
        "cargo": payload("cargo", marker),
        "consignee": payload("consignee", marker),
        "ship": payload("ship", marker),
        "zone": payload("zone name", marker),
        "zone_note": payload("zone note", marker),
        "programme": payload("programme name", marker),
        "programme_note": payload("programme note", marker),
    }

    def sources(doc):
        doc["sources"][0]["title"] = texts["source"]

    def places(doc):
        for feat in doc["features"]:
            if feat["properties"]["id"] == "rajin_port":
                feat["properties"].update(
                    name=texts["place"], aliases=[texts["place_alias"]], note=texts["place_note"]
                )
        ring = [[130.25, 42.2], [130.7, 42.2], [130.7, 42.45], [130.25, 42.45], [130.25, 42.2]]
        zone = {"id": "zone", "name": texts["zone"], "note": texts["zone_note"], "aliases": []}
        zone.update(country="PRK", kind="zone", point=[130.45, 42.3], sources=["test-source"])
        geometry = {"type": "Polygon", "coordinates": [ring]}
        doc["features"].append({"type": "Feature", "geometry": geometry, "properties": zone})

    def rail(doc):
        for feat in doc["features"]:
            if feat["properties"]["id"] == "khasan_rajin":
                feat["properties"]["name"] = texts["corridor"]
                feat["properties"]["note"] = texts["corridor_note"]
                feat["properties"]["attributes"]["tracks"] = texts["attribute"]

    def shipments(doc):
        first = doc["shipments"][0]
        first.update(name=texts["shipment"], cargo=texts["cargo"], consignee=texts["consignee"])
        first["legs"][1]["ship"] = texts["ship"]

    _edit(root / "sources.json", sources)
    _edit(root / "places.geojson", places)
    _edit(root / "corridors" / "rail.geojson", rail)
    _edit(root / "shipments.json", shipments)
    programme = {"id": "programme", "name": texts["programme"], "note": texts["programme_note"]}
    programme.update(members=["khasan_rajin"], sources=["test-source"], figures={"years": 20})
    (root / "programmes.json").write_text(json.dumps({"programmes": [programme]}))
    return texts


def cli(*args: str, cache: Path) -> Ran:
    """``corridors ARGS`` in this process (a payload that ran here would touch the marker)."""
    return corridors_cli(*args, cache=cache)


@pytest.fixture(scope="module")
def jinja_maps(tmp_path_factory):
    """(texts, marker, folder) with atlas.html, shipments.html and route.html built by the CLI."""
    root = tmp_path_factory.mktemp("jinja")
    marker = root / "marker-payload-ran"
    texts = write_jinja_atlas(root / "atlas", marker)
    out = root / "maps"
    built = cli("build", "--out", str(out), "--atlas", str(root / "atlas"), cache=root / "c")
    assert built.returncode == 0, built.stderr
    routed = cli(
        "route", "Khasan", "Pohang", "--include-proposed", "--map", str(out / "route.html"),
        "--offline", "--atlas", str(root / "atlas"), cache=root / "c",
    )  # fmt: skip
    assert routed.returncode == 0, routed.stderr
    assert not marker.exists(), "a payload in the atlas ran a shell command"
    return texts, marker, out


def test_payload_would_run_under_plain_branca(tmp_path: Path) -> None:
    """The payload is real: branca's own rendering of a data string runs it."""
    from branca.element import Element

    marker = tmp_path / "ran"
    Element(rce(marker)).render()
    assert marker.exists()


def test_check_and_build_accept_braces_and_run_nothing(jinja_maps) -> None:
    texts, marker, out = jinja_maps
    assert not marker.exists()
    for name in ("atlas.html", "shipments.html", "route.html"):
        html = (out / name).read_text(encoding="utf-8")
        # The text is in the page as JSON, not as its Jinja result ("corridor name 49 ...").
        assert "corridor name {{ 7*7 }} {{cite web}} {#12 {% raw %} value {{ price }}" in html
        assert "corridor name 49" not in html
        assert "</script><script>alert(1)" not in html


# Every feature's tooltip and popup, opened through Leaflet, read from the DOM.
READ_ALL = """() => {
  const out = {tooltips: [], popups: [], panels: []};
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  for (const k of Object.keys(window)) {
    const v = window[k];
    if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
    v.eachLayer(l => {
      if (l.getTooltip && l.getTooltip()) {
        l.openTooltip(l.getLatLng ? l.getLatLng() : l.getBounds().getCenter());
        out.tooltips.push(l.getTooltip().getElement().textContent);
        l.closeTooltip();
      }
      if (l.getPopup && l.getPopup()) {
        l.openPopup(l.getLatLng ? l.getLatLng() : l.getBounds().getCenter());
        const el = l.getPopup().getElement().querySelector('.leaflet-popup-content');
        out.popups.push(el.innerText);
        l.closePopup();
      }
    });
  }
  document.querySelectorAll('.corridors-panel, .corridors-legend').forEach(
    p => out.panels.push(p.innerText));
  return out;
}"""


def _read(offline_page, path: Path) -> dict:
    page = offline_page.open(path)
    page.wait_for_selector(".leaflet-control-layers")
    found = page.evaluate(READ_ALL)
    # The time controls open where everything is drawn (the atlas today, the shipments
    # cumulative at the end); the first position also rewrites popups and tooltips to the
    # statuses of then: read there too.
    slider = page.locator(".corridors-datebar-range, .corridors-timebar-range")
    if slider.count():
        slider.fill("0")
        for key, texts in page.evaluate(READ_ALL).items():
            found[key].extend(texts)
    assert offline_page.dialogs == [], offline_page.dialogs
    assert offline_page.page_errors == [], offline_page.page_errors
    return found


def _lines(found: dict) -> set[str]:
    lines: set[str] = set(found["tooltips"])
    for text in found["popups"] + found["panels"]:
        lines.update(part.strip() for part in (text or "").replace("\t", "\n").split("\n"))
    return lines


def test_atlas_map_shows_every_text_as_written(jinja_maps, offline_page) -> None:
    texts, marker, out = jinja_maps
    lines = _lines(_read(offline_page, out / "atlas.html"))
    fields = ("place", "place_note", "corridor", "corridor_note", "attribute", "source")
    fields += ("zone", "zone_note", "programme", "programme_note")
    for field in fields:
        assert texts[field] in lines, field
    assert f"Programmes: {texts['programme']}" in lines  # the panel's heading
    assert texts["place_alias"] in " ".join(lines)
    assert not any("49" in line and "7*7" not in line for line in lines)
    assert not marker.exists()


def test_shipments_map_shows_every_text_as_written(jinja_maps, offline_page) -> None:
    texts, marker, out = jinja_maps
    lines = _lines(_read(offline_page, out / "shipments.html"))
    for field in ("shipment", "cargo", "consignee", "ship", "source"):
        assert texts[field] in lines, field
    assert any(line.startswith(texts["place"]) for line in lines)  # the totals panel
    assert not marker.exists()


def test_route_map_shows_every_text_as_written(jinja_maps, offline_page) -> None:
    texts, marker, out = jinja_maps
    lines = _lines(_read(offline_page, out / "route.html"))
    assert texts["corridor"] in lines
    assert texts["place"] in lines
    assert not marker.exists()


def test_unreviewed_folium_element_is_refused(tmp_path: Path) -> None:
    """A folium class that re-templates its own output cannot slip into a map unnoticed."""
    import folium

    from corridors.maps.safe_render import UnsafeElementError, render_literal

    m = folium.Map(tiles=None)
    folium.Marker([42.2, 130.3], popup=folium.Popup("{{ 7*7 }}")).add_to(m)
    with pytest.raises(UnsafeElementError, match="folium.map.Marker"):
        render_literal(m)
