"""A small, real-geography atlas written to disk for tests (not the shipped atlas).

Khasan - Rajin by rail along the coast, Rajin - Pohang by sea, a proposed rail spur and a
proposed power line. Coordinates are approximate but real, so land/sea checks mean something.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SOURCES = {"sources": [{"id": "test-source", "title": "Test fixture"}]}


def read_json(path: Path) -> Any:
    """An atlas file's document, to edit and write back with :func:`write_json`."""
    return json.loads(path.read_text(encoding="utf-8"))


def write_json(path: Path, doc: Any) -> None:
    """Write an (edited) atlas document as the atlas keeps it: UTF-8, indented."""
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def place(pid: str, name: str, lon: float, lat: float, kind: str = "station", **extra: Any) -> dict:
    props = {
        "id": pid,
        "name": name,
        "aliases": extra.pop("aliases", []),
        "country": extra.pop("country", "PRK"),
        "kind": kind,
        "sources": ["test-source"],
        **extra,
    }
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": props,
    }


def corridor(
    cid: str,
    name: str,
    mode: str,
    coords: list[list[float]],
    start: str,
    end: str,
    *,
    status: str = "operating",
    via: list[str] | None = None,
    reported: float | None = None,
    **extra: Any,
) -> dict:
    props = {
        "id": cid,
        "name": name,
        "mode": mode,
        "status": status,
        "status_year": 2015,
        "from": start,
        "to": end,
        "via": via or [],
        "attributes": extra.pop("attributes", {}),
        "reported_length_km": reported,
        "reported_length_source": "test-source" if reported else None,
        "sources": ["test-source"],
        **extra,
    }
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": props,
    }


PLACES = [
    place("khasan", "Khasan", 130.6466, 42.4301, country="RUS"),
    place("tumangang", "Tumangang", 130.5950, 42.4120, aliases=["Tumen"]),
    place(
        "rajin_port", "Rajin port", 130.3030, 42.2440, kind="terminal", aliases=["Rajin", "Najin"]
    ),
    place("pohang", "Pohang", 129.3950, 36.0100, kind="port", country="KOR"),
    place("chongjin", "Chongjin", 129.7800, 41.7860),
]

RAIL = [
    corridor(
        "khasan_rajin",
        "Khasan - Rajin railway",
        "rail",
        [
            [130.6466, 42.4301],
            [130.6300, 42.4230],
            [130.5950, 42.4120],
            [130.5200, 42.3600],
            [130.4000, 42.3300],
            [130.3030, 42.2440],
        ],
        "khasan",
        "rajin_port",
        via=["tumangang"],
        reported=54.0,
        attributes={"gauge_mm": [1520, 1435]},
    ),
    corridor(
        "rajin_chongjin",
        "Rajin - Chongjin railway",
        "rail",
        [[130.3030, 42.2440], [130.2000, 42.1500], [130.0000, 42.0000], [129.7800, 41.7860]],
        "rajin_port",
        "chongjin",
        status="proposed",
    ),
]
SEA = [
    corridor(
        "rajin_pohang",
        "Rajin - Pohang sea lane",
        "sea",
        [
            [130.3030, 42.2440],
            [130.3300, 42.2000],
            [130.5000, 41.5000],
            [130.3000, 39.0000],
            [129.7000, 37.0000],
            [129.4600, 36.0300],
            [129.3950, 36.0100],
        ],
        "rajin_port",
        "pohang",
        status="pilot",
    ),
]
POWER = [
    corridor(
        "power_khasan_rajin",
        "Khasan - Rajin power line",
        "power",
        [[130.6466, 42.4301], [130.5950, 42.4120], [130.4000, 42.3300], [130.3030, 42.2440]],
        "khasan",
        "rajin_port",
        status="proposed",
        attributes={"voltage_kv": 110},
    ),
]
SHIPMENTS = {
    "shipments": [
        {
            "id": "pilot",
            "name": "Pilot coal",
            "cargo": "coal",
            "tonnes": 40500,
            "sources": ["test-source"],
            "legs": [
                {
                    "from": "khasan",
                    "to": "rajin_port",
                    "mode": "rail",
                    "start": "2014-11",
                    "end": "2014-11",
                    "tonnes": 40500,
                },
                {
                    "from": "rajin_port",
                    "to": "pohang",
                    "mode": "sea",
                    "start": "2014-11-27",
                    "end": "2014-11-29",
                    "tonnes": 40500,
                    "ship": "Test ship",
                },
            ],
        }
    ]
}


def collection(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def write_atlas(root: Path) -> Path:
    """Write the mini atlas into ``root`` and return it."""
    (root / "corridors").mkdir(parents=True, exist_ok=True)
    (root / "sources.json").write_text(json.dumps(SOURCES, indent=1))
    (root / "places.geojson").write_text(json.dumps(collection(PLACES), indent=1))
    (root / "corridors" / "rail.geojson").write_text(json.dumps(collection(RAIL), indent=1))
    (root / "corridors" / "sea.geojson").write_text(json.dumps(collection(SEA), indent=1))
    (root / "corridors" / "power.geojson").write_text(json.dumps(collection(POWER), indent=1))
    (root / "shipments.json").write_text(json.dumps(SHIPMENTS, indent=1))
    return root
