"""Benchmark of the offline Delta engine (a script, not a test): write and read throughput.

    .venv/bin/python tests/benchmarks/bench_delta.py [--rows 1000000 10000000] [--url sc://...]

For each size, the same rows (id, k, x, s: bigint, bigint, double, string) are written and read
three ways, and the figures of this one run are printed:

- the offline engine: df.write.format("delta").save() / spark.read.format("delta").load(),
  through Spark (distributed tasks, one delta-rs commit; reads by the native path: Spark's
  Parquet source on the files delta-rs lists, services/delta/native.py);
- reads through the `delta` Python data source too (the path before the native one, still
  used for column mapping and as the fallback);
- Spark's own Parquet source on the same cluster (the targets: offline reads within 1.5x of
  it, writes within 2x);
- delta-rs directly in this process: write_deltalake() / DeltaTable.to_pyarrow_table().

The paths compared with each other are timed in rounds, each path once per round in a rotating
order, so that all of them see the same load on a shared machine; each time is the median over
the rounds and each ratio the median of the per-round ratios. Reads are timed as a scan that
needs every value (sums over all four columns), so neither source can answer from metadata
alone. Both Spark paths are warmed once (Python workers, imports, JIT) before they are timed.
Without --url a private local[2] cluster is started in a temporary home and stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


def machine() -> str:
    import psutil

    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, Python {platform.python_version()}"
    )


@contextmanager
def cluster(url: str | None):
    if url:
        yield url, None
        return
    from jupyter_lakehouse.services.clusters import ClusterManager

    home = Path(tempfile.mkdtemp(prefix="bench-delta-"))
    manager = ClusterManager(home, start_timeout=180, delta_maven=False)
    try:
        manager.update(
            "local",
            {
                "master": "local[2]",
                "driver_memory": "4g",
                "metastore": "none",
                "spark_conf": {"spark.sql.shuffle.partitions": "2"},
            },
        )
        info = manager.ensure_running("local", timeout=180)
        yield info.connect_url, info.delta_engine
    finally:
        from jupyter_lakehouse.services.clusters import process

        try:
            manager.stop("local")
        finally:
            process.sweep(str(manager.store.dir("local")))  # whatever a cut-short start left
            manager.close()
            shutil.rmtree(home, ignore_errors=True)


ROUNDS = 5


def median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def rounds(paths: dict, out: dict, prefix: str, base: str, setups: dict | None = None) -> None:
    """Time each path once per round, in a rotating order, for ROUNDS rounds.

    Puts the median time of each path in out[f"{prefix}_{name}"] and the median of the
    per-round ratios to `base` in out[f"{prefix}_{name}_ratio"]: one round's paths ran under
    the same load, so their ratio is far steadier than a ratio of separately taken medians.
    """
    setups = setups or {}
    names = list(paths)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(ROUNDS):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            if name in setups:
                setups[name]()
            start = time.perf_counter()
            paths[name]()
            times[name].append(time.perf_counter() - start)
    for name in names:
        out[f"{prefix}_{name}"] = median(times[name])
        ratios = [t / b for t, b in zip(times[name], times[base], strict=True)]
        out[f"{prefix}_{name}_ratio"] = median(ratios)


def spark_frame(spark, rows: int):
    return spark.range(0, rows, 1, 2).selectExpr(
        "id", "id % 100 AS k", "id * 1.5 AS x", "concat('name-', id % 1000) AS s"
    )


def arrow_table(rows: int):
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = np.arange(rows, dtype=np.int64)
    names = pc.binary_join_element_wise("name-", pa.array(ids % 1000).cast(pa.string()), "")
    return pa.table({"id": ids, "k": ids % 100, "x": ids * 1.5, "s": names})


def scan(df):
    from pyspark.sql.connect import functions as F

    return df.agg(F.sum("id"), F.sum("k"), F.sum("x"), F.max(F.length("s"))).collect()


def run(spark, rows: int, work: Path) -> dict:
    import deltalake
    from pyspark.sql.connect import functions as F

    out: dict = {"rows": rows}
    df = spark_frame(spark, rows)
    delta_path, parquet_path, rs_path = work / "delta", work / "parquet", work / "rs"
    for p in (delta_path, parquet_path, rs_path):
        shutil.rmtree(p, ignore_errors=True)

    # Warm both write paths (Python workers, imports, the JVM's code) before timing.
    small = spark_frame(spark, 1000)
    small.write.format("delta").save(str(delta_path))
    small.write.parquet(str(parquet_path))
    for p in (delta_path, parquet_path):
        shutil.rmtree(p, ignore_errors=True)

    def clear(path: Path):
        return lambda: shutil.rmtree(path, ignore_errors=True)

    data = arrow_table(rows)
    rounds(
        {
            "offline": lambda: df.write.format("delta").save(str(delta_path)),
            "parquet": lambda: df.write.parquet(str(parquet_path)),
            "delta_rs": lambda: deltalake.write_deltalake(str(rs_path), data),
        },
        out,
        "write",
        base="parquet",
        setups={
            "offline": clear(delta_path),
            "parquet": clear(parquet_path),
            "delta_rs": clear(rs_path),
        },
    )

    from jupyter_lakehouse.services.delta.native import OPT_NATIVE, DeltaScan

    def offline(native: bool = True):
        reader = spark.read.format("delta")
        if not native:
            reader = reader.option(OPT_NATIVE, "false")
        df = reader.load(str(delta_path))
        assert isinstance(df._plan, DeltaScan) == native
        return df

    expected = scan(spark.read.parquet(str(parquet_path)))
    # Warm every path once (Python workers, file listings) before the timed rounds.
    assert scan(offline()) == expected
    assert scan(offline(native=False)) == expected
    rounds(
        {
            "offline": lambda: scan(offline()),
            "source": lambda: scan(offline(native=False)),
            "parquet": lambda: scan(spark.read.parquet(str(parquet_path))),
            "delta_rs": lambda: deltalake.DeltaTable(str(rs_path)).to_pyarrow_table(),
        },
        out,
        "read",
        base="parquet",
    )
    # One column of four: Spark's Parquet reader prunes the others (so does the native
    # path); a Python data source cannot (Spark 4.2's API has no column pruning).
    rounds(
        {
            "offline": lambda: offline().agg(F.sum("id")).collect(),
            "source": lambda: offline(native=False).agg(F.sum("id")).collect(),
            "parquet": lambda: spark.read.parquet(str(parquet_path)).agg(F.sum("id")).collect(),
        },
        out,
        "one_column",
        base="parquet",
    )
    out["files_offline"] = len(deltalake.DeltaTable(str(delta_path)).file_uris())
    for p in (delta_path, parquet_path, rs_path):
        shutil.rmtree(p, ignore_errors=True)
    return out


def report(r: dict) -> None:
    n = r["rows"]

    def rate(seconds: float) -> str:
        return f"{n / seconds / 1e6:6.2f} M rows/s"

    print(f"\n== {n:,} rows (offline engine wrote {r['files_offline']} files)")
    for what in ("write", "read"):
        print(f"  {what}:")
        for key, label in (
            (
                "offline",
                "offline engine (native read path)" if what == "read" else "offline engine",
            ),
            ("source", "offline engine, `delta` data source"),
            ("parquet", "Spark Parquet"),
            ("delta_rs", "delta-rs in-process"),
        ):
            if f"{what}_{key}" not in r:
                continue
            t = r[f"{what}_{key}"]
            print(f"    {label:40s} {t:8.2f} s  {rate(t)}")
        ratio = r[f"{what}_offline_ratio"]
        target = 2.0 if what == "write" else 1.5
        verdict = "meets" if ratio <= target else "misses"
        print(
            f"    offline / Spark Parquet = {ratio:.2f}x  ({verdict} the {target}x target); "
            f"offline / delta-rs = {r[f'{what}_offline'] / r[f'{what}_delta_rs']:.2f}x (medians)"
        )
    one, pq, src = r["one_column_offline"], r["one_column_parquet"], r["one_column_source"]
    one_x, src_x = r["one_column_offline_ratio"], r["one_column_source_ratio"]
    print(
        f"  sum of one column: offline {one:.2f} s, Spark Parquet {pq:.2f} s ({one_x:.2f}x); "
        f"through the data source {src:.2f} s ({src_x:.2f}x, it reads all four columns)"
    )
    print(f"  full scan through the data source / Spark Parquet = {r['read_source_ratio']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--url", help="an existing Spark Connect URL (offline engine)")
    args = parser.parse_args()
    from pyspark.sql.connect.session import SparkSession

    from jupyter_lakehouse.services.delta import client

    print(f"machine: {machine()}, load average {os.getloadavg()[0]:.1f} at the start")
    with cluster(args.url) as (url, engine):
        spark = SparkSession.builder.remote(url).create()
        try:
            session = client.attach(spark, engine)
            print(f"engine: {session.engine} ({session.reason})")
            work = Path(tempfile.mkdtemp(prefix="bench-delta-data-"))
            try:
                for rows in args.rows:
                    report(run(spark, rows, work))
                    print(f"  load average after: {os.getloadavg()[0]:.1f}")
            finally:
                shutil.rmtree(work, ignore_errors=True)
        finally:
            spark.stop()


if __name__ == "__main__":
    main()
