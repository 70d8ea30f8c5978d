"""lakehouse/api/mlflow and the MLflow UI proxy through a real Jupyter server, against the
session's real tracking server (the Jupyter server's home is the tracking server's home, so its
MLflow service finds the running server, as a restarted JupyterLab would)."""

from __future__ import annotations

import json
import os
import re
import socket
from urllib.parse import quote, urlencode

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_lakehouse.resulttable import decode_arrow

from ..fixtures.server_config import lakehouse_server_config

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def lakehouse_home(mlflow_home):
    return mlflow_home


@pytest.fixture
def jp_server_config(lakehouse_home):
    # The session's tracking server outlives each test's Jupyter server.
    return lakehouse_server_config(
        lakehouse_home, mlflow_autostart=False, mlflow_stop_on_shutdown=False
    )


@pytest.fixture
def fetch(mlflow_service, jp_serverapp, http_server_client, jp_auth_header, jp_base_url):
    """Calls with path segments already percent-encoded (a metric named train/loss)."""

    async def call(
        path, *, method="GET", params=None, body=None, headers=None, raw=False, raise_error=True
    ):
        url = jp_base_url.rstrip("/") + "/" + path
        if params:
            url += "?" + urlencode(params, doseq=True)
        data = json.dumps(body) if body is not None else None
        if data is None and method in ("POST", "PATCH", "PUT"):
            data = "{}"
        response = await http_server_client.fetch(
            url,
            method=method,
            body=data,
            headers={**jp_auth_header, **(headers or {})},
            request_timeout=120,
            follow_redirects=False,
            raise_error=raise_error,
        )
        return response if raw else json.loads(response.body)

    return call


@pytest.fixture
def api(mlflow_data, fetch):
    async def call(path, **kwargs):
        return await fetch("lakehouse/api/mlflow/" + path, **kwargs)

    return call


async def error_of(call, path, **kwargs) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as err:
        await call(path, **kwargs)
    body = err.value.response.body.decode()
    assert "Traceback" not in body
    return err.value.code, json.loads(body)["error"]


async def test_status(api, jp_base_url, mlflow_service):
    status = await api("status")
    assert status["embedded"] is True and status["state"] == "running"
    assert status["tracking_uri"] == mlflow_service.tracking_uri
    assert status["ui_path"] == jp_base_url.rstrip("/") + "/lakehouse/mlflow-ui/"
    assert status["version"]
    # Kernels the server starts inherit the URI.
    assert os.environ["MLFLOW_TRACKING_URI"] == mlflow_service.tracking_uri


async def test_experiments_and_runs(api, mlflow_data):
    found = await api("experiments", params={"q": "diabetes"})
    assert [e["name"] for e in found["experiments"]] == ["lh-tests-diabetes"]
    exp = mlflow_data.experiment_id
    one = await api(f"experiments/{exp}")
    assert one["id"] == exp
    page = await api(
        f"experiments/{exp}/runs",
        params={"filter": "params.kind = 'ridge'", "order_by": "params.alpha DESC"},
    )
    assert [r["run_name"] for r in page["runs"]] == ["ridge_b", "ridge_a"]
    assert page["metric_keys"] == ["rmse", "train/loss"] and "alpha" in page["param_keys"]
    first = await api(f"experiments/{exp}/runs", params={"max_results": 1})
    assert len(first["runs"]) == 1 and first["next_page_token"]
    token = first["next_page_token"]
    second = await api(f"experiments/{exp}/runs", params={"max_results": 1, "page_token": token})
    assert second["runs"][0]["run_id"] != first["runs"][0]["run_id"]


async def test_bad_input_is_400(api, mlflow_data):
    exp = mlflow_data.experiment_id
    code, error = await error_of(api, f"experiments/{exp}/runs", params={"filter": "alpha ==="})
    assert (code, error["code"]) == (400, "bad_filter")
    code, error = await error_of(api, f"experiments/{exp}/runs", params={"max_results": "lots"})
    assert code == 400
    code, error = await error_of(api, "experiments", params={"max_results": "0"})
    assert code == 400
    code, error = await error_of(api, f"experiments/{exp}/runs", params={"order_by": "nope x"})
    assert code == 400


async def test_unknown_things_are_404(api, mlflow_data):
    for path in ("experiments/424242", "runs/" + "a" * 32, "models/nope", "models/nope/aliases/x"):
        code, error = await error_of(api, path)
        assert code == 404, path
        assert error["message"]


