"""The cost model: arithmetic against hand-computed cases, monotonicity, parameters, the CLI.

Hand-computed cases use round parameter values set with ``--set``-style overrides, so each
expected number is written out as the sum a reader can redo on paper.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import corridors_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from corridors.errors import AtlasError, UsageError
from corridors.network.load import load_network
from corridors.paths import bundled_atlas_dir
from corridors.routing.cost import (
    CostModel,
    Stretch,
    cost_route,
    cost_stretches,
    route_stretches,
)
from corridors.routing.cost_params import load_params, read_overrides, resolve_params
from corridors.routing.route import route

ROUND = {
    "rail_rus.usd_per_tkm": 0.01,
    "rail_rus.speed_kmh": 20.0,
    "rail_rus.co2e_g_per_tkm": 10.0,
    "rail_prk.usd_per_tkm": 0.05,
    "rail_prk.speed_kmh": 10.0,
    "rail_prk.co2e_g_per_tkm": 30.0,
    "sea_supramax.usd_per_tkm": 0.002,
    "sea_supramax.speed_kmh": 20.0,
    "sea_supramax.co2e_g_per_tkm": 5.0,
    "sea_supramax.payload_t": 50_000.0,
    "port.call_usd": 40_000.0,
    "port.discharge_usd_per_t": 5.0,
    "port.discharge_hours": 48.0,
    "transfer.usd_per_t": 10.0,
    "transfer.hours": 72.0,
    "transfer.co2e_kg_per_t": 1.0,
    "border.hours": 24.0,
    "border.usd_per_t": 2.0,
    "cargo.usd_per_t_hour": 0.001,
}


@pytest.fixture(scope="module")
def params():
    return load_params(bundled_atlas_dir() / "costs.toml").with_values(ROUND)


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))


JOURNEY = [
    Stretch("a", "b", "rail", 1000.0, "", "RUS", "RUS"),
    Stretch("b", "c", "rail", 50.0, "", "RUS", "PRK"),
    Stretch("c", "d", "sea", 800.0, "", "PRK", "KOR"),
]


def test_hand_computed_journey(params) -> None:
    tonnes = 120_000.0  # three shiploads of 50,000 t
    items = cost_stretches(JOURNEY, params, tonnes=tonnes)
    assert [i.kind for i in items] == ["rail", "rail", "border", "transfer", "sea", "discharge"]
    rail, prk, border, transfer, sea, discharge = items
    assert rail.group == "rail_rus" and prk.group == "rail_prk" and sea.group == "sea_supramax"
    assert rail.cost_usd == pytest.approx(120_000 * 1000 * 0.01)  # 1,200,000
    assert rail.hours == pytest.approx(1000 / 20)
    assert rail.co2e_t == pytest.approx(120_000 * 1000 * 10 / 1e6)  # 1,200 t
    assert prk.cost_usd == pytest.approx(120_000 * 50 * 0.05)  # 300,000
    assert prk.hours == pytest.approx(5.0)
    assert border.cost_usd == pytest.approx(240_000) and border.hours == 24
    assert transfer.cost_usd == pytest.approx(120_000 * 10 + 3 * 40_000)  # 1,320,000
    assert transfer.co2e_t == pytest.approx(120.0) and transfer.hours == 72
    assert sea.cost_usd == pytest.approx(120_000 * 800 * 0.002)  # 192,000
    assert sea.hours == pytest.approx(40.0)
    assert discharge.cost_usd == pytest.approx(120_000 * 5 + 3 * 40_000)  # 720,000
    total = 1_200_000 + 300_000 + 240_000 + 1_320_000 + 192_000 + 720_000
    assert sum(i.cost_usd for i in items) == pytest.approx(total)
    assert sum(i.hours for i in items) == pytest.approx(50 + 5 + 24 + 72 + 40 + 48)


def test_generalised_edge_weights_by_hand(params) -> None:
    network = load_network(quiet=True)
    model = CostModel.for_network(network, params)
    rates = model.per_tonne_rates()
    assert rates["rail_rus"] == pytest.approx(0.01 + 0.001 / 20)
    assert rates["sea"] == pytest.approx(0.002 + 0.001 / 20)
    assert rates["transfer"] == pytest.approx(10 + 40_000 / 50_000 + 0.001 * 72)
    assert rates["border"] == pytest.approx(2 + 0.001 * 24)


def _generalised(model: CostModel, network, found) -> float:
    """The generalised cost per tonne of a route, summed leg by leg from the model's rates."""
    rates = model.per_tonne_rates()
    total = 0.0
    previous = None
    for stretch in route_stretches(network, found):
        if previous is not None and previous != stretch.mode:
            total += rates["transfer"]
        if stretch.mode == "rail":
            prk = "PRK" in (stretch.start_country, stretch.end_country)
            total += stretch.km * rates["rail_prk" if prk else "rail_rus"]
            if stretch.start_country != stretch.end_country:
                total += rates["border"]
        else:
            total += stretch.km * rates["sea"]
        previous = stretch.mode
    return total


