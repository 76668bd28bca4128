"""Scenarios (`compare`) and the least-cost annual flow (`flow`).

The flow is checked against an independent solver (SciPy's HiGHS linear program) on random
small networks; capacities are never exceeded and the demand is always met.
"""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest
from cli_runner import corridors_cli

from corridors.errors import NoRouteError
from corridors.paths import bundled_atlas_dir
from corridors.routing.flow import solve_flow

SHIPPED = bundled_atlas_dir() / "scenarios" / "kuzbass-korea.toml"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))


def _linprog_cost(costs, capacities, demand) -> float | None:
    """The optimal cost by an independent solver: a linear program on the same network."""
    from scipy.optimize import linprog

    pairs = list(costs)
    if not pairs:  # nothing joins: feasible only when nothing is wanted
        return 0.0 if not any(demand.values()) else None
    c = [costs[p] * 1e6 for p in pairs]  # USD per Mt
    a_ub, b_ub, a_eq, b_eq = [], [], [], []
    for alt, cap in capacities.items():
        if cap is not None:
            a_ub.append([1.0 if p[0] == alt else 0.0 for p in pairs])
            b_ub.append(cap)
    for dest, mt in demand.items():
        a_eq.append([1.0 if p[1] == dest else 0.0 for p in pairs])
        b_eq.append(mt)
    found = linprog(c, A_ub=a_ub or None, b_ub=b_ub or None, A_eq=a_eq, b_eq=b_eq, method="highs")
    return found.fun if found.status == 0 else None


@pytest.mark.parametrize("seed", range(40))
def test_flow_matches_linear_program(seed: int) -> None:
    rng = random.Random(seed)
    alts = [f"a{i}" for i in range(rng.randint(1, 4))]
    dests = [f"d{j}" for j in range(rng.randint(1, 4))]
    costs = {
        (a, d): round(rng.uniform(5, 100), 2) for a in alts for d in dests if rng.random() < 0.85
    }
    capacities = {a: (None if rng.random() < 0.2 else rng.randint(0, 8)) for a in alts}
    demand = {d: rng.randint(0, 6) for d in dests}
    expected = _linprog_cost(costs, capacities, demand)
    if expected is None:
        with pytest.raises(NoRouteError, match="cannot be met"):
            solve_flow(costs, capacities, demand)
        return
    result = solve_flow(costs, capacities, demand)
    assert result.cost_usd == pytest.approx(expected, rel=1e-9, abs=1e-3)
    for alt, cap in capacities.items():
        through = sum(v for (a, _), v in result.flows_mt.items() if a == alt)
        assert through == pytest.approx(result.through_mt[alt])
        if cap is not None:
            assert through <= cap + 1e-9
            assert (alt in result.saturated) == (through >= cap - 1e-9)
    for dest, mt in demand.items():
        assert sum(v for (_, d), v in result.flows_mt.items() if d == dest) == pytest.approx(mt)


def test_flow_hand_computed() -> None:
    """Two ports, one destination of 5 Mt: the cheap port (cap 4) fills, the rest goes dear."""
    result = solve_flow(
        {("cheap", "x"): 10.0, ("dear", "x"): 12.5}, {"cheap": 4, "dear": None}, {"x": 5}
    )
    assert result.flows_mt == {("cheap", "x"): 4.0, ("dear", "x"): 1.0}
    assert result.cost_usd == pytest.approx(4e6 * 10 + 1e6 * 12.5)
    assert result.saturated == ("cheap",)


