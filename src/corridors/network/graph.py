"""Build the multimodal route graph from the atlas.

Each corridor is cut at its ``via`` places into pieces; every piece becomes an edge between
two nodes. A node is a place in one mode (``"rajin_port@rail"``), so corridors of the same mode
that share a place meet there, and the explicit ``transfer`` edges at ports are the only way a
route changes mode (rail <-> sea). Lengths are geodesic on WGS84.

:func:`edge_columns` is the one edge builder (the routing index reads its columns);
:func:`graph_edges` yields its edges as records and :func:`build_graph` turns them into a
:class:`networkx.MultiGraph` for analysis and export (``x``/``y`` on nodes, ``length`` in
metres on edges).
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import TYPE_CHECKING, Any

from corridors.atlas.model import FREIGHT_MODES, STATUSES, Atlas, Coord, Corridor, Place
from corridors.geo.geodesy import segment_projections, split_line
from corridors.network.seatable import OPEN_SEA, SeaTable, build_sea_table, named_lane_pairs
from corridors.network.terms import (
    MODE_CODES,
    NO_CORRIDOR,
    TRANSFER,
    coords_between,
    is_open_sea,
    node_id,
    node_place,
)

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np
    from numpy.typing import NDArray

    Codes = NDArray[np.int64]

DEFAULT_TRANSFER_KINDS = ("port", "terminal")


@dataclass(frozen=True)
class GraphEdge:
    """One edge: a corridor piece between two places, or a transfer inside one place."""

    start: str
    end: str
    mode: str
    corridor: str | None
    status: str
    status_year: int | None
    length_m: float
    coords: tuple[Coord, ...]

    @property
    def open_sea(self) -> bool:
        """Whether this is an open-sea edge (no atlas corridor: see :mod:`.seatable`)."""
        return is_open_sea(self.corridor, self.mode)

    @property
    def u(self) -> str:
        return node_id(self.start, self.mode if self.mode != TRANSFER else FREIGHT_MODES[0])

    @property
    def v(self) -> str:
        return node_id(self.end, self.mode if self.mode != TRANSFER else FREIGHT_MODES[1])


def corridor_pieces(corridor: Corridor, places: dict[str, Place]) -> list[list[Coord]]:
    """The corridor's line cut at its ``via`` places: one piece per consecutive pair of stops."""
    via_points = [places[place_id].coord for place_id in corridor.via]
    return split_line(corridor.coords, via_points)


def transfer_modes(place: Place) -> tuple[str, ...]:
    """Freight modes that can exchange cargo at a place (ports and terminals: rail and sea)."""
    if place.transfer:
        return place.transfer
    if place.kind in DEFAULT_TRANSFER_KINDS:
        return FREIGHT_MODES
    return ()


@dataclass
class PieceCodes:
    """The corridor pieces of :func:`lines_to_columns` as integer codes, not strings (the
    columnar first build: its index is only encoded, so no string per edge is ever made).

    ``start``, ``end``: codes into the atlas's place ids (``list(places)``); ``mode``: into
    :data:`MODE_CODES`; ``corridor``: the corridor's number; ``status``: into
    :data:`~corridors.atlas.model.STATUSES`. One numpy int64 array per column, a value per
    piece, in the order :func:`_attribute_columns` gives them.
    """

    start: Codes
    end: Codes
    mode: Codes
    corridor: Codes
    status: Codes


