"""The commands a large atlas answers from its route file, timed as fresh processes.

Used by ``run.py --scale N`` once its first run has built the cache: an unknown name (with and
without near names to suggest), "no route", ``matrix --places`` and ``list places``, each a
fresh ``corridors`` process on the N-segment atlas with the same cache folder, against the
target of issue 13 (1.0 s and 1 GB; ``list places`` prints every place, so its time grows with
the atlas: it is reported against the same target, honestly). A row's note says the exit code
(1 and 2 are the documented refusals) and the CPU time, the better guide on a shared machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

TARGET_S, TARGET_MB = 1.0, 1024.0

LANES: dict[str, list[str]] = {
    "`corridors route` unknown name": ["route", "g0_0", "nowhere"],
    "`corridors route` unknown name, near names": ["route", "g0_0", "g1_1x"],
    "`corridors route` no route / refused": ["route", "g0_0", "g5_5", "--in-service"],
    "`corridors matrix --places` (4 places)": ["matrix", "--places", "g0_0,g5_5,g9_2,g3_7"],
    "`corridors list places --csv`": ["list", "places", "--csv"],
}


def run_once(argv: list[str], env: dict[str, str]) -> tuple[int, float, float, float]:
    """Exit code, wall s, CPU s (user + system) and peak RSS (MB) of one fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1, 2):
        err = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(argv)} failed ({code}): {err}")
    if process.stderr:
        process.stderr.close()
    return code, elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def lane_rows(
    command: list[str], atlas: Path, env: dict[str, str], *, size: int, rounds: int
) -> list[dict[str, Any]]:
    """One row per lane: median wall time over ``rounds`` fresh runs, peak RSS, CPU time."""
    rows = []
    for case, args in LANES.items():
        runs = [run_once([*command, *args, "--atlas", str(atlas)], env) for _ in range(rounds)]
        wall = [r[1] for r in runs]
        cpu = statistics.median(r[2] for r in runs)
        peak = max(r[3] for r in runs)
        met = statistics.median(wall) <= TARGET_S and peak <= TARGET_MB
        rows.append(
            {
                "case": case + " (route file)",
                "size": f"{size:,} segments",
                "peer": f"target {TARGET_S:.1f} s, 1 GB",
                "ours": statistics.median(wall),
                "peer_s": TARGET_S,
                "peak_mb": peak,
                "kind": "absolute",
                "note": f"median of {rounds}, min {min(wall):.2f} s, CPU {cpu:.2f} s, "
                f"exit {runs[0][0]}; " + ("met" if met else "NOT met"),
            }
        )
    return rows
