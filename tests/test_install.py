"""A regular (non-editable) install finds its bundled atlas from any folder, and refuses to
edit it (issue 14: ``corridors init DIR`` makes a copy to edit)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Installed:
    """A venv with the wheel of this checkout installed (not editable), and a folder and
    environment to run it from (no CORRIDORS_ATLAS, a cache of its own)."""

    venv: Path
    elsewhere: Path
    env: dict[str, str]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin" / "corridors"), *args],
            capture_output=True,
            text=True,
            cwd=self.elsewhere,
            env=self.env,
            timeout=120,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    tmp_path = tmp_path_factory.mktemp("install")
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
    return Installed(venv, elsewhere, env)


def test_wheel_install_finds_bundled_atlas(installed: Installed) -> None:
    venv, elsewhere, env = installed.venv, installed.elsewhere, installed.env
    python = venv / "bin" / "python"
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


def files_under(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) and the SHA-256 of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_installed_wheel_refuses_edits_and_init_makes_a_copy(installed: Installed) -> None:
    """After ``pip install .`` every edit of the bundled atlas is refused with one line that
    says to run ``corridors init``, and site-packages/corridors/_atlas keeps every byte (no
    lock file either); the workspace ``init`` makes takes the same edit."""
    where = subprocess.run(
        [
            str(installed.venv / "bin" / "python"),
            "-c",
            "import corridors.paths as p; print(p.bundled_atlas_dir())",
        ],
        capture_output=True,
        text=True,
        cwd=installed.elsewhere,
        env=installed.env,
        check=True,
    ).stdout.strip()
    packed = Path(where)
    assert packed.parts[-3:-1] == ("site-packages", "corridors") and packed.name == "_atlas"
    before = files_under(packed)
    edits = [
        ["remove", "khasan_rajin"],
        ["remove", "khasan_rajin", "--dry-run"],
        ["add", "--via", "Rajin,Chongjin", "--mode", "power", "--status", "proposed"],
        ["add-sea-lane", "Vladivostok", "Busan", "--status", "operating", "--source", "nga-pub151"],
        ["remove", "khasan_rajin", "--atlas", str(packed)],
    ]
    for edit in edits:
        done = installed.run(*edit)
        assert done.returncode == 2, (edit, done.stdout, done.stderr)
        assert done.stdout == ""
        [line] = done.stderr.strip().splitlines()
        assert line.startswith("error: ") and "`corridors init DIR`" in line, line
        assert "Traceback" not in done.stderr
    assert files_under(packed) == before
    work = installed.elsewhere / "work"
    made = installed.run("init", str(work))
    assert made.returncode == 0, made.stderr
    removed = installed.run("remove", "khasan_rajin", "--atlas", str(work))
    assert removed.returncode == 0, removed.stderr
    assert removed.stderr == ""  # a workspace is no checkout: no stale maps to mention
    assert "khasan_rajin" not in (work / "corridors" / "rail.geojson").read_text()
    assert files_under(packed) == before
