"""The cluster service against a real Spark Connect server: the session's `local` cluster."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import psutil
import pytest

from jupyter_lakehouse.services.clusters import ClusterManager, process
from jupyter_lakehouse.services.errors import Conflict
from tests.fixtures.clusters import spark_session

pytestmark = pytest.mark.timeout(240)


def _gone(pid: int) -> bool:
    # A child of this process may linger a moment as a zombie until its reaper thread runs.
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_local_cluster_runs(cluster_manager, local_cluster):
    info = local_cluster
    # Until the fresh driver's UI first answers, resources come from the profile.
    deadline = time.monotonic() + 30
    while info.resources_source != "spark" and time.monotonic() < deadline:
        time.sleep(0.5)
        info = cluster_manager.get("local")
    assert info.state == "running" and info.reason is None
    assert info.connect_url == f"sc://127.0.0.1:{info.port}"
    assert process.probe_port(info.port) is True
    assert info.spark_version == "4.2.0"
    assert info.cores == 2 and info.resources_source == "spark"
    assert info.memory == "1g"
    assert info.spark_ui_path == "lakehouse/sparkui/local/"
    assert info.uptime_seconds >= 0
    assert 0 < info.idle_countdown_seconds <= 60 * 60
    assert info.app_id and info.generation
    state = json.loads((cluster_manager.home / "clusters/local/state.json").read_text())
    assert state["state"] == "running" and state["processes"][0]["pid"] == info.pid


def test_connect_and_query(local_cluster):
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.remote(local_cluster.connect_url).getOrCreate()
    try:
        assert spark.sql("select 1 as one").collect()[0].one == 1
    finally:
        spark.stop()


def test_jobs_and_executors_after_a_query(cluster_manager, local_cluster):
    session_id = str(uuid.uuid4())
    cluster_manager.attach("local", session_id, "work/etl.ipynb")
    try:
        with spark_session(cluster_manager.connect_url("local", session_id)) as spark:
            total = spark.range(0, 1000, 1, 2).selectExpr("sum(id) as s").collect()[0].s
        assert total == 499500
        jobs = cluster_manager.jobs("local")
    finally:
        cluster_manager.detach("local", session_id)
    assert jobs["app_id"] == local_cluster.app_id
    assert jobs["running"] == []
    mine = [j for j in jobs["recent"] if j["session_id"] == session_id]
    assert mine, jobs["recent"]
    job = mine[0]
    assert job["status"] == "SUCCEEDED" and job["notebook_path"] == "work/etl.ipynb"
    assert job["stages"], job
    for stage in job["stages"]:
        assert {"numTasks", "numCompletedTasks", "numActiveTasks", "status"} <= stage.keys()
    assert sum(s["numCompletedTasks"] for s in job["stages"]) >= 1

    executors = cluster_manager.executors("local")["executors"]
    driver = next(e for e in executors if e["id"] == "driver")
    assert driver["totalCores"] == 2 and driver["completedTasks"] >= 1


def test_activity_keeps_the_idle_countdown_full(cluster_manager, local_cluster):
    session_id = str(uuid.uuid4())
    cluster_manager.attach("local", session_id, "a.ipynb")
    try:
        info = cluster_manager.get("local")
        assert [n["session_id"] for n in info.attached_notebooks] == [session_id]
        later = time.time() + 59 * 60
        assert cluster_manager.get("local", now=later).idle_countdown_seconds < 2 * 60
        # A notebook that just ran a cell postpones auto-termination.
        cluster_manager.touch("local", session_id)
        info = cluster_manager.get("local", now=later)
        assert info.idle_countdown_seconds == pytest.approx(60 * 60 - (later - time.time()), abs=5)
        assert cluster_manager.check_idle(now=time.time()) == []
    finally:
        cluster_manager.detach("local", session_id)


def test_a_second_manager_finds_the_running_cluster(cluster_home, local_cluster):
    # What a restarted JupyterLab (or a kernel, or a script) sees: the same server.
    other = ClusterManager(cluster_home)
    try:
        info = other.get("local")
        assert (info.state, info.pid, info.generation) == (
            "running",
            local_cluster.pid,
            local_cluster.generation,
        )
        assert other.connect_url("local") == local_cluster.connect_url
        assert other.ensure_running("local").pid == local_cluster.pid
    finally:
        other.close()


def test_logs_tail(cluster_manager, local_cluster):
    out = cluster_manager.logs("local", tail=15)
    # derby.log joins the sources once something has used the Hive metastore.
    assert "driver" in out["sources"] and set(out["sources"]) <= {"driver", "derby"}
    assert 0 < len(out["lines"]) <= 15
    full = cluster_manager.logs("local", tail=10_000)["lines"]
    assert any("Spark Connect server started" in line for line in full)


def test_remote_profile_is_attached_never_started(cluster_manager, local_cluster):
    cluster_manager.create(
        {"name": "remote-local", "kind": "remote", "url": local_cluster.connect_url}
    )
    try:
        info = cluster_manager.get("remote-local")
        assert info.state == "running" and info.reachable is True
        with pytest.raises(Conflict, match="only attaches"):
            cluster_manager.start("remote-local")
        assert cluster_manager.ensure_running("remote-local").reachable
        url = cluster_manager.connect_url("remote-local", str(uuid.uuid4()))
        with spark_session(url) as spark:
            assert spark.sql("select 41 + 1 as x").collect()[0].x == 42
    finally:
        cluster_manager.delete("remote-local")


def test_delete_while_running_is_a_conflict(cluster_manager, local_cluster):
    with pytest.raises(Conflict, match="cannot be deleted"):
        cluster_manager.delete("local")
    cluster_manager.create({"name": "other"})
    try:
        # The workspace metastore (embedded Derby) admits one server: a second one is refused,
        # before any JVM starts.
        with pytest.raises(Conflict, match="metastore is in use by cluster 'local'"):
            cluster_manager.start("other")
        assert cluster_manager.get("other").state == "error"
    finally:
        cluster_manager.delete("other")


_ENSURE = """
import json, sys
from jupyter_lakehouse.services.clusters import ClusterManager
m = ClusterManager(sys.argv[1])
info = m.ensure_running("local", timeout=150)
print(json.dumps({"pid": info.pid, "generation": info.generation}))
"""


def test_concurrent_ensure_running_starts_one_server(cluster_manager, cluster_home, local_cluster):
    stopped = cluster_manager.stop("local")
    assert stopped.state == "terminated"
    marker = str(cluster_manager.store.dir("local"))
    assert process.find_cluster_processes(marker) == []
    assert _gone(local_cluster.pid)

    # Two kernels (processes) and one thread of this process ask at the same moment.
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _ENSURE, str(cluster_home)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results: list = []
    thread = threading.Thread(
        target=lambda: results.append(cluster_manager.ensure_running("local", timeout=150))
    )
    thread.start()
    outs = [json.loads(p.communicate(timeout=180)[0]) for p in procs]
    thread.join(180)
    info = results[0]
    assert {o["pid"] for o in outs} == {info.pid}
    assert {o["generation"] for o in outs} == {info.generation}
    jvms = [p for p in process.find_cluster_processes(marker) if "java" in p.name()]
    assert [p.pid for p in jvms] == [info.pid]


def test_kill_9_is_noticed_and_restart_works(cluster_manager, local_cluster):
    os.kill(local_cluster.pid, signal.SIGKILL)
    deadline = time.monotonic() + 20
    info = cluster_manager.get("local")
    while info.state == "running" and time.monotonic() < deadline:
        time.sleep(0.2)
        info = cluster_manager.get("local")
    assert info.state == "error"
    assert f"pid {local_cluster.pid}" in info.reason and "unexpectedly" in info.reason
    with pytest.raises(Conflict):
        cluster_manager.connect_url("local")

    restarted = cluster_manager.restart("local", wait=True, timeout=150)
    assert restarted.state == "running"
    assert restarted.pid != local_cluster.pid
    assert restarted.generation != local_cluster.generation
    with spark_session(restarted.connect_url) as spark:
        assert spark.sql("select 2 as two").collect()[0].two == 2


def test_restart_of_a_running_cluster(cluster_manager, local_cluster):
    info = cluster_manager.restart("local")
    assert info.state == "restarting"
    assert info.connect_url is None  # no URL to the old server, nor to the new one yet
    assert _gone(local_cluster.pid)
    running = cluster_manager.wait_until_running("local", 150)
    assert running.pid != local_cluster.pid and running.generation != local_cluster.generation
