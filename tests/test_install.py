"""A regular (non-editable) install finds its bundled atlas from any folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_install_finds_bundled_atlas(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    wheel = next(wheels.glob("corridors-*.whl"))
    venv = tmp_path / "venv"
    # No pip in the new venv (ensurepip alone took 3-6 s): this environment's pip installs
    # into it with --python, the same install a pip inside it would make.
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The dependencies come from the environment running the tests, whether that is a venv or
    # the system Python (`--system-site-packages` would see the base interpreter's packages,
    # not a parent venv's). A .pth line only extends sys.path: the parent's own .pth files
    # (an editable corridors) are not run, so `corridors` is the wheel installed here.
    child_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    parent_site = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(child_site, "parent-env.pth").write_text("\n".join(sorted(parent_site)) + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + [str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "CORRIDORS_ATLAS"}
    env["CORRIDORS_CACHE_DIR"] = str(tmp_path / "cache")
    where = subprocess.run(
        [str(python), "-c", "import corridors.paths as p; print(p.bundled_atlas_dir())"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(venv)) and where.endswith("_atlas")
    listed = subprocess.run(
        [str(venv / "bin" / "corridors"), "list", "places", "--json"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    shipped = json.loads((REPO / "geo" / "places.geojson").read_text())["features"]
    assert len(json.loads(listed.stdout)) == len(shipped)
    listed_from = subprocess.run(
        [str(python), "-c", "import corridors; print(corridors.__file__)"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        check=True,
    ).stdout.strip()
    assert listed_from.startswith(str(venv)), "the installed wheel, not the checkout, was tested"
