"""Real-browser test harness: headless Debian Chromium via Playwright, with the network cut off.

Not a test file. conftest.py turns these factories into fixtures:
- `chromium_browser` (session): a headless Chromium at /usr/bin/chromium;
- `offline_page` (function): an `OfflinePage` whose every request that is not file:// or
  data: is aborted and recorded, and which collects console errors, page errors and dialogs.
Tests are skipped, not failed, where Chromium or Playwright is missing.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CORRIDORS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
_LOCAL = ("file:", "data:", "blob:", "about:")


@dataclass
class OfflinePage:
    """A Playwright page with all network blocked and everything suspicious recorded."""

    page: object
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    blocked_resource_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, path: Path, *, wait_until: str = "load", timeout_ms: int = 30_000):
        """Open a local HTML file; returns the Playwright page."""
        self.page.goto(Path(path).resolve().as_uri(), wait_until=wait_until, timeout=timeout_ms)
        return self.page

    def blocked_except(self, allowed: str | re.Pattern | None) -> list[str]:
        """Blocked request URLs that do not match `allowed` (e.g. optional tile servers)."""
        if allowed is None:
            return list(self.blocked)
        pattern = re.compile(allowed) if isinstance(allowed, str) else allowed
        return [u for u in self.blocked if not pattern.search(u)]

    def problems(self, *, allowed_blocked: str | re.Pattern | None = None) -> list[str]:
        """Everything that should fail an offline-map test, as readable lines."""
        return (
            [f"console error: {e}" for e in self.console_errors]
            + [f"page error: {e}" for e in self.page_errors]
            + [f"dialog: {d}" for d in self.dialogs]
            + [f"network request: {u}" for u in self.blocked_except(allowed_blocked)]
        )


def _sync_playwright():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the machine
        pytest.skip("playwright is not installed (pip install playwright; no browser download)")
    if not Path(CHROMIUM).exists():  # pragma: no cover
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return sync_playwright


def chromium_browser_fixture():
    """Factory for a session-scoped fixture yielding a headless Chromium Browser."""

    @pytest.fixture(scope="session")
    def chromium_browser():
        sync_playwright = _sync_playwright()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()

    return chromium_browser


def offline_page_fixture(
    browser_fixture_name: str = "chromium_browser", *, scope: str = "function"
):
    """Factory for a fixture (function-scoped unless `scope`) yielding an OfflinePage on a fresh
    context."""

    @pytest.fixture(scope=scope)
    def offline_page(request):
        browser = request.getfixturevalue(browser_fixture_name)
        context = browser.new_context(
            viewport={"width": 1100, "height": 800}, service_workers="block"
        )
        page = context.new_page()
        rec = OfflinePage(page=page)

        def route(r):
            url = r.request.url
            if url.startswith(_LOCAL):
                r.continue_()
            else:
                rec.blocked.append(url)
                r.abort("blockedbyclient")

        def console(msg):
            if msg.type != "error":
                return
            url = (msg.location or {}).get("url", "")
            if url in rec.blocked or "ERR_BLOCKED_BY_CLIENT" in msg.text:
                rec.blocked_resource_errors.append(f"{msg.text} ({url})")
            else:
                rec.console_errors.append(f"{msg.text} ({url})")

        def dialog(d):
            rec.dialogs.append(f"{d.type}: {d.message}")
            d.dismiss()

        context.route("**/*", route)
        page.on("console", console)
        page.on("pageerror", lambda exc: rec.page_errors.append(str(exc)))
        page.on("dialog", dialog)
        try:
            yield rec
        finally:
            context.close()

    return offline_page
