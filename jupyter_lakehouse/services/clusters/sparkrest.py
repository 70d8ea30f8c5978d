"""Reads from a cluster's Spark UI REST API (/api/v1) and a standalone master's /json.

Only ever 127.0.0.1 and a port the service recorded itself; short timeouts, because a panel
polls these and a busy driver must not hang the Jupyter server. Proxies from the environment
are ignored: a loopback request must never leave the machine.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import UTC, datetime
from typing import Any

from ..errors import Unavailable

DEFAULT_TIMEOUT = 3.0
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
_SESSION_TAG = re.compile(r"_Session_([0-9a-fA-F-]{8,})_Operation_")


class SparkRestError(Unavailable):
    code = "spark_ui_unavailable"


def _get(port: int, path: str, timeout: float) -> Any:
    url = f"http://127.0.0.1:{int(port)}/{path.lstrip('/')}"
    try:
        with _NO_PROXY.open(url, timeout=timeout) as resp:
            return json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise SparkRestError(f"The cluster's Spark UI did not answer ({e}).") from None


class SparkRest:
    def __init__(self, port: int, timeout: float = DEFAULT_TIMEOUT):
        self.port = port
        self.timeout = timeout

    def get(self, path: str) -> Any:
        return _get(self.port, f"api/v1/{path.lstrip('/')}", self.timeout)

    def application(self) -> dict:
        apps = self.get("applications")
        if not apps:
            raise SparkRestError("The Spark UI lists no application yet.")
        return apps[0]

    def version(self) -> str | None:
        return self.get("version").get("spark")

    def jobs(self, app_id: str) -> list[dict]:
        return self.get(f"applications/{app_id}/jobs")

    def stages(self, app_id: str) -> list[dict]:
        return self.get(f"applications/{app_id}/stages?details=false")

    def executors(self, app_id: str) -> list[dict]:
        return self.get(f"applications/{app_id}/executors")

    def sql(self, app_id: str) -> list[dict]:
        # Without a length the API pages at 20, oldest first; the UI keeps at most 1000.
        return self.get(
            f"applications/{app_id}/sql?details=false&planDescription=false&offset=0&length=10000"
        )


def master_status(port: int, timeout: float = DEFAULT_TIMEOUT) -> dict:
    """A standalone master's /json: workers, cores, memory, applications."""
    return _get(port, "json/", timeout)


def parse_time(value: str | None) -> float | None:
    """Spark REST timestamps ("2026-11-20T22:40:09.246GMT") as epoch seconds."""
    if not value:
        return None
    try:
        stamp = datetime.strptime(
            value.replace("GMT", "").replace("UTC", ""), "%Y-%m-%dT%H:%M:%S.%f"
        )
    except ValueError:
        return None
    if stamp.year < 2000:  # Spark writes 1969-12-31T23:59:59.999GMT for "not yet"
        return None
    return stamp.replace(tzinfo=UTC).timestamp()


def session_of(job: dict) -> str | None:
    """The Spark Connect session a job ran for (from the tags Connect puts on every job)."""
    for tag in job.get("jobTags") or []:
        match = _SESSION_TAG.search(tag)
        if match:
            return match.group(1)
    return None


_STAGE_FIELDS = (
    "stageId",
    "attemptId",
    "name",
    "status",
    "numTasks",
    "numActiveTasks",
    "numFailedTasks",
    "submissionTime",
    "completionTime",
)


def summarize_stage(stage: dict) -> dict:
    out = {k: stage.get(k) for k in _STAGE_FIELDS}
    # The stages API says numCompleteTasks where the jobs API says numCompletedTasks.
    out["numCompletedTasks"] = stage.get("numCompleteTasks", stage.get("numCompletedTasks"))
    return out


_JOB_FIELDS = (
    "jobId",
    "status",
    "submissionTime",
    "completionTime",
    "stageIds",
    "numTasks",
    "numActiveTasks",
    "numCompletedTasks",
    "numSkippedTasks",
    "numFailedTasks",
    "numActiveStages",
    "numCompletedStages",
    "numFailedStages",
)


def summarize_job(job: dict, stages: dict[int, dict]) -> dict:
    out = {k: job.get(k) for k in _JOB_FIELDS}
    name = job.get("description") or job.get("name") or ""
    out["name"] = name if len(name) <= 300 else name[:299] + "…"
    out["session_id"] = session_of(job)
    out["stages"] = [stages[s] for s in job.get("stageIds") or [] if s in stages]
    return out


def latest_stage_attempts(stages: list[dict]) -> dict[int, dict]:
    out: dict[int, dict] = {}
    for stage in stages:
        sid = stage.get("stageId")
        if sid is None:
            continue
        if sid not in out or stage.get("attemptId", 0) >= out[sid].get("attemptId", 0):
            out[sid] = summarize_stage(stage)
    return out


_EXECUTOR_FIELDS = (
    "id",
    "hostPort",
    "isActive",
    "totalCores",
    "maxTasks",
    "activeTasks",
    "completedTasks",
    "failedTasks",
    "totalDuration",
    "memoryUsed",
    "maxMemory",
    "diskUsed",
    "totalShuffleRead",
    "totalShuffleWrite",
    "addTime",
    "removeTime",
    "removeReason",
)


def summarize_executor(executor: dict) -> dict:
    return {k: executor.get(k) for k in _EXECUTOR_FIELDS}
