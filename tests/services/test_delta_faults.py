"""Faults of the offline Delta engine: a writer killed before its commit, failed jobs, and
concurrent writers (delta-rs's optimistic concurrency: appends retry, the count is exact).

The kill is injected with the data source's documented test hook: LAKEHOUSE_DELTA_FAULT=
kill-before-commit makes `commit()` SIGKILL its own process after the files are written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import deltalake
import pyarrow as pa
import pytest

from jupyter_lakehouse.services.delta import client
from jupyter_lakehouse.services.delta.source import FAULT_ENV
from tests.fixtures.clusters import spark_session

pytestmark = pytest.mark.timeout(300)

# A process that is the driver and the tasks of one write through the data source: it writes
# `n` rows starting at `first` in `commits` separate appends.
WRITER = textwrap.dedent(
    """
    import sys
    import pyarrow as pa
    from pyspark.sql.types import LongType, StringType, StructField, StructType
    from jupyter_lakehouse.services.delta.source import DeltaDataSource

    path, first, n, commits, who = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \\
        int(sys.argv[4]), sys.argv[5]
    schema = StructType([StructField("id", LongType()), StructField("who", StringType())])
    per = n // commits
    for c in range(commits):
        start = first + c * per
        ids = list(range(start, start + per))
        batch = pa.RecordBatch.from_pydict(
            {"id": pa.array(ids, pa.int64()), "who": [who] * len(ids)}
        )
        writer = DeltaDataSource({"path": path}).writer(schema, False)
        halves = [writer.write(iter([batch.slice(0, per // 2)])),
                  writer.write(iter([batch.slice(per // 2)]))]
        writer.commit(halves)
    print("committed", flush=True)
    """
)


def run_writer(
    path: Path, first: int, n: int, commits: int, who: str, env: dict | None = None
) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(first), str(n), str(commits), who],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def rows(path: Path) -> list[dict]:
    return pa.table(deltalake.DeltaTable(str(path)).scan()).to_pylist()


def parquet_files(path: Path) -> set[str]:
    return {str(p) for p in path.rglob("*.parquet")}


def test_a_writer_killed_before_its_commit_leaves_the_table_as_it_was(tmp_path):
    path = tmp_path / "t"
    first = run_writer(path, 0, 10, 1, "first")
    assert first.wait(60) == 0, first.stderr.read()
    before_files = parquet_files(path)
    assert deltalake.DeltaTable(str(path)).version() == 0

    killed = run_writer(path, 100, 10, 1, "killed", env={FAULT_ENV: "kill-before-commit"})
    assert killed.wait(60) == -signal.SIGKILL
    assert "committed" not in killed.stdout.read()
    orphans = parquet_files(path) - before_files
    assert len(orphans) == 2  # its two tasks' files were written...
    table = deltalake.DeltaTable(str(path))
    assert table.version() == 0  # ...but never committed: invisible
    assert sorted(r["id"] for r in rows(path)) == list(range(10))
    assert not list((path / "_delta_log").glob("*.tmp*"))

    after = run_writer(path, 200, 10, 1, "after")
    assert after.wait(60) == 0, after.stderr.read()
    assert deltalake.DeltaTable(str(path)).version() == 1
    assert sorted(r["id"] for r in rows(path)) == list(range(10)) + list(range(200, 210))
    # VACUUM (which looks for unreferenced files, as on Databricks) takes the orphans.
    deleted = deltalake.DeltaTable(str(path)).vacuum(
        retention_hours=0, dry_run=False, enforce_retention_duration=False, full=True
    )
    assert {os.path.join(str(path), d) for d in deleted} >= orphans


def test_eight_concurrent_appending_processes(tmp_path):
    path = tmp_path / "t"
    seed = run_writer(path, -1, 2, 1, "seed")  # creates the table (version 0)
    assert seed.wait(60) == 0, seed.stderr.read()
    writers, per_writer, commits = 8, 40, 4
    procs = [run_writer(path, 1000 * (i + 1), per_writer, commits, f"w{i}") for i in range(writers)]
    for p in procs:
        assert p.wait(120) == 0, p.stderr.read()
    table = deltalake.DeltaTable(str(path))
    # Every append got a version of its own: none lost, none merged, none half-written.
    assert table.version() == writers * commits
    got = sorted(r["id"] for r in rows(path))
    want = sorted([-1, 0] + [1000 * (i + 1) + k for i in range(writers) for k in range(per_writer)])
    assert got == want
    history = table.history()
    assert len(history) == writers * commits + 1


def test_concurrent_spark_appends_and_a_failed_job(cluster_manager, tmp_path):
    info = cluster_manager.ensure_running("local", timeout=150)
    path = str(tmp_path / "spark")
    with spark_session(info.connect_url) as spark:
        client.attach(spark, info.delta_engine)
        spark.range(0).write.format("delta").save(path)
        before = parquet_files(Path(path))
        # A job with a failing task: Spark aborts, the source deletes what the others wrote.
        bad = spark.range(0, 100, 1, 2).selectExpr("IF(id = 77, raise_error('boom'), id) AS id")
        with pytest.raises(Exception, match="boom"):
            bad.write.format("delta").mode("append").save(path)
        assert parquet_files(Path(path)) == before
        assert deltalake.DeltaTable(path).version() == 0

        errors: list[BaseException] = []

        def append(i: int) -> None:
            try:
                with spark_session(info.connect_url) as own:
                    client.attach(own, info.delta_engine)
                    own.range(i * 100, i * 100 + 25).write.format("delta").mode("append").save(path)
            except BaseException as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=append, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(240)
        assert not errors, errors
        assert deltalake.DeltaTable(path).version() == 4
        ids = sorted(r.id for r in spark.read.format("delta").load(path).collect())
        assert ids == sorted(i * 100 + k for i in range(4) for k in range(25))
