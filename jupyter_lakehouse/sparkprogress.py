"""The progress of Spark work as stages and tasks, folded from pyspark's progress reports.

pyspark's Spark Connect client reports progress per operation (stages with task counts) to
registered handlers while results stream in. A `SparkRun` folds the reports of every operation
of one unit of work (a notebook cell, an editor statement) into one snapshot. Shared by the
kernel (kernel/progress.py shows it under the cell) and the SQL editor's statement service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Stage:
    tasks: int
    completed: int
    done: bool


@dataclass
class SparkRun:
    tag: str
    cluster: str | None
    session_id: str
    started: float
    operations: dict[str, dict[int, _Stage]] = field(default_factory=dict)
    inflight: int = 0
    state: str = "running"

    def report(self, stages: Any, inflight_tasks: int, operation_id: str | None) -> None:
        """Fold one progress report (pyspark's handler arguments) into the run."""
        op = self.operations.setdefault(operation_id or "?", {})
        for stage in stages or ():
            op[stage.stage_id] = _Stage(stage.num_tasks, stage.num_completed_tasks, stage.done)
        self.inflight = inflight_tasks

    @property
    def has_stages(self) -> bool:
        # Metadata-only operations (schemas, commands) report no stages.
        return any(op for op in self.operations.values())

    def finish(self, state: str) -> None:
        self.state = state
        self.inflight = 0
        if state == "done":
            # The server reports progress at intervals, so the last report can predate the
            # end; finished work has none left (stages AQE skipped included).
            for op in self.operations.values():
                for stage in op.values():
                    stage.completed, stage.done = stage.tasks, True

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
