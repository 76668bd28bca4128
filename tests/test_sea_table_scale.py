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


def _involved_by_every_pair(atlas, ports, named) -> set[int]:  # noqa: ANN001
    """The ports with a partner, found by looking at every other port (the definition)."""
    return {
        i
        for i, first in enumerate(ports)
        if any(
            i != j
            and frozenset((first, second)) not in named
            and not seatable.closed_sea(atlas, first, second)
            for j, second in enumerate(ports)
        )
    }


def test_involved_ports_match_the_definition_on_random_atlases() -> None:
    import random
    from types import SimpleNamespace

    rng = random.Random(13)
    for _ in range(300):
        count = rng.randint(1, 9)
        ports = [f"p{k}" for k in range(count)]
        countries = rng.choice([("PRK", "KOR"), ("PRK", "KOR", "RUS"), ("KOR",), ("RUS", "CHN")])
        places = {p: SimpleNamespace(country=rng.choice(countries)) for p in ports}
        pairs = [(a, b) for a in ports for b in ports if a < b]
        named = {frozenset(pair) for pair in pairs if rng.random() < rng.random()}
        named |= {frozenset((p, "inland")) for p in ports if rng.random() < 0.2}
        atlas = SimpleNamespace(places=places)
        assert seatable._involved_ports(atlas, ports, named) == _involved_by_every_pair(
            atlas, ports, named
        )
