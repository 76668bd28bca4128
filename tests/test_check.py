"""``corridors check``: each defect of issue 10, re-introduced into a copy of the atlas, fails it.

The copies are the shipped atlas (geo/) or the small factory atlas (tests/atlas_factory.py);
nothing here hard-codes a coordinate or length of the shipped atlas: each defect is made from
what the copy holds (other work moves places and redraws lines).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from atlas_factory import read_json, write_json
from cli_runner import corridors_cli

from corridors.atlas.read import load_atlas
from corridors.check import CheckReport, check_atlas
from corridors.errors import AtlasError, UsageError
from corridors.geo.borders import border_crossings, distance_to_border_m, load_basemap
from corridors.geo.geodesy import line_length_m

REPO = Path(__file__).resolve().parents[1]


def problems(report: CheckReport) -> set[tuple[str, str]]:
    return {(f.subject, f.check) for f in report.problems}


def new_problems(report: CheckReport) -> list[str]:
    return [f"{f.subject} [{f.check}]: {f.message}" for f in report.problems]


def add_corridor(root: Path, feature: dict[str, Any]) -> None:
    path = root / "corridors" / f"{feature['properties']['mode']}.geojson"
    doc = read_json(path)
    doc["features"].append(feature)
    write_json(path, doc)


def line(cid: str, mode: str, coords: list[tuple[float, float]], start: str, end: str) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": [list(c) for c in coords]},
        "properties": {
            "id": cid,
            "name": cid,
            "mode": mode,
            "status": "proposed",
            "status_year": 2020,
            "from": start,
            "to": end,
            "via": [],
            "sources": ["curator-estimate"],
        },
    }


# --- the shipped atlas ------------------------------------------------------------------------


def test_shipped_atlas_has_no_problem_but_those_fixed_elsewhere(shipped_copy: Path) -> None:
    report = check_atlas(load_atlas(shipped_copy))
    assert new_problems(report) == []
    assert report.counts["corridors"] > 0 and report.counts["shipments"] > 0


# --- lengths ----------------------------------------------------------------------------------


def test_corridor_6_percent_off_fails_and_passes_at_7(shipped_copy: Path) -> None:
    atlas = load_atlas(shipped_copy)
    measured = next(
        c
        for c in atlas.corridors.values()
        if c.reported_length_km is not None and not c.attributes.get("schematic")
    )
    computed = line_length_m(measured.coords) / 1000.0
    path = Path(measured.file)
    doc = read_json(path)
    props = next(f["properties"] for f in doc["features"] if f["properties"]["id"] == measured.id)
    props["reported_length_km"] = round(computed / 1.06, 3)  # the line is 6 % too long
    write_json(path, doc)

    broken = load_atlas(shipped_copy)
    assert (measured.id, "length") in problems(check_atlas(broken))
    finding = next(f for f in check_atlas(broken).problems if f.subject == measured.id)
    assert "+6.0%" in finding.message and "more than 5 % apart" in finding.message
    assert (measured.id, "length") not in problems(check_atlas(broken, length_tolerance=0.07))


@pytest.mark.parametrize("value", [-0.01, 1.0, 7.0, float("nan"), float("inf")])
def test_length_tolerance_is_a_fraction_below_one(shipped_copy: Path, value: float) -> None:
    with pytest.raises(UsageError, match="`length_tolerance`"):
        check_atlas(load_atlas(shipped_copy), length_tolerance=value)


def _set_props(root: Path, cid: str, **changes: Any) -> None:
    for path in (root / "corridors").glob("*.geojson"):
        doc = read_json(path)
        for feature in doc["features"]:
            if feature["properties"]["id"] == cid:
                feature["properties"].update(changes)
                write_json(path, doc)
                return
    raise AssertionError(cid)


def test_a_schematic_line_is_held_to_a_share_of_its_published_length(shipped_copy: Path) -> None:
    """A schematic line may draw 55-105 % of its published length; a real line 95-105 %. The
    route graph carries the schematic one at its published length."""
    from corridors.check import SCHEMATIC_MIN_SHARE
    from corridors.network.index import build_index

    atlas = load_atlas(shipped_copy)
    corridor = atlas.corridors["khasan_rajin"]
    attributes = dict(corridor.attributes)
    drawn = line_length_m(corridor.coords) / 1000.0
    long = round(drawn / 0.7, 3)  # the line draws 70 % of it
    _set_props(shipped_copy, "khasan_rajin", reported_length_km=long)
    assert ("khasan_rajin", "length") in problems(check_atlas(load_atlas(shipped_copy)))
    _set_props(shipped_copy, "khasan_rajin", attributes={**attributes, "schematic": True})
    schematic = load_atlas(shipped_copy)
    assert ("khasan_rajin", "length") not in problems(check_atlas(schematic))
    lengths = build_index(atlas=schematic).corridor_lengths_km()
    assert lengths["khasan_rajin"] == pytest.approx(long, rel=1e-9)
    too_long = round(drawn / (SCHEMATIC_MIN_SHARE - 0.05), 3)  # a stretch missing
    _set_props(shipped_copy, "khasan_rajin", reported_length_km=too_long)
    finding = next(
        f for f in check_atlas(load_atlas(shipped_copy)).problems if f.subject == "khasan_rajin"
    )
    assert finding.check == "length" and "add the missing stops" in finding.message
    _set_props(shipped_copy, "khasan_rajin", reported_length_km=None, reported_length_source=None)
    finding = next(
        f for f in check_atlas(load_atlas(shipped_copy)).problems if f.subject == "khasan_rajin"
    )
    assert "without a published length" in finding.message


# --- sources --------------------------------------------------------------------------------


@pytest.mark.parametrize("copied", [("url",), ("title", "publisher")])
def test_a_source_entered_twice_fails(shipped_copy: Path, copied: tuple[str, ...]) -> None:
    path = shipped_copy / "sources.json"
    doc = read_json(path)
    original = next(s for s in doc["sources"] if s.get("url") and s.get("publisher"))
    twin = {"id": "twin-of-" + original["id"], "title": "Another title", "url": "https://x.org/"}
    twin.update({field: original[field] for field in copied})
    doc["sources"].append(twin)
    write_json(path, doc)
    report = check_atlas(load_atlas(shipped_copy))
    found = [f for f in report.problems if f.check == "sources"]
    assert [f.subject for f in found] == [twin["id"]]
    assert original["id"] in found[0].message and "merge_sources.py" in found[0].message


# --- borders ----------------------------------------------------------------------------------


def test_line_across_the_mdl_between_two_dprk_stops_fails(shipped_copy: Path) -> None:
    """Pyonggang to Kumgangsan (both DPRK, north of the MDL) by a line that dips into the ROK."""
    atlas = load_atlas(shipped_copy)
    a, b = atlas.places["pyonggang"], atlas.places["kumgangsan"]
    assert a.country == b.country == "PRK"
    south = ((a.lon + b.lon) / 2, min(a.lat, b.lat) - 0.6)  # ~60 km south: inside the ROK
    add_corridor(
        shipped_copy, line("test_dip_south", "rail", [a.coord, south, b.coord], a.id, b.id)
    )

    report = check_atlas(load_atlas(shipped_copy))
    found = [f for f in report.problems if f.subject == "test_dip_south"]
    assert [f.check for f in found] == ["border"]
    assert "crosses a border 2 time(s) between pyonggang (PRK) and kumgangsan (PRK)" in (
        found[0].message
    )
    assert found[0].data is not None and len(found[0].data["crossings"]) == 2
    assert new_problems(report) == [f"test_dip_south [border]: {found[0].message}"]


def test_pipeline_re_entering_the_dprk_between_two_rok_stops_fails(shipped_copy: Path) -> None:
    """The issue's pipeline defect: from Jejin west along 38.56 N to 127.98 E, then Seoul."""
    atlas = load_atlas(shipped_copy)
    jejin, seoul = atlas.places["jejin"], atlas.places["seoul"]
    assert jejin.country == seoul.country == "KOR"
    coords = [jejin.coord, (jejin.lon - 0.1, 38.56), (127.98, 38.56), seoul.coord]
    add_corridor(shipped_copy, line("test_pipeline_north", "pipeline", coords, "jejin", "seoul"))

    report = check_atlas(load_atlas(shipped_copy))
    found = next(f for f in report.problems if f.subject == "test_pipeline_north")
    assert found.check == "border" and "between jejin (KOR) and seoul (KOR)" in found.message
    assert found.data is not None
    kms = [c["km"] for c in found.data["crossings"]]
    assert len(kms) == 2 and 0 < kms[0] < kms[1] < line_length_m(coords) / 1000.0


