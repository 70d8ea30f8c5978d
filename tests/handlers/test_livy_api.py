"""{base_url}lakehouse/livy/ through a real Jupyter server, driven by sparkmagic's own Livy client
library (LivyReliableHttpClient, LivySession, Command, SQLQuery, SparkStoreCommand) against the
session's real cluster; plus raw HTTP for errors and authentication.

sparkmagic's client is synchronous: it runs in threads (`asyncio.to_thread`) while the server
under test keeps the event loop.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pandas
import psutil
import pytest
from jupyter_server.utils import url_path_join
from tornado.httpclient import HTTPClientError

from .livy_client import configure, http_client

pytestmark = pytest.mark.timeout(600)

# 240 rows of 2 s sleeps on 2 partitions: four minutes unless cancelled.
SLOW = (
    "spark.sql(\"SELECT count(s) FROM (SELECT reflect('java.lang.Thread', 'sleep', "
    'cast(2000 as bigint)) AS s FROM range(0, 240, 1, 2))").collect()'
)


async def livy(jp_fetch, *path, method="GET", body=None, params=None, headers=None):
    data = json.dumps(body) if body is not None else ("{}" if method == "POST" else None)
    kwargs = {"headers": headers} if headers is not None else {}
    response = await jp_fetch(
        "lakehouse", "livy", *path, method=method, body=data, params=params or {}, **kwargs
    )
    return json.loads(response.body)


async def livy_error(jp_fetch, *path, **kwargs) -> tuple[int, str]:
    with pytest.raises(HTTPClientError) as err:
        await livy(jp_fetch, *path, **kwargs)
    body = err.value.response.body.decode()
    assert "Traceback" not in body
    return err.value.code, json.loads(body)["msg"]


@pytest.fixture
def livy_url(jp_base_url, jp_http_port, http_server):  # http_server: the port really listens
    return f"http://127.0.0.1:{jp_http_port}{url_path_join(jp_base_url, 'lakehouse/livy')}"


async def until(check, timeout: float = 180.0, every: float = 0.2):
    """Poll `check` (a coroutine function) until it returns something truthy."""
    end = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        assert time.monotonic() < end, "gave up waiting"
        await asyncio.sleep(every)


async def finished(http, session_id: int, statement_id: int) -> dict:
    async def check():
        got = await asyncio.to_thread(http.get_statement, session_id, statement_id)
        return got if got["state"] in ("available", "error", "cancelled") else None

    return await until(check, timeout=300)


async def idle(http, session_id: int) -> dict:
    async def check():
        got = await asyncio.to_thread(http.get_session, session_id)
        assert got["state"] in ("starting", "idle"), got
        return got if got["state"] == "idle" else None

    return await until(check, timeout=300)


def livy_service(jp_serverapp):
    return jp_serverapp.web_app.settings["lakehouse"]["livy"]


def kernel_pid(jp_serverapp, session_id: int) -> int:
    return livy_service(jp_serverapp)._sessions[session_id].kernel.pid


async def gone(pid: int) -> None:
    async def check():
        return not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"

    await until(check, timeout=60)


# -- without a cluster: nothing here starts a kernel ------------------------------------------


async def test_errors_are_livy_messages(jp_fetch):
    assert await livy(jp_fetch, "sessions") == {"from": 0, "total": 0, "sessions": []}
    not_found = [
        ("sessions", "0"),
        ("sessions", "abc", "state"),
        ("sessions", "0", "log"),
        ("sessions", "0", "statements"),
        ("sessions", "0", "statements", "0"),
        ("no-such-route",),
    ]
    for path in not_found:
        code, msg = await livy_error(jp_fetch, *path)
        assert code == 404 and msg, path
    code, msg = await livy_error(jp_fetch, "sessions", "7")
    assert msg == "Session '7' not found."
    code, _ = await livy_error(jp_fetch, "sessions", "0", method="DELETE")
    assert code == 404
    code, _ = await livy_error(
        jp_fetch, "sessions", "0", "statements", "0", "cancel", method="POST"
    )
    assert code == 404
    bad = [
        {"kind": "sparkr"},
        {"kind": "cobol"},
        {"kind": "pyspark", "proxyUser": "bob"},
        {"kind": "pyspark", "conf": {"spark.lakehouse.cluster": "nope"}},
        {"kind": "pyspark", "bogus": 1},
    ]
    for body in bad:
        code, msg = await livy_error(jp_fetch, "sessions", method="POST", body=body)
        assert code == 400 and msg, body
    code, msg = await livy_error(jp_fetch, "sessions", method="POST", body={"cluster": "nope"})
    assert "no cluster named 'nope'" in msg
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("lakehouse", "livy", "sessions", method="POST", body="[1")
    assert err.value.code == 400 and "JSON" in json.loads(err.value.response.body)["msg"]
    code, _ = await livy_error(jp_fetch, "sessions", params={"from": "x"})
    assert code == 400


async def test_no_credentials_no_session(jp_fetch, livy_url):
    code, msg = await livy_error(jp_fetch, "sessions", headers={"Authorization": ""})
    assert code == 403 and msg
    from sparkmagic.livyclientlib.exceptions import HttpClientException

    configure({})
    with pytest.raises(HttpClientException, match="403"):
        await asyncio.to_thread(http_client(livy_url).get_sessions)


class TestLimits:
    @pytest.fixture
    def jp_server_config(self, jp_server_config):
        jp_server_config["LakehouseApp"]["livy_max_sessions"] = 0
        return jp_server_config

    async def test_too_many_sessions(self, jp_fetch):
        code, msg = await livy_error(jp_fetch, "sessions", method="POST", body={"kind": "sql"})
        assert code == 400 and "too many sessions" in msg


# -- on the session's cluster ----------------------------------------------------------------


class TestOnTheSessionCluster:
    @pytest.fixture
    def lakehouse_home(self, cluster_home, local_cluster):
        return cluster_home

    async def test_pyspark_session_with_sparkmagic(
        self, jp_serverapp, jp_fetch, jp_base_url, jp_auth_header, livy_url, cluster_manager
    ):
        from hdijupyterutils.ipythondisplay import IpythonDisplay
        from sparkmagic.livyclientlib.command import Command
        from sparkmagic.livyclientlib.livysession import LivySession
        from sparkmagic.livyclientlib.sendpandasdftosparkcommand import SendPandasDfToSparkCommand
        from sparkmagic.livyclientlib.sparkstorecommand import SparkStoreCommand
        from sparkmagic.livyclientlib.sqlquery import SQLQuery

        configure(dict(jp_auth_header))
        http = http_client(livy_url)
        session = LivySession(http, {"kind": "pyspark"}, IpythonDisplay(), heartbeat_timeout=0)
        # Creates the session, waits for idle, then runs the statement `spark`.
        await asyncio.to_thread(session.start)
        assert session.status == "idle" and session.sql_context_variable_name == "spark"

        def run(command):
            return asyncio.to_thread(command.execute, session)

        assert await run(Command("print('hello')\n1 + 1")) == (True, "hello\n2", "text/plain")
        ok, text, _ = await run(Command("raise ValueError('boom')"))
        assert not ok and "ValueError" in text and "boom" in text and "\x1b[" not in text
        # SQL the way %%spark -c sql sends it (a toJSON loop), run natively on Spark Connect.
        query = SQLQuery("SELECT id, id * 2 AS twice, 'x' AS s FROM range(3)", maxrows=10)
        frame = await asyncio.to_thread(query.execute, session)
        assert frame.to_dict("list") == {"id": [0, 1, 2], "twice": [0, 2, 4], "s": ["x"] * 3}
        await run(Command("numbers = spark.range(5).selectExpr('id AS n')"))
        stored = await run(SparkStoreCommand("numbers", maxrows=2))
        assert stored["n"].tolist() == [0, 1]
        # %%send_to_spark -t df: a pandas frame becomes a Spark DataFrame in the session.
        local = pandas.DataFrame({"word": ["a", "b"], "count": [3, 4]})
        sent = SendPandasDfToSparkCommand("local", local, "sent", 10)
        assert (await run(sent))[0]
        ok, text, _ = await run(Command("sent.selectExpr('sum(count)').first()[0]"))
        assert (ok, text) == (True, "7")
        # Livy 0.5+: a statement may name another kind; it runs on the same Spark session.
        await run(Command("spark.range(2).createOrReplaceTempView('two')"))
        posted = await asyncio.to_thread(
            http.post_statement,
            session.id,
            {"code": "SELECT count(*) AS n FROM two", "kind": "sql"},
        )
        done = await finished(http, session.id, posted["id"])
        assert done["output"]["data"]["application/json"]["data"] == [[2]]

        assert (await asyncio.to_thread(session.get_app_id)).startswith("local-")
        ui = await asyncio.to_thread(session.get_spark_ui_url)
        assert ui == url_path_join(jp_base_url, "lakehouse/sparkui/local/")
        user = await asyncio.to_thread(session.get_user)
        assert user and user != "None"
        assert "is ready" in await asyncio.to_thread(session.get_logs)

        # Cancel: a four-minute Spark job, cancelled once it runs on the cluster.
        result: dict = {}
        runner = threading.Thread(target=lambda: result.update(r=Command(SLOW).execute(session)))
        runner.start()

        async def job_running():
            jobs = await asyncio.to_thread(cluster_manager.jobs, "local")
            return jobs["running"]

        await until(job_running, timeout=120)
        listed = await livy(jp_fetch, "sessions", str(session.id), "statements")
        slow_id = listed["statements"][-1]["id"]
        assert listed["statements"][-1]["state"] == "running"
        assert await asyncio.to_thread(http.cancel_statement, session.id, slow_id) == {
            "msg": "canceled"
        }
        await asyncio.to_thread(runner.join, 120)
        # A cancelled statement has no output, which sparkmagic reads as an empty success.
        assert result["r"] == (True, "", "text/plain")
        assert (await asyncio.to_thread(http.get_statement, session.id, slow_id))["state"] == (
            "cancelled"
        )

        async def job_stopped():
            jobs = await asyncio.to_thread(cluster_manager.jobs, "local")
            return not jobs["running"]

        await until(job_stopped, timeout=90)  # uncancelled, the job would run for minutes
        assert await run(Command("spark.range(3).count()")) == (True, "3", "text/plain")

        pid = kernel_pid(jp_serverapp, session.id)
        await asyncio.to_thread(session.delete)
        assert session.status == "dead"
        from sparkmagic.livyclientlib.exceptions import HttpClientException

        with pytest.raises(HttpClientException, match="404"):
            await asyncio.to_thread(http.get_session, session.id)
        await gone(pid)

    async def test_sql_session_with_conf_and_completion(
        self, jp_serverapp, jp_fetch, jp_auth_header, livy_url
    ):
        configure(dict(jp_auth_header))
        http = http_client(livy_url)
        conf = {
            "spark.lakehouse.cluster": "local",
            "spark.sql.shuffle.partitions": "3",
            "spark.driver.memory": "2g",  # static: the log says it was not applied
        }
        created = await asyncio.to_thread(
            http.post_session,
            {"kind": "sql", "name": "reports", "conf": conf, "driverMemory": "1g"},
        )
        assert created["state"] == "starting" and created["kind"] == "sql"
        assert "proxyUser" not in created
        sid = created["id"]
        await idle(http, sid)

        async def statement(body):
            posted = await asyncio.to_thread(http.post_statement, sid, body)
            return await finished(http, sid, posted["id"])

        done = await statement(
            {
                "code": "SELECT id, CAST(id AS DECIMAL(4,1)) AS d, DATE'2026-01-02' AS day, "
                "named_struct('a', id) AS s FROM range(2)"
            }
        )
        assert done["state"] == "available" and done["progress"] == 1.0
        result = done["output"]["data"]["application/json"]
        assert [f["name"] for f in result["schema"]["fields"]] == ["id", "d", "day", "s"]
        assert result["data"] == [[0, 0, "2026-01-02", {"a": 0}], [1, 1, "2026-01-02", {"a": 1}]]
        assert done["started"] > 0 and done["completed"] >= done["started"]

        failed = await statement({"code": "SELECT nope FROM range(1)"})
        assert failed["state"] == "available" and failed["output"]["status"] == "error"
        assert "UNRESOLVED_COLUMN" in failed["output"]["evalue"] + "".join(
            failed["output"]["traceback"]
        )
        python = await statement(
            {"code": "spark.conf.get('spark.sql.shuffle.partitions')", "kind": "pyspark"}
        )
        assert python["output"]["data"]["text/plain"] == "'3'"

        done = await livy(
            jp_fetch,
            "sessions",
            str(sid),
            "completion",
            method="POST",
            body={"code": "spark.ran", "kind": "pyspark", "cursor": 9},
        )
        assert "range" in done["candidates"]

        listed = await asyncio.to_thread(http.get_sessions)
        (mine,) = [s for s in listed["sessions"] if s["id"] == sid]
        assert (mine["name"], mine["kind"], mine["state"], mine["cluster"]) == (
            "reports",
            "sql",
            "idle",
            "local",
        )
        log = await livy(jp_fetch, "sessions", str(sid), "log", params={"size": "1000"})
        text = "\n".join(log["log"])
        assert "driverMemory" in text and "spark.driver.memory not applied" in text
        assert log["total"] == len(log["log"]) and log["from"] == 0
        state = await livy(jp_fetch, "sessions", str(sid), "state")
        assert state == {"id": sid, "state": "idle"}
        statements = await livy(jp_fetch, "sessions", str(sid), "statements")
        assert [s["id"] for s in statements["statements"]] == [0, 1, 2]

        pid = kernel_pid(jp_serverapp, sid)
        assert await asyncio.to_thread(http.delete_session, sid) is None
        await gone(pid)

    async def test_scala_session_with_sparkmagic(self, jp_serverapp, jp_auth_header, livy_url):
        from hdijupyterutils.ipythondisplay import IpythonDisplay
        from sparkmagic.livyclientlib.command import Command
        from sparkmagic.livyclientlib.livysession import LivySession
        from sparkmagic.livyclientlib.sqlquery import SQLQuery

        configure(dict(jp_auth_header))
        session = LivySession(
            http_client(livy_url), {"kind": "spark"}, IpythonDisplay(), heartbeat_timeout=0
        )
        # The statement `spark` that start() runs is Scala: it starts the session's JVM.
        await asyncio.to_thread(session.start)
        assert session.sql_context_variable_name == "spark"

        def run(command):
            return asyncio.to_thread(command.execute, session)

        ok, text, _ = await run(Command("val x = 1 + 1"))
        assert ok and "x: Int = 2" in text
        query = SQLQuery("SELECT id, id + x AS plus FROM range(2) CROSS JOIN (SELECT 2 AS x)")
        frame = await asyncio.to_thread(query.execute, session)
        assert frame.to_dict("list") == {"id": [0, 1], "plus": [2, 3]}
        ok, text, _ = await run(Command('throw new IllegalStateException("boom")'))
        assert not ok and "boom" in text
        ok, text, _ = await run(Command('val y: Int = "no"'))
        assert not ok and "type mismatch" in text.lower()

        pid = kernel_pid(jp_serverapp, session.id)
        await asyncio.to_thread(session.delete)
        await gone(pid)
