"""Helpers for the map tests (not a test file): test atlases and browser-side probes.

`write_maps_atlas` is the factory atlas (tests/atlas_factory.py) plus a 2015 shipment, so the
time control has something to step through; `write_hostile_atlas` renames things to strings
that would run script if any of them reached the page as markup.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import atlas_factory

HOSTILE = "<img src=x onerror=alert(1)> \"quoted\" 'single' `${alert(2)}` back\\slash </script>"
HOSTILE_PLACE = 'Rajin <svg onload=alert(3)> `tick` \\ "q"'
HOSTILE_TITLE = "<a href=javascript:alert(4)>Source</a> ${alert(5)}"
BAD_URL = "javascript:alert(6)"
GOOD_URL = "https://example.org/report?id=1&lang=en"

SHIPMENT_2015 = {
    "id": "spring-2015",
    "name": "Spring 2015 coal",
    "cargo": "coal",
    "tonnes": 100000,
    "consignee": "Test consignee",
    "sources": ["test-source"],
    "legs": [
        {
            "from": "khasan",
            "to": "rajin_port",
            "mode": "rail",
            "start": "2015-04",
            "end": "2015-05",
            "tonnes": 100000,
        },
        {
            "from": "rajin_port",
            "to": "pohang",
            "mode": "sea",
            "start": "2015-04-20",
            "end": "2015-04-24",
            "tonnes": 100000,
            "ship": "Second test ship",
        },
    ],
}


def write_maps_atlas(root: Path) -> Path:
    """The factory atlas with a second (2015) shipment."""
    atlas_factory.write_atlas(root)
    shipments = copy.deepcopy(atlas_factory.SHIPMENTS)
    shipments["shipments"].append(copy.deepcopy(SHIPMENT_2015))
    (root / "shipments.json").write_text(json.dumps(shipments, indent=1))
    return root


def write_hostile_atlas(root: Path) -> Path:
    """The maps atlas with hostile corridor, place, source and ship names and a javascript: URL."""
    write_maps_atlas(root)
    sources = {
        "sources": [
            {"id": "test-source", "title": HOSTILE_TITLE, "url": BAD_URL},
            {"id": "good-source", "title": "Good source", "url": GOOD_URL},
        ]
    }
    (root / "sources.json").write_text(json.dumps(sources, indent=1))
    rail = json.loads((root / "corridors" / "rail.geojson").read_text())
    for feat in rail["features"]:
        if feat["properties"]["id"] == "khasan_rajin":
            feat["properties"]["name"] = HOSTILE
            feat["properties"]["sources"] = ["test-source", "good-source"]
            feat["properties"]["note"] = HOSTILE
    (root / "corridors" / "rail.geojson").write_text(json.dumps(rail, indent=1))
    places = json.loads((root / "places.geojson").read_text())
    for feat in places["features"]:
        if feat["properties"]["id"] == "rajin_port":
            feat["properties"]["name"] = HOSTILE_PLACE
            feat["properties"]["note"] = HOSTILE
    (root / "places.geojson").write_text(json.dumps(places, indent=1))
    shipments = json.loads((root / "shipments.json").read_text())
    shipments["shipments"][0]["legs"][1]["ship"] = HOSTILE
    (root / "shipments.json").write_text(json.dumps(shipments, indent=1))
    return root


# --- browser-side probes (run with page.evaluate) -------------------------------------------

# The Leaflet map object folium created (a global `map_<id>`).
FIND_MAP = "Object.keys(window).filter(k => k.startsWith('map_')).map(k => window[k])[0]"

# Centre the map on vertex `index` of the feature with id `fid` at `zoom`; return the vertex's
# position in page pixels, for a real mouse click there.
VERTEX_PIXEL = """([fid, index, zoom]) => {
  const map = __MAP__;
  let target = null;
  for (const k of Object.keys(window)) {
    const v = window[k];
    if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
    v.eachLayer(l => { if (l.feature && l.feature.id === fid) target = l; });
  }
  if (!target) return null;
  const lls = target.getLatLngs();
  const ll = lls[index < 0 ? lls.length + index : index];
  map.setView(ll, zoom, {animate: false});
  const p = map.latLngToContainerPoint(ll);
  const box = map.getContainer().getBoundingClientRect();
  return {x: box.left + p.x, y: box.top + p.y};
}""".replace("__MAP__", FIND_MAP)


def click_vertex(page, fid: str, index: int, *, zoom: int = 11) -> None:
    """Really click (mouse) on a vertex of feature `fid`, after zooming there."""
    point = page.evaluate(VERTEX_PIXEL, [fid, index, zoom])
    assert point is not None, f"no feature {fid!r} on the page"
    page.wait_for_timeout(50)
    page.mouse.click(point["x"], point["y"])


def hover_vertex(page, fid: str, index: int, *, zoom: int = 11) -> None:
    point = page.evaluate(VERTEX_PIXEL, [fid, index, zoom])
    assert point is not None, f"no feature {fid!r} on the page"
    page.mouse.move(point["x"] - 20, point["y"] - 20)
    page.mouse.move(point["x"], point["y"], steps=4)