def test_border_crossing_where_stops_change_country_passes(shipped_copy: Path) -> None:
    """A line from a ROK place to a DPRK place that crosses the MDL once is fine; the same
    line between two DPRK places is not."""
    atlas = load_atlas(shipped_copy)
    south, north = atlas.places["seoul"], atlas.places["pyonggang"]
    assert (south.country, north.country) == ("KOR", "PRK")
    coords = [south.coord, north.coord]
    assert len(border_crossings(coords)) == 1 and distance_to_border_m(south.coord) > 10_000
    add_corridor(shipped_copy, line("test_once", "power", coords, south.id, north.id))
    report = check_atlas(load_atlas(shipped_copy))
    assert ("test_once", "border") not in problems(report)


def add_place(root: Path, pid: str, coord: tuple[float, float], country: str) -> None:
    path = root / "places.geojson"
    doc = read_json(path)
    doc["features"].append(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": list(coord)},
            "properties": {
                "id": pid,
                "name": pid,
                "aliases": [],
                "country": country,
                "kind": "junction",
                "sources": ["curator-estimate"],
            },
        }
    )
    write_json(path, doc)


def mdl_zigzag(depth_deg: float) -> list[tuple[float, float]]:
    """A line along the longest MDL part of the basemap, 0.01 deg (~1.1 km) north and south of
    its vertices by turns (so it crosses between each two), from and to points 0.05 deg north;
    the middle southern point ``depth_deg`` south instead."""
    parts = next(
        f["geometry"]["coordinates"]
        for f in load_basemap()["features"]
        if f["properties"]["kind"] == "border"
    )
    # The MDL: parts wholly between 37.5 and 38.7 N; the one with most vertices.
    mdl = max((p for p in parts if all(37.5 < y < 38.7 for _, y in p)), key=len)
    middle = len(mdl) // 2 if (len(mdl) // 2) % 2 else len(mdl) // 2 + 1
    coords = [(mdl[0][0], mdl[0][1] + 0.05)]
    for k, (x, y) in enumerate(mdl):
        offset = 0.01 if k % 2 == 0 else -(depth_deg if k == middle else 0.01)
        coords.append((x, y + offset))
    coords.append((mdl[-1][0], mdl[-1][1] + 0.05))
    return coords


