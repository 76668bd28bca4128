"""Generate large synthetic atlases for the benchmarks: a perturbed grid over the region.

Places sit on a jittered grid over lon 124-134, lat 34-44; every corridor joins two grid
neighbours along a slightly wiggled line. A tenth of the places are ports (rail <-> sea
transfers), 15 % of corridors are sea lanes, 20 % are not operating (so the status filter
matters), and about a tenth of the corridors pass a ``via`` junction that splits them. The
real atlas (``geo/``) is merged in when it loads, so the benchmark network contains it too.
Everything is seeded: the same size always gives the same atlas.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path
from typing import Any

LON0, LON1, LAT0, LAT1 = 124.0, 134.0, 34.0, 44.0
SOURCE_ID = "synthetic"
PER_FILE = 200_000


def _feature(geometry: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _place(pid: str, lon: float, lat: float, kind: str) -> dict[str, Any]:
    return _feature(
        {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        {
            "id": pid,
            "name": pid.replace("_", " ").title(),
            "aliases": [],
            "country": "KOR",
            "kind": kind,
            "sources": [SOURCE_ID],
        },
    )


def generate(segments: int, *, seed: int = 5) -> dict[str, Any]:
    """Atlas documents (keyed by relative path) with exactly ``segments`` grid corridors."""
    rng = random.Random(seed)
    side = max(2, math.ceil(math.sqrt(segments / 2)) + 1)
    while 2 * side * (side - 1) < segments:
        side += 1
    step_lon = (LON1 - LON0) / (side - 1)
    step_lat = (LAT1 - LAT0) / (side - 1)
    grid: dict[tuple[int, int], tuple[float, float]] = {}
    places = []
    for i in range(side):
        for j in range(side):
            lon = LON0 + j * step_lon + rng.uniform(-0.25, 0.25) * step_lon
            lat = LAT0 + i * step_lat + rng.uniform(-0.25, 0.25) * step_lat
            grid[i, j] = (lon, lat)
            kind = "port" if rng.random() < 0.1 else "station"
            places.append(_place(f"g{i}_{j}", lon, lat, kind))
    pairs = [((i, j), (i, j + 1)) for i in range(side) for j in range(side - 1)]
    pairs += [((i, j), (i + 1, j)) for i in range(side - 1) for j in range(side)]
    rng.shuffle(pairs)
    corridors: dict[str, list[dict[str, Any]]] = {"rail": [], "sea": []}
    for number, (a, b) in enumerate(pairs[:segments]):
        (lon_a, lat_a), (lon_b, lat_b) = grid[a], grid[b]
        inner = rng.randint(1, 4)
        coords = [[lon_a, lat_a]]
        for k in range(1, inner + 1):
            t = k / (inner + 1)
            coords.append(
                [
                    lon_a + t * (lon_b - lon_a) + rng.uniform(-0.05, 0.05) * step_lon,
                    lat_a + t * (lat_b - lat_a) + rng.uniform(-0.05, 0.05) * step_lat,
                ]
            )
        coords.append([lon_b, lat_b])
        coords = [[round(x, 6), round(y, 6)] for x, y in coords]
        via: list[str] = []
        if rng.random() < 0.1:
            junction = f"j{number}"
            lon, lat = coords[1]
            places.append(_place(junction, lon, lat, "junction"))
            via.append(junction)
        mode = "sea" if rng.random() < 0.15 else "rail"
        status = "proposed" if rng.random() < 0.2 else "operating"
        corridors[mode].append(
            _feature(
                {"type": "LineString", "coordinates": coords},
                {
                    "id": f"c{number}",
                    "name": f"Corridor {number}",
                    "mode": mode,
                    "status": status,
                    "status_year": 2015,
                    "from": f"g{a[0]}_{a[1]}",
                    "to": f"g{b[0]}_{b[1]}",
                    "via": via,
                    "attributes": {},
                    "reported_length_km": None,
                    "reported_length_source": None,
                    "sources": [SOURCE_ID],
                },
            )
        )
    docs: dict[str, Any] = {
        "sources.json": {"sources": [{"id": SOURCE_ID, "title": "Synthetic benchmark grid"}]},
        "places.geojson": {"type": "FeatureCollection", "features": places},
    }
    # At most PER_FILE corridors a file: the atlas reader refuses files over 256 MB.
    for mode, features in corridors.items():
        for part, first in enumerate(range(0, max(len(features), 1), PER_FILE)):
            name = (
                f"corridors/grid-{mode}.geojson"
                if part == 0
                else f"corridors/grid-{mode}-{part}.geojson"
            )
            docs[name] = {
                "type": "FeatureCollection",
                "features": features[first : first + PER_FILE],
            }
    _merge_real_atlas(docs)
    return docs


def _merge_real_atlas(docs: dict[str, Any]) -> None:
    """Add the shipped atlas's sources, places and corridors when it is valid right now."""
    from corridors.atlas.read import load_atlas
    from corridors.errors import AtlasError
    from corridors.paths import bundled_atlas_dir

    root = bundled_atlas_dir()
    try:
        load_atlas(root)
    except (AtlasError, OSError):
        return
    sources = json.loads((root / "sources.json").read_text(encoding="utf-8"))["sources"]
    docs["sources.json"]["sources"].extend(sources)
    real_places = json.loads((root / "places.geojson").read_text(encoding="utf-8"))
    docs["places.geojson"]["features"].extend(real_places["features"])
    for path in sorted((root / "corridors").glob("*.geojson")):
        docs[f"corridors/real-{path.name}"] = json.loads(path.read_text(encoding="utf-8"))


def write(docs: dict[str, Any], root: Path) -> Path:
    """Write generated documents as an atlas folder and return it."""
    for relative, doc in docs.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    return root


def load(docs: dict[str, Any], root: Path | None = None):  # noqa: ANN201 - corridors.Atlas
    """Validate generated documents in memory into an Atlas (no files needed)."""
    from corridors.atlas.read import build_atlas

    base = root or Path("/synthetic-atlas")
    return build_atlas(base, {base / relative: doc for relative, doc in docs.items()})
