"""Problems ``corridors check`` finds in the shipped atlas that other work on issue 10 fixes.

(subject, check) pairs. Each entry is a real defect that another branch is redrawing; once that
is merged, delete the entry (a stale entry would let a new problem of the same corridor and kind
pass unseen). The tests accept these problems and no other.
"""

from __future__ import annotations

KNOWN_ELSEWHERE: frozenset[tuple[str, str]] = frozenset(
    {
        # After Jejin the pipeline runs west along 38.56 N back into the DPRK (issue 10).
        ("trans_korean_gas_pipeline", "border"),
        # 942.9 km drawn against 1,000 km published (-5.7 %).
        ("energy_bridge_russia_korea", "length"),
        # 101.2 km drawn against 111.7 km published (-9.4 %).
        ("donghae_bukbu_jejin_gangneung", "length"),
    }
)
