"""The loaded atlas plus a compact routing index, cached on disk by the atlas's content.

A route query from the command line must not pay for parsing, validating and measuring the
atlas again, nor for importing networkx or pyproj: the first run builds the index and stores
it (with the validated atlas) under the user cache folder as a checksummed file of numeric
columns and JSON that cannot run code when read (:mod:`corridors.network.cache`), keyed by the
atlas files' content, the package's version and code, and the cache format; every later run
with unchanged files and code just reads it back. A cache file that is missing, damaged, foreign or
not a regular file is rebuilt and replaced, never trusted and never an error.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from corridors.atlas.model import FREIGHT_MODES, Atlas, Coord
from corridors.atlas.read import atlas_root, build_atlas, parse_json_bytes, read_atlas_bytes
from corridors.network.graph import (
    MODE_CODES,
    TRANSFER,
    EdgeColumns,
    coords_between,
    edge_columns,
    node_id,
)

NODE_MODES = MODE_CODES  # a node key is place code * 8 + index here


@dataclass
class RouteIndex:
    """The route graph as columns: a CSR adjacency over integer node ids, per-edge lists.

    Node ``n``'s incident edges are ``adj_edge[adj_ptr[n]:adj_ptr[n + 1]]`` (in edge order;
    a self-loop once), leading to ``adj_to`` at the same positions. Edge lines are not kept
    per edge: see :meth:`edge_coords_of`. Nodes are numbered in first-seen order (each edge's
    ``u`` then ``v``, edge by edge), as adding edges one by one would number them.

    A node is kept as a key, place code * 8 + mode number (``place_ids[key >> 3]`` in mode
    ``NODE_MODES[key & 7]``); its name (``"rajin_port@rail"``) is made only when asked for
    (:meth:`node_name`, :attr:`nodes`): a route query needs a handful, not one per node.
    """

    node_keys: list[int] = field(default_factory=list)
    place_ids: list[str] = field(default_factory=list)
    place_nodes: dict[str, list[int]] = field(default_factory=dict)
    adj_ptr: list[int] = field(default_factory=lambda: [0])
    adj_to: list[int] = field(default_factory=list)
    adj_edge: list[int] = field(default_factory=list)
    edge_start: list[str] = field(default_factory=list)
    edge_end: list[str] = field(default_factory=list)
    edge_u: list[int] = field(default_factory=list)
    edge_v: list[int] = field(default_factory=list)
    edge_mode: list[str] = field(default_factory=list)
    edge_corridor: list[str | None] = field(default_factory=list)
    edge_status: list[str] = field(default_factory=list)
    edge_length_m: list[float] = field(default_factory=list)
    coord_xy: array[float] = field(default_factory=lambda: array("d"))
    coord_ptr: array[int] = field(default_factory=lambda: array("q", [0]))
    _node_names: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def node_count(self) -> int:
        return len(self.node_keys)

    def node_name(self, node: int) -> str:
        """The name of a node: ``"<place id>@<mode>"``."""
        key = self.node_keys[node]
        return node_id(self.place_ids[key >> 3], NODE_MODES[key & 7])

    def node_mode(self, node: int) -> str:
        """The mode of a node (rail, sea, ...)."""
        return NODE_MODES[self.node_keys[node] & 7]

    @property
    def nodes(self) -> list[str]:
        """Every node's name, by node number (made on first use, then kept)."""
        if self._node_names is None or len(self._node_names) != len(self.node_keys):
            ids, modes = self.place_ids, NODE_MODES
            self._node_names = [f"{ids[key >> 3]}@{modes[key & 7]}" for key in self.node_keys]
        return self._node_names

    @property
    def edge_count(self) -> int:
        return len(self.edge_u)

    def edge_coords_of(self, edge: int) -> tuple[Coord, ...]:
        """The line of one edge as (lon, lat) pairs, from its start place to its end place."""
        return coords_between(self.coord_xy, self.coord_ptr[edge], self.coord_ptr[edge + 1])

    def neighbours(self, node: int) -> list[tuple[int, int]]:
        """(neighbour, edge) pairs of one node, in edge order."""
        first, stop = self.adj_ptr[node], self.adj_ptr[node + 1]
        return list(zip(self.adj_to[first:stop], self.adj_edge[first:stop], strict=True))


