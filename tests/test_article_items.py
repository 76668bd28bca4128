"""What the article names: the Pobeda programme, the Rason zone as an area, the road bridge.

Programmes and zones are checked on the factory atlas (tests/atlas_factory.py) with one of
each added, so every rule can be broken in a copy, and on the shipped atlas against the
published figures: Pobeda 3,500 km / US$25 bn / 20 years (NHK World 2014-10-22), the zone's
746 km² (en.wikipedia), the bridge under construction since 30 Apr 2025 (TASS).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import corridors_cli

from corridors.atlas.read import area_contains, load_atlas
from corridors.errors import AtlasError, NoRouteError
from corridors.geo.geodesy import area_km2
from corridors.network.load import load_network
from corridors.routing.route import route

REPO = Path(__file__).resolve().parents[1]
ZONE_RING = [
    [130.25, 42.2],
    [130.7, 42.2],
    [130.7, 42.45],
    [130.25, 42.45],
    [130.25, 42.2],
]  # around Rajin, Tumangang and Khasan in the factory atlas
PROGRAMME = {
    "id": "test_programme",
    "name": "Test programme",
    "announced": "2014-10-21",
    "figures": {"length_km": 3500, "cost_usd": 25e9, "years": 20},
    "members": ["khasan_rajin"],
    "sources": ["test-source"],
    "note": "A programme for the tests.",
}


def zone_feature(**props) -> dict:
    properties = {
        "id": "test_zone",
        "name": "Test zone",
        "aliases": ["Rason"],
        "country": "PRK",
        "kind": "zone",
        "point": [130.45, 42.3],
        "sources": ["test-source"],
        "note": "A zone for the tests.",
    }
    properties.update(props)
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ZONE_RING]},
        "properties": properties,
    }


def add_items(root: Path, *, zone: dict | None = None, programme: dict | None = None) -> Path:
    places = json.loads((root / "places.geojson").read_text())
    places["features"].append(zone or zone_feature())
    (root / "places.geojson").write_text(json.dumps(places, indent=1))
    doc = {"programmes": [programme or PROGRAMME]}
    (root / "programmes.json").write_text(json.dumps(doc, indent=1))
    return root


def write_fresh(root: Path) -> Path:
    import atlas_factory

    return atlas_factory.write_atlas(root)


@pytest.fixture
def items_atlas(atlas: Path) -> Path:
    """The factory atlas with a zone and a programme."""
    return add_items(atlas)


@pytest.fixture(scope="module")
def shipped():
    return load_network(REPO / "geo", use_cache=False)


# ------------------------------------------------------------------------------- programmes


def test_programme_loads_with_its_figures_and_members(items_atlas: Path) -> None:
    atlas = load_atlas(items_atlas)
    programme = atlas.programmes["test_programme"]
    assert programme.members == ("khasan_rajin",)
    assert programme.figures == {"length_km": 3500.0, "cost_usd": 25e9, "years": 20.0}
    assert programme.announced == "2014-10-21"


def test_programmes_file_is_optional(atlas: Path) -> None:
    assert load_atlas(atlas).programmes == {}


BAD_PROGRAMMES = [
    ({"members": ["no_such_line"]}, "field 'members': unknown corridor 'no_such_line'"),
    ({"members": ["khasan_rajin", "khasan_rajin"]}, "field 'members': names a corridor twice"),
    ({"members": None}, "field 'members': missing"),
    ({"figures": {"length_km": "3,500"}}, "field 'figures.length_km': must be a number"),
    ({"figures": {"cost_usd": -1}}, "field 'figures.cost_usd': must be a finite positive"),
    ({"figures": {"Cost USD": 1}}, "field 'figures': 'Cost USD' is not a figure name"),
    ({"figures": [3500]}, "field 'figures': must be a JSON object"),
    ({"announced": "2014-13-01"}, "field 'announced': '2014-13-01' is not a real date"),
    ({"sources": ["nowhere"]}, "field 'sources': 'nowhere' is not in sources.json"),
    ({"sources": []}, "field 'sources': needs at least 1 item"),
    ({"id": "Bad Id"}, "field 'id': 'Bad Id' is not a valid id"),
]


@pytest.mark.parametrize(("change", "message"), BAD_PROGRAMMES, ids=[m for _, m in BAD_PROGRAMMES])
def test_bad_programme_is_one_line_exit_2(atlas: Path, cache: Path, change, message) -> None:
    add_items(atlas, programme={**PROGRAMME, **change})
    with pytest.raises(AtlasError, match=message.replace("(", r"\(")):
        load_atlas(atlas)
    done = corridors_cli("list", "programmes", atlas=atlas, cache=cache)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert "programmes.json: programme 0 ('" in done.stderr
    assert message in done.stderr


def test_duplicate_programme_name_is_refused(atlas: Path) -> None:
    add_items(atlas)
    doc = {"programmes": [PROGRAMME, {**PROGRAMME, "id": "other", "name": "TEST programme"}]}
    (atlas / "programmes.json").write_text(json.dumps(doc))
    with pytest.raises(AtlasError, match="'TEST programme' is already the name of programme"):
        load_atlas(atlas)


def test_list_programmes_text_and_json(items_atlas: Path, cache: Path) -> None:
    done = corridors_cli("list", "programmes", "--json", atlas=items_atlas, cache=cache)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        {
            "id": "test_programme",
            "name": "Test programme",
            "announced": "2014-10-21",
            "figures": {"length_km": 3500.0, "cost_usd": 25e9, "years": 20.0},
            "members": ["khasan_rajin"],
            "sources": ["test-source"],
            "note": "A programme for the tests.",
        }
    ]
    table = corridors_cli(
        "list", "programmes", atlas=items_atlas, cache=cache, env={"COLUMNS": "200"}
    )
    assert table.returncode == 0, table.stderr
    assert "Test programme" in table.stdout
    assert "length_km 3,500; cost_usd 25,000,000,000; years 20" in table.stdout
    assert "khasan_rajin" in table.stdout


def test_removing_a_member_corridor_is_refused(items_atlas: Path, cache: Path) -> None:
    """An edit that would leave a programme naming a missing corridor is not written."""
    before = (items_atlas / "corridors" / "rail.geojson").read_bytes()
    done = corridors_cli("remove", "khasan_rajin", atlas=items_atlas, cache=cache)
    assert done.returncode == 2
    assert "unknown corridor 'khasan_rajin'" in done.stderr
    assert (items_atlas / "corridors" / "rail.geojson").read_bytes() == before


def test_shipped_pobeda_as_published(shipped) -> None:
    pobeda = shipped.atlas.programmes["pobeda"]
    assert pobeda.name == "Pobeda (Victory)"
    assert pobeda.announced == "2014-10-21"
    assert pobeda.figures == {"length_km": 3500.0, "cost_usd": 25e9, "years": 20.0}
    # No route list was published: no member is guessed.
    assert pobeda.members == ()
    assert {"nhk-2014-10-22-pobeda", "cherkashin2015-fn10"} <= set(pobeda.sources)
    assert "Namyang - Onsong - Rajin, 150 km" in (pobeda.note or "")


# ------------------------------------------------------------------------------------ zones


def test_zone_loads_as_an_area_with_a_point_inside(items_atlas: Path) -> None:
    zone = load_atlas(items_atlas).places["test_zone"]
    assert zone.kind == "zone"
    assert zone.coord == (130.45, 42.3)
    assert zone.area is not None and len(zone.area) == 1
    assert area_contains(zone.area, zone.coord)
    assert not area_contains(zone.area, (130.0, 42.3))


BAD_ZONES = [
    (
        {"geometry": {"type": "Point", "coordinates": [130.45, 42.3]}},
        "an area must be a Polygon or MultiPolygon, got Point",
    ),
    (
        {"geometry": {"type": "Polygon", "coordinates": [ZONE_RING[:-1]]}},
        "a ring must end where it starts",
    ),
    (
        {"geometry": {"type": "Polygon", "coordinates": [ZONE_RING[:2] + ZONE_RING[:1]]}},
        "a ring needs at least four positions",
    ),
    (
        {
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[130, 91], *ZONE_RING[1:-1], [130, 91]]],
            }
        },
        "latitude 91",
    ),
    ({"point": [130.0, 42.3]}, "field 'point': [130.0, 42.3] is not inside the zone's area"),
    ({"point": None}, "field 'point': a position must be [longitude, latitude]"),
    ({"transfer": ["rail", "sea"]}, "field 'transfer': a zone is an area"),
]


@pytest.mark.parametrize(("change", "message"), BAD_ZONES, ids=[m for _, m in BAD_ZONES])
def test_bad_zone_is_one_line_exit_2(atlas: Path, cache: Path, change, message) -> None:
    zone = zone_feature()
    if "geometry" in change:
        zone["geometry"] = change["geometry"]
    else:
        zone["properties"].update(change)
    add_items(atlas, zone=zone)
    done = corridors_cli("list", "places", atlas=atlas, cache=cache)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "places.geojson: feature 5 ('test_zone')" in done.stderr
    assert message in done.stderr


def test_polygon_is_only_for_zones(atlas: Path) -> None:
    zone = zone_feature(kind="city")
    add_items(atlas, zone=zone)
    with pytest.raises(AtlasError, match="a place must be a Point .*only for kind zone"):
        load_atlas(atlas)


def test_zone_is_not_a_routing_node(items_atlas: Path) -> None:
    network = load_network(items_atlas, use_cache=False)
    assert network.nodes_of("test_zone") == []
    assert network.resolve_place("Rason") == "test_zone"
    with pytest.raises(NoRouteError, match="Test zone is an area .* e.g. Khasan, Tumangang"):
        route(network, "Rason", "Pohang")


def test_zone_listed_with_its_area(items_atlas: Path, cache: Path) -> None:
    done = corridors_cli("list", "places", "--json", atlas=items_atlas, cache=cache)
    (record,) = [r for r in json.loads(done.stdout) if r["id"] == "test_zone"]
    assert (record["lon"], record["lat"]) == (130.45, 42.3)
    assert record["area"] == {"type": "MultiPolygon", "coordinates": [[ZONE_RING]]}


def test_zone_in_the_geopackage(items_atlas: Path, tmp_path: Path) -> None:
    import geopandas as gpd

    from corridors.export import export_file

    path = export_file(load_network(items_atlas, use_cache=False), tmp_path / "a.gpkg")
    zones = gpd.read_file(path, layer="zones")
    assert list(zones["id"]) == ["test_zone"]
    assert zones["area_km2"][0] == pytest.approx(area_km2(((tuple(map(tuple, ZONE_RING)),),)))


def test_new_corridor_end_never_snaps_to_a_zone(items_atlas: Path, cache: Path) -> None:
    """An end at the zone's label point is 10+ km from every point place: refused, not
    attached to the zone."""
    done = corridors_cli(
        "add", "--coords", "130.45,42.3;130.3030,42.2440", "--mode", "rail",
        "--status", "proposed", "--source", "test-source", "--dry-run",
        atlas=items_atlas, cache=cache,
    )  # fmt: skip
    assert done.returncode == 2
    assert "test_zone" not in done.stdout + done.stderr


def test_check_reports_a_zone_and_fails_a_broken_one(items_atlas: Path, cache: Path) -> None:
    done = corridors_cli("check", "--verbose", atlas=items_atlas, cache=cache)
    assert "ok   test_zone: " in done.stdout and "km² (computed)" in done.stdout
    # A bow tie: the outline crosses itself (loading does not look; check does).
    bow = [[130.25, 42.2], [130.7, 42.45], [130.7, 42.2], [130.25, 42.45], [130.25, 42.2]]
    zone = zone_feature(point=[130.3, 42.3])
    zone["geometry"]["coordinates"] = [bow]
    add_items(write_fresh(items_atlas.parent / "bow"), zone=zone)
    done = corridors_cli("check", atlas=items_atlas.parent / "bow", cache=cache)
    assert done.returncode != 0
    assert "FAIL test_zone: outline is not valid: Self-intersection" in done.stdout


def test_check_fails_a_corridor_that_stops_at_a_zone(items_atlas: Path, cache: Path) -> None:
    rail = json.loads((items_atlas / "corridors" / "rail.geojson").read_text())
    line = rail["features"][0]
    line["geometry"]["coordinates"].insert(3, [130.45, 42.3])
    line["properties"]["via"].append("test_zone")
    (items_atlas / "corridors" / "rail.geojson").write_text(json.dumps(rail))
    done = corridors_cli("check", atlas=items_atlas, cache=cache)
    assert done.returncode != 0
    assert "FAIL test_zone: corridor khasan_rajin stops at this zone" in done.stdout


def test_shipped_rason_zone_area_and_extent(shipped) -> None:
    zone = shipped.atlas.places["rason_sez"]
    assert zone.kind == "zone" and zone.area is not None
    km2 = area_km2(zone.area)
    assert km2 == pytest.approx(746, rel=0.10)  # published 746 km² (en.wikipedia)
    lons = [x for rings in zone.area for ring in rings for x, _ in ring]
    lats = [y for rings in zone.area for ring in rings for _, y in ring]
    # Inside the published extent 42°08'-42°38'N, 130°07'-130°42'E.
    assert min(lons) >= 130 + 7 / 60 - 1e-4 and max(lons) <= 130 + 42 / 60
    assert min(lats) >= 42 + 8 / 60 - 1e-4 and max(lats) <= 42 + 38 / 60
    for place in ("rajin_station", "sonbong", "hongui"):
        assert area_contains(zone.area, shipped.atlas.places[place].coord), place
    assert "estimate" in (zone.note or "").lower()


def test_shipped_zone_is_no_stop_and_rason_names_it(shipped) -> None:
    atlas = shipped.atlas
    assert not any("rason_sez" in c.stops for c in atlas.corridors.values())
    assert shipped.nodes_of("rason_sez") == []
    assert shipped.resolve_place("Rason") == "rason_sez"
    assert shipped.resolve_place("Rason port") == "rajin_port"
    assert shipped.resolve_place("Rajin") == "rajin_port"


# ------------------------------------------------------------------------------ road bridge


def test_shipped_road_bridge_under_construction(shipped) -> None:
    bridge = shipped.atlas.corridors["road_bridge_khasan_tumangang"]
    assert (bridge.mode, bridge.status, bridge.status_year) == ("road", "under_construction", 2025)
    assert (bridge.start, bridge.end) == ("khasan", "tumangang")
    doc = json.loads((REPO / "geo/corridors/road.geojson").read_text())
    (feature,) = doc["features"]
    history = [(e["date"], e["status"]) for e in feature["properties"]["history"]]
    assert history == [("2014-06-10", "proposed"), ("2025-04-30", "under_construction")]
    assert "cherkashin2015-fn2" in feature["properties"]["history"][0]["sources"]
    length = shipped.index.corridor_lengths_km()[bridge.id]
    assert length == pytest.approx(4.7, rel=0.05)  # 4.7 km with approaches (Interfax)


def test_road_bridge_listed_and_never_a_freight_route(shipped, cache: Path) -> None:
    done = corridors_cli("list", "corridors", "--json", cache=cache)
    (record,) = [r for r in json.loads(done.stdout) if r["id"] == "road_bridge_khasan_tumangang"]
    assert (record["mode"], record["status"]) == ("road", "under_construction")
    for proposed in (False, True):
        found = route(shipped, "Khasan", "Tumangang", include_proposed=proposed)
        assert {leg.mode for leg in found.legs} <= {"rail", "sea"}
    by_road = route(shipped, "Khasan", "Tumangang", modes=["road"], include_proposed=True)
    assert [leg.corridor for leg in by_road.legs] == ["road_bridge_khasan_tumangang"]
    with pytest.raises(NoRouteError, match="set `include_proposed`"):
        route(shipped, "Khasan", "Tumangang", modes=["road"])


# ------------------------------------------------------------------------ maps, in Chromium

ROAD = {
    "type": "Feature",
    "geometry": {"type": "LineString", "coordinates": [[130.6466, 42.4301], [130.5950, 42.4120]]},
    "properties": {
        "id": "test_road",
        "name": "Test road bridge",
        "mode": "road",
        "status": "under_construction",
        "status_year": 2025,
        "from": "khasan",
        "to": "tumangang",
        "via": [],
        "attributes": {},
        "reported_length_km": None,
        "reported_length_source": None,
        "sources": ["test-source"],
    },
}

# Open the popup of the feature with id `fid` through Leaflet and return its text.
POPUP_TEXT = """(fid) => {
  for (const k of Object.keys(window)) {
    const v = window[k];
    if (!k.startsWith('geo_json_') || !v || !v.eachLayer) continue;
    let found = null;
    v.eachLayer(l => { if (l.feature && l.feature.id === fid) found = l; });
    if (found) {
      found.openPopup(found.getLatLng ? found.getLatLng() : found.getBounds().getCenter());
      const text = found.getPopup().getElement().querySelector('.leaflet-popup-content').innerText;
      found.closePopup();
      return text;
    }
  }
  return null;
}"""


@pytest.fixture(scope="module")
def items_map(tmp_path_factory):
    """(network, atlas.html) of the factory atlas with a zone, a programme and a road."""
    import atlas_factory

    from corridors.maps import build_maps

    root = tmp_path_factory.mktemp("items")
    atlas = add_items(atlas_factory.write_atlas(root / "atlas"))
    (atlas / "corridors" / "road.geojson").write_text(json.dumps(atlas_factory.collection([ROAD])))
    network = load_network(atlas, use_cache=False)
    build_maps(network, root / "maps", offline=True)
    return network, root / "maps" / "atlas.html"


def _open(offline_page, path: Path):
    page = offline_page.open(path)
    page.wait_for_selector(".leaflet-control-layers")
    return page


def test_map_draws_zone_programme_and_road(items_map, offline_page) -> None:
    from corridors.maps.atlas_map import layer_names

    network, path = items_map
    page = _open(offline_page, path)
    labels = [
        x.strip() for x in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    ]
    assert labels == layer_names(network)
    assert labels[:2] == ["Zones", "Programme \u2013 Test programme"]
    assert "Road \u2013 under construction" in labels
    # The zone is one filled, see-through area; the lines are not filled.
    filled = page.locator(".leaflet-overlay-pane path[fill-opacity='0.12']")
    assert filled.count() == 1
    zone = page.evaluate(POPUP_TEXT, "test_zone")
    expected = area_km2(network.atlas.places["test_zone"].area)  # type: ignore[arg-type]
    assert zone.startswith("Test zone")
    assert f"Area (computed)\t{expected:,.0f} km\u00b2" in zone
    assert "Label point\t42.30000, 130.45000" in zone
    # The programme: a highlight under its member, named in the member's popup, and a panel.
    band = page.evaluate(POPUP_TEXT, "test_programme/khasan_rajin")
    assert band.startswith("Test programme") and "US$25 bn" in band
    assert "Programme\tTest programme" in page.evaluate(POPUP_TEXT, "khasan_rajin")
    panel = page.locator(".corridors-programmes")
    assert panel.locator("summary").inner_text() == "Programmes: Test programme"
    panel.locator("summary").click()
    text = panel.inner_text()
    for row in (
        "Announced\t2014-10-21",
        "Length\t3,500 km",
        "Cost\tUS$25 bn",
        "Duration\t20 years",
    ):
        assert row in text, row
    assert "Corridors\tKhasan - Rajin railway" in text
    assert panel.locator(".corridors-info-links li").all_inner_texts() == ["Test fixture"]
    road = page.evaluate(POPUP_TEXT, "test_road")
    assert "Mode\troad" in road and "Status\tunder construction (2025)" in road
    assert offline_page.problems() == []


def test_committed_map_shows_the_article_items(shipped, offline_page) -> None:
    page = _open(offline_page, REPO / "maps" / "atlas.html")
    labels = [
        x.strip() for x in page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    ]
    assert labels[0] == "Zones" and "Road \u2013 under construction" in labels
    zone = page.evaluate(POPUP_TEXT, "rason_sez")
    km2 = area_km2(shipped.atlas.places["rason_sez"].area)
    assert zone.startswith("Rason Special Economic Zone")
    assert f"{km2:,.0f} km\u00b2" in zone and "Estimate" in zone
    panel = page.locator(".corridors-programmes")
    assert panel.locator("summary").inner_text() == "Programmes: Pobeda (Victory)"
    panel.locator("summary").click()
    text = panel.inner_text()
    assert "Length\t3,500 km" in text and "Cost\tUS$25 bn" in text
    assert "Corridors\tnone in the atlas" in text
    links = panel.locator(".corridors-info-links a")
    assert links.count() >= 4
    road = page.evaluate(POPUP_TEXT, "road_bridge_khasan_tumangang")
    assert "Status\tunder construction (since 2025-04-30)" in road
    assert offline_page.problems() == []
