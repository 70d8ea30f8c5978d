"""A real kernel attached to a `livy` cluster: sparkmagic's magics for that endpoint.

The endpoint is the Livy-compatible API of a real Jupyter server ({base_url}lakehouse/livy,
sessions backed by headless kernels on the session's cluster); the profile carries the server's
token. The kernel runs with its own HOME, to prove that nothing is written to ~/.sparkmagic.
"""

from __future__ import annotations

import asyncio
import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from jupyter_server.utils import url_path_join

from jupyter_lakehouse.kernel.livyendpoint import LivyEndpoint, sparkmagic_config
from jupyter_lakehouse.services.clusters import validate_profile
from jupyter_lakehouse.services.sql.history import QueryHistory, history_path

from .kernel_client import Kernel

pytestmark = pytest.mark.timeout(600)

TABLE_MIME = "application/vnd.jupyter-lakehouse.table+json"
CLUSTER = "kernel-livy"


@pytest.fixture
def lakehouse_home(cluster_home, local_cluster):
    return cluster_home


@pytest.fixture
def livy_cluster(cluster_manager, jp_serverapp, jp_base_url, jp_http_port, http_server):
    url = f"http://127.0.0.1:{jp_http_port}{url_path_join(jp_base_url, 'lakehouse/livy')}"
    token = jp_serverapp.identity_provider.token
    cluster_manager.create(
        {"name": CLUSTER, "kind": "livy", "url": url, "auth": "token", "token": token}
    )
    yield url
    cluster_manager.delete(CLUSTER)


def endpoint_sessions(jp_serverapp) -> dict:
    """The endpoint's sessions, {id: state}, as the Compute panel reads them (over HTTP)."""
    service = jp_serverapp.web_app.settings["lakehouse"]["livy_sessions"]
    return {s["id"]: s["state"] for s in service.list(CLUSTER)["sessions"]}


async def test_sparkmagic_on_a_livy_cluster(
    jp_serverapp, livy_cluster, cluster_home, cluster_manager, tmp_path
):
    home = tmp_path / "user-home"
    home.mkdir()
    env = {**os.environ, "LAKEHOUSE_HOME": str(cluster_home), "HOME": str(home)}
    # The kernel client is synchronous and the server under test owns this thread's loop: the
    # client gets a thread, with an event loop of its own (jupyter_client runs coroutines).
    client_thread = ThreadPoolExecutor(
        max_workers=1, initializer=lambda: asyncio.set_event_loop(asyncio.new_event_loop())
    )
    loop = asyncio.get_running_loop()

    def in_client(fn, *args):
        return loop.run_in_executor(client_thread, fn, *args)

    kernel = await in_client(Kernel, env)

    def run(code: str):
        return in_client(kernel.run, code, 300)

    try:
        # The frontend attaches the notebook over the comm.
        await in_client(
            kernel.comm_send,
            "jupyter_lakehouse",
            {"action": "attach", "cluster": CLUSTER, "path": "livy.ipynb"},
        )
        loaded = await run("print(sorted(k for k in get_ipython().magics_manager.magics['line']))")
        assert "'spark'" in loaded.text and "'manage_spark'" in loaded.text, loaded.outputs
        # Listed on the cluster's row of the Compute panel, as notebooks of other clusters are.
        attached = await asyncio.to_thread(cluster_manager.attached, CLUSTER)
        assert [a["notebook_path"] for a in attached] == ["livy.ipynb"]

        # %%spark starts the notebook's session at first use and runs Python there.
        result = await run("%%spark\nprint(spark.range(5).count())")
        assert result.error is None, result.outputs
        assert "5" in result.text.splitlines(), result.text
        sessions = await asyncio.to_thread(endpoint_sessions, jp_serverapp)
        assert list(sessions.values()) == ["idle"], sessions

        # %%sql goes to the same Livy session through sparkmagic, shown as the lakehouse table.
        result = await run("%%sql\nSELECT id, id * 2 AS twice FROM range(3)")
        assert result.error is None, result.outputs
        (table,) = result.data(TABLE_MIME)
        assert table["row_count"] == 3 and [f["name"] for f in table["schema"]["fields"]] == [
            "id",
            "twice",
        ]
        frame = await run("print(type(_sqldf).__name__, _sqldf['twice'].tolist())")
        assert frame.text.strip() == "DataFrame [0, 2, 4]"
        # A temp view made in %%spark is there for %sql: one Spark session behind both.
        await run("%%spark\nspark.range(4).createOrReplaceTempView('four')")
        result = await run("%sql SELECT count(*) AS n FROM four")
        (table,) = result.data(TABLE_MIME)
        assert table["row_count"] == 1
        frame = await run("print(_sqldf['n'].tolist())")
        assert frame.text.strip() == "[4]"

        # SQL errors read as errors, with the statement.
        result = await run("%%sql\nSELECT * FROM no_such_table")
        assert result.error is not None and result.error["ename"] == "LivyError"
        assert "no_such_table" in "\n".join(result.error["traceback"])
        # Both are in the workspace's query history, on the Livy cluster.
        # (The Livy endpoint here is the workspace's own, whose session kernels record what they
        # run on the `local` cluster too: only the notebook's entries name the Livy cluster.)
        history = QueryHistory(history_path(cluster_home))
        (ok,) = history.search(q="AS twice FROM range(3)", cluster=CLUSTER)["entries"]
        assert (ok["cluster"], ok["status"], ok["rows"]) == (CLUSTER, "succeeded", 3)
        (failed,) = history.search(q="no_such_table", cluster=CLUSTER)["entries"]
        assert failed["status"] == "failed" and failed["path"] == "livy.ipynb"

        # `spark` is Spark Connect, which a Livy cluster does not have: say what to use.
        result = await run("spark.range(1)")
        message = "\n".join(result.error["traceback"])
        assert "Livy endpoint" in message and "%%spark" in message

        # Attaching elsewhere deletes the notebook's Livy sessions and its Compute-panel entry.
        await in_client(
            kernel.comm_send, "jupyter_lakehouse", {"action": "attach", "cluster": None}
        )
        await run("pass")
        deadline = time.monotonic() + 60
        while any(
            s != "shutting_down"
            for s in (await asyncio.to_thread(endpoint_sessions, jp_serverapp)).values()
        ):
            assert time.monotonic() < deadline, "the notebook's session was not deleted"
            await asyncio.sleep(0.5)
        assert await asyncio.to_thread(cluster_manager.attached, CLUSTER) == []
    finally:
        await in_client(kernel.shutdown)
        client_thread.shutdown()
    assert not (home / ".sparkmagic").exists()


