"""A Spark standalone cluster from the pip package: master, one worker, the Connect server on
top with dynamic allocation; then auto-termination stops all of it."""

from __future__ import annotations

import time

import psutil
import pytest

from jupyter_lakehouse.services.clusters import process
from tests.fixtures.clusters import managed_home, spark_session

STANDALONE = {
    "name": "sa",
    "kind": "standalone",
    "workers": 1,
    "worker_cores": 1,
    "worker_memory": "1g",
    "min_executors": 0,
    "max_executors": 1,
    "driver_memory": "512m",
    "metastore": "none",
    "idle_timeout_minutes": 30,
    "spark_conf": {"spark.executor.memory": "512m", "spark.sql.shuffle.partitions": "1"},
    "env": {"SPARK_DAEMON_MEMORY": "256m"},
}


@pytest.mark.timeout(240)
def test_standalone_cluster_runs_autoscales_and_stops_clean(tmp_path):
    with managed_home(tmp_path / "home", start_timeout=180) as manager:
        manager.create(STANDALONE)
        info = manager.start("sa", wait=True, timeout=180)
        assert info.state == "running"
        assert info.master.startswith("spark://127.0.0.1:")
        st = manager.store.read_state("sa")
        assert [p.role for p in st.processes] == ["master", "worker-0", "driver"]
        assert all(process.is_alive(p) for p in st.processes)
        # The worker registers with the master a moment after the Connect server answers;
        # until then the master reports no cores.
        deadline = time.monotonic() + 60
        while info.cores != 1 and time.monotonic() < deadline:
            time.sleep(1)
            info = manager.get("sa")
        assert info.cores == 1 and info.memory == "1g" and info.resources_source == "spark"

        with spark_session(info.connect_url) as spark:
            assert spark.range(0, 100, 1, 2).selectExpr("sum(id) as s").collect()[0].s == 4950
            assert spark.conf.get("spark.master") == info.master
            assert spark.conf.get("spark.dynamicAllocation.enabled") == "true"
            assert spark.conf.get("spark.dynamicAllocation.shuffleTracking.enabled") == "true"
            assert spark.conf.get("spark.dynamicAllocation.maxExecutors") == "1"

        out = manager.executors("sa")
        assert [w["state"] for w in out["workers"]] == ["ALIVE"]
        assert any(e["id"] != "driver" for e in out["executors"])  # an executor was added

        marker = str(manager.store.dir("sa"))
        pids = {p.pid for p in process.find_cluster_processes(marker)}
        assert len(pids) >= 4  # master, worker, driver and the executor the worker forked
        assert sorted(manager.logs("sa", 5)["sources"]) == ["driver", "master", "worker-0"]

        # Two hours later with nothing done: the idle monitor's check stops everything.
        # (Once more if the driver was too loaded to answer its UI: that counts as busy.)
        stopped = manager.check_idle(now=time.time() + 2 * 3600)
        stopped = stopped or manager.check_idle(now=time.time() + 2 * 3600)
        assert stopped == ["sa"]
        info = manager.get("sa")
        assert info.state == "terminated"
        assert info.reason == "Auto-terminated after 30 minutes without activity."
        assert process.find_cluster_processes(marker) == []
        assert not any(_alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
