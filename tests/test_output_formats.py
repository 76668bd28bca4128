"""One output convention (issue 14 item 2): every printing command with --json and --csv,
parsed back and compared with what the Python API returns, and the tables people read.

Commands run in this process (:mod:`cli_runner`) on the shipped atlas, each test with its own
cache folder.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from cli_runner import Ran, corridors_cli

from corridors.check import check_atlas
from corridors.cli.output import csv_text
from corridors.geo.geodesy import km_to_nmi
from corridors.network import listing
from corridors.network.load import load_network
from corridors.routing.gaps import empty_cell_reasons
from corridors.routing.matrix import distance_matrix
from corridors.routing.options import make_options
from corridors.routing.route import route
from corridors.routing.table import route_table

DAY = "2015-05-01"  # a fixed day: every status below is that day's, whenever the suite runs


@pytest.fixture(scope="module")
def network():
    return load_network()


def cli(tmp_path: Path, *args: str) -> Ran:
    done = corridors_cli(*args, cache=tmp_path / "cache", env={"COLUMNS": "250"})
    assert "Traceback" not in done.stderr
    return done


def parsed_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def csv_number(cell: str) -> float | None:
    return None if cell == "" else float(cell)


# --- route ----------------------------------------------------------------------------------


def test_route_json_and_csv_are_the_api_result(network, tmp_path: Path) -> None:
    expected = route(network, "Khasan", "Pohang", as_of=DAY, by="time")
    as_json = cli(tmp_path, "route", "Khasan", "Pohang", "--as-of", DAY, "--by", "time", "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == expected.to_dict()
    document = json.loads(as_json.stdout)  # full precision: the API's very floats
    assert (document["distance_km"], document["hours"]) == (expected.distance_km, expected.hours)
    assert [(leg["distance_km"], leg["hours"]) for leg in document["legs"]] == [
        (leg.distance_km, leg.hours) for leg in expected.legs
    ]

    as_csv = cli(tmp_path, "route", "Khasan", "Pohang", "--as-of", DAY, "--by", "time", "--csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = parsed_csv(as_csv.stdout)
    assert len(rows) == len(expected.legs) == 2
    places = network.atlas.places
    for row, leg in zip(rows, expected.legs, strict=True):
        assert (row["from"], row["to"], row["mode"], row["corridor"]) == (
            leg.start,
            leg.end,
            leg.mode,
            leg.corridor,
        )
        assert (row["from_name"], row["to_name"]) == (places[leg.start].name, places[leg.end].name)
        assert float(row["distance_km"]) == leg.distance_km  # full precision: the same float
        assert csv_number(row["hours"]) == leg.hours
        assert row["in_service"] == ("true" if leg.in_service else "false")
        # nautical miles for the sea leg only
        nmi = csv_number(row["distance_nmi"])
        assert nmi == (km_to_nmi(leg.distance_km) if leg.mode == "sea" else None)
    assert [leg["distance_nmi"] is None for leg in json.loads(as_json.stdout)["legs"]] == [
        True,
        False,
    ]


def test_route_table_nautical_miles_for_sea_legs_only(tmp_path: Path) -> None:
    rail = cli(tmp_path, "route", "Khasan", "Rajin")
    assert rail.returncode == 0, rail.stderr
    assert "nmi" not in rail.stdout and "54.2" in rail.stdout
    pipeline = cli(
        tmp_path, "route", "Vladivostok", "pyeongtaek_lng", "--modes", "pipeline",
        "--include-proposed",
    )  # fmt: skip
    assert pipeline.returncode == 0, pipeline.stderr
    assert "nmi" not in pipeline.stdout and "1,132.9" in pipeline.stdout  # thousands separator
    mixed = cli(tmp_path, "route", "Khasan", "Pohang", "--as-of", DAY)
    assert "nmi (sea)" in mixed.stdout
    assert "total: 750.0 km (sea legs 375.7 nmi)" in mixed.stdout


def test_json_and_csv_together_is_one_line_exit_2(tmp_path: Path) -> None:
    commands = (
        ["route", "Khasan", "Rajin"],
        ["list", "places"],
        ["table"],
        ["check"],
        ["cost", "Khasan", "Rajin"],
    )
    for command in commands:
        done = cli(tmp_path, *command, "--json", "--csv")
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr == "error: give --json or --csv, not both\n"


def test_cost_csv_is_the_json_legs_then_the_total(network, tmp_path: Path) -> None:
    args = ("cost", "Khasan", "Pohang", "--tonnes", "40500", "--as-of", DAY)
    record = json.loads(cli(tmp_path, *args, "--json").stdout)
    done = cli(tmp_path, *args, "--csv")
    assert done.returncode == 0, done.stderr
    rows = parsed_csv(done.stdout)
    assert len(rows) == len(record["legs"]) + 1
    for row, leg in zip(rows, [*record["legs"], record], strict=True):
        for key in ("distance_km", "hours", "cost_usd", "co2e_t", "co2e_kg_per_t"):
            assert csv_number(row[key]) == leg[key], (key, row, leg)
    assert rows[-1]["kind"] == "total" and rows[-1]["from"] == record["from"]


# --- list -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(listing.LISTS))
def test_list_json_and_csv_are_the_records(network, tmp_path: Path, kind: str) -> None:
    records = listing.LISTS[kind](network)
    assert records, kind
    as_json = cli(tmp_path, "list", kind, "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == records

    as_csv = cli(tmp_path, "list", kind, "--csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = parsed_csv(as_csv.stdout)
    assert len(rows) == len(records)
    keys = [k for k in records[0] if k not in ("geometry", "area")]
    assert list(rows[0]) == keys
    for row, record in zip(rows, records, strict=True):
        for key in keys:
            value, cell = record[key], row[key]
            if value is None:
                assert cell == ""
            elif isinstance(value, bool):
                assert cell == str(value).lower()
            elif isinstance(value, (int, float)):
                assert float(cell) == value
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                assert cell.split(";") == value if value else cell == ""
            elif isinstance(value, (dict, list)):
                assert json.loads(cell) == value
            else:
                assert cell == value


def test_list_sources_table_and_numbers_for_people(network, tmp_path: Path) -> None:
    sources = cli(tmp_path, "list", "sources")
    assert sources.returncode == 0, sources.stderr
    assert "cherkashin2015" in sources.stdout and "publisher" in sources.stdout
    corridors = cli(tmp_path, "list", "corridors")
    assert "length (km)" in corridors.stdout and "published (km)" in corridors.stdout
    pipeline = network.atlas.corridors["trans_korean_gas_pipeline"]
    assert f"{pipeline.reported_length_km:,.1f}" in corridors.stdout  # "1,100.0", not 1100.0
    lengths = listing.corridor_lengths_km(network)
    assert f"{lengths['trans_korean_gas_pipeline']:,.1f}" in corridors.stdout
    assert f"{lengths['trans_korean_gas_pipeline']:.3f}" not in corridors.stdout  # raw float
    shipments = cli(tmp_path, "list", "shipments")
    assert "cargo (t)" in shipments.stdout and "40,500" in shipments.stdout


def test_unknown_list_kind_names_sources(tmp_path: Path) -> None:
    done = cli(tmp_path, "list", "ships")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "programmes or sources" in done.stderr


# --- matrix ---------------------------------------------------------------------------------

MATRIX_PLACES = "Rajin,Pohang,Chongjin,Khasan,Seoul"
MATRIX_ARGS = ("--places", MATRIX_PLACES, "--as-of", "2010-01-01", "--in-service")


def test_matrix_json_and_csv_are_the_api_result(network, tmp_path: Path) -> None:
    options = make_options(as_of="2010-01-01", in_service=True)
    expected = distance_matrix(network, MATRIX_PLACES.split(","), options, quiet=True)
    reasons = empty_cell_reasons(network, expected, options)
    assert reasons, "the chosen day must leave cells empty, or this test shows nothing"

    as_json = cli(tmp_path, "matrix", *MATRIX_ARGS, "--json")
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["places"] == list(expected.places)
    assert data["names"] == [network.atlas.places[p].name for p in expected.places]
    assert data["values"] == [list(row) for row in expected.values]
    assert {(e["from"], e["to"]): e["reason"] for e in data["empty"]} == {
        (expected.places[i], expected.places[j]): why for (i, j), why in reasons.items()
    }
    assert (data["unit"], data["as_of"]) == ("km", "2010-01-01")

    as_csv = cli(tmp_path, "matrix", *MATRIX_ARGS, "--csv")
    assert as_csv.returncode == 0, as_csv.stderr
    grid = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert grid[0] == ["", *expected.places]
    for row, place, values in zip(grid[1:], expected.places, expected.values, strict=True):
        assert row[0] == place
        assert [csv_number(cell) for cell in row[1:]] == list(values)


def test_matrix_reasons_are_true(network) -> None:
    """Each empty cell's reason is the first widening that fills it, checked by routing."""
    options = make_options(as_of="2010-01-01", in_service=True)
    matrix = distance_matrix(network, MATRIX_PLACES.split(","), options, quiet=True)
    wider = {
        "not_in_service": {"as_of": "2010-01-01"},
        "planned": {"as_of": "2010-01-01", "include_proposed": True},
        "closed": {"as_of": "2010-01-01", "include_proposed": True, "include_closed": True},
    }
    for (i, j), why in empty_cell_reasons(network, matrix, options).items():
        origin, destination = matrix.places[i], matrix.places[j]
        assert why in wider, why
        route(network, origin, destination, **wider[why])  # raises if the reason were false
        narrower = list(wider)[: list(wider).index(why)]
        for step in narrower:
            with pytest.raises(Exception, match="no route"):
                route(network, origin, destination, **wider[step])


