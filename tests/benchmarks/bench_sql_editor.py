"""The SQL editor's REST route against plain pyspark on the same cluster.

    python tests/benchmarks/bench_sql_editor.py

A throwaway workspace home with one cluster (local[2]) and a real Jupyter server with the
lakehouse extension (started here, stopped at the end). A statement is timed from the client
as the editor runs it: POST sql/statements, then GET sql/statements/{id} every POLL seconds
until it is done, the last GET carrying the results (Arrow, base64, in the table MIME bundle).
The peer is `spark.sql(q).toPandas()` on a Spark Connect session of its own on the same
cluster. Each query runs once to warm up, then RUNS times alternating; medians and ratios are
printed. Not a test: nothing here asserts.
"""

from __future__ import annotations

import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyter_lakehouse.services.clusters import ClusterManager  # noqa: E402
from tests.fixtures.clusters import reap_home, spark_session  # noqa: E402

QUERIES = {
    "1 row": "SELECT 41 + 1 AS answer",
    "10 000 rows": "SELECT id, id * 2 AS twice, cast(id AS string) AS label FROM range(10000)",
    "100 000 rows": (
        "SELECT id, id * 2 AS twice, cast(id AS string) AS label, id / 7 AS ratio "
        "FROM range(100000)"
    ),
}
ROW_LIMIT = 100_000
RUNS = 5
POLL = 0.05  # seconds between two GETs; the editor's own poll interval is the frontend's


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, root: Path) -> tuple[subprocess.Popen, str, str]:
    port, token = free_port(), secrets.token_hex(16)
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "server",
        "--no-browser",
        "--allow-root",
        f"--port={port}",
        f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}",
        f"--LakehouseApp.home={home}",
        "--LakehouseApp.catalog_index=False",
        # Nothing here needs MLflow: keep its embedded server from competing for the cores.
        "--LakehouseApp.mlflow_autostart=False",
    ]
    log = open(home / "server.log", "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=root)
    base = f"http://127.0.0.1:{port}/lakehouse/api/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            r = requests.get(base + "version", headers={"Authorization": f"token {token}"})
            if r.ok:
                return proc, base, token
        except requests.ConnectionError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited; see {home / 'server.log'}")
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("the server did not answer within 120 s")


def via_rest(http: requests.Session, base: str, query: str) -> int:
    started = http.post(
        base + "sql/statements",
        json={"cluster": "local", "text": query, "row_limit": ROW_LIMIT},
    )
    started.raise_for_status()
    run_id = started.json()["id"]
    while True:
        run = http.get(base + f"sql/statements/{run_id}")
        run.raise_for_status()
        body = run.json()
        if body["state"] != "running":
            break
        time.sleep(POLL)
    if body["state"] != "succeeded":
        raise RuntimeError(f"{query}: {body['error']}")
    return body["results"][-1]["rows"]


def timed(fn, query: str) -> float:
    started = time.perf_counter()
    fn(query)
    return time.perf_counter() - started


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="bench-sql-editor-"))
    root = home / "root"
    root.mkdir()
    manager = ClusterManager(home)
    server = None
    try:
        manager.update("local", {"master": "local[2]"})
        manager.ensure_running("local", timeout=300)
        server, base, token = start_server(home, root)
        http = requests.Session()
        http.headers["Authorization"] = f"token {token}"
        url = manager.connect_url("local", str(uuid.uuid4()))
        with spark_session(url) as spark:
            variants = {
                "REST (POST + polling GET)": lambda q: via_rest(http, base, q),
                "spark.sql(q).toPandas()": lambda q: len(spark.sql(q).toPandas()),
            }
            medians: dict[tuple[str, str], float] = {}
            runs: dict[tuple[str, str], list[float]] = {}
            for label, query in QUERIES.items():
                for fn in variants.values():
                    fn(query)  # warm-up: first query of a session, plan caches
                for _ in range(RUNS):
                    for name, fn in variants.items():
                        runs.setdefault((label, name), []).append(timed(fn, query))
                for name in variants:
                    medians[(label, name)] = statistics.median(runs[(label, name)])
        machine = f"{platform.machine()}, {os.cpu_count()} cores"
        print(f"machine: {machine}, Python {platform.python_version()}")
        print(f"{RUNS} runs each after a warm-up, medians; REST polls every {POLL * 1000:.0f} ms")
        for label in QUERIES:
            peer = medians[(label, "spark.sql(q).toPandas()")]
            for name in variants:
                value = medians[(label, name)]
                times = ", ".join(f"{t:.3f}" for t in runs[(label, name)])
                print(
                    f"  {label:13s} {name:27s} {value:7.3f} s  ({value / peer:4.2f}x pyspark)"
                    f"   [{times}]"
                )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        reap_home(manager)
        manager.close()


if __name__ == "__main__":
    main()
