"""Status in time: corridor histories, validated; routes over the network of one day.

The shipped atlas answers the article's journey (Khasan -> Pohang: in service in 2015, its sea
lane suspended since 2016); a factory atlas with histories written here checks each rule and
each validation error on real files.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from atlas_factory import write_atlas
from cli_runner import corridors_cli

from corridors.atlas.read import load_atlas
from corridors.atlas.timeline import built_on, event_day, in_service_on, state_on, status_on
from corridors.errors import AtlasError, NoRouteError
from corridors.network.cache import decode_network, encode_network
from corridors.network.index import Network, build_index
from corridors.routing.options import make_options
from corridors.routing.route import route
from corridors.routing.search import _edge_costs
from corridors.routing.shipments import route_leg

LANE = "Rajin port Pier 3 - Pohang sea lane"
SOURCE = ["test-source"]


@pytest.fixture(scope="module")
def shipped() -> Network:
    atlas = load_atlas(None)
    return Network(atlas, build_index(atlas=atlas))


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(tmp_path / "cache"))


# --- the shipped atlas, through the command line ------------------------------------------


def test_khasan_pohang_today_prints_the_route_and_one_warning() -> None:
    done = corridors_cli("route", "Khasan", "Pohang", env={"COLUMNS": "250"})
    assert done.returncode == 0, done.stderr
    assert "suspended (not in service)" in done.stdout and "total:" in done.stdout
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("warning: not in service")
    assert LANE in done.stderr and "since 2016-03-08" in done.stderr
    result = json.loads(corridors_cli("route", "Khasan", "Pohang", "--json").stdout)
    assert [leg["status"] for leg in result["legs"]] == ["operating", "suspended"]
    assert [leg["in_service"] for leg in result["legs"]] == [True, False]
    assert len(result["warnings"]) == 1 and LANE in result["warnings"][0]
    assert result["as_of"] == datetime.date.today().isoformat()


def test_khasan_pohang_in_2015_is_the_same_route_all_in_service() -> None:
    today = json.loads(corridors_cli("route", "Khasan", "Pohang", "--json").stdout)
    done = corridors_cli("route", "Khasan", "Pohang", "--as-of", "2015-05-01", "--json")
    assert done.returncode == 0 and done.stderr == ""
    then = json.loads(done.stdout)
    assert [leg["corridor"] for leg in then["legs"]] == [leg["corridor"] for leg in today["legs"]]
    assert then["distance_km"] == today["distance_km"]
    assert [leg["status"] for leg in then["legs"]] == ["operating", "pilot"]
    assert then["warnings"] == [] and then["as_of"] == "2015-05-01"
    plain = corridors_cli("route", "Khasan", "Pohang", "--as-of", "2015-05-01")
    assert plain.returncode == 0 and plain.stderr == "" and "not in service" not in plain.stdout


def _subprocess_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CORRIDORS_CACHE_DIR=str(tmp_path / "c"))
    env.pop("CORRIDORS_ATLAS", None)
    return subprocess.run(
        [sys.executable, "-m", "corridors.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_in_service_refuses_the_suspended_lane(tmp_path: Path) -> None:
    """Without the suspended Rajin - Pohang lane, Khasan - Pohang sails by open sea through a
    Russian port (never Rajin - ROK by open sea): exit 0, the lane unused, the port call warned."""
    done = _subprocess_cli(tmp_path, "route", "Khasan", "Pohang", "--in-service", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert "sea_rajin_pohang" not in [leg["corridor"] for leg in result["legs"]]
    assert all(leg["in_service"] for leg in result["legs"])
    assert [w for w in result["warnings"] if "changes ship" in w]


def test_in_service_with_no_way_left_exits_1_naming_the_leg(tmp_path: Path) -> None:
    """Baengmagoji - Seoul by rail runs only over the suspended Gyeongwon section."""
    done = _subprocess_cli(
        tmp_path, "route", "Baengmagoji", "Seoul", "--modes", "rail", "--in-service"
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: no route")
    assert "suspended" in done.stderr and "drop --in-service" in done.stderr
    plain = _subprocess_cli(tmp_path, "route", "Baengmagoji", "Seoul", "--modes", "rail")
    assert plain.returncode == 0 and "warning: not in service" in plain.stderr


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["--as-of", "2015-13-01"], "--as-of '2015-13-01' is not a real day"),
        (["--as-of", "2015-05"], "write YYYY-MM-DD"),
        (["--as-of", "yesterday"], "write YYYY-MM-DD"),
        (["--in-service", "--include-proposed"], "give one of them"),
    ],
)
def test_bad_day_or_contradicting_flags_exit_2(args: list[str], phrase: str) -> None:
    for command in (["route", "Khasan", "Pohang"], ["matrix", "--places", "Rajin,Pohang"]):
        done = corridors_cli(*command, *args)
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.count("\n") == 1 and phrase in done.stderr, done.stderr


def test_matrix_and_table_use_the_day() -> None:
    today = corridors_cli("matrix", "--places", "Rajin,Pohang", "--csv")
    strict = corridors_cli("matrix", "--places", "Rajin,Pohang", "--csv", "--in-service")
    assert today.returncode == strict.returncode == 0
    used = float(today.stdout.splitlines()[1].split(",")[2])  # the suspended lane
    detour = float(strict.stdout.splitlines()[1].split(",")[2])  # via a Russian port
    assert detour > used
    rows = json.loads(corridors_cli("table", "--as-of", "2015-05-01", "--json").stdout)
    pohang = next(r for r in rows if (r["from"], r["to"]) == ("rajin_port", "pohang"))
    assert pohang["statuses"] == ["pilot"] and pohang["as_of"] == "2015-05-01"


def test_shipped_histories_are_truthful(shipped: Network) -> None:
    corridors = shipped.atlas.corridors
    day = datetime.date(2026, 1, 1)
    for trunk in (
        "tkr_rajin_chongjin",
        "pyongra_pyongyang_kowon",
        "pyongbu_pyongyang_kaesong",
        "kangwon_kowon_pyonggang",
        "tkr_anbyon_kumgangsan",
    ):
        assert status_on(corridors[trunk], day) == "operating"
    gap = corridors["gyeongwon_pyonggang_baengmagoji"]
    assert status_on(gap, day) == "closed" and not built_on(gap, day)
    kaesong = corridors["gyeongui_kaesong_dorasan"]
    assert in_service_on(kaesong, datetime.date(2008, 6, 1))
    assert status_on(kaesong, datetime.date(2008, 12, 1)) == "closed" and built_on(kaesong, day)
    assert status_on(corridors["donghae_bukbu_jejin_gangneung"], day) == "under_construction"
    assert all(c.history for c in corridors.values())


def test_every_shipment_leg_routes_on_its_start_date(shipped: Network) -> None:
    for shipment in shipped.atlas.shipments.values():
        for leg in shipment.legs:
            result = route_leg(shipped, leg)
            assert result.as_of == event_day(leg.start_date)
            assert all(step.in_service for step in result.legs), (shipment.id, leg)


# --- rules on a factory atlas with histories -------------------------------------------


def _factory(tmp_path: Path, edit) -> Path:  # noqa: ANN001 - a function of the corridor docs
    root = write_atlas(tmp_path / "atlas")
    docs = {}
    for name in ("rail", "sea", "power"):
        path = root / "corridors" / f"{name}.geojson"
        docs[name] = json.loads(path.read_text())
    edit({f["properties"]["id"]: f["properties"] for d in docs.values() for f in d["features"]})
    for name, doc in docs.items():
        (root / "corridors" / f"{name}.geojson").write_text(json.dumps(doc))
    return root


def _histories(props: dict) -> None:
    lane = props["rajin_pohang"]
    lane["status"], lane["status_year"] = "suspended", 2016
    lane["history"] = [
        {"date": "2014-11-27", "status": "pilot", "sources": SOURCE},
        {"date": "2016-03", "status": "suspended", "sources": SOURCE},
    ]
    rail = props["rajin_chongjin"]
    rail["status"], rail["status_year"] = "closed", 2015
    rail["history"] = [
        {"date": "1965", "status": "operating", "sources": SOURCE},
        {"date": "2015-01-01", "status": "closed", "built": False, "sources": SOURCE},
    ]


def test_status_on_a_day(tmp_path: Path) -> None:
    atlas = load_atlas(_factory(tmp_path, _histories))
    lane, rail = atlas.corridors["rajin_pohang"], atlas.corridors["rajin_chongjin"]
    assert state_on(lane, datetime.date(2014, 11, 26)) is None  # before its first event
    assert status_on(lane, datetime.date(2014, 11, 27)) == "pilot"
    assert status_on(lane, datetime.date(2016, 2, 29)) == "pilot"
    state = state_on(lane, datetime.date(2016, 3, 1))  # a month counts from its first day
    assert state is not None and (state.status, state.built, state.in_service) == (
        "suspended",
        True,
        False,
    )
    assert status_on(rail, datetime.date(1965, 1, 1)) == "operating"
    assert not built_on(rail, datetime.date(2020, 1, 1))
    khasan = atlas.corridors["khasan_rajin"]  # no history: its status on every day
    assert status_on(khasan, datetime.date(1900, 1, 1)) == "operating"


def test_include_closed_and_include_proposed_are_separate(tmp_path: Path) -> None:
    def edit(props: dict) -> None:
        _histories(props)
        props["power_khasan_rajin"]["history"] = [
            {"date": "2001", "status": "proposed", "sources": SOURCE}
        ]

    root = _factory(tmp_path, edit)
    proposed = corridors_cli("route", "Khasan", "Chongjin", "--include-proposed", atlas=root)
    assert proposed.returncode == 1 and "set --include-closed" in proposed.stderr
    closed = corridors_cli("route", "Khasan", "Chongjin", "--include-closed", "--json", atlas=root)
    assert closed.returncode == 0, closed.stderr
    leg = json.loads(closed.stdout)["legs"][-1]
    assert (leg["status"], leg["built"], leg["in_service"]) == ("closed", False, False)
    power = ["route", "Khasan", "Rajin", "--modes", "power"]
    assert corridors_cli(*power, "--include-closed", atlas=root).returncode == 1
    assert corridors_cli(*power, "--include-proposed", atlas=root).returncode == 0
    older = corridors_cli("route", "Khasan", "Chongjin", "--as-of", "2014-12-31", atlas=root)
    assert older.returncode == 0 and older.stderr == ""  # operating before it closed


def test_a_corridor_is_absent_before_its_first_event(tmp_path: Path) -> None:
    root = _factory(tmp_path, _histories)
    every = ["--include-proposed"]
    before = corridors_cli("route", "Khasan", "Pohang", "--as-of", "2014-11-26", *every, atlas=root)
    assert before.returncode == 1 and "on 2014-11-26" in before.stderr
    after = corridors_cli("route", "Khasan", "Pohang", "--as-of", "2014-11-27", atlas=root)
    assert after.returncode == 0 and after.stderr == ""
    network = Network(load_atlas(root), build_index(atlas=load_atlas(root)))
    with pytest.raises(NoRouteError):
        route(network, "Khasan", "Pohang", as_of="2014-11-26", include_closed=True)


def test_history_survives_the_cache(tmp_path: Path) -> None:
    root = _factory(tmp_path, _histories)
    atlas = load_atlas(root)
    network = Network(atlas, build_index(atlas=atlas))
    data = b"".join(encode_network(network, root=root))
    again = decode_network(data, root=root, fingerprint=atlas.fingerprint)
    assert again.atlas.corridors["rajin_pohang"].history == atlas.corridors["rajin_pohang"].history
    assert again.atlas.corridors["rajin_chongjin"].history[-1].built is False
    assert again.index.corridor_timelines == network.index.corridor_timelines
    options = make_options(as_of="2015-05-01")
    assert route(again, "Khasan", "Pohang", options) == route(network, "Khasan", "Pohang", options)


@pytest.mark.parametrize("day", ["1960-01-01", "2008-06-01", "2015-05-01", "2030-01-01"])
@pytest.mark.parametrize("flags", [{}, {"in_service": True}, {"include_closed": True}])
def test_vectorised_edge_costs_equal_the_loop(shipped: Network, day: str, flags: dict) -> None:
    for by in ("distance", "time"):
        options = make_options(as_of=day, by=by, **flags)
        loop = _edge_costs(shipped.index, options, vector=False)
        assert _edge_costs(shipped.index, options, vector=True) == loop


def _set(field: str, value: object):  # noqa: ANN202
    def edit(props: dict) -> None:
        _histories(props)
        target = props["rajin_pohang"]
        if field.startswith("history["):
            number, key = field[len("history[") :].split("].")
            event = target["history"][int(number)]
            if value is None:
                event.pop(key)
            else:
                event[key] = value
        else:
            target[field] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "phrase"),
    [
        (_set("history[1].date", "2016-13"), "field 'history[1].date': '2016-13' is not a real"),
        (_set("history[1].date", "2014-02-30"), "is not a real date"),
        (_set("history[1].date", "2014-11"), "history[1].date': 2014-11 is not after"),
        (_set("history[1].date", "2014-11-27"), "strictly increasing"),
        (_set("history[0].status", "open"), "field 'history[0].status': 'open' is not one of"),
        (_set("history[0].sources", ["nobody"]), "'nobody' is not in sources.json"),
        (_set("history[0].sources", []), "history[0].sources': must be a non-empty list"),
        (_set("history[0].sources", None), "history[0].sources': must be a non-empty list"),
        (_set("history[0].built", False), "only a 'closed' event may say whether"),
        (_set("history[0].when", "x"), "field 'history[0].when': unknown key"),
        (_set("status", "operating"), "field 'status': 'operating' differs from the last"),
        (_set("status_year", 2015), "field 'status_year': 2015 is before the last history"),
        (_set("history", []), "field 'history': must be a non-empty list"),
    ],
)
def test_history_errors_are_one_line_exit_2(tmp_path: Path, edit, phrase: str) -> None:  # noqa: ANN001
    root = _factory(tmp_path, edit)
    with pytest.raises(AtlasError, match="sea.geojson: feature 0 \\('rajin_pohang'\\)"):
        load_atlas(root)
    done = corridors_cli("list", "corridors", atlas=root)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and phrase in done.stderr, done.stderr
