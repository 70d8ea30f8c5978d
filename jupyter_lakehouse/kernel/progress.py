"""Live Spark progress under the running cell.

pyspark's Spark Connect client reports progress per operation (stages with task counts) to
registered handlers while results stream in. This handler folds the reports of every operation
the cell runs (sparkprogress.SparkRun) into one display that is updated in place, at most a few
times a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..sparkprogress import SparkRun, as_text

PROGRESS_MIME = "application/vnd.jupyter-lakehouse.progress+json"
MIN_INTERVAL = 0.25  # seconds between two updates of the display


class CellProgress:
    """The progress handler for one kernel: call `begin` before a cell, `end` after it."""

    def __init__(
        self,
        display: Callable[[dict], Any],
        clock: Callable[[], float] = time.monotonic,
        min_interval: float = MIN_INTERVAL,
    ) -> None:
        # `display(bundle)` shows a new output and returns a handle with `update(bundle)`.
        self._display = display
        self._clock = clock
        self._min_interval = min_interval
        self.run: SparkRun | None = None
        self._handle: Any = None
        self._last_update = 0.0

    def begin(self, tag: str, cluster: str | None, session_id: str) -> None:
        self.run = SparkRun(tag, cluster, session_id, self._clock())
        self._handle = None

    def __call__(
        self, stages: Any, inflight_tasks: int, operation_id: str | None, done: bool
    ) -> None:
        run = self.run
        if run is None:
            return
        run.report(stages, inflight_tasks, operation_id)
        now = self._clock()
        if not run.has_stages:
            return  # nothing to show yet: metadata-only operations report no stages
        if self._handle is None or now - self._last_update >= self._min_interval or done:
            self._show(now)

    def end(self, state: str = "done") -> None:
        run = self.run
        if run is None:
            return
        run.finish(state)
        # Only cells that ran Spark tasks keep a progress line.
        if self._handle is not None:
            self._show(self._clock())
        self.run = None
        self._handle = None

    def _show(self, now: float) -> None:
        snapshot = self.run.snapshot(now)
        bundle = {PROGRESS_MIME: snapshot, "text/plain": as_text(snapshot)}
        if self._handle is None:
            self._handle = self._display(bundle)
        else:
            self._handle.update(bundle, raw=True)
        self._last_update = now