@pytest.mark.parametrize(
    ("origin", "destination"),
    [("khasan", "pohang"), ("ussuriysk", "dangjin"), ("rajin_port", "busan"), ("khasan", "busan")],
)
def test_route_by_cost_is_cheapest(params, origin: str, destination: str) -> None:
    """The cost route's generalised cost is no more than that of the distance or time route."""
    network = load_network(quiet=True)
    model = CostModel.for_network(network, params)
    cheapest = route(
        network, origin, destination, by="cost", cost_model=model, include_proposed=True
    )
    best = _generalised(model, network, cheapest)
    for by in ("distance", "time"):
        other = route(network, origin, destination, by=by, include_proposed=True)
        assert best <= _generalised(model, network, other) + 1e-9


def test_dprk_tariff_changes_the_route(params) -> None:
    """Khasan -> Pohang: via Rajin when DPRK track is cheap, via a Russian port when dear."""
    network = load_network(quiet=True)
    cheap = params.with_values({"rail_prk.usd_per_tkm": 0.0, "border.usd_per_t": 0.0})
    dear = params.with_values({"rail_prk.usd_per_tkm": 1.0})
    via = {}
    for name, p in (("cheap", cheap), ("dear", dear)):
        found = cost_route(network, "Khasan", "Pohang", params=p, include_proposed=True)
        via[name] = {leg.end for leg in found.route.legs}  # type: ignore[union-attr]
    assert "rajin_port" in via["cheap"]
    assert "rajin_port" not in via["dear"]


@settings(max_examples=40, deadline=None)
@given(
    km=st.floats(1, 5000),
    extra=st.floats(0.1, 5000),
    mode=st.sampled_from(["rail", "sea"]),
    tonnes=st.floats(1, 2e6),
)
def test_monotone_in_distance(params, km: float, extra: float, mode: str, tonnes: float) -> None:
    def per_tonne(length: float) -> tuple[float, float, float]:
        items = cost_stretches(
            [Stretch("a", "b", "rail", 100.0, "", "RUS", "RUS"), Stretch("b", "c", mode, length)],
            params,
            tonnes=tonnes,
        )
        return (
            sum(i.cost_usd for i in items) / tonnes,
            sum(i.co2e_t for i in items) / tonnes,
            sum(i.hours for i in items),
        )

    short, long = per_tonne(km), per_tonne(km + extra)
    assert all(a < b for a, b in zip(short, long, strict=True))


@settings(max_examples=40, deadline=None)
@given(tonnes=st.floats(1, 1e6), more=st.floats(1, 1e6))
def test_monotone_in_tonnage(params, tonnes: float, more: float) -> None:
    """The total cost grows with tonnage; CO2e per tonne does not depend on it; the cost per
    tonne falls (port calls shared by more cargo) from one full shipload to the next."""

    def run(t: float):
        items = cost_stretches(JOURNEY, params, tonnes=t)
        return sum(i.cost_usd for i in items), sum(i.co2e_t for i in items) / t

    (cost_a, co2_a), (cost_b, co2_b) = run(tonnes), run(tonnes + more)
    assert cost_a < cost_b
    assert co2_a == pytest.approx(co2_b)
    payload = params["sea_supramax.payload_t"]
    per_t = [run(k * payload)[0] / (k * payload) for k in (1, 2, 5)]
    assert per_t[0] == pytest.approx(per_t[1]) == pytest.approx(per_t[2])
    assert run(payload / 2)[0] / (payload / 2) > per_t[0]


