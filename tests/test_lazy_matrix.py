"""A matrix answered from the route file (routing/lazy_matrix.py) is the full path's matrix.

On the shipped atlas (copied) and a generated one (the benchmarks' grid with the shipped atlas
merged in, and parallel lines), random sets of places, places served only by planned or
closed corridors among them, are computed under several option sets by the full network
(:func:`corridors.routing.matrix.distance_matrix` and
:func:`corridors.routing.gaps.empty_cell_reasons`) and from the route view: the names, every
number (bit for bit) and every empty cell's reason must be identical; and the command prints
the same bytes either way, without loading the network.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from cli_runner import corridors_cli
from test_lazy_route import (  # noqa: F401 - prepared: the fixture
    OPTIONS,
    generate,
    prepared,
    route_files_at_every_size,
    without_full_load,
)

from corridors.network.index import Network
from corridors.routing.gaps import empty_cell_reasons
from corridors.routing.lazy_matrix import cached_matrix
from corridors.routing.matrix import distance_matrix
from corridors.routing.options import make_options


def _only_off_service(network: Network) -> list[str]:
    """Places with nodes whose every corridor is planned, suspended or closed."""
    used: dict[str, set[str]] = {}
    for corridor in network.atlas.corridors.values():
        for stop in corridor.stops:
            used.setdefault(stop, set()).add(corridor.status)
    return [
        place
        for place, statuses in used.items()
        if network.nodes_of(place) and not statuses & {"operating", "pilot"}
    ]


def test_lazy_matrices_equal_full_matrices(prepared: tuple[Path, Network]) -> None:  # noqa: F811
    root, network = prepared
    connected = [p for p in network.atlas.places if network.nodes_of(p)]
    off = _only_off_service(network)
    assert off, "the comparison needs places served only by corridors out of service"
    draw = random.Random(11)
    empty = filled = 0
    for round_ in range(4):
        places = draw.sample(connected, min(6, len(connected))) + draw.sample(off, 1)
        draw.shuffle(places)
        for values in OPTIONS.values():
            options = make_options(**values)
            full = distance_matrix(network, places, options, quiet=True)
            reasons = empty_cell_reasons(network, full, options)
            found = cached_matrix(root, ",".join(places), options, quiet=True)
            assert found is not None, "the route file did not answer"
            names, lazy, lazy_reasons = found
            assert names == [network.atlas.places[p].name for p in full.places]
            assert lazy.places == full.places and lazy.unit == full.unit
            assert json.dumps(lazy.values) == json.dumps(full.values), (round_, values)
            assert lazy_reasons == reasons, (round_, values)
            cells = [v for row in full.values for v in row]
            empty += cells.count(None)
            filled += len(cells) - cells.count(None)
    assert empty > 20 and filled > 200  # both kinds of cell were compared


def test_cli_matrix_answers_identically_from_the_route_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = generate.write(generate.generate(800, seed=8), tmp_path / "atlas")
    cache = tmp_path / "cache"
    route_files_at_every_size(monkeypatch)
    args = ("matrix", "--places", "g0_0,g6_5,g3_7,g9_2,khasan,pohang")
    for extra in (("--json",), ("--csv",), (), ("--in-service",), ("--by", "time")):
        first = corridors_cli(*args, *extra, atlas=root, cache=cache, env={"COLUMNS": "200"})
        assert list(cache.glob("route-v*.cnet"))
        lazy = without_full_load(monkeypatch, *args, *extra, atlas=root, cache=cache)
        assert first.returncode == lazy.returncode == 0, lazy.stderr
        assert (lazy.stdout, lazy.stderr) == (first.stdout, first.stderr)