def test_matrix_table_has_names_and_a_legend(network, tmp_path: Path) -> None:
    done = cli(tmp_path, "matrix", *MATRIX_ARGS)
    assert done.returncode == 0, done.stderr
    assert "Rajin port Pier 3" in done.stdout and "rajin_port" not in done.stdout
    legend = [" ".join(line.split()) for line in done.stdout.splitlines()[-3:]]
    assert legend == [
        "— same place",
        "plan. only over planned corridors (add --include-proposed)",
        "closed only over closed corridors (add --include-closed)",
    ]
    assert "plan." in done.stdout.split("┃")[-1]  # a marked cell in the body


# --- table and check ------------------------------------------------------------------------


def test_table_json_and_csv_are_the_api_rows(network, tmp_path: Path) -> None:
    rows = route_table(network, as_of=DAY)
    as_json = cli(tmp_path, "table", "--as-of", DAY, "--json")
    assert json.loads(as_json.stdout) == rows
    as_csv = cli(tmp_path, "table", "--as-of", DAY, "--csv")
    assert as_csv.returncode == 0, as_csv.stderr
    printed = parsed_csv(as_csv.stdout)
    assert "distance_nmi" not in printed[0]  # nautical miles for sea legs only: sea_nmi
    for got, row in zip(printed, rows, strict=True):
        assert (got["from"], got["to"], got["modes"]) == (row["from"], row["to"], row["modes"])
        assert float(got["distance_km"]) == row["distance_km"]
        assert csv_number(got["sea_nmi"]) == row["sea_nmi"]
        assert (row["sea_nmi"] is None) == ("sea" not in str(row["modes"]))
        assert got["statuses"].split(";") == row["statuses"]


