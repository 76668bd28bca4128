"""The routing index of the columnar first build as numpy columns: made to be encoded, once.

Why: the first build of a large atlas (:mod:`corridors.network.firstbuild`) writes the index
into the network cache and the route file and then drops it; the commands read it back from
those files. A :class:`~corridors.network.index.RouteIndex` holds Python lists and a string per
edge column, which the encoders then turned back into codes and arrays: at 10^6 segments a few
seconds of work per direction. :class:`BulkIndex` keeps what they store as integer codes and
numpy arrays from the start. It is built by the same functions as the index
(:func:`~corridors.network.graph.edge_columns` from coded corridor pieces,
:func:`~corridors.network.index.node_arrays`), and the encoders write the same bytes from it
(tests/test_firstbuild.py compares the files of both paths).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from corridors.network.index import node_arrays, paused_gc
from corridors.network.seatable import SeaTable

if TYPE_CHECKING:
    from corridors.atlas.model import Atlas
    from corridors.network.graph import EdgeColumns

__all__ = ["BulkIndex", "build_bulk_index"]


@dataclass
class BulkIndex:
    """A route index as columns of codes (every array numpy, int64 unless said).

    ``place_ids``: the atlas's place ids (codes of ``start_code``, ``end_code`` and of node
    keys ``>> 3``); ``node_keys``, ``edge_u``, ``edge_v``, ``adj_ptr``, ``adj_to``,
    ``adj_edge``: as in :class:`~corridors.network.index.RouteIndex`; ``place_ptr`` /
    ``place_members``: each place's nodes; ``mode_code`` (into
    :data:`~corridors.network.terms.MODE_CODES`), ``status_code`` (into
    :data:`~corridors.atlas.model.STATUSES`), ``corridor_code`` (corridor number,
    :data:`~corridors.network.terms.NO_CORRIDOR` for none): per edge; ``edge_length_m``,
    ``coord_xy`` (float64), ``coord_ptr``: lengths and lines.
    """

    place_ids: list[str]
    node_keys: Any
    edge_u: Any
    edge_v: Any
    adj_ptr: Any
    adj_to: Any
    adj_edge: Any
    place_ptr: Any
    place_members: Any
    start_code: Any
    end_code: Any
    mode_code: Any
    status_code: Any
    corridor_code: Any
    edge_length_m: Any
    coord_xy: Any
    coord_ptr: Any
    sea_table: SeaTable = field(default_factory=SeaTable)
    corridor_timelines: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = field(
        default_factory=dict
    )

    @property
    def edge_count(self) -> int:
        return len(self.edge_u)

    @property
    def node_count(self) -> int:
        return len(self.node_keys)


def build_bulk_index(*, atlas: Atlas, corridor_edges: EdgeColumns) -> BulkIndex:
    """:func:`~corridors.network.index.build_index` of coded corridor pieces
    (:func:`~corridors.network.graph.lines_to_columns` given
    :class:`~corridors.network.graph.PieceCodes`), as a :class:`BulkIndex`.

    Raises
    ------
    ValueError
        If ``corridor_edges`` is not coded.
    """
    import numpy as np

    from corridors.network.graph import edge_columns

    if corridor_edges.corridor_code is None:
        raise ValueError("the corridor edges are not coded")
    with paused_gc():
        columns = edge_columns(atlas, wait=False, corridor_edges=corridor_edges)
        nodes = node_arrays(columns)
        columns.finish()
    return BulkIndex(
        place_ids=columns.place_ids,
        node_keys=nodes.node_keys,
        edge_u=nodes.edge_u,
        edge_v=nodes.edge_v,
        adj_ptr=nodes.adj_ptr,
        adj_to=nodes.adj_to,
        adj_edge=nodes.adj_edge,
        place_ptr=nodes.place_ptr,
        place_members=nodes.place_members,
        start_code=np.ascontiguousarray(columns.start_code, dtype=np.int64),
        end_code=np.ascontiguousarray(columns.end_code, dtype=np.int64),
        mode_code=np.ascontiguousarray(columns.mode_code, dtype=np.int64),
        status_code=np.ascontiguousarray(columns.status_code, dtype=np.int64),
        corridor_code=np.ascontiguousarray(columns.corridor_code, dtype=np.int64),
        edge_length_m=np.asarray(columns.length_m, dtype=np.float64),
        coord_xy=np.frombuffer(columns.coord_xy, dtype=np.float64),
        coord_ptr=np.frombuffer(columns.coord_ptr, dtype=np.int64),
        sea_table=columns.sea_table if columns.sea_table is not None else SeaTable(),
    )
