"""The atlas as compact page data: one table of places, one of sources, one of corridors.

``atlas.html`` at 10,000 corridors was 2.7 times larger than plain folium's drawing of the same
lines, because every feature carried its own style, its whole popup and its place names again.
:func:`atlas_data` writes each fact once:

- ``sources``: ``[text, url or None]`` once each; popups refer to them by number;
- ``places``: ``[id, name, kind, x, y, country, sources, aliases, rows, area, native, local]``
  once each, read by the markers, their labels and the route panel's type-ahead (x, y: integers
  of 1e-5 degree; ``native``: the Korean, Russian and Chinese names and aliases, which the
  type-ahead matches too; ``local``: the name in the country's script, shown beside the label);
- ``corridors``: ``[id, name, mode, status, stops, line, km, sources, rows, year, history]``:
  the line encoded by :func:`encode_line` from its first place at the 1e-5 degree the map's
  lines are rounded to (:func:`corridors.maps.features.clean_line`), one piece per routing
  edge so the route panel reads its edges' lines from here (:func:`corridor_lines`); ``km``
  in tenths when under 1,000 km, else the text; ``year`` 0 when it is ``year`` of the tables;
- a record's trailing empty fields (0) are left out;
- a popup's rows as codes where the page can write the row itself from the record (mode,
  status in the shown month, length, route, kind, country, aliases, position); any other row as
  ``[label, text]``. :func:`compact_rows` only uses a code after checking that the page's text
  (:func:`derived_corridor_rows`, :func:`derived_place_rows`, the same rules as the page's
  JavaScript) equals the Python popup's row, so a popup built on demand in the page says what
  :func:`corridors.maps.features.corridor_popup` says.

Styles are not in the records: one per (mode, status) and per place kind, in the page.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from corridors.atlas.model import MODES, PLACE_KINDS, STATUSES, Atlas, Corridor, Place
from corridors.atlas.native_names import native_labels
from corridors.atlas.timeline import CorridorState, state_on
from corridors.maps.features import DECIMALS, clean_line, corridor_popup, place_popup
from corridors.maps.style import STATUS_LABELS
from corridors.network.index import Network

__all__ = [
    "ALPHABET",
    "DEFAULT_CORRIDOR_ROWS",
    "DEFAULT_PLACE_ROWS",
    "atlas_data",
    "compact_rows",
    "corridor_lines",
    "decode_line",
    "encode_ints",
    "encode_line",
    "page_tables",
]

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
"""Line code digits: the first 32 end a number, the last 32 carry 5 bits and continue it."""
_SCALE = 10**DECIMALS
DEFAULT_CORRIDOR_ROWS = ("m", "s", "l", "r")
"""The rows of most corridor popups (stored as 0): mode, status (+ in service), length, route."""
DEFAULT_PLACE_ROWS = ("k", "c", "o")
"""The rows of most place popups (stored as 0): kind, country, position."""


def _number(value: int, out: list[str]) -> None:
    z = 2 * value if value >= 0 else -2 * value - 1  # zigzag: small magnitudes, small codes
    while z >= 32:
        out.append(ALPHABET[32 + (z & 31)])
        z >>= 5
    out.append(ALPHABET[z])


def encode_ints(values: Sequence[int], *, delta: bool = False) -> str:
    """Integers as a short text of :data:`ALPHABET` digits (zigzag sign), each the difference
    from the one before if `delta`; the page's ``ints`` reads them back."""
    out: list[str] = []
    last = 0
    for value in values:
        _number(value - last if delta else value, out)
        if delta:
            last = value
    return "".join(out)


def encode_line(points: Sequence[Sequence[float]], origin: Sequence[int] = (0, 0)) -> str:
    """`points` ([[lon, lat], ...], rounded to 1e-5 degree) as a short text.

    Each position is the difference from the one before (the first from `origin`: the
    corridor's first place), lon then lat, in integers of 1e-5 degree, each written in 5-bit
    digits of :data:`ALPHABET` (zigzag sign). Exact for positions rounded to
    :data:`~corridors.maps.features.DECIMALS` decimals: :func:`decode_line` and the page give
    back the same doubles.
    """
    out: list[str] = []
    last_x, last_y = origin
    for lon, lat in points:
        x, y = round(lon * _SCALE), round(lat * _SCALE)
        _number(x - last_x, out)
        _number(y - last_y, out)
        last_x, last_y = x, y
    return "".join(out)


