"""Map building without a browser: contents, safety, determinism, the CLI, and that the
committed maps/ are current (see tests/test_maps_browser.py for the real-browser checks)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from maps_support import (
    BAD_URL,
    GOOD_URL,
    HOSTILE,
    HOSTILE_PLACE,
    corridor_popup_rows,
    page_data,
    write_hostile_atlas,
    write_maps_atlas,
)
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "maps"


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    from corridors.network.load import load_network

    return load_network(write_maps_atlas(tmp_path_factory.mktemp("atlas")), use_cache=False)


@pytest.fixture(scope="module")
def built(network, tmp_path_factory) -> Path:
    from corridors.maps import build_maps

    out = tmp_path_factory.mktemp("maps")
    result = build_maps(network, out, offline=True)
    assert [p.name for p in result.files] == ["atlas.html", "shipments.html"]
    assert result.warnings == []
    return out


def _data_json(html: str) -> list[dict]:
    """Every GeoJSON FeatureCollection embedded in a folium page."""
    found = re.findall(r"_add\((\{\"features\".*?\})\);\n", html)
    return [json.loads(text) for text in found]


def test_committed_maps_are_current(tmp_path: Path):
    """A rebuild of the shipped atlas reproduces maps/ byte for byte."""
    from corridors.maps import MAP_FILES, build_maps
    from corridors.network.load import load_network

    build_maps(load_network(use_cache=False), tmp_path, offline=True)
    for name in MAP_FILES:
        committed = COMMITTED / name
        assert committed.is_file(), f"maps/{name} is missing: run `corridors build`"
        fresh = (tmp_path / name).read_bytes()
        assert fresh == committed.read_bytes(), "maps/ is stale: run `corridors build`"


def test_public_names_load_lazily():
    """corridors.maps lists in __all__ exactly the names it loads on first use, and each
    loads; an unknown name is an AttributeError."""
    import corridors.maps as maps

    assert sorted(maps.__all__) == sorted(maps._EXPORTS)
    for name in maps.__all__:
        assert getattr(maps, name) is not None
    with pytest.raises(AttributeError, match="corridors.maps.*no_such_map"):
        maps.no_such_map  # noqa: B018


def test_default_folder_is_the_checkouts_maps():
    from corridors.maps import default_maps_dir

    assert default_maps_dir() == COMMITTED


def test_offline_maps_are_self_contained(built: Path):
    for name in ("atlas.html", "shipments.html"):
        html = (built / name).read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=|<link[^>]+href=", html), name
        assert "tile.openstreetmap.org" not in html, "offline maps must not fetch tiles"
        assert "L.control.scale()" in html
        assert ".fitBounds(" in html
        assert "jQuery v" not in html  # not needed: no folium popups


def test_online_maps_use_cdn_and_keep_the_data_basemap(network, tmp_path: Path):
    from corridors.maps import build_maps

    build_maps(network, tmp_path, offline=False)
    html = (tmp_path / "atlas.html").read_text(encoding="utf-8")
    assert re.search(r'<script src="https://[^"]+leaflet[^"]*\.js"', html)
    assert "tile.openstreetmap.org" in html
    assert "corridors-basemap" in html and "Tumen River" in html


def test_rebuild_is_byte_identical(network, built: Path, tmp_path: Path):
    from corridors.maps import build_maps

    build_maps(network, tmp_path, offline=True)
    for name in ("atlas.html", "shipments.html"):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_atlas_layers_styles_and_popups(network, built: Path):
    from corridors.maps.atlas_map import layer_names
    from corridors.network.listing import corridor_lengths_km

    assert layer_names(network) == [
        "Rail \u2013 operating",
        "Rail \u2013 proposed",
        "Sea \u2013 pilot",
        "Power \u2013 proposed",
        "Places",
    ]
    html = (built / "atlas.html").read_text(encoding="utf-8")
    data = page_data(html)
    ids = [c[0] for c in data["corridors"]]
    assert ids == list(network.atlas.corridors)  # each corridor once, in atlas order
    assert [p[0] for p in data["places"]] == list(network.atlas.places)  # each place once
    # one style per layer: no record carries a style; the layers carry their status's style
    assert "dashArray" not in json.dumps(data)
    styles = {
        (spec["mode"], spec["status"]): spec["style"]
        for spec in map(json.loads, re.findall(r"\}\)\((\{.*?\})\);\n", html))
        if "status" in spec
    }
    operating, proposed = styles["rail", "operating"], styles["rail", "proposed"]
    assert operating["dashArray"] is None and proposed["dashArray"]
    assert proposed["color"] != operating["color"]  # lighter
    k = ids.index("khasan_rajin")
    rows = dict(map(tuple, corridor_popup_rows(data, k)))
    length = corridor_lengths_km(network)["khasan_rajin"]
    assert rows["Length (computed)"] == f"{length:,.1f} km"
    assert rows["Length (published)"].startswith("54.0 km")
    assert rows["Status"] == "operating (2015)"
    assert rows["Gauge"] == "1520 / 1435 mm"


def test_popup_tables_say_what_the_popups_say(network, built: Path):
    """Each corridor's popup written from the page's tables (codes for the rows the page writes
    itself) is, row for row, the popup corridors.maps.features makes; links by number."""
    import datetime

    from corridors.atlas.timeline import state_on
    from corridors.maps.features import corridor_popup
    from corridors.network.listing import corridor_lengths_km

    data = page_data((built / "atlas.html").read_text(encoding="utf-8"))
    lengths = corridor_lengths_km(network)
    today = datetime.date.today()
    atlas = network.atlas
    for k, corridor in enumerate(atlas.corridors.values()):
        state = state_on(corridor, today)
        popup = corridor_popup(atlas, corridor, lengths.get(corridor.id, 0.0), state)
        rows = [list(r) for r in popup["rows"]]
        programmes = [p.name for p in atlas.programmes.values() if corridor.id in p.members]
        if programmes:
            rows.append(["Programme", ", ".join(programmes)])
        assert corridor_popup_rows(data, k) == rows, corridor.id
        links = [data["sources"][n] for n in (data["corridors"][k] + [0] * 11)[7] or []]
        assert links == [list(x) for x in popup["links"]]


def test_coordinates_rounded_and_simplified_invisibly():
    from corridors.geo.geodesy import distance_m
    from corridors.maps.features import clean_line

    # a wiggly line: 200 points with 5 m sideways noise, plus one real 2 km bend
    line = [(130.0 + i * 0.001, 42.0 + (0.00005 if i % 2 else 0.0)) for i in range(200)]
    line[100] = (line[100][0], 42.02)
    cleaned = clean_line(line)
    assert len(cleaned) < 20
    assert cleaned[0] == [130.0, 42.0] and cleaned[-1] == [130.199, 42.00005]  # ends kept
    assert [130.1, 42.02] in cleaned  # the real bend survives
    for x, y in cleaned:
        assert round(x, 5) == x and round(y, 5) == y
    # every original point stays within 50 m of the simplified line's vertices' segments
    from shapely import LineString, Point

    simple = LineString(cleaned)
    for x, y in line:
        nearest = simple.interpolate(simple.project(Point(x, y)))
        assert distance_m((x, y), (nearest.x, nearest.y)) < 50


def test_safe_url_accepts_only_http_links():
    from corridors.maps.features import safe_url

    assert safe_url(GOOD_URL) == GOOD_URL
    for bad in (
        BAD_URL,
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//evil.org/x",
        "http://",
        "https://a b.org",
        "vbscript:x",
        None,
        "",
    ):
        assert safe_url(bad) is None, bad


def test_hostile_strings_never_reach_the_page_as_markup(tmp_path: Path):
    from corridors.maps import build_maps
    from corridors.network.load import load_network

    network = load_network(write_hostile_atlas(tmp_path / "atlas"), use_cache=False)
    build_maps(network, tmp_path / "maps", offline=True)
    for name in ("atlas.html", "shipments.html"):
        html = (tmp_path / "maps" / name).read_text(encoding="utf-8")
        assert "<img src=x" not in html and "<svg onload" not in html
        assert "<a href=javascript" not in html
        map_script = html.split("</body>", 1)[1]
        assert map_script.lower().count("</script") == 1, "data closed a <script> block"
        if name == "shipments.html":
            feats = [f for c in _data_json(html) for f in c["features"]]
            popups = [f["properties"].get("popup", {}) for f in feats]
            links = [link for p in popups for link in p.get("links", [])]
        else:
            links = page_data(html)["sources"]
        assert {url for _, url in links if url != GOOD_URL} == {None}, links
    data = page_data((tmp_path / "maps" / "atlas.html").read_text(encoding="utf-8"))
    assert HOSTILE in {c[1] for c in data["corridors"]}  # intact, as data
    assert HOSTILE_PLACE in {p[1] for p in data["places"]}


def test_shipment_legs_follow_the_graph(network):
    from corridors.maps.shipments_map import destination_totals, route_legs, timeline
    from corridors.routing.route import route

    paths, warnings = route_legs(network)
    assert warnings == []
    assert [(p.leg.mode, p.shipment.id) for p in paths] == [
        ("rail", "pilot"),
        ("sea", "pilot"),
        ("rail", "spring-2015"),
        ("sea", "spring-2015"),
    ]
    sea = route(network, "rajin_port", "pohang", modes=["sea"], include_proposed=True)
    assert paths[1].coords == sea.legs[0].coords
    assert paths[1].distance_km == pytest.approx(sea.distance_km)
    assert destination_totals(network.atlas) == [("Pohang", 140500.0, 2)]
    dates = timeline(paths)
    assert dates[0] == "2014-11-01" and dates[-1] == "2015-05-31"
    assert dates == sorted(set(dates))


def test_unroutable_leg_is_drawn_straight_with_a_warning(tmp_path: Path):
    from corridors.maps.shipments_map import route_legs
    from corridors.network.load import load_network

    root = write_maps_atlas(tmp_path / "atlas")
    doc = json.loads((root / "shipments.json").read_text())
    doc["shipments"][0]["legs"][0]["to"] = "chongjin"  # sea port with no sea lane
    doc["shipments"][0]["legs"][0]["mode"] = "sea"
    (root / "shipments.json").write_text(json.dumps(doc))
    paths, warnings = route_legs(load_network(root, use_cache=False))
    assert len(warnings) == 1 and "khasan -> chongjin" in warnings[0]
    assert paths[0].distance_km is None and len(paths[0].coords) == 2


def test_line_width_grows_with_tonnes():
    from corridors.maps.shipments_map import leg_weight

    widths = [leg_weight(t, 100_000) for t in (0, 1_000, 25_000, 100_000)]
    assert widths == sorted(widths) and widths[0] == 2.0 and widths[-1] == 12.0
    assert math.isclose(widths[2], 7.0)


def test_cli_build_and_route_map(tmp_path: Path, monkeypatch):
    from corridors.cli.app import app

    atlas = write_maps_atlas(tmp_path / "atlas")
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    done = runner.invoke(app, ["build", "--out", str(tmp_path / "out"), "--atlas", str(atlas)])
    assert done.exit_code == 0, done.output
    assert "wrote" in done.output and "\u2501" not in done.output  # no bar when not a tty
    assert (tmp_path / "out" / "atlas.html").is_file()
    quiet = runner.invoke(app, ["build", "--out", str(tmp_path / "q"), "-q", "--atlas", str(atlas)])
    assert quiet.exit_code == 0 and quiet.output == ""
    assert (tmp_path / "q" / "shipments.html").read_bytes() == (
        tmp_path / "out" / "shipments.html"
    ).read_bytes()

    route_file = tmp_path / "route.html"
    args = ["route", "Khasan", "Pohang", "--include-proposed", "--map", str(route_file)]
    done = runner.invoke(app, [*args, "--offline", "--atlas", str(atlas)])
    assert done.exit_code == 0, done.output
    html = route_file.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html)
    assert "Khasan \\u2192 Pohang" in html or "Khasan \u2192 Pohang" in html

    bad = runner.invoke(app, ["build", "--atlas", str(tmp_path / "missing")])
    assert bad.exit_code == 2 and "does not exist" in bad.output
