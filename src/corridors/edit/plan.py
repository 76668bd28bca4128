"""Plan an add: turn input line features into checked corridor, place and source file edits.

Why a plan: every check (schema fields, mode and status, sources, snapping the ends, names
and ids unique across the atlas) runs before anything is written, so a bad input changes no
file. The plan is a list of :class:`~corridors.edit.store.FileEdit` in the order that keeps
each intermediate state a valid atlas: ``sources.json``, ``places.geojson``, corridor files.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corridors.atlas.model import (
    CORRIDORS_DIR,
    ID_PATTERN,
    MODES,
    PLACES_FILE,
    SOURCES_FILE,
    STATUSES,
    Atlas,
    Place,
)
from corridors.edit.input import check_simple, line_coords
from corridors.edit.names import check_text, resolve_source, slugify, unique_id
from corridors.edit.snap import Places, snap_end, via_places
from corridors.edit.store import AtlasState, FileEdit
from corridors.edit.types import EditResult, Snap, short
from corridors.errors import EditError, UsageError
from corridors.geo.geodesy import dedupe_line

DEFAULT_SNAP_M = 2000.0
MODE_WORDS = {
    "rail": "railway",
    "sea": "sea lane",
    "power": "power line",
    "pipeline": "pipeline",
    "road": "road",
}
CORRIDOR_FIELDS = (
    "id",
    "name",
    "mode",
    "status",
    "status_year",
    "from",
    "to",
    "via",
    "attributes",
    "reported_length_km",
    "reported_length_source",
    "note",
    "sources",
)


@dataclass
class AddRequest:
    """The options of an add; each fills what the input features do not carry."""

    mode: str | None = None
    status: str | None = None
    name: str | None = None
    corridor_id: str | None = None
    source: str | None = None
    status_year: int | None = None
    snap_m: float = DEFAULT_SNAP_M
    new_places: Sequence[str] | str | None = field(default_factory=list)
    country: str | None = None
    simple_lines: bool = True  # False for router-made sea lanes, which may double back at a port

    def __post_init__(self) -> None:
        # one --new-place may come as a bare string; keep a list the plan can consume
        if isinstance(self.new_places, str):
            self.new_places = [self.new_places]
        self.new_places = list(self.new_places or [])


def _merge(props: dict[str, Any], key: str, option: Any, label: str, flag: str) -> Any:
    """The feature's value or the option's; both given and different is an error."""
    value = props.get(key)
    if value is not None and option is not None and value != option:
        raise EditError(
            f"{label}: the file says {key} {short(value)} but {flag} says {short(option)}; "
            f"drop {flag} or fix the file"
        )
    return value if value is not None else option


def _choice(value: Any, allowed: tuple[str, ...], what: str, flag: str, label: str) -> str:
    """``value`` if it is one of ``allowed``; else an error listing them."""
    if value is None:
        raise EditError(f"{label}: no {what}: pass {flag} ({', '.join(allowed)})")
    if value not in allowed:
        raise EditError(f"{label}: unknown {what} {short(value)}: use one of {', '.join(allowed)}")
    return value


@dataclass
class _Plan:
    """What the features planned so far have claimed: ids, names, new places and sources."""

    atlas: Atlas
    request: AddRequest
    result: EditResult
    places: Places
    new_places: list[str]
    new_source_id: str | None
    taken_ids: set[str]
    taken_names: dict[str, str]
    ignored: set[str] = field(default_factory=set)

    def add(self, feature: Any, where: str) -> None:
        """Check one input feature and append its corridor (and snaps) to the result."""
        request, result = self.request, self.result
        if not isinstance(feature, dict):
            raise EditError(f"{where}: not a GeoJSON Feature")
        props = feature.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            raise EditError(f"{where}: 'properties' must be a JSON object")
        self.ignored.update(k for k in props if k not in CORRIDOR_FIELDS and isinstance(k, str))
        coords = line_coords(
            feature.get("geometry"), label=where, atlas=self.atlas, simple=request.simple_lines
        )
        mode = _choice(
            _merge(props, "mode", request.mode, where, "`mode`"), MODES, "mode", "`mode`", where
        )
        status = _choice(
            _merge(props, "status", request.status, where, "`status`"),
            STATUSES,
            "status",
            "`status`",
            where,
        )
        year = _merge(props, "status_year", request.status_year, where, "`status_year`")
        if year is None:
            year = _dt.date.today().year
        sources = self._sources(props, where)
        ends = []
        for which, position in (("start", coords[0]), ("end", coords[-1])):
            ends.append(
                snap_end(
                    self.places,
                    position,
                    which=which,
                    given=props.get("from" if which == "start" else "to"),
                    snap_m=request.snap_m,
                    new_places=self.new_places,
                    country=request.country,
                    sources=sources,
                    label=where,
                    created=result.places,
                )
            )
        (start, start_m, start_new), (end, end_m, end_new) = ends
        if start.id == end.id:
            raise EditError(
                f"{where}: both ends attach to {start.id} ({start.name}); a corridor joins two "
                "different places: check the line's ends or lower `snap_m`"
            )
        coords = dedupe_line([start.coord, *coords[1:-1], end.coord])
        if len(set(coords)) < 2:
            raise EditError(f"{where}: after snapping the ends, the line has no length")
        if request.simple_lines:
            check_simple(coords, where)
        via = via_places(self.places, props.get("via"), coords, snap_m=request.snap_m, where=where)
        name, corridor_id = self._name_and_id(props, where, start=start, end=end, mode=mode)
        properties: dict[str, Any] = {
            "id": corridor_id,
            "name": name,
            "mode": mode,
            "status": status,
            "status_year": year,
            "from": start.id,
            "to": end.id,
            "via": via,
            "attributes": props.get("attributes") if props.get("attributes") is not None else {},
            "reported_length_km": props.get("reported_length_km"),
            "reported_length_source": props.get("reported_length_source"),
        }
        if props.get("note") is not None:
            properties["note"] = props["note"]
        properties["sources"] = sources
        result.corridors.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[x, y] for x, y in coords]},
                "properties": properties,
            }
        )
        for which, place, offset, created in (
            ("start", start, start_m, start_new),
            ("end", end, end_m, end_new),
        ):
            result.snaps.append(Snap(corridor_id, which, place.id, offset, created))

    def _sources(self, props: dict[str, Any], where: str) -> list[str]:
        """The feature's source ids plus the ``--source`` one; a corridor must cite one."""
        sources = props.get("sources") or []
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            raise EditError(f"{where}: 'sources' must be a list of source ids")
        sources = list(sources)
        if self.new_source_id is not None and self.new_source_id not in sources:
            sources.append(self.new_source_id)
        if not sources:
            raise EditError(
                f"{where}: no source: pass `source` SOURCE_ID_OR_URL (every corridor must cite "
                "where it comes from; see sources.json)"
            )
        return sources

    def _name_and_id(
        self, props: dict[str, Any], where: str, *, start: Place, end: Place, mode: str
    ) -> tuple[str, str]:
        """The corridor's name and id (given or made from its ends), both unused so far."""
        request, taken_names, taken_ids = self.request, self.taken_names, self.taken_ids
        name = _merge(props, "name", request.name, where, "`name`")
        if name is None:
            name = f"{start.name} - {end.name} {MODE_WORDS[mode]}"
        name = check_text(name, f"{where}: name", "`name`")
        if name.casefold() in taken_names:
            raise EditError(
                f"{where}: a corridor named '{name}' already exists "
                f"('{taken_names[name.casefold()]}'); choose another name with `name`"
            )
        corridor_id = _merge(props, "id", request.corridor_id, where, "`corridor_id`")
        if corridor_id is None:
            corridor_id = unique_id(slugify(f"{start.id} {end.id} {mode}"), taken_ids)
        corridor_id = check_text(corridor_id, f"{where}: id", "`corridor_id`")
        if not ID_PATTERN.match(corridor_id):
            raise EditError(
                f"{where}: id '{corridor_id}' is not valid: use lowercase letters, digits, '_' "
                "and '-'; fix `corridor_id`"
            )
        if corridor_id in taken_ids:
            existing = self.atlas.corridors.get(corridor_id)
            home = f" (in {Path(existing.file).name})" if existing is not None else ""
            raise EditError(
                f"{where}: corridor id '{corridor_id}' already exists{home}; choose another "
                "with `corridor_id`"
            )
        taken_ids.add(corridor_id)
        taken_names[name.casefold()] = corridor_id
        return name, corridor_id


