"""The loaded atlas plus a compact routing index, cached on disk by the atlas's content.

A route query from the command line must not pay for parsing, validating and measuring the
atlas again, nor for importing networkx or pyproj: the first run builds the index and pickles
it (with the validated atlas) under the user cache folder, keyed by the SHA-256 of the atlas
files; every later run with unchanged files just unpickles it. Any change to any atlas file
changes the key, so a stale cache is never used.
"""

from __future__ import annotations

import gc
import os
import pickle
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from corridors.atlas import Atlas, atlas_root, build_atlas, parse_json_bytes, read_atlas_bytes
from corridors.graph import (
    TRANSFER,
    EdgeColumns,
    GraphEdge,
    edge_columns,
    node_id,
)
from corridors.paths import cache_dir

CACHE_FORMAT = 1
# From this many edges the adjacency lists are sorted out with numpy instead of appended.
BULK_ADJACENCY_MIN_EDGES = 2_000


@dataclass
class RouteIndex:
    """Adjacency lists over integer node ids, with per-edge attributes in parallel lists."""

    nodes: list[str] = field(default_factory=list)
    node_index: dict[str, int] = field(default_factory=dict)
    place_nodes: dict[str, list[int]] = field(default_factory=dict)
    adjacency: list[list[tuple[int, int]]] = field(default_factory=list)
    edge_start: list[str] = field(default_factory=list)
    edge_end: list[str] = field(default_factory=list)
    edge_u: list[int] = field(default_factory=list)
    edge_v: list[int] = field(default_factory=list)
    edge_mode: list[str] = field(default_factory=list)
    edge_corridor: list[str | None] = field(default_factory=list)
    edge_status: list[str] = field(default_factory=list)
    edge_length_m: list[float] = field(default_factory=list)
    edge_coords: list[tuple[tuple[float, float], ...]] = field(default_factory=list)

    def add_node(self, node: str) -> int:
        index = self.node_index.get(node)
        if index is None:
            index = len(self.nodes)
            self.nodes.append(node)
            self.node_index[node] = index
            self.adjacency.append([])
            self.place_nodes.setdefault(node.rsplit("@", 1)[0], []).append(index)
        return index

    def add_edge(self, edge: GraphEdge) -> None:
        u = self.add_node(edge.u)
        v = self.add_node(edge.v)
        edge_index = len(self.edge_u)
        self.edge_start.append(edge.start)
        self.edge_end.append(edge.end)
        self.edge_u.append(u)
        self.edge_v.append(v)
        self.edge_mode.append(edge.mode)
        self.edge_corridor.append(edge.corridor)
        self.edge_status.append(edge.status)
        self.edge_length_m.append(edge.length_m)
        self.edge_coords.append(edge.coords)
        self.adjacency[u].append((v, edge_index))
        if v != u:
            self.adjacency[v].append((u, edge_index))

    @property
    def edge_count(self) -> int:
        return len(self.edge_u)


def build_index(edges: list[GraphEdge] | None = None, *, atlas: Atlas | None = None) -> RouteIndex:
    """Compile graph edges (or a whole atlas) into a :class:`RouteIndex`.

    Same result as calling :meth:`RouteIndex.add_edge` per edge, but built from plain edge
    records with the loop inlined and the cyclic garbage collector paused: building ~10^5
    edges allocates ~10^6 objects, and the collector's repeated full passes over them used to
    cost more than the build itself.
    """
    if edges is None and atlas is None:
        raise TypeError("build_index needs edges or atlas")
    with paused_gc():
        index = RouteIndex()
        if atlas is not None:
            for place_id in atlas.places:
                index.place_nodes.setdefault(place_id, [])
        if edges is None:
            assert atlas is not None
            _add_columns(index, edge_columns(atlas))
        else:
            for edge in edges:
                index.add_edge(edge)
    return index


