"""Open sea between any two ports: the port-to-port table of sea lanes.

Named sea corridors (the Rajin pilot lanes, the Vostochny liner lanes) are services with their
own status, history and sources. Between every other two sea ports a ship can still sail, so
the route graph joins them by an *open-sea* edge at the distance the regional sea router
(:func:`corridors.geo.searouting.sea_lanes`) computes; routes then never chain through
unrelated ports. What counts as a sea port (:func:`sea_ports`) is documented in geo/README.md.

The table is computed once per set of port positions (one grid search per port, then one
traced and string-pulled lane per pair), kept in memory for the process, stored in the network
cache with the index (:mod:`corridors.network.cache`), and also in a small file of its own in
the cache folder, keyed by the ports' ids and positions, the pairs and the router's code: an
atlas edit that moves no port rebuilds the network without routing again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from corridors import __version__
from corridors.atlas.model import Atlas, Coord
from corridors.errors import ColumnFileError
from corridors.network.columnfile import (
    ColumnFile,
    decode,
    encode,
    read_regular_file,
    write_atomically,
)
from corridors.paths import cache_dir

OPEN_SEA = "open sea"
"""The corridor label of an open-sea leg (never an atlas corridor id: ids have no spaces)."""
MAX_OPEN_SEA_PORTS = 24
"""Above this many sea ports the table (n (n - 1) / 2 lanes) is not computed: no open sea."""
SEA_PORT_KINDS = ("port", "terminal")
TABLE_FORMAT = 1
"""Version of the stand-alone table file (``seatable-v1-<key>.cnet`` in the cache folder)."""
KEEP_CACHED_TABLES = 8
MAX_TABLE_BYTES = 256 * 2**20
# The code a table depends on: a change to any of these modules recomputes it.
_ROUTER_MODULES = ("geo/searouting.py", "geo/landmask.py", "geo/geodesy.py", "network/seatable.py")
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
BUNDLED_TABLE = _PACKAGE_DIR / "data" / "seatable.cnet"
"""The table of the bundled atlas, precomputed by ``python tools/make_sea_table.py``: read when
its key (ports, positions, pairs, package version, the router's code) matches, so a first run
on the shipped atlas routes no lane; any other atlas or code computes its own (a test fails
when this file is stale)."""


@dataclass
class SeaTable:
    """The computed sea lane between every two sea ports of an atlas that no sea corridor
    joins (the open-sea edges' lines; a cached table must not be modified).

    Attributes
    ----------
    ports : list of str
        Sea port place ids, sorted.
    start, end : list of int
        Each lane's ends, as indices into ``ports`` (``start < end``): every pair of ports
        without a named lane that the router could join.
    length_m : list of float
        Each lane's geodesic length (WGS84, metres).
    coord_xy, coord_ptr : array
        Every lane's (lon, lat) positions back to back (EPSG:4326), lane ``k`` owning
        positions ``coord_ptr[k]`` to ``coord_ptr[k + 1]``, from ``start`` to ``end``.
    problems : dict of str to str
        Sea ports (of such pairs) no lane reaches, or the whole atlas (key ``""``) when more
        than :data:`MAX_OPEN_SEA_PORTS` ports need open sea, with the reason in one line.
    """

    ports: list[str] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int] = field(default_factory=list)
    length_m: list[float] = field(default_factory=list)
    coord_xy: array[float] = field(default_factory=lambda: array("d"))
    coord_ptr: array[int] = field(default_factory=lambda: array("q", [0]))
    problems: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.start)

    def coords_of(self, lane: int) -> tuple[Coord, ...]:
        """The line of one lane, from its start port to its end port."""
        first, stop = self.coord_ptr[lane], self.coord_ptr[lane + 1]
        flat = self.coord_xy[2 * first : 2 * stop]
        return tuple(zip(flat[0::2], flat[1::2], strict=True))

    def lanes(self) -> Iterator[tuple[str, str, float, tuple[Coord, ...]]]:
        """Every lane as (start port id, end port id, metres, line)."""
        for k in range(len(self)):
            yield (
                self.ports[self.start[k]],
                self.ports[self.end[k]],
                self.length_m[k],
                self.coords_of(k),
            )


def sea_ports(atlas: Atlas) -> list[str]:
    """The sea ports of an atlas, sorted: the places open sea joins.

    A place is a sea port if it is the start or end of a sea corridor, or if its ``transfer``
    names ``sea`` (plants with their own pier), or if it has no ``transfer`` and its kind is
    ``port`` or ``terminal`` (an explicit ``transfer`` without ``sea`` means an inland
    terminal).
    """
    ports = {end for c in atlas.corridors.values() if c.mode == "sea" for end in (c.start, c.end)}
    for place in atlas.places.values():
        if "sea" in place.transfer or (not place.transfer and place.kind in SEA_PORT_KINDS):
            ports.add(place.id)
    return sorted(ports)


def named_lane_pairs(atlas: Atlas) -> set[frozenset[str]]:
    """Pairs of places a sea corridor already joins (its two ends, and the ends of each of
    its pieces when it has ``via`` places): these get no open-sea edge."""
    pairs: set[frozenset[str]] = set()
    for corridor in atlas.corridors.values():
        if corridor.mode != "sea":
            continue
        stops = (corridor.start, *corridor.via, corridor.end)
        pairs.add(frozenset((corridor.start, corridor.end)))
        pairs.update(frozenset(pair) for pair in zip(stops[:-1], stops[1:], strict=True))
    return pairs


CLOSED_SEA_COUNTRIES = frozenset({"PRK", "KOR"})
"""Ports of these two countries are never joined by open sea: shipping between the DPRK and
the ROK runs only as a named service with its own status (the 2014-2015 Rajin pilot lanes).
South Korea's 24 May 2010 measures closed its ports and sea lanes to North Korean ships and
trade, and its unilateral sanctions of 8 March 2016 bar any ship that called at a North Korean
port from South Korean ports for 180 days (sources ``may24-measures`` and
``rok-2016-sanctions`` in geo/sources.json)."""


def closed_sea(atlas: Atlas, first: str, second: str) -> bool:
    """Whether open sea may not join these two ports (one in the DPRK, the other in the ROK:
    :data:`CLOSED_SEA_COUNTRIES`); only a named sea corridor does."""
    countries = {atlas.places[first].country, atlas.places[second].country}
    return countries == CLOSED_SEA_COUNTRIES


TableKey = tuple[tuple[str, float, float], ...]
"""The ports of a table, in order, each with its (lon, lat)."""


def table_request(atlas: Atlas) -> tuple[TableKey, tuple[tuple[int, int], ...]]:
    """The ports (with positions) and the port pairs (indices) ``atlas`` needs open sea for:
    every pair of sea ports that no sea corridor joins and that is not :func:`closed_sea`."""
    ports = sea_ports(atlas)
    named = named_lane_pairs(atlas)
    pairs = tuple(
        (i, j)
        for i in range(len(ports))
        for j in range(i + 1, len(ports))
        if frozenset((ports[i], ports[j])) not in named
        and not closed_sea(atlas, ports[i], ports[j])
    )
    key = tuple((pid, *atlas.places[pid].coord) for pid in ports)
    return key, pairs


def build_sea_table(atlas: Atlas) -> SeaTable:
    """The open-sea lanes of ``atlas``: one per pair of sea ports no sea corridor joins.

    Computed by :func:`corridors.geo.searouting.sea_lanes` (one grid search per port), and
    kept in memory for the process by port ids, positions and pairs, so rebuilding the network
    of an edited atlas whose ports did not move does not route again; stored in the cache
    folder, and precomputed for the bundled atlas (:data:`BUNDLED_TABLE`). An atlas whose ports
    are all joined by named lanes needs no routing at all.
    """
    ports = sea_ports(atlas)
    if len(ports) > MAX_OPEN_SEA_PORTS:
        # Count the ports that need open sea before listing every pair of them: n (n - 1) / 2
        # pairs at 10^4 ports took 20 s, at 10^5 it never finished, for no table at all.
        many = _involved_ports(atlas, ports, named_lane_pairs(atlas))
        if len(many) > MAX_OPEN_SEA_PORTS:
            return _too_many(ports, len(many))
    key, pairs = table_request(atlas)
    involved = {end for pair in pairs for end in pair}
    if not pairs:
        return SeaTable(ports=ports)
    if len(involved) > MAX_OPEN_SEA_PORTS:
        return _too_many(ports, len(involved))
    return _table(key, pairs)


def _too_many(ports: list[str], involved: int) -> SeaTable:
    return SeaTable(
        ports=ports,
        problems={
            "": f"{involved} sea ports, more than {MAX_OPEN_SEA_PORTS}: "
            "no open-sea edges were computed"
        },
    )


def _involved_ports(atlas: Atlas, ports: list[str], named: set[frozenset[str]]) -> set[int]:
    """The ports (indices) with at least one partner :func:`table_request` would pair them
    with: the same set its pairs involve.

    A port is left out only if every other port is named-paired with it or closed to it. So
    a port is in without a look at its partners when the named pairs and the ports closed to
    it are fewer than the other ports (at 10^6 segments: all but a few); any other port is
    decided by its first partner, looked for only among the ports not closed to it.
    """
    places = atlas.places
    countries = [places[port].country for port in ports]
    in_country = {country: countries.count(country) for country in CLOSED_SEA_COUNTRIES}
    closed_to = {  # how many ports each closed country's ports are closed to
        country: sum(in_country.values()) - count for country, count in in_country.items()
    }
    others = len(ports) - 1
    open_to: dict[str, list[int]] = {}  # per closed country: the ports not closed to it
    found: set[int] = set()
    for i, first in enumerate(ports):
        country = countries[i]
        if len(named) + closed_to.get(country, 0) < others:
            found.add(i)
            continue
        candidates: Sequence[int] = range(len(ports))
        if country in CLOSED_SEA_COUNTRIES:
            if country not in open_to:
                open_to[country] = [
                    j
                    for j, other in enumerate(countries)
                    if {country, other} != CLOSED_SEA_COUNTRIES
                ]
            candidates = open_to[country]
        for j in candidates:
            second = ports[j]
            if (
                i != j
                and frozenset((first, second)) not in named
                and not closed_sea(atlas, first, second)
            ):
                found.add(i)
                break
    return found


def sea_lanes_between(atlas: Atlas, pairs: Sequence[tuple[int, int]]) -> SeaTable:
    """The regional router's lanes between these pairs of sea ports (indices into
    :func:`sea_ports`), kept like the open-sea table: in memory for the process and in the
    cache folder, so asking again (``corridors check`` for the named-lane pairs) routes
    nothing."""
    key, _ = table_request(atlas)
    return _table(key, tuple(pairs))


@lru_cache(maxsize=8)
def _table(
    key: tuple[tuple[str, float, float], ...], pairs: tuple[tuple[int, int], ...]
) -> SeaTable:
    path = cache_dir() / f"seatable-v{TABLE_FORMAT}-{_file_key(key, pairs)}.cnet"
    for stored in (path, BUNDLED_TABLE):
        try:
            return read_table_file(stored, key, pairs)
        except (OSError, ColumnFileError, ValueError):
            pass  # missing, damaged or for other ports or code: the next, else compute it
    table = _compute(key, pairs)
    with contextlib.suppress(OSError, ValueError, TypeError):
        write_atomically(path, encode_table_file(table, key, pairs))
        _prune(path)
    return table


def _compute(
    key: tuple[tuple[str, float, float], ...], pairs: tuple[tuple[int, int], ...]
) -> SeaTable:
    from corridors.geo.geodesy import lines_lengths_m
    from corridors.geo.searouting import sea_lanes

    ports = [pid for pid, _, _ in key]
    found = sea_lanes([(lon, lat) for _, lon, lat in key], pairs)
    table = SeaTable(
        ports=ports, problems={ports[i]: reason for i, reason in found.problems.items()}
    )
    done = sorted(found.lines)
    lines = [found.lines[pair] for pair in done]
    for (i, j), line in zip(done, lines, strict=True):
        table.start.append(i)
        table.end.append(j)
        for lon, lat in line:
            table.coord_xy.append(lon)
            table.coord_xy.append(lat)
        table.coord_ptr.append(len(table.coord_xy) // 2)
    table.length_m = lines_lengths_m(lines)
    return table


# ------------------------------------------------------------------------ stored tables


def table_sections(table: SeaTable) -> dict[str, Any]:
    """The column-file sections of a table (see :mod:`corridors.network.columnfile`)."""
    return {
        "sea": {"ports": table.ports, "problems": table.problems},
        "sea_start": array("q", table.start),
        "sea_end": array("q", table.end),
        "sea_length_m": array("d", table.length_m),
        "sea_xy": array("d", table.coord_xy),
        "sea_ptr": array("q", table.coord_ptr),
    }


def table_from_columns(columns: ColumnFile) -> SeaTable:
    """The table in the sections :func:`table_sections` wrote, every column checked.

    Raises
    ------
    ColumnFileError
        If a section is missing or malformed, or the columns disagree.
    """
    doc = columns.json("sea")
    if type(doc) is not dict:
        raise ColumnFileError("sea section is not an object")
    ports, problems = doc.get("ports"), doc.get("problems")
    if type(ports) is not list or not all(type(p) is str for p in ports):
        raise ColumnFileError("sea ports are not a list of strings")
    if type(problems) is not dict or not all(type(v) is str for v in problems.values()):
        raise ColumnFileError("sea problems are not an object of strings")
    table = SeaTable(
        ports=ports,
        start=columns.array("sea_start", "<i8").tolist(),
        end=columns.array("sea_end", "<i8").tolist(),
        length_m=columns.array("sea_length_m", "<f8").tolist(),
        coord_xy=columns.array("sea_xy", "<f8"),
        coord_ptr=columns.array("sea_ptr", "<i8"),
        problems=problems,
    )
    lanes = len(table.start)
    if len(table.end) != lanes or len(table.length_m) != lanes:
        raise ColumnFileError("sea lane columns have different lengths")
    if len(set(ports)) != len(ports):
        raise ColumnFileError("duplicate sea ports")
    if lanes and (min(table.start) < 0 or max(table.end) >= len(ports)):
        raise ColumnFileError("a sea lane names a port out of range")
    if any(a >= b for a, b in zip(table.start, table.end, strict=True)):
        raise ColumnFileError("a sea lane does not run from a lower to a higher port")
    if not all(0.0 <= m < 4e7 for m in table.length_m):  # also refuses NaN
        raise ColumnFileError("a sea lane length is out of range")
    ptr = table.coord_ptr
    if len(ptr) != lanes + 1 or ptr[0] != 0 or ptr[-1] != len(table.coord_xy) // 2:
        raise ColumnFileError("sea_ptr does not span sea_xy")
    if any(b - a < 2 for a, b in zip(ptr, ptr[1:], strict=False)):
        raise ColumnFileError("a sea lane has fewer than two positions")
    return table


def encode_table_file(
    table: SeaTable, key: tuple[tuple[str, float, float], ...], pairs: tuple[tuple[int, int], ...]
) -> list[bytes]:
    """The stand-alone file of a table computed for ``key`` and ``pairs``."""
    meta = {"format": TABLE_FORMAT, "key": _file_key(key, pairs)}
    return encode(version=TABLE_FORMAT, meta=meta, sections=table_sections(table))


def read_table_file(
    path: Path, key: tuple[tuple[str, float, float], ...], pairs: tuple[tuple[int, int], ...]
) -> SeaTable:
    """The table stored at ``path`` for exactly these ports, positions and pairs.

    Raises
    ------
    OSError, ColumnFileError
        If the file is missing, not a regular file, damaged, or for other ports or code. The
        lanes must start and end at the ports' positions and join only the pairs asked for.
    """
    columns = decode(read_regular_file(path, max_bytes=MAX_TABLE_BYTES), version=TABLE_FORMAT)
    if columns.meta.get("key") != _file_key(key, pairs):
        raise ColumnFileError("written for other ports or code")
    table = table_from_columns(columns)
    if table.ports != [pid for pid, _, _ in key]:
        raise ColumnFileError("written for other ports")
    wanted = set(pairs)
    for lane, (i, j) in enumerate(zip(table.start, table.end, strict=True)):
        line = table.coords_of(lane)
        if (i, j) not in wanted or line[0] != key[i][1:] or line[-1] != key[j][1:]:
            raise ColumnFileError("a lane does not join the ports it names")
    return table


_router_stamp: str | None = None


def _file_key(key: tuple[tuple[str, float, float], ...], pairs: tuple[tuple[int, int], ...]) -> str:
    """Hash of the ports, positions, pairs, package version and the router's code (content)."""
    global _router_stamp
    if _router_stamp is None:
        from importlib.metadata import PackageNotFoundError, version

        digest = hashlib.sha256()
        for name in _ROUTER_MODULES:
            with contextlib.suppress(OSError):
                digest.update(name.encode() + b"\0" + (_PACKAGE_DIR / name).read_bytes())
        with contextlib.suppress(PackageNotFoundError):
            digest.update(version("global-land-mask").encode())
        _router_stamp = digest.hexdigest()
    text = json.dumps([TABLE_FORMAT, __version__, _router_stamp, key, pairs])
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def _prune(keep: Path) -> None:
    """Delete all but the :data:`KEEP_CACHED_TABLES` newest stored tables; best effort."""
    from corridors._io.files import keep_newest

    keep_newest(
        keep.parent, prefix="seatable-v", suffix=".cnet", count=KEEP_CACHED_TABLES, keep=keep
    )


__all__ = [
    "MAX_OPEN_SEA_PORTS",
    "TABLE_FORMAT",
    "OPEN_SEA",
    "SeaTable",
    "build_sea_table",
    "named_lane_pairs",
    "sea_ports",
    "table_from_columns",
    "table_sections",
]
