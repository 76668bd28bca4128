"""Attach a new corridor's ends (and ``via`` places) to places of the atlas.

Why: every corridor must start and end at a place, so the routing graph joins up. An end
snaps to the place the input names, else to the nearest place within a tolerance, else
(only if the user asked, with ``--new-place``) to a new junction made at that position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from corridors.atlas.model import COUNTRIES, ID_PATTERN, Atlas, Coord, Place
from corridors.atlas.names import normalise, resolve_place
from corridors.atlas.native_names import native_labels
from corridors.edit.names import check_text, slugify, unique_id
from corridors.edit.types import pair, short
from corridors.errors import EditError
from corridors.geo.geodesy import distance_m, nearest_on_line, wgs84


@dataclass
class Places:
    """The atlas's places plus any new junctions made during this add."""

    atlas: Atlas
    extra: list[Place] = field(default_factory=list)

    def all(self) -> list[Place]:
        """Every place an end may attach to, new junctions included."""
        return [*self.atlas.places.values(), *self.extra]

    def resolve(self, text: Any, what: str) -> Place:
        """The place named by id, name or alias (new junctions by id or name)."""
        if not isinstance(text, str) or not text.strip():
            raise EditError(f"{what} must be a place id or name, got {short(text)}")
        for place in self.extra:
            if normalise(text) in (normalise(place.id), normalise(place.name)):
                return place
        return self.atlas.places[resolve_place(self.atlas, text)]

    def nearest(self, coord: Coord) -> tuple[Place, float]:
        """The place nearest ``coord`` and its geodesic distance in metres (areas, such as a
        zone's representative point, are not places a line ends at)."""
        import numpy as np

        places = [p for p in self.all() if p.area is None]
        if not places:
            raise EditError("the atlas has no places to attach a corridor to; add places first")
        lons = np.array([p.lon for p in places])
        lats = np.array([p.lat for p in places])
        _, _, dist = wgs84().inv(
            np.full(lons.shape, coord[0]), np.full(lats.shape, coord[1]), lons, lats
        )
        best = int(np.argmin(dist))
        return places[best], float(dist[best])

    def labels(self) -> set[str]:
        """Normalised ids, names, aliases and native names in use, so a new junction cannot
        clash."""
        return {
            normalise(label)
            for p in self.all()
            for label in (p.id, p.name, *p.aliases, *native_labels(p.names))
        }


def snap_end(
    places: Places,
    coord: Coord,
    *,
    which: str,
    given: Any,
    snap_m: float,
    new_places: list[str],
    country: str | None,
    sources: list[str],
    label: str,
    created: list[dict[str, Any]],
) -> tuple[Place, float, bool]:
    """The place an end attaches to: the one the file names, the nearest, or a new junction."""
    field_name = "from" if which == "start" else "to"
    if given is not None:
        place = places.resolve(given, f"{label}: '{field_name}'")
        offset = distance_m(place.coord, coord)
        if offset > snap_m:
            raise EditError(
                f"{label}: the line's {which} is {offset / 1000:,.2f} km from its '{field_name}' "
                f"place {place.id} (tolerance {snap_m:,.0f} m); move the end onto the place or "
                "raise `snap_m`"
            )
        return place, offset, False
    place, offset = places.nearest(coord)
    if offset <= snap_m:
        return place, offset, False
    if not new_places:
        raise EditError(
            f"{label}: the line's {which} {pair(coord)} is {offset / 1000:,.1f} km from the "
            f"nearest place, {place.id} ({place.name}); move it within {snap_m:,.0f} m of a "
            "place, raise `snap_m`, or pass `new_places` NAME to make it a new junction"
        )
    name = check_text(new_places.pop(0), "`new_places`", "`new_places`")
    if normalise(name) in places.labels():
        raise EditError(
            f"`new_places` '{name}': a place with that id, name or alias exists; pick another name"
        )
    place_id = unique_id(slugify(name) or "junction", {p.id for p in places.all()})
    if not ID_PATTERN.match(place_id):
        raise EditError(f"`new_places` '{name}': give a name with letters or digits")
    chosen_country = country or place.country
    if chosen_country not in COUNTRIES:
        raise EditError(f"`country` '{chosen_country}' is not one of {', '.join(COUNTRIES)}")
    new = Place(
        id=place_id,
        name=name,
        aliases=(),
        country=chosen_country,
        kind="junction",
        lon=coord[0],
        lat=coord[1],
        sources=tuple(sources),
        note="junction added by 'corridors add'",
    )
    places.extra.append(new)
    created.append(
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [coord[0], coord[1]]},
            "properties": {
                "id": new.id,
                "name": new.name,
                "aliases": [],
                "country": new.country,
                "kind": new.kind,
                "note": new.note,
                "sources": list(sources),
            },
        }
    )
    return new, 0.0, True


def via_places(
    places: Places, raw: Any, coords: list[Coord], *, snap_m: float, where: str
) -> list[str]:
    """Check each ``via`` place lies on the line (within ``snap_m``); return their ids."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise EditError(f"{where}: 'via' must be a list of place ids")
    out = []
    for item in raw:
        place = places.resolve(item, f"{where}: 'via'")
        _, _, position = nearest_on_line(coords, place.coord)
        offset = distance_m(place.coord, position)
        if offset > snap_m:
            raise EditError(
                f"{where}: via place {place.id} is {offset / 1000:,.2f} km from the line "
                f"(tolerance {snap_m:,.0f} m); draw the line through it or drop it from 'via'"
            )
        out.append(place.id)
    return out
