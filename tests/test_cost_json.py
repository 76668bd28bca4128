"""``cost``, ``compare`` and ``flow`` print the Python API's numbers at full precision.

The output convention (issue 14, :mod:`corridors.cli.output`): readable rounding in tables
only; ``--json`` and ``--csv`` carry every number as the API computes it. Each test runs the
command in process and compares what it printed, number by number and with ``==``, with what
the API returns for the same question; a cargo of 123,457 t makes the numbers long, and each
test first checks that rounding to 4 decimals would change some of them (so it would fail if
the output rounded). The JSON of ``cost`` has the shape issue 12 asks for, and every
assumption in it names its source.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from cli_runner import corridors_cli

from corridors.network.load import load_network
from corridors.paths import bundled_atlas_dir
from corridors.routing.cost import cost_route
from corridors.routing.cost_params import PARAMETERS, load_params, resolve_params
from corridors.routing.flow import solve_flow
from corridors.routing.scenario import compare, load_scenario

SHIPPED = bundled_atlas_dir() / "scenarios" / "kuzbass-korea.toml"
TONNES = 123_457.0
ISSUE_KEYS = [
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
]
NUMBERS = ("distance_km", "hours", "cost_usd", "cost_usd_per_t", "co2e_t", "co2e_kg_per_t")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def network(cache: Path):  # noqa: ANN201
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CORRIDORS_CACHE_DIR", str(cache))
        yield load_network(None, quiet=True)


@pytest.fixture(scope="module")
def params(network):  # noqa: ANN001, ANN201
    return resolve_params(
        atlas_dir=None, params_file=None, assignments=(), source_ids=network.atlas.sources
    )


def _run(cache: Path, *args: str) -> str:
    done = corridors_cli(*args, cache=cache)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _rounding_would_show(values: list[float]) -> None:
    """Guard: some of these numbers have more than 4 decimals, so a rounded output differs."""
    assert any(v != round(v, 4) for v in values), values


def test_cost_json_is_the_api_unrounded(network, params, cache: Path) -> None:  # noqa: ANN001
    result = cost_route(network, "Khasan", "Pohang", params=params, tonnes=TONNES)
    doc = json.loads(_run(cache, "cost", "Khasan", "Pohang", "--tonnes", f"{TONNES}", "--json"))
    expected = result.to_dict()
    _rounding_would_show([float(expected[k]) for k in NUMBERS])
    for key in NUMBERS:
        assert doc[key] == getattr(result, key), key
    assert doc["hours_moving"] == result.hours_of("rail", "sea")
    assert len(doc["legs"]) == len(result.items)
    for leg, item in zip(doc["legs"], result.items, strict=True):
        assert (leg["distance_km"], leg["hours"], leg["cost_usd"], leg["co2e_t"]) == (
            item.km,
            item.hours,
            item.cost_usd,
            item.co2e_t,
        )
        assert leg["cost_usd_per_t"] == item.cost_usd / TONNES
        assert leg["co2e_kg_per_t"] == item.co2e_t * 1000 / TONNES


def test_cost_csv_is_the_api_unrounded(network, params, cache: Path) -> None:  # noqa: ANN001
    result = cost_route(network, "Khasan", "Pohang", params=params, tonnes=TONNES)
    rows = list(
        csv.DictReader(
            io.StringIO(_run(cache, "cost", "Khasan", "Pohang", "--tonnes", f"{TONNES}", "--csv"))
        )
    )
    total = rows[-1]
    assert total["kind"] == "total"
    _rounding_would_show([float(total[k]) for k in NUMBERS])
    for key in NUMBERS:
        assert float(total[key]) == getattr(result, key), key
    for row, item in zip(rows[:-1], result.items, strict=True):
        assert float(row["cost_usd"]) == item.cost_usd
        assert float(row["co2e_kg_per_t"]) == item.co2e_t * 1000 / TONNES


def test_cost_table_rounds_for_people(network, params, cache: Path) -> None:  # noqa: ANN001
    result = cost_route(network, "Khasan", "Pohang", params=params, tonnes=TONNES)
    table = _run(cache, "cost", "Khasan", "Pohang", "--tonnes", f"{TONNES}")
    assert f"{result.cost_usd_per_t:,.2f}" in table
    assert repr(result.cost_usd_per_t) not in table


def test_cost_json_has_the_shape_of_the_issue(network, cache: Path) -> None:  # noqa: ANN001
    doc = json.loads(_run(cache, "cost", "Vostochny", "Pohang", "--json"))
    assert list(doc)[: len(ISSUE_KEYS)] == ISSUE_KEYS
    assert isinstance(doc["from"], str) and isinstance(doc["to"], str)
    for key in ("tonnes", *NUMBERS):
        assert isinstance(doc[key], float), key
    assert doc["legs"] and all({"kind", "from", "to", *NUMBERS} <= set(leg) for leg in doc["legs"])
    # Every assumption is a parameter of the model and names its source: an id of the
    # atlas's sources.json, or "assumption" (no public figure), as geo/costs.toml says.
    bundled = load_params(bundled_atlas_dir() / "costs.toml")
    names = {f"{group}.{name}" for group, fields in PARAMETERS.items() for name in fields}
    assert set(doc["assumptions"]) == names
    for name, assumption in doc["assumptions"].items():
        source = assumption["source"]
        assert source == "assumption" or source in network.atlas.sources, (name, source)
        assert source == bundled.parameters[name].source, name
        assert assumption["low"] <= assumption["value"] <= assumption["high"], name
        assert {"value", "low", "high", "unit", "source", "overridden"} <= set(assumption)


def test_compare_json_and_csv_are_the_api_unrounded(network, params, cache: Path) -> None:  # noqa: ANN001
    scenario = load_scenario(SHIPPED, network, params)
    outcomes = compare(network, scenario, params)
    doc = json.loads(_run(cache, "compare", str(SHIPPED), "--json"))
    rows = list(csv.DictReader(io.StringIO(_run(cache, "compare", str(SHIPPED), "--csv"))))
    keys = ("distance_km", "days", "cost_usd_per_t", "co2e_kg_per_t", "cost_usd", "co2e_t")
    _rounding_would_show([getattr(o.costed, k) for o in outcomes for k in keys])
    assert len(doc["rows"]) == len(rows) == len(outcomes)
    for record, row, outcome in zip(doc["rows"], rows, outcomes, strict=True):
        assert record["alternative"] == row["alternative"] == outcome.alternative
        for key in keys:
            assert record[key] == float(row[key]) == getattr(outcome.costed, key), key
        for leg, item in zip(record["legs"], outcome.costed.items, strict=True):
            assert leg["cost_usd"] == item.cost_usd


def test_flow_json_is_the_api_unrounded(network, params, cache: Path) -> None:  # noqa: ANN001
    scenario = load_scenario(SHIPPED, network, params)
    outcomes = compare(network, scenario, params)
    costs = {(o.alternative, o.destination): o.costed.cost_usd_per_t for o in outcomes}
    capacities = {a.name: a.capacity_mt for a in scenario.alternatives}
    result = solve_flow(costs, capacities, scenario.demand_mt)
    doc = json.loads(_run(cache, "flow", str(SHIPPED), "--json"))
    _rounding_would_show([result.cost_usd / 1e6])
    assert doc["cost_usd"] == result.cost_usd
    expected = sum(mt * 1e6 * costs[pair] for pair, mt in result.flows_mt.items())
    assert result.cost_usd == pytest.approx(expected, rel=1e-12)
    assert [row["mt_per_year"] for row in doc["flows"]] == list(result.flows_mt.values())
    assert {a["alternative"]: a["mt_per_year"] for a in doc["alternatives"]} == dict(
        result.through_mt
    )


def test_flow_total_is_not_rounded_to_cents() -> None:
    """The solver compares whole cents per tonne; the total it reports uses the exact costs."""
    result = solve_flow({("a", "x"): 10.004, ("b", "x"): 12.5}, {"a": None, "b": None}, {"x": 1})
    assert result.flows_mt == {("a", "x"): 1.0}
    assert result.cost_usd == pytest.approx(10_004_000.0, abs=1e-6)
    assert result.to_dict()["cost_usd"] == result.cost_usd


def test_sensitivity_json_and_csv_are_the_api_unrounded(network, params, cache: Path) -> None:  # noqa: ANN001
    from corridors.routing.sensitivity import sensitivity

    scenario = load_scenario(SHIPPED, network, params)
    result = sensitivity(network, scenario, params)
    args = ("compare", str(SHIPPED), "--sensitivity")
    doc = json.loads(_run(cache, *args, "--json"))
    rows = list(csv.DictReader(io.StringIO(_run(cache, *args, "--csv"))))
    _rounding_would_show([s.gap_low for s in result.swings] + [result.base_gap])
    assert doc["base_gap_usd_per_t"] == result.base_gap
    assert doc["base_cost_usd_per_t"] == result.base_costs
    for record, row, swing in zip(doc["parameters"], rows, result.swings, strict=True):
        assert record["parameter"] == row["parameter"] == swing.name
        assert record["gap_usd_per_t_at_low"] == float(row["gap_at_low"]) == swing.gap_low
        assert record["gap_usd_per_t_at_high"] == float(row["gap_at_high"]) == swing.gap_high
