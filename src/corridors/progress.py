"""Progress bars for steps a user waits on, silent where they would only be noise.

``with progress("building route graph", total=n) as bar: ... bar.advance()`` shows a rich
progress bar on stderr only when stderr is a terminal and the caller is not quiet, and only
once the step has run for ``delay`` seconds, so fast runs print nothing (``delay=0``: at
once). ``bar.describe(text)`` changes what it says (e.g. which map is being written). The one
progress helper of the package: the map build's steps use it too. Otherwise it is a
no-op that costs nothing and never imports rich (the route command must start fast).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DEFAULT_DELAY_S = 1.0


class _Silent:
    """The no-op bar."""

    def advance(self, amount: float = 1) -> None:
        """Record progress (ignored)."""

    def describe(self, description: str) -> None:
        """Change the description (ignored)."""


class _Bar:
    """A rich progress bar that appears after a delay (started by a timer thread)."""

    def __init__(self, description: str, total: float | None, delay: float) -> None:
        self.description = description
        self.total = total
        self.done = 0.0
        self._lock = threading.Lock()
        self._progress: Any = None
        self._task: Any = None
        self._timer = threading.Timer(delay, self._start)
        self._timer.daemon = True
        self._closed = False

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        with self._lock:
            if self._closed:
                return
            columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}", markup=False)]
            if self.total is not None:
                columns += [BarColumn(), TextColumn("{task.completed:.0f}/{task.total:.0f}")]
                columns += [TimeRemainingColumn()]
            else:
                columns.append(TimeElapsedColumn())
            self._progress = Progress(
                *columns, console=Console(stderr=True), transient=True, refresh_per_second=8
            )
            self._task = self._progress.add_task(
                self.description, total=self.total, completed=self.done
            )
            self._progress.start()

    def advance(self, amount: float = 1) -> None:
        """Record ``amount`` more units done."""
        with self._lock:
            self.done += amount
            if self._progress is not None:
                self._progress.update(self._task, completed=self.done)

    def describe(self, description: str) -> None:
        """Show ``description`` (plain text, never rich markup) from now on."""
        with self._lock:
            self.description = description
            if self._progress is not None:
                self._progress.update(self._task, description=description)

    def open(self) -> None:
        if self._timer.interval <= 0:
            self._start()  # no delay: shown at once, before the caller's first update
        else:
            self._timer.start()

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._progress is not None:
                self._progress.stop()


def progress_enabled(*, quiet: bool = False) -> bool:
    """Whether bars may be shown: not quiet, and stderr is an interactive terminal."""
    if quiet:
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress(
    description: str,
    *,
    total: float | None = None,
    quiet: bool = False,
    delay: float = DEFAULT_DELAY_S,
) -> Iterator[_Silent | _Bar]:
    """A progress bar for a step (``total`` units, or a spinner when unknown); see module doc."""
    if not progress_enabled(quiet=quiet):
        yield _Silent()
        return
    bar = _Bar(description, total, delay)
    bar.open()
    try:
        yield bar
    finally:
        bar.close()
