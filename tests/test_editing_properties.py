"""Property-based tests: random and malformed input never damages the atlas.

Whatever ``add_corridors`` is given (random JSON, random coordinate lists with NaN, infinity
and huge numbers, random bytes, random option strings), either it succeeds and the atlas
still loads with the new corridor in it, or it raises a one-line ``CorridorsError`` and
every atlas file is byte for byte as it was. No other exception may escape.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from atlas_factory import PLACES, write_atlas
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from corridors._io.atomic import LOCK_NAMES
from corridors.atlas.read import load_atlas
from corridors.edit.api import EditResult, add_corridors, remove_corridor
from corridors.errors import CorridorsError

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PLACE_COORDS = [tuple(p["geometry"]["coordinates"]) for p in PLACES]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_atlas(tmp_path_factory.mktemp("template") / "atlas")


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in LOCK_NAMES
    }


def attempt(template: Path, call: Callable[[Path], EditResult]) -> EditResult | None:
    """Run ``call`` on a fresh copy of the atlas and check the invariants."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "atlas"
        shutil.copytree(template, root)
        before = snapshot(root)
        try:
            result = call(root)
        except CorridorsError as exc:
            message = str(exc)
            event(f"refused: {type(exc).__name__}")
            assert message and "\n" not in message and "\r" not in message
            assert snapshot(root) == before, f"atlas changed although add failed: {message}"
            return None
        event("added")
        atlas = load_atlas(root)  # still valid
        for corridor_id in result.corridor_ids:
            assert corridor_id in atlas.corridors
        assert not list(root.rglob("*corridors-tmp*"))
        if result.corridor_ids:  # and removable again, restoring the corridor file
            rail_before = {k: v for k, v in before.items() if k.startswith("corridors/")}
            for corridor_id in result.corridor_ids:
                remove_corridor(corridor_id, atlas=root)
            after = {k: v for k, v in snapshot(root).items() if k.startswith("corridors/")}
            assert {k: v for k, v in after.items() if k in rail_before} == rail_before
        return result


finite_or_not = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.sampled_from([float("nan"), float("inf"), -float("inf"), 1e308, -1e308, 0.0]),
)


@st.composite
def near_place(draw: st.DrawFn) -> list[float]:
    lon, lat = draw(st.sampled_from(PLACE_COORDS))
    jitter = st.floats(min_value=-0.05, max_value=0.05)
    return [lon + draw(jitter), lat + draw(jitter)]


# Khasan - Tumangang over the Friendship Bridge: a valid rail line in the test atlas.
BRIDGE = [[130.6466, 42.4301], [130.644, 42.424], [130.641056, 42.415167], [130.6026, 42.4217]]


@st.composite
def mutated_bridge(draw: st.DrawFn) -> list[Any]:
    """The valid bridge line, jittered, sometimes with one vertex replaced or the order swapped."""
    jitter = st.floats(min_value=-0.002, max_value=0.002)
    line: list[Any] = [[x + draw(jitter), y + draw(jitter)] for x, y in BRIDGE]
    if draw(st.booleans()):
        line[draw(st.integers(0, len(line) - 1))] = draw(position)
    if draw(st.booleans()):
        line = [list(reversed(p)) if isinstance(p, list) else p for p in line]
    return line


position = st.one_of(
    near_place(),
    st.lists(finite_or_not, min_size=0, max_size=4),
    st.tuples(st.floats(-200, 200), st.floats(-100, 100)).map(list),
    st.sampled_from([None, "130,42", True, {}, []]),
)
coordinate_lists = st.one_of(st.lists(position, min_size=0, max_size=7), mutated_bridge())

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=25,
)
geojsonish = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["Feature", "FeatureCollection", "LineString", "Point", "x"]),
        "geometry": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {
                    "type": st.sampled_from(["LineString", "MultiLineString", "Point"]),
                    "coordinates": coordinate_lists,
                }
            ),
        ),
        "properties": st.one_of(
            json_values,
            st.fixed_dictionaries(
                {},
                optional={
                    "id": json_values,
                    "name": json_values,
                    "mode": st.sampled_from(["rail", "sea", "power", "bus", 3]),
                    "status": st.sampled_from(["proposed", "operating", "nope", None]),
                    "from": st.sampled_from(["khasan", "rajin_port", "Najin", "atlantis", 1]),
                    "to": st.sampled_from(["chongjin", "pohang", "tumangang", "x"]),
                    "via": json_values,
                    "sources": json_values,
                    "attributes": json_values,
                    "reported_length_km": json_values,
                },
            ),
        ),
        "features": st.lists(json_values, max_size=3),
    }
)

OPTIONS: dict[str, Any] = {"mode": "rail", "status": "proposed", "source": "test-source"}


@SETTINGS
@given(doc=st.one_of(json_values, geojsonish))
@example(doc="\x00")  # a string is read as a file name: os.stat raised ValueError on NUL
def test_random_json_never_damages_the_atlas(template: Path, doc: Any) -> None:
    attempt(template, lambda root: add_corridors(doc, atlas=root, **OPTIONS))


@SETTINGS
@given(coords=coordinate_lists, mode=st.sampled_from(["rail", "sea", "power", "pipeline"]))
def test_random_coordinates_never_damage_the_atlas(
    template: Path, coords: list[Any], mode: str
) -> None:
    options = {**OPTIONS, "mode": mode}
    attempt(template, lambda root: add_corridors(coords, atlas=root, **options))


@SETTINGS
@given(
    data=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(str.encode),
        st.lists(st.tuples(finite_or_not, finite_or_not), max_size=5).map(
            lambda rows: "".join(f"{a},{b}\n" for a, b in rows).encode()
        ),
        st.lists(st.tuples(st.floats(120, 140), st.floats(30, 45)), max_size=5).map(
            lambda rows: ("LINESTRING (" + ", ".join(f"{a} {b}" for a, b in rows) + ")").encode()
        ),
    ),
    suffix=st.sampled_from([".geojson", ".csv", ".wkt", ".txt", ""]),
)
def test_random_files_never_damage_the_atlas(template: Path, data: bytes, suffix: str) -> None:
    def call(root: Path) -> EditResult:
        path = root.parent / f"input{suffix}"
        path.write_bytes(data)
        return add_corridors(path, atlas=root, **OPTIONS)

    attempt(template, call)


@SETTINGS
@given(
    name=st.one_of(st.none(), st.text(max_size=20)),
    corridor_id=st.one_of(st.none(), st.text(max_size=12), st.just("khasan_rajin")),
    mode=st.one_of(st.just("rail"), st.just("power"), st.text(max_size=6)),
    status=st.one_of(st.just("proposed"), st.just("closed"), st.text(max_size=8)),
    source=st.one_of(
        st.just("test-source"), st.text(max_size=30), st.just("https://example.org/x y")
    ),
    snap_m=st.one_of(
        st.just(2000.0),
        st.just(2000.0),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(-5, 10**6),
    ),
    new_places=st.one_of(st.just([]), st.lists(st.text(max_size=10), max_size=2)),
)
def test_random_options_never_damage_the_atlas(
    template: Path,
    name: str | None,
    corridor_id: str | None,
    mode: str,
    status: str,
    source: str | None,
    snap_m: float,
    new_places: list[str],
) -> None:
    def call(root: Path) -> EditResult:
        return add_corridors(
            BRIDGE,
            atlas=root,
            name=name,
            corridor_id=corridor_id,
            mode=mode,
            status=status,
            source=source,
            snap_m=snap_m,
            new_places=new_places,
        )

    attempt(template, call)