@pytest.mark.parametrize(("depth", "flagged"), [(0.01, False), (0.1, True)])
def test_line_along_a_border_is_not_a_crossing_unless_it_goes_deep(
    shipped_copy: Path, depth: float, flagged: bool
) -> None:
    """Back and forth within the border data's margin is running along it (between two DPRK
    stops: fine); one excursion 11 km into the ROK is two crossings."""
    coords = mdl_zigzag(depth)
    assert len(border_crossings(coords)) >= 6
    add_place(shipped_copy, "test_west", coords[0], "PRK")
    add_place(shipped_copy, "test_east", coords[-1], "PRK")
    add_corridor(shipped_copy, line("test_along", "power", coords, "test_west", "test_east"))
    report = check_atlas(load_atlas(shipped_copy))
    found = [f for f in report.problems if f.subject == "test_along"]
    assert [f.check for f in found] == (["border"] if flagged else [])
    if flagged:
        assert "crosses a border 2 time(s) between test_west (PRK) and test_east (PRK)" in (
            found[0].message
        )


def test_sea_lanes_are_exempt_from_the_border_check(shipped_copy: Path) -> None:
    report = check_atlas(load_atlas(shipped_copy))
    sea = {c.id for c in load_atlas(shipped_copy).corridors.values() if c.mode == "sea"}
    assert sea and not any(f.subject in sea for f in report.findings if f.check == "border")


# --- shipments --------------------------------------------------------------------------------


def test_shipment_total_differing_from_its_legs_without_a_reason_fails(shipped_copy: Path) -> None:
    path = shipped_copy / "shipments.json"
    doc = read_json(path)
    first = doc["shipments"][0]
    first["tonnes"] += 3000
    write_json(path, doc)
    report = check_atlas(load_atlas(shipped_copy))
    found = next(f for f in report.problems if f.subject == first["id"])
    assert found.check == "tonnes" and "final legs deliver" in found.message


