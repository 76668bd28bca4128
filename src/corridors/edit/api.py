"""Add and remove corridors: validated against the whole atlas, written atomically, under a lock.

The command line (``corridors add``, ``add-sea-lane``, ``remove``) is a thin layer over
:func:`add_corridors`, :func:`add_via`, :func:`add_sea_lane` and :func:`remove_corridor`.

Every change runs the same way:

1. take the atlas's writer lock (``.corridors.lock`` in the atlas folder; skipped by
   ``dry_run``) and read the atlas files as they are now;
2. check the input (a line, two or more finite points, longitude first, not crossing itself,
   ends snapped to places, no duplicate id or name, known mode and status, rail/power/
   pipeline not over open sea and sea lanes not over land, by the same rules as
   ``corridors check``);
3. validate the WHOLE would-be atlas in memory with :func:`corridors.atlas.read.build_atlas`;
4. write: every changed file goes to a temp file in its own folder and is fsynced, then the
   temp files replace the originals one by one (:mod:`corridors._io.atomic`).

Multi-file order. An add may touch ``sources.json`` (a new source), ``places.geojson`` (a new
junction) and ``corridors/<mode>.geojson``. Files are replaced in that order, so each state a
crash can leave is a valid atlas: a new source nobody cites yet, then a new place nobody uses
yet, then the corridor that cites both. A removal touches only its corridor file (orphaned
places and sources stay, and stay valid). Other features keep their exact bytes: the new
feature is spliced into the file's text, and the result is checked to parse to the intended
document (if it does not, the file is re-serialised instead).

No edit writes into the atlas inside an installed package (``InstalledAtlasError``: copy it
with ``corridors init DIR`` first, :mod:`corridors.edit.workspace`).

Every failure is a :class:`~corridors.errors.CorridorsError` with a one-line message saying
what is wrong and how to fix it; on any failure no atlas file has changed.

The work is split by concern: :mod:`corridors.edit.input` reads and checks the input
line, :mod:`corridors.edit.snap` attaches its ends to places, :mod:`corridors.edit.plan` turns
it into checked file edits, :mod:`corridors.edit.store` validates and writes them. This
module holds the public operations and re-exports the names it has always exposed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from os import PathLike
from pathlib import Path
from typing import Any

from corridors.atlas.model import MODES, Coord, Place
from corridors.atlas.names import resolve_corridor, resolve_place
from corridors.edit.input import (
    features_from_json,
    line_coords,
    line_feature,
    parse_coordinate_text,
    parse_corridor_input,
    read_corridor_input,
    read_input_stream,
)
from corridors.edit.names import slugify
from corridors.edit.plan import (
    CORRIDOR_FIELDS,
    DEFAULT_SNAP_M,
    MODE_WORDS,
    AddRequest,
    check_land_and_sea,
    plan_add,
)
from corridors.edit.store import AtlasState, FileEdit, run_locked, validate_and_write
from corridors.edit.types import EditResult, Snap, one_line, short
from corridors.edit.workspace import writable_atlas_root
from corridors.errors import EditError, UsageError

_SHARED_OPTIONS = (
    "atlas",
    "status",
    "name",
    "corridor_id",
    "source",
    "status_year",
    "dry_run",
    "lock_timeout_s",
)
"""The options every add takes; the public signatures spell them out (for help(), editors and
mypy) and their bodies pass them on through :func:`_options`."""


def _options(values: dict[str, Any], *extra: str) -> dict[str, Any]:
    """The shared options (and ``extra`` ones) out of a public function's ``locals()``."""
    return {key: values[key] for key in (*_SHARED_OPTIONS, *extra)}


def _run_add(
    features_for: Callable[[AtlasState], list[dict[str, Any]]],
    *,
    label: str,
    atlas: str | PathLike[str] | None,
    dry_run: bool,
    lock_timeout_s: float,
    **request: Any,
) -> EditResult:
    """The one body of every add: read the atlas, plan the add (``request``: the fields of
    :class:`~corridors.edit.plan.AddRequest`), check land and sea, validate and write, under
    the lock."""
    root = writable_atlas_root(atlas)
    plan_request = AddRequest(**request)

    def attempt() -> EditResult:
        state = AtlasState.read(root)
        features = features_for(state)
        edits, result = plan_add(state, features, plan_request, label=label)
        check_land_and_sea(result.corridors)
        result.files = validate_and_write(state, edits, dry_run=dry_run)
        result.dry_run = dry_run
        return result

    return run_locked(root, attempt, dry_run=dry_run, lock_timeout_s=lock_timeout_s)


