"""Russian and South Korean rail, and the energy lines, against the published record.

Distances are ROUTE distances over the shipped atlas (what `corridors route` answers), checked
against published km posts and line lengths (source ids refer to geo/sources.json):

- Baranovsky - Khasan 238 km (`ruwiki-khasan-station`);
- Vladivostok - Baranovsky 89 km (`ruwiki-baranovsky-station`: Baranovsky km 9200, 89 km to
  Vladivostok), so Khasan -> Vladivostok is 238 + 89 = 327 km;
- Ussuriysk - Baranovsky: 22 km (Khasan - Ussuriysk 260 km minus 238 km) or 25 km (km posts
  9200 - 9175); both are differences of published figures, hence the wider tolerance;
- Gyeongbu line Seoul - Busan 441.7 km (`wiki-gyeongbu-line`), Seoul - Daejeon 166.3 km (derived
  from the Daejeon yard km post, `jawiki-daejeon-yard`);
- Samcheok line Donghae - Samcheok 12.9 km (`wiki-samcheok-line`);
- Donghae line Busanjin - Taehwagang (Ulsan) 68.4 km (`wiki-donghae-line` km posts).

The gas pipeline follows the 2011 proposal (`hani-2011-gas-route`): it enters the ROK at
Goseong/Jejin and stays there; the demarcation line is the one shipped in the basemap.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import LineString, MultiLineString, Point, shape

from corridors.network.load import load_network
from corridors.routing.route import route

REPO = Path(__file__).resolve().parents[1]
TOLERANCE = 0.05


@pytest.fixture(scope="module")
def network():
    return load_network(REPO / "geo", use_cache=False)


@pytest.fixture(scope="module")
def places() -> dict[str, dict]:
    doc = json.loads((REPO / "geo" / "places.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["id"]: f for f in doc["features"]}


def within(computed: float, published: float, tolerance: float = TOLERANCE) -> bool:
    return abs(computed - published) <= tolerance * published


@pytest.mark.parametrize(
    ("origin", "destination", "published_km", "tolerance"),
    [
        ("baranovsky", "khasan", 238.0, TOLERANCE),
        ("vladivostok", "baranovsky", 89.0, TOLERANCE),
        ("khasan", "vladivostok", 238.0 + 89.0, TOLERANCE),
        ("ussuriysk", "baranovsky", 22.0, TOLERANCE),
        ("ussuriysk", "baranovsky", 25.0, 0.15),
        ("seoul", "busan_station", 441.7, TOLERANCE),
        # Daejeon: km 166.3 = Daejeon yard km 161.6 + 4.7 km (`jawiki-daejeon-yard`, derived)
        ("seoul", "daejeon", 166.3, TOLERANCE),
        ("donghae", "samcheok", 12.9, TOLERANCE),
        ("busanjin", "ulsan", 68.4, TOLERANCE),  # Donghae line km post of Taehwagang (Ulsan)
    ],
)
def test_rail_route_matches_published_length(
    network, origin: str, destination: str, published_km: float, tolerance: float
) -> None:
    result = route(network, origin, destination, modes=["rail"])
    assert all(leg.mode == "rail" for leg in result.legs)
    assert within(result.distance_km, published_km, tolerance), (
        f"{origin} -> {destination}: {result.distance_km:.1f} km by rail, "
        f"published {published_km} km (±{tolerance:.0%})"
    )


def test_vladivostok_has_a_rail_link_to_ussuriysk_along_the_trans_siberian(network) -> None:
    result = route(network, "vladivostok", "ussuriysk", modes=["rail"])
    assert set(result.edge_corridors) == {
        "transsib_vladivostok_baranovsky",
        "ussuriysk_baranovsky",
    }


def test_seoul_to_busan_by_rail_never_enters_the_dprk(network, places) -> None:
    for destination in ("busan_station", "busan"):
        result = route(network, "seoul", destination, modes=["rail"], include_proposed=True)
        stops = {leg.start for leg in result.legs} | {leg.end for leg in result.legs}
        countries = {places[stop]["properties"]["country"] for stop in stops}
        assert countries == {"KOR"}, (destination, sorted(stops))
        assert "gyeongbu_seoul_busan" in result.edge_corridors


def demarcation_line() -> MultiLineString:
    """The DPRK-ROK demarcation line: the shipped border segments across the peninsula."""
    doc = json.loads(
        (REPO / "src" / "corridors" / "data" / "basemap.geojson").read_text(encoding="utf-8")
    )
    (border,) = [
        f
        for f in doc["features"]
        if f["properties"]["kind"] == "border" and "level" not in f["properties"]
    ]  # the region's border lines (the `wide` ones lie outside it)
    parts = [
        line
        for line in shape(border["geometry"]).geoms
        if all(126.0 <= lon <= 129.0 and 37.5 <= lat <= 38.8 for lon, lat in line.coords)
    ]
    assert parts, "no demarcation line in the basemap"
    return MultiLineString(parts)


def corridor(corridor_id: str) -> dict:
    for path in (REPO / "geo" / "corridors").glob("*.geojson"):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            if feature["properties"]["id"] == corridor_id:
                return feature
    raise AssertionError(f"no corridor {corridor_id}")


def test_gas_pipeline_crosses_the_demarcation_line_once_at_goseong_and_ends_in_the_rok(
    places,
) -> None:
    pipeline = corridor("trans_korean_gas_pipeline")
    line = LineString(pipeline["geometry"]["coordinates"])
    crossings = line.intersection(demarcation_line())
    points = list(getattr(crossings, "geoms", [crossings]))
    assert len(points) == 1, [p.wkt for p in points]
    # The 2011 proposal enters the ROK at Goseong / Jejin (the east coast), not further west.
    jejin = Point(places["jejin"]["geometry"]["coordinates"])
    assert points[0].distance(jejin) < 0.1  # degrees: a few km
    props = pipeline["properties"]
    assert places[props["to"]]["properties"]["country"] == "KOR"
    assert props["to"] in {"pyeongtaek_lng", "incheon_lng"}
    # After Jejin, every stop of the line is in the ROK.
    after = props["via"][props["via"].index("jejin") + 1 :] + [props["to"]]
    assert {places[p]["properties"]["country"] for p in after} == {"KOR"}


def test_gas_pipeline_south_of_the_demarcation_line_stays_south(places) -> None:
    """Nothing after the crossing lies north of the line (the old drawing re-entered the DPRK)."""
    pipeline = corridor("trans_korean_gas_pipeline")
    coords = pipeline["geometry"]["coordinates"]
    jejin = places["jejin"]["geometry"]["coordinates"]
    start = max(i for i, c in enumerate(coords) if c == jejin)
    mdl = demarcation_line()
    south = LineString(coords[start:])
    assert not south.intersects(mdl)
    # and each vertex is south of the line at its longitude (or east of where the line ends)
    for lon, lat in coords[start:]:
        meridian = LineString([(lon, 30.0), (lon, 45.0)])
        hit = meridian.intersection(mdl)
        if not hit.is_empty:
            assert lat < max(p.y for p in getattr(hit, "geoms", [hit])), (lon, lat)


@pytest.mark.parametrize(
    ("corridor_id", "expected"),
    [("power_khasan_rason", 0), ("energy_bridge_russia_korea", 1)],
)
def test_power_lines_cross_the_demarcation_line_only_as_proposed(
    corridor_id: str, expected: int
) -> None:
    line = LineString(corridor(corridor_id)["geometry"]["coordinates"])
    crossings = line.intersection(demarcation_line())
    count = 0 if crossings.is_empty else len(getattr(crossings, "geoms", [crossings]))
    assert count == expected
