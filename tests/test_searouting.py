"""Regional sea router, on the real 30 arc-second GLOBE land mask (no stubs).

Coordinates are (lon, lat). Berths are approximate (the curated ones are in geo/places.geojson,
tested below when that file is present). Published distances come from
research/sea-distances.json (source ``nga-pub151``: NGA Pub. 151, Distances Between Ports).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from corridors.geo.geodesy import distance_m, line_length_m
from corridors.geo.landmask import region_mask
from corridors.geo.searouting import REGION, SeaRoutingError, land_crossings, route_sea

ROOT = Path(__file__).resolve().parent.parent
PLACES = ROOT / "geo" / "places.geojson"

RAJIN = (130.300, 42.245)
VOSTOCHNY = (133.080, 42.745)
VLADIVOSTOK = (131.890, 43.105)
POHANG = (129.395, 36.010)
GWANGYANG = (127.730, 34.915)
BORYEONG = (126.490, 36.405)
DANGJIN = (126.630, 37.050)
BUSAN = (129.045, 35.100)
PYONGYANG = (125.75, 39.03)

EAST = {"pohang": POHANG, "busan": BUSAN, "gwangyang": GWANGYANG}
WEST = {"dangjin": DANGJIN, "boryeong": BORYEONG}
ORIGINS = {"rajin": RAJIN, "vostochny": VOSTOCHNY}
PAIRS = [(o, d) for o in ORIGINS for d in [*EAST, *WEST]]


def _coord(name: str) -> tuple[float, float]:
    return {**ORIGINS, **EAST, **WEST}[name]


@pytest.fixture(scope="module")
def routes() -> dict[tuple[str, str], list[tuple[float, float]]]:
    return {(o, d): route_sea(_coord(o), _coord(d)) for o, d in PAIRS}


@pytest.mark.parametrize(("origin", "dest"), PAIRS)
def test_lane_stays_at_sea_and_ends_exactly(routes, origin: str, dest: str) -> None:
    line = routes[(origin, dest)]
    assert line[0] == _coord(origin) and line[-1] == _coord(dest)
    assert land_crossings(line) == []
    # Finer sampling than the router's own 200 m finds nothing either.
    assert land_crossings(line, step_m=60) == []
    assert 3 <= len(line) <= 60


@pytest.mark.parametrize(("origin", "dest"), PAIRS)
def test_lane_length_is_sane(routes, origin: str, dest: str) -> None:
    line = routes[(origin, dest)]
    length = line_length_m(line)
    straight = distance_m(_coord(origin), _coord(dest))
    assert length >= straight
    if dest in EAST:
        assert length < 1.6 * straight
    else:
        # The straight line crosses the peninsula; the lane must round it: compare with the
        # line via off-Ulsan and off the south-west corner (both waypoints at sea).
        around = line_length_m([_coord(origin), (129.6, 35.3), (126.0, 34.2), _coord(dest)])
        assert 0.9 * around < length < 1.1 * around
        assert min(lat for _, lat in line) < 34.7
        assert min(lon for lon, _ in line) < 126.3


def test_rajin_lengths_match_expectations(routes) -> None:
    assert 680 <= line_length_m(routes[("rajin", "pohang")]) / 1000 <= 780
    assert 800 <= line_length_m(routes[("rajin", "busan")]) / 1000 <= 850


def _published(from_id: str, to_id: str) -> float:
    data = json.loads((ROOT / "research" / "sea-distances.json").read_text(encoding="utf-8"))
    for pair in data["pairs"]:
        if (pair["from"], pair["to"]) == (from_id, to_id):
            return float(pair["nm"])
    raise LookupError(f"{from_id}-{to_id} not in research/sea-distances.json")


@pytest.mark.skipif(
    not (ROOT / "research" / "sea-distances.json").is_file(), reason="no published distances"
)
def test_vladivostok_busan_close_to_pub151() -> None:
    # Pub. 151 gives 514 nm between its Vladivostok position (43°06'30"N, 131°53'E) and Busan;
    # its tracks keep sea room, so the taut lane may be a few per cent shorter, never longer.
    published_nm = _published("vladivostok", "busan")
    line = route_sea((131.0 + 53 / 60, 43.0 + 6.5 / 60), BUSAN)
    ratio = line_length_m(line) / 1852 / published_nm
    assert 0.94 <= ratio <= 1.01


def test_open_water_endpoints_and_exact_ends() -> None:
    start, end = (130.5, 40.0), (131.5, 37.0)  # both in the open East Sea
    line = route_sea(start, end)
    assert line == [start, end]
    assert land_crossings(line, skip_ends_m=0) == []


def test_random_sea_points_stay_at_sea() -> None:
    mask = region_mask(REGION)
    rng = np.random.default_rng(7)
    picked: list[tuple[float, float]] = []
    while len(picked) < 8:
        lon, lat = rng.uniform(119.0, 141.0), rng.uniform(31.0, 46.0)
        near = [(lon + dx, lat + dy) for dx in (-0.1, 0, 0.1) for dy in (-0.1, 0, 0.1)]
        if all(mask.is_water(x, y) for x, y in near):
            picked.append((float(lon), float(lat)))
    for a, b in zip(picked[::2], picked[1::2], strict=True):
        line = route_sea(a, b)
        assert line[0] == a and line[-1] == b
        assert land_crossings(line, skip_ends_m=0) == []


def test_out_of_region_point_is_refused() -> None:
    with pytest.raises(SeaRoutingError, match="outside the sea-routing region") as err:
        route_sea((150.0, 40.0), BUSAN)
    assert "\n" not in str(err.value)
    assert isinstance(err.value, ValueError)


def test_swapped_coordinates_get_a_hint() -> None:
    with pytest.raises(SeaRoutingError, match=r"pass \(lon, lat\)"):
        route_sea((RAJIN[1], RAJIN[0]), BUSAN)


def test_inland_point_is_refused() -> None:
    with pytest.raises(SeaRoutingError, match="no sea water within") as err:
        route_sea(PYONGYANG, BUSAN)
    message = str(err.value)
    assert "harbour_radius_m" in message and "\n" not in message
    distance_km = float(message.split("nearest water is ")[1].split(" km")[0])
    assert 20 < distance_km < 60


def test_bad_resolution_is_refused() -> None:
    with pytest.raises(SeaRoutingError, match="multiple of 1/120"):
        route_sea(RAJIN, BUSAN, resolution_deg=0.04)


def test_coarser_grid_still_stays_at_sea() -> None:
    line = route_sea(RAJIN, GWANGYANG, resolution_deg=1 / 20)
    assert land_crossings(line) == []


def test_straight_line_across_korea_is_detected() -> None:
    crossings = land_crossings([POHANG, BORYEONG])
    assert crossings, "the straight Pohang-Boryeong line crosses the peninsula"
    longest = max(c.length_m for c in crossings)
    assert longest > 150_000
    assert all(126.4 < c.lon < 129.5 and 35.9 < c.lat < 36.5 for c in crossings)


def test_harbour_ends_are_skipped_but_not_the_rest(routes) -> None:
    line = routes[("rajin", "pohang")]
    assert land_crossings(line) == []
    hits = land_crossings(line, skip_ends_m=0)  # both berths sit on land-classified cells
    assert hits and hits[0].start_m == 0.0
    assert hits[-1].end_m == pytest.approx(line_length_m(line), abs=1.0)
    assert all(h.start_m < 3000 or h.end_m > line_length_m(line) - 3000 for h in hits)


def test_landmask_agrees_with_global_land_mask() -> None:
    from global_land_mask import globe

    mask = region_mask(REGION)
    rng = np.random.default_rng(0)
    lon = rng.uniform(REGION[0], REGION[2], 100_000)
    lat = rng.uniform(REGION[1], REGION[3], 100_000)
    assert np.array_equal(mask.is_water(lon, lat), globe.is_ocean(lat, lon))


def test_is_water_outside_the_region_agrees_with_global_land_mask() -> None:
    """Points of the long haul's box come from the second cached slice, points beyond it from
    ``globe`` itself: every one classified as ``globe`` classifies it."""
    from global_land_mask import globe

    from corridors.geo.landmask import WIDE, is_water

    rng = np.random.default_rng(1)
    lon = np.concatenate([rng.uniform(WIDE[0], WIDE[2], 50_000), rng.uniform(-180, 180, 2_000)])
    lat = np.concatenate([rng.uniform(WIDE[1], WIDE[3], 50_000), rng.uniform(-90, 90, 2_000)])
    assert np.array_equal(is_water(lon, lat), globe.is_ocean(lat, lon))


def _sea_ports() -> list[tuple[str, tuple[float, float]]]:
    if not PLACES.is_file():
        return []
    features = json.loads(PLACES.read_text(encoding="utf-8"))["features"]
    ports = []
    for feature in features:
        props = feature["properties"]
        if feature["geometry"]["type"] != "Point":  # an area (zone): no port
            continue
        lon, lat = feature["geometry"]["coordinates"][:2]
        inside = REGION[0] <= lon <= REGION[2] and REGION[1] <= lat <= REGION[3]
        if "sea" in (props.get("transfer") or []) and inside:
            ports.append((props["id"], (float(lon), float(lat))))
    return ports


ATLAS_PORTS = _sea_ports()
ATLAS_ORIGINS = {"rajin_port", "vostochny", "vladivostok"}
ATLAS_PAIRS = [
    (a, b)
    for a, pa in ATLAS_PORTS
    for b, pb in ATLAS_PORTS
    if a in ATLAS_ORIGINS and b not in ATLAS_ORIGINS and not math.isclose(pa[0], pb[0])
]


@pytest.mark.skipif(not ATLAS_PAIRS, reason="geo/places.geojson has no sea ports yet")
@pytest.mark.parametrize(("origin", "dest"), ATLAS_PAIRS)
def test_atlas_ports_are_joined_at_sea(origin: str, dest: str) -> None:
    ports = dict(ATLAS_PORTS)
    line = route_sea(ports[origin], ports[dest])
    assert line[0] == ports[origin] and line[-1] == ports[dest]
    assert land_crossings(line) == []
    assert line_length_m(line) >= distance_m(ports[origin], ports[dest])
