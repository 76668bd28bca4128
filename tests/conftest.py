"""Shared pytest fixtures, and what makes the suite safe to run on several xdist workers."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for the `browser` helper module

from atlas_factory import write_atlas  # noqa: E402
from browser import chromium_browser_fixture, offline_page_fixture  # noqa: E402

# Real-browser fixtures (headless /usr/bin/chromium, all network blocked): see tests/browser.py.
chromium_browser = chromium_browser_fixture()
offline_page = offline_page_fixture()

REPO = Path(__file__).resolve().parents[1]
WORKER = os.environ.get("PYTEST_XDIST_WORKER")

if WORKER:
    # xdist workers start with COLUMNS=80 and LINES=24 in their environment, which a plain
    # pytest run does not have: every command a test runs would fold its tables to 80
    # columns. Tests that need a width set COLUMNS themselves.
    for _name in ("COLUMNS", "LINES"):
        os.environ.pop(_name, None)


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped atlas (``geo/``) in the test's own folder, to edit or break."""
    return Path(shutil.copytree(REPO / "geo", tmp_path / "geo"))


@pytest.fixture
def cache_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """:func:`cache`, set as ``CORRIDORS_CACHE_DIR`` for the library calls of the test."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("CORRIDORS_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def atlas(tmp_path: Path) -> Path:
    """The small factory atlas (tests/atlas_factory.py), written fresh for each test."""
    return write_atlas(tmp_path / "atlas")


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """A cache folder of the test's own (pass it as CORRIDORS_CACHE_DIR)."""
    return tmp_path / "cache"
