"""Names in Hangul, Cyrillic and Han: the atlas's ``names``, their checks, and look-up that is
accent-, case- and script-aware (issue 14 item 4)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from atlas_factory import place
from cli_runner import corridors_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from corridors.atlas.names import place_index, resolve_corridor, resolve_place
from corridors.atlas.read import load_atlas
from corridors.atlas.scripts import fold, hangul_stem, script_problem
from corridors.errors import AmbiguousNameError, AtlasError, UnknownPlaceError

REPO = Path(__file__).resolve().parents[1]
GEO = REPO / "geo"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("Tŭmangang", "Tumangang"),
        ("TUMANGANG", "tumangang"),
        ("Tumen'", "Tumen"),
        ("Tumen\u2019", "tumen"),
        ("P'yŏngyang", "Pyongyang"),
        ("Hongŭi", "Hongui"),
        ("Ｐｏｈａｎｇ", "Pohang"),  # full-width forms (NFKC)
        ("rajin_port", "Rajin port"),
        ("Подъём", "Подъем"),
        ("ХАСАН", "Хасан"),
        ("나진 항", "나진항"),
        ("나진-하산", "나진하산"),
        ("\u1102\u1161\u110c\u1175\u11ab", "나진"),  # conjoining jamo (NFD) = precomposed
    ],
)
def test_fold_makes_spellings_equal(typed: str, written: str) -> None:
    assert fold(typed) == fold(written)


@pytest.mark.parametrize(("one", "other"), [("Йошкар", "Иошкар"), ("Rajin", "Rajin port")])
def test_fold_keeps_names_apart(one: str, other: str) -> None:
    """Cyrillic й keeps its breve (it is a letter of its own, not an accent)."""
    assert fold(one) != fold(other)


def _fold_as_documented(text: str) -> str:
    """The rule of ``corridors.atlas.scripts`` written plainly, every letter looked up: what
    :func:`fold`, which looks a letter's script up only when a mark follows it, must equal."""
    import re
    import unicodedata

    kept, latin = [], False
    for char in unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold()):
        if not unicodedata.combining(char):
            latin = "a" <= char <= "z" or unicodedata.name(char, "").startswith("LATIN")
        elif latin:
            continue
        kept.append(char)
    folded = unicodedata.normalize("NFC", "".join(kept)).replace("ё", "е")
    folded = re.sub("['\u2018\u2019\u02bc\u02bb\u02b9\u0060\u00b4]", "", folded)
    folded = re.sub(r"[\s_\-\u2010-\u2015\u2212]+", " ", folded).strip()
    if re.search("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]", folded):
        folded = folded.replace(" ", "")
    return folded


_NAME_CHARS = st.sampled_from(list("aZ _-'’ŭŏéÅß́̆̈ёйЁХасан나진항역난ㄱＰｆﬁΩ"))


@settings(max_examples=400, deadline=None)
@given(st.text(_NAME_CHARS, max_size=12) | st.text(max_size=12))
def test_fold_is_its_documented_rule(text: str) -> None:
    """Marks after Latin letters dropped, kept after any other letter or at the start; Hangul
    names lose their spaces; on any text, the sampled alphabet's and arbitrary Unicode."""
    assert fold(text) == _fold_as_documented(text)


@pytest.mark.parametrize(
    ("key", "stem"),
    [
        ("나진항", "나진"),
        ("포항역", "포항"),
        ("길주청년역", "길주"),
        ("라진구역", "라진"),
        ("포항", None),
        ("역", None),
    ],
)
def test_hangul_stem_drops_only_a_suffix_leaving_two_syllables(key: str, stem: str | None) -> None:
    assert hangul_stem(key) == stem