async def test_run_metrics_and_artifacts(api, fetch, mlflow_data):
    run_id = mlflow_data.runs["ridge_a"]
    run = await api(f"runs/{run_id}")
    assert run["models"][0]["signature"]["inputs"] and run["source_notebook"]
    history = await api(f"runs/{run_id}/metrics/{quote('train/loss', safe='')}")
    assert history["key"] == "train/loss" and len(history["history"]) == 5
    files = await api(f"runs/{run_id}/artifacts")
    assert {"plot.png", "reports", "model"} - {f["path"] for f in files["files"]} == {"model"}
    nested = await api(f"runs/{run_id}/artifacts", params={"path": "reports"})
    assert [f["path"] for f in nested["files"]] == ["reports/summary.txt"]
    table = await api(f"runs/{run_id}/artifacts/preview", params={"path": "predictions.parquet"})
    assert table["kind"] == "table" and decode_arrow(table["table"]).num_rows == 3
    raw = await api(f"runs/{run_id}/artifacts/raw", params={"path": "plot.png"}, raw=True)
    assert raw.headers["Content-Type"] == "image/png" and raw.body.startswith(b"\x89PNG")
    assert "default-src 'none'" in raw.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../b", "..", "x\\..\\y"])
async def test_artifact_paths_cannot_escape(api, mlflow_data, path):
    run_id = mlflow_data.runs["ridge_a"]
    for route in ("artifacts", "artifacts/preview", "artifacts/raw"):
        code, error = await error_of(api, f"runs/{run_id}/{route}", params={"path": path})
        assert (code, error["code"]) == (400, "bad_artifact_path"), route


async def test_compare(api, mlflow_data):
    ids = [mlflow_data.runs["ridge_a"], mlflow_data.runs["ridge_b"]]
    result = await api("compare", params={"run_ids": ",".join(ids)})
    assert set(result["param_diff"]) == {"alpha"}
    code, _ = await error_of(api, "compare", params={"run_ids": ids[0]})
    assert code == 400


async def test_registry_routes(api, mlflow_data):
    name = quote(mlflow_data.model_name, safe="")
    models = await api("models", params={"q": "diabetes"})
    assert [m["name"] for m in models["models"]] == [mlflow_data.model_name]
    model = await api(f"models/{name}")
    assert [v["version"] for v in model["versions"]] == ["2", "1"]

    alias = await api(f"models/{name}/aliases/staging", method="PUT", body={"version": "2"})
    assert alias["version"] == "2" and "staging" in alias["aliases"]
    assert (await api(f"models/{name}/aliases/staging"))["version"] == "2"
    await api(f"models/{name}/aliases/staging", method="DELETE")
    code, _ = await error_of(api, f"models/{name}/aliases/staging")
    assert code == 404
    code, _ = await error_of(api, f"models/{name}/aliases/staging", method="PUT", body={})
    assert code == 400

    tagged = await api(f"models/{name}/tags/owner", method="PUT", body={"value": "ana"})
    assert tagged["tags"]["owner"] == "ana"
    untagged = await api(f"models/{name}/tags/owner", method="DELETE")
    assert "owner" not in untagged["tags"]
    version = await api(f"models/{name}/versions/1", method="PATCH", body={"description": "v1"})
    assert version["description"] == "v1"
    vtag = await api(f"models/{name}/versions/1/tags/ok", method="PUT", body={"value": "1"})
    assert vtag["tags"] == {"ok": "1"}
    assert (await api(f"models/{name}/versions/1/tags/ok", method="DELETE"))["tags"] == {}
    patched = await api(f"models/{name}", method="PATCH", body={"description": "Diabetes"})
    assert patched["description"] == "Diabetes"
    await api(f"models/{name}", method="PATCH", body={"description": "Diabetes regressors"})
    code, error = await error_of(api, f"models/{name}", method="PATCH", body=[1])
    assert (code, error["code"]) == (400, "bad_request")


async def test_register_route(api, fetch, mlflow_data):
    run_id = mlflow_data.runs["ridge_a"]
    made = await api(
        f"runs/{run_id}/register", method="POST", body={"artifact_path": "model", "name": "lh-api"}
    )
    assert made["name"] == "lh-api" and made["run_id"] == run_id
    code, _ = await error_of(api, f"runs/{run_id}/register", method="POST", body={"name": "lh-api"})
    assert code == 400


