from dataclasses import dataclass

from jupyter_lakehouse.kernel.progress import PROGRESS_MIME, CellProgress


@dataclass
class Stage:  # the shape pyspark's StageInfo has
    stage_id: int
    num_tasks: int
    num_completed_tasks: int
    num_bytes_read: int = 0
    done: bool = False


class Handle:
    def __init__(self, shown):
        self.shown = shown

    def update(self, bundle, raw):
        assert raw
        self.shown.append(bundle)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def make():
    shown, clock = [], Clock()

    def display(bundle):
        shown.append(bundle)
        return Handle(shown)

    return CellProgress(display, clock=clock, min_interval=0.25), shown, clock


def test_progress_folds_operations_and_throttles():
    progress, shown, clock = make()
    progress.begin("tag-1", "local", "sid")
    progress([Stage(0, 4, 1)], 3, "op1", False)
    clock.now = 0.1
    progress([Stage(0, 4, 2)], 2, "op1", False)  # within the interval: not shown
    clock.now = 0.5
    progress([Stage(0, 4, 4, done=True), Stage(1, 2, 0)], 2, "op1", False)
    progress([Stage(0, 6, 6, done=True)], 0, "op2", True)  # done always shows
    latest = shown[-1][PROGRESS_MIME]
    assert len(shown) == 3
    assert (latest["tasks_done"], latest["tasks_total"]) == (10, 12)
    assert (latest["stages_done"], latest["stages_total"]) == (2, 3)
    assert latest["operations"] == 2 and latest["tag"] == "tag-1"
    clock.now = 2.0
    progress.end("done")
    final = shown[-1]
    assert final[PROGRESS_MIME]["state"] == "done" and final[PROGRESS_MIME]["elapsed"] == 2.0
    # A finished cell has no work left, even if the last report predates the end.
    assert final["text/plain"].startswith("Spark finished: 12/12 tasks")


def test_cell_without_spark_tasks_shows_nothing():
    progress, shown, _ = make()
    progress.begin("t", "local", "sid")
    progress([], 0, "op", True)
    progress.end("done")
    assert shown == []


def test_reports_outside_a_cell_are_ignored():
    progress, shown, _ = make()
    progress([Stage(0, 1, 1)], 0, "op", True)
    assert shown == []


def test_cancelled_state_is_shown():
    progress, shown, _ = make()
    progress.begin("t", "local", "sid")
    progress([Stage(0, 8, 2)], 2, "op", False)
    progress.end("cancelled")
    assert shown[-1][PROGRESS_MIME]["state"] == "cancelled"
    assert "cancelled" in shown[-1]["text/plain"]
