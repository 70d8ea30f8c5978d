"""lakehouse/api/clusters and the Spark UI proxy, through a real Jupyter server (jp_fetch)."""

from __future__ import annotations

import json
import uuid

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_lakehouse.services.clusters import launcher
from tests.fixtures.clusters import spark_session

pytestmark = pytest.mark.timeout(180)

API = "lakehouse/api/clusters"


async def call(jp_fetch, *parts, method="GET", body=None, params=None, **kwargs):
    if method in ("POST", "PATCH", "PUT") and body is None:
        body = {}
    data = json.dumps(body) if isinstance(body, dict | list) else body
    return await jp_fetch(*parts, method=method, body=data, params=params, **kwargs)


async def error_of(jp_fetch, *parts, **kwargs) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as err:
        await call(jp_fetch, *parts, **kwargs)
    return err.value.code, json.loads(err.value.response.body)["error"]


async def test_list_has_the_default_cluster(jp_fetch):
    response = await call(jp_fetch, API)
    clusters = json.loads(response.body)["clusters"]
    assert [c["name"] for c in clusters] == ["local"]
    local = clusters[0]
    assert local["state"] == "terminated" and local["kind"] == "local"
    assert local["profile"]["master"] == "local[*]"
    assert local["spark_version"] == launcher.spark_version()
    assert local["connect_url"] is None and local["spark_ui_path"] is None


async def test_create_get_patch_delete(jp_fetch, jp_base_url):
    spec = {
        "name": "small",
        "master": "local[1]",
        "spark_conf": {"spark.sql.ansi.enabled": "true"},
        "idle_timeout_minutes": 10,
    }
    response = await call(jp_fetch, API, method="POST", body=spec)
    assert response.code == 201
    assert response.headers["Location"].endswith(f"{API}/small")
    created = json.loads(response.body)
    assert created["profile"]["master"] == "local[1]" and created["idle_timeout_minutes"] == 10
    assert created["cores"] == 1 and created["memory"] == "1g"

    got = json.loads((await call(jp_fetch, API, "small")).body)
    assert got["profile"]["spark_conf"] == {"spark.sql.ansi.enabled": "true"}

    patched = json.loads(
        (
            await call(
                jp_fetch,
                API,
                "small",
                method="PATCH",
                body={"driver_memory": "2g", "idle_timeout_minutes": 0},
            )
        ).body
    )
    assert patched["profile"]["driver_memory"] == "2g"
    assert patched["profile"]["master"] == "local[1]"
    assert patched["idle_timeout_minutes"] == 0 and patched["idle_countdown_seconds"] is None

    names = [c["name"] for c in json.loads((await call(jp_fetch, API)).body)["clusters"]]
    assert names == ["local", "small"]

    response = await call(jp_fetch, API, "small", method="DELETE")
    assert response.code == 204
    code, error = await error_of(jp_fetch, API, "small")
    assert code == 404 and error["code"] == "cluster_not_found"


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"name": "bad name"}, "name", "letters, digits"),
        ({"name": "-x"}, "name", "start with a letter"),
        ({"name": "m", "driver_memory": "banana"}, "driver_memory", "memory size"),
        (
            {"name": "c", "spark_conf": {"spark.connect.grpc.binding.port": "1"}},
            "spark_conf",
            "managed by the cluster service",
        ),
        ({"name": "u", "color": "red"}, "color", "Unknown profile field"),
        ({"name": "r", "kind": "remote", "url": "http://x"}, "url", "Spark Connect URL"),
        ({"name": "k", "kind": "custom", "master": "two words"}, "master", "without spaces"),
        ({"name": "t", "idle_timeout_minutes": -5}, "idle_timeout_minutes", "integer"),
        ({"kind": "local"}, "name", "needs a name"),
    ],
)
async def test_bad_input_is_a_400(jp_fetch, body, field, words):
    code, error = await error_of(jp_fetch, API, method="POST", body=body)
    assert code == 400
    assert error["detail"]["field"] == field
    assert words in error["message"]


