"""Live Spark progress under the running cell.

pyspark's Spark Connect client reports progress per operation (stages with task counts) to
registered handlers while results stream in. This handler folds the reports of every operation
the cell runs into one display that is updated in place, at most a few times a second.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

PROGRESS_MIME = "application/vnd.jupyter-lakehouse.progress+json"
MIN_INTERVAL = 0.25  # seconds between two updates of the display


@dataclass
class _Stage:
    tasks: int
    completed: int
    done: bool


@dataclass
class CellRun:
    tag: str
    cluster: str | None
    session_id: str
    started: float
    operations: dict[str, dict[int, _Stage]] = field(default_factory=dict)
    inflight: int = 0
    state: str = "running"

    def snapshot(self, now: float) -> dict:
        stages = [s for op in self.operations.values() for s in op.values()]
        return {
            "tag": self.tag,
            "cluster": self.cluster,
            "session_id": self.session_id,
            "state": self.state,
            "operations": len(self.operations),
            "stages_total": len(stages),
            "stages_done": sum(s.done for s in stages),
            "tasks_total": sum(s.tasks for s in stages),
            "tasks_done": sum(min(s.completed, s.tasks) for s in stages),
            "inflight": self.inflight,
            "elapsed": round(now - self.started, 2),
        }


def as_text(p: dict) -> str:
    verb = {"running": "running", "done": "finished", "cancelled": "cancelled", "error": "failed"}
    return (
        f"Spark {verb.get(p['state'], p['state'])}: {p['tasks_done']}/{p['tasks_total']} tasks, "
        f"{p['stages_done']}/{p['stages_total']} stages, {p['elapsed']:.1f} s"
    )


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
        self.run: CellRun | None = None
        self._handle: Any = None
        self._last_update = 0.0

    def begin(self, tag: str, cluster: str | None, session_id: str) -> None:
        self.run = CellRun(tag, cluster, session_id, self._clock())
        self._handle = None

    def __call__(
        self, stages: Any, inflight_tasks: int, operation_id: str | None, done: bool
    ) -> None:
        run = self.run
        if run is None:
            return
        op = run.operations.setdefault(operation_id or "?", {})
        for stage in stages or ():
            op[stage.stage_id] = _Stage(stage.num_tasks, stage.num_completed_tasks, stage.done)
        run.inflight = inflight_tasks
        now = self._clock()
        if run.operations and not any(op.values() for op in run.operations.values()):
            return  # nothing to show yet: metadata-only operations report no stages
        if self._handle is None or now - self._last_update >= self._min_interval or done:
            self._show(now)

    def end(self, state: str = "done") -> None:
        run = self.run
        if run is None:
            return
        run.state = state
        run.inflight = 0
        if state == "done":
            # The server reports progress at intervals, so the last report can predate the
            # end; a cell that finished has no work left (stages AQE skipped included).
            for op in run.operations.values():
                for stage in op.values():
                    stage.completed, stage.done = stage.tasks, True
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
