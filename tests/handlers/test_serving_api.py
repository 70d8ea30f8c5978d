"""lakehouse/api/serving through a real Jupyter server, a real MLflow store and a real MLflow
model server: create, poll to ready, sample, invoke, logs, delete, and every error as JSON."""

from __future__ import annotations

import asyncio
import json
import time

import psutil
import pytest
from tornado.httpclient import HTTPClientError

from tests.fixtures.serving import IRIS, registry  # noqa: F401

pytestmark = pytest.mark.timeout(300)

READY_TIMEOUT = 150.0


@pytest.fixture(autouse=True)
def _tracking_uri(registry, monkeypatch):  # noqa: F811
    # The serving service falls back to $MLFLOW_TRACKING_URI (and so does the MLflow service).
    monkeypatch.setenv("MLFLOW_TRACKING_URI", registry.tracking_uri)


async def call(jp_fetch, *path, method="GET", body=None, **kwargs):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body))
    response = await jp_fetch(
        "lakehouse", "api", "serving", *path, method=method, body=data, **kwargs
    )
    return response.code, json.loads(response.body)


async def error_of(jp_fetch, *path, method="GET", body=None, **kwargs):
    with pytest.raises(HTTPClientError) as err:
        await call(jp_fetch, *path, method=method, body=body, **kwargs)
    text = err.value.response.body.decode()
    assert "Traceback" not in text
    return err.value.code, json.loads(text)["error"]


async def test_endpoint_lifecycle_through_the_api(jp_fetch, registry):  # noqa: F811
    code, listed = await call(jp_fetch, "endpoints")
    assert code == 200 and listed == {"endpoints": []}

    code, created = await call(
        jp_fetch,
        "endpoints",
        method="POST",
        body={"name": "api-iris", "model_name": IRIS, "version": "1"},
    )
    pid = created["pid"]
    try:
        assert code == 202 and created["state"] == "starting" and created["port"]

        status, error = await error_of(
            jp_fetch,
            "endpoints",
            method="POST",
            body={"name": "api-iris", "model_name": IRIS, "version": "2"},
        )
        assert status == 409 and error["code"] == "endpoint_exists"

        deadline = time.monotonic() + READY_TIMEOUT
        endpoint = created
        while endpoint["state"] == "starting" and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            _, endpoint = await call(jp_fetch, "endpoints", "api-iris")
        assert endpoint["state"] == "ready" and endpoint["health"] == "ok", endpoint

        _, listed = await call(jp_fetch, "endpoints")
        assert [e["name"] for e in listed["endpoints"]] == ["api-iris"]

        _, sample = await call(jp_fetch, "endpoints", "api-iris", "sample")
        assert sample["source"] == "input_example"
        assert sample["request"]["dataframe_split"]["columns"] == registry.feature_names

        code, answer = await call(
            jp_fetch, "endpoints", "api-iris", "invocations", method="POST", body=sample["request"]
        )
        assert code == 200
        assert answer["status"] == 200 and answer["response"] == {"predictions": [0, 0]}
        assert answer["elapsed_ms"] > 0

        # A virginica flower, sent as records: the real model says class 2.
        records = {
            "dataframe_records": [
                dict(zip(registry.feature_names, [7.7, 3.0, 6.1, 2.3], strict=True))
            ]
        }
        _, answer = await call(
            jp_fetch, "endpoints", "api-iris", "invocations", method="POST", body=records
        )
        assert answer["response"] == {"predictions": [2]}

        status, error = await error_of(
            jp_fetch, "endpoints", "api-iris", "invocations", method="POST", body=b"{nope"
        )
        assert status == 400 and error["code"] == "bad_json"

        _, logs = await call(jp_fetch, "endpoints", "api-iris", "logs")
        assert "/invocations" in logs["text"]
        status, error = await error_of(
            jp_fetch, "endpoints", "api-iris", "logs", params={"max_bytes": "0"}
        )
        assert status == 400
    finally:
        code, stopped = await call(jp_fetch, "endpoints", "api-iris", method="DELETE")
    assert code == 200 and stopped["state"] == "stopped"
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    status, error = await error_of(jp_fetch, "endpoints", "api-iris")
    assert status == 404 and error["code"] == "endpoint_not_found"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "bad name", "model_name": IRIS, "version": "1"}, 400, "bad_name"),
        ({"name": "x", "model_name": IRIS}, 400, "bad_model"),
        (
            {"name": "x", "model_name": IRIS, "version": "1", "host": "evil.example"},
            400,
            "bad_field",
        ),
        ({"name": "x", "model_name": "missing-model", "version": "1"}, 404, "model_not_found"),
        ({"name": "x", "model_name": IRIS, "alias": "nobody"}, 404, "model_not_found"),
    ],
)
async def test_bad_creates_are_json_errors_and_start_nothing(
    jp_fetch, lakehouse_home, body, status, code
):
    got, error = await error_of(jp_fetch, "endpoints", method="POST", body=body)
    assert (got, error["code"]) == (status, code)
    assert error["message"]
    assert not (lakehouse_home / "serving" / "x").exists()


async def test_body_that_is_not_an_object_is_400(jp_fetch):
    status, _ = await error_of(jp_fetch, "endpoints", method="POST", body=b"[1, 2]")
    assert status == 400


@pytest.mark.parametrize(
    ("path", "method", "body"),
    [
        (("endpoints", "ghost"), "GET", None),
        (("endpoints", "ghost"), "DELETE", None),
        (("endpoints", "ghost", "sample"), "GET", None),
        (("endpoints", "ghost", "logs"), "GET", None),
        (("endpoints", "ghost", "invocations"), "POST", b"{}"),
    ],
)
async def test_unknown_endpoint_is_404(jp_fetch, path, method, body):
    status, error = await error_of(jp_fetch, *path, method=method, body=body)
    assert status == 404 and error["code"] == "endpoint_not_found"


async def test_a_bad_endpoint_name_in_the_path_is_400(jp_fetch):
    status, error = await error_of(jp_fetch, "endpoints", "..%2Fclusters")
    assert status == 400 and error["code"] == "bad_name"