def _add_columns(index: RouteIndex, columns: EdgeColumns) -> None:
    """:meth:`RouteIndex.add_edge` for every edge of ``columns``, in bulk."""
    first = index.edge_count
    index.edge_start.extend(columns.start)
    index.edge_end.extend(columns.end)
    index.edge_mode.extend(columns.mode)
    index.edge_corridor.extend(columns.corridor)
    index.edge_status.extend(columns.status)
    index.edge_length_m.extend(columns.length_m)
    index.edge_coords.extend(columns.coords)
    u_keys, v_keys = columns.node_keys()
    nodes, node_index, place_nodes = index.nodes, index.node_index, index.place_nodes
    adjacency = index.adjacency
    number_of: dict[tuple[str, str], int] = {}
    # Numbered in first-seen order (u then v, edge by edge), exactly as add_edge numbers them.
    for key in dict.fromkeys(chain.from_iterable(zip(u_keys, v_keys, strict=True))):
        node = node_id(*key)
        number = node_index.get(node)
        if number is None:
            number = node_index[node] = len(nodes)
            nodes.append(node)
            adjacency.append([])
            place_nodes.setdefault(key[0], []).append(number)
        number_of[key] = number
    index.edge_u.extend(map(number_of.__getitem__, u_keys))
    index.edge_v.extend(map(number_of.__getitem__, v_keys))
    if first == 0 and len(columns) >= BULK_ADJACENCY_MIN_EDGES:
        index.adjacency[:] = _bulk_adjacency(index.edge_u, index.edge_v, len(nodes))
        return
    for number, u, v in zip(
        range(first, first + len(columns)), index.edge_u[first:], index.edge_v[first:], strict=True
    ):
        adjacency[u].append((v, number))
        if v != u:
            adjacency[v].append((u, number))


def _bulk_adjacency(
    edge_u: list[int], edge_v: list[int], node_count: int
) -> list[list[tuple[int, int]]]:
    """Adjacency lists equal to add_edge's (each node's entries in edge order), via numpy sort."""
    import numpy as np

    u = np.asarray(edge_u, dtype=np.int64)
    v = np.asarray(edge_v, dtype=np.int64)
    edge = np.arange(len(u), dtype=np.int64)
    loop = u == v  # a self-loop is listed once, at its node
    source = np.concatenate([u, v[~loop]])
    target = np.concatenate([v, u[~loop]])
    number = np.concatenate([edge, edge[~loop]])
    order = np.lexsort((number, source))
    pairs = list(zip(target[order].tolist(), number[order].tolist(), strict=True))
    bounds = np.searchsorted(source[order], np.arange(node_count + 1)).tolist()
    return [pairs[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


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
        return [n for n in found if self.index.nodes[n].rsplit("@", 1)[1] in modes]


def load_network(
    atlas: str | Path | None = None, *, use_cache: bool = True, quiet: bool = False
) -> Network:
    """Load the atlas and its routing index, from the cache when the atlas is unchanged.

    A rebuild that takes more than a second shows a spinner on a terminal unless ``quiet``.
    """
    root = atlas_root(atlas)
    contents, fingerprint = read_atlas_bytes(root)
    cache_file = cache_dir() / f"network-v{CACHE_FORMAT}-{fingerprint}.pickle"
    if use_cache:
        cached = _read_cache(cache_file)
        if cached is not None:
            cached.atlas.root = root
            return cached
    from corridors.progress import progress

    with progress("building the route graph", quiet=quiet):
        raw = {path: parse_json_bytes(path, data) for path, data in contents.items()}
        loaded = build_atlas(root, raw, fingerprint=fingerprint)
        network = Network(loaded, build_index(atlas=loaded))
        if use_cache:
            _write_cache(cache_file, network)
    return network


def _read_cache(path: Path) -> Network | None:
    try:
        with path.open("rb") as handle, paused_gc():  # unpickling allocates in bulk too
            network = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return None
    return network if isinstance(network, Network) else None


def _write_cache(path: Path, network: Network) -> None:
    """Best effort, atomic: a failed write leaves no partial cache file behind."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".network-", suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(network, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        return


__all__ = ["TRANSFER", "Network", "RouteIndex", "build_index", "load_network", "node_id"]
