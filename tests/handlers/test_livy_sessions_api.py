"""lakehouse/api/clusters/{name}/livy/sessions through a real Jupyter server.

End to end, the `livy` cluster points at this very server's Livy-compatible endpoint
({base_url}lakehouse/livy, sessions backed by headless kernels on the session's cluster), with
the Jupyter token as its auth: the sessions listed, created and deleted are real.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from jupyter_server.utils import url_path_join
from tornado.httpclient import HTTPClientError

from jupyter_lakehouse.services.clusters import launcher

pytestmark = pytest.mark.timeout(400)

API = "lakehouse/api/clusters"


async def call(jp_fetch, *parts, method="GET", body=None):
    if method in ("POST", "PATCH") and body is None:
        body = {}
    data = json.dumps(body) if body is not None else None
    response = await jp_fetch(*parts, method=method, body=data)
    return response.code, (json.loads(response.body) if response.body else None)


async def error_of(jp_fetch, *parts, **kwargs) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as err:
        await call(jp_fetch, *parts, **kwargs)
    body = err.value.response.body.decode()
    assert "Traceback" not in body
    return err.value.code, json.loads(body)["error"]


async def test_the_kind_through_the_clusters_routes(jp_fetch):
    port = launcher.free_port()
    spec = {
        "name": "emr",
        "kind": "livy",
        "url": f"http://127.0.0.1:{port}/livy",
        "auth": "basic",
        "username": "ann",
        "password": "s3cret",
    }
    code, created = await call(jp_fetch, API, method="POST", body=spec)
    assert code == 201 and created["kind"] == "livy" and created["state"] == "error"
    assert created["profile"]["password_set"] is True and "password" not in created["profile"]
    assert "s3cret" not in json.dumps(created)
    _, listed = await call(jp_fetch, API)
    assert "s3cret" not in json.dumps(listed)
    code, error = await error_of(jp_fetch, API, "emr", "start", method="POST")
    assert code == 409 and error["code"] == "cluster_remote"

    # The Livy routes: the endpoint is down, so 503 with the URL the profile names.
    code, error = await error_of(jp_fetch, API, "emr", "livy", "sessions")
    assert code == 503 and error["code"] == "livy_unreachable"
    assert f"127.0.0.1:{port}" in error["message"]
    code, error = await error_of(
        jp_fetch, API, "emr", "livy", "sessions", method="POST", body={"kind": "cobol"}
    )
    assert code == 400 and error["code"] == "invalid_session_kind"
    code, error = await error_of(
        jp_fetch, API, "emr", "livy", "sessions", method="POST", body={"url": "http://x"}
    )
    assert code == 400 and error["code"] == "invalid_session"
    code, error = await error_of(jp_fetch, API, "emr", "livy", "sessions", "x", method="DELETE")
    assert code == 400 and error["code"] == "invalid_session_id"

    # Not a Livy cluster, not a cluster.
    code, error = await error_of(jp_fetch, API, "local", "livy", "sessions")
    assert code == 409 and error["code"] == "cluster_not_livy"
    code, error = await error_of(jp_fetch, API, "nope", "livy", "sessions")
    assert code == 404

    # A bad profile is a 400 naming the field.
    code, error = await error_of(
        jp_fetch, API, method="POST", body={"name": "x", "kind": "livy", "url": "sc://h:1"}
    )
    assert code == 400 and error["detail"] == {"field": "url"}


class TestAgainstTheLakehouseLivyEndpoint:
    @pytest.fixture
    def lakehouse_home(self, cluster_home, local_cluster):
        return cluster_home

    @pytest.fixture
    def livy_cluster(self, cluster_manager, jp_serverapp, jp_base_url, jp_http_port, http_server):
        # http_server: the port really listens. The profile lives in the session cluster's home.
        url = f"http://127.0.0.1:{jp_http_port}{url_path_join(jp_base_url, 'lakehouse/livy')}"
        token = jp_serverapp.identity_provider.token
        spec = {"name": "self-livy", "kind": "livy", "url": url, "auth": "token", "token": token}
        cluster_manager.create(spec)
        yield "self-livy"
        cluster_manager.delete("self-livy")

    async def test_list_create_delete(self, jp_fetch, livy_cluster):
        _, info = await call(jp_fetch, API, livy_cluster)
        assert info["state"] == "running" and info["profile"]["token_set"] is True
        code, listed = await call(jp_fetch, API, livy_cluster, "livy", "sessions")
        assert code == 200 and listed["sessions"] == []

        code, created = await call(
            jp_fetch, API, livy_cluster, "livy", "sessions", method="POST", body={"kind": "sql"}
        )
        assert code == 201 and created["kind"] == "sql"
        assert created["state"] in ("starting", "idle")
        sid = created["id"]
        try:
            deadline = time.monotonic() + 240
            while True:
                _, listed = await call(jp_fetch, API, livy_cluster, "livy", "sessions")
                (mine,) = [s for s in listed["sessions"] if s["id"] == sid]
                assert mine["state"] in ("starting", "idle"), mine
                if mine["state"] == "idle":
                    break
                assert time.monotonic() < deadline, "the session never became idle"
                await asyncio.sleep(0.5)
            # What the Compute panel shows: kind, state, app id, owner.
            assert mine["kind"] == "sql" and mine["app_id"].startswith("local-")
            assert mine["owner"]
        finally:
            code, _ = await call(
                jp_fetch, API, livy_cluster, "livy", "sessions", str(sid), method="DELETE"
            )
        assert code == 204
        _, listed = await call(jp_fetch, API, livy_cluster, "livy", "sessions")
        assert all(s["id"] != sid or s["state"] == "shutting_down" for s in listed["sessions"])
        # Livy's 404 for a session it does not know comes back as a 404 with its message.
        code, error = await error_of(
            jp_fetch, API, livy_cluster, "livy", "sessions", "9999", method="DELETE"
        )
        assert code == 404 and error["code"] == "livy_not_found"
        assert "Session '9999' not found." in error["message"]

    async def test_a_wrong_token_is_refused(self, jp_fetch, livy_cluster):
        await call(jp_fetch, API, livy_cluster, method="PATCH", body={"token": "wrong"})
        code, error = await error_of(jp_fetch, API, livy_cluster, "livy", "sessions")
        assert code == 403 and error["code"] == "livy_unauthorized"
