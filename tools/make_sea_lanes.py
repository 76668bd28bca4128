"""Regenerate geo/corridors/sea.geojson: the atlas's sea lanes, routed by corridors.geo.searouting.

The lanes are curated data (status, sources, published lengths are written here by hand);
only their geometry comes from the regional maritime router, so it never crosses land at the
land mask's ~1 km resolution. Run from the repository root:

    python tools/make_sea_lanes.py
"""

from __future__ import annotations

import json
from pathlib import Path

from corridors.atlas.read import load_atlas
from corridors.geo.searouting import route_sea

ROOT = Path(__file__).resolve().parents[1]
SUSPENDED = ["koreaherald-2016-02-11", "koreatimes-2016-03-08"]

# id, from, to, status, status_year, sources, (reported km, source), note
LANES = [
    (
        "sea_rajin_pohang",
        "rajin_port",
        "pohang",
        "suspended",
        2016,
        ["kbs-2014-11-29", "asiae-2014-11-29", "imaeil-2015-11-25", *SUSPENDED],
        None,
        "Pilot coal voyages Nov 2014 (XIN HONG BAO SHI, 40,500 t) and Nov 2015 (YIN NIAN). "
        "No published Rajin-Pohang distance found; the Nov 2014 voyage took about 32.5 h "
        "(asiae-2014-11-29).",
    ),
    (
        "sea_rajin_dangjin",
        "rajin_port",
        "dangjin",
        "suspended",
        2016,
        ["tongilnews-2015-04-23", "kbs-2015-04-24", *SUSPENDED],
        None,
        "Second pilot, April 2015 (YINHAO, 47,000 t to the Dangjin power plant).",
    ),
    (
        "sea_rajin_gwangyang",
        "rajin_port",
        "gwangyang",
        "suspended",
        2016,
        ["tongilnews-2015-04-30", "kbs-2015-11-17", *SUSPENDED],
        None,
        "Second and third pilots, 2015 (YINFU, 40,000 t to POSCO Gwangyang).",
    ),
    (
        "sea_rajin_boryeong",
        "rajin_port",
        "boryeong",
        "suspended",
        2016,
        ["edaily-2015-04-15", "sedaily-2015-04-15", *SUSPENDED],
        None,
        "Second pilot, May 2015 (YINHAO, about 50,000 t to the Boryeong power plant).",
    ),
    (
        "sea_rajin_busan",
        "rajin_port",
        "busan",
        "suspended",
        2016,
        ["shinailbo-2015-12-06", "nocutnews-2015-12-07", *SUSPENDED],
        (415 * 1.852, "kmib-2015-07-01"),
        "Container trial, Dec 2015 (NEW GLOBAL). Published distance 415 nautical miles.",
    ),
    (
        "sea_vostochny_pohang",
        "vostochny",
        "pohang",
        "operating",
        2022,
        ["gem-wrangel-bay", "portnews-vostochny-2022"],
        None,
        "Comparison route: Russian coal exported through Vostochny (Wrangel Bay).",
    ),
    (
        "sea_vostochny_dangjin",
        "vostochny",
        "dangjin",
        "operating",
        2022,
        ["gem-wrangel-bay", "portnews-vostochny-2022"],
        None,
        "Comparison route: Russian coal exported through Vostochny (Wrangel Bay).",
    ),
    (
        "sea_vostochny_gwangyang",
        "vostochny",
        "gwangyang",
        "operating",
        2022,
        ["gem-wrangel-bay", "portnews-vostochny-2022"],
        None,
        "Comparison route: Russian coal exported through Vostochny (Wrangel Bay).",
    ),
    (
        "sea_vostochny_boryeong",
        "vostochny",
        "boryeong",
        "operating",
        2022,
        ["gem-wrangel-bay", "portnews-vostochny-2022"],
        None,
        "Comparison route: Russian coal exported through Vostochny (Wrangel Bay).",
    ),
    (
        "sea_vostochny_busan",
        "vostochny",
        "busan",
        "operating",
        2022,
        ["gem-wrangel-bay", "portnews-vostochny-2022"],
        None,
        "Comparison route: Russian coal exported through Vostochny (Wrangel Bay).",
    ),
]


def main() -> None:
    atlas = load_atlas(ROOT / "geo")
    features = []
    for lane_id, start, end, status, year, sources, reported, note in LANES:
        a, b = atlas.places[start], atlas.places[end]
        coords = route_sea(a.coord, b.coord)
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[round(x, 5), round(y, 5)] for x, y in coords],
                },
                "properties": {
                    "id": lane_id,
                    "name": f"{a.name} - {b.name} sea lane",
                    "mode": "sea",
                    "status": status,
                    "status_year": year,
                    "from": start,
                    "to": end,
                    "via": [],
                    "attributes": {},
                    "reported_length_km": round(reported[0], 1) if reported else None,
                    "reported_length_source": reported[1] if reported else None,
                    "note": note + " Geometry: corridors.geo.searouting on the GLOBE land mask.",
                    "sources": sources,
                },
            }
        )
    out = ROOT / "geo" / "corridors" / "sea.geojson"
    out.write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {len(features)} lanes to {out}")


if __name__ == "__main__":
    main()
