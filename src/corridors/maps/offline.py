"""Self-contained (offline) folium maps: no CDN, no network needed to open the HTML.

folium emits `<script src>`/`<link href>` tags pointing at CDNs. `inline_assets` replaces the ones
we need (Leaflet JS/CSS, jQuery) with inline copies read at build time from the installed
`xstatic-leaflet` and `xstatic-jquery` packages (never copied into the repo); Leaflet's images
become data: URIs. Bootstrap, Font Awesome and awesome-markers have no usable offline package,
so our maps do without them: build maps with `lean_map`, and `inline_assets` strips those tags.
Anything else external is an error (`OfflineError`), never silently left in.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path

import folium

from corridors.errors import OfflineError

__all__ = [
    "OPTIONAL_ASSETS",
    "OfflineError",
    "inline_assets",
    "lean_map",
    "render_offline",
]

# folium default assets our maps never need; their tags are stripped in offline mode.
OPTIONAL_ASSETS = (
    "bootstrap",
    "glyphicons",
    "fontawesome",
    "font-awesome",
    "awesome-markers",
    "awesome.rotate",
)
_KEEP_JS = {"leaflet", "jquery"}
_KEEP_CSS = {"leaflet_css"}

_TAG = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"'](?P<src>[^\"']+)[\"'][^>]*>\s*</script>"
    r"|<link\b[^>]*\bhref\s*=\s*[\"'](?P<href>[^\"']+)[\"'][^>]*/?>",
    re.I,
)
_CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)[\"']?\s*\)")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.M)


def lean_map(*, jquery: bool = True, **kwargs) -> folium.Map:
    """A folium.Map that loads only Leaflet (and jQuery, which folium popups use).

    Bootstrap, Font Awesome and awesome-markers are dropped: they have no offline package.
    Do not use `folium.Icon`/awesome markers on such a map; use CircleMarker or plain Marker.
    """
    m = folium.Map(**kwargs)
    keep_js = _KEEP_JS if jquery else {"leaflet"}
    m.default_js = [(n, u) for n, u in m.default_js if n in keep_js]
    m.default_css = [(n, u) for n, u in m.default_css if n in _KEEP_CSS]
    return m


def _xstatic_dir(module: str) -> Path:
    try:
        mod = __import__(f"xstatic.pkg.{module}", fromlist=["BASE_DIR"])
    except ImportError as exc:
        raise OfflineError(
            f"package xstatic-{module} is not installed; `pip install xstatic-{module}`"
        ) from exc
    return Path(mod.BASE_DIR)


def _data_uri(path: Path) -> str:
    mime = {".png": "image/png", ".svg": "image/svg+xml"}.get(path.suffix, "")
    if not mime:
        raise OfflineError(f"cannot inline {path.name}: unknown image type")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


@functools.cache
def _leaflet_js() -> str:
    base = _xstatic_dir("leaflet")
    js = _SOURCE_MAP.sub("", (base / "leaflet.js").read_text(encoding="utf-8"))
    images = base / "images"
    # Leaflet finds its default marker images through a CSS url(); with data: URIs that
    # detection fails, so set the default icon URLs explicitly right after Leaflet loads.
    icons = {
        "iconUrl": _data_uri(images / "marker-icon.png"),
        "iconRetinaUrl": _data_uri(images / "marker-icon-2x.png"),
        "shadowUrl": _data_uri(images / "marker-shadow.png"),
    }
    opts = ",".join(f'{k}:"{v}"' for k, v in icons.items())
    return js + f"\nL.Icon.Default.imagePath='';L.Icon.Default.mergeOptions({{{opts}}});\n"


@functools.cache
def _leaflet_css() -> str:
    base = _xstatic_dir("leaflet")
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def repl(match: re.Match[str]) -> str:
        ref = match.group(1)
        if ref.startswith(("data:", "#")):  # data URI, or IE's url(#default#VML)
            return match.group(0)
        path = (base / ref).resolve()
        if not path.is_file() or base.resolve() not in path.parents:
            raise OfflineError(f"leaflet.css references {ref!r}, not found in {base}")
        return f'url("{_data_uri(path)}")'

    return _CSS_URL.sub(repl, css)


@functools.cache
def _jquery_js() -> str:
    base = _xstatic_dir("jquery")
    return _SOURCE_MAP.sub("", (base / "jquery.min.js").read_text(encoding="utf-8"))


def _inline_js(url: str) -> str | None:
    name = url.rsplit("/", 1)[-1].split("?")[0]
    if name in ("leaflet.js", "leaflet-src.js") and "leaflet" in url:
        return _leaflet_js()
    if re.fullmatch(r"jquery(-[\d.]+)?(\.min)?\.js", name):
        return _jquery_js()
    return None


def _inline_css(url: str) -> str | None:
    name = url.rsplit("/", 1)[-1].split("?")[0]
    return _leaflet_css() if name == "leaflet.css" else None


def _is_external(url: str) -> bool:
    return not url.startswith(("data:", "#"))


def _is_optional(url: str) -> bool:
    low = url.lower()
    return any(key in low for key in OPTIONAL_ASSETS)


def _script(code: str) -> str:
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", code, flags=re.I) + "</script>"


def _style(css: str) -> str:
    return "<style>" + re.sub(r"</(style)", r"<\\/\1", css, flags=re.I) + "</style>"


def inline_assets(html: str, *, strip_optional: bool = True) -> str:
    """Return `html` with CDN scripts/styles inlined from installed packages.

    Tags of OPTIONAL_ASSETS (Bootstrap, Font Awesome, awesome-markers) are removed when
    `strip_optional`; any other external <script src>/<link href> raises OfflineError.
    Tile URL templates inside scripts are left alone: tiles are optional and the data basemap
    (corridors.maps.basemap) reads without them.
    """
    problems: list[str] = []

    def repl(match: re.Match[str]) -> str:
        tag = match.group(0)
        is_script = tag[1:7].lower() == "script"
        url = match.group("src") if is_script else match.group("href")
        if not _is_external(url):
            return tag
        if is_script:
            code = _inline_js(url)
            if code is not None:
                return _script(code)
        elif not re.search(r"\brel\s*=\s*[\"']?stylesheet", tag, re.I):
            problems.append(url)  # icons, preloads...: would fetch; not supported
            return tag
        else:
            css = _inline_css(url)
            if css is not None:
                return _style(css)
        if strip_optional and _is_optional(url):
            return ""
        problems.append(url)
        return tag

    # One pass over the original HTML, so inlined code is never rescanned for tags.
    out = _TAG.sub(repl, html)
    if problems:
        raise OfflineError(
            "external assets cannot be inlined: "
            + ", ".join(sorted(set(problems)))
            + ". Build the map with corridors.maps.offline.lean_map and avoid plugins that need "
            "CDN code (folium.Icon, awesome markers, Bootstrap), or ship the asset in a package."
        )
    return out


def render_offline(m: folium.Map, *, stable_ids: bool = True) -> str:
    """Render `m` to one self-contained HTML string (stable ids unless told otherwise)."""
    if stable_ids:
        from corridors.maps.stable_ids import render_stable

        html = render_stable(m)
    else:
        from corridors.maps.safe_render import render_literal

        html = render_literal(m)
    return inline_assets(html)
