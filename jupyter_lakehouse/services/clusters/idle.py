"""Auto-termination: what "idle" means, and the thread that stops idle clusters.

A cluster is idle when, for the whole timeout:
  - no Spark job and no SQL execution is running (Spark UI REST API: jobs/ and sql/), and
  - no job or SQL execution was submitted or finished (their timestamps, same API), and
  - no attached notebook reported activity (kernels touch their session file,
    <home>/clusters/<name>/sessions/<id>.json, each time they run a cell).
The clock starts when the cluster became ready, so a fresh cluster gets the full timeout.
An attached notebook that does nothing does not keep a cluster up (as on Databricks): what
counts is work, not an open tab. Queries that launch no job (e.g. `select 1`) still show up as
SQL executions, so a script without a kernel keeps its cluster alive too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .sparkrest import SparkRest, SparkRestError, parse_time

log = logging.getLogger(__name__)


@dataclass
class Activity:
    last: float  # epoch seconds of the latest activity
    busy: bool  # something is running right now


def measure(
    since: float, sessions: Iterable[dict], rest: SparkRest | None, app_id: str | None
) -> Activity:
    times = [since]
    busy = False
    for session in sessions:
        if isinstance(session.get("last_activity"), int | float):
            times.append(float(session["last_activity"]))
    if rest is not None and app_id:
        try:
            for job in rest.jobs(app_id):
                busy = busy or job.get("status") == "RUNNING"
                times += [
                    t
                    for t in (
                        parse_time(job.get("submissionTime")),
                        parse_time(job.get("completionTime")),
                    )
                    if t
                ]
            for execution in rest.sql(app_id):
                busy = busy or execution.get("status") == "RUNNING"
                start = parse_time(execution.get("submissionTime"))
                if start:
                    times.append(start + (execution.get("duration") or 0) / 1000.0)
        except SparkRestError:
            # A driver too busy to answer its UI is not idle.
            busy = True
    return Activity(last=max(times), busy=busy)


def countdown(timeout_minutes: int, activity: Activity, now: float) -> float | None:
    """Seconds until auto-termination; None when the cluster never auto-terminates."""
    if not timeout_minutes:
        return None
    limit = timeout_minutes * 60.0
    if activity.busy:
        return limit
    return max(0.0, limit - max(0.0, now - activity.last))


class IdleMonitor:
    """Runs `check` every `interval` seconds on a daemon thread until close()."""

    def __init__(self, check: Callable[[], object], interval: float = 30.0):
        self._check = check
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, name="lakehouse-idle-monitor", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._check()
            except Exception:  # the monitor must outlive any one bad cluster
                log.exception("The cluster idle monitor failed; it will try again.")

    def close(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