def test_cost_json_contract(tmp_path: Path) -> None:
    done = corridors_cli("cost", "Khasan", "Pohang", "--tonnes", "1000000", "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    for key in (
        "from",
        "to",
        "tonnes",
        "distance_km",
        "hours",
        "cost_usd",
        "cost_usd_per_t",
        "co2e_t",
        "co2e_kg_per_t",
        "legs",
        "assumptions",
    ):
        assert key in doc
    assert doc["tonnes"] == 1_000_000
    assert doc["cost_usd_per_t"] == pytest.approx(doc["cost_usd"] / 1e6, abs=1e-4)
    assert doc["co2e_kg_per_t"] == pytest.approx(doc["co2e_t"] * 1000 / 1e6, abs=1e-4)
    assert sum(leg["cost_usd"] for leg in doc["legs"]) == pytest.approx(doc["cost_usd"], rel=1e-6)
    assert sum(leg["hours"] for leg in doc["legs"]) == pytest.approx(doc["hours"], abs=0.1)
    assert {leg["kind"] for leg in doc["legs"]} >= {"rail", "sea", "transfer", "discharge"}
    params = doc["assumptions"]
    assert params["sea_supramax.usd_per_tkm"]["source"] == "hifleet-baltic-2024-02"
    assert all(p["low"] <= p["value"] <= p["high"] for p in params.values())


def test_set_and_params_file_override(tmp_path: Path) -> None:
    base = json.loads(corridors_cli("cost", "Vostochny", "Pohang", "--json").stdout)
    doubled = json.loads(
        corridors_cli(
            "cost", "Vostochny", "Pohang", "--json", "--set", "sea_supramax.usd_per_tkm=0.0036"
        ).stdout
    )
    sea = [leg for leg in base["legs"] if leg["kind"] == "sea"][0]
    assert doubled["cost_usd"] - base["cost_usd"] == pytest.approx(sea["cost_usd"], rel=1e-4)
    override = tmp_path / "mine.toml"
    override.write_text("[sea_supramax]\nusd_per_tkm = 0.0036\n[port.call_usd]\nvalue = 0\n")
    assert read_overrides(override) == {"sea_supramax.usd_per_tkm": 0.0036, "port.call_usd": 0}
    from_file = json.loads(
        corridors_cli("cost", "Vostochny", "Pohang", "--json", "--params", str(override)).stdout
    )
    # A route that starts at a port starts loaded: the port calls are the discharging ones.
    calls = math.ceil(1e6 / 55_000) * 40_000
    assert from_file["cost_usd"] == pytest.approx(doubled["cost_usd"] - calls, rel=1e-6)
    assert from_file["assumptions"]["port.call_usd"]["overridden"] is True


