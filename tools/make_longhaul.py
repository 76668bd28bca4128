"""Regenerate geo/corridors/longhaul.geojson: the long haul from the Kuzbass to the Pacific.

Novokuznetsk - Abakan - Taishet (the South Siberian line and the Abakan - Taishet railway),
Taishet - Khabarovsk and Khabarovsk - Ussuriysk (the Trans-Siberian), and the Nakhodka line
from the atlas's Trans-Siberian at Artyom to the Vostochny coal port. Run from the repository
root:

    python tools/make_longhaul.py

What is sourced and what is drawn. Every vertex below is a cited point (a station, or the
centre of the town the line runs through: ``hflabs-city-2021`` is the DaData geocoder's town
centre, the others the settlement's Wikipedia coordinates), except a few on the Nakhodka line
that the note names as the curator's. No alignment was traced from a map, so the lines are
*schematic* (``attributes.schematic``, geo/README.md): straight chords between those points,
drawn 5-15 % shorter than the track, and routed at their published lengths (the km posts),
which ``corridors check`` holds them to. Deterministic: a re-run writes the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from corridors.geo.geodesy import line_length_m

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "geo" / "corridors" / "longhaul.geojson"
DECIMALS = 4

H = "hflabs-city-2021"
# A section: (published km between its ends, [(name, lon, lat, source or None), ...]).
# The first point of each section is the last of the previous one. A place id in the name
# column ("@id") marks a vertex that is an atlas place (a via or an end of the corridor).
SOUTH_SIBERIAN = [
    (
        387.0,  # Novokuznetsk - Abakan: 1,034 - 647 km (wiki-abakan-taishet)
        [
            ("@novokuznetsk", 87.11722, 53.74639, "perceptiode-novokuznetsk-station"),
            ("Myski", 87.8055646, 53.7125695, H),
            ("Mezhdurechensk", 88.0702754, 53.6865289, H),
            ("@abakan", 91.4436721, 53.7223325, H),
        ],
    ),
    (
        647.0,  # Abakan - Taishet (wiki-abakan-taishet)
        [
            ("@abakan", 91.4436721, 53.7223325, H),
            ("Minusinsk", 91.6872907, 53.7104586, H),
            ("Kuragino", 92.68333, 53.88333, "dewiki-kuragino"),
            ("@taishet", 98.0030145, 55.9405334, H),
        ],
    ),
]
# Trans-Siberian km posts from Moscow (wiki-transsib-km): Taishet 4483, Irkutsk 5153,
# Ulan-Ude 5609, Chita 6166, Birobidzhan 8312, Khabarovsk 8493, Ussuriysk 9147.
TRANSSIB_WEST = [
    (
        5153.0 - 4483.0,
        [
            ("@taishet", 98.0030145, 55.9405334, H),
            ("Nizhneudinsk", 99.0314056, 54.8968931, H),
            ("Tulun", 100.5780603, 54.557162, H),
            ("Zima", 102.0491772, 53.920693, H),
            ("Cheremkhovo", 103.0901268, 53.1369095, H),
            ("Usolye-Sibirskoye", 103.6388109, 52.7565808, H),
            ("Angarsk", 103.888543, 52.544879, H),
            ("@irkutsk", 104.2807466, 52.2864036, H),
        ],
    ),
    (
        5609.0 - 5153.0,
        [
            ("@irkutsk", 104.2807466, 52.2864036, H),
            ("Slyudyanka", 103.7187545, 51.6563983, H),
            ("Baikalsk", 104.1487532, 51.5230393, H),
            ("Babushkin", 105.8673219, 51.7112755, H),
            ("@ulan_ude", 107.5842223, 51.8335853, H),
        ],
    ),
    (
        6166.0 - 5609.0,
        [
            ("@ulan_ude", 107.5842223, 51.8335853, H),
            ("Petrovsk-Zabaykalsky", 108.846681, 51.2748592, H),
            ("Khilok", 110.4590898, 51.3634856, H),
            ("@chita", 113.4994, 52.0340142, H),
        ],
    ),
    (
        8312.0 - 6166.0,
        [
            ("@chita", 113.4994, 52.0340142, H),
            ("Shilka", 116.0334461, 51.8497035, H),
            ("Chernyshevsk", 117.0, 52.53333, "enwiki-chernyshevsk"),
            ("Mogocha", 119.7660867, 53.7361398, H),
            ("Yerofey Pavlovich", 121.95, 53.95, "dewiki-yerofey-pavlovich"),
            ("Skovorodino", 123.9437205, 53.9871095, H),
            ("Magdagachi", 125.81667, 53.45, "dewiki-magdagachi"),
            ("Shimanovsk", 127.7005458, 52.0051886, H),
            ("Svobodny", 128.1219729, 51.3614103, H),
            ("Belogorsk", 128.4739471, 50.9213415, H),
            ("Zavitinsk", 129.4391813, 50.1064111, H),
            ("Arkhara", 130.08333, 49.41667, "dewiki-arkhara"),
            ("Obluchye", 131.0540102, 49.0189345, H),
            ("Birobidzhan", 132.9217207, 48.7946446, H),
        ],
    ),
    (
        8493.0 - 8312.0,
        [
            ("Birobidzhan", 132.9217207, 48.7946446, H),
            ("@khabarovsk", 135.0598942, 48.4647258, H),
        ],
    ),
]
TRANSSIB_EAST = [
    (
        9147.0 - 8493.0,
        [
            ("@khabarovsk", 135.0598942, 48.4647258, H),
            ("Vyazemsky", 134.7553856, 47.5353379, H),
            ("Bikin", 134.2550718, 46.8185743, H),
            ("Dalnerechensk", 133.7316907, 45.9308483, H),
            ("Lesozavodsk", 133.4186199, 45.4780092, H),
            ("Spassk-Dalny", 132.8157288, 44.5901175, H),
            ("@ussuriysk", 131.98083, 43.80167, "frwiki-ussuriysk-station"),
        ],
    ),
]
# The Nakhodka line. Published: Moscow - Nakhodka 9,441 km (britannica-transsib-nakhodka) and
# Ussuriysk km 9,147 (wiki-transsib-km), so Ussuriysk - Nakhodka is about 294 km (two km
# bases: +-5 %); less what the atlas draws from Ussuriysk to Artyom, that is what this line
# must be. Vertices are the curator's, kept on land: Artyom (the atlas's junction on its drawn
# Trans-Siberian), Shkotovo and Smolyaninovo at the head of Ussuri Bay, over the hills by
# Novolitovsk to Partizansk (hflabs-city-2021), down the Partizanskaya valley to
# Tikhookeanskaya at the head of Nakhodka Bay and along its east shore to the Vostochny coal
# terminal at Wrangel Bay.
USSURIYSK_NAKHODKA_KM = 9441.0 - 9147.0
NAKHODKA_HEAD = [
    ("@artyom_primorsky", 132.169, 43.356, None),
    ("Shkotovo", 132.33, 43.33, None),
    ("Smolyaninovo", 132.47, 43.37, None),
]
NAKHODKA_INLAND = [
    ("Smolyaninovo", 132.47, 43.37, None),
    ("Novolitovsk", 132.75, 43.30, None),
    ("Partizansk", 133.1264567, 43.1280578, H),
    ("Partizanskaya valley", 133.06, 43.02, None),
]
NAKHODKA_TAIL = [
    ("Partizanskaya valley", 133.06, 43.02, None),
    ("Tikhookeanskaya", 132.985, 42.905, None),
    ("Nakhodka Bay east shore", 133.02, 42.83, None),
    ("Wrangel", 133.06, 42.77, None),
    ("@vostochny", 133.074, 42.745, None),
]


def _drawn_ussuriysk_artyom_km() -> float:
    """What geo/corridors/rail.geojson draws from Ussuriysk to the Artyom junction, km."""
    rail = json.loads((ROOT / "geo" / "corridors" / "rail.geojson").read_text("utf-8"))
    lines = {f["properties"]["id"]: f["geometry"]["coordinates"] for f in rail["features"]}
    trunk = lines["transsib_vladivostok_baranovsky"]
    at = next(i for i, c in enumerate(trunk) if (c[0], c[1]) == NAKHODKA_HEAD[0][1:3])
    km = line_length_m(lines["ussuriysk_baranovsky"]) + line_length_m(trunk[at:])
    return km / 1000.0


def _nakhodka_km() -> float:
    """The Nakhodka line's length: Ussuriysk - Nakhodka less Ussuriysk - Artyom, km."""
    return round(USSURIYSK_NAKHODKA_KM - _drawn_ussuriysk_artyom_km())


