"""Every place of a large atlas read from its route file, without loading the network.

Why: ``corridors list places`` reads only the places, yet at 10^6 segments it loaded the whole
network first (~25 s and several GB, for a million corridors it never shows). The route file
(:mod:`corridors.network.routefile`) holds every place's JSON row, the very rows the network
cache stores, so :func:`cached_places` decodes them all in one pass (one JSON document, one
:func:`~corridors.network.cache.place_from_row` per row: the cache's own decoding, so the
places are the full path's, field for field).

``list places`` itself never makes a :class:`~corridors.atlas.model.Place` per place: the
rows are checked and read a column at a time (:func:`cached_place_table`,
:func:`~corridors.network.cache.place_columns`: the same checks, in bulk) and recorded from the
columns (:func:`corridors.network.listing.place_record_columns`); :func:`cached_places` stays
the general decoding, and ``tests/test_place_list_columns.py`` holds the two paths equal.

Staleness is the route file's rule (:func:`~corridors.network.routefile.open_view`: the atlas
files' size/time stamp names the content hash the file was written for); a damaged section
is found by its digests, and then None sends the caller to the full network.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

from corridors.errors import CacheMiss
from corridors.network.columnfile import ColumnFileError

if TYPE_CHECKING:
    from corridors.atlas.model import Place
    from corridors.network.routefile import RouteView

__all__ = [
    "cached_place_records",
    "cached_place_table",
    "cached_places",
    "view_place_row_pieces",
    "view_place_rows",
    "view_places",
]


def cached_place_records(atlas: str | os.PathLike[str] | None) -> list[dict[str, object]] | None:
    """:func:`corridors.network.listing.place_records` (``corridors list places``) from the
    atlas's route file; None if there is no current, sound one (load the network instead).

    Raises
    ------
    AtlasError
        If the atlas folder is missing or lacks its required files.
    """
    from corridors.network.index import paused_gc
    from corridors.network.listing import records_of_place_columns

    with paused_gc():  # a few containers per place: no collector passes over them all
        columns = _cached_columns(atlas)
        return None if columns is None else records_of_place_columns(columns)


def cached_place_table(atlas: str | os.PathLike[str] | None) -> dict[str, list[Any]] | None:
    """:func:`cached_place_records` a column each
    (:func:`corridors.network.listing.place_record_columns`: ``area`` None where a record has
    none); None if there is no current, sound route file (load the network instead).

    Raises
    ------
    AtlasError
        If the atlas folder is missing or lacks its required files.
    """
    from corridors.network.index import paused_gc
    from corridors.network.listing import place_record_columns

    with paused_gc():
        columns = _cached_columns(atlas)
        return None if columns is None else place_record_columns(columns)


def _cached_columns(atlas: str | os.PathLike[str] | None) -> dict[str, list[Any]] | None:
    """The places of the atlas's route file as :func:`corridors.network.cache.place_columns`
    (the checks of :func:`~corridors.network.cache.place_from_row`), a piece of rows at a
    time (:func:`view_place_row_pieces`), or None."""
    from corridors.network.cache import place_columns
    from corridors.network.routefile import open_view

    view = open_view(atlas)
    if view is None:
        return None
    columns = {name: list(values) for name, values in place_columns([]).items()}
    try:
        for rows in view_place_row_pieces(view):
            for name, values in place_columns(rows).items():
                columns[name].extend(values)
        _check_ids(view, columns["id"])
    except (CacheMiss, ColumnFileError):
        return None
    return columns


def cached_places(atlas: str | os.PathLike[str] | None) -> dict[str, Place] | None:
    """Every place of ``atlas`` by id, in atlas order, from its route file; None if there is
    no current, sound route file (load the network instead).

    Raises
    ------
    AtlasError
        If the atlas folder is missing or lacks its required files.
    """
    from corridors.network.routefile import open_view

    view = open_view(atlas)
    if view is None:
        return None
    try:
        return view_places(view)
    except (CacheMiss, ColumnFileError):
        return None


def view_places(view: RouteView) -> dict[str, Place]:
    """Every place of a route view by id, in atlas order.

    Raises
    ------
    ColumnFileError
        If the rows are damaged or do not match the place look-up.
    """
    from corridors.network.cache import place_from_row

    places = {place.id: place for place in map(place_from_row, view_place_rows(view))}
    _check_ids(view, list(places))
    return places


def view_place_rows(view: RouteView) -> list[Any]:
    """Every place's JSON row (decoded JSON, not yet checked) of a route view, in atlas order.

    Raises
    ------
    ColumnFileError
        If the rows are damaged or are not one JSON value per place.
    """
    return list(chain.from_iterable(view_place_row_pieces(view)))


def view_place_row_pieces(view: RouteView) -> Iterator[list[Any]]:
    """:func:`view_place_rows` in pieces of up to :data:`PIECE_ROWS` places, in order.

    Why: a piece is decoded (one JSON document of its rows), used and let go before the next
    one, so that the rows of 600,000 places (lists of 12 fields, ~100 MB at 10^6 segments) and
    a copy of their 56 MB of JSON are never in memory all at once.

    Raises
    ------
    ColumnFileError
        If the rows are damaged or are not one JSON value per place.
    """
    import numpy as np

    store = view.store
    blob = store.array("place_rows", "|u1")
    ptr = store.array("place_rptr", "<i8")
    count = view.place_count
    if len(ptr) != count + 1 or ptr[0] != 0 or ptr[-1] != len(blob) or np.any(ptr[1:] < ptr[:-1]):
        raise ColumnFileError("place_rptr does not span its column")
    at = ptr.tolist()
    for start in range(0, count, PIECE_ROWS):
        stop = min(start + PIECE_ROWS, count)
        raw = blob[at[start] : at[stop]].tobytes()
        base = at[start]
        rows = [raw[at[k] - base : at[k + 1] - base] for k in range(start, stop)]
        try:
            decoded = json.loads(b"[" + b",".join(rows) + b"]", parse_constant=_refuse)
        except (ValueError, RecursionError):
            raise ColumnFileError("unreadable place rows") from None
        if type(decoded) is not list or len(decoded) != stop - start:
            raise ColumnFileError("unreadable place rows")  # a row of several values
        yield decoded


PIECE_ROWS = 50_000
"""Places decoded at a time (:func:`view_place_row_pieces`)."""


def _check_ids(view: RouteView, ids: Sequence[str]) -> None:
    """The places' ids, each once, match the route view's place look-up (first and last)."""
    count = view.place_count
    unique = len(ids) == count and len(set(ids)) == count
    if not unique or any(view.place_id(k) != ids[k] for k in {0, count - 1} if count):
        raise ColumnFileError("place rows do not match the place look-up")


def _refuse(name: str) -> float:
    raise ValueError(name)