@pytest.mark.parametrize(
    ("language", "text", "problem"),
    [
        ("ko", "나진항", None),
        ("ko", "POSCO 포항제철소", None),
        ("ko", "羅津港 나진항", None),
        ("ru", "Раджин", None),
        ("zh", "罗津港", None),
        ("ko", "Раджин", "not a letter of a ko name"),
        ("ru", "Rajin", "has no Cyrillic letter"),
        ("zh", "나진", "not a letter of a zh name"),
        ("ru", "Рад\u200bжин", "invisible format character U+200B"),
    ],
)
def test_script_problem(language: str, text: str, problem: str | None) -> None:
    found = script_problem(language, text)
    assert found is None if problem is None else problem in (found or "")


# The shipped atlas: every place has Korean and Russian names, every name is sourced or an
# estimate, and the CLI finds places by them.


def test_every_shipped_place_has_korean_and_russian_names() -> None:
    atlas = load_atlas(GEO)
    for shipped in atlas.places.values():
        languages = {n.language for n in shipped.names}
        assert {"ko", "ru"} <= languages, shipped.id
        for entry in shipped.names:
            assert entry.sources or entry.estimate, (shipped.id, entry.language)
            assert all(s in atlas.sources for s in entry.sources)
    for cid in ("khasan_rajin", "tkr_rajin_chongjin", "gyeongbu_seoul_busan"):
        assert {"ko", "ru"} <= {n.language for n in atlas.corridors[cid].names}


@pytest.mark.parametrize(
    ("native", "english"),
    [
        (("Хасан", "포항"), ("Khasan", "Pohang")),
        (("나진", "Pohang"), ("Rajin", "Pohang")),
        (("Туманган", "부산 항"), ("Tumangang", "Busan")),
        (("罗津港", "Пхохан"), ("Rajin port", "Pohang")),
    ],
)
def test_route_by_native_names_equals_route_by_english(
    native: tuple[str, str], english: tuple[str, str], cache: Path
) -> None:
    by_native = corridors_cli("route", *native, "--json", atlas=GEO, cache=cache)
    by_english = corridors_cli("route", *english, "--json", atlas=GEO, cache=cache)
    assert by_native.returncode == 0, by_native.stderr
    assert json.loads(by_native.stdout) == json.loads(by_english.stdout)


@pytest.mark.parametrize(
    ("typed", "place_id"),
    [
        ("Tŭmangang", "tumangang"),
        ("Tumen'", "tumangang"),
        ("두만강", "tumangang"),
        ("나진역", "rajin_station"),
        ("나진 역", "rajin_station"),
        ("라진항", "rajin_port"),
        ("포항역", "pohang_station"),
        ("포항", "pohang"),
        ("태화강", "ulsan"),
        ("길주", "kilju"),
        ("길주청년", "kilju"),  # stem of 길주청년역 (no label says 길주청년)
        ("Хасан", "khasan"),
        ("раджин", "rajin_port"),
        ("哈桑", "khasan"),
    ],
)
def test_shipped_names_resolve(typed: str, place_id: str) -> None:
    assert resolve_place(load_atlas(GEO), typed) == place_id


def test_shared_line_name_is_an_ambiguity_listing_the_corridors() -> None:
    with pytest.raises(AmbiguousNameError) as raised:
        resolve_corridor(load_atlas(GEO), "평라선")
    message = str(raised.value)
    assert "'평라선' names 5 corridors" in message
    assert "(tkr_rajin_chongjin)" in message and "\n" not in message


# A test atlas: ambiguity, and bad names refused in one line.


