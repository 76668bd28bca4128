"""A route answered from the route file, without loading the atlas (issue 13 item 3).

:func:`cached_route` resolves the two places, prices the edges and searches the graph on the
memory-mapped columns of :mod:`corridors.network.routefile`, then assembles the route with the
very code of :mod:`corridors.routing.route` over a :class:`~corridors.network.routefile.RouteView`,
which decodes only the places and corridors of the legs found. Same rules, same engine as the
full path: the edge costs come from :func:`corridors.routing.search.coded_costs` (the vector
rule of :func:`~corridors.routing.search.edge_costs`), the search from
:func:`corridors.routing.compiled.path_in` over a graph keeping the cheapest edge of each node
pair with the lowest id on ties (as :func:`~corridors.routing.compiled.compile_graph` does).

It also answers what the full path refuses, with the full path's own code and messages
(:func:`corridors.routing.route.route_with`): an unknown name (its near labels found in the
route file's label keys: :mod:`corridors.network.near_labels`), an ambiguous one, the same
place twice, and no route (the explaining searches run on the route file too).

Whatever this path cannot answer returns None, and the caller loads the full network: no
route file (a small atlas, a first run, a changed atlas), ``by="cost"``, or a route file found
damaged while reading. ``tests/test_lazy_route.py`` and ``tests/test_lazy_errors.py`` prove
both paths give identical routes and identical errors.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, cast

from corridors.errors import CacheMiss
from corridors.network.columnfile import ColumnFileError
from corridors.routing.options import RouteOptions

if TYPE_CHECKING:
    from corridors.network.index import Network
    from corridors.network.routefile import RouteView
    from corridors.routing.route import Route

__all__ = ["ViewNetwork", "cached_route", "route_in", "view_search"]


def cached_route(
    atlas: str | os.PathLike[str] | None,
    origin: str,
    destination: str,
    options: RouteOptions,
) -> tuple[Network, Route] | None:
    """The route between two places from the atlas's route file, or None (load the network).

    Parameters
    ----------
    atlas : str or path-like, optional
        Atlas folder (default: ``CORRIDORS_ATLAS`` or the bundled atlas).
    origin, destination : str
        Place ids, names or aliases.
    options : RouteOptions

    Returns
    -------
    tuple of (Network, Route) or None
        A :class:`~corridors.network.routefile.RouteView` standing in for the network (only its
        ``atlas.places``, ``atlas.corridors`` and edge columns may be read: what the route's
        report reads) and
        the route, identical to :func:`corridors.routing.route.route` on the full network; None
        when the full network must answer (see the module docstring).

    Raises
    ------
    AtlasError
        If the atlas folder is missing or lacks its required files.
    UnknownPlaceError, UsageError, NoRouteError
        As :func:`corridors.routing.route.route` raises them, with the same messages.
    """
    if options.by == "cost":
        return None
    from corridors.atlas.folder import atlas_root
    from corridors.errors import CorridorsError
    from corridors.network import stamp
    from corridors.network.cache import route_path
    from corridors.paths import cache_dir

    # As routefile.open_view, with the content hash known before the file is opened: a
    # refusal asked again in this process (the cold-start lane hands a failed route to the
    # typer command, which asks again to print it) is raised again without searching again.
    # Keyed on the atlas's content hash: the same contents always get the same refusal.
    root = atlas_root(atlas)
    known = stamp.known_fingerprint(cache_dir(), root)
    if known is None:
        return None
    asked = (known, str(root), origin, destination, repr(options))
    refused = _REFUSED.get(asked)
    if refused is not None:
        raise refused
    path = route_path(known)
    if not os.path.lexists(path):
        return None  # a small atlas (no route file) or a first run: nothing more imported
    from corridors.network.routefile import read_view

    try:
        view = read_view(path, root=root, fingerprint=known)
        found = route_in(view, origin, destination, options)
    except (CacheMiss, ColumnFileError):
        return None
    except CorridorsError as error:
        _REFUSED.clear()
        _REFUSED[asked] = error
        raise
    return None if found is None else (cast("Network", view), found)


_REFUSED: dict[tuple[str, ...], Exception] = {}
"""The last refusal of :func:`cached_route`, by (content hash, atlas, places, options)."""


class ViewNetwork:
    """A route view as the network :func:`~corridors.routing.route.route_with` works on:
    ``atlas``, ``index`` (the view), ``nodes_of`` and ``resolve_place`` (an exact id first,
    then the route file's label tables; an unknown name's near labels from its label keys)."""

    def __init__(self, view: RouteView) -> None:
        self.view = view
        self.atlas = view.atlas
        self.index = view
        self._texts: Any = None

    def nodes_of(self, place_id: str, modes: set[str] | None = None) -> list[int]:
        """The place's nodes, restricted to ``modes`` if given."""
        return self.view.nodes_of(place_id, modes)

    def resolve_place(self, text: str) -> str:
        """As :meth:`corridors.network.index.Network.resolve_place`."""
        from corridors.atlas.names import LabelIndex, resolve_place

        if self.view.place_code(text) is not None:
            return text
        labels = LabelIndex(cast(Any, self.view.labels), cast(Any, self.view.stems), "places")
        return resolve_place(cast(Any, self.atlas), text, index=labels, close=self._close)

    def _close(self, key: str) -> list[str]:
        from corridors.network.near_labels import label_texts, near_labels

        if self._texts is None:
            self._texts = label_texts(self.view)
        return near_labels(self._texts, key)


