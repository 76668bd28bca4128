"""Map-ready data: cleaned line geometry, popup contents and source links.

Coordinates are rounded to 5 decimals (about 1 m) and lines simplified with a tolerance of
about 40 m, far below what a screen shows at the zoom levels these maps open at, so files
stay small without a visible change. Everything here is plain data; the browser puts the
strings into the page as text (see :mod:`corridors.maps.controls`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from corridors.atlas.model import Atlas, Coord, Corridor, Place, Programme
from corridors.atlas.native_text import LANGUAGE_LABELS, name_line, name_sources
from corridors.atlas.timeline import CorridorState
from corridors.maps.measure_cache import line_length_m as kept_length_m
from corridors.maps.style import STATUS_LABELS, place_style, zone_style

DECIMALS = 5
# 0.0004 deg is 44 m of latitude and less of longitude: under 50 m in every direction.
SIMPLIFY_DEGREES = 0.0004

Popup = dict[str, Any]  # {"title": str, "rows": [[label, text]], "links": [[text, url|None]]}


def clean_line(coords: Sequence[Coord]) -> list[list[float]]:
    """`coords` simplified (topology kept, ends kept) and rounded; [[lon, lat], ...]."""
    return [[x, y] for x, y in _cleaned(tuple((float(x), float(y)) for x, y in coords))]


@functools.lru_cache(maxsize=4096)
def _cleaned(points: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    """:func:`clean_line` of `points`, remembered (a build cleans most lines two or three
    times, for each map and the route panel): GEOS simplification, then rounding."""
    simple: Iterable[Sequence[float]] = points
    if len(points) > 2:
        import shapely

        line = shapely.simplify(
            shapely.linestrings(points), SIMPLIFY_DEGREES, preserve_topology=True
        )
        simple = shapely.get_coordinates(line).tolist()
    out: list[tuple[float, float]] = []
    for x, y in simple:
        xy = (round(x, DECIMALS), round(y, DECIMALS))
        if not out or out[-1] != xy:
            out.append(xy)
    if len(out) == 1:  # a very short line: keep both ends
        out.append(out[0])
    return tuple(out)


def point(place: Place) -> list[float]:
    """A place's [lon, lat], rounded."""
    return [round(place.lon, DECIMALS), round(place.lat, DECIMALS)]


def bounds(lines: Iterable[Sequence[Sequence[float]]]) -> list[list[float]] | None:
    """[[south, west], [north, east]] around all positions, or None when there are none."""
    lons: list[float] = []
    lats: list[float] = []
    for line in lines:
        for x, y, *_ in line:
            lons.append(x)
            lats.append(y)
    if not lons:
        return None
    return [
        [round(min(lats), DECIMALS), round(min(lons), DECIMALS)],
        [round(max(lats), DECIMALS), round(max(lons), DECIMALS)],
    ]


def feature(fid: str, geometry: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "properties": properties, "geometry": geometry}


def collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


@functools.lru_cache(maxsize=8192)  # a build checks each source's URL in ~5 popups
def safe_url(url: str | None) -> str | None:
    """`url` if it is an absolute http(s) URL with a host, else None (never a link)."""
    if not url:
        return None
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        return None
    return text


def source_links(atlas: Atlas, ids: Iterable[str]) -> list[list[str | None]]:
    """[text, url or None] per source id, in order, without repeats."""
    links: list[list[str | None]] = []
    for source_id in dict.fromkeys(ids):
        source = atlas.sources.get(source_id)
        if source is None:
            links.append([source_id, None])
            continue
        text = source.title
        extra = ", ".join(x for x in (source.publisher, source.date) if x)
        if extra:
            text = f"{text} ({extra})"
        links.append([text, safe_url(source.url)])
    return links


def fmt_km(km: float) -> str:
    """'54.3 km' (one decimal below 1000 km, whole km above)."""
    return f"{km:,.1f} km" if km < 1000 else f"{km:,.0f} km"


def fmt_tonnes(tonnes: float) -> str:
    return f"{tonnes:,.0f} t"


