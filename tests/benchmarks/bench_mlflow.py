"""The runs table of an experiment with 10 000 runs, through the REST route, against MLflow.

    python tests/benchmarks/bench_mlflow.py [--runs 10000]

A throwaway workspace home whose embedded tracking server (a real `mlflow server`, SQLite
store) holds one experiment of N runs, each with 2 params, 2 metrics and 4 tags. The runs are
written in one transaction through MLflow's own SQLAlchemy models of its store (logging 10 000
runs through the REST API would take minutes and measure nothing of interest here). Then, in
the same run, against the same server:

1. `GET lakehouse/api/mlflow/experiments/{id}/runs` of a real Jupyter server (a subprocess,
   token auth): the first page (100 runs, newest first) and a filtered, sorted page
   (`metrics.rmse < 0.5 and params.model = 'ridge'`, `metrics.rmse ASC`);
2. `MlflowClient.search_runs` with the same arguments, in this process: MLflow's own path to
   the same answer.

Before all that, one MLflow search sorted by a metric on the store as written (SQLite has no
statistics for it yet): the route's first call runs ANALYZE on the embedded store, the fix.

Target: each page under 500 ms through the route. Prints medians of 5 (after one cold call)
and the ratios route / MLflow. Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import signal
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

from jupyter_lakehouse.services.mlflow import MLflowService  # noqa: E402

REPEATS = 5
PAGE = 100
FILTER = "metrics.rmse < 0.5 and params.model = 'ridge'"
ORDER = "metrics.rmse ASC"
TOKEN = uuid.uuid4().hex


def timed(fn, repeats: int = REPEATS) -> tuple[float, float, object]:
    """(cold, median of `repeats` warm, last result) in seconds."""
    started = time.perf_counter()
    result = fn()
    cold = time.perf_counter() - started
    times = [cold]
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return cold, statistics.median(times[1:] or times), result


def log_runs(db_path: Path, experiment_id: str, n: int) -> float:
    """n finished runs in one transaction, through MLflow's models of its SQL store."""
    import sqlalchemy as sa
    from mlflow.store.tracking.dbmodels.models import (
        SqlLatestMetric,
        SqlMetric,
        SqlParam,
        SqlRun,
        SqlTag,
    )
    from sqlalchemy.orm import Session

    rng = random.Random(7)
    now = int(time.time() * 1000) - n * 1000
    started = time.perf_counter()
    engine = sa.create_engine(f"sqlite:///{db_path}")
    with Session(engine) as session:
        rows: list = []
        for i in range(n):
            run_id = uuid.uuid4().hex
            start = now + i * 1000
            rmse, r2 = rng.random(), rng.random()
            model = rng.choice(("ridge", "lasso", "forest"))
            rows.append(
                SqlRun(
                    run_uuid=run_id,
                    name=f"run-{i}",
                    source_type="NOTEBOOK",
                    source_name="/work/train.ipynb",
                    user_id="bench",
                    status="FINISHED",
                    start_time=start,
                    end_time=start + rng.randint(100, 5000),
                    lifecycle_stage="active",
                    artifact_uri=f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts",
                    experiment_id=int(experiment_id),
                )
            )
            rows += [
                SqlParam(run_uuid=run_id, key="alpha", value=str(round(rng.random(), 3))),
                SqlParam(run_uuid=run_id, key="model", value=model),
            ]
            for key, value in (("rmse", rmse), ("r2", r2)):
                rows.append(SqlMetric(run_uuid=run_id, key=key, value=value, timestamp=start))
                rows.append(SqlLatestMetric(run_uuid=run_id, key=key, value=value, timestamp=start))
            rows += [
                SqlTag(run_uuid=run_id, key="mlflow.runName", value=f"run-{i}"),
                SqlTag(run_uuid=run_id, key="mlflow.user", value="bench"),
                SqlTag(run_uuid=run_id, key="mlflow.source.name", value="/work/train.ipynb"),
                SqlTag(run_uuid=run_id, key="mlflow.source.type", value="NOTEBOOK"),
            ]
        session.add_all(rows)
        session.commit()
        count = session.execute(
            sa.text("SELECT count(*) FROM runs WHERE experiment_id = :e"),
            {"e": int(experiment_id)},
        ).scalar()
    engine.dispose()
    assert count == n, f"{count} runs written, {n} expected"
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_jupyter(home: Path, root: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "LAKEHOUSE_HOME": str(home)}
    env.pop("MLFLOW_TRACKING_URI", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "server",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}",
            "--ServerApp.allow_root=True",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/api/status", headers=auth(), timeout=2).ok:
                return proc, base
        except requests.RequestException:
            pass
        time.sleep(0.5)
    stop(proc)
    raise RuntimeError("the Jupyter server did not start")