async def test_mlflow_ui_through_the_proxy(fetch, mlflow_data, jp_base_url):
    base = jp_base_url.rstrip("/")
    bare = await fetch("lakehouse/mlflow-ui", raw=True, raise_error=False)
    assert bare.code == 302 and bare.headers["Location"] == f"{base}/lakehouse/mlflow-ui/"
    page = await fetch("lakehouse/mlflow-ui/", raw=True)
    html = page.body.decode()
    assert page.headers["Content-Type"].startswith("text/html") and "<title>MLflow" in html
    (cookie,) = [
        c
        for c in page.headers.get_list("Set-Cookie")
        if c.startswith("mlflow-request-header-X-XSRFToken=")
    ]
    assert f"Path={base}/lakehouse/mlflow-ui/" in cookie
    script = re.search(r'src="(static-files/[^"]+\.js)"', html).group(1)
    js = await fetch("lakehouse/mlflow-ui/" + script, raw=True)
    assert "javascript" in js.headers["Content-Type"] and len(js.body) > 100_000
    # The UI's own ajax calls: a read and a write.
    search = await fetch(
        "lakehouse/mlflow-ui/ajax-api/2.0/mlflow/experiments/search",
        method="POST",
        body={"max_results": 50},
        headers={"Content-Type": "application/json"},
    )
    assert "lh-tests-diabetes" in {e["name"] for e in search["experiments"]}
    made = await fetch(
        "lakehouse/mlflow-ui/ajax-api/2.0/mlflow/experiments/create",
        method="POST",
        body={"name": "made-in-the-ui"},
        headers={"Content-Type": "application/json"},
    )
    got = await fetch(
        "lakehouse/mlflow-ui/ajax-api/2.0/mlflow/experiments/get",
        params={"experiment_id": made["experiment_id"]},
    )
    assert got["experiment"]["name"] == "made-in-the-ui"


async def test_proxy_needs_credentials(fetch):
    for method in ("GET", "POST"):
        with pytest.raises(HTTPClientError) as err:
            await fetch("lakehouse/mlflow-ui/", method=method, headers={"Authorization": ""})
        assert err.value.code in (401, 403)


class TestExternalServerAway:
    @pytest.fixture
    def jp_server_config(self, lakehouse_home):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        return lakehouse_server_config(
            lakehouse_home, mlflow_tracking_uri=f"http://127.0.0.1:{port}"
        )

    @pytest.fixture
    def lakehouse_home(self, tmp_path):
        return tmp_path / "home"

    async def test_503_mlflow_unavailable(self, fetch):
        status = await fetch("lakehouse/api/mlflow/status")
        assert status["embedded"] is False and status["state"] == "error"
        for path in ("lakehouse/api/mlflow/experiments", "lakehouse/api/mlflow/models"):
            code, error = await error_of(fetch, path)
            assert (code, error["code"]) == (503, "mlflow_unavailable"), path
        with pytest.raises(HTTPClientError) as err:
            await fetch("lakehouse/mlflow-ui/", raw=True)
        assert err.value.code == 503


class TestStoreURI:
    @pytest.fixture
    def lakehouse_home(self, tmp_path):
        return tmp_path / "home"

    @pytest.fixture
    def jp_server_config(self, lakehouse_home, tmp_path):
        return lakehouse_server_config(
            lakehouse_home, mlflow_tracking_uri=f"sqlite:///{tmp_path / 'store.db'}"
        )

    async def test_no_ui_for_a_store_uri(self, fetch):
        status = await fetch("lakehouse/api/mlflow/status")
        assert status["ui_path"] is None and status["state"] == "running"
        experiments = await fetch("lakehouse/api/mlflow/experiments")
        assert [e["name"] for e in experiments["experiments"]] == ["Default"]
        with pytest.raises(HTTPClientError) as err:
            await fetch("lakehouse/mlflow-ui/", raw=True)
        assert err.value.code == 404


class TestOwnHome:
    """A Jupyter server on a home of its own: MLflow starts on first need, and stops with the
    server (mlflow_stop_on_shutdown, the default)."""

    @pytest.fixture
    def lakehouse_home(self, tmp_path):
        return tmp_path / "home"

    @pytest.fixture
    def jp_server_config(self, lakehouse_home):
        return lakehouse_server_config(lakehouse_home, mlflow_autostart=False)

    async def test_started_on_first_need_and_stopped_with_the_server(
        self, jp_serverapp, fetch, lakehouse_home
    ):
        from jupyter_lakehouse.services.clusters import process
        from jupyter_lakehouse.services.mlflow import TrackingServer

        status = await fetch("lakehouse/api/mlflow/status")
        assert status["state"] == "stopped"  # autostart is off in the tests' config
        experiments = await fetch("lakehouse/api/mlflow/experiments")
        assert [e["name"] for e in experiments["experiments"]] == ["Default"]
        assert (await fetch("lakehouse/api/mlflow/status"))["state"] == "running"
        (app,) = jp_serverapp.extension_manager.extension_apps["jupyter_lakehouse"]
        await app.stop_extension()
        assert TrackingServer(lakehouse_home).read_state().state == "stopped"
        assert not process.find_cluster_processes(str(lakehouse_home / "mlflow"))