def test_sparkmagic_configuration_for_each_auth():
    def profile(**fields):
        return validate_profile({"name": "lv", "kind": "livy", "url": "http://h:8998", **fields})

    base = {
        "custom_headers": {"X-Team": "a", "Authorization": "stale"},
        "session_configs": {"a": 1},
    }
    config = sparkmagic_config(profile(auth="token", token="t0k"), base)
    assert config["custom_headers"] == {"X-Team": "a", "Authorization": "Bearer t0k"}
    assert config["session_configs"] == {"a": 1}  # a team's own settings stay
    assert config["logging_config"]["handlers"]["magicsHandler"]["class"] == "logging.NullHandler"
    assert config["kernel_python_credentials"] == {
        "username": "",
        "password": "",
        "url": "http://h:8998",
        "auth": "None",
    }
    basic = sparkmagic_config(profile(auth="basic", username="ann", password="pw"))
    assert basic["kernel_scala_credentials"]["auth"] == "Basic_Access"
    assert basic["kernel_scala_credentials"]["password"] == "pw"
    assert "Authorization" not in basic["custom_headers"]
    assert sparkmagic_config(profile(auth="kerberos"))["kernel_python_credentials"]["auth"] == (
        "Kerberos"
    )


def test_endpoint_auth_objects():
    import sparkmagic.utils.configuration as conf
    from requests_kerberos import REQUIRED
    from sparkmagic.auth.basic import Basic
    from sparkmagic.auth.kerberos import Kerberos

    livy = LivyEndpoint(shell=None, lakehouse=None)
    cases = [
        ({"auth": "none"}, type(None)),
        ({"auth": "token", "token": "t"}, type(None)),
        ({"auth": "basic", "username": "ann", "password": "pw"}, Basic),
        ({"auth": "kerberos"}, Kerberos),
    ]
    for fields, expected in cases:
        livy.profile = validate_profile(
            {"name": "lv", "kind": "livy", "url": "http://h:8998/livy", **fields}
        )
        # A whole configuration first: sparkmagic then never reads its own file.
        conf.override_all(sparkmagic_config(livy.profile))
        endpoint = livy.endpoint()
        assert endpoint.url == "http://h:8998/livy" and type(endpoint.auth) is expected
    assert (endpoint.auth.mutual_authentication, endpoint.auth.url) == (REQUIRED, endpoint.url)
    livy.profile = validate_profile(
        {"name": "lv", "kind": "livy", "url": "http://h", "auth": "basic"}
        | {"username": "ann", "password": "pw"}
    )
    basic = livy.endpoint().auth
    assert (basic.username, basic.password) == ("ann", "pw")
