"""Exports people open: every layer of every export (GeoPackage, GeoJSON, CSV, KML) read back
with geopandas/pyogrio has valid, non-empty geometries in EPSG:4326 and the atlas's counts;
the GeoPackage carries QGIS styles whose colours and dashes are those of maps/style.py; the
KML draws in the same colours; hostile names stay data; a bad extension is one line, exit 2.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
from cli_runner import corridors_cli

import corridors
from corridors.maps import style

KML = "{http://www.opengis.net/kml/2.2}"
SE = "{http://www.opengis.net/se}"
OGC = "{http://www.opengis.net/ogc}"
SPATIAL_LAYERS = {
    "places",
    "corridors",
    "zones",
    "shipment_legs",
    "graph_edges",
    "graph_transfers",
}


@pytest.fixture(scope="module")
def network() -> corridors.Network:
    return corridors.load_network(use_cache=False)


@pytest.fixture(scope="module")
def exports(network: corridors.Network, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    for suffix in (".gpkg", ".geojson", ".csv", ".kml"):
        corridors.export_file(network, folder / f"atlas{suffix}")
    return folder


def _frame(path: Path, layer: str | None = None) -> gpd.GeoDataFrame:
    """A layer read back with pyogrio, checked: no row without a valid, non-empty geometry."""
    frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    assert len(frame) > 0, (path.name, layer)
    assert frame.geometry.notna().all(), (path.name, layer)
    invalid = frame[~frame.is_valid | frame.is_empty]
    assert invalid.empty, (path.name, layer, invalid.geometry.to_wkt().tolist()[:3])
    return frame


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _routed_legs(network: corridors.Network) -> int:
    from corridors.routing.shipments import routed_legs

    return sum(1 for leg in routed_legs(network) if leg.route is not None)


# --- GeoPackage -----------------------------------------------------------------------------


def test_every_geopackage_layer_is_valid_in_wgs84_with_the_atlas_counts(network, exports):
    gpkg = exports / "atlas.gpkg"
    layers = {name: kind for name, kind in pyogrio.list_layers(gpkg)}
    assert set(layers) == SPATIAL_LAYERS | {"layer_styles"}
    frames = {name: _frame(gpkg, name) for name in SPATIAL_LAYERS}
    for name, frame in frames.items():
        assert frame.crs.to_epsg() == 4326, name
    atlas = network.atlas
    assert len(frames["places"]) == len(atlas.places)
    assert set(frames["corridors"]["id"]) == set(atlas.corridors)
    assert len(frames["zones"]) == sum(p.area is not None for p in atlas.places.values())
    assert len(frames["shipment_legs"]) == _routed_legs(network)
    # Every graph edge is in one of the two layers, lines or transfer points.
    edges, transfers = frames["graph_edges"], frames["graph_transfers"]
    assert len(edges) + len(transfers) == network.index.edge_count
    assert "transfer" not in set(edges["mode"]) and set(transfers["mode"]) == {"transfer"}
    assert set(edges.geom_type) == {"LineString"} and set(transfers.geom_type) == {"Point"}
    for row in transfers.itertuples():
        place = atlas.places[row.place]
        assert (row.geometry.x, row.geometry.y) == (place.lon, place.lat)
        assert row.u == f"{place.id}@rail" and row.v == f"{place.id}@sea"


def _styles(gpkg: Path) -> dict[str, dict]:
    table = pyogrio.read_dataframe(gpkg, layer="layer_styles", fid_as_index=True)
    assert table["f_table_name"].is_unique  # one style per layer...
    assert table["useAsDefault"].all()  # ...the default one
    return {row["f_table_name"]: row for _, row in table.iterrows()}


def test_layer_styles_give_each_layer_one_default_qgis_style(exports):
    gpkg = exports / "atlas.gpkg"
    styles = _styles(gpkg)
    assert set(styles) == SPATIAL_LAYERS
    with sqlite3.connect(gpkg) as db:  # registered, as QGIS finds it: an attributes table
        (kind,) = db.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone()
    assert kind == "attributes"
    for layer, row in styles.items():
        # QGIS looks a layer's style up by these exact values (f_table_schema='' too).
        assert row["f_table_catalog"] == "" and row["f_table_schema"] == ""
        geometry_column = pyogrio.read_info(gpkg, layer=layer)["geometry_name"]
        assert row["f_geometry_column"] == geometry_column
        qml = ET.fromstring(row["styleQML"])
        assert qml.tag == "qgis"
        assert qml.find("renderer-v2").get("type") == "RuleRenderer"
        for symbol_layer in qml.iter("layer"):  # new (Option) and old (prop) QGIS 3 agree
            options = {o.get("name"): o.get("value") for o in symbol_layer.find("Option")}
            props = {p.get("k"): p.get("v") for p in symbol_layer.findall("prop")}
            assert options == props and options
        sld = ET.fromstring(row["styleSLD"].encode())
        assert sld.find(f".//{SE}Name").text == layer
        assert '<StyledLayerDescriptor xmlns="http://www.opengis.net/sld"' in row["styleSLD"]


def _qml_rules(qml_text: str) -> dict[str, dict[str, str]]:
    """Each rule's filter -> its first symbol layer's properties."""
    root = ET.fromstring(qml_text)
    symbols = {
        s.get("name"): {
            o.get("name"): o.get("value") for o in s.find("layer").find("Option").findall("Option")
        }
        for s in root.iter("symbol")
    }
    return {r.get("filter"): symbols[r.get("symbol")] for r in root.iter("rule")}


def _filter(**values: str) -> str:
    return " AND ".join(f"\"{field}\" = '{value}'" for field, value in values.items())


def test_qgis_styles_use_the_colours_and_dashes_of_the_maps(exports):
    gpkg = exports / "atlas.gpkg"
    styles = _styles(gpkg)
    corridors_layer = gpd.read_file(gpkg, layer="corridors")
    rules = _qml_rules(styles["corridors"]["styleQML"])
    pairs = set(zip(corridors_layer["mode"], corridors_layer["status"], strict=True))
    assert len(pairs) > 3
    for mode, status in pairs:  # every corridor has its own rule, drawn as on the maps
        props = rules[_filter(mode=mode, status=status)]
        expected = style.corridor_style(mode, status)
        red, green, blue, alpha = map(int, props["line_color"].split(","))
        assert (red, green, blue) == _rgb(str(expected["color"]))
        assert alpha == round(255 * float(expected["opacity"]))
        assert float(props["line_width"]) == expected["weight"]
        dash = style.STATUS_DASH[status]
        assert props["use_custom_dash"] == ("1" if dash else "0")
        if dash:
            assert props["customdash"].split(";") == dash.split()
    assert "ELSE" in rules  # a value added later is still drawn
    # Places by kind: the marker's fill is the kind colour of the maps.
    places = gpd.read_file(gpkg, layer="places")
    place_rules = _qml_rules(styles["places"]["styleQML"])
    for kind in set(places["kind"]):
        props = place_rules[_filter(kind=kind)]
        assert tuple(map(int, props["color"].split(",")))[:3] == _rgb(style.KIND_COLORS[kind])
        assert float(props["size"]) == 2 * style.place_style(kind)["radius"]
    # The SLD says the same: rule names to stroke colour and dash.
    sld = ET.fromstring(styles["corridors"]["styleSLD"].encode())
    for rule in sld.iter(f"{SE}Rule"):
        literals = [e.text for e in rule.iter(f"{OGC}Literal")]
        if not literals:
            continue
        mode, status = literals
        params = {p.get("name"): p.text for p in rule.iter(f"{SE}SvgParameter")}
        assert params["stroke"] == style.corridor_style(mode, status)["color"]
        assert params.get("stroke-dasharray") == style.STATUS_DASH[status]


# --- GeoJSON, CSV, KML ----------------------------------------------------------------------


def test_geojson_is_one_feature_collection_in_wgs84(network, exports):
    path = exports / "atlas.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    frame = _frame(path)
    assert frame.crs.to_epsg() == 4326
    counts = frame["layer"].value_counts().to_dict()
    atlas = network.atlas
    assert counts == {
        "corridor": len(atlas.corridors),
        "place": len(atlas.places),
        "zone": sum(p.area is not None for p in atlas.places.values()),
        "shipment_leg": _routed_legs(network),
    }
    first = next(f for f in collection["features"] if f["properties"]["layer"] == "corridor")
    corridor = atlas.corridors[first["properties"]["id"]]
    assert first["properties"]["sources"] == list(corridor.sources)
    assert first["geometry"]["coordinates"] == [list(xy) for xy in corridor.coords]


def test_csv_has_one_row_per_corridor_with_wkt(network, exports):
    path = exports / "atlas.csv"
    frame = _frame(path)  # GDAL's CSV driver takes the WKT column as the geometry
    atlas = network.atlas
    assert list(frame["id"]) == list(atlas.corridors)
    from corridors.network.listing import corridor_lengths_km

    lengths = corridor_lengths_km(network)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:4] == ["id", "name", "mode", "status"] and list(rows[0])[-1] == "WKT"
    for row in rows:
        corridor = atlas.corridors[row["id"]]
        assert float(row["length_km"]) == lengths[corridor.id]  # full precision
        assert (row["from_id"], row["to_id"]) == (corridor.start, corridor.end)
        assert row["from"] == atlas.places[corridor.start].name
        countries = [atlas.places[s].country for s in corridor.stops]
        assert row["countries"].split("; ") == list(dict.fromkeys(countries))
        assert row["sources"].split("; ") == list(corridor.sources)


def _kml_styles(root: ET.Element) -> dict[str, ET.Element]:
    return {s.get("id"): s for s in root.iter(f"{KML}Style")}


def _aabbggrr(color: str, opacity: float) -> str:
    red, green, blue = _rgb(color)
    return f"{round(255 * opacity):02x}{blue:02x}{green:02x}{red:02x}"


def test_kml_opens_with_pyogrio_and_draws_in_the_maps_colours(network, exports):
    path = exports / "atlas.kml"
    atlas = network.atlas
    assert "KML" in pyogrio.list_drivers() or "LIBKML" in pyogrio.list_drivers()
    layers = [name for name, _ in pyogrio.list_layers(path)]
    assert layers == ["Corridors", "Places", "Zones", "Shipment legs"]
    counts = {name: len(_frame(path, name)) for name in layers}
    assert counts == {
        "Corridors": len(atlas.corridors),
        "Places": len(atlas.places),
        "Zones": sum(p.area is not None for p in atlas.places.values()),
        "Shipment legs": _routed_legs(network),
    }
    # Plain KML as Google Earth writes it: the KML namespace is the default one (no ns0:).
    head = path.read_text(encoding="utf-8")[:200]
    assert '<kml xmlns="http://www.opengis.net/kml/2.2">' in head
    root = ET.parse(path).getroot()
    styles = _kml_styles(root)
    folder = next(f for f in root.iter(f"{KML}Folder") if f.findtext(f"{KML}name") == "Corridors")
    for placemark in folder.iter(f"{KML}Placemark"):
        data = {d.get("name"): d.findtext(f"{KML}value") for d in placemark.iter(f"{KML}Data")}
        corridor = atlas.corridors[data["id"]]
        expected = style.corridor_style(corridor.mode, corridor.status)
        line_style = styles[placemark.findtext(f"{KML}styleUrl")[1:]].find(f"{KML}LineStyle")
        color = _aabbggrr(str(expected["color"]), float(expected["opacity"]))
        assert line_style.findtext(f"{KML}color") == color
        assert float(line_style.findtext(f"{KML}width")) == expected["weight"]
        assert placemark.findtext(f"{KML}name") == corridor.name


# --- through the command line ---------------------------------------------------------------

HOSTILE_CORRIDOR = '</name><script>alert("x")</script> & ]]> <![CDATA[ $[name]'
HOSTILE_PLACE = '=HYPERLINK("http://example.invalid","click") <b>Rajin</b>'


def _hostile_atlas(root: Path) -> Path:
    from atlas_factory import write_atlas

    write_atlas(root)
    for file, key, name in (
        (root / "corridors" / "rail.geojson", "khasan_rajin", HOSTILE_CORRIDOR),
        (root / "places.geojson", "rajin_port", HOSTILE_PLACE),
    ):
        data = json.loads(file.read_text())
        for feature in data["features"]:
            if feature["properties"]["id"] == key:
                feature["properties"]["name"] = name
        file.write_text(json.dumps(data))
    return root


def test_hostile_names_stay_data_in_every_export(tmp_path: Path) -> None:
    atlas = _hostile_atlas(tmp_path / "atlas")
    out = tmp_path / "out"
    out.mkdir()
    for suffix in (".kml", ".geojson", ".csv", ".gpkg"):
        done = corridors_cli("export", str(out / f"a{suffix}"), atlas=atlas, cache=tmp_path / "c")
        assert done.returncode == 0, done.stderr
    # KML: the names come back exactly; the HTML Google Earth renders holds them as text.
    root = ET.parse(out / "a.kml").getroot()
    assert all(e.tag.startswith(KML) for e in root.iter())  # no element came from a name
    names = {p.findtext(f"{KML}name"): p for p in root.iter(f"{KML}Placemark")}
    assert HOSTILE_CORRIDOR in names and HOSTILE_PLACE in names
    for name in (HOSTILE_CORRIDOR, HOSTILE_PLACE):
        description = names[name].findtext(f"{KML}description")
        assert "<script" not in description and "<b>" not in description
        assert "&lt;script&gt;" in description or "&lt;b&gt;" in description
    balloons = {b.findtext(f"{KML}text") for b in root.iter(f"{KML}BalloonStyle")}
    assert balloons == {"$[description]"}  # the raw name is never put into the balloon
    assert len(_frame(out / "a.kml", "Corridors")) == 4
    # GeoJSON and GeoPackage keep the exact text.
    collection = json.loads((out / "a.geojson").read_text(encoding="utf-8"))
    assert HOSTILE_CORRIDOR in {f["properties"].get("name") for f in collection["features"]}
    assert HOSTILE_PLACE in set(gpd.read_file(out / "a.gpkg", layer="places")["name"])
    # CSV: a cell a spreadsheet would run as a formula starts with an apostrophe.
    with (out / "a.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows["khasan_rajin"]["name"] == HOSTILE_CORRIDOR
    assert rows["khasan_rajin"]["to"] == "'" + HOSTILE_PLACE


@pytest.mark.parametrize("name", ["atlas.shp", "atlas.json", "no-extension", "atlas.kmz"])
def test_unknown_extension_is_one_line_and_exit_2(atlas: Path, tmp_path: Path, name: str):
    done = corridors_cli("export", str(tmp_path / name), atlas=atlas, cache=tmp_path / "c")
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1
    assert re.search(r"\.gpkg.*\.graphml.*\.geojson.*\.csv.*\.kml", done.stderr)
    assert not (tmp_path / name).exists()


WRITERS = {
    ".geojson": ("corridors.export.geojson", "write_geojson"),
    ".csv": ("corridors.export.table_csv", "write_csv"),
    ".kml": ("corridors.export.kml", "write_kml"),
    ".gpkg": ("corridors.export", "write_geopackage"),
}


@pytest.mark.parametrize("suffix", list(WRITERS))
def test_a_failed_export_leaves_the_old_file_whole(
    atlas: Path, tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer dies after writing its file: the file already there is untouched and no
    temporary file is left; the next export replaces it."""
    import importlib

    module_name, function = WRITERS[suffix]
    module = importlib.import_module(module_name)
    real = getattr(module, function)
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"old{suffix}"
    target.write_bytes(b"the previous export")
    network = corridors.load_network(atlas, use_cache=False)

    def dies_after_writing(network, path):
        real(network, path)
        raise OSError("disk full")

    monkeypatch.setattr(module, function, dies_after_writing)
    with pytest.raises(OSError, match="disk full"):
        corridors.export_file(network, target)
    assert target.read_bytes() == b"the previous export"
    assert sorted(p.name for p in folder.iterdir()) == [target.name]
    monkeypatch.undo()
    corridors.export_file(network, target)
    assert target.read_bytes() != b"the previous export"
    layer = {".gpkg": "corridors", ".kml": "Corridors"}.get(suffix)
    assert len(_frame(target, layer)) > 0