async def test_bad_json_and_bad_patch(jp_fetch):
    code, error = await error_of(jp_fetch, API, method="POST", body="{not json")
    assert code == 400 and "not valid JSON" in error["message"]
    code, error = await error_of(jp_fetch, API, method="POST", body="[1]")
    assert code == 400
    code, error = await error_of(jp_fetch, API, "local", method="PATCH", body={"name": "x"})
    assert code == 400 and "renamed" in error["message"]
    code, error = await error_of(
        jp_fetch, API, "local", method="PATCH", body={"spark_conf": {"spark.master": "local[1]"}}
    )
    assert code == 400 and "'master'" in error["message"]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("PATCH", ""),
        ("DELETE", ""),
        ("POST", "start"),
        ("POST", "stop"),
        ("POST", "restart"),
        ("GET", "jobs"),
        ("GET", "executors"),
        ("GET", "logs"),
    ],
)
async def test_unknown_cluster_is_a_404(jp_fetch, method, suffix):
    parts = [API, "nope", suffix] if suffix else [API, "nope"]
    code, error = await error_of(jp_fetch, *parts, method=method)
    assert code == 404 and error["code"] == "cluster_not_found"


async def test_conflicts(jp_fetch):
    code, error = await error_of(jp_fetch, API, method="POST", body={"name": "local"})
    assert code == 409 and error["code"] == "cluster_exists"
    code, error = await error_of(jp_fetch, API, "local", method="DELETE")
    assert code == 409 and "cannot be deleted" in error["message"]
    code, error = await error_of(jp_fetch, API, "local", "jobs")
    assert code == 409 and error["code"] == "cluster_not_running"


async def test_remote_cluster_cannot_be_started(jp_fetch):
    url = f"sc://127.0.0.1:{launcher.free_port()}"
    body = {"name": "far", "kind": "remote", "url": url, "token": "s3cret"}
    created = json.loads((await call(jp_fetch, API, method="POST", body=body)).body)
    assert created["state"] == "error" and created["reachable"] is False
    assert created["profile"]["token_set"] is True
    assert "s3cret" not in json.dumps(created)
    for action in ("start", "stop", "restart"):
        code, error = await error_of(jp_fetch, API, "far", action, method="POST")
        assert code == 409 and error["code"] == "cluster_remote"
        assert "only attaches" in error["message"]
    response = await call(jp_fetch, API, "far", method="DELETE")
    assert response.code == 204


async def test_start_without_java_is_a_503(jp_fetch, tmp_path):
    nowhere = str(tmp_path / "nowhere")
    body = {"name": "nojava", "env": {"JAVA_HOME": nowhere, "PATH": nowhere}}
    await call(jp_fetch, API, method="POST", body=body)
    code, error = await error_of(jp_fetch, API, "nojava", "start", method="POST")
    assert code == 503 and error["code"] == "java_missing"
    got = json.loads((await call(jp_fetch, API, "nojava")).body)
    assert got["state"] == "error" and "Java was not found" in got["reason"]


async def test_logs(jp_fetch):
    out = json.loads((await call(jp_fetch, API, "local", "logs", params={"tail": "5"})).body)
    assert out["lines"] == [] and out["source"] == "driver"
    for tail in ("abc", "0", "100000"):
        code, _ = await error_of(jp_fetch, API, "local", "logs", params={"tail": tail})
        assert code == 400


async def test_spark_ui_of_a_stopped_cluster(jp_fetch):
    # The proxy answers errors as HTML pages (it is a page, not an API).
    response = await call(jp_fetch, "lakehouse/sparkui/local/jobs/", raise_error=False)
    assert response.code == 409 and b"not running" in response.body
    response = await call(jp_fetch, "lakehouse/sparkui/nope/jobs/", raise_error=False)
    assert response.code == 404