def decode_line(text: str, origin: Sequence[int] = (0, 0)) -> list[list[float]]:
    """The positions of :func:`encode_line`, as [[lon, lat], ...]."""
    digit = {ch: k for k, ch in enumerate(ALPHABET)}
    values: list[int] = []
    z = shift = 0
    for ch in text:
        d = digit[ch]
        z += (d & 31) << shift
        if d >= 32:
            shift += 5
            continue
        values.append(-(z + 1) // 2 if z & 1 else z // 2)
        z = shift = 0
    out: list[list[float]] = []
    x, y = origin
    for k in range(0, len(values), 2):
        x += values[k]
        y += values[k + 1]
        out.append([x / _SCALE, y / _SCALE])
    return out


def corridor_lines(network: Network) -> tuple[dict[str, list[list[float]]], list[int]]:
    """Each corridor's line as the map draws it, and the number of positions of each edge.

    The line is its routing edges (pieces between stops, :mod:`corridors.network.graph`) each
    cleaned by :func:`~corridors.maps.features.clean_line` and joined (the shared position
    once), so every edge of the route panel is a slice of its corridor's line: edge `e` with
    ``counts[e]`` positions starts where the corridor's edge before it ended. ``counts`` is 0
    for an edge of no corridor (transfers, open sea).
    """
    index = network.index
    lines: dict[str, list[list[float]]] = {}
    counts: list[int] = []
    for edge, corridor_id in enumerate(index.edge_corridor):
        if corridor_id is None:
            counts.append(0)
            continue
        piece = clean_line(index.edge_coords_of(edge))
        counts.append(len(piece))
        line = lines.get(corridor_id)
        if line is None:
            lines[corridor_id] = piece
        else:
            line.extend(piece[1:] if line[-1] == piece[0] else piece)
            if line[-len(piece)] != piece[0]:  # a gap between pieces: never in a valid index
                raise ValueError(f"corridor {corridor_id}: its edges do not join")
    for corridor in network.atlas.corridors.values():
        if corridor.id not in lines:
            lines[corridor.id] = clean_line(corridor.coords)
    return lines, counts


def fixed5(value: int) -> str:
    """An integer of 1e-5 as decimal text with 5 decimals (the page's ``fixed5``)."""
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(value), _SCALE)
    return f"{sign}{whole}.{frac:05d}"


def _micro(value: float) -> int:
    """`value` rounded to 5 decimals, as the integer of 1e-5 its decimal text spells."""
    return int(f"{value:.{DECIMALS}f}".replace(".", ""))


def derived_place_rows(place: Place) -> dict[str, list[list[str]] | None]:
    """The place popup rows the page writes itself, by code (the page's ``placePopup``)."""
    label = "Position" if place.area is None else "Label point"
    return {
        "k": [["Kind", place.kind]],
        "c": [["Country", place.country]],
        "a": [["Also", ", ".join(place.aliases)]] if place.aliases else None,
        "o": [[label, f"{fixed5(_micro(place.lat))}, {fixed5(_micro(place.lon))}"]],
    }


def _status_rows(status: str, year: int | None, svc: str | None) -> list[list[str]]:
    rows = [["Status", f"{STATUS_LABELS.get(status, status)} ({year})"]]
    if svc is not None:
        rows.append(["In service", svc])
    return rows


def derived_corridor_rows(
    atlas: Atlas, corridor: Corridor, km: str, status_rows: list[list[str]]
) -> dict[str, list[list[str]]]:
    """The corridor popup rows the page writes itself, by code (the page's ``corridorRows``);
    ``s`` is the Status row and, when there is one, the In service row after it."""
    names = " \u2192 ".join(atlas.places[p].name for p in corridor.stops if p in atlas.places)
    return {
        "m": [["Mode", corridor.mode]],
        "s": status_rows,
        "l": [["Length (computed)", km]],
        "r": [["Route", names]],
    }


