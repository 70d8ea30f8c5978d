"""50 simulated users against the REST API of a real Jupyter server, on loopback.

    python tests/benchmarks/bench_load.py [--users 50] [--seconds 30]

A real `jupyter server` subprocess (tests/fixtures/jupyter_process.py) with the extension, a
token, its home in a temporary folder, the embedded MLflow tracking server (20 runs logged with
the real client) and the `local` cluster started through the API (catalog listings are then
served from the catalog's short-lived cache after the first call). The load generator is
asyncio + httpx (one AsyncClient, a connection per user): each user loops over the mix below
with no think time, so the figures are what the server holds at saturation on 2 cores.

Measured, in one run:
1. p50/p95/max latency per route and overall, requests per second, and every status (target:
   zero 5xx);
2. "the event loop is never blocked": p50 of unrelated routes (version, clusters, a cached
   catalog listing) from one client, first alone, then with one deliberately slow MLflow call
   in flight (tests/benchmarks/slow_backend.py: the service call sleeps 20 s in its thread), and
   with 8 in flight (more than asyncio's default thread pool on 2 cores, 6 threads).

Not a test: nothing asserts. Stops the cluster, MLflow and the server it started.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyter_lakehouse.services.clusters import process  # noqa: E402
from jupyter_lakehouse.services.mlflow import TrackingServer  # noqa: E402
from tests.benchmarks.slow_backend import SLOW_QUERY  # noqa: E402
from tests.fixtures.jupyter_process import JupyterServerProcess  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def wait_for(fn, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(1)
    raise TimeoutError(what)


def prepare(server: JupyterServerProcess) -> dict:
    """MLflow runs and a running cluster with one table; returns the routes of the mix."""
    from mlflow import MlflowClient

    status = wait_for(
        lambda: (
            (s := server.get("mlflow/status", timeout=30).json()).get("state") == "running" and s
        ),
        180,
        "MLflow did not start",
    )
    client = MlflowClient(status["tracking_uri"])
    experiment = client.create_experiment("load")
    runs = []
    for i in range(20):
        run = client.create_run(experiment, run_name=f"run-{i}")
        client.log_param(run.info.run_id, "alpha", str(i / 10))
        for step in range(5):
            client.log_metric(run.info.run_id, "loss", 1 / (i + step + 1), step=step)
        client.set_terminated(run.info.run_id)
        runs.append(run.info.run_id)
    server.post("clusters/local/start", timeout=60)
    wait_for(
        lambda: server.get("clusters/local", timeout=30).json().get("state") == "running",
        300,
        "the cluster did not start",
    )
    # Warm the catalog cache (the first listing runs SHOW SCHEMAS / SHOW TABLES on the cluster).
    for path in ("catalog/catalogs", "catalog/catalogs/spark_catalog/schemas"):
        server.get(path, timeout=120).raise_for_status()
    tables = "catalog/catalogs/spark_catalog/schemas/default/tables"
    server.get(tables, timeout=120).raise_for_status()
    return {
        "version": "version",
        "clusters": "clusters",
        "catalog schemas (cached)": "catalog/catalogs/spark_catalog/schemas",
        "catalog tables (cached)": tables,
        "mlflow runs page": f"mlflow/experiments/{experiment}/runs?max_results=50",
        "mlflow run": f"mlflow/runs/{runs[3]}",
    }


async def load(server, routes: dict, users: int, seconds: float) -> dict:
    latencies: dict[str, list[float]] = collections.defaultdict(list)
    statuses: collections.Counter = collections.Counter()
    names = list(routes)
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(
        base_url=server.api, headers=server.headers, timeout=60, limits=limits
    ) as client:

        async def user(k: int) -> None:
            i = k
            while time.monotonic() < stop_at:
                name = names[i % len(names)]
                i += 1
                began = time.perf_counter()
                try:
                    response = await client.get(routes[name])
                    statuses[response.status_code] += 1
                except httpx.HTTPError as e:
                    statuses[type(e).__name__] += 1
                    continue
                latencies[name].append(time.perf_counter() - began)

        began = time.monotonic()
        await asyncio.gather(*(user(k) for k in range(users)))
        elapsed = time.monotonic() - began
    return {"latencies": latencies, "statuses": statuses, "elapsed": elapsed}


async def unrelated(server, routes: list[str], slow_calls: int, rounds: int = 30) -> tuple:
    """(p50, max) latency of `routes` from one client while `slow_calls` slow calls run."""
    async with httpx.AsyncClient(base_url=server.api, headers=server.headers, timeout=120) as c:
        slow = [
            asyncio.create_task(c.get(f"mlflow/experiments?q={SLOW_QUERY}"))
            for _ in range(slow_calls)
        ]
        await asyncio.sleep(1.0 if slow_calls else 0)  # the slow calls are in their threads now
        samples = []
        for _ in range(rounds):
            for path in routes:
                began = time.perf_counter()
                (await c.get(path)).raise_for_status()
                samples.append(time.perf_counter() - began)
        for task in slow:
            task.cancel()
        return statistics.median(samples), max(samples)


def report(result: dict, users: int) -> None:
    print(f"\n{users} users for {result['elapsed']:.0f} s on loopback")
    print(f"{'route':28} {'requests':>9} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    every = []
    for name, values in result["latencies"].items():
        every += values
        print(
            f"{name:28} {len(values):9d} {pct(values, 0.5) * 1e3:8.1f} "
            f"{pct(values, 0.95) * 1e3:8.1f} {max(values) * 1e3:8.1f}"
        )
    print(
        f"{'all':28} {len(every):9d} {pct(every, 0.5) * 1e3:8.1f} "
        f"{pct(every, 0.95) * 1e3:8.1f} {max(every) * 1e3:8.1f}"
    )
    print(f"throughput {len(every) / result['elapsed']:.0f} requests/s")
    print(f"statuses {dict(result['statuses'])}")
    fives = sum(
        n for code, n in result["statuses"].items() if isinstance(code, int) and code >= 500
    )
    print(f"5xx: {fives}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    print(f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    folder = Path(tempfile.mkdtemp(prefix="lakehouse-load-"))
    server = JupyterServerProcess(
        folder,
        config={
            "LakehouseApp.mlflow_service_class": "tests.benchmarks.slow_backend.SlowMLflowService",
            "LakehouseApp.catalog_index": "False",
        },
    )
    try:
        # Inside the try: a server that fails to start may have started MLflow already.
        server.start()
        routes = prepare(server)
        result = asyncio.run(load(server, routes, args.users, args.seconds))
        report(result, args.users)
        paths = ["version", "clusters", routes["catalog tables (cached)"]]
        alone = asyncio.run(unrelated(server, paths, 0))
        print("\nunrelated routes (version, clusters, cached tables) from one client:")
        print(f"  {'':32} {'p50 ms':>7} {'max ms':>8} {'p50 ratio':>9}")
        for label, calls in (
            ("alone", 0),
            ("1 slow MLflow call in flight", 1),
            ("8 slow calls in flight", 8),
        ):
            p50, worst = alone if calls == 0 else asyncio.run(unrelated(server, paths, calls))
            print(f"  {label:32} {p50 * 1e3:7.1f} {worst * 1e3:8.1f} {p50 / alone[0]:9.2f}")
    finally:
        with contextlib.suppress(httpx.HTTPError):
            server.post("clusters/local/stop", timeout=120)
        server.stop()
        process.sweep(str(server.home / "clusters" / "local"))
        TrackingServer(server.home).stop()
        print(f"\nserver log: {folder}")


if __name__ == "__main__":
    main()
