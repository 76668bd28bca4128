"""The compiled fast path: the route graph as a scipy CSR matrix, searched by ``csgraph``.

Why: the pure-Python Dijkstra in :mod:`corridors.routing.route` is the right tool for one route on
the small shipped atlas (no numpy/scipy import, ~0.4 s saved on a cold start), but a distance
matrix among hundreds of hubs, or routes over 10^5 corridor pieces, need compiled code.

The CSR holds, for each ordered node pair, the cheapest edge allowed by the route options
(mode and status filter applied as an edge mask; weights computed exactly as
:func:`corridors.routing.route.edge_weight` does, so distances are identical to the Python path).
Explicit zero weights (rail <-> sea transfers when routing by distance) stay edges: scipy
treats stored zeros in a sparse graph as edges. Per-index arrays are cached in memory only
(never pickled into the network cache).
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from corridors.atlas.model import FREIGHT_MODES, MODES, STATUSES
from corridors.network.graph import TRANSFER

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

    from corridors.network.index import Network, RouteIndex
    from corridors.routing.route import RouteOptions

# Rows of sources searched at once when filling a matrix: bounds the dense block held in
# memory to CHUNK_ROWS x nodes floats (8 MB per 10^4 nodes), never sources x nodes.
CHUNK_ROWS = 64

_MODE_CODES = {mode: code for code, mode in enumerate((*MODES, TRANSFER))}
_STATUS_CODES = {status: code for code, status in enumerate(STATUSES)}


@dataclass(frozen=True)
class _Arrays:
    """The index's edge columns as numpy arrays (built once per index)."""

    u: np.ndarray
    v: np.ndarray
    length_m: np.ndarray
    mode: np.ndarray
    status: np.ndarray
    node_count: int


@dataclass(frozen=True)
class CompiledGraph:
    """A CSR adjacency for one set of route options, with the edge behind each entry."""

    matrix: csr_matrix
    edge_of: np.ndarray  # index edge id of each stored CSR entry


_arrays_cache: dict[int, _Arrays] = {}
_graph_cache: dict[tuple[int, Any], CompiledGraph] = {}


def _forget(key: int) -> None:
    _arrays_cache.pop(key, None)
    for cached in [k for k in _graph_cache if k[0] == key]:
        _graph_cache.pop(cached, None)


def index_arrays(index: RouteIndex) -> _Arrays:
    """Numpy columns of ``index`` (cached while the index lives)."""
    key = id(index)
    found = _arrays_cache.get(key)
    if (
        found is not None
        and found.node_count == index.node_count
        and len(found.u) == len(index.edge_u)
    ):
        return found
    arrays = _Arrays(
        u=np.asarray(index.edge_u, dtype=np.int64),
        v=np.asarray(index.edge_v, dtype=np.int64),
        length_m=np.asarray(index.edge_length_m, dtype=np.float64),
        mode=np.fromiter(map(_MODE_CODES.__getitem__, index.edge_mode), dtype=np.int8),
        status=np.fromiter(map(_STATUS_CODES.__getitem__, index.edge_status), dtype=np.int8),
        node_count=index.node_count,
    )
    if found is None:
        weakref.finalize(index, _forget, key)
    _arrays_cache[key] = arrays
    return arrays


def edge_weights(index: RouteIndex, options: RouteOptions) -> np.ndarray:
    """Each edge's cost under ``options`` (``inf`` where the edge may not be used).

    The arithmetic is :func:`corridors.routing.route.edge_weight`'s, operation for operation.
    """
    arrays = index_arrays(index)
    weights = np.full(len(arrays.u), np.inf)
    for mode in options.modes:
        allowed = (arrays.mode == _MODE_CODES[mode]) & np.isin(
            arrays.status, [_STATUS_CODES[s] for s in options.statuses]
        )
        length_km = arrays.length_m[allowed] / 1000.0
        if options.by == "time":
            weights[allowed] = length_km / options.speeds_kmh[mode]
        else:
            weights[allowed] = length_km
    if options.freight and set(FREIGHT_MODES) <= set(options.modes):
        transfer = arrays.mode == _MODE_CODES[TRANSFER]
        weights[transfer] = options.transfer_hours if options.by == "time" else 0.0
    return weights


def _options_key(options: RouteOptions) -> tuple[object, ...]:
    return (
        options.modes,
        options.statuses,
        options.by,
        tuple(sorted(options.speeds_kmh.items())),
        options.transfer_hours,
    )


