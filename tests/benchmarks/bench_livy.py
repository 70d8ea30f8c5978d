"""The Livy endpoint's latencies, through a real Jupyter server and sparkmagic's own client.

    python tests/benchmarks/bench_livy.py

A Jupyter server with the lakehouse extension (token auth) on a fresh workspace home whose
local[2] cluster is already running; sparkmagic's LivyReliableHttpClient measures:

1. start: POST sessions (pyspark) until the session is idle (kernel, extension, Spark session).
2. statement: the median of REPEATS `1 + 1` statements, POST to `available` (polled every 10 ms;
   sparkmagic itself polls from 0.1 s upwards).
3. sql: the median of REPEATS `sql`-kind statements returning 1000 rows x 2 columns, and the same
   query through sparkmagic's SQLQuery path (the JSON rows loop) in the pyspark session.
4. scala: the first `spark` statement of a Scala session (JVM start) and later small ones.

All in one run on the same machine. Not a test: nothing here asserts.
"""

from __future__ import annotations

import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyter_lakehouse.services.clusters import ClusterManager, process  # noqa: E402
from tests.handlers.livy_client import configure, http_client  # noqa: E402

REPEATS = 10
QUERY = "SELECT id, id * 2 AS twice FROM range(1000)"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(check, timeout: float = 600.0, every: float = 0.01):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise TimeoutError("gave up waiting")


def _run(http, sid: int, body: dict) -> tuple[float, dict]:
    began = time.perf_counter()
    posted = http.post_statement(sid, body)
    done = _wait(
        lambda: (
            (s := http.get_statement(sid, posted["id"]))["state"]
            in ("available", "error", "cancelled")
            and s
        )
    )
    elapsed = time.perf_counter() - began
    if done["output"] is None or done["output"]["status"] != "ok":
        raise RuntimeError(f"statement failed: {done}")
    return elapsed, done


def _start(http, body: dict) -> tuple[float, int]:
    began = time.perf_counter()
    sid = http.post_session(body)["id"]
    _wait(lambda: http.get_session(sid)["state"] == "idle", every=0.05)
    return time.perf_counter() - began, sid


def main() -> None:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-livy-") as home:
        manager = ClusterManager(home, start_timeout=240)
        server = None
        try:
            manager.update("local", {"master": "local[2]"})
            manager.ensure_running("local", timeout=240)
            port, token = _free_port(), secrets.token_hex(16)
            env = {**os.environ, "LAKEHOUSE_HOME": home}
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "jupyter_server",
                    f"--ServerApp.port={port}",
                    f"--IdentityProvider.token={token}",
                    f"--ServerApp.root_dir={home}",
                    "--LakehouseApp.mlflow_autostart=False",
                    "--ServerApp.open_browser=False",
                    "--allow-root",  # CI containers run as root
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            configure({"Authorization": f"token {token}"})
            http = http_client(f"http://127.0.0.1:{port}/lakehouse/livy")
            _wait(lambda: _answers(http), timeout=120, every=0.2)

            start, sid = _start(http, {"kind": "pyspark"})
            small = statistics.median(_run(http, sid, {"code": "1 + 1"})[0] for _ in range(REPEATS))
            sql = statistics.median(
                _run(http, sid, {"code": QUERY, "kind": "sql"})[0] for _ in range(REPEATS)
            )
            from sparkmagic.livyclientlib.sqlquery import SQLQuery

            rows_loop = SQLQuery(QUERY, maxrows=1000).to_command("pyspark", "spark").code
            loop = statistics.median(
                _run(http, sid, {"code": rows_loop})[0] for _ in range(REPEATS)
            )
            scala_start, scala_id = _start(http, {"kind": "spark"})
            scala_first, _ = _run(http, scala_id, {"code": "spark"})
            scala_small = statistics.median(
                _run(http, scala_id, {"code": f"val v{i} = {i} + 1"})[0] for i in range(REPEATS)
            )
            for session in (sid, scala_id):
                http.delete_session(session)
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=60)
            manager.stop("local")
            process.sweep(home)
            manager.close()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {load_before:.1f}")
    print(f"pyspark session start (running cluster): {start:.1f} s")
    print(f"`1 + 1` statement, POST to available (median of {REPEATS}): {small * 1000:.0f} ms")
    print(f"sql kind, 1000 rows x 2 columns (median): {sql * 1000:.0f} ms")
    print(f"sparkmagic SQLQuery rows loop, same query (median): {loop * 1000:.0f} ms")
    print(f"scala session start: {scala_start:.1f} s; first statement (JVM): {scala_first:.1f} s")
    print(f"later small Scala statement (median): {scala_small * 1000:.0f} ms")


def _answers(http) -> bool:
    try:
        http.get_sessions()
        return True
    except Exception:
        return False


if __name__ == "__main__":
    main()
