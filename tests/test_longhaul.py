"""The Kuzbass long haul in the atlas (issue 12 item 3).

The South Siberian line and the Trans-Siberian are atlas corridors drawn at their published
lengths; the shipped scenario starts at Novokuznetsk and shares their route as its long haul;
the maps open on the Korean region and show the long haul in the scenario map.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import folium
import pytest
from cli_runner import corridors_cli

from corridors.check import LENGTH_TOLERANCE, SCHEMATIC_MIN_SHARE
from corridors.geo.geodesy import line_length_m
from corridors.maps.atlas_map import atlas_map
from corridors.maps.first_view import FOCUS, inside
from corridors.maps.scenario_map import LONG_HAUL_LAYER, scenario_map
from corridors.network.load import load_network
from corridors.paths import bundled_atlas_dir
from corridors.routing.cost_params import resolve_params
from corridors.routing.route import route
from corridors.routing.scenario import compare, load_scenario, scenario_long_haul

SHIPPED = bundled_atlas_dir() / "scenarios" / "kuzbass-korea.toml"

# Published figures, not the atlas's lines: Novokuznetsk - Taishet 1,034 km (Wikipedia,
# Abakan-Taishet Railway: source wiki-abakan-taishet); Trans-Siberian km posts from Moscow on
# the kolejtranssyberyjska.pl timetable (wiki-transsib-km): Taishet 4483, Khabarovsk 8493,
# Ussuriysk 9147.
NOVOKUZNETSK_TAISHET_KM = 1034.0
TAISHET, KHABAROVSK, USSURIYSK = 4483.0, 8493.0, 9147.0
PUBLISHED = {
    "south_siberian_novokuznetsk_taishet": NOVOKUZNETSK_TAISHET_KM,
    "transsib_taishet_khabarovsk": KHABAROVSK - TAISHET,
    "transsib_khabarovsk_ussuriysk": USSURIYSK - KHABAROVSK,
}
TRUNK_KM = NOVOKUZNETSK_TAISHET_KM + USSURIYSK - TAISHET  # 5,698 km
# Ussuriysk - Baranovsky 22 km, Baranovsky - Khasan 238 km (ru.wikipedia Khasan station),
# Khasan - Rajin 54 km (Railway Gazette 2013): the atlas's published lengths beyond the trunk.
USSURIYSK_RAJIN_KM = 22.0 + 238.0 + 54.0


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def network():  # noqa: ANN201
    return load_network(quiet=True)


def _within(computed: float, published: float) -> bool:
    return abs(computed - published) <= LENGTH_TOLERANCE * published


def test_long_haul_corridors_are_schematic_and_routed_at_their_published_lengths(
    network,  # noqa: ANN001
) -> None:
    """The lines join cited stations with straight chords (shorter than the track); the route
    graph carries each at its published length, and nothing else is scaled."""
    corridors = network.atlas.corridors
    per_corridor = network.index.corridor_lengths_km()
    for cid, published in PUBLISHED.items():
        corridor = corridors[cid]
        assert corridor.reported_length_km == published, cid
        assert corridor.attributes.get("schematic") is True, cid
        drawn = line_length_m(corridor.coords) / 1000.0
        assert SCHEMATIC_MIN_SHARE * published <= drawn < published, (cid, drawn)
        assert per_corridor[cid] == pytest.approx(published, rel=1e-9), cid
    drawn_rail = corridors["khasan_rajin"]
    assert per_corridor["khasan_rajin"] == pytest.approx(
        line_length_m(drawn_rail.coords) / 1000.0, rel=1e-9
    )
    ends = [(corridors[c].start, corridors[c].end) for c in PUBLISHED]
    assert ends == [
        ("novokuznetsk", "taishet"),
        ("taishet", "khabarovsk"),
        ("khabarovsk", "ussuriysk"),
    ]


def test_long_haul_places_carry_sourced_russian_names(network) -> None:  # noqa: ANN001
    places = network.atlas.places
    for pid in ("novokuznetsk", "abakan", "taishet", "irkutsk", "chita", "khabarovsk"):
        ru = places[pid].native("ru")
        assert ru is not None, pid
        assert any("\u0400" <= ch <= "\u04ff" for ch in ru.name), pid
        assert ru.sources and all(s in network.atlas.sources for s in ru.sources), pid


def test_route_novokuznetsk_pohang_via_rajin(network) -> None:  # noqa: ANN001
    """Novokuznetsk -> Rajin by rail, then Rajin -> Pohang by sea: the rail km are the
    published trunk and the published Ussuriysk - Rajin lines, within the check's tolerance."""
    rail = route(network, "Novokuznetsk", "Rajin port", modes=("rail",))
    assert rail.legs[0].start == "novokuznetsk" and rail.legs[-1].end == "rajin_port"
    assert {leg.mode for leg in rail.legs} == {"rail"}
    trunk = []
    for leg in rail.legs:
        trunk.append(leg)
        if leg.end == "ussuriysk":
            break
    trunk_km = sum(leg.distance_km for leg in trunk)
    assert trunk[-1].end == "ussuriysk" and _within(trunk_km, TRUNK_KM), trunk_km
    assert _within(rail.distance_km, TRUNK_KM + USSURIYSK_RAJIN_KM), rail.distance_km
    sea = route(network, "Rajin port", "Pohang", modes=("sea",))
    assert sea.legs[-1].end == "pohang" and sea.distance_km > 0


