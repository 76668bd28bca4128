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
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from corridors.atlas.model import FREIGHT_MODES, Atlas, Coord
from corridors.atlas.names import LabelIndex, place_index, resolve_place
from corridors.atlas.timeline import timeline
from corridors.network.seatable import SeaTable
from corridors.network.terms import MODE_CODES, TRANSFER, coords_between, is_open_sea, node_id

if TYPE_CHECKING:
    from corridors.network.graph import EdgeColumns

NODE_MODES = MODE_CODES  # a node key is place code * 8 + index here
T = TypeVar("T")
# Values kept per index by :meth:`RouteIndex.derived` (edge costs, CSR matrices per options).
MAX_DERIVED = 64


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
    # Corridor id -> (first-day ordinals, statuses) of its history, for corridors that have
    # one (status in time; :class:`Network` fills it from the atlas). Edges of other corridors,
    # and synthetic edges of no corridor, keep their ``edge_status`` on every day.
    corridor_timelines: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = field(
        default_factory=dict, repr=False, compare=False
    )
    sea_table: SeaTable = field(default_factory=SeaTable)
    _node_names: list[str] | None = field(default=None, repr=False, compare=False)
    _derived: dict[Hashable, tuple[tuple[int, int], Any]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def derived(self, key: Hashable, build: Callable[[], T]) -> T:
        """A value computed from this index by ``build``, kept with the index under ``key``.

        Routing keeps its edge costs and compiled matrices here, per route options: the index
        owns them and they go when it goes. A value is rebuilt if the index's node or edge
        count has changed since; at most :data:`MAX_DERIVED` values are kept.

        Parameters
        ----------
        key : hashable
            What the value is (e.g. ``("edge_costs", options.key)``).
        build : callable
            Makes the value when it is not kept yet.

        Returns
        -------
        The kept or newly built value.
        """
        size = (self.node_count, self.edge_count)
        found = self._derived.get(key)
        if found is not None and found[0] == size:
            return found[1]
        if len(self._derived) >= MAX_DERIVED:
            self._derived.clear()
        value = build()
        self._derived[key] = (size, value)
        return value

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

    def is_open_sea(self, edge: int) -> bool:
        """Whether an edge is open sea: a synthetic sea edge between two ports, no corridor."""
        return is_open_sea(self.edge_corridor[edge], self.edge_mode[edge])

    def corridor_lengths_km(self) -> dict[str, float]:
        """Geodesic length of every corridor in km: the sum of its edges' lengths.

        Returns
        -------
        dict of str to float
            Corridor id to km, for corridors with at least one edge.
        """
        lengths: dict[str, float] = {}
        for corridor, length_m in zip(self.edge_corridor, self.edge_length_m, strict=True):
            if corridor is not None:
                lengths[corridor] = lengths.get(corridor, 0.0) + length_m / 1000.0
        return lengths

    def edge_records(self) -> Iterator[dict[str, Any]]:
        """Every edge as a record, in edge order.

        Returns
        -------
        iterator of dict
            ``u`` and ``v`` (node names ``"<place>@<mode>"``), ``mode``, ``corridor`` (``""``
            for a transfer or open sea), ``open_sea`` (bool), ``status``, ``length_m`` (metres,
            geodesic on WGS84) and
            ``coords`` ((lon, lat) pairs in EPSG:4326, from ``u``'s place to ``v``'s).
        """
        nodes = self.nodes
        for e in range(self.edge_count):
            yield {
                "u": nodes[self.edge_u[e]],
                "v": nodes[self.edge_v[e]],
                "mode": self.edge_mode[e],
                "corridor": self.edge_corridor[e] or "",
                "open_sea": self.is_open_sea(e),
                "status": self.edge_status[e],
                "length_m": self.edge_length_m[e],
                "coords": self.edge_coords_of(e),
            }

    def neighbours(self, node: int) -> list[tuple[int, int]]:
        """(neighbour, edge) pairs of one node, in edge order."""
        first, stop = self.adj_ptr[node], self.adj_ptr[node + 1]
        return list(zip(self.adj_to[first:stop], self.adj_edge[first:stop], strict=True))


def build_index(*, atlas: Atlas, corridor_edges: EdgeColumns | None = None) -> RouteIndex:
    """Compile an atlas into a :class:`RouteIndex`.

    Edges come as columns (:func:`~corridors.network.graph.edge_columns`, the one edge builder);
    nodes are numbered and the adjacency sorted with numpy (integer keys, ``np.unique``,
    ``lexsort``; :func:`_number_nodes`, the one numbering) while worker threads measure the
    edges' lengths. Every atlas, the shipped one included, takes this path. The cyclic garbage
    collector is paused meanwhile: the build allocates ~10^6 objects and its full passes over
    them would cost more than the build itself. ``corridor_edges``: the corridor pieces made
    from columns (see :func:`~corridors.network.graph.edge_columns`).
    """
    from corridors.network.graph import edge_columns  # builds; a cache hit never does

    with paused_gc():
        # A bulk build may still be measuring lengths on worker threads: number the nodes
        # meanwhile, then wait for them.
        columns = edge_columns(atlas, wait=False, corridor_edges=corridor_edges)
        index = RouteIndex(
            edge_start=columns.start,
            edge_end=columns.end,
            edge_mode=columns.mode,
            edge_corridor=columns.corridor,
            edge_status=columns.status,
            coord_xy=columns.coord_xy,
            coord_ptr=columns.coord_ptr,
        )
        _number_nodes(index, columns)
        index.edge_length_m = columns.finish().length_m
        if columns.sea_table is not None:
            index.sea_table = columns.sea_table
    return index


def _number_nodes(index: RouteIndex, columns: EdgeColumns) -> None:
    """Nodes, edge ends and the CSR adjacency of ``index``, from the place codes of ``columns``
    (:func:`node_arrays`, as Python lists)."""
    nodes = node_arrays(columns)
    ids = columns.place_ids
    index.node_keys = nodes.node_keys.tolist()
    index.place_ids = ids
    by_place = nodes.place_members.tolist()
    edges_of = nodes.place_ptr.tolist()
    index.place_nodes = dict(
        zip(
            ids,
            [by_place[a:b] for a, b in zip(edges_of[:-1], edges_of[1:], strict=True)],
            strict=True,
        )
    )
    index.edge_u, index.edge_v = nodes.edge_u.tolist(), nodes.edge_v.tolist()
    index.adj_ptr = nodes.adj_ptr.tolist()
    index.adj_to = nodes.adj_to.tolist()
    index.adj_edge = nodes.adj_edge.tolist()


@dataclass
class NodeArrays:
    """The nodes and adjacency of a route graph as numpy int64 arrays (see :class:`RouteIndex`
    for their meaning); ``place_ptr``/``place_members``: each place's nodes (ascending), place
    ``k`` of ``place_ids`` owning ``place_members[place_ptr[k]:place_ptr[k + 1]]``."""

    node_keys: Any
    edge_u: Any
    edge_v: Any
    adj_ptr: Any
    adj_to: Any
    adj_edge: Any
    place_ptr: Any
    place_members: Any


def first_seen(codes: Any) -> tuple[Any, Any]:
    """The distinct values of the integer array ``codes`` in first-seen order, and each
    value's rank among them (what numbering values as they come gives)."""
    import numpy as np

    if not len(codes):
        return codes[:0], np.zeros(0, dtype=np.int64)
    distinct, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[order] = np.arange(len(distinct), dtype=np.int64)
    return distinct[order], rank[inverse.reshape(-1)]


def node_arrays(columns: EdgeColumns) -> NodeArrays:
    """Nodes, edge ends, CSR adjacency and each place's nodes, from the place codes of
    ``columns``: the one numbering.

    Nodes are numbered in first-seen order (each edge's ``u`` then ``v``, edge by edge); a
    transfer joins its place's rail node to its sea node. Integer keys and numpy sorting,
    not per-edge dictionary work.
    """
    import numpy as np

    code = {mode: number for number, mode in enumerate(NODE_MODES)}
    modes = columns.mode_code
    transfer = modes == code[TRANSFER]
    u_mode = np.where(transfer, code[FREIGHT_MODES[0]], modes)
    v_mode = np.where(transfer, code[FREIGHT_MODES[1]], modes)
    edges = len(modes)
    keys = np.empty(2 * edges, dtype=np.int64)  # u0, v0, u1, v1, ...: first-seen order
    keys[0::2] = columns.start_code * 8 + u_mode
    keys[1::2] = columns.end_code * 8 + v_mode
    node_keys, number = first_seen(keys)
    u, v = number[0::2], number[1::2]
    places = len(columns.place_ids)
    # Each place's nodes in ascending order, grouped by sorting rather than per-node appends.
    by_place = np.argsort(node_keys >> 3, kind="stable")
    bounds = np.zeros(places + 1, dtype=np.int64)
    np.cumsum(np.bincount(node_keys >> 3, minlength=places), out=bounds[1:])
    edge = np.arange(edges, dtype=np.int64)
    loop = u == v  # a self-loop is listed once, at its node
    source = np.concatenate([u, v[~loop]])
    target = np.concatenate([v, u[~loop]])
    via = np.concatenate([edge, edge[~loop]])
    by_node = np.lexsort((via, source))
    ptr = np.zeros(len(node_keys) + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=len(node_keys)), out=ptr[1:])
    return NodeArrays(
        node_keys=node_keys.astype(np.int64),
        edge_u=np.ascontiguousarray(u, dtype=np.int64),
        edge_v=np.ascontiguousarray(v, dtype=np.int64),
        adj_ptr=ptr,
        adj_to=target[by_node],
        adj_edge=via[by_node],
        place_ptr=bounds,
        place_members=by_place.astype(np.int64),
    )


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
    """What every command works on: the validated atlas and its routing index.

    Attributes
    ----------
    atlas : Atlas
        The validated atlas.
    index : RouteIndex
        Its route graph as columns (see :func:`build_index`).
    notes_free : str or None
        The digest of the atlas files it was built from with their notes left out
        (:func:`corridors.atlas.notes_free.notes_free_digest`) when known: computed when a
        small atlas's network is built, and kept in its cache file. The maps' kept page parts
        are keyed by it (:mod:`corridors.maps.page_parts`).
    """

    atlas: Atlas
    index: RouteIndex
    notes_free: str | None = field(default=None, init=False, repr=False, compare=False)
    _labels: tuple[int, LabelIndex] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        # The index answers "which edges on day D" by itself: give it each dated corridor's
        # history (per corridor, not per edge; corridors without history need nothing).
        lines = {}
        for corridor in self.atlas.corridors.values():
            line = timeline(corridor)
            if line is not None:
                lines[corridor.id] = line
        if lines != self.index.corridor_timelines:
            self.index.corridor_timelines = lines
            self.index._derived.clear()  # costs computed without these histories

    def resolve_place(self, text: str) -> str:
        """The id of the place named ``text`` (an id, name, alias or native name; see
        :func:`corridors.atlas.names.resolve_place`).

        An exact place id is answered first, without the label index.
        The label index is kept with the network (rebuilt if the number of places changes):
        building it walks every place, which on a 10^5-place atlas costs more than a route.

        Raises
        ------
        UnknownPlaceError
            No place has that id, name or alias (the message suggests near matches).
        """
        if text in self.atlas.places:  # an exact id: no label index needed (walks all)
            return text
        return resolve_place(self.atlas, text, index=self.place_labels())

    def place_labels(self) -> LabelIndex:
        """The label index of the atlas's places (:func:`~corridors.atlas.names.place_index`),
        built on first use and kept (built again if the number of places changes)."""
        places = self.atlas.places
        if self._labels is None or self._labels[0] != len(places):
            self._labels = (len(places), place_index(self.atlas))
        return self._labels[1]

    def keep_place_labels(self, labels: LabelIndex) -> None:
        """Use ``labels`` as :meth:`place_labels`: it must be ``place_index(self.atlas)`` (the
        network cache stores it beside the network it was built for)."""
        self._labels = (len(self.atlas.places), labels)

    def nodes_of(self, place_id: str, modes: set[str] | None = None) -> list[int]:
        """Index nodes of a place, restricted to ``modes`` if given (empty: no corridor)."""
        found = self.index.place_nodes.get(place_id, [])
        if modes is None:
            return list(found)
        return [n for n in found if self.index.node_mode(n) in modes]


__all__ = ["TRANSFER", "Network", "RouteIndex", "build_index", "node_id"]
