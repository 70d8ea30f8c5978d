"""The faults of issue 11, each a function that injects one fault into real components and
checks that the workspace survives it. tests/kernel/test_faults.py runs each once;
tests/benchmarks/faults.py runs each N times and prints a table.

Each scenario raises AssertionError when the workspace did not survive, and returns a short
note with what it measured. They share the session's `local` cluster (a real Spark Connect
JVM) and kernels started the way JupyterLab starts them.
"""

from __future__ import annotations

import os
import re
import signal
import time
import uuid
from pathlib import Path

import psutil

from jupyter_lakehouse.kernel.progress import PROGRESS_MIME
from jupyter_lakehouse.resulttable import TABLE_MIME, decode_arrow

from .kernel_client import Kernel

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Minutes of sleeping tasks (cheap for the CPU): long enough to be killed mid-way.
SLOW_ROWS = (
    "spark.range(0, 240, 1, 2).selectExpr("
    "'id', \"reflect('java.lang.Thread', 'sleep', cast(500 as bigint)) AS s\")"
)


def error_text(result) -> str:
    return ANSI.sub("", "\n".join(result.error["traceback"])) if result.error else ""


def _kill_driver(manager) -> None:
    os.kill(manager.get("local").pid, signal.SIGKILL)


def _restart(manager, kernel: Kernel) -> None:
    manager.ensure_running("local", timeout=180)
    out = kernel.run("print(spark.range(7).count())", timeout=180)
    assert out.error is None and out.text.strip().endswith("7"), error_text(out)


def kill_mid_query(kernel: Kernel, manager) -> str:
    """SIGKILL the cluster's JVM while a cell's query runs."""
    manager.ensure_running("local", timeout=180)
    running = kernel.start(f"{SLOW_ROWS}.collect()")
    kernel.wait(running, timeout=120, until=lambda r: r.data(PROGRESS_MIME))
    killed_at = time.monotonic()
    _kill_driver(manager)
    result = kernel.wait(running, timeout=120)
    elapsed = time.monotonic() - killed_at
    text = error_text(result)
    assert "Cluster 'local' is" in text and "Restart it" in text, text
    assert "Traceback" not in text, text
    _restart(manager, kernel)
    return f"cell failed {elapsed:.1f} s after the kill"


def kill_mid_commit(kernel: Kernel, manager, folder: Path) -> str:
    """SIGKILL the JVM while an append to a Delta table (offline engine) is being written; the
    table must stay at its version with its rows, and take the next append after a restart."""
    from deltalake import DeltaTable

    manager.ensure_running("local", timeout=180)
    path = folder / f"faults-{uuid.uuid4().hex[:8]}"
    out = kernel.run(
        f"spark.range(100).selectExpr('id', \"'x' AS s\").write.format('delta').save('{path}')",
        timeout=180,
    )
    assert out.error is None, error_text(out)
    before = DeltaTable(str(path))
    version, rows = before.version(), before.to_pyarrow_table().num_rows
    running = kernel.start(f"{SLOW_ROWS}.write.format('delta').mode('append').save('{path}')")
    kernel.wait(running, timeout=120, until=lambda r: r.data(PROGRESS_MIME))
    _kill_driver(manager)
    result = kernel.wait(running, timeout=120)
    text = error_text(result)
    assert "Cluster 'local' is" in text and "Restart it" in text, text
    # Read without Spark: the log is intact, at the same version with the same rows.
    after = DeltaTable(str(path))
    assert after.version() == version, (after.version(), version)
    assert after.to_pyarrow_table().num_rows == rows
    _restart(manager, kernel)
    out = kernel.run(
        f"spark.range(5).selectExpr('id', \"'y' AS s\").write.format('delta')"
        f".mode('append').save('{path}')",
        timeout=180,
    )
    assert out.error is None, error_text(out)
    final = DeltaTable(str(path))
    assert final.version() == version + 1 and final.to_pyarrow_table().num_rows == rows + 5
    return f"table stayed at v{version} ({rows} rows); v{version + 1} after restart"


def restart_kernel_mid_sql(kernel: Kernel, manager) -> str:
    """Restart the kernel while a `%sql` cell runs: the new kernel works on the same cluster."""
    manager.ensure_running("local", timeout=180)
    pid = manager.get("local").pid
    running = kernel.start(
        "%sql SELECT id, reflect('java.lang.Thread', 'sleep', cast(500 as bigint)) AS s "
        "FROM range(0, 240, 1, 2)"
    )
    kernel.wait(running, timeout=120, until=lambda r: r.data(PROGRESS_MIME))
    began = time.monotonic()
    kernel.manager.restart_kernel(now=True)
    kernel.client.wait_for_ready(timeout=120)
    out = kernel.run("%sql SELECT 42 AS answer", timeout=180)
    elapsed = time.monotonic() - began
    assert out.error is None, error_text(out)
    (table,) = out.data(TABLE_MIME)
    assert decode_arrow(table).to_pylist() == [{"answer": 42}]
    info = manager.get("local")
    assert info.state == "running" and info.pid == pid, (info.state, info.pid, pid)
    return f"new kernel answered %sql {elapsed:.1f} s after the restart"