def test_reported_total_with_its_source_is_the_stated_reason(shipped_copy: Path) -> None:
    """A published total that differs from the legs passes in reported_tonnes, with a source;
    without the source the atlas is refused."""
    path = shipped_copy / "shipments.json"
    doc = read_json(path)
    first = doc["shipments"][0]
    first["reported_tonnes"] = first["tonnes"] + 3000
    first["reported_tonnes_source"] = first["sources"][0]
    write_json(path, doc)
    report = check_atlas(load_atlas(shipped_copy))
    found = next(f for f in report.findings if f.subject == first["id"] and f.check == "tonnes")
    assert found.ok and "+3,000 t" in found.message

    del first["reported_tonnes_source"]
    write_json(path, doc)
    with pytest.raises(AtlasError, match="reported_tonnes_source"):
        load_atlas(shipped_copy)


def test_tonnes_arriving_must_leave(shipped_copy: Path) -> None:
    path = shipped_copy / "shipments.json"
    doc = read_json(path)
    chained = next(s for s in doc["shipments"] if len(s["legs"]) > 1)
    chained["legs"][0]["tonnes"] += 3000  # more arrives by rail than the ships carry on
    write_json(path, doc)
    report = check_atlas(load_atlas(shipped_copy))
    found = next(f for f in report.problems if f.subject == chained["id"])
    assert found.check == "tonnes" and "arrive at" in found.message


# --- the command line -------------------------------------------------------------------------


def clean_factory_atlas(atlas: Path) -> Path:
    """The factory atlas reduced to what passes check: its rail line (published length = drawn)
    and power line, no sea lane, no shipment."""
    rail = read_json(atlas / "corridors" / "rail.geojson")
    rail["features"] = [f for f in rail["features"] if f["properties"]["id"] == "khasan_rajin"]
    props = rail["features"][0]["properties"]
    props["reported_length_km"] = round(
        line_length_m(rail["features"][0]["geometry"]["coordinates"]) / 1000, 3
    )
    write_json(atlas / "corridors" / "rail.geojson", rail)
    (atlas / "corridors" / "sea.geojson").unlink()
    (atlas / "shipments.json").unlink()
    return atlas


def test_cli_clean_atlas_prints_one_summary_line(atlas: Path, cache: Path) -> None:
    root = clean_factory_atlas(atlas)
    done = corridors_cli("check", atlas=root, cache=cache)
    assert done.returncode == 0, done.stdout
    assert done.stdout == "checked 2 corridors, 5 places, 0 shipments: clean\n"

    verbose = corridors_cli("check", "--verbose", atlas=root, cache=cache)
    lines = verbose.stdout.splitlines()
    assert verbose.returncode == 0 and lines[-1] == done.stdout.strip()
    assert len(lines) > 5 and all(line.startswith("ok   ") for line in lines[:-1])


def test_cli_problems_one_per_line_then_summary(atlas: Path, cache: Path) -> None:
    root = clean_factory_atlas(atlas)
    rail = read_json(root / "corridors" / "rail.geojson")
    props = rail["features"][0]["properties"]
    props["reported_length_km"] = round(props["reported_length_km"] / 1.06, 3)
    write_json(root / "corridors" / "rail.geojson", rail)

    done = corridors_cli("check", atlas=root, cache=cache)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("FAIL khasan_rajin: ") and "(+6.0%)" in lines[0]
    assert lines[1] == "checked 2 corridors, 5 places, 0 shipments: 1 problem"

    wider = corridors_cli("check", "--length-tolerance", "7", atlas=root, cache=cache)
    assert wider.returncode == 0 and wider.stdout.endswith(": clean\n")

    as_json = corridors_cli("check", "--json", atlas=root, cache=cache)
    report = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and report["clean"] is False and report["problems"] == 1
    assert report["summary"] == lines[1]
    assert report["checked"] == {"corridors": 2, "places": 5, "shipments": 0}
    assert len(report["findings"]) > 5  # every finding, not only the problem
    failed = [f for f in report["findings"] if not f["ok"]]
    assert [f["check"] for f in failed] == ["length"] and failed[0]["data"]["published_km"]


@pytest.mark.parametrize("value", ["-1", "100", "nan"])
def test_cli_rejects_bad_length_tolerance(atlas: Path, cache: Path, value: str) -> None:
    done = corridors_cli("check", "--length-tolerance", value, atlas=atlas, cache=cache)
    assert done.returncode == 2
    assert done.stderr.startswith("error: --length-tolerance must be a percentage")
