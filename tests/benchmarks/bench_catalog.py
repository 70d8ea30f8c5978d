"""The catalog browser on a schema of 10 000 tables, and opening a Delta table's page.

    python tests/benchmarks/bench_catalog.py [--tables 10000]

A throwaway workspace home with one cluster (local[2], in-memory metastore: 10 000 views are
made in seconds there, where the Derby-backed Hive metastore takes ~90 ms per view). Measured
in one run, on the service layer (CatalogService, what the REST handlers call):

1. first page of the schema's listing, cold (refresh=true: SHOW TABLES + SHOW VIEWS), and
   from the short-lived cache;
2. `spark.catalog.listTables` of the same schema on the same Spark Connect session;
3. search over the index (table names from the listing), first and warm;
4. a table page: details + history + sample rows of copies of shared Delta tables (one with a
   classic checkpoint, one with a v2 checkpoint, which delta-rs cannot read: no sample).

Targets: first page < 1 s, search < 1 s, first page faster than listTables. Not a test:
nothing here asserts. The background describer is off, so it does not compete for the cores.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyter_lakehouse.services.catalog import CatalogService  # noqa: E402
from jupyter_lakehouse.services.clusters import ClusterManager, process  # noqa: E402

SHARED = Path("/work/shared/data/delta-tables")
SCHEMA = "bench"
RUNS = 3


def timed(fn, runs: int = 1) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return (statistics.median(times) if runs > 1 else times[0]), result


def make_views(spark, n: int) -> float:
    """n views in one SQL script (one round trip): the server loops, not the client."""
    spark.sql(f"CREATE SCHEMA IF NOT EXISTS spark_catalog.{SCHEMA}")
    started = time.perf_counter()
    spark.sql(
        f"""
        BEGIN
          DECLARE i INT = 0;
          WHILE i < {n} DO
            EXECUTE IMMEDIATE 'CREATE VIEW spark_catalog.{SCHEMA}.table_'
              || lpad(CAST(i AS STRING), 5, '0') || ' AS SELECT 1 AS id, ''x'' AS name';
            SET i = i + 1;
          END WHILE;
        END
        """
    ).collect()
    return time.perf_counter() - started


def register_delta(spark, engine: dict | None, home: Path) -> dict[str, Path]:
    """Copies of shared Delta tables, in the catalog the way the offline engine registers them."""
    from pyspark.sql.types import StructType

    from jupyter_lakehouse.services.catalog import deltalog
    from jupyter_lakehouse.services.delta import catalog as delta_catalog
    from jupyter_lakehouse.services.delta import client as delta_client
    from jupyter_lakehouse.services.delta.files import spark_schema_json
    from jupyter_lakehouse.services.delta.source import LOCATION_KEY, MANAGED_KEY

    delta_client.attach(spark, engine)
    out = {}
    for name in ("simple_table_with_checkpoint", "checkpoint-v2-table"):
        location = home / "tables" / name
        shutil.copytree(SHARED / name, location, copy_function=shutil.copyfile)
        table = name.replace("-", "_")
        parts = ["spark_catalog", "default", table]
        snap = deltalog.snapshot(location)
        if not snap.unreadable_features():
            delta_catalog.register(spark, parts, str(location), False, None)
        else:
            # As a delta-spark cluster sharing the metastore would have made it (see
            # tests/handlers/test_catalog_api.py): a stand-in `delta` source that reads nothing.
            from pyspark.sql.datasource import DataSource, DataSourceReader

            class Reader(DataSourceReader):
                def read(self, partition):
                    return iter(())

            class StandIn(DataSource):
                @classmethod
                def name(cls):
                    return "delta"

                def reader(self, schema):
                    return Reader()

            spark.dataSource.register(StandIn)
            schema = spark_schema_json(snap.metadata["schemaString"])
            schema["fields"][0].setdefault("metadata", {}).update(
                {LOCATION_KEY: str(location), MANAGED_KEY: "false"}
            )
            spark.catalog.createTable(
                ".".join(f"`{p}`" for p in parts),
                path=str(location),
                source="delta",
                schema=StructType.fromJson(schema),
            )
        out[table] = location
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tables", type=int, default=10_000)
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    home = Path(tempfile.mkdtemp(prefix="bench-catalog-"))
    manager = ClusterManager(home, start_timeout=180)
    service = None
    setup = None
    try:
        manager.update(
            "local",
            {
                "master": "local[2]",
                "metastore": "none",
                "spark_conf": {"spark.sql.shuffle.partitions": "2"},
            },
        )
        started = time.perf_counter()
        info = manager.ensure_running("local", timeout=180)
        print(f"cluster started in {time.perf_counter() - started:.1f} s ({info.master})")
        setup = SparkSession.builder.remote(
            manager.connect_url("local", str(uuid.uuid4()))
        ).create()
        made = make_views(setup, args.tables)
        print(f"{args.tables} views created in {made:.1f} s (one SQL script)")
        tables = register_delta(setup, info.delta_engine, home)

        service = CatalogService(home, manager, index=False)
        # The service's session, connected and warmed once (a panel opens the catalogs first).
        service.catalogs("local")
        service.schemas("local", "spark_catalog")

        cold, page = timed(
            lambda: service.tables("local", "spark_catalog", SCHEMA, limit=100, refresh=True),
            RUNS,
        )
        cached, _ = timed(lambda: service.tables("local", "spark_catalog", SCHEMA, limit=100), RUNS)
        spark, _engine = service.sessions.get("local")
        list_tables, listed = timed(lambda: spark.catalog.listTables(f"spark_catalog.{SCHEMA}"))
        assert page["total"] == args.tables == len(listed), (page["total"], len(listed))

        first_search, found = timed(lambda: service.search("local", "table_0999"))
        warm_search, _ = timed(lambda: service.search("local", "table_0999"), RUNS)
        # Columns: what the background describer does, at full speed here (1 000 tables).
        keys = [("spark_catalog", SCHEMA, f"table_{i:05d}") for i in range(1000)]
        described, _ = timed(
            lambda: [service._describe("local", keys[i : i + 50]) for i in range(0, 1000, 50)]
        )
        column_search, columns = timed(lambda: service.search("local", "name"), RUNS)

        pages = {}
        for table in tables:

            def open_page(table=table) -> dict:
                details = service.table("local", "spark_catalog", "default", table)
                history = service.history("local", "spark_catalog", "default", table)
                sample = None
                if details["preview"]["supported"]:
                    sample = service.preview("local", "spark_catalog", "default", table)
                return {"details": details, "history": history, "sample": sample}

            first, result = timed(open_page)
            warm, _ = timed(open_page, RUNS)
            pages[table] = (first, warm, result)

        print()
        machine = f"{platform.machine()}, {os.cpu_count()} cores"
        print(f"machine: {machine}, Python {platform.python_version()}")
        print(f"schema of {args.tables} views, in-memory metastore, local[2]")
        print(f"  first page (100 names), cold:        {cold * 1000:7.0f} ms  (median of {RUNS})")
        print(f"  first page, cached:                   {cached * 1000:7.1f} ms")
        print(f"  spark.catalog.listTables, same session: {list_tables * 1000:7.0f} ms")
        print(f"  => first page is {list_tables / cold:.1f}x faster than listTables")
        print(
            f"  search 'table_0999', first (the index lists the catalog): "
            f"{first_search * 1000:.0f} ms, {found['total']} hits"
        )
        print(f"  search, warm:                         {warm_search * 1000:7.1f} ms")
        print(
            f"  describing 1000 tables (SHOW TABLE EXTENDED, 50 per call): {described:.1f} s "
            f"({1000 / described:.0f} tables/s)"
        )
        print(
            f"  search 'name' (column hits):          {column_search * 1000:7.1f} ms, "
            f"{columns['total']} hits"
        )
        for table, (first, warm, result) in pages.items():
            sample = result["sample"]
            rows = (
                sample["row_count"]
                if sample
                else f"none ({result['details']['preview']['reason'][:40]}...)"
            )
            print(
                f"  table page {table}: first {first * 1000:.0f} ms, warm {warm * 1000:.0f} ms "
                f"(details + {len(result['history']['history'])} versions + sample rows: {rows})"
            )
        print()
        verdict = [
            ("first page < 1 s", cold < 1.0),
            ("search < 1 s", max(first_search, warm_search) < 1.0),
            ("first page faster than listTables", cold < list_tables),
        ]
        for label, ok in verdict:
            print(f"  {'OK  ' if ok else 'MISS'} {label}")
    finally:
        if service is not None:
            service.close()
        if setup is not None:
            with contextlib.suppress(Exception):
                setup.stop()
        for name in manager.store.names():
            with contextlib.suppress(Exception):
                manager.stop(name)
            process.sweep(str(manager.store.dir(name)))
        manager.close()
        shutil.rmtree(home, ignore_errors=True)
        sys.stdout.flush()
        # delta-rs may abort while the interpreter shuts down (data/delta-tables/README.md).
        os._exit(0)


if __name__ == "__main__":
    main()
