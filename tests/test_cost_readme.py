"""The README's cost section is what the code gives (tools/cost_readme.py --check)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_readme_cost_section_is_generated(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "tools" / "cost_readme.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        env={"CORRIDORS_CACHE_DIR": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
