"""Loading and validation: the mini atlas loads; each kind of broken file gets one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from atlas_factory import write_atlas

from corridors.atlas.read import load_atlas
from corridors.errors import AtlasError


@pytest.fixture
def atlas_dir(tmp_path: Path) -> Path:
    return write_atlas(tmp_path / "atlas")


def edit(path: Path, change) -> None:  # noqa: ANN001 - a callable that edits the document
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))


def test_mini_atlas_loads(atlas_dir: Path) -> None:
    atlas = load_atlas(atlas_dir)
    assert set(atlas.places) == {"khasan", "tumangang", "rajin_port", "pohang", "chongjin"}
    corridor = atlas.corridors["khasan_rajin"]
    assert corridor.mode == "rail" and corridor.via == ("tumangang",)
    assert corridor.coords[0] == (130.6466, 42.4301)
    assert atlas.shipments["pilot"].legs[1].ship == "Test ship"
    assert len(atlas.fingerprint) == 64


def test_fingerprint_changes_with_any_file(atlas_dir: Path) -> None:
    before = load_atlas(atlas_dir).fingerprint
    edit(atlas_dir / "shipments.json", lambda d: d["shipments"][0].update(tonnes=1))
    assert load_atlas(atlas_dir).fingerprint != before


def test_missing_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(AtlasError, match="pass `atlas` DIR"):
        load_atlas(tmp_path / "nowhere")


def _rail(doc: dict) -> dict:
    return doc["features"][0]["properties"]


BROKEN_CORRIDORS = [
    ("mode", lambda d: _rail(d).update(mode="tram"), "field 'mode': 'tram' is not one of"),
    ("status", lambda d: _rail(d).update(status="opperating"), "field 'status'"),
    ("status_year", lambda d: _rail(d).update(status_year="2015"), "field 'status_year'"),
    ("from", lambda d: _rail(d).update({"from": "atlantis"}), "unknown place 'atlantis'"),
    ("sources", lambda d: _rail(d).update(sources=[]), "field 'sources': needs at least 1"),
    ("source id", lambda d: _rail(d).update(sources=["nope"]), "'nope' is not in sources.json"),
    (
        "reported source",
        lambda d: _rail(d).update(reported_length_source=None),
        "reported_length_source",
    ),
    (
        "point",
        lambda d: d["features"][0].update(geometry={"type": "Point", "coordinates": [130, 42]}),
        "must be a LineString",
    ),
    (
        "one position",
        lambda d: d["features"][0]["geometry"].update(coordinates=[[130, 42]]),
        "at least two positions",
    ),
    (
        "lat range",
        lambda d: d["features"][0]["geometry"]["coordinates"].__setitem__(1, [130, 95]),
        "latitude 95.0 is outside",
    ),
    (
        "lon range",
        lambda d: d["features"][0]["geometry"]["coordinates"].__setitem__(1, [190, 42]),
        "longitude 190.0 is outside",
    ),
    (
        "not a number",
        lambda d: d["features"][0]["geometry"]["coordinates"].__setitem__(1, ["130", 42]),
        "must be \\[longitude, latitude\\]",
    ),
]


@pytest.mark.parametrize(
    ("label", "change", "message"), BROKEN_CORRIDORS, ids=[b[0] for b in BROKEN_CORRIDORS]
)
def test_broken_corridor_names_file_feature_and_field(atlas_dir: Path, label, change, message):
    rail = atlas_dir / "corridors" / "rail.geojson"
    edit(rail, change)
    with pytest.raises(AtlasError, match=message) as caught:
        load_atlas(atlas_dir)
    text = str(caught.value)
    assert "\n" not in text
    assert str(rail) in text
    assert "feature 0" in text


def test_malformed_json_gives_line_and_column(atlas_dir: Path) -> None:
    places = atlas_dir / "places.geojson"
    places.write_text(places.read_text()[:-20])
    with pytest.raises(AtlasError, match=r"places.geojson: malformed JSON at line \d+ column"):
        load_atlas(atlas_dir)


def test_nan_is_rejected(atlas_dir: Path) -> None:
    rail = atlas_dir / "corridors" / "rail.geojson"
    rail.write_text(rail.read_text().replace("130.6466", "NaN", 1))
    with pytest.raises(AtlasError, match="NaN is not valid JSON"):
        load_atlas(atlas_dir)


def test_duplicate_alias_across_places(atlas_dir: Path) -> None:
    edit(
        atlas_dir / "places.geojson",
        lambda d: d["features"][4]["properties"].update(aliases=["najin"]),
    )
    with pytest.raises(AtlasError, match="'najin' already names place 'rajin_port'"):
        load_atlas(atlas_dir)


def test_duplicate_corridor_id_across_files(atlas_dir: Path) -> None:
    edit(
        atlas_dir / "corridors" / "sea.geojson",
        lambda d: d["features"][0]["properties"].update(id="khasan_rajin"),
    )
    with pytest.raises(AtlasError, match="duplicate, already defined in"):
        load_atlas(atlas_dir)


def test_shipment_leg_dates_in_order(atlas_dir: Path) -> None:
    edit(
        atlas_dir / "shipments.json",
        lambda d: d["shipments"][0]["legs"][1].update(end="2014-11-01"),
    )
    with pytest.raises(AtlasError, match="leg 1: field 'end': 2014-11-01 is before start"):
        load_atlas(atlas_dir)


def test_place_must_be_point(atlas_dir: Path) -> None:
    edit(atlas_dir / "places.geojson", lambda d: d["features"][0].update(geometry=None))
    with pytest.raises(AtlasError, match="feature 0 \\('khasan'\\): field 'geometry'"):
        load_atlas(atlas_dir)