def _write(root: Path, places: list[dict[str, Any]]) -> Path:
    from atlas_factory import write_atlas

    write_atlas(root)
    doc = json.loads((root / "places.geojson").read_text(encoding="utf-8"))
    doc["features"].extend(places)
    (root / "places.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return root


def _names(**languages: Any) -> dict[str, Any]:
    return {"names": languages}


def _ko(name: str) -> dict[str, Any]:
    return {"name": name, "sources": ["test-source"]}


def test_a_stem_two_places_share_is_refused_naming_both(tmp_path: Path, cache: Path) -> None:
    root = _write(
        tmp_path / "atlas",
        [
            place(
                "najin_st",
                "Najin station",
                130.30,
                42.25,
                **_names(ko={"name": "나진역", "sources": ["test-source"]}),
            ),  # fmt: skip
            place(
                "najin_pt",
                "Najin pier",
                130.31,
                42.24,
                **_names(ko={"name": "나진항", "sources": ["test-source"]}),
            ),  # fmt: skip
        ],
    )
    atlas = load_atlas(root)
    assert resolve_place(atlas, "나진 역") == "najin_st"
    with pytest.raises(AmbiguousNameError, match=r"'나진' names 2 places: Najin station"):
        resolve_place(atlas, "나진")
    done = corridors_cli("route", "나진", "Pohang", atlas=root, cache=cache)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "najin_st" in done.stderr and "najin_pt" in done.stderr
    assert len(place_index(atlas).candidates("나진")) == 2


def test_unknown_native_name_suggests_near_ones(atlas: Path) -> None:
    root = atlas
    doc = json.loads((root / "places.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["names"] = {"ru": _ko("Хасан")}
    (root / "places.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UnknownPlaceError, match="did you mean Khasan"):
        resolve_place(load_atlas(root), "Хасаг")


BAD_NAMES = [
    ({"jp": {"name": "ハサン", "sources": ["test-source"]}}, "field 'names': 'jp' is not one of"),
    ({"ko": {"name": "Хасан", "sources": ["test-source"]}}, "field 'names.ko.name': 'Хасан'"),
    ({"ru": {"name": "Khasan", "sources": ["test-source"]}}, "has no Cyrillic letter"),
    ({"ru": {"name": "Хасан", "sources": []}}, "field 'names.ru.sources': needs at least one"),
    ({"ru": {"name": "Хасан", "sources": ["nope"]}}, "'nope' is not in sources.json"),
    ({"ru": {"name": "Хасан", "sources": [], "estimate": "yes"}}, "'names.ru.estimate'"),
    ({"ru": {"name": "Хасан", "sources": [], "estimate": True, "x": 1}}, "unknown key 'x'"),
    ({"ru": {"name": "Ха\u200dсан", "sources": ["test-source"]}}, "invisible format character"),
    ({"ru": {"name": "  ", "sources": ["test-source"]}}, "must be a non-empty string"),
    ({"ru": {"name": "Хасан", "aliases": "Хасан", "sources": ["test-source"]}}, "aliases"),
    ({"ru": "Хасан"}, "field 'names.ru': must be an object"),
    (["Хасан"], "field 'names': must be an object"),
]


@pytest.mark.parametrize(("names", "phrase"), BAD_NAMES)
def test_bad_names_are_one_line_errors(atlas: Path, cache: Path, names: Any, phrase: str) -> None:
    doc = json.loads((atlas / "places.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["names"] = names
    (atlas / "places.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(AtlasError, match="places.geojson"):
        load_atlas(atlas)
    done = corridors_cli("list", "places", atlas=atlas, cache=cache)
    assert done.returncode == 2
    assert phrase in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_a_native_name_of_two_places_is_refused(atlas: Path, cache: Path) -> None:
    doc = json.loads((atlas / "places.geojson").read_text(encoding="utf-8"))
    first, second = doc["features"][0]["properties"], doc["features"][1]["properties"]
    first["names"] = {"ko": {"name": "하산", "sources": ["test-source"]}}
    second["names"] = {"ko": {"name": "하 산", "sources": ["test-source"]}}  # folds alike
    (atlas / "places.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done = corridors_cli("route", "Khasan", "Pohang", atlas=atlas, cache=cache)
    assert done.returncode == 2
    assert "field 'names.ko': '하 산' already names place 'khasan'" in done.stderr


def test_bad_name_exits_2_as_a_real_process(atlas: Path, tmp_path: Path) -> None:
    doc = json.loads((atlas / "places.geojson").read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["names"] = {"zh": {"name": "Хасан", "sources": []}}
    (atlas / "places.geojson").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "corridors.cli", "route", "Khasan", "Pohang", "--atlas", str(atlas)],
        capture_output=True,
        text=True,
        env={"CORRIDORS_CACHE_DIR": str(tmp_path / "c"), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1
    assert "names.zh.name" in done.stderr


def test_names_survive_the_network_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second load reads the cached network (no cache event): the names come back."""
    from corridors.network.load import load_network

    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(cache))
    events: list[str] = []
    load_network(GEO, quiet=True, on_cache_event=events.append)
    assert len(events) == 1  # built and saved
    network = load_network(GEO, quiet=True, on_cache_event=events.append)
    assert len(events) == 1  # read from the cache
    port = network.atlas.places["rajin_port"].native("ko")
    assert port is not None and port.name == "나진항" and "라진항" in port.aliases
    hongui = network.atlas.places["hongui"].native("ru")
    assert hongui is not None and hongui.estimate
    assert network.resolve_place("나진 항") == "rajin_port"


def test_popups_and_labels_carry_the_local_names() -> None:
    from corridors.maps.features import corridor_popup, place_popup
    from corridors.maps.labels import label_specs

    atlas = load_atlas(GEO)
    popup = place_popup(atlas, atlas.places["hongui"])
    assert ["Korean", "홍의역 (also 홍의)"] in popup["rows"]
    assert ["Russian", "Хоный (estimate)"] in popup["rows"]
    titles = [text for text, _url in popup["links"]]
    assert any("Pyongra" in str(t) or "평라선" in str(t) for t in titles)
    line = corridor_popup(atlas, atlas.corridors["khasan_rajin"], 54.0)
    assert ["Russian", "Хасан — Раджин"] in line["rows"]
    specs = {s["id"]: s for s in label_specs(atlas)}
    assert specs["khasan"]["local"] == "Хасан"
    assert specs["pohang"]["local"] == "포항"


def test_list_and_exports_carry_the_names(cache: Path, tmp_path: Path) -> None:
    listed = corridors_cli("list", "places", "--json", atlas=GEO, cache=cache)
    records = {r["id"]: r for r in json.loads(listed.stdout)}
    assert records["khasan"]["local_name"] == "Хасан"
    assert records["rajin_port"]["names"]["zh"]["name"] == "罗津港"
    assert records["hongui"]["names"]["ru"]["estimate"] is True
    table = corridors_cli("list", "places", atlas=GEO, cache=cache, env={"COLUMNS": "200"})
    assert "나진항" in table.stdout and "두만강역" in table.stdout and "Хасан" in table.stdout
    lines = corridors_cli("list", "corridors", "--json", atlas=GEO, cache=cache)
    by_id = {r["id"]: r for r in json.loads(lines.stdout)}
    assert by_id["gyeongbu_seoul_busan"]["names"]["ko"]["name"] == "경부선"

    import networkx as nx

    graphml = tmp_path / "graph.graphml"
    assert corridors_cli("export", str(graphml), atlas=GEO, cache=cache).returncode == 0
    graph = nx.read_graphml(graphml)
    names = {data["place"]: data["names"] for _, data in graph.nodes(data=True)}
    assert names["rajin_port"] == "ko: 나진항; ru: порт Раджин; zh: 罗津港"
    assert names["hongui"] == "ko: 홍의역; ru: ~Хоный"

    import geopandas as gpd

    gpkg = tmp_path / "atlas.gpkg"
    assert corridors_cli("export", str(gpkg), atlas=GEO, cache=cache).returncode == 0
    places = gpd.read_file(gpkg, layer="places").set_index("id")
    assert places.loc["khasan", "names"] == "ko: 하산; ru: Хасан; zh: 哈桑"