def fmt_value(value: Any) -> str:
    """An attribute value as short text: lists joined with ' / ', booleans as yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return " / ".join(fmt_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {fmt_value(v)}" for k, v in value.items())
    return str(value)


_UNITS = (
    ("_bcm_per_year", "bcm/year"),
    ("_mm", "mm"),
    ("_kv", "kV"),
    ("_mw", "MW"),
    ("_km", "km"),
    ("_m", "m"),
)


def attribute_row(key: str, value: Any) -> list[str]:
    """A mode attribute as [label, text]: gauge_mm [1520, 1435] -> Gauge, '1520 / 1435 mm'."""
    label, unit = str(key), ""
    for suffix, name in _UNITS:
        if label.endswith(suffix):
            label, unit = label[: -len(suffix)], name
            break
    label = label.replace("_", " ").strip().capitalize() or str(key)
    text = fmt_value(value)
    return [label, f"{text} {unit}" if unit else text]


def corridor_popup(
    atlas: Atlas, corridor: Corridor, length_km: float, state: CorridorState | None = None
) -> Popup:
    """Popup contents of one corridor: native names, mode, status (``state``: the one of the
    map's day, in the words of :data:`~corridors.maps.style.STATUS_LABELS`), history, lengths,
    ends, attributes, sources."""
    places = atlas.places
    status = state.status if state is not None else corridor.status
    label = STATUS_LABELS.get(status, status)
    since = state.since if state is not None else None
    # The native names first: the Status and In service rows stay together (the atlas map's
    # popups rewrite them as one when its month control moves).
    rows: list[list[str]] = [[LANGUAGE_LABELS[n.language], name_line(n)] for n in corridor.names]
    rows += [
        ["Mode", corridor.mode],
        ["Status", f"{label} (since {since})" if since else f"{label} ({corridor.status_year})"],
    ]
    if state is not None and not state.in_service:
        rows.append(["In service", "no" + ("" if state.built else "; the line is not built")])
    if corridor.history:
        events = [
            f"{event.date} {STATUS_LABELS.get(event.status, event.status)}"
            + (" (line gone)" if event.built is False else "")
            for event in corridor.history
        ]
        rows.append(["History", "; ".join(events)])
    schematic = corridor.schematic
    if schematic:  # routed at the published length; say what the line is
        rows.append(["Length (routed)", fmt_km(length_km)])
        drawn = fmt_km(kept_length_m(corridor.coords) / 1000.0)
        rows.append(["Line", f"schematic: straight chords between cited points, {drawn} drawn"])
    else:
        rows.append(["Length (computed)", fmt_km(length_km)])
    if corridor.reported_length_km is not None:
        published = fmt_km(corridor.reported_length_km)
        source = atlas.sources.get(corridor.reported_length_source or "")
        if source is not None:
            published += f" ({source.title})"
        rows.append(["Length (published)", published])
    ends = " \u2192 ".join(places[p].name for p in corridor.stops if p in places)
    rows.append(["Route", ends])
    rows.extend(
        attribute_row(k, v)
        for k, v in corridor.attributes.items()
        if not (schematic and k == "schematic")
    )
    if corridor.note:
        rows.append(["Note", corridor.note])
    return {
        "title": corridor.name,
        "rows": rows,
        "links": source_links(atlas, (*corridor.sources, *name_sources(corridor.names))),
    }


def place_popup(atlas: Atlas, place: Place) -> Popup:
    """Popup contents of one place: kind, country, native names, aliases, transfers, note,
    sources (those of its names too)."""
    rows = [["Kind", place.kind], ["Country", place.country]]
    rows.extend([LANGUAGE_LABELS[n.language], name_line(n)] for n in place.names)
    if place.aliases:
        rows.append(["Also", ", ".join(place.aliases)])
    if place.transfer:
        rows.append(["Transfer", ", ".join(place.transfer)])
    if place.area is not None:
        from corridors.maps.measure_cache import area_km2  # kept: pyproj not imported again

        rows.append(["Area (computed)", f"{area_km2(place.area):,.0f} km\u00b2"])
    if place.note:
        rows.append(["Note", place.note])
    label = "Position" if place.area is None else "Label point"
    rows.append([label, f"{place.lat:.5f}, {place.lon:.5f}"])
    cited = (*place.sources, *name_sources(place.names))
    return {"title": place.name, "rows": rows, "links": source_links(atlas, cited)}


def place_features(atlas: Atlas, place_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Point features for places (all, or the given ids in order), styled by kind."""
    ids = list(atlas.places) if place_ids is None else list(dict.fromkeys(place_ids))
    out = []
    for place_id in ids:
        place = atlas.places[place_id]
        if place.area is not None:  # drawn as an area: zone_features
            continue
        props = {
            "name": place.name,
            "kind": place.kind,
            "popup": place_popup(atlas, place),
            "style": place_style(place.kind),
        }
        out.append(feature(place.id, {"type": "Point", "coordinates": point(place)}, props))
    return out


def zone_features(atlas: Atlas) -> list[dict[str, Any]]:
    """MultiPolygon features for the places that are areas (zones), with their popups."""
    out = []
    for place in atlas.places.values():
        if place.area is None:
            continue
        polygons = [[clean_ring(ring) for ring in rings] for rings in place.area]
        props = {
            "name": place.name,
            "kind": place.kind,
            "popup": place_popup(atlas, place),
            "style": zone_style(place.kind),
        }
        out.append(feature(place.id, {"type": "MultiPolygon", "coordinates": polygons}, props))
    return out


def clean_ring(ring: Sequence[Coord]) -> list[list[float]]:
    """A closed ring rounded (not simplified: an area's outline is drawn as written)."""
    out: list[list[float]] = []
    for x, y in ring:
        xy = [round(float(x), DECIMALS), round(float(y), DECIMALS)]
        if not out or out[-1] != xy:
            out.append(xy)
    if out[-1] != out[0]:
        out.append(list(out[0]))
    return out


def figure_row(key: str, value: float) -> list[str]:
    """A programme figure as [label, text]: cost_usd 2.5e10 -> Cost, 'US$25 bn'."""
    if key.endswith("_usd"):
        label = key[: -len("_usd")].replace("_", " ").strip().capitalize() or key
        if value >= 1e9:
            return [label, f"US${value / 1e9:,.4g} bn"]
        if value >= 1e6:
            return [label, f"US${value / 1e6:,.4g} m"]
        return [label, f"US${value:,.0f}"]
    if key == "years" or key.endswith("_years"):
        label = key[: -len("years")].replace("_", " ").strip().capitalize() or "Duration"
        return [label, f"{fmt_value(value)} years"]
    if key.endswith("_km"):
        return [key[: -len("_km")].replace("_", " ").strip().capitalize() or key, fmt_km(value)]
    return attribute_row(key, value)


def programme_popup(atlas: Atlas, programme: Programme) -> Popup:
    """Popup contents of one programme: date announced, figures, member corridors, sources."""
    rows: list[list[str]] = []
    if programme.announced:
        rows.append(["Announced", programme.announced])
    rows.extend(figure_row(k, v) for k, v in programme.figures.items())
    members = [atlas.corridors[c].name for c in programme.members if c in atlas.corridors]
    rows.append(["Corridors", ", ".join(members) if members else "none in the atlas"])
    if programme.note:
        rows.append(["Note", programme.note])
    return {
        "title": programme.name,
        "rows": rows,
        "links": source_links(atlas, programme.sources),
    }
