"""The maps' page parts kept between builds, so that a build after an edit of notes needs no folium.

Why: ``corridors build`` after an edit of the atlas (its memo, :mod:`corridors.cli.memo`, then
misses) spent most of its 0.35 s budget importing folium, branca and jinja2 and rendering the
two pages, although an edit of a note changes only the data that ``atlas.html`` holds as JSON:
the page tables (:func:`corridors.maps.atlas_data.page_tables`, where a note is a popup row)
and the route panel's graph (:func:`corridors.maps.route_graph.route_graph`). Everything else
in both pages (Leaflet, the basemap, the layers, legends, panels and scripts, all of
``shipments.html``) is the same page as long as everything *but the notes* is the same.

So every full build keeps, in the cache folder, the written pages cut around those two JSON
blocks (:func:`keep`), under a key (:func:`page_key`) of everything the pages are made from
except the notes:

- the atlas files' bytes (the very bytes the network was built from: the digest the network
  carries, :attr:`~corridors.network.index.Network.notes_free`, else the files read again,
  whose hash must be the network's fingerprint), where the ``note`` of each corridor, of each
  corridor history event and of each place drawn as a point is left out
  (:func:`corridors.atlas.notes_free.notes_free_digest`): nothing but the page tables reads
  those (:func:`corridors.maps.features.corridor_popup` and ``place_popup``; a zone's popup
  is in its layer, so a zone's note is kept in the key);
- every file of the package (code and data: path, inode, size, modification and change time),
  the installed distributions with their versions (folium, branca, jinja2, xstatic-*, shapely
  ...), the Python version and executable;
- the day (the maps open on it) and ``offline``.

A build whose key finds kept parts (:func:`joined_pages`) computes the two blocks from the
network with the functions the full path calls, as JSON through
:func:`~corridors.maps.js_json.js_string` (so data never becomes template source, and nothing
is rendered), and puts them between the kept parts: byte for byte the pages the full path
writes. Anything else runs the full path: another key (any edit but of those notes, another
day, another folium, edited code), a missing, damaged or foreign file (JSON read as a regular,
size-limited file, its SHA-256 checked), an atlas that changed since the network was loaded.
Never fatal: parts that cannot be kept are not kept. One file per atlas folder and
``offline``, the :data:`MAX_FILES` newest kept (temporary atlas copies leave no trail).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from corridors.network.index import Network

__all__ = [
    "MAX_FILES",
    "PARTS_FORMAT",
    "RACY_S",
    "SLOTS",
    "fresh_blocks",
    "joined_pages",
    "keep",
    "page_key",
    "parts_path",
]

PARTS_FORMAT = 1
SLOTS = ("tables", "graph")
"""The JSON blocks of ``atlas.html`` made fresh: the page tables and the route graph."""
MAX_PARTS_BYTES = 64 * 2**20
MAX_FILES = 8
"""Parts files kept at most (the newest; each is about the size of the two maps)."""
RACY_S = 2.0
"""A package file changed this recently (seconds) is not trusted: no key."""
_PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/corridors


def _atlas_part(network: Network) -> str | None:
    """The hash of the network's atlas files with the notes left out: the one it carries
    (computed from the bytes it was built from), else that of the files read again, or None
    when those are not (any more) the files the network was built from, or cannot be read."""
    from corridors.atlas.notes_free import notes_free_digest
    from corridors.atlas.read import read_atlas_bytes
    from corridors.errors import CorridorsError

    atlas = network.atlas
    if not atlas.fingerprint:
        return None
    if network.notes_free is not None:
        return network.notes_free  # 10 ms on the shipped atlas not spent a second time
    try:
        root = Path(atlas.root)
        contents, fingerprint = read_atlas_bytes(root)
    except (CorridorsError, OSError, ValueError):
        return None
    if fingerprint != atlas.fingerprint:
        return None
    return notes_free_digest(root, contents)


def _code_part() -> str | None:
    """The hash of every package file's metadata, the installed distributions and Python; None
    when a package file changed within :data:`RACY_S` seconds (a later edit in the same clock
    tick could keep every field, as :mod:`corridors.cli.memo` says)."""
    digest = hashlib.sha256()
    newest = 0
    try:
        for folder, dirs, files in os.walk(_PACKAGE_DIR):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                path = os.path.join(folder, name)
                found = os.stat(path)
                digest.update(
                    f"{path}\0{found.st_ino}\0{found.st_size}\0{found.st_mtime_ns}\0"
                    f"{found.st_ctime_ns}\n".encode("utf-8", "surrogateescape")
                )
                newest = max(newest, found.st_mtime_ns, found.st_ctime_ns)
        for entry in sys.path:
            try:
                with os.scandir(entry or ".") as listed:
                    names = sorted(
                        e.name for e in listed if e.name.endswith((".dist-info", ".egg-info"))
                    )
            except OSError:  # a zip file, a folder that does not exist: nothing installed there
                continue
            if names:  # (a folder without any, such as the current one, does not count)
                digest.update(json.dumps([entry, names]).encode("utf-8", "surrogateescape"))
    except OSError:
        return None
    if time.time() - newest / 1e9 < RACY_S:
        return None
    digest.update(f"{sys.version}\0{sys.executable}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def page_key(network: Network, *, offline: bool, today: _dt.date) -> str | None:
    """The key of the maps' kept parts (see the module text), or None when there is none.

    Parameters
    ----------
    network : Network
        The network the maps are drawn from.
    offline : bool
        As :func:`corridors.maps.build.build_maps`.
    today : datetime.date
        The build's day.

    Returns
    -------
    str or None
        A hex digest; None when the atlas files are not those of ``network`` or a file
        cannot be read.
    """
    atlas = _atlas_part(network)
    code = _code_part()
    if atlas is None or code is None:
        return None
    head = [PARTS_FORMAT, offline, today.isoformat(), code, atlas]
    return hashlib.sha256(json.dumps(head).encode("utf-8")).hexdigest()


def parts_path(network: Network, *, offline: bool) -> Path:
    """The parts file of the atlas of ``network`` (one per atlas folder and ``offline``: new
    parts replace the old ones, so the folder does not grow with edits)."""
    from corridors.paths import cache_dir

    name = json.dumps([str(Path(network.atlas.root).resolve()), offline])
    tag = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return cache_dir() / f"pages-v{PARTS_FORMAT}-{tag}.json"


def _content_sha(pages: list[list[str]], warnings: list[str]) -> str:
    """The SHA-256 of every text kept, each with its length (so no two lists share it)."""
    digest = hashlib.sha256()
    for texts in (*pages, warnings):
        digest.update(f"{len(texts)}\n".encode())
        for text in texts:
            data = text.encode("utf-8", "surrogatepass")
            digest.update(f"{len(data)}\n".encode())
            digest.update(data)
    return digest.hexdigest()


def _cut(html: str, blocks: dict[str, str]) -> tuple[list[str], list[str]] | None:
    """``html`` cut around each block (each must be there exactly once, as a JSON script's
    whole text): the parts between them and the blocks' names in page order."""
    found = []
    for name, text in blocks.items():
        needle = f">{text}</script>"
        at = html.find(needle)
        if at < 0 or html.find(needle, at + 1) >= 0 or not text:
            return None
        found.append((at + 1, at + 1 + len(text), name))
    found.sort()
    parts, order, last = [], [], 0
    for start, end, name in found:
        if start < last:
            return None  # blocks overlap
        parts.append(html[last:start])
        order.append(name)
        last = end
    parts.append(html[last:])
    return parts, order