def build_index(*, atlas: Atlas) -> RouteIndex:
    """Compile an atlas into a :class:`RouteIndex`.

    Edges come as columns (:func:`~corridors.network.graph.edge_columns`); large atlases number
    their nodes and sort the adjacency with numpy (integer keys, ``np.unique``, ``lexsort``)
    instead of per-edge dictionary and list work, while worker threads measure the edges'
    lengths. The cyclic garbage collector is paused meanwhile: the build allocates ~10^6
    objects and its full passes over them would cost more than the build itself.
    """
    with paused_gc():
        # A bulk build may still be measuring lengths on worker threads: number the nodes
        # meanwhile, then wait for them.
        columns = edge_columns(atlas, wait=False)
        index = RouteIndex(
            edge_start=columns.start,
            edge_end=columns.end,
            edge_mode=columns.mode,
            edge_corridor=columns.corridor,
            edge_status=columns.status,
            coord_xy=columns.coord_xy,
            coord_ptr=columns.coord_ptr,
        )
        if columns.start_code is None:
            index.place_nodes = {place_id: [] for place_id in atlas.places}
            index.place_ids = list(atlas.places)
            _number_nodes_python(index)
        else:
            _number_nodes_numpy(index, columns)
        index.edge_length_m = columns.finish().length_m
    return index


def _node_modes(mode: str) -> tuple[str, str]:
    """The modes of an edge's two nodes (a transfer joins rail to sea)."""
    return (FREIGHT_MODES[0], FREIGHT_MODES[1]) if mode == TRANSFER else (mode, mode)


def _number_nodes_python(index: RouteIndex) -> None:
    """Nodes, edge ends and the CSR adjacency of a small index, in plain Python."""
    number_of: dict[tuple[str, str], int] = {}
    nodes, place_nodes = index.node_keys, index.place_nodes
    place_code = {place_id: code for code, place_id in enumerate(index.place_ids)}
    mode_code = {mode: code for code, mode in enumerate(NODE_MODES)}
    for start, end, mode in zip(index.edge_start, index.edge_end, index.edge_mode, strict=True):
        u_mode, v_mode = _node_modes(mode)
        for key, ends in (((start, u_mode), index.edge_u), ((end, v_mode), index.edge_v)):
            number = number_of.get(key)
            if number is None:
                number = number_of[key] = len(nodes)
                if key[0] not in place_code:
                    place_code[key[0]] = len(index.place_ids)
                    index.place_ids.append(key[0])
                nodes.append(place_code[key[0]] * 8 + mode_code[key[1]])
                place_nodes.setdefault(key[0], []).append(number)
            ends.append(number)
    degree = [0] * len(nodes)
    for u, v in zip(index.edge_u, index.edge_v, strict=True):
        degree[u] += 1
        if v != u:
            degree[v] += 1
    ptr = [0]
    for count in degree:
        ptr.append(ptr[-1] + count)
    fill = ptr[:-1]
    to = [0] * ptr[-1]
    via = [0] * ptr[-1]
    for edge, (u, v) in enumerate(zip(index.edge_u, index.edge_v, strict=True)):
        to[fill[u]], via[fill[u]] = v, edge
        fill[u] += 1
        if v != u:
            to[fill[v]], via[fill[v]] = u, edge
            fill[v] += 1
    index.adj_ptr, index.adj_to, index.adj_edge = ptr, to, via