@dataclass
class EdgeColumns:
    """The edges of the route graph column by column (:func:`edge_columns` builds them).

    Lines are not stored per edge: every edge's positions sit back to back in ``coord_xy``
    (lon, lat, lon, lat, ...), edge ``e`` owning positions ``coord_ptr[e]`` to
    ``coord_ptr[e + 1]``; :meth:`coords_of` turns one back into a tuple of pairs.
    """

    start: list[str]
    end: list[str]
    mode: list[str]
    corridor: list[str | None]
    status: list[str]
    status_year: list[int | None]
    length_m: list[float]
    coord_xy: array[float]
    coord_ptr: array[int]
    # Place ids as integers (``place_ids[code]``), one numpy array per column of edge ends.
    place_ids: list[str]
    start_code: Codes
    end_code: Codes
    mode_code: Codes  # index into MODE_CODES
    # Until :meth:`finish`: waits for the corridor pieces' lengths (measured on threads).
    pending_lengths: Callable[[], list[float]] | None = None
    sea_table: SeaTable | None = None  # the port-to-port lanes the open-sea edges come from
    # Coded columns (made from :class:`PieceCodes`): then the string columns above stay
    # empty and these hold each edge's corridor (NO_CORRIDOR: none) and status code.
    corridor_code: Codes | None = None
    status_code: Codes | None = None

    def finish(self) -> EdgeColumns:
        """Wait for lengths still being measured on worker threads (see :func:`edge_columns`)."""
        if self.pending_lengths is not None:
            # then the open-sea edges' and the transfers' lengths
            self.length_m = self.pending_lengths() + self.length_m
            self.pending_lengths = None
        return self

    def __len__(self) -> int:
        return len(self.mode_code)

    def coords_of(self, edge: int) -> tuple[Coord, ...]:
        """The line of one edge, as (lon, lat) pairs."""
        return coords_between(self.coord_xy, self.coord_ptr[edge], self.coord_ptr[edge + 1])

    @property
    def coords(self) -> list[tuple[Coord, ...]]:
        """Every edge's line (materialised: for exports, not for bulk building)."""
        return [self.coords_of(e) for e in range(len(self))]


def graph_edges(atlas: Atlas) -> Iterator[GraphEdge]:
    """Every edge of the route graph: corridor pieces, then transfers where freight modes meet."""
    columns = edge_columns(atlas)
    yield from map(
        GraphEdge,
        columns.start,
        columns.end,
        columns.mode,
        columns.corridor,
        columns.status,
        columns.status_year,
        columns.length_m,
        columns.coords,
    )


def edge_columns(
    atlas: Atlas,
    *,
    wait: bool = True,
    sea_table: SeaTable | None = None,
    corridor_edges: EdgeColumns | None = None,
) -> EdgeColumns:
    """Every edge of the route graph, as columns: the one edge builder.

    Corridor pieces come first, in corridor order (each corridor cut at its ``via`` places),
    then one open-sea edge per pair of sea ports that no sea corridor joins (in port order;
    corridor None, mode ``sea``, status ``operating``, line and length from the sea table),
    then one transfer edge per place where rail and sea meet and cargo may change mode, in
    place id order. Every corridor's positions go into one array; single-``via`` corridors
    are cut there with numpy (the same arithmetic as :func:`~corridors.geo.geodesy.split_line`,
    which cuts multi-``via`` ones); every piece is measured in one vectorised geodesic call
    (WGS84, metres).

    Parameters
    ----------
    atlas : Atlas
    wait : bool
        If False, return while the lengths may still be measured on worker threads; call
        :meth:`EdgeColumns.finish` before reading ``length_m``.
    sea_table : SeaTable, optional
        The port-to-port lanes (default: :func:`~corridors.network.seatable.build_sea_table`).
    corridor_edges : EdgeColumns, optional
        The corridor pieces already made by :func:`lines_to_columns` (the columnar first
        build); then ``atlas.corridors`` is read only by the sea table (its sea corridors).

    Returns
    -------
    EdgeColumns
    """
    out = corridor_edges
    if out is None:
        out = _corridor_columns(atlas, list(atlas.corridors.values()))
    out.sea_table = build_sea_table(atlas) if sea_table is None else sea_table
    _add_open_sea(atlas, out, out.sea_table)
    _add_transfers(atlas, out)
    if wait:
        out.finish()
    return out


def _corridor_columns(atlas: Atlas, corridors: list[Corridor]) -> EdgeColumns:
    import numpy as np

    count = len(corridors)
    lines = [corridor.coords for corridor in corridors]
    counts = np.fromiter(map(len, lines), dtype=np.int64, count=count)
    total = int(counts.sum())
    raw = np.fromiter(
        chain.from_iterable(chain.from_iterable(lines)), dtype=np.float64, count=2 * total
    ).reshape(total, 2)
    published = [
        (number, corridor.reported_length_km * 1000.0)
        for number, corridor in enumerate(corridors)
        if corridor.schematic and corridor.reported_length_km is not None
    ]
    return lines_to_columns(
        atlas.places,
        raw,
        counts,
        [corridor.via for corridor in corridors],
        _attribute_columns(corridors),
        published,
    )