def plan_add(
    state: AtlasState, features: list[dict[str, Any]], request: AddRequest, *, label: str
) -> tuple[list[FileEdit], EditResult]:
    """Turn input features into file edits (sources, places, corridor files), all checked."""
    atlas = state.atlas
    if not features:
        raise EditError(f"{label}: nothing to add; give at least one LineString")
    if len(features) > 1 and (request.name is not None or request.corridor_id is not None):
        raise UsageError(
            f"{label} holds {len(features)} lines: `name` and `corridor_id` apply to one line; put "
            "'name' and 'id' in each feature's properties instead"
        )
    if not (isinstance(request.snap_m, (int, float)) and 0 <= request.snap_m < math.inf):
        raise UsageError(f"`snap_m` must be a distance in metres >= 0, got {request.snap_m!r}")
    result = EditResult(action="add", dry_run=False)
    new_source_id: str | None = None
    if request.source is not None:
        new_source_id, entry = resolve_source(atlas, request.source)
        if entry is not None:
            result.sources.append(entry)
    plan = _Plan(
        atlas=atlas,
        request=request,
        result=result,
        places=Places(atlas),
        new_places=list(request.new_places or []),
        new_source_id=new_source_id,
        taken_ids=set(atlas.corridors),
        taken_names={c.name.casefold(): c.id for c in atlas.corridors.values()},
    )
    for index, feature in enumerate(features):
        plan.add(feature, label if len(features) == 1 else f"{label}: feature {index}")
    if plan.new_places:
        raise UsageError(
            f"`new_places` {', '.join(plan.new_places)} was not needed: every end is within "
            f"{request.snap_m:,.0f} m of a place; drop it"
        )
    result.ignored_properties = sorted(plan.ignored)
    return _file_edits(state.root, result), result


