"""Open sea between any two ports: the port-to-port table of sea lanes.

Named sea corridors (the Rajin pilot lanes, the Vostochny liner lanes) are services with their
own status, history and sources. Between every other two sea ports a ship can still sail, so
the route graph joins them by an *open-sea* edge at the distance the regional sea router
(:func:`corridors.geo.searouting.sea_lanes`) computes; routes then never chain through
unrelated ports. What counts as a sea port (:func:`sea_ports`) is documented in geo/README.md.

The table is computed once per set of port positions (one grid search per port, then one
traced and string-pulled lane per pair), kept in memory for the process and stored in the
network cache with the index (:mod:`corridors.network.cache`).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from corridors.atlas.model import Atlas, Coord

OPEN_SEA = "open sea"
"""The corridor label of an open-sea leg (never an atlas corridor id: ids have no spaces)."""
MAX_OPEN_SEA_PORTS = 24
"""Above this many sea ports the table (n (n - 1) / 2 lanes) is not computed: no open sea."""
SEA_PORT_KINDS = ("port", "terminal")


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


def build_sea_table(atlas: Atlas) -> SeaTable:
    """The open-sea lanes of ``atlas``: one per pair of sea ports no sea corridor joins.

    Computed by :func:`corridors.geo.searouting.sea_lanes` (one grid search per port), and
    kept in memory for the process by port ids, positions and pairs, so rebuilding the network
    of an edited atlas whose ports did not move does not route again. An atlas whose ports are
    all joined by named lanes needs no routing at all.
    """
    ports = sea_ports(atlas)
    named = named_lane_pairs(atlas)
    pairs = tuple(
        (i, j)
        for i in range(len(ports))
        for j in range(i + 1, len(ports))
        if frozenset((ports[i], ports[j])) not in named
    )
    involved = {end for pair in pairs for end in pair}
    if not pairs:
        return SeaTable(ports=ports)
    if len(involved) > MAX_OPEN_SEA_PORTS:
        return SeaTable(
            ports=ports,
            problems={
                "": f"{len(involved)} sea ports, more than {MAX_OPEN_SEA_PORTS}: "
                "no open-sea edges were computed"
            },
        )
    key = tuple((pid, *atlas.places[pid].coord) for pid in ports)
    return _table(key, pairs)


@lru_cache(maxsize=8)
def _table(
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


__all__ = [
    "MAX_OPEN_SEA_PORTS",
    "OPEN_SEA",
    "SeaTable",
    "build_sea_table",
    "named_lane_pairs",
    "sea_ports",
]