def lines_to_columns(
    places: dict[str, Place],
    raw: NDArray[np.float64],
    counts: NDArray[np.int64],
    vias: list[Any],
    attributes: tuple[list[Any], ...] | PieceCodes,
    published: list[tuple[int, float]],
) -> EdgeColumns:
    """The corridor edges of :func:`edge_columns` from the corridors' columns.

    ``raw``: every corridor's positions back to back, shape (n, 2); ``counts``: positions per
    corridor; ``vias``: each corridor's ``via`` (empty or None: none); ``attributes``: the
    piece columns of :func:`_attribute_columns`, or the same as codes (:class:`PieceCodes`:
    then the edges' columns are coded, see :class:`EdgeColumns`); ``published``: (corridor
    number, metres) of the schematic corridors routed at their published length. The one
    implementation: the object path (:func:`_corridor_columns`) and the columnar first build
    (:mod:`corridors.network.firstbuild`) both call it.
    """
    import numpy as np

    from corridors.geo.geodesy import start_flat_lines_lengths_m

    count = len(counts)
    total = len(raw)
    split = [number for number, via in enumerate(vias) if via]
    offset = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(counts, out=offset[1:])
    via_count = np.zeros(count, dtype=np.int64)
    via_count[split] = [len(vias[c]) for c in split]
    edge_offset = np.zeros(count + 1, dtype=np.int64)
    np.cumsum(via_count + 1, out=edge_offset[1:])
    first_edge = edge_offset[:-1]
    piece_len = np.empty(int(edge_offset[-1]), dtype=np.int64)
    plain = via_count == 0
    piece_len[first_edge[plain]] = counts[plain]
    # The sequence of positions, as indices into raw + extra: a cut inserts its position twice
    # (end of one piece, start of the next); multi-via corridors are cut in Python.
    keep = np.ones(total, dtype=bool)
    insert_at: list[NDArray[np.int64]] = []
    insert_from: list[NDArray[np.int64]] = []
    extra: list[NDArray[np.float64]] = []
    extra_count = total
    single = np.flatnonzero(via_count == 1)
    if len(single):
        via_xy = np.array([places[vias[c][0]].coord for c in single.tolist()], dtype=float)
        segment, position = _nearest_segments(raw, offset, counts, single, via_xy)
        at = offset[single] + segment + 1
        added = np.arange(extra_count, extra_count + len(single))
        insert_at += [at, at]
        insert_from += [added, added]
        extra.append(position)
        extra_count += len(single)
        piece_len[first_edge[single]] = segment + 2
        piece_len[first_edge[single] + 1] = counts[single] - segment
    for c in np.flatnonzero(via_count > 1).tolist():
        pieces = split_line(
            tuple(map(tuple, raw[offset[c] : offset[c + 1]].tolist())),
            [places[place_id].coord for place_id in vias[c]],
        )
        points = np.array(list(chain.from_iterable(pieces)), dtype=float).reshape(-1, 2)
        keep[offset[c] : offset[c + 1]] = False
        insert_at.append(np.full(len(points), offset[c]))
        insert_from.append(np.arange(extra_count, extra_count + len(points)))
        extra.append(points)
        extra_count += len(points)
        piece_len[edge_offset[c] : edge_offset[c + 1]] = [len(p) for p in pieces]
    source = np.arange(total)
    if insert_at:
        at_all = np.concatenate(insert_at)
        source = np.insert(source, at_all, np.concatenate(insert_from))
        keep = np.insert(keep, at_all, True)
        raw = np.concatenate([raw, *extra])
    points = raw[source[keep]]
    points, piece_len = _dedupe_pieces(points, piece_len)
    coord_ptr = np.zeros(len(piece_len) + 1, dtype=np.int64)
    np.cumsum(piece_len, out=coord_ptr[1:])

    xy = array("d")
    xy.frombytes(np.ascontiguousarray(points).reshape(-1).data.cast("B"))
    ptr = array("q")
    ptr.frombytes(coord_ptr.data.cast("B"))
    lengths = _at_published_length(
        start_flat_lines_lengths_m(points, piece_len),  # measured while we go on
        published,
        edge_offset.tolist(),
    )
    if isinstance(attributes, PieceCodes):
        return EdgeColumns(
            start=[],
            end=[],
            mode=[],
            corridor=[],
            status=[],
            status_year=[],
            length_m=[],
            coord_xy=xy,
            coord_ptr=ptr,
            place_ids=list(places),
            start_code=attributes.start,
            end_code=attributes.end,
            mode_code=attributes.mode,
            pending_lengths=lengths,
            corridor_code=attributes.corridor,
            status_code=attributes.status,
        )
    start, end, mode, ident, status, year = attributes
    place_ids, (start_code, end_code) = _place_codes(places, start, end)
    mode_number = {name: number for number, name in enumerate(MODE_CODES)}
    return EdgeColumns(
        start=start,
        end=end,
        mode=mode,
        corridor=ident,
        status=status,
        status_year=year,
        length_m=[],
        coord_xy=xy,
        coord_ptr=ptr,
        place_ids=place_ids,
        start_code=start_code,
        end_code=end_code,
        mode_code=np.fromiter(map(mode_number.__getitem__, mode), dtype=np.int64, count=len(mode)),
        pending_lengths=lengths,
    )