def compact_rows(
    rows: Sequence[Sequence[str]],
    derived: Mapping[str, Sequence[Sequence[str]] | None],
    default: Sequence[str],
) -> list[Any] | int:
    """`rows` with each run of rows that a code of `derived` writes replaced by that code;
    other rows stay ``[label, text]``. 0 when the result is `default` (the common case)."""
    out: list[Any] = []
    k = 0
    rows = [list(r) for r in rows]
    while k < len(rows):
        for code, made in derived.items():
            if made and [list(r) for r in made] == rows[k : k + len(made)]:
                out.append(code)
                k += len(made)
                break
        else:
            out.append([str(rows[k][0]), str(rows[k][1])])
            k += 1
    return 0 if out == list(default) else out


def _trim(record: list[Any]) -> list[Any]:
    """`record` without its trailing empty (0) fields; the page reads a missing field as 0."""
    while record and record[-1] == 0 and not isinstance(record[-1], bool):
        record.pop()
    return record


def _km_tenths(text: str) -> int | None:
    """'14.6 km' -> 146 when the page's ``km`` writes `text` back from it exactly, else None."""
    number = text.removesuffix(" km")
    whole, _, tenth = number.partition(".")
    if not (whole.isdigit() and len(tenth) == 1 and tenth.isdigit()):
        return None
    value = int(whole) * 10 + int(tenth)
    return value if f"{value // 10}.{value % 10} km" == text else None


def _km_text(length_km: float) -> str:
    from corridors.maps.features import fmt_km

    return fmt_km(length_km)


def _service_text(state: CorridorState) -> str | None:
    """The popup's "In service" row for a state (None: no row), as corridor_popup writes it."""
    if state.in_service:
        return None
    return "no" + ("" if state.built else "; the line is not built")


def page_tables(network: Network, *, today: _dt.date) -> dict[str, Any]:
    """:func:`atlas_data` as ``atlas.html`` holds it on ``today``: each corridor's month
    change points (:func:`corridors.maps.months.corridor_changes`) and the names of the
    programmes it belongs to. Called by :func:`corridors.maps.atlas_map.atlas_map` and by
    :mod:`corridors.maps.page_parts` (the map's data joined without folium), so both hold the
    same data."""
    from corridors.maps.months import corridor_changes

    programme_names: dict[str, list[str]] = {}
    for programme in network.atlas.programmes.values():
        for corridor_id in programme.members:
            programme_names.setdefault(corridor_id, []).append(programme.name)
    return atlas_data(
        network,
        today=today,
        history=lambda corridor, rows: corridor_changes(corridor, today, rows),
        programme_names=programme_names,
    )