def auth() -> dict:
    return {"Authorization": f"token {TOKEN}"}


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    args = parser.parse_args()

    from mlflow import MlflowClient

    workdir = Path(tempfile.mkdtemp(prefix="bench-mlflow-"))
    home, root = workdir / "home", workdir / "root"
    root.mkdir(parents=True)
    service = MLflowService(home)
    proc = None
    try:
        started = time.perf_counter()
        service.ensure_ready()
        server_start = time.perf_counter() - started
        uri = service.tracking_uri
        client = MlflowClient(uri)
        experiment_id = client.create_experiment("bench-10k")
        write = log_runs(service.server.db_path, experiment_id, args.runs)
        proc, base = start_jupyter(home, root)
        route = f"{base}/lakehouse/api/mlflow/experiments/{experiment_id}/runs"

        def ours(params: dict):
            r = requests.get(route, params=params, headers=auth(), timeout=120)
            r.raise_for_status()
            return r.json()["runs"]

        def theirs(**kwargs):
            return list(client.search_runs([experiment_id], max_results=PAGE, **kwargs))

        # MLflow's own sort by a metric on a store SQLite has no statistics for (the route's
        # first call runs ANALYZE; see TrackingServer.refresh_statistics).
        unanalyzed, _, _ = timed(lambda: theirs(order_by=[ORDER]), repeats=0)
        first_ours = timed(lambda: ours({"max_results": PAGE}))
        first_theirs = timed(lambda: theirs())
        filtered_params = {"max_results": PAGE, "filter": FILTER, "order_by": ORDER}
        filtered_ours = timed(lambda: ours(filtered_params))
        filtered_theirs = timed(lambda: theirs(filter_string=FILTER, order_by=[ORDER]))
        sorted_ours = timed(lambda: ours({"max_results": PAGE, "order_by": ORDER}))
        sorted_theirs = timed(lambda: theirs(order_by=[ORDER]))

        same = [r["run_id"] for r in filtered_ours[2]] == [
            r.info.run_id for r in filtered_theirs[2]
        ]
        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}")  # fmt: skip
        print(f"tracking server start: {server_start:.1f} s; {args.runs} runs written in "
              f"{write:.1f} s")  # fmt: skip
        print(f"filtered page: {len(filtered_ours[2])} runs, same runs in the same order as "
              f"MLflow: {same}")  # fmt: skip
        print(f"MLflow's sort by a metric before ANALYZE: {unanalyzed * 1000:.0f} ms")
        print()
        print(f"{'':36} {'route cold':>10} {'route':>8} {'MLflow':>8} {'ratio':>7}")
        for label, (cold, warm, _), (_, base_warm, _) in (
            ("first page (100 runs, newest first)", first_ours, first_theirs),
            ("filtered + sorted page", filtered_ours, filtered_theirs),
            ("all runs sorted by a metric", sorted_ours, sorted_theirs),
        ):
            print(
                f"{label:36} {cold * 1000:8.0f}ms {warm * 1000:6.0f}ms "
                f"{base_warm * 1000:6.0f}ms {warm / base_warm:6.2f}x"
            )
    finally:
        if proc is not None:
            stop(proc)
        service.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