def _at_published_length(
    measured: Callable[[], list[float]],
    published: list[tuple[int, float]],
    edge_offset: list[int],
) -> Callable[[], list[float]]:
    """`measured` with the pieces of every schematic corridor (``published``: its number and
    published length in metres) scaled so that they add up to it (each piece keeps its share
    of the drawn line)."""
    scaled = [
        (edge_offset[number], edge_offset[number + 1], published_m)
        for number, published_m in published
    ]
    if not scaled:
        return measured

    def finish() -> list[float]:
        lengths = measured()
        for first, stop, published_m in scaled:
            drawn = sum(lengths[first:stop])
            if drawn > 0:
                factor = published_m / drawn
                lengths[first:stop] = [length * factor for length in lengths[first:stop]]
        return lengths

    return finish


def _attribute_columns(corridors: list[Corridor]) -> tuple[list[Any], ...]:
    """Start, end, mode, id, status and status year of every corridor piece, column by column.

    One pass over the corridors for every column (each pass costs a cache miss per corridor).
    """
    start: list[str] = []
    end: list[str] = []
    mode: list[str] = []
    ident: list[str | None] = []
    status: list[str] = []
    year: list[int | None] = []
    for corridor in corridors:
        via = corridor.via
        if via:
            stops = (corridor.start, *via, corridor.end)
            pieces = len(stops) - 1
            start.extend(stops[:-1])
            end.extend(stops[1:])
            mode.extend([corridor.mode] * pieces)
            ident.extend([corridor.id] * pieces)
            status.extend([corridor.status] * pieces)
            year.extend([corridor.status_year] * pieces)
        else:
            start.append(corridor.start)
            end.append(corridor.end)
            mode.append(corridor.mode)
            ident.append(corridor.id)
            status.append(corridor.status)
            year.append(corridor.status_year)
    return start, end, mode, ident, status, year


def _place_codes(places: dict[str, Place], *columns: list[str]) -> tuple[list[str], list[Any]]:
    """Place ids as integers: the id list, and an array of codes (``ids[code]``) per column.

    Why hashes: every stop is its own string object, so a dictionary lookup per stop misses
    the cache on the table and again on the key string it compares with. Matching the stops'
    (cached) string hashes against the sorted hashes of the place ids touches each stop once.
    That is exact when the place ids' hashes are distinct and every stop is a place id (the
    loader rejects unknown places); otherwise the dictionary lookup is used.
    """
    import numpy as np

    ids = list(places)
    place_hash = np.fromiter(map(hash, ids), dtype=np.int64, count=len(ids))
    order = np.argsort(place_hash, kind="stable")
    ordered = place_hash[order]
    if len(ids) and not (ordered[1:] == ordered[:-1]).any():
        found = []
        for column in columns:
            wanted = np.fromiter(map(hash, column), dtype=np.int64, count=len(column))
            at = np.minimum(np.searchsorted(ordered, wanted), len(ids) - 1)
            if not (ordered[at] == wanted).all():
                break  # an id that is not a place: let the dictionary number it
            found.append(order[at])
        else:
            return ids, found
    codes = _Codes(ids)
    arrays = [
        np.fromiter(map(codes.__getitem__, column), dtype=np.int64, count=len(column))
        for column in columns
    ]
    return codes.ids, arrays


