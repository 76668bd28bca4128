"""``corridors build``: write atlas.html and shipments.html into the maps folder."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import corridors
from corridors.network.index import Network

MAP_FILES = ("atlas.html", "shipments.html")


@dataclass
class BuildResult:
    """What a build wrote, and what it could not draw faithfully."""

    files: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def default_maps_dir(atlas_root: Path | None = None) -> Path:
    """Where maps go by default: a workspace's own ``maps/`` when ``atlas_root`` is a
    workspace (``corridors init``), the checkout's ``maps/`` when it is a checkout's ``geo/``
    or when running from a source checkout, else ``./maps``."""
    from corridors.paths import checkout_of, is_workspace

    if atlas_root is not None:
        if is_workspace(atlas_root):
            return Path(atlas_root) / "maps"
        checkout = checkout_of(atlas_root)
        if checkout is not None:
            return checkout / "maps"
    repo = Path(corridors.__file__).resolve().parents[2]
    if (repo / "pyproject.toml").is_file():
        return repo / "maps"
    return Path.cwd() / "maps"


def build_maps(
    network: Network,
    out_dir: Path | None = None,
    *,
    offline: bool = True,
    step: Callable[[str], None] | None = None,
    kept_parts: bool = True,
) -> BuildResult:
    """Write every map into `out_dir` (default :func:`default_maps_dir` of the network's atlas).

    `step(description)` is called before each map is made (for a progress bar). Before any
    map is made, the folder and every map path are checked: an `out_dir` that is not a
    folder, or a map path holding anything but a regular file (a directory, FIFO, device,
    socket or a link to one), raises :class:`~corridors._io.outputs.OutputError` and nothing is
    written. Each map is written atomically (:func:`corridors._io.outputs.write_output`).

    With `kept_parts` (the default), pages whose parts were kept by an earlier build of the
    same atlas but for its notes are joined from those parts and the fresh data, without
    folium (:mod:`corridors.maps.page_parts`: byte for byte what folium renders); a full build
    keeps its pages' parts for the next one. False: always render with folium, keep nothing.
    """
    from corridors._io.outputs import check_output_path, make_folder

    out = Path(out_dir) if out_dir is not None else default_maps_dir(network.atlas.root)
    make_folder(out)
    for name in MAP_FILES:
        check_output_path(out / name)
    if kept_parts:
        from corridors.maps.page_parts import joined_pages

        joined = joined_pages(network, offline=offline)
        if joined is not None:
            return _write_joined(out, *joined, step=step)
    return _render_maps(network, out, offline=offline, step=step, kept_parts=kept_parts)


def _write_joined(
    out: Path, pages: list[str], warnings: list[str], *, step: Callable[[str], None] | None
) -> BuildResult:
    """Write pages made from kept parts as :func:`corridors.maps.base.write_html` writes."""
    from corridors._io.outputs import write_output

    result = BuildResult(warnings=list(warnings))
    for name, html in zip(MAP_FILES, pages, strict=True):
        if step:
            step(name)
        # as maps.base.html_bytes (not imported: it would import folium)
        result.files.append(write_output(out / name, html.encode("utf-8", "backslashreplace")))
    return result


def _render_maps(
    network: Network,
    out: Path,
    *,
    offline: bool,
    step: Callable[[str], None] | None,
    kept_parts: bool,
) -> BuildResult:
    """The maps rendered with folium (and their parts kept if `kept_parts`)."""
    import datetime

    from corridors._io.outputs import write_output
    from corridors.maps.atlas_layers import AtlasData
    from corridors.maps.atlas_map import atlas_map
    from corridors.maps.base import html_bytes, render_html
    from corridors.maps.route_panel import RoutePanel
    from corridors.maps.shipments_map import shipments_map

    key = None
    if kept_parts:
        from corridors.maps.page_parts import page_key

        day = datetime.date.today()
        key = page_key(network, offline=offline, today=day)
    result = BuildResult()
    if step:
        step("atlas.html")
    m = atlas_map(network, offline=offline)
    blocks = {}
    for child in m._children.values():
        if isinstance(child, AtlasData):
            blocks["tables"] = child.data_js
        elif isinstance(child, RoutePanel):
            blocks["graph"] = child.graph_js
    pages = [render_html(m, offline=offline)]
    result.files.append(write_output(out / MAP_FILES[0], html_bytes(pages[0])))
    if step:
        step("shipments.html")
    m, warnings = shipments_map(network, offline=offline)
    result.warnings.extend(warnings)
    pages.append(render_html(m, offline=offline))
    result.files.append(write_output(out / MAP_FILES[1], html_bytes(pages[1])))
    if key is not None and page_key(network, offline=offline, today=day) == key:
        from corridors.maps.page_parts import keep

        keep(network, key, offline=offline, pages=pages, blocks=blocks, warnings=result.warnings)
    return result


@contextlib.contextmanager
def progress_steps(*, quiet: bool) -> Iterator[Callable[[str], None] | None]:
    """A `step` callback for :func:`build_maps` drawing a progress bar on stderr (through
    :func:`corridors.progress.progress`), or None when `quiet` or when stderr is not a terminal
    (logs and pipes get no bar)."""
    from corridors.progress import progress, progress_enabled

    if not progress_enabled(quiet=quiet):
        yield None
        return
    with progress("loading map libraries", total=len(MAP_FILES), delay=0) as bar:
        started = False

        def step(name: str) -> None:
            nonlocal started
            if started:
                bar.advance()  # the previous map is written
            started = True
            bar.describe(f"writing {name}")

        yield step
        if started:
            bar.advance()