BAD_FILES = {
    "unknown key": ("[sea_supramax]\nspeed_knots = 12\n", "unknown parameter"),
    "negative": ("[port]\ncall_usd = -5\n", "must not be negative"),
    "non-numeric": ('[port]\ncall_usd = "cheap"\n', "must be a number"),
    "missing field": ("[port.call_usd]\nlow = 1\n", "field 'value' is missing"),
    "not toml": ("[port\n", "not valid TOML"),
    "zero speed": ("[rail_rus]\nspeed_kmh = 0\n", "more than zero"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_params_file_one_line_exit_2(tmp_path: Path, case: str) -> None:
    content, words = BAD_FILES[case]
    bad = tmp_path / "bad.toml"
    bad.write_text(content)
    done = corridors_cli("cost", "Khasan", "Pohang", "--params", str(bad))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr
    assert done.stdout == ""


def _edited_defaults(tmp_path: Path, old: str, new: str) -> Path:
    atlas = tmp_path / "atlas"
    shutil.copytree(bundled_atlas_dir(), atlas)
    toml = atlas / "costs.toml"
    text = toml.read_text()
    assert old in text
    toml.write_text(text.replace(old, new, 1))
    return atlas


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('source = "assumption"', 'source = "nowhere-2030"', "unknown source 'nowhere-2030'"),
        ("value = 0.010\n", "value = -0.010\n", "must not be negative"),
        ("value = 0.010\n", 'value = "0.010"\n', "must be a number"),
        ("value = 0.010\n", "", "field 'value' is missing"),
        ("[rail_rus.usd_per_tkm]", "[rail_rus.usd_per_km]", "unknown parameter"),
        ("value = 0.010\n", "value = 0.5\n", "within low..high"),
    ],
)
def test_bad_default_file_refused(tmp_path: Path, old: str, new: str, words: str) -> None:
    atlas = _edited_defaults(tmp_path, old, new)
    with pytest.raises(AtlasError, match=words.replace("(", r"\(").replace(".", r"\.")):
        resolve_params(atlas_dir=atlas, source_ids=load_network(atlas, quiet=True).atlas.sources)
    done = corridors_cli("cost", "Khasan", "Pohang", atlas=atlas)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr


def test_missing_parameter_refused(tmp_path: Path) -> None:
    atlas = tmp_path / "atlas"
    shutil.copytree(bundled_atlas_dir(), atlas)
    toml = atlas / "costs.toml"
    text = toml.read_text()
    start = text.index("[border.usd_per_t]")
    toml.write_text(text[:start] + text[text.index("[cargo.") :])
    with pytest.raises(AtlasError, match="'border.usd_per_t' is missing"):
        load_params(toml)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--set", "port.call_usd=-1"), "must not be negative"),
        (("--set", "port.call_usd"), "GROUP.NAME=NUMBER"),
        (("--set", "ports.call_usd=1"), "unknown parameter 'ports.call_usd'"),
        (("--tonnes", "-5"), "--tonnes must be more than zero"),
        (("--vessel", "capesize"), "--vessel must be one of"),
    ],
)
def test_bad_arguments_one_line(args: tuple[str, ...], words: str) -> None:
    done = corridors_cli("cost", "Khasan", "Pohang", *args)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr


def test_unknown_place_and_no_route_exit_codes() -> None:
    unknown = corridors_cli("cost", "Atlantis", "Pohang")
    assert unknown.returncode == 2 and "Atlantis" in unknown.stderr
    none = corridors_cli("cost", "Khasan", "Pohang", "--in-service", "--as-of", "1950-01-01")
    assert none.returncode == 1 and none.stderr.startswith("error: no route")


def test_route_by_cost_cli() -> None:
    done = corridors_cli("route", "Khasan", "Pohang", "--by", "cost", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["by"] == "cost"
    energy = corridors_cli("route", "Vladivostok", "Seoul", "--modes", "power", "--by", "cost")
    assert energy.returncode == 2 and "--by cost applies to freight" in energy.stderr


def test_bad_set_in_a_real_process(tmp_path: Path) -> None:
    """The exit code and the one line reach the shell (no traceback)."""
    done = subprocess.run(
        [sys.executable, "-m", "corridors.cli", "cost", "Khasan", "Pohang", "--set", "x=1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"CORRIDORS_CACHE_DIR": str(tmp_path / "c"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: --set: unknown parameter 'x'")
    assert "Traceback" not in done.stderr


def test_model_needs_vessel_and_tonnes(params) -> None:
    with pytest.raises(UsageError, match="vessel"):
        cost_stretches(JOURNEY, params, tonnes=1, vessel="capesize")
    with pytest.raises(UsageError, match="tonnes"):
        cost_stretches(JOURNEY, params, tonnes=math.nan)