class TestRunningCluster:
    """Against the session's running cluster: the server's home is the cluster's home."""

    @pytest.fixture
    def lakehouse_home(self, cluster_home, local_cluster):
        return cluster_home

    async def test_get_running(self, jp_fetch, jp_base_url, local_cluster):
        info = json.loads((await call(jp_fetch, API, "local")).body)
        assert info["state"] == "running"
        assert info["connect_url"] == local_cluster.connect_url
        assert info["spark_ui_path"] == f"{jp_base_url}lakehouse/sparkui/local/"
        assert info["cores"] == 2 and info["memory"] == "1g"
        assert info["uptime_seconds"] >= 0 and info["idle_countdown_seconds"] > 0
        assert info["spark_version"] == "4.2.0"
        assert info["attached_notebooks"] == []

    async def test_jobs_executors_and_logs(self, jp_fetch, cluster_manager, local_cluster):
        session_id = str(uuid.uuid4())
        cluster_manager.attach("local", session_id, "nb/report.ipynb")
        try:
            with spark_session(cluster_manager.connect_url("local", session_id)) as spark:
                spark.range(0, 10, 1, 2).selectExpr("count(*)").collect()
            info = json.loads((await call(jp_fetch, API, "local")).body)
            assert [n["notebook_path"] for n in info["attached_notebooks"]] == ["nb/report.ipynb"]
            jobs = json.loads((await call(jp_fetch, API, "local", "jobs")).body)
        finally:
            cluster_manager.detach("local", session_id)
        mine = [j for j in jobs["recent"] if j["session_id"] == session_id]
        assert mine and mine[0]["notebook_path"] == "nb/report.ipynb"
        assert mine[0]["stages"][0]["numTasks"] >= 1

        executors = json.loads((await call(jp_fetch, API, "local", "executors")).body)
        assert executors["executors"][0]["id"] == "driver"

        logs = json.loads((await call(jp_fetch, API, "local", "logs", params={"tail": 7})).body)
        assert 0 < len(logs["lines"]) <= 7

    async def test_delete_while_running_is_a_409(self, jp_fetch, local_cluster):
        code, error = await error_of(jp_fetch, API, "local", method="DELETE")
        assert code == 409 and "cannot be deleted" in error["message"]

    async def test_start_of_a_running_cluster_is_harmless(self, jp_fetch, local_cluster):
        response = await call(jp_fetch, API, "local", "start", method="POST")
        assert response.code == 202
        assert json.loads(response.body)["pid"] == local_cluster.pid

    async def test_spark_ui_proxy(self, jp_fetch, jp_base_url, local_cluster):
        prefix = f"{jp_base_url}lakehouse/sparkui/local"
        page = await call(jp_fetch, "lakehouse/sparkui/local/jobs/")
        assert page.code == 200 and page.headers["Content-Type"].startswith("text/html")
        html = page.body.decode()
        # Every link Spark wrote points back through the proxy.
        assert f'href="{prefix}/static/webui.css"' in html
        assert f'href="{prefix}/stages/"' in html
        assert "X-Frame-Options" not in page.headers

        static = await call(jp_fetch, "lakehouse/sparkui/local/static/webui.js")
        assert static.code == 200 and len(static.body) > 100

        apps = json.loads(
            (await call(jp_fetch, "lakehouse/sparkui/local/api/v1/applications")).body
        )
        assert apps[0]["id"] == local_cluster.app_id

        # Spark redirects "/" to its own absolute address; the proxy keeps it under the prefix.
        root = await call(
            jp_fetch, "lakehouse/sparkui/local/", follow_redirects=False, raise_error=False
        )
        assert root.code == 302 and root.headers["Location"] == f"{prefix}/jobs/"
        bare = await call(
            jp_fetch, "lakehouse/sparkui/local", follow_redirects=False, raise_error=False
        )
        assert bare.code == 302 and bare.headers["Location"] == f"{prefix}/"

    async def test_spark_ui_proxy_never_leaves_loopback(self, jp_fetch, jp_base_url, local_cluster):
        # A host in the path is only a path on the cluster's own UI, which refuses it or sends
        # it home; nothing is fetched from elsewhere and no redirect leaves the proxy.
        prefix = f"{jp_base_url}lakehouse/sparkui/local/"
        for path in ("//example.com/x", "/@example.com/x", "/http://example.com/"):
            response = await call(
                jp_fetch,
                f"lakehouse/sparkui/local{path}",
                raise_error=False,
                follow_redirects=False,
            )
            assert response.code in (302, 400, 404), path
            if response.code == 302:
                assert response.headers["Location"].startswith(prefix), path
