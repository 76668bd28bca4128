"""The corridor files of an atlas read by the byte scanner and by ``json.loads``, file by file.

Usage: ``python benchmarks/scan_files.py ATLAS_DIR`` (e.g. ``/tmp/corridors-bench/atlas-1000000``).
For each corridor file, alternated in the same process: the byte scanner
(:func:`corridors.atlas.corridor_scan.scan_corridor_columns`) and the usual path
(``parse_json_checked`` + ``check_document`` + ``plain_corridor_columns``), CPU seconds of this
process with the garbage collector paused as in a build, and whether both gave the same
columns (or the scanner declined). research/first-build-profile.md quotes it.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from corridors.atlas.columns import CorridorColumns, plain_corridor_columns
from corridors.atlas.corridor_scan import scan_corridor_columns
from corridors.atlas.read import parse_places, parse_sources
from corridors.atlas.safe_input import check_document, parse_json_checked

FIELDS = ("ids", "names", "modes", "statuses", "years", "starts", "ends", "vias", "sources")
FIELDS += ("notes", "attributes")


def parse(path: Path, data: bytes) -> Any:
    doc, clean = parse_json_checked(path, data)
    if not clean:
        check_document(path, doc)
    return doc


def same(a: CorridorColumns | None, b: CorridorColumns | None) -> str:
    if a is None:
        return "scanner declined"
    if b is None or any(getattr(a, f) != getattr(b, f) for f in FIELDS):
        return "DIFFERENT"
    xy = np.array_equal(a.xy.view(np.int64), b.xy.view(np.int64))
    return "same" if xy and np.array_equal(a.counts, b.counts) else "DIFFERENT"


def main(root: Path) -> None:
    gc.disable()
    sources_file, places_file = root / "sources.json", root / "places.geojson"
    sources = parse_sources(sources_file, parse(sources_file, sources_file.read_bytes()))
    places_doc = parse(places_file, places_file.read_bytes())
    places = parse_places(places_file, places_doc, sources)
    del places_doc
    print(f"load average {os.getloadavg()[0]:.1f} at the start")
    print("| file | MB | scanner CPU s | json.loads path CPU s | columns |")
    print("|---|---:|---:|---:|---|")
    totals = [0.0, 0.0]
    for path in sorted((root / "corridors").glob("*.geojson")):
        data = path.read_bytes()
        clock = time.process_time()
        scanned = scan_corridor_columns(data, places, sources)
        scan = time.process_time() - clock
        clock = time.process_time()
        parsed = plain_corridor_columns(parse(path, data), places, sources)
        usual = time.process_time() - clock
        totals[0] += scan
        totals[1] += usual
        verdict = same(scanned, parsed)
        print(f"| {path.name} | {len(data) / 1e6:.1f} | {scan:.2f} | {usual:.2f} | {verdict} |")
        del scanned, parsed
    print(f"| total | | {totals[0]:.2f} | {totals[1]:.2f} | {totals[1] / totals[0]:.2f}x |")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
