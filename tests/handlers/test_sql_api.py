"""lakehouse/api/sql through a real Jupyter server, against the session's real cluster."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_lakehouse.resulttable import TABLE_MIME, decode_arrow

pytestmark = pytest.mark.timeout(300)


async def call(jp_fetch, *path, method="GET", body=None, params=None):
    data = json.dumps(body) if body is not None else ("{}" if method == "POST" else None)
    response = await jp_fetch(
        "lakehouse", "api", "sql", *path, method=method, body=data, params=params or {}
    )
    return json.loads(response.body)


async def error_of(jp_fetch, *path, **kwargs) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as err:
        await call(jp_fetch, *path, **kwargs)
    body = err.value.response.body.decode()
    assert "Traceback" not in body
    return err.value.code, json.loads(body)["error"]


async def test_a_stopped_cluster_is_a_409_and_completion_still_answers(jp_fetch):
    # This server's home is fresh: its `local` cluster exists and is not running.
    code, error = await error_of(
        jp_fetch, "statements", method="POST", body={"cluster": "local", "text": "SELECT 1"}
    )
    assert (code, error["code"]) == (409, "cluster_not_running")
    assert error["detail"]["state"] == "terminated"
    done = await call(
        jp_fetch, "complete", method="POST", body={"cluster": "local", "text": "SEL", "cursor": 3}
    )
    assert done["matches"][0] == {"label": "SELECT", "kind": "keyword"}
    assert (done["from"], done["to"]) == (0, 3)
    code, error = await error_of(
        jp_fetch, "complete", method="POST", body={"cluster": "nope", "text": "", "cursor": 0}
    )
    assert (code, error["code"]) == (404, "cluster_not_found")


async def test_bad_requests_are_400s(jp_fetch):
    cases = [
        ("statements", {"cluster": "local"}),
        ("statements", {"cluster": "local", "text": "SELECT :x"}),
        ("statements", {"cluster": "local", "text": "SELECT 1", "row_limit": -1}),
        ("complete", {"cluster": "local", "text": "abc", "cursor": 9}),
        ("parameters", {"text": 3}),
    ]
    for route, body in cases:
        code, error = await error_of(jp_fetch, route, method="POST", body=body)
        assert code == 400, (route, body, error)
    code, error = await error_of(jp_fetch, "history", params={"status": "bogus"})
    assert code == 400
    code, error = await error_of(jp_fetch, "statements", "nope")
    assert (code, error["code"]) == (404, "statement_not_found")
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("lakehouse", "api", "sql", "statements", method="POST", body="[1")
    assert err.value.code == 400


async def test_parameters(jp_fetch):
    done = await call(
        jp_fetch, "parameters", method="POST", body={"text": "SELECT :a, raw:b.c; SELECT :d"}
    )
    assert done == {"names": ["a", "d"]}


class TestOnTheSessionCluster:
    @pytest.fixture
    def lakehouse_home(self, cluster_home, local_cluster):
        return cluster_home

    async def poll(self, jp_fetch, run_id):
        end = time.monotonic() + 240
        while True:
            run = await call(jp_fetch, "statements", run_id)
            if run["state"] != "running":
                return run
            assert time.monotonic() < end, run
            await asyncio.sleep(0.1)

    async def test_run_poll_history(self, jp_fetch):
        text = "SELECT id, id * 2 AS twice FROM range(:n)"
        started = await call(
            jp_fetch,
            "statements",
            method="POST",
            body={"cluster": "local", "text": text, "parameters": {"n": 3}, "path": "a.sql"},
        )
        assert started["state"] == "running"
        done = await self.poll(jp_fetch, started["id"])
        assert done["state"] == "succeeded", done["error"]
        (result,) = done["results"]
        table = decode_arrow(result["table"][TABLE_MIME]).to_pylist()
        assert table == [{"id": 0, "twice": 0}, {"id": 1, "twice": 2}, {"id": 2, "twice": 4}]

        history = await call(jp_fetch, "history", params={"q": "TWICE", "source": "editor"})
        entry = history["entries"][0]
        assert entry["text"] == text and entry["rows"] == 3 and entry["status"] == "succeeded"
        # The Jupyter user who ran it (pytest-jupyter's server user).
        assert entry["user"] and entry["path"] == "a.sql"

    async def test_error_and_cancel(self, jp_fetch):
        started = await call(
            jp_fetch,
            "statements",
            method="POST",
            body={"cluster": "local", "text": "SELECT 1;\nSELECT nope FROM range(1)"},
        )
        done = await self.poll(jp_fetch, started["id"])
        assert done["state"] == "failed"
        assert done["error"]["error_class"].startswith("UNRESOLVED_COLUMN")
        assert (done["error"]["line"], done["error"]["column"]) == (2, 8)
        failed = await call(jp_fetch, "history", params={"status": "failed", "limit": 1})
        assert failed["entries"][0]["error"]["sqlstate"] == "42703"

        slow = (
            "SELECT count(s) FROM (SELECT reflect('java.lang.Thread', 'sleep', "
            "cast(500 as bigint)) AS s FROM range(0, 240, 1, 2))"
        )
        started = await call(
            jp_fetch, "statements", method="POST", body={"cluster": "local", "text": slow}
        )
        end = time.monotonic() + 120
        while (await call(jp_fetch, "statements", started["id"]))["progress"]["tasks_total"] == 0:
            assert time.monotonic() < end
            await asyncio.sleep(0.1)
        canceling = await call(jp_fetch, "statements", started["id"], "cancel", method="POST")
        assert canceling["id"] == started["id"]
        done = await self.poll(jp_fetch, started["id"])
        assert done["state"] == "canceled"
