"""Starts that go wrong end in a clear error state, quickly, and leave no process behind.

Each test has its own workspace home. The first two never reach a JVM; the others start one
that dies (or is killed) within seconds.
"""

from __future__ import annotations

import socket
import time

import pytest

from jupyter_lakehouse.services.clusters import process
from jupyter_lakehouse.services.errors import Unavailable
from tests.fixtures.clusters import managed_home

pytestmark = pytest.mark.timeout(120)

# Light clusters: no Hive metastore to initialise, one core.
LIGHT = {"master": "local[1]", "metastore": "none", "driver_memory": "512m"}


def _no_processes_left(manager, name):
    return process.find_cluster_processes(str(manager.store.dir(name))) == []


def test_port_in_use(tmp_path):
    with socket.socket() as taken, managed_home(tmp_path / "home") as manager:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        manager.create({"name": "busy", **LIGHT, "port": port})
        began = time.monotonic()
        info = manager.start("busy")
        assert info.state == "error"
        assert f"Port {port} is already in use" in info.reason
        with pytest.raises(Unavailable, match=f"Port {port} is already in use"):
            manager.ensure_running("busy", timeout=30)
        assert time.monotonic() - began < 5
        assert _no_processes_left(manager, "busy")


def test_missing_java(tmp_path):
    with managed_home(tmp_path / "home") as manager:
        manager.create(
            {
                "name": "nojava",
                **LIGHT,
                "env": {"JAVA_HOME": str(tmp_path / "nowhere"), "PATH": str(tmp_path / "nowhere")},
            }
        )
        with pytest.raises(Unavailable) as err:
            manager.start("nojava")
        assert err.value.code == "java_missing"
        assert "Java was not found" in err.value.message
        info = manager.get("nojava")
        assert info.state == "error" and "Java was not found" in info.reason
        assert _no_processes_left(manager, "nojava")


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        # spark-submit refuses the master before any SparkContext exists.
        (
            {"kind": "custom", "master": "banana"},
            "Master must either be yarn or start with spark, k8s, or local",
        ),
        # The SparkContext refuses the conf while starting.
        ({"spark_conf": {"spark.executor.memory": "banana"}}, "Executor memory"),
    ],
    ids=["bad-master", "bad-conf"],
)
def test_jvm_that_exits_at_startup_gives_the_log_reason(tmp_path, profile, expected):
    with managed_home(tmp_path / "home") as manager:
        manager.create({"name": "bad", **LIGHT, **profile})
        began = time.monotonic()
        assert manager.start("bad").state == "pending"
        with pytest.raises(Unavailable, match=expected) as err:
            manager.wait_until_running("bad", timeout=60)
        assert err.value.code == "cluster_failed"
        info = manager.get("bad")
        assert info.state == "error"
        assert "while starting" in info.reason and expected in info.reason
        assert "exited with code" in info.reason
        assert time.monotonic() - began < 30
        assert _no_processes_left(manager, "bad")
        assert any(expected in line for line in manager.logs("bad", 200)["lines"])


def test_start_timeout_kills_the_launch(tmp_path):
    # A start timeout far shorter than a JVM needs: the launch is killed and explained.
    with managed_home(tmp_path / "home", start_timeout=1.0) as manager:
        manager.create({"name": "slow", **LIGHT})
        manager.start("slow")
        with pytest.raises(Unavailable, match="did not become ready within 1 s"):
            manager.wait_until_running("slow", timeout=30)
        info = manager.get("slow")
        assert info.state == "error" and info.pid is None
        deadline = time.monotonic() + 10
        while not _no_processes_left(manager, "slow") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _no_processes_left(manager, "slow")
