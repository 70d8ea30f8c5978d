"""LivyService without a Jupyter server, on the session's cluster: bounded statements, the
heartbeat and ended-session time limits, a kernel that dies, and every kernel stopped by close."""

from __future__ import annotations

import time

import psutil
import pytest

from jupyter_lakehouse.services.errors import BadRequest, NotFound
from jupyter_lakehouse.services.livy import LivyService
from jupyter_lakehouse.services.livy.service import RETAIN_ENDED_SECONDS

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def service(cluster_home, cluster_manager, local_cluster, monkeypatch):
    # What the server extension exports for its kernels: they find the same clusters.
    monkeypatch.setenv("LAKEHOUSE_HOME", str(cluster_home))
    livy = LivyService(cluster_home, cluster_manager, max_statements=2, reaper=False)
    yield livy
    livy.close()


def until(check, timeout: float = 300.0):
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < end, "gave up waiting"
        time.sleep(0.2)


def ready(service: LivyService, session_id: int) -> int:
    """Wait for idle; the kernel's pid."""

    def check():
        state = service.session_state(session_id)["state"]
        assert state in ("starting", "idle"), service.get_session(session_id)
        return state == "idle"

    until(check)
    return service._sessions[session_id].kernel.pid


def run(service: LivyService, session_id: int, code: str) -> dict:
    posted = service.submit_statement(session_id, {"code": code})
    return until(
        lambda: (
            (s := service.get_statement(session_id, posted["id"]))["state"]
            not in ("waiting", "running")
            and s
        )
    )


def stopped(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_limits_death_and_close(service):
    kept = service.create_session({"kind": "pyspark", "heartbeatTimeoutInSecond": 30}, "ann")
    doomed = service.create_session({"kind": "pyspark"}, "ann")
    closed = service.create_session({"kind": "sql"}, "ann")
    kept_pid = ready(service, kept["id"])

    # Statements kept per session are bounded; ids go on counting.
    assert [run(service, kept["id"], c)["output"]["data"] for c in ("1", "2", "3")] == [
        {"text/plain": t} for t in ("1", "2", "3")
    ]
    listed = service.list_statements(kept["id"])
    assert [s["id"] for s in listed["statements"]] == [1, 2] and listed["total_statements"] == 2
    with pytest.raises(NotFound):
        service.get_statement(kept["id"], 0)

    # A kernel that dies under a statement: the statement fails, the session is dead.
    doomed_pid = ready(service, doomed["id"])
    died = run(service, doomed["id"], "import os; os._exit(3)")
    assert died["state"] == "error" and died["output"]["ename"] == "SessionDied"
    assert service.session_state(doomed["id"])["state"] == "dead"
    with pytest.raises(BadRequest, match="dead"):
        service.submit_statement(doomed["id"], {"code": "1"})
    until(lambda: stopped(doomed_pid), 60)

    # Time limits: the heartbeat (no request named the session), then ended sessions go.
    now = time.monotonic()
    assert service.reap(now + 10) == []
    assert service.reap(now + 31) == [kept["id"]]
    with pytest.raises(NotFound):
        service.get_session(kept["id"])
    until(lambda: stopped(kept_pid), 60)
    assert service.reap(now + 31 + RETAIN_ENDED_SECONDS + 1) == [doomed["id"]]
    assert [s["id"] for s in service.list_sessions()["sessions"]] == [closed["id"]]

    # Server shutdown: close() returns once every kernel has stopped.
    closed_pid = ready(service, closed["id"])
    service.close()
    assert stopped(closed_pid)
    assert service.list_sessions()["total"] == 0


def test_a_cluster_that_cannot_be_reached_is_a_session_in_error(service, cluster_manager):
    # A real Spark Connect address where nothing listens (the fault), as a remote cluster.
    cluster_manager.create({"name": "unreachable", "kind": "remote", "url": "sc://127.0.0.1:9"})
    try:
        created = service.create_session({"kind": "pyspark", "cluster": "unreachable"}, None)

        def ended():
            state = service.session_state(created["id"])["state"]
            assert state in ("starting", "error"), state
            return state == "error"

        until(ended)
        log = "\n".join(service.session_log(created["id"])["log"])
        assert "could not open a Spark session" in log and "unreachable" in log
        with pytest.raises(BadRequest, match="error"):
            service.submit_statement(created["id"], {"code": "1"})
    finally:
        cluster_manager.delete("unreachable")
