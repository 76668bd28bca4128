"""Shared pytest fixtures, and what makes the suite safe to run on several xdist workers."""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "alone: run while no other test runs; under xdist the other workers wait (for a test "
        "whose assertions count work done in a time, e.g. loads during concurrent edits)",
    )


@pytest.fixture(autouse=True)
def _one_alone_test_at_a_time(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Under xdist, a test marked ``alone`` has the machine to itself.

    Every test holds a shared ``flock`` on a file in the run's temp folder (shared by the
    workers); an ``alone`` test takes it exclusively, so it starts when the tests running on
    other workers end, and theirs wait until it ends. A second lock, taken by the ``alone``
    test first and briefly shared by every other test before it starts, keeps the workers
    from starving it by starting test after test. Without xdist it does nothing.
    """
    if not WORKER:
        yield
        return
    shared = tmp_path_factory.getbasetemp().parent  # .../pytest-N, above each popen-gwN
    alone = request.node.get_closest_marker("alone") is not None
    intent = os.open(shared / "alone-intent.lock", os.O_RDWR | os.O_CREAT, 0o644)
    running = os.open(shared / "alone-running.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if alone:
            fcntl.flock(intent, fcntl.LOCK_EX)
            fcntl.flock(running, fcntl.LOCK_EX)
        else:
            fcntl.flock(intent, fcntl.LOCK_SH)  # waits while an alone test waits or runs
            fcntl.flock(intent, fcntl.LOCK_UN)
            fcntl.flock(running, fcntl.LOCK_SH)
        yield
    finally:
        os.close(running)
        os.close(intent)
