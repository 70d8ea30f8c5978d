"""Supervising the embedded tracking server: found again, restarted when dead, never doubled,
and an external tracking URI used as it is."""

from __future__ import annotations

import os
import signal
import socket

import psutil
import pytest

from jupyter_lakehouse.services.clusters import process
from jupyter_lakehouse.services.errors import Unavailable
from jupyter_lakehouse.services.mlflow import MLflowService, TrackingServer
from jupyter_lakehouse.services.mlflow.tracking import health

from ..fixtures.mlflow import stop_tracking_server

pytestmark = pytest.mark.timeout(400)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("tracking-home")
    try:
        yield home
    finally:
        stop_tracking_server(home)


def test_uri_is_known_before_the_server_answers(home):
    service = MLflowService(home)
    uri = service.tracking_uri
    state = TrackingServer(home).read_state()
    assert uri == f"http://127.0.0.1:{state.port}" and state.process is None
    assert service.status()["state"] == "stopped"
    service.ensure_ready()
    assert service.tracking_uri == uri, "starting changed the exported URI"
    assert health(state.port) and service.status()["state"] == "running"


def test_a_second_service_finds_the_running_server(home):
    before = TrackingServer(home).read_state().process
    again = MLflowService(home)  # as a restarted JupyterLab would
    again.ensure_ready()
    after = TrackingServer(home).read_state().process
    assert (after.pid, after.create_time) == (before.pid, before.create_time)
    # One server: the only process group leader carrying the home's marker is the first one.
    marked = process.find_cluster_processes(str(home / "mlflow"))
    leaders = [p.pid for p in marked if os.getpgid(p.pid) == p.pid]
    assert leaders == [before.pid]


def test_a_dead_server_is_reported_and_restarted_on_the_same_port(home):
    server = TrackingServer(home)
    old = server.read_state()
    os.killpg(old.process.pgid, signal.SIGKILL)
    psutil.wait_procs([psutil.Process(old.process.pid)], timeout=10)
    service = MLflowService(home)
    status = service.status()
    assert status["state"] == "error" and "server.log" in status["reason"]
    service.ensure_ready()
    new = server.read_state()
    assert new.process.pid != old.process.pid and new.port == old.port
    assert service.status()["state"] == "running"


def test_a_taken_port_gets_a_new_one(home):
    server = TrackingServer(home)
    server.stop()
    port = server.read_state().port
    with socket.socket() as squatter:
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        service = MLflowService(home)
        assert service.tracking_uri != f"http://127.0.0.1:{port}"
        service.ensure_ready()
    assert health(server.read_state().port)
    server.stop()
    assert server.read_state().state == "stopped"
    assert not process.find_cluster_processes(str(home / "mlflow"))


def test_an_external_server_that_is_away_is_503(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uri = f"http://127.0.0.1:{port}"
    service = MLflowService(tmp_path, tracking_uri=uri)
    assert service.tracking_uri == uri and not service.embedded
    status = service.status()
    assert status["state"] == "error" and str(port) in status["reason"]
    with pytest.raises(Unavailable) as err:
        service.experiments()
    assert err.value.code == "mlflow_unavailable"
    assert TrackingServer(tmp_path).read_state().process is None, "an embedded server started"


def test_a_store_uri_is_used_directly(tmp_path):
    uri = f"sqlite:///{tmp_path / 'own.db'}"
    service = MLflowService(tmp_path / "home", tracking_uri=uri)
    assert not service.embedded and not service.proxyable
    assert service.status()["state"] == "running"
    names = [e["name"] for e in service.experiments()["experiments"]]
    assert names == ["Default"]


def test_the_homes_own_uri_is_the_embedded_server(tmp_path):
    # A server restarted in a process that exported the embedded URI still owns the server.
    first = MLflowService(tmp_path)
    again = MLflowService(tmp_path, tracking_uri=first.tracking_uri)
    assert again.embedded


def test_background_start(tmp_path):
    # As the server extension starts it: at once, with the state saying so, then running.
    service = MLflowService(tmp_path)
    try:
        service.start_background()
        assert service.status()["state"] in ("starting", "running")
        service._starting.join(timeout=180)
        status = service.status()
        assert status["state"] == "running" and status["reason"] is None
    finally:
        service.stop()  # waits for a start in flight, so nothing is launched after it
    assert service.status()["state"] == "stopped"
    assert not process.find_cluster_processes(str(tmp_path / "mlflow"))
