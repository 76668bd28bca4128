"""Load a :class:`~corridors.network.index.Network`: from the cache when the atlas is unchanged,
else built from the atlas files (and then cached).

Kept apart from :mod:`corridors.network.index` so that the cache, which stores index objects,
and the index never import each other.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from corridors.atlas.folder import atlas_root
from corridors.network.index import Network, RouteIndex, build_index, paused_gc

if TYPE_CHECKING:
    from corridors.network.cache import AtlasRows

__all__ = ["load_network"]


def load_network(
    atlas: str | Path | None = None,
    *,
    use_cache: bool = True,
    quiet: bool = False,
    on_cache_event: Callable[[str], None] | None = None,
) -> Network:
    """Load the atlas and its routing index, from the cache when the atlas is unchanged.

    Parameters
    ----------
    atlas : str or Path, optional
        Atlas folder (default: ``CORRIDORS_ATLAS`` or the bundled atlas).
    use_cache : bool
        Read the network from the cache folder (:func:`corridors.paths.cache_dir`) when a
        valid file for this atlas, package version and cache format is there, and store it
        there after building it. Any cache file that cannot be used (missing, truncated,
        corrupted, from another version, not a regular file) is rebuilt silently.
    quiet : bool
        No spinner; otherwise a rebuild that takes more than a second shows one on a terminal.
    on_cache_event : callable, optional
        Called with one line of text (``"cache: ..."``) each time the network is built instead
        of read from the cache: why (naming the cache file), and why it could not be saved
        if so. Not called on a cache hit, nor when ``use_cache`` is False. The CLI's ``--verbose``
        prints it on stderr.

    Returns
    -------
    Network

    Raises
    ------
    AtlasError
        If the atlas folder or one of its files is missing or invalid. A bad cache file
        never raises.
    """
    root = atlas_root(atlas)
    if not use_cache:
        from corridors.atlas.read import read_atlas_bytes

        contents, fingerprint = read_atlas_bytes(root)
        return _build_network(root, contents, fingerprint, quiet=quiet)
    from corridors.network import cache as netcache
    from corridors.network import stamp
    from corridors.paths import cache_dir

    # Unchanged file metadata (size, times, inode): the content hash recorded with it, and
    # the cache read without reading or hashing the atlas (network/stamp.py says why that is
    # safe). Any miss falls through to reading and hashing every file.
    folder = cache_dir()
    known = stamp.known_fingerprint(folder, root)
    if known is not None:
        with contextlib.suppress(netcache.CacheMiss):
            found = netcache.read_network(netcache.cache_path(known), root=root, fingerprint=known)
            _ensure_route_file(found, root=root)  # a large atlas: cached routes skip the atlas
            return found
    from corridors.atlas.read import read_atlas_bytes

    before = stamp.stat_key(root)
    contents, fingerprint = read_atlas_bytes(root)
    stamp.remember(folder, root, before=before, fingerprint=fingerprint)
    cache_file = netcache.cache_path(fingerprint)
    try:
        found = netcache.read_network(cache_file, root=root, fingerprint=fingerprint)
        _ensure_route_file(found, root=root)
        return found
    except netcache.CacheMiss as miss:
        reason = str(miss)
    from corridors.network import firstbuild, kept_index

    size = sum(map(len, contents.values()))
    notes_free = kept = None
    if size >= firstbuild.MIN_BYTES:
        # A large atlas: both cache files from columns (network/firstbuild.py), then the
        # network read back from the one just written; any doubt and the usual build runs.
        with paused_gc():
            built = firstbuild.write_caches(root, contents, fingerprint)
        if built:
            with contextlib.suppress(netcache.CacheMiss):
                found = netcache.read_network(cache_file, root=root, fingerprint=fingerprint)
                if on_cache_event is not None:
                    on_cache_event(f"cache: {reason}; rebuilt the route graph")
                return found
        contents, fingerprint = read_atlas_bytes(root)  # emptied by the columnar build
        cache_file = netcache.cache_path(fingerprint)
    elif size <= kept_index.MAX_ATLAS_BYTES:
        # A small atlas edited only in its notes: the route index of the network cached
        # before the edit (network/kept_index.py); the atlas itself is validated as always.
        from corridors.atlas.notes_free import notes_free_digest

        notes_free = notes_free_digest(root, contents)
        kept = kept_index.kept_index(notes_free)
    # The collector stays paused until both files are written: each holds a row per place
    # and corridor, and a collection meanwhile would walk every object of the atlas.
    with paused_gc():
        network = _build_network(
            root, contents, fingerprint, quiet=quiet, index=None if kept is None else kept[0]
        )
        network.notes_free = notes_free  # saved with it: the maps' page parts need it
        if kept is not None and network.index is not kept[0]:
            kept = None  # it named places or corridors this atlas lacks: built anew
        rows = None
        if network.index.edge_count >= netcache.ROUTE_MIN_EDGES:  # both files: the same rows
            with contextlib.suppress(ValueError, TypeError, RecursionError):
                rows = netcache.atlas_rows(network.atlas, root=root)
        problem = netcache.save_network(cache_file, network, root=root, rows=rows)
        if problem is None:
            _ensure_route_file(network, root=root, rows=rows)
            if notes_free is not None:
                kept_index.keep_index(notes_free, fingerprint)
        del rows
    if on_cache_event is not None:
        done = (
            "rebuilt the route graph"
            if kept is None
            else f"only notes differ from {kept[1][:12]}: kept its route graph"
        )
        outcome = done if problem is None else f"{done}, not saved: {problem}"
        on_cache_event(f"cache: {reason}; {outcome}")
    return network


def _ensure_route_file(network: Network, *, root: Path, rows: AtlasRows | None = None) -> None:
    """:func:`~corridors.network.routefile.ensure_route_file`, imported only for a network large
    enough to have a route file (a small atlas's route never imports that module)."""
    from corridors.network.cache import ROUTE_MIN_EDGES

    if network.index.edge_count >= ROUTE_MIN_EDGES:
        from corridors.network.routefile import ensure_route_file

        ensure_route_file(network, root=root, rows=rows)


def _build_network(
    root: Path,
    contents: dict[Path, bytes],
    fingerprint: str,
    *,
    quiet: bool,
    index: RouteIndex | None = None,
) -> Network:
    """Parse, validate and index the atlas files' ``contents`` (emptied meanwhile); ``index``:
    the route index of these contents, when known (then not built again)."""
    from corridors.atlas.read import build_atlas, parse_atlas_bytes
    from corridors.progress import progress

    # The garbage collector is paused while parsing and validating: both allocate millions of
    # objects that all live on, and its passes over them were 41 % of a 10^5-segment build.
    # Each file's bytes are dropped once parsed, and each document once validated
    # (``consume``): at 10^6 segments the text is 0.5 GB and its parsed documents several.
    with progress("building the route graph", quiet=quiet), paused_gc():
        raw, checked = parse_atlas_bytes(contents)
        loaded = build_atlas(root, raw, fingerprint=fingerprint, consume=True, checked=checked)
        if index is not None:
            from corridors.network.cache import index_fits

            if not index_fits(index, loaded):  # a kept index must name this atlas's places
                index = None
        return Network(loaded, build_index(atlas=loaded) if index is None else index)