def test_scenario_long_haul_is_the_atlas_route(network) -> None:  # noqa: ANN001
    params = resolve_params(source_ids=network.atlas.sources)
    scenario = load_scenario(SHIPPED, network, params)
    assert scenario.origin.place == "novokuznetsk" and scenario.origin.km is None
    haul = scenario_long_haul(network, scenario, params)
    assert [s.corridor for s in haul.stretches] == list(PUBLISHED)
    assert haul.distance_km == pytest.approx(TRUNK_KM, rel=1e-9)
    for outcome in compare(network, scenario, params):
        legs = outcome.costed.items
        first = [i for i in legs if i.kind in ("rail", "sea")][:3]
        assert [i.corridor for i in first] == list(PUBLISHED), outcome.alternative
    rajin = next(
        o
        for o in compare(network, scenario, params)
        if (o.alternative, o.destination) == ("Rajin", "pohang")
    )
    rail_km = sum(i.km for i in rajin.costed.items if i.kind == "rail")
    assert _within(rail_km, TRUNK_KM + USSURIYSK_RAJIN_KM), rail_km


def test_scenario_vostochny_routes_over_the_nakhodka_line() -> None:
    done = corridors_cli("compare", str(SHIPPED), "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    vostochny = next(r for r in rows if r["alternative"] == "Vostochny")
    corridors = [leg.get("corridor") for leg in vostochny["legs"] if leg["kind"] == "rail"]
    assert "nakhodka_line_artyom_vostochny" in corridors
    assert not any(str(c).startswith("link ") for c in corridors)


def test_first_format_scenario_still_read(tmp_path: Path) -> None:
    """An origin off the atlas with the long haul's published km (the first format)."""
    text = SHIPPED.read_text()
    old = text[text.index("[origin]") : text.index("[[alternatives]]")]
    legacy = (
        '[origin]\nname = "Mezhdurechensk mine"\ncountry = "RUS"\njoins = "Ussuriysk"\n'
        'mode = "rail"\nkm = 5600\nsource = "wiki-abakan-taishet"\n\n'
    )
    path = tmp_path / "legacy.toml"
    path.write_text(text.replace(old, legacy))
    done = corridors_cli("compare", str(path), "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["long_haul"]["distance_km"] == 5600 and "corridors" not in doc["long_haul"]
    assert all(r["legs"][0]["corridor"] == "long haul" for r in doc["rows"])
    broken = tmp_path / "broken.toml"
    broken.write_text(text.replace(old, legacy.replace('source = "wiki-abakan-taishet"\n', "")))
    bad = corridors_cli("compare", str(broken))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "origin: field 'source' is missing" in bad.stderr


@pytest.mark.parametrize(
    ("origin", "words"),
    [
        ('place = "Atlantis"\njoins = "Ussuriysk"', "origin.place: unknown place"),
        ('joins = "Ussuriysk"', "origin: field 'place' is missing"),
        ('place = "Novokuznetsk"', "origin: field 'joins' is missing"),
        ('place = "Novokuznetsk"\njoins = "Ussuriysk"\nkm = 5698', "'km' is for an origin"),
    ],
)
def test_bad_origin_one_line_exit_2_subprocess(tmp_path: Path, origin: str, words: str) -> None:
    text = SHIPPED.read_text()
    old = text[text.index("[origin]") : text.index("[[alternatives]]")]
    path = tmp_path / "bad.toml"
    path.write_text(text.replace(old, f"[origin]\n{origin}\n\n"))
    done = subprocess.run(
        [sys.executable, "-m", "corridors.cli", "compare", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2, done.stdout
    assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_check_reaches_the_amur_above_50n() -> None:
    """The basemap's `wide` border lines reach the Amur where the Trans-Siberian runs 50-100 km
    north of it (Magdagachi, 53.45N), so `check` tests that stretch; the coarse box's lines
    alone stop at 50N, hundreds of km away."""
    from corridors.geo.borders import distance_to_border_m, load_basemap

    magdagachi = (125.81667, 53.45)
    assert 20_000 < distance_to_border_m(magdagachi) < 120_000
    regional = [
        f
        for f in load_basemap()["features"]
        if f["properties"]["kind"] == "border" and "level" not in f["properties"]
    ]
    assert len(regional) == 1
    lats = [lat for line in regional[0]["geometry"]["coordinates"] for _, lat in line]
    assert max(lats) <= 50.0


def _fit(m: folium.Map) -> list[list[float]]:
    fits = [c for c in m._children.values() if isinstance(c, folium.map.FitBounds)]
    assert len(fits) == 1
    return fits[0].bounds


def test_atlas_map_opens_on_the_korean_region(network) -> None:  # noqa: ANN001
    outside = [c for c in network.atlas.corridors.values() if not inside(c.coords)]
    assert {"south_siberian_novokuznetsk_taishet", "transsib_taishet_khabarovsk"} <= {
        c.id for c in outside
    }
    (south, west), (north, east) = _fit(atlas_map(network, offline=True))
    lon_min, lat_min, lon_max, lat_max = FOCUS
    assert lon_min <= west < east <= lon_max and lat_min <= south < north <= lat_max


def test_scenario_map_draws_the_long_haul_from_the_origin(network) -> None:  # noqa: ANN001
    params = resolve_params(source_ids=network.atlas.sources)
    scenario = load_scenario(SHIPPED, network, params)
    m = scenario_map(network, scenario, params, compare(network, scenario, params))
    (_, west), _ = _fit(m)
    assert west <= network.atlas.places["novokuznetsk"].lon + 0.01
    html = m.get_root().render()
    assert LONG_HAUL_LAYER in html and "Novokuznetsk" in html


def test_a_schematic_popup_says_what_the_line_is(network) -> None:  # noqa: ANN001
    """The popup gives the routed (published) length and says the line is schematic, with the
    drawn length, instead of calling the published figure 'computed'."""
    from corridors.maps.features import corridor_popup

    corridor = network.atlas.corridors["transsib_taishet_khabarovsk"]
    routed = network.index.corridor_lengths_km()[corridor.id]
    rows = dict(map(tuple, corridor_popup(network.atlas, corridor, routed)["rows"]))
    assert rows["Length (routed)"].startswith("4,010")
    drawn = line_length_m(corridor.coords) / 1000.0
    assert rows["Line"].startswith("schematic") and f"{drawn:,.0f}" in rows["Line"]
    assert "Length (computed)" not in rows and "Schematic" not in rows
    plain = network.atlas.corridors["khasan_rajin"]
    rows = dict(map(tuple, corridor_popup(network.atlas, plain, 54.2)["rows"]))
    assert "Length (computed)" in rows and "Line" not in rows