def keep(
    network: Network,
    key: str,
    *,
    offline: bool,
    pages: Sequence[str],
    blocks: dict[str, str],
    warnings: Sequence[str],
) -> bool:
    """Keep the parts of a full build's pages (best effort).

    Parameters
    ----------
    network : Network
    key : str
        :func:`page_key` taken before the pages were made (and equal after).
    offline : bool
    pages : sequence of str
        ``atlas.html`` and ``shipments.html`` as written.
    blocks : dict
        :data:`SLOTS` name to the JSON text ``atlas.html`` holds there.
    warnings : sequence of str
        The build's warnings.

    Returns
    -------
    bool
        Whether the parts were written.
    """
    import contextlib

    from corridors._io.files import write_atomically

    if len(pages) != 2 or sorted(blocks) != sorted(SLOTS):
        return False
    cut = _cut(pages[0], blocks)
    if cut is None:
        return False
    parts, order = cut
    stored_pages = [parts, [pages[1]]]
    body = json.dumps(
        {
            "format": PARTS_FORMAT,
            "key": key,
            "sha256": _content_sha(stored_pages, list(warnings)),
            "order": order,
            "pages": stored_pages,
            "warnings": list(warnings),
        },
        ensure_ascii=False,
    )
    path = parts_path(network, offline=offline)
    with contextlib.suppress(OSError, ValueError):
        write_atomically(path, [body.encode("utf-8", "surrogatepass")], sync=False)
        _prune(path.parent, keep=path)
        return True
    return False


