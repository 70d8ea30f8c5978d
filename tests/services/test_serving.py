"""ServingService against a real MLflow store and real MLflow model servers.

One iris endpoint is started per module and shared; the tests that need a process of their own
(killed, deleted while starting, timed out, broken) start one each and stop it.
"""

from __future__ import annotations

import json
import os
import signal
import time

import psutil
import pytest

from jupyter_lakehouse.services.errors import BadRequest, Conflict, NotFound
from jupyter_lakehouse.services.serving import ServingService
from jupyter_lakehouse.services.serving.sample import build_sample, request_from_schema
from tests.fixtures.serving import BROKEN, BROKEN_MESSAGE, IRIS, registry  # noqa: F401

pytestmark = pytest.mark.timeout(300)

READY_TIMEOUT = 150.0


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("serving-home")


@pytest.fixture(scope="module")
def service(home, registry):  # noqa: F811
    svc = ServingService(home, registry.tracking_uri, stop_on_shutdown=True)
    yield svc
    svc.close()  # stops whatever a test left running
    assert not _marked_processes(home), "a model server outlived the tests"


@pytest.fixture(scope="module")
def iris(service):
    created = service.create({"name": "iris", "model_name": IRIS, "alias": "champion"})
    assert created["state"] == "starting" and created["pid"]
    endpoint = service.wait_ready("iris", READY_TIMEOUT)
    assert endpoint["state"] == "ready", endpoint
    return endpoint