@one_line
def add_corridors(
    data: str | PathLike[str] | bytes | dict[str, Any] | list[Any],
    *,
    atlas: str | PathLike[str] | None = None,
    mode: str | None = None,
    status: str | None = None,
    name: str | None = None,
    corridor_id: str | None = None,
    source: str | None = None,
    status_year: int | None = None,
    snap_m: float = DEFAULT_SNAP_M,
    new_places: Sequence[str] = (),
    country: str | None = None,
    dry_run: bool = False,
    lock_timeout_s: float = 30.0,
    label: str | None = None,
) -> EditResult:
    """Add the line(s) in ``data``: a file path, raw file bytes, or parsed GeoJSON / positions.

    Options fill what the input does not carry (a conflicting value is an error). Each end
    snaps to the place named by the feature's ``from``/``to``, else to the nearest place
    within ``snap_m`` metres, else to a new junction named by the next of ``new_places``.

    Parameters
    ----------
    data : str, os.PathLike, bytes, dict or list
        A GeoJSON, CSV or WKT file (path or bytes), a parsed GeoJSON Feature,
        FeatureCollection or LineString, or a list of ``[lon, lat]`` positions (EPSG:4326).
    mode : str, optional
        One of ``corridors.atlas.model.MODES``, unless every feature carries its own.
    snap_m : float
        How far (m) an end may be from a place and still snap to it.
    new_places : sequence of str
        Names for new junction places, used in turn by ends that snap to no place.
    country : str, optional
        The country code of new places (``RUS``, ``PRK``, ``KOR``, ``CHN``, ``JPN``).
    label : str, optional
        How messages name the input; default the file path, else ``"input"``.
    atlas : str or os.PathLike, optional
        The atlas folder; default ``CORRIDORS_ATLAS`` or the bundled atlas.
    status : str, optional
        One of ``corridors.atlas.model.STATUSES`` (e.g. ``"proposed"``).
    name, corridor_id : str, optional
        The corridor's name and id; by default made from its ends.
    source : str, optional
        A source id of ``sources.json``, or a URL (a new source is added for it).
    status_year : int, optional
        The year the status refers to (1850-2100); default this year.
    dry_run : bool
        Check everything and report, but write nothing (and take no lock).
    lock_timeout_s : float
        Seconds to wait for another edit of the same atlas, finite and 0 or more.

    Returns
    -------
    EditResult
        What was (or, with ``dry_run``, would be) added: corridors, new places and sources,
        how each end snapped, and the files written.

    Raises
    ------
    EditError
        The input or an option is not acceptable (the message says how to fix it).
    UsageError
        An option has a value no add can use.
    AtlasError, AtlasLockedError, AtlasWriteError
        The atlas is invalid, busy for ``lock_timeout_s``, or cannot be written; no file
        has changed.
    InstalledAtlasError
        ``atlas`` is the atlas inside an installed package; nothing is read or written.
    """
    if isinstance(data, (str, PathLike)):
        label = label or str(data)
        features = read_corridor_input(data)
    elif isinstance(data, bytes):
        label = label or "input"
        features = parse_corridor_input(data, label=label)
    else:
        label = label or "input"
        features = features_from_json(data, label=label)
    options = _options(locals(), "mode", "snap_m", "new_places", "country")
    return _run_add(lambda _state: features, label=label, **options)


@one_line
def add_via(
    places: Sequence[str],
    *,
    mode: str,
    atlas: str | PathLike[str] | None = None,
    status: str | None = None,
    name: str | None = None,
    corridor_id: str | None = None,
    source: str | None = None,
    status_year: int | None = None,
    dry_run: bool = False,
    lock_timeout_s: float = 30.0,
) -> EditResult:
    """Add a corridor through named places, in order (ids, names or aliases).

    Rail, power and pipeline lines are drawn place to place (geodesic straight segments);
    a sea corridor is routed at sea between consecutive places by the maritime router.

    Parameters
    ----------
    places : sequence of str
        Two or more places (ids, names or aliases), in order; none twice in a row.
    mode : str
        One of ``corridors.atlas.model.MODES``.
    atlas, status, name, corridor_id, source, status_year, dry_run, lock_timeout_s
        As for :func:`add_corridors`.

    Returns
    -------
    EditResult
        What was (or, with ``dry_run``, would be) added.

    Raises
    ------
    EditError, UsageError, AtlasError, AtlasLockedError, AtlasWriteError
        As for :func:`add_corridors`; no file has changed.
    SeaRoutingError
        With ``mode="sea"``: no sea lane joins two consecutive places.
    """
    return _add_through(places, label="`places`", **_options(locals(), "mode"))


