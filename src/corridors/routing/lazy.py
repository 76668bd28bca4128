"""A route answered from the route file, without loading the atlas (issue 13 item 3).

:func:`cached_route` resolves the two places, prices the edges and searches the graph on the
memory-mapped columns of :mod:`corridors.network.routefile`, then assembles the route with the
very code of :mod:`corridors.routing.route` over a :class:`~corridors.network.routefile.RouteView`,
which decodes only the places and corridors of the legs found. Same rules, same engine as the
full path: the edge costs come from :func:`corridors.routing.search.coded_costs` (the vector
rule of :func:`~corridors.routing.search.edge_costs`), the search from
:func:`corridors.routing.compiled.path_in` over a graph keeping the cheapest edge of each node
pair with the lowest id on ties (as :func:`~corridors.routing.compiled.compile_graph` does).

Whatever this path does not answer itself returns None, and the caller loads the full network:
no route file (a small atlas, a first run, a changed atlas), a name that is not an exact id or
one unambiguous label (the full path's messages suggest near matches), the same place twice, no
route (the full path explains why), ``by="cost"``, or a route file found damaged while reading.
``tests/test_lazy_route.py`` proves both paths give identical routes.
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

__all__ = ["cached_route"]


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
    """
    if options.by == "cost":
        return None
    from corridors.network.routefile import open_view

    view = open_view(atlas)
    if view is None:
        return None
    try:
        found = route_in(view, origin, destination, options)
    except (CacheMiss, ColumnFileError):
        return None
    return None if found is None else (cast("Network", view), found)


def route_in(view: RouteView, origin: str, destination: str, options: RouteOptions) -> Route | None:
    """:func:`corridors.routing.route.route` over a route view.

    Returns
    -------
    Route or None
        None when the full network must answer (see the module docstring).

    Raises
    ------
    ColumnFileError
        If a piece of the route file read on the way is damaged.
    """
    from corridors.routing import compiled
    from corridors.routing.route import _assemble

    if options.by == "cost":
        return None
    start, end = _resolve(view, origin), _resolve(view, destination)
    if start is None or end is None or start == end:
        return None
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
    edges = [_edge_between(view, costs, a, b) for a, b in steps]
    return _assemble(cast("Network", view), start, end, edges, options)


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


def _resolve(view: RouteView, text: str) -> str | None:
    """An exact place id first, then the label index (one place, else the full path)."""
    if view.place_code(text) is not None:
        return text
    from corridors.atlas.names import LabelIndex

    labels = LabelIndex(cast(Any, view.labels), cast(Any, view.stems), "places")
    found = labels.candidates(text)
    if len(found) != 1:
        return None  # unknown or ambiguous: the full path's message
    return found[0]


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