def _nakhodka_sections() -> list:
    return [
        (None, NAKHODKA_HEAD),
        (None, NAKHODKA_INLAND),
        (None, NAKHODKA_TAIL),
    ]


def _round(c: tuple[float, float]) -> tuple[float, float]:
    return (round(c[0], DECIMALS), round(c[1], DECIMALS))


def _section(points: list) -> list:
    """The section's line: straight chords between its cited points."""
    return [_round((p[1], p[2])) for p in points]


def _line(sections: list) -> tuple[list, list[str]]:
    coords: list = []
    vias: list[str] = []
    for _km, points in sections:
        part = _section(points)
        coords.extend(part if not coords else part[1:])
        for name, *_ in points:
            if name.startswith("@") and name[1:] not in vias:
                vias.append(name[1:])
    return [list(c) for c in coords], vias


TRANSSIB_NAMES = {
    "ko": {"name": "시베리아 횡단 철도", "sources": ["kowiki-trans-siberian"]},
    "ru": {"name": "Транссибирская магистраль", "sources": ["kowiki-trans-siberian"]},
}
FIXED = (
    "Schematic line: straight chords between the stations and town centres it runs through "
    "({towns}; sources hflabs-city-2021, DaData town centres, and the settlements' Wikipedia "
    "pages), {drawn} drawn; no alignment was traced from a map, so routes use the published "
    "length (reported_length_km), not the drawn one."
)


