"""Which Delta engine a cluster starts with (services/delta/engine.py). No JVM is started here,
except that the last test reads what the session's real `local` cluster recorded."""

from __future__ import annotations

import http.server
import os
import threading
from pathlib import Path

import pytest

from jupyter_lakehouse.services.clusters import ClusterManager, launcher, validate_profile
from jupyter_lakehouse.services.clusters.store import ClusterState
from jupyter_lakehouse.services.delta import engine
from jupyter_lakehouse.services.delta.engine import (
    CATALOG,
    EXTENSIONS,
    DeltaEngine,
    choose_engine,
    find_jars,
    merge_conf,
)
from jupyter_lakehouse.services.errors import BadRequest
from jupyter_lakehouse.services.version import version_info

WANT = engine.wanted_version()  # the delta-spark Python package's version (4.4.1)


def jar(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty zip: a jar by name and shape
    return path


def delta_jars(folder: Path, version: str = WANT) -> Path:
    jar(folder, f"delta-spark_2.13-{version}.jar")
    jar(folder, f"delta-storage-{version}.jar")
    return folder


def test_a_configured_jar_folder_selects_delta_spark(tmp_path):
    folder = delta_jars(tmp_path / "jars")
    chosen = choose_engine(folder, caches=[], maven=False)
    assert chosen.name == "delta-spark" and not chosen.offline
    assert chosen.version == WANT
    assert chosen.jars == (
        str(folder / f"delta-spark_2.13-{WANT}.jar"),
        str(folder / f"delta-storage-{WANT}.jar"),
    )
    assert str(folder) in chosen.reason
    conf = chosen.spark_conf()
    assert conf["spark.sql.extensions"] == EXTENSIONS
    assert conf["spark.sql.catalog.spark_catalog"] == CATALOG
    assert conf["spark.jars"] == ",".join(chosen.jars)
    assert "spark.connect.extensions.relation.classes" not in conf


def test_delta_connect_server_jars_bring_the_connect_plugins(tmp_path):
    folder = delta_jars(tmp_path / "jars")
    server = jar(folder, f"delta-connect-server_2.13-{WANT}.jar")
    protobuf = jar(folder, "protobuf-java-3.25.1.jar")
    chosen = choose_engine(folder, caches=[], maven=False)
    assert str(server) in chosen.jars and str(protobuf) in chosen.jars
    conf = chosen.spark_conf()
    assert conf["spark.connect.extensions.command.classes"].endswith("DeltaCommandPlugin")
    assert conf["spark.connect.extensions.relation.classes"].endswith("DeltaRelationPlugin")


def test_a_half_release_or_another_major_is_not_enough(tmp_path):
    only_spark = tmp_path / "a"
    jar(only_spark, f"delta-spark_2.13-{WANT}.jar")
    assert find_jars(only_spark) is None
    old = delta_jars(tmp_path / "b", "3.2.0")  # Delta 3 is built for Spark 3.5
    assert find_jars(old) is None
    scala212 = tmp_path / "c"
    jar(scala212, f"delta-spark_2.12-{WANT}.jar")
    jar(scala212, f"delta-storage-{WANT}.jar")
    assert find_jars(scala212) is None


def test_the_matching_release_is_preferred_else_the_newest(tmp_path):
    folder = delta_jars(delta_jars(tmp_path / "j", "4.0.0"), "4.9.0")
    assert find_jars(folder, "4.0.0")[1] == "4.0.0"
    assert find_jars(folder, "4.5.5")[1] == "4.9.0"
    delta_jars(folder, WANT)
    chosen = choose_engine(folder, caches=[], maven=False)
    assert chosen.version == WANT and "Python package" not in chosen.reason


def test_ivy_and_maven_caches_are_searched(tmp_path):
    ivy = tmp_path / ".ivy2.5.2"
    jar(ivy / "jars", f"io.delta_delta-spark_2.13-{WANT}.jar")
    jar(ivy / "jars", f"io.delta_delta-storage-{WANT}.jar")
    chosen = choose_engine(None, caches=[ivy], maven=False)
    assert chosen.name == "delta-spark" and chosen.jars[0].endswith(f"delta-spark_2.13-{WANT}.jar")

    m2 = tmp_path / "m2"
    jar(m2 / f"io/delta/delta-spark_2.13/{WANT}", f"delta-spark_2.13-{WANT}.jar")
    jar(m2 / f"io/delta/delta-storage/{WANT}", f"delta-storage-{WANT}.jar")
    assert choose_engine(None, caches=[tmp_path / "empty", m2], maven=False).name == "delta-spark"

    ivy_cache = tmp_path / "ivycache"
    jar(ivy_cache / "cache/io.delta/delta-spark_2.13/jars", f"delta-spark_2.13-{WANT}.jar")
    jar(ivy_cache / "cache/io.delta/delta-storage/jars", f"delta-storage-{WANT}.jar")
    assert choose_engine(None, caches=[ivy_cache], maven=False).name == "delta-spark"


def test_no_jars_and_no_maven_is_the_offline_engine_with_the_reason(tmp_path):
    missing = tmp_path / "nowhere"
    chosen = choose_engine(missing, caches=[tmp_path / "empty"], maven=False)
    assert chosen.offline
    assert f"delta-spark jars not found in {missing}, {tmp_path / 'empty'}" in chosen.reason
    assert "does not exist" in chosen.reason
    assert chosen.spark_conf() == {"spark.sql.python.filterPushdown.enabled": "true"}


class _Maven(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path.endswith(".pom") else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_maven():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Maven)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/maven2"
    server.shutdown()
    server.server_close()


def test_a_reachable_maven_selects_packages(tmp_path, fake_maven):
    chosen = choose_engine(None, caches=[tmp_path], maven_repo=fake_maven)
    assert chosen.name == "delta-spark"
    assert chosen.packages == f"io.delta:delta-spark_2.13:{WANT}"
    assert chosen.spark_conf()["spark.jars.packages"] == chosen.packages
    assert "Maven Central is reachable" in chosen.reason


def test_an_unreachable_maven_is_probed_briefly(tmp_path):
    port = launcher.free_port()  # nobody listens there: connection refused at once
    chosen = choose_engine(
        None, caches=[tmp_path], maven_repo=f"http://127.0.0.1:{port}/m2", probe_timeout=1.0
    )
    assert chosen.offline and "Maven Central not reachable" in chosen.reason


def test_the_engine_conf_joins_the_profile_conf(tmp_path):
    chosen = choose_engine(delta_jars(tmp_path / "j"), caches=[], maven=False)
    merged = merge_conf(
        {"spark.jars": "/opt/other.jar", "spark.sql.shuffle.partitions": "4"}, chosen
    )
    assert merged["spark.jars"] == "/opt/other.jar," + ",".join(chosen.jars)
    assert merged["spark.sql.shuffle.partitions"] == "4"
    profile = validate_profile({"name": "c", "spark_conf": {"spark.jars": "/opt/other.jar"}})
    plan = launcher.build_plan(
        profile,
        tmp_path,
        tmp_path / "c",
        launcher.Ports(connect=15002, ui=4040),
        launcher.environment(profile, tmp_path, base={"PATH": os.environ["PATH"]}),
        delta_engine=chosen,
    )
    argv = plan.processes[-1].argv
    assert f"spark.sql.extensions={EXTENSIONS}" in argv
    assert f"spark.sql.catalog.spark_catalog={CATALOG}" in argv
    assert plan.conf["spark.jars"].startswith("/opt/other.jar,")


def test_profile_field_and_manager_setting(tmp_path):
    folder = delta_jars(tmp_path / "j")
    profile = validate_profile({"name": "c", "delta_jars": str(folder)})
    assert profile.to_dict()["delta_jars"] == str(folder)
    assert validate_profile({"name": "c", "delta_jars": ""}).delta_jars is None
    with pytest.raises(BadRequest, match="delta_jars"):
        validate_profile({"name": "c", "delta_jars": 3})
    assert (
        "delta_jars"
        not in validate_profile({"name": "r", "kind": "remote", "url": "sc://h"}).to_dict()
    )
    manager = ClusterManager(tmp_path / "home", delta_maven=False)
    try:
        assert manager.choose_delta_engine(profile).name == "delta-spark"
        plain = validate_profile({"name": "p"})
        manager.delta_jars = str(folder)  # the workspace default (LakehouseApp.delta_jars)
        assert manager.choose_delta_engine(plain).name == "delta-spark"
    finally:
        manager.close()


def test_recorded_engine_is_reported_by_get_and_version(tmp_path):
    manager = ClusterManager(tmp_path / "home", delta_maven=False)
    try:
        manager.list()
        recorded = DeltaEngine(
            "offline", "delta-spark jars not found in x; Maven Central not consulted"
        ).to_dict()
        manager.store.write_state("local", ClusterState(delta_engine=recorded))
        assert manager.get("local").delta_engine == recorded
        assert manager.get("local").to_dict()["delta_engine"]["name"] == "offline"
        assert manager.delta_engine() == recorded
        info = version_info(None, manager.delta_engine())
        assert info["delta"]["engine"] == {"name": "offline", "reason": recorded["reason"]}
    finally:
        manager.close()
    assert version_info(None, None)["delta"]["engine"]["name"] is None


def test_the_session_cluster_runs_the_offline_engine_here(cluster_manager, local_cluster):
    """This machine has no delta-spark jars and no Maven Central: the real offline path."""
    recorded = cluster_manager.get("local").delta_engine
    assert recorded["name"] == "offline"
    assert "delta-spark jars not found in" in recorded["reason"]
    assert "Maven Central not" in recorded["reason"]
    state = cluster_manager.store.read_state("local")
    assert state.delta_engine == recorded
