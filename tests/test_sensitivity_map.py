"""compare --sensitivity (arithmetic of the swings, ranking changes) and compare --map (the
alternatives drawn; hostile names stay text in a real browser)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import corridors_cli

from corridors.network.load import load_network
from corridors.paths import bundled_atlas_dir
from corridors.routing.cost_params import resolve_params
from corridors.routing.scenario import compare, load_scenario
from corridors.routing.sensitivity import sensitivity

SHIPPED = bundled_atlas_dir() / "scenarios" / "kuzbass-korea.toml"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))


def _setup(path: Path = SHIPPED):
    network = load_network(quiet=True)
    params = resolve_params(source_ids=network.atlas.sources)
    return network, params, load_scenario(path, network, params)


def test_swings_by_hand() -> None:
    """Only the Rajin alternative crosses a border: the border fee moves Rajin's gap by exactly
    its range; the discharge fee is paid alike by every alternative and moves nothing."""
    network, params, scenario = _setup()
    names = ["border.usd_per_t", "port.discharge_usd_per_t", "rail_prk.usd_per_tkm"]
    result = sensitivity(network, scenario, params, focus="Rajin", names=names)
    swing = {s.name: s for s in result.swings}
    border = swing["border.usd_per_t"]
    assert border.gap_high - border.gap_low == pytest.approx(border.high - border.low)
    assert swing["port.discharge_usd_per_t"].width == pytest.approx(0, abs=1e-9)
    # DPRK track: the Khasan - Rajin leg's km times the tariff range, per tonne
    rajin = [o for o in compare(network, scenario, params) if o.alternative == "Rajin"][0]
    prk_km = sum(i.km for i in rajin.costed.items if i.group == "rail_prk")
    prk = swing["rail_prk.usd_per_tkm"]
    assert prk.gap_high - prk.gap_low == pytest.approx(prk_km * (prk.high - prk.low))
    assert [s.name for s in result.swings] == sorted(names, key=lambda n: -swing[n].width)


def test_ranking_change_detected(tmp_path: Path) -> None:
    """Vladivostok's handling made dearer by 2 USD/t: Vostochny is cheapest at the base, and
    dearer Russian rail (Vostochny's rail haul is longer) turns the order round."""
    text = SHIPPED.read_text().replace(
        'via = ["Vladivostok"]', 'via = ["Vladivostok"]\nset = { "transfer.usd_per_t" = 14 }'
    )
    path = tmp_path / "s.toml"
    path.write_text(text)
    network, params, scenario = _setup(path)
    result = sensitivity(network, scenario, params, focus="Vladivostok")
    assert result.base_order[0] == "Vostochny"
    rail = {s.name: s for s in result.swings}["rail_rus.usd_per_tkm"]
    assert rail.changes_ranking and rail.order_high[0] == "Vladivostok"
    # the same order as compare gives with that value set
    again = compare(network, scenario, params.with_values({"rail_rus.usd_per_tkm": rail.high}))
    pohang = {o.alternative: o.costed.cost_usd_per_t for o in again if o.destination == "pohang"}
    assert tuple(sorted(pohang, key=pohang.get)) == rail.order_high  # type: ignore[arg-type]
    transfer = {s.name: s for s in result.swings}["transfer.usd_per_t"]
    # Vladivostok keeps its own 14 USD/t; the cheapest other pays the varied fee, 1:1
    assert transfer.gap_low - transfer.gap_high == pytest.approx(transfer.high - transfer.low)


def test_sensitivity_cli_json_csv_chart(tmp_path: Path) -> None:
    done = corridors_cli("compare", str(SHIPPED), "--sensitivity", "--json", "--focus", "Rajin")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["focus"] == "Rajin" and doc["destination"] == "pohang"
    assert not any(p["parameter"].startswith("sea_handysize") for p in doc["parameters"])
    bad = corridors_cli("compare", str(SHIPPED), "--sensitivity", "--focus", "Nampo")
    assert bad.returncode == 2 and "--focus must be one of" in bad.stderr
    pytest.importorskip("matplotlib")
    stem = tmp_path / "tornado"
    chart = corridors_cli(
        "compare", str(SHIPPED), "--sensitivity", "--destination", "Dangjin", "--chart", str(stem)
    )
    assert chart.returncode == 0, chart.stderr
    assert stem.with_suffix(".png").stat().st_size > 1000
    assert b"<svg" in stem.with_suffix(".svg").read_bytes()


HOSTILE = "<img src=x onerror=alert(1)> {{ 7*7 }} </script>"


def test_scenario_map_hostile_names_are_text(tmp_path: Path, offline_page) -> None:
    text = SHIPPED.read_text().replace('name = "Rajin"', f"name = {json.dumps(HOSTILE)}", 1)
    path = tmp_path / "s.toml"
    path.write_text(text)
    out = tmp_path / "alt.html"
    done = corridors_cli("compare", str(path), "--map", str(out))
    assert done.returncode == 0, done.stderr
    page = offline_page.open(out)
    page.wait_for_timeout(300)
    assert offline_page.problems() == []  # no alert, no image request, no script error
    assert page.locator("img[src=x]").count() == 0
    panel = page.inner_text(".corridors-route-panel")
    assert HOSTILE in panel and "49" not in panel  # shown as written, no template evaluated
    assert "Vostochny" in page.inner_text("body")


def test_flow_map_draws_only_the_flows(tmp_path: Path, offline_page) -> None:
    out = tmp_path / "flow.html"
    done = corridors_cli("flow", str(SHIPPED), "--map", str(out), "--json")
    assert done.returncode == 0, done.stderr
    flows = json.loads(done.stdout)["flows"]
    page = offline_page.open(out)
    page.wait_for_timeout(300)
    assert offline_page.problems() == []
    rows = page.locator(".corridors-route-panel tbody tr")
    assert rows.count() == len(flows)
    panel = page.inner_text(".corridors-route-panel")
    assert "Mt/yr" in panel
    legend = page.inner_text("body")
    used = {f["alternative"] for f in flows}
    for name in ("Rajin", "Vostochny", "Vladivostok"):
        assert (f". {name}" in legend) == (name in used)
