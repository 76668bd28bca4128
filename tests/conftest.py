"""Shared pytest fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # for the `browser` helper module

from browser import chromium_browser_fixture, offline_page_fixture  # noqa: E402

# Real-browser fixtures (headless /usr/bin/chromium, all network blocked): see tests/browser.py.
chromium_browser = chromium_browser_fixture()
offline_page = offline_page_fixture()