def _number_nodes_numpy(index: RouteIndex, columns: EdgeColumns) -> None:
    """:func:`_number_nodes_python` with integer node keys and numpy sorting."""
    import numpy as np

    assert columns.place_ids is not None
    code = {mode: number for number, mode in enumerate(NODE_MODES)}
    modes = columns.mode_code
    transfer = modes == code[TRANSFER]
    u_mode = np.where(transfer, code[FREIGHT_MODES[0]], modes)
    v_mode = np.where(transfer, code[FREIGHT_MODES[1]], modes)
    edges = len(modes)
    keys = np.empty(2 * edges, dtype=np.int64)  # u0, v0, u1, v1, ...: first-seen order
    keys[0::2] = columns.start_code * 8 + u_mode
    keys[1::2] = columns.end_code * 8 + v_mode
    unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(unique), dtype=np.int64)
    rank[order] = np.arange(len(unique))
    number = rank[inverse.reshape(-1)]
    u, v = number[0::2], number[1::2]
    node_keys = unique[order]
    ids = columns.place_ids
    index.node_keys = node_keys.tolist()
    index.place_ids = ids
    # Each place's nodes in ascending order, grouped by sorting rather than per-node appends.
    by_place = np.argsort(node_keys >> 3, kind="stable").tolist()
    bounds = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(node_keys >> 3, minlength=len(ids)), out=bounds[1:])
    edges_of = bounds.tolist()
    index.place_nodes = dict(
        zip(
            ids,
            [by_place[a:b] for a, b in zip(edges_of[:-1], edges_of[1:], strict=True)],
            strict=True,
        )
    )
    index.edge_u, index.edge_v = u.tolist(), v.tolist()
    edge = np.arange(edges, dtype=np.int64)
    loop = u == v  # a self-loop is listed once, at its node
    source = np.concatenate([u, v[~loop]])
    target = np.concatenate([v, u[~loop]])
    via = np.concatenate([edge, edge[~loop]])
    by_node = np.lexsort((via, source))
    ptr = np.zeros(len(unique) + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=len(unique)), out=ptr[1:])
    index.adj_ptr = ptr.tolist()
    index.adj_to = target[by_node].tolist()
    index.adj_edge = via[by_node].tolist()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector during bulk allocation.

    On exit the objects allocated meanwhile are moved straight to the oldest generation
    (``gc.freeze`` then ``gc.unfreeze``, both O(1) list moves) instead of leaving millions of
    them in the youngest one, where the first collection after re-enabling would walk them all.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # never unfreeze what someone else froze
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


@dataclass
class Network:
    """What every command works on: the validated atlas and its routing index."""

    atlas: Atlas
    index: RouteIndex

    def nodes_of(self, place_id: str, modes: set[str] | None = None) -> list[int]:
        """Index nodes of a place, restricted to ``modes`` if given."""
        found = self.index.place_nodes.get(place_id, [])
        if modes is None:
            return list(found)
        return [n for n in found if self.index.node_mode(n) in modes]


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
    contents, fingerprint = read_atlas_bytes(root)
    if not use_cache:
        return _build_network(root, contents, fingerprint, quiet=quiet)
    from corridors.network import cache as netcache

    cache_file = netcache.cache_path(fingerprint)
    try:
        return netcache.read_network(cache_file, root=root, fingerprint=fingerprint)
    except netcache.CacheMiss as miss:
        reason = str(miss)
    network = _build_network(root, contents, fingerprint, quiet=quiet)
    problem = netcache.save_network(cache_file, network, root=root)
    if on_cache_event is not None:
        outcome = "rebuilt the route graph" if problem is None else "rebuilt, not saved: " + problem
        on_cache_event(f"cache: {reason}; {outcome}")
    return network


def _build_network(
    root: Path, contents: dict[Path, bytes], fingerprint: str, *, quiet: bool
) -> Network:
    from corridors.progress import progress

    with progress("building the route graph", quiet=quiet):
        raw = {path: parse_json_bytes(path, data) for path, data in contents.items()}
        loaded = build_atlas(root, raw, fingerprint=fingerprint)
        return Network(loaded, build_index(atlas=loaded))


__all__ = ["TRANSFER", "Network", "RouteIndex", "build_index", "load_network", "node_id"]
