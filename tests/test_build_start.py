"""A cold ``corridors build`` that missed its memo (issue 13, item 4): what makes it start faster
changes nothing it writes.

- the console script writes maps/ byte for byte, with the basemap cache cold and warm;
- jinja2 templates compiled on first use and once per source (maps/template_once.py) render
  what eagerly compiled ones render, stay instances of their class, and still report a bad
  template (on first use);
- requests, which folium imports and never uses here, is loaded when first used, and works;
- :func:`corridors.maps.features.clean_line` gives the positions of the former per-line
  shapely code, and a fresh list each time.

The process-wide parts run in subprocesses, as the command does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "maps"


def _python(code: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_console_build_writes_the_committed_maps(tmp_path: Path) -> None:
    """The real command (lean imports, templates once, the basemap cache empty then full) in
    fresh processes, each missing its memo, writes maps/ exactly."""
    console = Path(sys.executable).with_name("corridors")
    command = [str(console)] if console.exists() else [sys.executable, "-m", "corridors.cli"]
    cache = tmp_path / "cache"
    for run in ("cold", "warm"):
        out = tmp_path / run
        env = {**os.environ, "CORRIDORS_CACHE_DIR": str(cache), "CORRIDORS_TEST_RUN": run}
        done = subprocess.run(
            [*command, "build", "--out", str(out), "--quiet"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        for name in ("atlas.html", "shipments.html"):
            assert (out / name).read_bytes() == (COMMITTED / name).read_bytes(), (run, name)
        assert list(cache.glob("basemap-v*.json")), "the basemap was not kept"


def test_templates_compiled_once_render_the_same() -> None:
    out = _python(
        """
        import jinja2
        from branca.element import Element
        eager = jinja2.Template("{{ a }}-{% for x in xs %}{{ x|upper }}{% endfor %}")
        eager_macro = jinja2.Template("{% macro script(this, kw) %}<{{ this }}>{% endmacro %}")
        from corridors.maps import template_once
        template_once.install()
        template_once.install()  # idempotent
        calls = []
        original = jinja2.Environment.compile
        def counted(self, source, *args, **kwargs):
            if source:  # not the empty template that gives the environment
                calls.append(1)
            return original(self, source, *args, **kwargs)
        jinja2.Environment.compile = counted
        lazy = jinja2.Template("{{ a }}-{% for x in xs %}{{ x|upper }}{% endfor %}")
        again = jinja2.Template("{{ a }}-{% for x in xs %}{{ x|upper }}{% endfor %}")
        other = jinja2.Template(
            "{{ a }}-{% for x in xs %}{{ x|upper }}{% endfor %}", trim_blocks=True
        )
        assert lazy is again and other is not lazy
        assert isinstance(lazy, jinja2.Template) and calls == []
        data = {"a": "{{ 7*7 }}", "xs": ["<b>", "q"]}
        assert lazy.render(**data) == eager.render(**data) == "{{ 7*7 }}-<B>Q"
        assert type(lazy) is jinja2.Template and len(calls) == 1
        assert again.render(**data) == eager.render(**data) and len(calls) == 1
        macro = jinja2.Template("{% macro script(this, kw) %}<{{ this }}>{% endmacro %}")
        assert macro.module.script("x", {}) == eager_macro.module.script("x", {}) == "<x>"
        assert Element("{{ this._name }}").render() == "Element"
        bad = jinja2.Template("{% for %}")
        try:
            bad.render()
        except jinja2.TemplateSyntaxError:
            print("syntax error on first use")
        env = jinja2.Environment()
        made = env.from_string("{{ 1 + 1 }}")
        assert type(made) is jinja2.Template and made.render() == "2"
        print("ok")
        """
    )
    assert out.split() == ["syntax", "error", "on", "first", "use", "ok"]


def test_requests_is_loaded_when_first_used() -> None:
    out = _python(
        """
        import sys
        from corridors.cli import lean
        lean.install()
        import folium
        import folium.features
        print(type(sys.modules["requests"]).__name__, "urllib3" in sys.modules)
        import requests
        print(requests.Session.__name__, "urllib3" in sys.modules, type(requests).__name__)
        print(folium.features.requests.get.__module__)
        """
    )
    assert out.split() == ["_LazyModule", "False", "Session", "True", "module", "requests.api"]


def test_requests_imported_by_others_is_an_ordinary_import() -> None:
    out = _python(
        """
        import sys
        from corridors.cli import lean
        lean.install()
        import requests
        import folium
        print(type(sys.modules["requests"]).__name__, requests.get.__module__)
        """
    )
    assert out.split() == ["module", "requests.api"]


def _former_clean_line(coords: list[tuple[float, float]]) -> list[list[float]]:
    """clean_line as it was: one shapely LineString per call."""
    from shapely import LineString

    from corridors.maps.features import DECIMALS, SIMPLIFY_DEGREES

    points = [(float(x), float(y)) for x, y in coords]
    if len(points) > 2:
        simple = LineString(points).simplify(SIMPLIFY_DEGREES, preserve_topology=True)
        points = list(simple.coords)
    out: list[list[float]] = []
    for x, y in points:
        xy = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != xy:
            out.append(xy)
    if len(out) == 1:
        out.append(list(out[0]))
    return out


POSITIONS = st.tuples(
    st.floats(min_value=120.0, max_value=140.0, allow_nan=False),
    st.floats(min_value=30.0, max_value=50.0, allow_nan=False),
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(POSITIONS, min_size=2, max_size=40),
    st.floats(min_value=1e-6, max_value=0.01),
)
def test_clean_line_gives_the_former_positions(line, step) -> None:
    from corridors.maps.features import clean_line

    wiggly = [(x + i * step, y + (i % 3) * step / 7) for i, (x, y) in enumerate(line)]
    for coords in (line, wiggly, wiggly[::-1]):
        assert clean_line(coords) == _former_clean_line(coords)


def test_clean_line_gives_a_fresh_list_each_time() -> None:
    from corridors.maps.features import clean_line

    line = [(130.0 + i * 0.01, 42.0 + (i % 2) * 0.01) for i in range(10)]
    first = clean_line(line)
    first[0].append(99.0)
    first.append([0.0, 0.0])
    assert clean_line(line) == _former_clean_line(line)


def test_elements_added_while_rendering_are_not_compiled(monkeypatch) -> None:
    """A folium layer adds its ``addTo`` element during rendering: it is rendered literally
    like every other element (its output is never compiled as a template)."""
    import folium
    import jinja2

    from corridors.maps.safe_render import render_literal

    compiled: list[str] = []
    original = jinja2.Environment.compile

    def recorded(self, source, *args, **kwargs):
        compiled.append(str(source))
        return original(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", recorded)
    m = folium.Map(tiles=None)
    folium.GeoJson({"type": "FeatureCollection", "features": []}, name="{{ 7*7 }}").add_to(m)
    html = render_literal(m)
    assert ".addTo(map_" in html
    assert not any(".addTo(" in source and "{{" not in source for source in compiled)


def test_unreviewed_element_added_while_rendering_is_refused() -> None:
    import folium
    import pytest

    from corridors.maps.safe_render import UnsafeElementError, render_literal

    class Sneaky(folium.FeatureGroup):
        """A layer of the package's own kind that adds an unreviewed element when rendered."""

        __module__ = "corridors.maps.test_sneaky"

        def render(self, **kwargs):
            self.add_child(folium.Marker([42.2, 130.3], popup=folium.Popup("{{ 7*7 }}")))
            super().render(**kwargs)

    m = folium.Map(tiles=None)
    Sneaky(name="sneaky").add_to(m)
    with pytest.raises(UnsafeElementError, match="folium.map.Marker"):
        render_literal(m)