def compile_graph(index: RouteIndex, options: RouteOptions) -> CompiledGraph:
    """The CSR graph of ``index`` under ``options`` (cached per index and options)."""
    from scipy.sparse import csr_matrix

    key = (id(index), _options_key(options))
    found = _graph_cache.get(key)
    arrays = index_arrays(index)
    if found is not None and found.matrix.shape[0] == arrays.node_count:
        return found
    weights = edge_weights(index, options)
    usable = np.isfinite(weights) & (arrays.u != arrays.v)
    edge = np.flatnonzero(usable)
    row = np.concatenate([arrays.u[edge], arrays.v[edge]])
    col = np.concatenate([arrays.v[edge], arrays.u[edge]])
    edge = np.concatenate([edge, edge])
    weight = weights[edge]
    # For parallel edges keep the cheapest (lowest edge id on ties), as the Python path does.
    order = np.lexsort((edge, weight, col, row))
    row, col, edge, weight = row[order], col[order], edge[order], weight[order]
    first = np.ones(len(row), dtype=bool)
    first[1:] = (row[1:] != row[:-1]) | (col[1:] != col[:-1])
    row, col, edge, weight = row[first], col[first], edge[first], weight[first]
    size = arrays.node_count
    indptr = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=size), out=indptr[1:])
    matrix = csr_matrix((weight, col.astype(np.int32), indptr), shape=(size, size))
    compiled = CompiledGraph(matrix, edge)
    if len(_graph_cache) > 32:
        _graph_cache.clear()
    _graph_cache[key] = compiled
    return compiled


def shortest_edges(
    network: Network, sources: list[int], targets: set[int], options: RouteOptions
) -> tuple[float, list[int]] | None:
    """Like :func:`corridors.routing.route.shortest_edges`, searched by ``scipy.sparse.csgraph``."""
    from scipy.sparse.csgraph import dijkstra

    if not sources or not targets:
        return None
    graph = compile_graph(network.index, options)
    dist, pred, _ = dijkstra(
        graph.matrix,
        directed=True,
        indices=sorted(set(sources)),
        min_only=True,
        return_predecessors=True,
    )
    best = min(sorted(targets), key=lambda node: dist[node])
    cost = float(dist[best])
    if math.isinf(cost):
        return None
    path: list[int] = []
    node = best
    matrix = graph.matrix
    while pred[node] >= 0:
        previous = int(pred[node])
        start, stop = matrix.indptr[previous], matrix.indptr[previous + 1]
        slot = start + int(np.flatnonzero(matrix.indices[start:stop] == node)[0])
        path.append(int(graph.edge_of[slot]))
        node = previous
    return cost, path[::-1]


def costs_between(
    network: Network,
    sources: Sequence[Sequence[int]],
    targets: Sequence[Sequence[int]],
    options: RouteOptions,
    *,
    progress: Any = None,
) -> np.ndarray:
    """Cost matrix: row ``i`` column ``j`` is the cheapest route from any node of
    ``sources[i]`` to any node of ``targets[j]`` (``inf`` if none).

    Each source node is searched once (``csgraph.dijkstra`` with ``indices``), in chunks of
    :data:`CHUNK_ROWS`, keeping only the target columns: memory is O(chunk x nodes + sources x
    targets), never quadratic in the number of nodes.
    """
    from scipy.sparse.csgraph import dijkstra

    graph = compile_graph(network.index, options)
    source_nodes = sorted({n for group in sources for n in group})
    target_nodes = sorted({n for group in targets for n in group})
    where = {node: k for k, node in enumerate(target_nodes)}
    columns = np.asarray(target_nodes, dtype=np.int64)
    node_rows = np.full((len(source_nodes), len(target_nodes)), np.inf)
    for lo in range(0, len(source_nodes), CHUNK_ROWS):
        chunk = source_nodes[lo : lo + CHUNK_ROWS]
        if len(columns):
            block = dijkstra(graph.matrix, directed=True, indices=chunk)
            node_rows[lo : lo + len(chunk)] = block[:, columns]
        if progress is not None:
            progress.advance(len(chunk))
    row_of = {node: k for k, node in enumerate(source_nodes)}
    by_source = _group_min(node_rows, [[row_of[n] for n in g] for g in sources], axis=0)
    return _group_min(by_source, [[where[n] for n in g] for g in targets], axis=1)


def _group_min(values: np.ndarray, groups: list[list[int]], *, axis: int) -> np.ndarray:
    """Minimum of ``values`` over each group of rows (axis 0) or columns (axis 1); inf if empty."""
    shape = list(values.shape)
    shape[axis] = len(groups)
    out = np.full(shape, np.inf)
    filled = [k for k, group in enumerate(groups) if group]
    if not filled:
        return out
    flat = [member for k in filled for member in groups[k]]
    starts = np.cumsum([0] + [len(groups[k]) for k in filled[:-1]])
    picked = np.take(values, flat, axis=axis)
    reduced = np.minimum.reduceat(picked, starts, axis=axis)
    if axis == 0:
        out[filled] = reduced
    else:
        out[:, filled] = reduced
    return out
