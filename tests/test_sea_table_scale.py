"""Many sea ports: the table is refused by counting ports, never by listing every pair."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import generate  # noqa: E402

from corridors.network import seatable  # noqa: E402


def test_many_ports_give_the_same_answer_without_listing_pairs(monkeypatch) -> None:  # noqa: ANN001
    atlas = generate.load(generate.generate(2000, seed=3))
    _, pairs = seatable.table_request(atlas)
    involved = len({end for pair in pairs for end in pair})
    assert involved > seatable.MAX_OPEN_SEA_PORTS

    def no_pairs(atlas):  # noqa: ANN001, ANN202
        raise AssertionError("every pair was listed")

    monkeypatch.setattr(seatable, "table_request", no_pairs)
    table = seatable.build_sea_table(atlas)
    assert table.problems == {
        "": f"{involved} sea ports, more than {seatable.MAX_OPEN_SEA_PORTS}: "
        "no open-sea edges were computed"
    }
    assert table.ports == seatable.sea_ports(atlas)