def _add_through(places: Sequence[str], *, label: str, mode: str, **options: Any) -> EditResult:
    """The body of :func:`add_via` and :func:`add_sea_lane`; ``label`` names the input in
    errors (the CLI writes `places` as --via; a sea lane is named by its two ports)."""
    if len(places) < 2:
        raise UsageError("`places` needs at least two places, e.g. `places` Rajin,Chongjin")
    if mode not in MODES:
        raise EditError(f"unknown mode {short(mode)}: use one of {', '.join(MODES)}")

    def features_for(state: AtlasState) -> list[dict[str, Any]]:
        chosen = [state.atlas.places[resolve_place(state.atlas, text)] for text in places]
        for a, b in zip(chosen[:-1], chosen[1:], strict=True):
            if a.id == b.id:
                raise UsageError(f"{label} names {a.id} twice in a row; list each place once")
        coords: list[Coord] = [chosen[0].coord]
        for a, b in zip(chosen[:-1], chosen[1:], strict=True):
            leg = _sea_route(a, b) if mode == "sea" else [a.coord, b.coord]
            coords.extend(leg[1:])
        props: dict[str, Any] = {
            "from": chosen[0].id,
            "to": chosen[-1].id,
            "via": [p.id for p in chosen[1:-1]],
        }
        feature = line_feature([list(c) for c in coords])
        feature["properties"] = props
        return [feature]

    return _run_add(features_for, label=label, simple_lines=mode != "sea", mode=mode, **options)


def _sea_route(a: Place, b: Place) -> list[Coord]:
    """A sea leg between two places, by the maritime router (imported only when needed)."""
    from corridors.geo.searouting import route_sea

    return [(float(x), float(y)) for x, y in route_sea(a.coord, b.coord)]


def add_sea_lane(
    start: str,
    end: str,
    *,
    atlas: str | PathLike[str] | None = None,
    status: str | None = None,
    name: str | None = None,
    corridor_id: str | None = None,
    source: str | None = None,
    status_year: int | None = None,
    dry_run: bool = False,
    lock_timeout_s: float = 30.0,
) -> EditResult:
    """Add a sea lane between two ports, routed at sea (:func:`corridors.geo.searouting.route_sea`).

    A shorthand for :func:`add_via` with two places and ``mode="sea"``: its other parameters,
    its result and its errors.

    Parameters
    ----------
    start, end : str
        The two ports (ids, names or aliases).
    """
    label = f"sea lane {start} - {end}"
    return _add_through([start, end], label=label, mode="sea", **_options(locals()))


@one_line
def remove_corridor(
    corridor: str,
    *,
    atlas: str | PathLike[str] | None = None,
    dry_run: bool = False,
    lock_timeout_s: float = 30.0,
) -> EditResult:
    """Remove one corridor (by id or name) from its file; places and sources stay.

    Parameters
    ----------
    corridor : str
        The corridor's id or name.
    atlas : str or os.PathLike, optional
        The atlas folder; default ``CORRIDORS_ATLAS`` or the bundled atlas.
    dry_run : bool
        Check and report, but write nothing (and take no lock).
    lock_timeout_s : float
        Seconds to wait for another edit of the same atlas, finite and 0 or more.

    Returns
    -------
    EditResult
        The removed corridor and the file written.

    Raises
    ------
    UnknownPlaceError
        No corridor has that id or name.
    AtlasError, AtlasLockedError, AtlasWriteError
        The atlas is invalid, busy for ``lock_timeout_s``, or cannot be written; no file
        has changed.
    InstalledAtlasError
        ``atlas`` is the atlas inside an installed package; nothing is read or written.
    """
    root = writable_atlas_root(atlas)

    def attempt() -> EditResult:
        state = AtlasState.read(root)
        corridor_id = resolve_corridor(state.atlas, corridor)
        path = Path(state.atlas.corridors[corridor_id].file)
        features = state.docs[path]["features"]
        index = next(
            i
            for i, f in enumerate(features)
            if isinstance(f, dict) and (f.get("properties") or {}).get("id") == corridor_id
        )
        result = EditResult(action="remove", dry_run=dry_run, corridors=[features[index]])
        edit = FileEdit(path, "features", remove_index=index)
        result.files = validate_and_write(state, [edit], dry_run=dry_run)
        return result

    return run_locked(root, attempt, dry_run=dry_run, lock_timeout_s=lock_timeout_s)


__all__ = [
    "CORRIDOR_FIELDS",
    "DEFAULT_SNAP_M",
    "MODE_WORDS",
    "EditError",
    "EditResult",
    "Snap",
    "add_corridors",
    "add_sea_lane",
    "add_via",
    "features_from_json",
    "line_coords",
    "parse_coordinate_text",
    "parse_corridor_input",
    "read_corridor_input",
    "read_input_stream",
    "remove_corridor",
    "slugify",
]
