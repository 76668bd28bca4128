"""Precompute the open-sea table of the bundled atlas into ``src/corridors/data/seatable.cnet``.

    python tools/make_sea_table.py

The package reads it instead of routing the lanes when its key (ports, their positions, the
pairs, the package version and the sea router's code) matches the atlas it loads, so the
first ``corridors route`` on the shipped atlas does not spend seconds routing 18 lanes. Run
this after moving a port or changing the router; ``tests/test_open_sea.py`` fails until then.
"""

from __future__ import annotations

from corridors.atlas.read import load_atlas
from corridors.network.columnfile import write_atomically
from corridors.network.seatable import (
    BUNDLED_TABLE,
    _compute,
    encode_table_file,
    table_request,
)
from corridors.paths import bundled_atlas_dir


def main() -> None:
    atlas = load_atlas(bundled_atlas_dir())
    key, pairs = table_request(atlas)
    table = _compute(key, pairs)
    write_atomically(BUNDLED_TABLE, encode_table_file(table, key, pairs))
    print(f"{BUNDLED_TABLE}: {len(table.start)} lanes, {BUNDLED_TABLE.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