def _marked_processes(home) -> list[psutil.Process]:
    from jupyter_lakehouse.services.clusters.launcher import MARKER_ENV

    prefix = f"serving:{home.resolve()}"
    found = []
    for proc in psutil.process_iter():
        try:
            if (proc.environ().get(MARKER_ENV) or "").startswith(prefix):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def _wait_gone(pid: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                time.sleep(0.1)
                continue
        except psutil.NoSuchProcess:
            return
        time.sleep(0.1)


def test_ready_endpoint_shows_model_port_and_health(iris):
    assert iris["model_name"] == IRIS
    assert iris["alias"] == "champion" and iris["version"] == "1"
    assert iris["model_uri"] == f"models:/{IRIS}/1"
    assert iris["health"] == "ok" and iris["reason"] is None
    assert iris["port"] and psutil.pid_exists(iris["pid"])
    assert iris["ready_at"] >= iris["started_at"]


def test_sample_prefers_the_logged_input_example(service, iris, registry):  # noqa: F811
    sample = service.sample("iris")
    assert sample["source"] == "input_example"
    split = sample["request"]["dataframe_split"]
    assert split["columns"] == registry.feature_names
    assert split["data"][0] == [5.1, 3.5, 1.4, 0.2]


def test_invocation_gives_real_predictions(service, iris):
    body = json.dumps(service.sample("iris")["request"]).encode()
    result = service.invoke("iris", body)
    assert result["status"] == 200
    # The first two iris flowers are setosa (class 0).
    assert result["response"] == {"predictions": [0, 0]}
    assert result["elapsed_ms"] > 0


def test_invocation_passes_the_model_servers_own_error_through(service, iris):
    body = json.dumps({"dataframe_split": {"columns": ["nope"], "data": [[1.0]]}}).encode()
    result = service.invoke("iris", body)
    assert result["status"] == 400
    assert "error_code" in result["response"] and "message" in result["response"]


def test_invocation_refuses_a_body_that_is_not_json(service, iris):
    with pytest.raises(BadRequest):
        service.invoke("iris", b"{not json")


def test_sample_from_signature_when_no_example_was_logged(registry):  # noqa: F811
    sample = build_sample(registry.tracking_uri, IRIS, "2")
    assert sample["source"] == "signature"
    assert sample["request"] == {
        "dataframe_split": {"columns": registry.feature_names, "data": [[1.0, 1.0, 1.0, 1.0]]}
    }


def test_sample_for_tensor_and_unnamed_schemas():
    import numpy as np
    from mlflow.types.schema import ColSpec, Schema, TensorSpec

    tensors = Schema([TensorSpec(np.dtype("float32"), (-1, 2), "x")])
    assert request_from_schema(tensors) == {"inputs": {"x": [[0.0, 0.0]]}}
    unnamed = Schema([ColSpec("long"), ColSpec("string")])
    assert request_from_schema(unnamed) == {"dataframe_split": {"data": [[1, "text"]]}}


@pytest.mark.parametrize(
    "body",
    [
        {"name": "-bad", "model_name": IRIS, "version": "1"},
        {"name": "a" * 64, "model_name": IRIS, "version": "1"},
        {"name": "ok", "model_name": IRIS},
        {"name": "ok", "model_name": IRIS, "version": "1", "alias": "champion"},
        {"name": "ok", "model_name": IRIS, "version": "x"},
        {"name": "ok", "model_name": "", "version": "1"},
        {"name": "ok", "model_name": IRIS, "version": "1", "url": "http://elsewhere/"},
    ],
)
def test_bad_requests_are_refused_before_anything_starts(service, home, body):
    with pytest.raises(BadRequest):
        service.create(body)
    assert not (home / "serving" / "ok").exists()


@pytest.mark.parametrize(
    ("model", "version", "alias", "words"),
    [
        ("no-such-model", "1", None, "no-such-model"),
        (IRIS, "99", None, "99"),
        (IRIS, None, "nobody", "nobody"),
    ],
)
def test_unknown_model_version_or_alias_is_404_with_mlflows_message(
    service, home, model, version, alias, words
):
    body = {"name": "ghost", "model_name": model, "version": version, "alias": alias}
    with pytest.raises(NotFound) as err:
        service.create(body)
    assert words in err.value.message
    assert not (home / "serving" / "ghost").exists()


def test_duplicate_name_is_a_conflict(service, iris):
    with pytest.raises(Conflict):
        service.create({"name": "iris", "model_name": IRIS, "version": "2"})


def test_a_new_service_over_the_same_home_finds_the_live_endpoint(home, registry, iris):  # noqa: F811
    again = ServingService(home, registry.tracking_uri)
    found = again.get("iris")
    assert found["state"] == "ready" and found["pid"] == iris["pid"]
    assert [e["name"] for e in again.list()] == ["iris"]


def test_a_killed_endpoint_is_reported_and_cleaned(service, home, registry):  # noqa: F811
    service.create({"name": "victim", "model_name": IRIS, "version": "2"})
    endpoint = service.wait_ready("victim", READY_TIMEOUT)
    assert endpoint["state"] == "ready", endpoint
    pid = endpoint["pid"]
    try:
        # What a crash (or the OOM killer) does to it while no Jupyter server is watching.
        os.killpg(pid, signal.SIGKILL)
        # Not reaped here: the service's own reaper records the exit status, as in production.
        _wait_gone(pid)
        again = ServingService(home, registry.tracking_uri)
        found = again.get("victim")
        assert found["state"] == "stopped"
        assert "killed by SIGKILL" in found["reason"]
        assert found["pid"] is None and found["health"] is None
        assert not [
            p for p in _marked_processes(home) if "victim" in p.environ().get("LAKEHOUSE_CLUSTER")
        ]
        with pytest.raises(Conflict):
            again.invoke("victim", b"{}")
    finally:
        service.delete("victim")
    with pytest.raises(NotFound):
        service.get("victim")
    assert not (home / "serving" / "victim").exists()


def test_delete_while_starting_stops_the_process_group(service, home):
    created = service.create({"name": "short", "model_name": IRIS, "version": "2"})
    proc = psutil.Process(created["pid"])
    stopped = service.delete("short")
    assert stopped["state"] == "stopped"
    assert not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    assert not [p for p in _marked_processes(home) if "short" in p.environ()["LAKEHOUSE_CLUSTER"]]
    assert "short" not in [e["name"] for e in service.list()]


def test_a_model_that_fails_to_load_ends_in_error_with_the_reason(service):
    service.create({"name": "broken", "model_name": BROKEN, "version": "1"})
    try:
        endpoint = service.wait_ready("broken", READY_TIMEOUT)
        assert endpoint["state"] == "error"
        assert BROKEN_MESSAGE in endpoint["reason"]
        assert "before it was ready" in endpoint["reason"]
        assert BROKEN_MESSAGE in service.logs("broken")["text"]
    finally:
        service.delete("broken")


def test_a_server_that_never_answers_times_out_into_error(home, registry):  # noqa: F811
    impatient = ServingService(home, registry.tracking_uri, start_timeout=0.0)
    created = impatient.create({"name": "slow", "model_name": IRIS, "version": "2"})
    try:
        endpoint = impatient.get("slow")
        assert endpoint["state"] == "error"
        assert "did not answer /ping within 0 s" in endpoint["reason"]
        assert not psutil.pid_exists(created["pid"]) or (
            psutil.Process(created["pid"]).status() == psutil.STATUS_ZOMBIE
        )
    finally:
        impatient.delete("slow")


def test_no_tracking_uri_is_unavailable(tmp_path, monkeypatch):
    from jupyter_lakehouse.services.errors import Unavailable

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    with pytest.raises(Unavailable):
        ServingService(tmp_path).create({"name": "x", "model_name": IRIS, "version": "1"})