def test_compare_shipped_scenario_json() -> None:
    done = corridors_cli("compare", str(SHIPPED), "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    haul = doc["long_haul"]
    assert haul["from_id"] == "novokuznetsk" and haul["to"] == "ussuriysk"
    assert haul["source"] == "atlas" and len(haul["corridors"]) == 3
    rows = doc["rows"]
    assert {r["alternative"] for r in rows} == {"Rajin", "Vostochny", "Vladivostok"}
    assert {r["destination"] for r in rows} == {"Pohang", "Gwangyang", "Dangjin", "Boryeong"}
    rate = doc["assumptions"]["rail_rus.usd_per_tkm"]["value"]
    for row in rows:
        shared = row["legs"][:3]  # the long haul: the same atlas legs in every row
        assert [leg["corridor"] for leg in shared] == haul["corridors"]
        km = sum(leg["distance_km"] for leg in shared)
        assert km == pytest.approx(haul["distance_km"], abs=0.2)
        assert sum(leg["cost_usd"] for leg in shared) == pytest.approx(1e6 * km * rate, rel=1e-3)
        assert sum(leg["cost_usd"] for leg in row["legs"]) == pytest.approx(row["cost_usd"], abs=5)
        ports = {leg["from"] for leg in row["legs"] if leg["kind"] == "transfer"}
        assert ports == {
            {"Rajin": "rajin_port", "Vostochny": "vostochny"}.get(row["alternative"], "vladivostok")
        }
    rajin = [r for r in rows if r["alternative"] == "Rajin"]
    assert all(any(leg["kind"] == "border" for leg in r["legs"]) for r in rajin)
    assert "suspended" in done.stderr  # the Rajin lanes, warned about


def test_compare_csv_and_chart(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    stem = tmp_path / "chart"
    done = corridors_cli("compare", str(SHIPPED), "--csv", "--chart", str(stem))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert len(rows) == 12 and float(rows[0]["cost_usd_per_t"]) > 0
    png, svg = stem.with_suffix(".png"), stem.with_suffix(".svg")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    first = svg.read_bytes()
    assert b"<svg" in first and b"Rajin" in first or b"<svg" in first
    again = corridors_cli("compare", str(SHIPPED), "--csv", "--chart", str(stem))
    assert again.returncode == 0 and svg.read_bytes() == first  # same input, same file


def test_flow_shipped_scenario() -> None:
    done = corridors_cli("flow", str(SHIPPED), "--json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    demand = doc["demand_mt_per_year"]
    for alt in doc["alternatives"]:
        cap = alt["capacity_mt_per_year"]
        assert cap is None or alt["mt_per_year"] <= cap + 1e-9
    for dest, mt in demand.items():
        assert sum(
            f["mt_per_year"] for f in doc["flows"] if f["destination"] == dest
        ) == pytest.approx(mt)
    tight = corridors_cli("flow", str(SHIPPED), "--set", "transfer.usd_per_t=0")
    assert tight.returncode == 0


def _scenario(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text()
    assert old in text, old
    path = tmp_path / "s.toml"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ('"Pohang", "Gwangyang"', '"Atlantis", "Gwangyang"', "destinations[0]: unknown place"),
        ('place = "Novokuznetsk"', 'place = "Atlantis"', "origin.place: unknown place"),
        ('place = "Novokuznetsk"', "place = 3", "origin.place must be a non-empty string"),
        ('joins = "Ussuriysk"', 'joins = "Novokuznetsk"', "must be another place"),
        ('place = "Novokuznetsk"\n', "", "origin: field 'place' is missing"),
        ('place = "Novokuznetsk"', 'place = "Novokuznetsk"\nkm = 5698', "'km' is for an origin"),
        ('vessel = "supramax"', 'vessel = "capesize"', "vessel must be one of"),
        ("capacity_mt = 4\n", "capacity_mt = 4\nspeed = 3\n", "unknown field 'speed'"),
        (
            'via = ["Rajin port"]',
            'via = ["Rajin port"]\nset = { "port.call_usd" = -1 }',
            "must not be negative",
        ),
        ("Pohang = 4", "Pohang = -4", "demand_mt.Pohang must be a number"),
        ("[origin]", "[origin\n", "not a valid UTF-8 TOML file"),
    ],
)
def test_bad_scenario_one_line_exit_2(tmp_path: Path, old: str, new: str, words: str) -> None:
    path = _scenario(tmp_path, old, new)
    for command in ("compare", "flow"):
        done = corridors_cli(command, str(path))
        assert done.returncode == 2, (command, done.stdout)
        assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr


def test_flow_infeasible_exit_1(tmp_path: Path) -> None:
    path = _scenario(tmp_path, "Pohang = 4", "Pohang = 400")
    done = corridors_cli("flow", str(path))
    assert done.returncode == 1 and "cannot be met" in done.stderr