class _Codes(dict[str, int]):
    """Place id -> integer code, numbering unknown ids as they come."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids = list(ids)
        super().__init__(zip(self.ids, range(len(self.ids)), strict=True))

    def __missing__(self, key: str) -> int:
        self[key] = code = len(self.ids)
        self.ids.append(key)
        return code


def _add_open_sea(atlas: Atlas, out: EdgeColumns, table: SeaTable) -> None:
    """Append an open-sea edge for every lane of ``table`` whose ports no sea corridor joins."""
    import numpy as np

    if not len(table):
        return  # no lanes (e.g. more sea ports than the table allows): no pairs to look at
    named = named_lane_pairs(atlas)
    code_of = {place_id: code for code, place_id in enumerate(out.place_ids)}
    chosen = [
        lane
        for lane, (i, j) in enumerate(zip(table.start, table.end, strict=True))
        if frozenset((table.ports[i], table.ports[j])) not in named
        and table.ports[i] in code_of
        and table.ports[j] in code_of
    ]
    if not chosen:
        return
    starts = [table.ports[table.start[lane]] for lane in chosen]
    ends = [table.ports[table.end[lane]] for lane in chosen]
    for lane in chosen:
        first, stop = table.coord_ptr[lane], table.coord_ptr[lane + 1]
        out.coord_xy.extend(table.coord_xy[2 * first : 2 * stop])
        out.coord_ptr.append(out.coord_ptr[-1] + stop - first)
    extra = len(chosen)
    _add_strings(out, starts, ends, "sea", extra)
    out.length_m += [table.length_m[lane] for lane in chosen]
    out.start_code = np.concatenate([out.start_code, [code_of[p] for p in starts]]).astype(np.int64)
    out.end_code = np.concatenate([out.end_code, [code_of[p] for p in ends]]).astype(np.int64)
    out.mode_code = np.concatenate(
        [out.mode_code, np.full(extra, MODE_CODES.index("sea"), dtype=np.int64)]
    )


def _add_strings(
    out: EdgeColumns, starts: list[str], ends: list[str], mode: str, extra: int
) -> None:
    """Append ``extra`` operating edges of no corridor to the string columns of ``out`` (or,
    if its columns are coded, to its corridor and status codes)."""
    import numpy as np

    if out.corridor_code is not None and out.status_code is not None:
        out.corridor_code = np.concatenate(
            [out.corridor_code, np.full(extra, NO_CORRIDOR, dtype=np.int64)]
        )
        out.status_code = np.concatenate(
            [out.status_code, np.full(extra, STATUSES.index("operating"), dtype=np.int64)]
        )
        return
    out.start += starts
    out.end += ends
    out.mode += [mode] * extra
    out.corridor += [None] * extra
    out.status += ["operating"] * extra
    out.status_year += [None] * extra


def _add_transfers(atlas: Atlas, out: EdgeColumns) -> None:
    """Append a transfer edge at every place served by both freight modes that allows it."""
    import numpy as np

    ids = out.place_ids
    served = np.ones(len(ids), dtype=bool)  # by place code: served by every freight mode
    for freight_mode in FREIGHT_MODES:
        mask = out.mode_code == MODE_CODES.index(freight_mode)
        here = np.zeros(len(ids), dtype=bool)
        here[out.start_code[mask]] = True
        here[out.end_code[mask]] = True
        served &= here
    freight = set(FREIGHT_MODES)
    places = atlas.places
    chosen_codes = [
        code
        for code in np.flatnonzero(served).tolist()
        if freight <= set(transfer_modes(places[ids[code]]))
    ]
    chosen_codes.sort(key=ids.__getitem__)  # in place id order
    chosen = [ids[code] for code in chosen_codes]
    first = len(out.coord_xy) // 2
    out.coord_xy.extend(chain.from_iterable(places[place_id].coord * 2 for place_id in chosen))
    out.coord_ptr.extend(range(first + 2, first + 2 * len(chosen) + 1, 2))
    extra = len(chosen)
    _add_strings(out, chosen, chosen, TRANSFER, extra)
    out.length_m += [0.0] * extra
    added = np.array(chosen_codes, dtype=np.int64)
    out.start_code = np.concatenate([out.start_code, added])
    out.end_code = np.concatenate([out.end_code, added])
    out.mode_code = np.concatenate(
        [out.mode_code, np.full(extra, MODE_CODES.index(TRANSFER), dtype=np.int64)]
    )


def _nearest_segments(
    raw: Any, offset: Any, counts: Any, rows: Any, points: Any
) -> tuple[Any, Any]:
    """:func:`~corridors.geo.geodesy.nearest_on_line` of one point per line, all lines at once.

    Line ``k`` is ``raw[offset[rows[k]] : offset[rows[k] + 1]]``. Returns each line's segment
    index and projected position, with the same floating-point operations in the same order
    (and the first of equally near segments), so cuts match the per-line search exactly.
    """
    import numpy as np

    segments = counts[rows] - 1
    owner = np.repeat(np.arange(len(rows)), segments)
    first = np.cumsum(segments) - segments
    local = np.arange(len(owner)) - first[owner]
    start = offset[rows][owner] + local
    ax, ay = raw[start, 0], raw[start, 1]
    bx, by = raw[start + 1, 0], raw[start + 1, 1]
    px, py = points[owner, 0], points[owner, 1]
    scale = np.array([math.cos(math.radians(y)) for y in points[:, 1].tolist()])[owner]
    t, d2 = segment_projections(ax, ay, bx, by, px, py, scale)
    best = np.lexsort((d2, owner))[first]  # stable: the first of equal distances wins
    position = np.stack(
        [ax[best] + t[best] * (bx[best] - ax[best]), ay[best] + t[best] * (by[best] - ay[best])],
        axis=1,
    )
    return local[best], position


def _dedupe_pieces(points: Any, lengths: Any) -> tuple[Any, Any]:
    """:func:`~corridors.geo.geodesy.dedupe_line` of every piece stored back to back."""
    import numpy as np

    starts = np.cumsum(lengths) - lengths
    same = np.zeros(len(points), dtype=bool)
    same[1:] = (points[1:, 0] == points[:-1, 0]) & (points[1:, 1] == points[:-1, 1])
    same[starts] = False
    if not same.any():
        return points, lengths
    lengths = lengths - np.add.reduceat(same.astype(np.int64), starts)
    repeat = (~same).astype(np.int64)
    lone = lengths == 1
    repeat[starts[lone]] = 2  # a line keeps at least two positions
    lengths[lone] = 2
    return np.repeat(points, repeat, axis=0), lengths


def build_graph(atlas: Atlas) -> nx.MultiGraph:
    """The route graph as a networkx MultiGraph (nodes ``place@mode``; ``length`` in metres)."""
    import networkx as nx

    graph = nx.MultiGraph(crs="EPSG:4326", fingerprint=atlas.fingerprint)
    for edge in graph_edges(atlas):
        for node in (edge.u, edge.v):
            if node not in graph:
                place = atlas.places[node_place(node)]
                graph.add_node(
                    node,
                    place=place.id,
                    mode=node.rsplit("@", 1)[1],
                    name=place.name,
                    x=place.lon,
                    y=place.lat,
                )
        if edge.open_sea:
            key = f"{OPEN_SEA}:{edge.start}-{edge.end}"
        else:
            key = edge.corridor if edge.corridor else f"{TRANSFER}:{edge.start}"
        if edge.corridor and graph.has_edge(edge.u, edge.v, key):
            key = f"{edge.corridor}:{edge.start}-{edge.end}"
        graph.add_edge(
            edge.u,
            edge.v,
            key=key,
            corridor=edge.corridor or "",
            open_sea=edge.open_sea,
            mode=edge.mode,
            status=edge.status,
            status_year=edge.status_year or 0,
            length=edge.length_m,
            coords=edge.coords,
        )
    return graph
