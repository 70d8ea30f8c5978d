"""Cluster profiles, their files, and the pure helpers around them. No JVM is started here."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from jupyter_lakehouse.services.clusters import (
    ClusterManager,
    idle,
    launcher,
    logs,
    validate_profile,
)
from jupyter_lakehouse.services.clusters.profiles import ClusterProfile, validate_name
from jupyter_lakehouse.services.errors import BadRequest, Conflict, NotFound


def local(**fields) -> dict:
    return {"name": "c1", "kind": "local", **fields}


# -- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["local", "a", "A-1", "team.etl_2", "x" * 63, "9lives"])
def test_good_names(name):
    assert validate_name(name) == name


@pytest.mark.parametrize(
    "name", ["", "-x", ".hidden", "_x", "a b", "a/b", "../etc", "x" * 64, "é", None, 3, "a\nb"]
)
def test_bad_names(name):
    with pytest.raises(BadRequest) as err:
        validate_name(name)
    assert err.value.detail == {"field": "name"}


def test_local_defaults():
    profile = validate_profile({"name": "c1"})
    assert profile.kind == "local"
    assert profile.master == "local[*]"
    assert profile.driver_memory == "1g"
    assert profile.metastore == "workspace"
    assert profile.idle_timeout_minutes is None
    assert profile.port is None


@pytest.mark.parametrize("memory", ["512m", "2g", "2G", "1024", "4gb", "1t", "900k"])
def test_good_memory(memory):
    assert validate_profile(local(driver_memory=memory)).driver_memory == memory.lower()


@pytest.mark.parametrize("memory", ["banana", "0g", "-1g", "1.5g", "", "2 g", "2x", 2, None])
def test_bad_memory(memory):
    with pytest.raises(BadRequest) as err:
        validate_profile(local(driver_memory=memory))
    assert err.value.detail["field"] == "driver_memory"


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        ("spark.connect.grpc.binding.port", "'port'"),
        ("spark.master", "'master'"),
        ("spark.driver.memory", "'driver_memory'"),
        ("spark.ui.port", "proxy"),
        ("spark.ui.proxyBase", "proxies"),
        ("spark.connect.grpc.binding.address", "127.0.0.1"),
    ],
)
def test_reserved_conf_is_refused_with_the_way_out(key, hint):
    with pytest.raises(BadRequest) as err:
        validate_profile(local(spark_conf={key: "1"}))
    assert key in err.value.message and hint in err.value.message
    assert err.value.detail["field"] == "spark_conf"


def test_standalone_reserves_dynamic_allocation_bounds():
    spec = {"name": "s", "kind": "standalone"}
    with pytest.raises(BadRequest, match="max_executors"):
        validate_profile({**spec, "spark_conf": {"spark.dynamicAllocation.maxExecutors": "3"}})
    # Elsewhere the same key is the user's business (a k8s cluster, say).
    custom = {"name": "k", "kind": "custom", "master": "k8s://https://kube:6443"}
    conf = {"spark.dynamicAllocation.maxExecutors": "3"}
    assert validate_profile({**custom, "spark_conf": conf}).spark_conf == conf


def test_conf_values_become_strings_and_bad_ones_are_refused():
    conf = validate_profile(local(spark_conf={"a.b": 2, "c.d": True, "e": "x"})).spark_conf
    assert conf == {"a.b": "2", "c.d": "true", "e": "x"}
    for bad in ({"a": "x\ny"}, {"a b": "x"}, {"a": None}, {"a": ["x"]}, ["a"], "a=b"):
        with pytest.raises(BadRequest):
            validate_profile(local(spark_conf=bad))


def test_env_validation():
    assert validate_profile(local(env={"JAVA_HOME": "/opt/jdk"})).env == {"JAVA_HOME": "/opt/jdk"}
    for bad in ({"SPARK_HOME": "/x"}, {"LAKEHOUSE_CLUSTER": "x"}, {"1X": "y"}, {"A": 1}, []):
        with pytest.raises(BadRequest) as err:
            validate_profile(local(env=bad))
        assert err.value.detail["field"] == "env"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("idle_timeout_minutes", -1),
        ("idle_timeout_minutes", True),
        ("idle_timeout_minutes", "60"),
        ("port", 80),
        ("port", 70000),
        ("metastore", "derby"),
        ("master", "spark://host:7077"),
        ("master", "local[0]"),
        ("kind", "k8s"),
        ("description", 5),
    ],
)
def test_bad_fields(field, value):
    with pytest.raises(BadRequest) as err:
        validate_profile(local(**{field: value}))
    assert err.value.detail["field"] == field


def test_unknown_fields_are_refused_and_read_only_ones_ignored():
    with pytest.raises(BadRequest, match="colour"):
        validate_profile(local(colour="blue"))
    profile = validate_profile(local(spark_version="1.0", created_at=1, token_set=True))
    assert profile.name == "c1"


@pytest.mark.parametrize(
    "master", ["k8s://https://kube:6443", "yarn", "spark://h:7077", "mesos://x"]
)
def test_custom_master_is_passed_through(master):
    assert validate_profile({"name": "k", "kind": "custom", "master": master}).master == master


@pytest.mark.parametrize("master", ["", None, "yarn cluster", "a\nb", "x\t"])
def test_custom_master_needs_one_word(master):
    with pytest.raises(BadRequest) as err:
        validate_profile({"name": "k", "kind": "custom", "master": master})
    assert err.value.detail["field"] == "master"


@pytest.mark.parametrize(
    "url",
    [
        "sc://host:15002",
        "sc://host",
        "sc://10.0.0.5:443/",
        "sc://[::1]:15002",
        "sc://h.example.com:443/;use_ssl=true",
        "sc://h:1/;use_ssl=true;user_id=ann",
    ],
)
def test_good_remote_urls(url):
    profile = validate_profile({"name": "r", "kind": "remote", "url": url, "token": "t0k"})
    assert profile.url == url and profile.token == "t0k"
    shown = profile.to_dict()
    assert "token" not in shown and shown["token_set"] is True


@pytest.mark.parametrize(
    "url",
    [
        "http://host:15002",
        "sc://",
        "sc://h:abc",
        "sc://h:99999",
        "sc://h x",
        "host:15002",
        None,
        "sc://h:1/;token=secret",
        "sc://h:1/;session_id=abc",
        "sc://h:1/path",
    ],
)
def test_bad_remote_urls(url):
    with pytest.raises(BadRequest) as err:
        validate_profile({"name": "r", "kind": "remote", "url": url})
    assert err.value.detail["field"] == "url"


def test_patch_merges_and_refuses_rename_or_kind_change():
    existing = validate_profile(local(spark_conf={"a": "1"}, driver_memory="2g"))
    patched = validate_profile({"master": "local[3]"}, existing=existing)
    assert (patched.master, patched.driver_memory, patched.spark_conf) == (
        "local[3]",
        "2g",
        {"a": "1"},
    )
    assert patched.created_at == existing.created_at
    with pytest.raises(BadRequest, match="renamed"):
        validate_profile({"name": "other"}, existing=existing)
    with pytest.raises(BadRequest, match="kind"):
        validate_profile({"kind": "standalone"}, existing=existing)


def test_kind_specific_fields_only():
    shown = validate_profile({"name": "s", "kind": "standalone", "workers": 2}).to_dict()
    assert shown["workers"] == 2 and "url" not in shown and "master" not in shown
    shown = validate_profile({"name": "r", "kind": "remote", "url": "sc://h"}).to_dict()
    assert "spark_conf" not in shown and "driver_memory" not in shown
    with pytest.raises(BadRequest, match="min_executors"):
        validate_profile(
            {"name": "s", "kind": "standalone", "min_executors": 3, "max_executors": 2}
        )


# -- persistence ---------------------------------------------------------------------------


@pytest.fixture
def manager(tmp_path):
    m = ClusterManager(tmp_path / "home")
    yield m
    m.close()


def test_default_cluster_exists_on_first_list(manager):
    infos = manager.list()
    assert [i.name for i in infos] == ["local"]
    assert infos[0].state == "terminated"
    assert infos[0].profile["master"] == "local[*]"
    assert (manager.home / "clusters" / "local" / "profile.json").is_file()


def test_round_trip_across_managers(manager, tmp_path):
    created = manager.create(
        {
            "name": "etl",
            "master": "local[2]",
            "spark_conf": {"spark.sql.shuffle.partitions": "4"},
            "env": {"TZ": "UTC"},
            "idle_timeout_minutes": 15,
            "port": 15999,
        }
    )
    assert created.state == "terminated" and created.idle_timeout_minutes == 15
    manager.update("etl", {"driver_memory": "3g"})

    again = ClusterManager(tmp_path / "home")  # a kernel, a script, a restarted JupyterLab
    try:
        profile = again.profile("etl")
        assert profile.driver_memory == "3g"
        assert profile.spark_conf == {"spark.sql.shuffle.partitions": "4"}
        assert profile.env == {"TZ": "UTC"} and profile.port == 15999
        assert sorted(i.name for i in again.list()) == ["etl", "local"]
    finally:
        again.close()


def test_profile_file_is_private(manager):
    manager.create({"name": "r", "kind": "remote", "url": "sc://h:1", "token": "s3cret"})
    path = manager.home / "clusters" / "r" / "profile.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    info = manager.get("r")
    assert "s3cret" not in str(info.to_dict())
    assert info.token == "s3cret"  # in-process callers (kernels) get it
    assert manager.connect_url("r", "sid-1") == "sc://h:1/;token=s3cret;session_id=sid-1"
    assert manager.connect_url("r", with_token=False) == "sc://h:1"


def test_create_conflicts_and_not_found(manager):
    manager.create({"name": "a"})
    with pytest.raises(Conflict):
        manager.create({"name": "a"})
    with pytest.raises(Conflict):
        manager.create({"name": "local"})
    for call in (manager.get, manager.profile, manager.start, manager.stop, manager.delete):
        with pytest.raises(NotFound):
            call("nope")
    with pytest.raises(NotFound):
        manager.get("../local")


def test_delete(manager):
    manager.create({"name": "gone"})
    manager.delete("gone")
    assert not (manager.home / "clusters" / "gone").exists()
    with pytest.raises(NotFound):
        manager.get("gone")
    with pytest.raises(Conflict, match="cannot be deleted"):
        manager.delete("local")


def test_remote_is_never_started(manager):
    manager.create({"name": "r", "kind": "remote", "url": f"sc://127.0.0.1:{launcher.free_port()}"})
    for action in (manager.start, manager.stop, manager.restart):
        with pytest.raises(Conflict) as err:
            action("r")
        assert err.value.code == "cluster_remote" and "only attaches" in err.value.message
    info = manager.get("r")
    assert info.state == "error" and info.reachable is False
    assert "does not accept connections" in info.reason
    assert info.connect_url is None


def test_a_listening_remote_endpoint_is_running(manager):
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        url = f"sc://127.0.0.1:{port}"
        manager.create({"name": "r", "kind": "remote", "url": url, "token": "s3cret"})
        info = manager.get("r")
    assert info.state == "running" and info.reachable is True and info.reason is None
    assert info.connect_url == url and info.token == "s3cret"
    assert "s3cret" not in str(info.to_dict())


def test_attached_sessions_are_pruned_when_the_kernel_is_gone(manager):
    manager.attach("local", "s-alive", "a.ipynb")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    manager.attach("local", "s-gone", "b.ipynb", pid=gone.pid)
    gone.wait()
    assert [s["session_id"] for s in manager.attached("local")] == ["s-alive"]
    before = manager.attached("local")[0]["last_activity"]
    manager.touch("local", "s-alive")
    assert manager.attached("local")[0]["last_activity"] >= before
    manager.detach("local", "s-alive")
    assert manager.attached("local") == []
    with pytest.raises(BadRequest):
        manager.attach("local", "../../etc/passwd")


def test_logs_of_a_cluster_that_never_ran(manager):
    assert manager.logs("local", 10)["lines"] == []
    for tail in (0, -1, 10_001, "5", True):
        with pytest.raises(BadRequest):
            manager.logs("local", tail)
    with pytest.raises(BadRequest):
        manager.logs("local", 10, source="../profile")


# -- helpers -------------------------------------------------------------------------------


def test_tail_reads_the_end_of_a_big_file(tmp_path):
    path = tmp_path / "big.log"
    path.write_text("".join(f"line {i}\n" for i in range(50_000)))
    assert logs.tail(path, 3) == ["line 49997", "line 49998", "line 49999"]
    assert logs.tail(tmp_path / "missing.log", 3) == []


# The shapes of real failures, as Spark 4.2 printed them on this machine (long lines joined).
MAIN_EXCEPTION = "\n".join(
    [
        "[jupyter-lakehouse] 2026-11-20 22:40:00 UTC: starting the driver",
        "WARNING: Using incubator modules: jdk.incubator.vector",
        'Exception in thread "main" org.apache.spark.SparkException: Master must either be yarn'
        " or start with spark, k8s, or local",
        "\tat org.apache.spark.deploy.SparkSubmit.error(SparkSubmit.scala:1068)",
    ]
)
BIND_ERROR = "\n".join(
    [
        "26/11/20 22:40:22 INFO Utils: Successfully started service 'SparkUI' on port 14941.",
        "26/11/20 22:40:22 ERROR SparkConnectServer: Error starting Spark Connect server",
        "java.net.BindException: Failed to bind to address /127.0.0.1:15903: Service"
        " 'SparkConnectService' failed after 0 retries (starting from 15903)!",
        "\tat org.apache.spark.util.Utils$.startServiceOnPort(Utils.scala:2275)",
        "26/11/20 22:40:23 INFO SparkContext: Successfully stopped SparkContext",
    ]
)
JVM_ERROR = "\n".join(
    [
        "Invalid maximum heap size: -Xmxbanana",
        "Error: Could not create the Java Virtual Machine.",
        "Error: A fatal exception has occurred. Program will exit.",
    ]
)


def test_startup_error_finds_the_meaningful_line():
    assert logs.startup_error(MAIN_EXCEPTION.splitlines()) == (
        "SparkException: Master must either be yarn or start with spark, k8s, or local"
    )
    reason = logs.startup_error(BIND_ERROR.splitlines())
    assert reason.startswith("Error starting Spark Connect server: BindException: Failed to bind")
    assert logs.startup_error(JVM_ERROR.splitlines()) == (
        "The JVM could not start: Invalid maximum heap size: -Xmxbanana"
    )
    assert logs.startup_error(["all good", "\tat x"]) == "all good"
    assert logs.startup_error(["all good"], fallback=False) is None
    assert logs.ui_port_from_log(BIND_ERROR.splitlines()) == 14941


def test_previous_runs_do_not_explain_this_one():
    lines = MAIN_EXCEPTION + "\n[jupyter-lakehouse] later: starting the driver\nstill fine\n"
    assert logs.startup_error(lines.splitlines(), fallback=False) is None


def test_idle_countdown():
    quiet = idle.Activity(last=1000.0, busy=False)
    assert idle.countdown(10, quiet, now=1000.0 + 60) == 540
    assert idle.countdown(10, quiet, now=1000.0 + 3600) == 0
    assert idle.countdown(0, quiet, now=1e9) is None  # never
    assert idle.countdown(10, idle.Activity(last=0.0, busy=True), now=1e9) == 600
    sessions = [{"last_activity": 1500.0}, {"last_activity": "garbage"}]
    assert idle.measure(1000.0, sessions, None, None).last == 1500.0


def test_launch_plan_owns_the_plumbing(tmp_path):
    profile = validate_profile(local(master="local[2]", spark_conf={"spark.sql.x": "1"}))
    env = launcher.environment(profile, tmp_path, base={"PATH": os.environ["PATH"]})
    assert env["SPARK_LOCAL_IP"] == "127.0.0.1" and env[launcher.MARKER_ENV] == str(tmp_path)
    ports = launcher.Ports(connect=15002, ui=4040)
    plan = launcher.build_plan(profile, tmp_path, tmp_path / "c", ports, env)
    (driver,) = plan.processes
    argv = driver.argv
    assert argv[argv.index("--class") + 1] == launcher.CONNECT_SERVER_CLASS
    assert argv[argv.index("--master") + 1] == "local[2]"
    assert argv[-1] == "spark-internal"
    assert plan.conf["spark.connect.grpc.binding.port"] == "15002"
    assert plan.conf["spark.connect.grpc.binding.address"] == "127.0.0.1"
    assert plan.conf["spark.ui.port"] == "4040"
    assert plan.conf["spark.sql.x"] == "1"
    assert plan.conf["spark.sql.catalogImplementation"] == "hive"
    assert (
        str(tmp_path / "metastore_db") in plan.conf["spark.hadoop.javax.jdo.option.ConnectionURL"]
    )


def test_standalone_plan_has_master_workers_and_autoscaling(tmp_path):
    profile = validate_profile(
        {
            "name": "s",
            "kind": "standalone",
            "workers": 2,
            "min_executors": 1,
            "max_executors": 3,
            "metastore": "none",
        }
    )
    env = launcher.environment(profile, tmp_path, base={"SPARK_DAEMON_MEMORY": "256m"})
    ports = launcher.choose_ports(profile)
    plan = launcher.build_plan(profile, tmp_path, tmp_path / "s", ports, env)
    assert [p.role for p in plan.processes] == ["master", "worker-0", "worker-1", "driver"]
    # spark-submit would size the Connect server by it, over --driver-memory.
    assert plan.processes[0].env["SPARK_DAEMON_MEMORY"] == "256m"
    assert "SPARK_DAEMON_MEMORY" not in plan.processes[-1].env
    assert launcher.MASTER_CLASS in plan.processes[0].argv
    assert plan.processes[1].argv[-1] == plan.master_url == f"spark://127.0.0.1:{ports.master}"
    conf = plan.conf
    assert conf["spark.dynamicAllocation.enabled"] == "true"
    assert conf["spark.dynamicAllocation.shuffleTracking.enabled"] == "true"
    assert (
        conf["spark.dynamicAllocation.minExecutors"],
        conf["spark.dynamicAllocation.maxExecutors"],
    ) == ("1", "3")
    assert conf["spark.sql.catalogImplementation"] == "in-memory"
    assert len({ports.connect, ports.ui, ports.master, ports.master_ui, *ports.worker_ui}) == 6


def test_profile_cores():
    assert ClusterProfile(name="a", master="local[3]").local_cores() == 3
    assert ClusterProfile(name="a", master="local[*]").local_cores() == (os.cpu_count() or 1)
    assert ClusterProfile(name="a", kind="custom", master="yarn").local_cores() is None
