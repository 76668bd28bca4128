"""Shared pytest fixtures, and what makes the suite safe to run on several xdist workers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for the `browser` helper module

from browser import chromium_browser_fixture, offline_page_fixture  # noqa: E402

# Real-browser fixtures (headless /usr/bin/chromium, all network blocked): see tests/browser.py.
chromium_browser = chromium_browser_fixture()
offline_page = offline_page_fixture()

WORKER = os.environ.get("PYTEST_XDIST_WORKER")

if WORKER:
    # xdist workers start with COLUMNS=80 and LINES=24 in their environment, which a plain
    # pytest run does not have: every command a test runs would fold its tables to 80
    # columns. Tests that need a width set COLUMNS themselves.
    for _name in ("COLUMNS", "LINES"):
        os.environ.pop(_name, None)