def test_check_json_and_csv_are_the_report(network, tmp_path: Path) -> None:
    report = check_atlas(network.atlas, network=network)
    as_json = cli(tmp_path, "check", "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == report.to_dict()
    as_csv = cli(tmp_path, "check", "--csv")
    rows = parsed_csv(as_csv.stdout)
    assert len(rows) == len(report.findings) > 100  # every finding, as in JSON
    for row, finding in zip(rows, report.findings, strict=True):
        assert (row["subject"], row["check"], row["message"]) == (
            finding.subject,
            finding.check,
            finding.message,
        )
        assert row["ok"] == ("true" if finding.ok else "false")
        assert (json.loads(row["data"]) if row["data"] else None) == finding.data
    table = cli(tmp_path, "check")
    assert table.stdout == report.summary() + "\n"  # clean: one summary line, no "ok" lines


# --- the CSV writer -------------------------------------------------------------------------


def test_csv_defuses_formulas_and_keeps_numbers() -> None:
    text = csv_text(
        [
            {"name": "=HYPERLINK(1)", "note": "-x", "km": -1.5, "sign": "-2.5", "ok": True},
            {"name": "@SUM(A1)", "note": "+1+1", "km": math.pi, "sign": "plain", "ok": None},
        ]
    )
    rows = parsed_csv(text)
    assert [r["name"] for r in rows] == ["'=HYPERLINK(1)", "'@SUM(A1)"]
    assert [r["note"] for r in rows] == ["'-x", "'+1+1"]
    assert [float(r["km"]) for r in rows] == [-1.5, math.pi]  # full precision
    assert [r["sign"] for r in rows] == ["-2.5", "plain"]
    assert [r["ok"] for r in rows] == ["true", ""]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1+1", "'+1+1"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-inf", "'-inf"),  # float() reads it, a spreadsheet runs it as a name
        ("-1_0", "'-1_0"),
        ("-2.5", "-2.5"),
        ("+1e3", "+1e3"),
        ("-.5", "-.5"),
        ("Rajin", "Rajin"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_one_formula_guard_for_every_csv(cell: str, written: str) -> None:
    # The export's CSV table and every command's --csv use the same guard.
    from corridors._io.spreadsheet import spreadsheet_text
    from corridors.export.table_csv import _cell

    assert spreadsheet_text(cell) == written
    assert _cell(cell) == written
    if "\t" not in cell and "\r" not in cell:  # --csv shows control characters as escapes
        assert parsed_csv(csv_text([{"c": cell}]))[0]["c"] == written