def fill_result_cap(kernel: Kernel, manager) -> str:
    """A query far larger than the row cap: a clear truncation note, the kernel stays usable."""
    manager.ensure_running("local", timeout=180)
    began = time.monotonic()
    out = kernel.run("%sql SELECT id, repeat('x', 200) AS pad FROM range(5000000)", timeout=300)
    elapsed = time.monotonic() - began
    assert out.error is None, error_text(out)
    (table,) = out.data(TABLE_MIME)
    assert table["truncated"] is True and table["row_count"] == table["limit"]
    plain = next(
        o["content"]["data"]["text/plain"]
        for o in out.outputs
        if o["type"] in ("display_data", "execute_result") and TABLE_MIME in o["content"]["data"]
    )
    assert f"showing first {table['limit']}" in plain, plain[-300:]
    alive = kernel.run("print('alive')", timeout=60)
    assert alive.text.strip() == "alive"
    return f"{table['row_count']} of 5000000 rows shown, {elapsed:.1f} s"


# -- the Jupyter server itself ----------------------------------------------------------------


def _log_iris_model(uri: str, name: str) -> None:
    import mlflow
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    from ..fixtures.mlflow import tracking

    x, y = load_iris(return_X_y=True, as_frame=True)
    x.columns = [c.replace(" (cm)", "").replace(" ", "_") for c in x.columns]
    model = LogisticRegression(max_iter=300).fit(x, y)
    with tracking(uri), mlflow.start_run():
        mlflow.sklearn.log_model(
            model, name="model", input_example=x.head(2), registered_model_name=name
        )


def _wait(fn, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"{what} within {timeout:.0f} s")


def kill_jupyter_server(folder: Path, home: Path, manager) -> str:
    """SIGKILL a real `jupyter server` while a cluster, the MLflow tracking server and a model
    endpoint run; start it again on the same home: each is found again (same pid), and when
    stopped through the API nothing of theirs is left running."""
    from jupyter_lakehouse.services.mlflow import TrackingServer

    from ..fixtures.jupyter_process import JupyterServerProcess

    manager.ensure_running("local", timeout=180)
    endpoint = f"faults-{uuid.uuid4().hex[:6]}"
    first = JupyterServerProcess(folder / "first", home=home)
    second = None
    pids: dict[str, int] = {}
    try:
        first.start()
        status = _wait(
            lambda: (
                (s := first.get("mlflow/status", timeout=30).json())["state"] == "running" and s
            ),
            180,
            "MLflow did not start",
        )
        _log_iris_model(status["tracking_uri"], endpoint)
        answer = first.post(
            "serving/endpoints", {"name": endpoint, "model_name": endpoint, "version": "1"}
        )
        assert answer.status_code == 202, answer.text
        _wait(
            lambda: first.get(f"serving/endpoints/{endpoint}").json()["state"] == "ready",
            240,
            "the endpoint did not become ready",
        )
        pids = {
            "cluster": first.get("clusters/local").json()["pid"],
            "mlflow": TrackingServer(home).read_state().process.pid,
            "endpoint": first.get(f"serving/endpoints/{endpoint}").json()["pid"],
        }
        first.kill()
        assert all(psutil.pid_exists(pid) for pid in pids.values()), pids
        began = time.monotonic()
        second = JupyterServerProcess(folder / "second", home=home).start()
        cluster = second.get("clusters/local").json()
        assert cluster["state"] == "running" and cluster["pid"] == pids["cluster"], cluster
        again = second.get(f"serving/endpoints/{endpoint}").json()
        assert again["state"] == "ready" and again["pid"] == pids["endpoint"], again
        sample = second.get(f"serving/endpoints/{endpoint}/sample").json()["request"]
        invoked = second.post(f"serving/endpoints/{endpoint}/invocations", sample, timeout=60)
        assert invoked.status_code == 200 and invoked.json()["status"] == 200, invoked.text
        state = _wait(
            lambda: (s := second.get("mlflow/status").json())["state"] == "running" and s,
            60,
            "MLflow was not found again",
        )
        assert TrackingServer(home).read_state().process.pid == pids["mlflow"], state
        found = time.monotonic() - began
    finally:
        if second is not None:
            second.delete(f"serving/endpoints/{endpoint}", timeout=60)
            second.stop()  # stops MLflow (mlflow_stop_on_shutdown); clusters outlive it
        first.kill()
        TrackingServer(home).stop()
    for what in ("mlflow", "endpoint"):
        if what in pids:
            psutil.wait_procs([p for p in [_process(pids[what])] if p], timeout=30)
            assert not psutil.pid_exists(pids[what]), f"{what} (pid {pids[what]}) orphaned"
    return f"cluster, MLflow and endpoint found again {found:.1f} s after the restart"


def _process(pid: int):
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None