def _towns(sections: list) -> str:
    seen: list[str] = []
    for _, points in sections:
        for name, *_ in points:
            label = name.lstrip("@").replace("_", "-").title() if name[0] == "@" else name
            if label not in seen:
                seen.append(label)
    return ", ".join(seen)


def _drawn_note(sections: list, published_km: float) -> str:
    coords, _ = _line(sections)
    drawn = line_length_m(coords) / 1000.0
    share = drawn / published_km - 1
    return f"{drawn:,.0f} km ({share:+.0%} against the published {published_km:,.0f} km)"


def features() -> list[dict]:
    """The long-haul corridors as GeoJSON features."""
    specs = [
        {
            "id": "south_siberian_novokuznetsk_taishet",
            "name": "South Siberian line Novokuznetsk - Abakan - Taishet",
            "names": {
                "ru": {
                    "name": "Южсиб: Новокузнецк — Абакан — Тайшет",
                    "aliases": ["Абакан — Тайшет"],
                    "sources": ["rssplus-2025-abakan-taishet"],
                }
            },
            "sections": SOUTH_SIBERIAN,
            "attributes": {"gauge_mm": 1520, "electrified": True, "schematic": True},
            "km": 1034.0,
            "km_source": "wiki-abakan-taishet",
            "history": [
                {
                    "date": "1950",
                    "status": "under_construction",
                    "sources": ["wiki-abakan-taishet"],
                    "note": "Novokuznetsk - Abakan built 1949-1950; Abakan - Taishet built "
                    "1959-1965.",
                },
                {
                    "date": "1965-12-20",
                    "status": "operating",
                    "sources": ["rssplus-2025-abakan-taishet"],
                    "note": "Regular traffic on Abakan - Taishet from 20 December 1965, "
                    "completing Novokuznetsk - Taishet.",
                },
            ],
            "status_year": 2013,
            "sources": [
                "wiki-abakan-taishet",
                "rssplus-2025-abakan-taishet",
                "metcoal-2011-tayshet",
                "survincity-2013-abakan",
                H,
                "perceptiode-novokuznetsk-station",
                "dewiki-kuragino",
            ],
            "note": "The South Siberian (Yuzhsib) way of Kuzbass coal to the east: "
            "Novokuznetsk - Mezhdurechensk - Askiz - Abakan (387 km) and the Abakan - "
            "Taishet railway (647 km: east to Kuragino, north-east over the Eastern Sayan to "
            "Sayanskaya, then east beside the Trans-Siberian to Taishet), 1,034 km with km "
            "posts counted from Novokuznetsk (wiki-abakan-taishet); Krasnoyarsk is not on "
            "it. Mezhdurechensk - Taishet is the bottleneck of eastbound Kuzbass coal "
            "(metcoal-2011-tayshet); 25.9 Mt went east through Abakan in 2012 "
            "(survincity-2013-abakan). The Askiz, Koshurnikovo and Sayanskaya bends are not "
            "placed (no coordinates found). " + FIXED,
        },
        {
            "id": "transsib_taishet_khabarovsk",
            "name": "Trans-Siberian Taishet - Khabarovsk",
            "names": TRANSSIB_NAMES,
            "sections": TRANSSIB_WEST,
            "attributes": {"gauge_mm": 1520, "electrified": True, "tracks": 2, "schematic": True},
            "km": 8493.0 - 4483.0,
            "km_source": "wiki-transsib-km",
            "history": [
                {
                    "date": "1916-10",
                    "status": "operating",
                    "sources": ["dewiki-chernyshevsk-amur-railway"],
                    "note": "The Amur railway, the last section, complete to Khabarovsk in "
                    "1916 (with the Amur bridge at Khabarovsk).",
                }
            ],
            "status_year": 2024,
            "sources": [
                "wiki-transsib-km",
                "dewiki-chernyshevsk-amur-railway",
                H,
                "enwiki-chernyshevsk",
                "dewiki-yerofey-pavlovich",
                "dewiki-magdagachi",
                "dewiki-arkhara",
            ],
            "note": "Trans-Siberian km posts from Moscow (wiki-transsib-km, the timetable "
            "basis that puts Vladivostok at 9259 km): Taishet 4483, Irkutsk 5153, Ulan-Ude "
            "5609, Chita 6166, Birobidzhan 8312, Khabarovsk 8493; 4,010 km. Between Mogocha "
            "and Belogorsk the line runs 50-100 km north of the Amur (the border with "
            "China). " + FIXED,
        },
        {
            "id": "transsib_khabarovsk_ussuriysk",
            "name": "Trans-Siberian Khabarovsk - Ussuriysk",
            "names": TRANSSIB_NAMES,
            "sections": TRANSSIB_EAST,
            "attributes": {"gauge_mm": 1520, "electrified": True, "tracks": 2, "schematic": True},
            "km": 9147.0 - 8493.0,
            "km_source": "wiki-transsib-km",
            "history": [
                {
                    "date": "1897",
                    "status": "operating",
                    "sources": ["rowiki-far-eastern-railway"],
                    "note": "The Ussuri railway (Vladivostok - Khabarovsk), built 1891-1897.",
                }
            ],
            "status_year": 2024,
            "sources": [
                "wiki-transsib-km",
                "rowiki-far-eastern-railway",
                H,
                "frwiki-ussuriysk-station",
            ],
            "note": "Khabarovsk km 8493 - Ussuriysk km 9147 (wiki-transsib-km), 654 km, "
            "up the Ussuri valley west of the Ussuri (the border with China: the "
            "line stays in Russia, checked against the basemap's border lines) and east "
            "of Lake Khanka. " + FIXED,
        },
        {
            "id": "nakhodka_line_artyom_vostochny",
            "name": "Nakhodka line Artyom - Vostochny",
            "names": {
                "ru": {
                    "name": "линия Угольная — Находка-Восточная",
                    "aliases": ["Угольная — Мыс Астафьева"],
                    "sources": ["ruwiki-mys-astafyeva", "vostokmedia-2010-nakhodka"],
                }
            },
            "sections": _nakhodka_sections(),
            "attributes": {"gauge_mm": 1520, "schematic": True},
            "km": float(_nakhodka_km()),
            "km_source": "britannica-transsib-nakhodka",
            "history": [
                {
                    "date": "1970",
                    "status": "under_construction",
                    "sources": ["akm-2022-vostochny"],
                    "note": "Construction of the Vostochny port in Wrangel Bay began in 1970.",
                },
                {
                    "date": "2010-11-02",
                    "status": "operating",
                    "sources": ["vostokmedia-2010-nakhodka"],
                    "note": "The earliest dated train found at Nakhodka-Vostochnaya (the "
                    "first Mongolian coal train); the line served the port long before, "
                    "but no opening date was found.",
                },
            ],
            "status_year": 2022,
            "sources": [
                "ruwiki-mys-astafyeva",
                "nakhodka-media-2022",
                "vostokmedia-2010-nakhodka",
                "akm-2022-vostochny",
                "britannica-transsib-nakhodka",
                H,
                "curator-estimate",
            ],
            "note": "The line from the Trans-Siberian at Ugolnaya to the Nakhodka ports "
            "(Ugolnaya - Mys Astafyeva, ru.wikipedia; Amursky Zaliv - Smolyaninovo - "
            "Nakhodka, 70 Mt/yr after the first stage of the Eastern Range works, "
            "nakhodka-media-2022) and its branch to Nakhodka-Vostochnaya, the station of "
            "the Vostochny port. Drawn from Artyom, where the atlas's Trans-Siberian loop "
            "turns back west (the real junction, Ugolnaya, is ~10 km west of it), by "
            "Shkotovo, Smolyaninovo, Partizansk (hflabs-city-2021) and Tikhookeanskaya to "
            "Wrangel Bay: the vertices other than Partizansk are the curator's, kept on "
            "land, not traced. Derived length: Ussuriysk - Nakhodka is about 294 km "
            "(Moscow - Nakhodka 9,441 km, britannica-transsib-nakhodka, minus Ussuriysk "
            "9,147 km, wiki-transsib-km; two km bases, so +-5 %), less the {artyom:.1f} km "
            "the atlas draws from Ussuriysk to Artyom. Schematic line, {drawn} drawn; routes "
            "use the derived length.",
        },
    ]
    out = []
    for spec in specs:
        coords, vias = _line(spec["sections"])
        props: dict = {
            "id": spec["id"],
            "name": spec["name"],
            "names": spec["names"],
            "mode": "rail",
            "status": spec["history"][-1]["status"],
            "status_year": spec["status_year"],
            "history": spec["history"],
            "from": vias[0],
            "to": vias[-1],
            "via": vias[1:-1],
            "attributes": spec["attributes"],
            "reported_length_km": spec["km"],
            "reported_length_source": spec["km_source"],
            "note": spec["note"].format(
                towns=_towns(spec["sections"]),
                drawn=_drawn_note(spec["sections"], spec["km"]),
                artyom=_drawn_ussuriysk_artyom_km(),
            ),
            "sources": spec["sources"],
        }
        out.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": props,
            }
        )
    return out


def render() -> str:
    """The file's text: one coordinate pair a line, properties indented like the atlas."""
    feats = features()
    parts = []
    for f in feats:
        coords = ",\n".join(f"     [{c[0]}, {c[1]}]" for c in f["geometry"]["coordinates"])
        props = json.dumps(f["properties"], indent=1, ensure_ascii=False)
        props = "\n".join("   " + line if i else line for i, line in enumerate(props.split("\n")))
        parts.append(
            '  {\n   "type": "Feature",\n   "geometry": {\n    "type": "LineString",\n'
            f'    "coordinates": [\n{coords}\n    ]\n   }},\n   "properties": {props}\n  }}'
        )
    return '{\n "type": "FeatureCollection",\n "features": [\n' + ",\n".join(parts) + "\n ]\n}\n"


def main() -> None:
    text = render()
    json.loads(text)
    OUT.write_text(text, encoding="utf-8")
    for f in json.loads(text)["features"]:
        km = line_length_m(f["geometry"]["coordinates"]) / 1000.0
        p = f["properties"]
        print(
            f"{p['id']}: {len(f['geometry']['coordinates'])} vertices, {km:,.1f} km drawn, "
            f"published {p['reported_length_km']}"
        )


if __name__ == "__main__":
    main()
