"""The command line as users run it: output, exit codes, one-line errors.

Commands run in this process through the console script's entry function (see
:mod:`cli_runner`); one test runs the real ``python -m corridors.cli`` process to show the
exit code and the one-line error reach the shell the same way.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import corridors_cli


def run(*args: str, atlas: Path | None = None, env_cache: Path | None = None):
    """``corridors ARGS --atlas ATLAS`` in this process, caching in ``env_cache``."""
    return corridors_cli(*args, atlas=atlas, cache=env_cache)


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Calls without ``env_cache`` cache in the test's own folder, never the user's."""
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "default-cache"))


def test_route_json_contract(atlas: Path, tmp_path: Path) -> None:
    done = run(
        "route",
        "khasan",
        "POHANG",
        "--include-proposed",
        "--json",
        atlas=atlas,
        env_cache=tmp_path / "c",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["from"] == "khasan" and data["to"] == "pohang"
    assert [leg["mode"] for leg in data["legs"]] == ["rail", "sea"]
    assert data["distance_km"] == pytest.approx(
        sum(leg["distance_km"] for leg in data["legs"]), abs=0.01
    )
    for leg in data["legs"]:
        assert set(leg) >= {"from", "to", "mode", "corridor", "distance_km"}


def test_route_table_output(atlas: Path, tmp_path: Path) -> None:
    done = run("route", "Tumen", "Najin", atlas=atlas, env_cache=tmp_path / "c")
    assert done.returncode == 0, done.stderr
    assert "Khasan - Rajin railway" in done.stdout
    assert "km" in done.stdout
    assert "nmi" not in done.stdout  # nautical miles for sea legs only, not for a railway


def test_unknown_place_exit_2_one_line(atlas: Path, tmp_path: Path) -> None:
    done = run("route", "Khasn", "Pohang", atlas=atlas, env_cache=tmp_path / "c")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "did you mean Khasan?" in done.stderr
    assert "Traceback" not in done.stderr


def test_no_route_exit_1(atlas: Path, tmp_path: Path) -> None:
    done = run("route", "Khasan", "Chongjin", atlas=atlas, env_cache=tmp_path / "c")
    assert done.returncode == 1
    assert done.stdout == "" and done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: no route from Khasan to Chongjin")
    assert "--include-proposed" in done.stderr


def test_exit_code_and_error_reach_the_shell(atlas: Path, tmp_path: Path) -> None:
    """The real process: exit status 1 and the one error line on stderr, nothing on stdout."""
    env = dict(os.environ, CORRIDORS_CACHE_DIR=str(tmp_path / "c"))
    env.pop("CORRIDORS_ATLAS", None)
    done = subprocess.run(
        [sys.executable, "-m", "corridors.cli", "route", "Khasan", "Chongjin"]
        + ["--atlas", str(atlas)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr == run("route", "Khasan", "Chongjin", atlas=atlas).stderr


def test_mixed_modes_rejected(atlas: Path, tmp_path: Path) -> None:
    done = run(
        "route",
        "Khasan",
        "Rajin",
        "--modes",
        "rail,pipeline",
        atlas=atlas,
        env_cache=tmp_path / "c",
    )
    assert done.returncode == 2 and "never run along power lines" in done.stderr


def test_broken_atlas_is_one_line(atlas: Path, tmp_path: Path) -> None:
    (atlas / "corridors" / "sea.geojson").write_text("{not json")
    done = run("list", "corridors", atlas=atlas, env_cache=tmp_path / "c")
    assert done.returncode == 2
    assert "sea.geojson: malformed JSON at line 1" in done.stderr
    assert "Traceback" not in done.stderr


def test_list_json(atlas: Path, tmp_path: Path) -> None:
    places = json.loads(run("list", "places", "--json", atlas=atlas).stdout)
    assert {"id", "name", "aliases", "lat", "lon", "country", "kind"} <= set(places[0])
    corridors = json.loads(run("list", "corridors", "--json", atlas=atlas).stdout)
    rail = next(c for c in corridors if c["id"] == "khasan_rajin")
    assert rail["reported_length_km"] == 54.0
    assert rail["geometry"]["type"] == "LineString"
    assert rail["length_km"] > 30
    shipments = json.loads(run("list", "shipments", "--json", atlas=atlas).stdout)
    assert shipments[0]["legs"][1]["ship"] == "Test ship"
    assert run("list", "ships", atlas=atlas).returncode == 2


def test_matrix_csv(atlas: Path) -> None:
    done = run(
        "matrix", "--places", "khasan,rajin,pohang", "--include-proposed", "--csv", atlas=atlas
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["", "khasan", "rajin_port", "pohang"]
    km = {(rows[i][0], rows[0][j]): rows[i][j] for i in range(1, 4) for j in range(1, 4)}
    assert float(km[("khasan", "pohang")]) == pytest.approx(
        float(km[("khasan", "rajin_port")]) + float(km[("rajin_port", "pohang")]), abs=0.2
    )


def test_atlas_env_var(atlas: Path, tmp_path: Path) -> None:
    env = {"CORRIDORS_ATLAS": str(atlas)}
    done = corridors_cli("list", "places", "--json", cache=tmp_path / "c", env=env)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 5
    routed = corridors_cli("route", "Khasan", "Rajin", "--json", cache=tmp_path / "c", env=env)
    assert routed.returncode == 0, routed.stderr  # the fast lane reads it too
    assert json.loads(routed.stdout)["to"] == "rajin_port"


def test_export_graphml_and_geopackage(atlas: Path, tmp_path: Path) -> None:
    import geopandas as gpd
    import networkx as nx
    import pyogrio

    graphml = tmp_path / "graph.graphml"
    assert run("export", str(graphml), atlas=atlas).returncode == 0
    graph = nx.read_graphml(graphml)
    (node,) = (
        d for _, d in graph.nodes(data=True) if (d["place"], d["mode"]) == ("rajin_port", "sea")
    )
    assert float(node["x"]) == pytest.approx(130.303)
    assert all(float(d["length"]) >= 0 for _, _, d in graph.edges(data=True))
    gpkg = tmp_path / "atlas.gpkg"
    done = run("export", str(gpkg), atlas=atlas)
    assert done.returncode == 0, done.stderr
    layers = {name for name, _ in pyogrio.list_layers(gpkg)}
    assert layers == {
        "places",
        "corridors",
        "shipment_legs",
        "graph_edges",
        "graph_transfers",  # rail <-> sea at Rajin port and Pohang, as points
        "layer_styles",
    }
    corridors = gpd.read_file(gpkg, layer="corridors")
    assert corridors.crs.to_epsg() == 4326
    assert set(corridors["id"]) == {
        "khasan_rajin",
        "rajin_chongjin",
        "rajin_pohang",
        "power_khasan_rajin",
    }
    bad = run("export", str(tmp_path / "atlas.shp"), atlas=atlas)
    assert bad.returncode == 2 and ".gpkg" in bad.stderr


@pytest.mark.parametrize("value", ["-5", "nan"])
def test_check_rejects_bad_tolerance(atlas: Path, value: str) -> None:
    done = run("check", "--tolerance-m", value, atlas=atlas)
    assert done.returncode == 2
    assert "--tolerance-m must be zero or more metres" in done.stderr