def _prune(folder: Path, *, keep: Path) -> None:
    """Remove all but the :data:`MAX_FILES` newest parts files (one per atlas folder: temporary
    copies of an atlas would otherwise leave theirs for ever); best effort."""
    from corridors._io.files import keep_newest

    keep_newest(folder, prefix="pages-v", suffix=".json", count=MAX_FILES, keep=keep)


def _recall(path: Path, key: str) -> tuple[list[str], list[list[str]], list[str]] | None:
    """The kept ``(order, pages, warnings)`` under ``key``, or None (missing, damaged, other)."""
    from corridors._io.files import read_regular_file

    try:
        raw = bytes(read_regular_file(path, max_bytes=MAX_PARTS_BYTES))
        if f'"key": "{key}"'.encode() not in raw[:256]:
            return None  # another key: no need to parse it all
        stored = json.loads(raw)
        if stored.get("format") != PARTS_FORMAT or stored.get("key") != key:
            return None
        order, pages, warnings = stored["order"], stored["pages"], stored["warnings"]
        if sorted(order) != sorted(SLOTS) or len(order) != len(SLOTS):
            return None
        if not (isinstance(pages, list) and len(pages) == 2):
            return None
        if len(pages[0]) != len(SLOTS) + 1 or len(pages[1]) != 1:
            return None
        if not (isinstance(warnings, list) and all(isinstance(p, list) for p in pages)):
            return None
        if not all(isinstance(t, str) for t in (*pages[0], *pages[1], *warnings)):
            return None
        if stored.get("sha256") != _content_sha(pages, warnings):
            return None
    except Exception:  # noqa: BLE001 - any doubt is a miss
        return None
    return order, pages, warnings


def joined_pages(network: Network, *, offline: bool) -> tuple[list[str], list[str]] | None:
    """``atlas.html`` and ``shipments.html`` of ``network`` from kept parts, and the warnings.

    Parameters
    ----------
    network : Network
    offline : bool
        As :func:`corridors.maps.build.build_maps`.

    Returns
    -------
    (list of str, list of str) or None
        The two pages (what the full path writes, byte for byte) and the build's warnings;
        None when there are no parts for this key (then the full path must run).
    """
    today = _dt.date.today()
    key = page_key(network, offline=offline, today=today)
    if key is None:
        return None
    found = _recall(parts_path(network, offline=offline), key)
    if found is None:
        return None
    order, pages, warnings = found
    blocks = fresh_blocks(network, today=today)
    atlas_parts = pages[0]
    joined = [atlas_parts[0]]
    for name, part in zip(order, atlas_parts[1:], strict=True):
        joined += [blocks[name], part]
    return ["".join(joined), pages[1][0]], list(warnings)


def fresh_blocks(network: Network, *, today: _dt.date) -> dict[str, str]:
    """The JSON blocks of :data:`SLOTS` for ``network`` on ``today``, as ``atlas.html`` holds
    them (:class:`corridors.maps.atlas_layers.AtlasData` and
    :class:`corridors.maps.route_panel.RoutePanel` write the same calls' text)."""
    from corridors.maps.atlas_data import page_tables
    from corridors.maps.js_json import js_string
    from corridors.maps.route_graph import route_graph

    return {
        "tables": js_string(page_tables(network, today=today)),
        "graph": js_string(route_graph(network, shared=True)),
    }