@pytest.mark.parametrize("suffix", [".geojson", ".csv", ".kml"])
def test_lone_surrogates_are_written_visibly(atlas: Path, tmp_path: Path, suffix: str) -> None:
    """A lone surrogate (refused by the reader, so injected here) neither crashes the writer
    nor makes a file its readers refuse: it is written as a visible escape."""
    import dataclasses

    network = corridors.load_network(atlas, use_cache=False)
    corridor = network.atlas.corridors["khasan_rajin"]
    network.atlas.corridors["khasan_rajin"] = dataclasses.replace(corridor, name="Rail \udcff")
    path = corridors.export_file(network, tmp_path / f"s{suffix}")
    frame = _frame(path, "Corridors" if suffix == ".kml" else None)
    assert "Rail \\udcff" in set(frame["Name" if suffix == ".kml" else "name"])


def test_geojson_keeps_an_alias_that_holds_the_list_separator(tmp_path: Path) -> None:
    # The GeoPackage, CSV and KML join a list into one "; "-separated cell; GeoJSON has real
    # arrays, and an alias with "; " in it stays one alias there (it was split in two).
    from atlas_factory import write_atlas

    from corridors.export.geojson import feature_collection

    root = write_atlas(tmp_path / "atlas")
    places = root / "places.geojson"
    data = json.loads(places.read_text())
    for feature in data["features"]:
        if feature["properties"]["id"] == "rajin_port":
            feature["properties"]["aliases"] = ["Pier 3; RasonKonTrans", "Najin"]
    places.write_text(json.dumps(data))
    network = corridors.load_network(root, use_cache=False)
    features = feature_collection(network)["features"]
    rajin = [f["properties"] for f in features if f["properties"].get("id") == "rajin_port"]
    assert [p["aliases"] for p in rajin] == [["Pier 3; RasonKonTrans", "Najin"]]
    assert network.atlas.places["rajin_port"].aliases == ("Pier 3; RasonKonTrans", "Najin")