def atlas_data(
    network: Network,
    *,
    today: _dt.date,
    history: Callable[[Corridor, Callable[[CorridorState], Sequence[Sequence[str]]]], list[Any]],
    programme_names: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The atlas as the page's data tables (see the module text).

    Parameters
    ----------
    network : Network
    today : datetime.date
        The map's day: popups and layers show each corridor's state on it.
    history : callable
        ``history(corridor, rows_of_state)``: the corridor's month change points
        ``[month index, status, Status text, In service text or None]``
        (:func:`corridors.maps.months.corridor_changes`); empty for a corridor without history.
    programme_names : mapping, optional
        Corridor id to the names of the programmes it belongs to (a "Programme" row).

    Returns
    -------
    dict
        JSON-ready: ``sources``, ``places``, ``corridors``, ``modes``, ``statuses``, ``kinds``,
        ``svc`` (the In service text of a corridor without history, per status), ``year`` (the
        most common status year of corridors without history).
    """
    from corridors.network.listing import corridor_lengths_km

    atlas = network.atlas
    programme_names = programme_names or {}
    sources: list[list[str | None]] = []
    source_number: dict[tuple[str, str | None], int] = {}

    def links(pairs: Sequence[Sequence[str | None]]) -> list[int]:
        out = []
        for text, url in pairs:
            key = (str(text), url)
            if key not in source_number:
                source_number[key] = len(sources)
                sources.append([key[0], url])
            out.append(source_number[key])
        return out

    place_number = {pid: k for k, pid in enumerate(atlas.places)}
    kind_number = {k: n for n, k in enumerate(PLACE_KINDS)}
    places = []
    for place in atlas.places.values():
        popup = place_popup(atlas, place)
        local = place.local_name
        rows = (
            0
            if place.area is not None
            else compact_rows(popup["rows"], derived_place_rows(place), DEFAULT_PLACE_ROWS)
        )
        places.append(
            _trim(
                [
                    place.id,
                    place.name,
                    kind_number[place.kind],
                    _micro(place.lon),
                    _micro(place.lat),
                    place.country,
                    links(popup["links"]) or 0,
                    list(place.aliases) or 0,
                    rows,
                    1 if place.area is not None else 0,
                    list(native_labels(place.names)) or 0,
                    local.name if local is not None else 0,
                ]
            )
        )
    svc: dict[str, str | None] = {}
    for status in STATUSES:
        state = state_on(_NoHistory(status), today)  # type: ignore[arg-type]
        assert state is not None
        svc[status] = _service_text(state)
    lines, _ = corridor_lines(network)
    lengths = corridor_lengths_km(network)
    mode_number = {m: n for n, m in enumerate(MODES)}
    status_number = {s: n for n, s in enumerate(STATUSES)}
    years = Counter(c.status_year for c in atlas.corridors.values() if not c.history)
    year = years.most_common(1)[0][0] if years else 0
    corridors = []
    for corridor in atlas.corridors.values():
        length = lengths.get(corridor.id, 0.0)
        km = _km_text(length)
        state = state_on(corridor, today)

        def popup_rows(
            state: CorridorState, corridor: Corridor = corridor, length: float = length
        ) -> list[list[str]]:
            return list(corridor_popup(atlas, corridor, length, state)["rows"])

        points = [list(p) for p in history(corridor, popup_rows)] if corridor.history else []
        popup = corridor_popup(atlas, corridor, length, state)
        rows = list(popup["rows"])
        names = programme_names.get(corridor.id)
        if names:
            rows.append(["Programme", ", ".join(names)])
        if corridor.history:
            status_rows = []
            if points:
                status_rows = [["Status", points[-1][2]]]
                if points[-1][3] is not None:
                    status_rows.append(["In service", points[-1][3]])
            for point in points:
                point[1] = status_number[point[1]]
        else:
            status_rows = _status_rows(corridor.status, corridor.status_year, svc[corridor.status])
        derived = derived_corridor_rows(atlas, corridor, km, status_rows)
        stops = [place_number[p] for p in corridor.stops if p in place_number]
        origin = (places[stops[0]][3], places[stops[0]][4]) if stops else (0, 0)
        tenths = _km_tenths(km)
        compact = compact_rows(rows, derived, DEFAULT_CORRIDOR_ROWS)
        # The month control rewrites a popup's "s" rows: a corridor with a history needs them.
        if points and isinstance(compact, list) and "s" not in compact:
            raise ValueError(f"corridor {corridor.id}: its popup's status rows are not together")
        corridors.append(
            _trim(
                [
                    corridor.id,
                    corridor.name,
                    mode_number[corridor.mode],
                    status_number[state.status if state is not None else corridor.status],
                    stops,
                    encode_line(lines[corridor.id], origin),
                    km if tenths is None else tenths,
                    links(popup["links"]) or 0,
                    compact,
                    0 if corridor.history or corridor.status_year == year else corridor.status_year,
                    points if corridor.history else 0,
                ]
            )
        )
    return {
        "sources": sources,
        "places": places,
        "corridors": corridors,
        "modes": list(MODES),
        "statuses": list(STATUSES),
        "status_labels": dict(STATUS_LABELS),
        "kinds": list(PLACE_KINDS),
        "svc": svc,
        "year": year,
    }


class _NoHistory:
    """Just enough of a Corridor for :func:`state_on`: a status and no history."""

    history: tuple[()] = ()

    def __init__(self, status: str) -> None:
        self.status = status