def _file_edits(root: Path, result: EditResult) -> list[FileEdit]:
    """One append per file, in crash-safe order: sources, places, then each mode's file."""
    edits: list[FileEdit] = []
    if result.sources:
        edits.append(FileEdit(root / SOURCES_FILE, "sources", append=result.sources))
    if result.places:
        edits.append(FileEdit(root / PLACES_FILE, "features", append=result.places))
    by_mode: dict[str, list[dict[str, Any]]] = {}
    for feature in result.corridors:
        by_mode.setdefault(feature["properties"]["mode"], []).append(feature)
    for mode, items in by_mode.items():
        edits.append(FileEdit(root / CORRIDORS_DIR / f"{mode}.geojson", "features", append=items))
    return edits


def check_land_and_sea(features: list[dict[str, Any]]) -> None:
    """The rules of ``corridors check``: sea lanes stay at sea, land lines stay on land."""
    from corridors.geo.landmask import open_sea_runs
    from corridors.geo.searouting import sea_lane_land_runs

    for feature in features:
        props = feature["properties"]
        coords = tuple((float(x), float(y)) for x, y in feature["geometry"]["coordinates"])
        if props["mode"] == "sea":
            runs = sea_lane_land_runs(coords)
            if runs:
                a, b = runs[0]
                raise EditError(
                    f"sea lane '{props['id']}' crosses land {len(runs)} time(s), first at km "
                    f"{a / 1000:,.1f}-{b / 1000:,.1f}; let 'corridors add-sea-lane FROM TO' "
                    "route it at sea, or redraw it"
                )
        else:
            runs = open_sea_runs(coords)
            if runs:
                a, b = max(runs, key=lambda run: run[1] - run[0])
                raise EditError(
                    f"{props['mode']} line '{props['id']}' runs across open sea {len(runs)} "
                    f"time(s), longest km {a / 1000:,.1f}-{b / 1000:,.1f} "
                    f"({(b - a) / 1000:,.1f} km); draw it along the coast or, for a ship route, "
                    "use `mode` sea"
                )