def route_in(view: RouteView, origin: str, destination: str, options: RouteOptions) -> Route | None:
    """:func:`corridors.routing.route.route` over a route view.

    Returns
    -------
    Route or None
        None when the full network must answer (``by="cost"``).

    Raises
    ------
    UnknownPlaceError, UsageError, NoRouteError
        As :func:`corridors.routing.route.route` raises them, with the same messages.
    ColumnFileError
        If a piece of the route file read on the way is damaged.
    """
    from corridors.routing.route import route_with

    if options.by == "cost":
        return None
    network = cast("Network", ViewNetwork(view))
    return route_with(network, origin, destination, options, search=view_search)


def view_search(
    network: Network, start: str, end: str, options: RouteOptions
) -> tuple[float, list[int]] | None:
    """The cheapest path between two places of a :class:`ViewNetwork`: (cost, edge ids), or
    None (the search of :func:`corridors.routing.route.route`, on the route file)."""
    from corridors.routing import compiled

    view = cast(ViewNetwork, network).view
    modes = set(options.modes)
    sources = view.nodes_of(start, modes)
    targets = set(view.nodes_of(end, modes))
    if not sources or not targets:
        return None
    costs = _costs(view, options)
    matrix = _matrix(view, costs)
    bound = _lower_bound(view, start, end, options)
    found = compiled.node_path(matrix, sources, targets, first_limit=1.5 * bound)
    if found is None:
        return None
    passed = found[1]
    steps = zip(passed, passed[1:], strict=False)
    return found[0], [_edge_between(view, costs, a, b) for a, b in steps]


def _lower_bound(view: RouteView, start: str, end: str, options: RouteOptions) -> float:
    """A first search limit: the great-circle distance between the places (km; by time, at
    the fastest speed), a bit less than any route's (only a first guess: see ``path_in``)."""
    import math

    a, b = view.atlas.places[start], view.atlas.places[end]
    lon1, lat1, lon2, lat2 = map(math.radians, (a.lon, a.lat, b.lon, b.lat))
    h = math.sin((lat2 - lat1) / 2) ** 2
    h += math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    km = 0.99 * 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
    if options.by == "time":
        return km / max(options.speeds_kmh.values(), default=1.0)
    return km


def _costs(view: RouteView, options: RouteOptions) -> Any:
    from corridors.routing.search import coded_costs, transfer_cost

    dated = view.dated(options.as_of.toordinal(), set(options.statuses))
    codes = view.codes
    columns = (
        codes["edge_corridor"],
        codes["edge_status"],
        view.statuses,
        codes["edge_mode"],
        view.edge_length / 1000.0,
    )
    return coded_costs(columns, dated, options, transfer_cost(options))


def _matrix(view: RouteView, costs: Any) -> Any:
    """The CSR matrix of these costs over the stored structure: each slot (node pair) costs
    its edge's cost, or the cheapest of its parallel edges'. Unusable edges stay in as
    ``inf``: ``csgraph.dijkstra`` never relaxes along them (as if left out, as
    :func:`~corridors.routing.compiled.compile_graph` does)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    weight = costs[view.slot_edge]
    if len(view.multi_slot):
        each = costs[view.multi_edge]
        weight[view.multi_slot] = np.minimum.reduceat(each, view.multi_ptr[:-1])
    size = view.node_count
    return csr_matrix((weight, view.csr_col, view.csr_ptr), shape=(size, size))


def _edge_between(view: RouteView, costs: Any, a: int, b: int) -> int:
    """The edge of a path step: its slot's edge; of parallel edges, the cheapest, the lowest
    id among equally cheap ones (as :func:`~corridors.routing.compiled.compile_graph`)."""
    import numpy as np

    slot = view.slot_of(a, b)
    at = int(np.searchsorted(view.multi_slot, slot))
    if at == len(view.multi_slot) or int(view.multi_slot[at]) != slot:
        return int(view.slot_edge[slot])
    first, stop = int(view.multi_ptr[at]), int(view.multi_ptr[at + 1])
    candidates = [int(e) for e in view.multi_edge[first:stop]]  # ascending
    cheapest = min(costs[e] for e in candidates)
    return next(e for e in candidates if costs[e] == cheapest)
