"""What the edit modules share: the error they raise, its one-line promise, and their report.

:class:`EditError` is the one error type of ``corridors add``/``remove`` input problems;
:func:`one_line` guards every public edit function so only a one-line
:class:`~corridors.errors.CorridorsError` escapes; :class:`EditResult` says what changed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from corridors.atlas.model import CORRIDORS_DIR, PLACES_FILE, SOURCES_FILE, Coord
from corridors.errors import CorridorsError

F = TypeVar("F", bound=Callable[..., Any])


def one_line(func: F) -> F:
    """Guarantee the API's promise: only CorridorsError escapes, and its message is one line."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except CorridorsError as exc:
            text = str(exc)
            if "\n" in text or "\r" in text:
                flat = type(exc).__new__(type(exc))
                flat.args = (" ".join(text.split()),)
                raise flat from None
            raise

    return wrapper  # type: ignore[return-value]


@dataclass(frozen=True)
class Snap:
    """Where one end of a new corridor was attached: which place, how far it was moved."""

    corridor: str
    end: str  # "start" or "end"
    place: str
    distance_m: float
    created: bool = False


@dataclass
class EditResult:
    """What an add or remove changed (or, with ``dry_run``, would change)."""

    action: str  # "add" or "remove"
    dry_run: bool
    corridors: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    snaps: list[Snap] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    ignored_properties: list[str] = field(default_factory=list)

    @property
    def corridor_ids(self) -> list[str]:
        return [c["properties"]["id"] for c in self.corridors]

    def lines(self) -> list[str]:
        """Human-readable report, one fact a line."""
        from corridors.geo.geodesy import line_length_m

        if self.dry_run:
            verb = f"would {self.action}"
        else:
            verb = "added" if self.action == "add" else "removed"
        out: list[str] = []
        for source in self.sources:
            out.append(f"{verb} source '{source['id']}' ({source['title']}) in {SOURCES_FILE}")
        for place in self.places:
            props = place["properties"]
            lon, lat = place["geometry"]["coordinates"]
            out.append(
                f"{verb} place '{props['id']}' ({props['name']}, {props['kind']}, "
                f"{props['country']}) at {lon:.5f}, {lat:.5f} in {PLACES_FILE}"
            )
        for feature in self.corridors:
            props = feature["properties"]
            km = line_length_m([tuple(c) for c in feature["geometry"]["coordinates"]]) / 1000
            out.append(
                f"{verb} corridor '{props['id']}' ({props['name']}; {props['mode']}, "
                f"{props['status']}) {props['from']} -> {props['to']}, {km:,.1f} km, in "
                f"{CORRIDORS_DIR}/{props['mode']}.geojson"
            )
            for snap in self.snaps:
                if snap.corridor == props["id"]:
                    how = "new place" if snap.created else f"snapped {snap.distance_m:,.0f} m"
                    out.append(f"  {snap.end}: {snap.place} ({how})")
        if self.ignored_properties:
            out.append(
                f"ignored properties not in the schema: {', '.join(self.ignored_properties)}"
            )
        if self.dry_run:
            out.append("dry run: no file was changed")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "dry_run": self.dry_run,
            "corridors": [c["properties"]["id"] for c in self.corridors],
            "places": [p["properties"]["id"] for p in self.places],
            "sources": [s["id"] for s in self.sources],
            "snaps": [
                {
                    "corridor": s.corridor,
                    "end": s.end,
                    "place": s.place,
                    "distance_m": round(s.distance_m, 1),
                    "created": s.created,
                }
                for s in self.snaps
            ],
            "files": self.files,
        }


def short(value: Any) -> str:
    """``repr`` of a bad value, cut to 60 characters so a message stays one readable line."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def pair(coord: Coord) -> str:
    """A position as messages print it: ``[lon, lat]``."""
    return f"[{coord[0]:g}, {coord[1]:g}]"
