"""Helpers for the map tests (not a test file): test atlases and browser-side probes.

`write_maps_atlas` is the factory atlas (tests/atlas_factory.py) plus a 2015 shipment, so the
time control has something to step through; `write_hostile_atlas` renames things to strings
that would run script if any of them reached the page as markup.
"""

from __future__ import annotations

import copy
import json
import re
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


def page_data(html: str) -> dict:
    """The atlas tables atlas.html carries (maps/atlas_layers.py: one JSON literal)."""
    found = re.findall(r'<script type="application/json" id="atlas_data_\w+">(.*?)</script>', html)
    assert len(found) == 1, "atlas.html must carry its tables exactly once"
    return json.loads(found[0])


def corridor_popup_rows(data: dict, k: int) -> list[list[str]]:
    """Corridor `k`'s popup rows on the map's day, written from the tables by the rules the page
    follows (maps/atlas_data.py); the browser tests check the page writes the same."""
    c = data["corridors"][k] + [0] * 11  # trailing empty fields are left out
    codes = c[8] or ["m", "s", "l", "r"]
    rows: list[list[str]] = []
    for code in codes:
        if not isinstance(code, str):
            rows.append(code)
        elif code == "m":
            rows.append(["Mode", data["modes"][c[2]]])
        elif code == "s":
            if c[10]:
                last = c[10][-1]
                text, svc = last[2], last[3]
            else:
                status = data["statuses"][c[3]]
                year = c[9] or data["year"]
                text, svc = f"{data['status_labels'][status]} ({year})", data["svc"][status]
            rows.append(["Status", text])
            if svc is not None:
                rows.append(["In service", svc])
        elif code == "l":
            km = c[6] if isinstance(c[6], str) else f"{c[6] // 10}.{c[6] % 10} km"
            rows.append(["Length (computed)", km])
        elif code == "r":
            rows.append(["Route", " \u2192 ".join(data["places"][p][1] for p in c[4])])
    return rows


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
    wait_until_clickable(page, point)
    page.mouse.click(point["x"], point["y"])


def wait_until_clickable(page, point: dict) -> None:
    """Wait until something interactive is drawn under `point` (on a busy machine the
    renderer may redraw a frame or two after `setView`; a click before that hits the
    bare map and opens nothing)."""
    page.wait_for_function(
        """([x, y]) => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {
              const el = document.elementFromPoint(x, y);
              done(!!el && !!el.closest('.leaflet-interactive'));
            })))""",
        arg=[point["x"], point["y"]],
        timeout=15000,
    )


def hover_vertex(page, fid: str, index: int, *, zoom: int = 11) -> None:
    point = page.evaluate(VERTEX_PIXEL, [fid, index, zoom])
    assert point is not None, f"no feature {fid!r} on the page"
    page.mouse.move(point["x"] - 20, point["y"] - 20)
    page.mouse.move(point["x"], point["y"], steps=4)
