"""The offline engine's native read path (services/delta/native.py, nativesql.py) on the
session's real cluster: Spark's Parquet source on the files delta-rs resolves, against delta-rs
and against the `delta` data source, with partition pruning, time travel and every type."""

from __future__ import annotations

import datetime as dt
import decimal
import shutil
import uuid
from pathlib import Path

import deltalake
import pyarrow as pa
import pytest

from jupyter_lakehouse.delta import DeltaTable
from jupyter_lakehouse.services.delta import native
from jupyter_lakehouse.services.delta.files import file_location

from .delta_session import READABLE, REFUSED, TABLES, canonical, offline_session, oracle, routed_sql

pytestmark = pytest.mark.timeout(300)

NOT_PLAIN = {"table_with_column_mapping": "column mapping"}


@pytest.fixture(scope="module")
def spark(cluster_manager):
    with offline_session(cluster_manager) as session:
        yield session


@pytest.fixture(scope="module")
def sql(spark):
    return routed_sql(spark)


@pytest.fixture
def name(sql):
    table = f"n_{uuid.uuid4().hex[:8]}"
    yield table
    sql(f"DROP TABLE IF EXISTS {table}")


def plan_text(df) -> str:
    return df._explain_string("simple")


def is_native(df) -> bool:
    text = plan_text(df)
    return ("FileScan parquet" in text or "LocalTableScan" in text) and "BatchScan" not in text


def through_source(spark, path: str, **options):
    reader = spark.read.format("delta").option(native.OPT_NATIVE, "false")
    for key, value in options.items():
        reader = reader.option(key, value)
    return reader.load(path)


@pytest.mark.parametrize("table", READABLE)
def test_every_readable_table_reads_like_delta_rs(spark, table):
    path = str(TABLES / table)
    df = spark.read.format("delta").load(path)
    if table in NOT_PLAIN:
        # Column mapping renames Parquet columns: the data source reads it, as before.
        assert not isinstance(df._plan, native.DeltaScan)
        with pytest.raises(native.NotNative, match=NOT_PLAIN[table]):
            native.build_snapshot(path)
    else:
        assert isinstance(df._plan, native.DeltaScan) and is_native(df)
    assert canonical(df.collect()) == canonical(oracle(path))


def test_refused_tables_still_fail_clearly(spark):
    for table, feature in REFUSED.items():
        with pytest.raises(Exception) as err:
            spark.read.format("delta").load(str(TABLES / table)).collect()
        assert feature in str(err.value) and "delta_jars" in str(err.value)
    assert spark.range(3).count() == 3


def corrupt_all_but(location: Path, keep) -> int:
    """Overwrite the data files whose log path fails `keep` with garbage: a read of any of
    them fails, so a query that succeeds did not open them (pruned at planning)."""
    table = deltalake.DeltaTable(str(location))
    broken = 0
    for path in pa.table(table.get_add_actions(flatten=True)).column("path").to_pylist():
        if not keep(path):
            Path(file_location(str(location), path)).write_bytes(b"not parquet at all")
            broken += 1
    return broken


def test_hive_partitions_are_pruned_by_spark(spark, tmp_path):
    location = tmp_path / "partitioned"
    shutil.copytree(TABLES / "delta-0.8.0-partitioned", location)
    assert native.snapshot(str(location)).hive
    expected = [r for r in oracle(location) if r["year"] == "2020" and r["month"] == "1"]
    assert corrupt_all_but(location, lambda p: p.startswith("year=2020/month=1/")) > 0
    df = spark.read.format("delta").load(str(location)).where("year = '2020' AND month = '1'")
    assert "PartitionFilters: [" in plan_text(df)
    assert canonical(df.collect()) == canonical(expected)
    with pytest.raises(Exception, match=r"(?i)parquet"):
        spark.read.format("delta").load(str(location)).collect()


def test_partition_types_nulls_and_union_pruning(spark, tmp_path):
    location = str(tmp_path / "typed")
    rows = [
        (1, dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 10, 30), 7, "a/b c", True, "1.50"),
        (2, dt.date(2024, 1, 3), dt.datetime(2024, 1, 3, 0, 0, 1), None, None, False, "2.25"),
        (3, None, None, 7, "", None, None),
        (4, dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 10, 30), 8, "x=y%z", True, "1.50"),
    ]
    df = (
        spark.createDataFrame(
            rows, "id long, d date, ts timestamp, n int, s string, b boolean, m string"
        )
        .selectExpr("*", "CAST(m AS DECIMAL(10,2)) AS dec")
        .drop("m")
    )
    parts = ["d", "ts", "n", "s", "b", "dec"]
    df.write.format("delta").partitionBy(*parts).save(location)
    snap = native.snapshot(location)
    assert not snap.hive and len(snap.groups) == 4  # timestamps and decimals: typed literals
    read = spark.read.format("delta").load(location)
    assert is_native(read) and read.columns == ["id", *parts]
    assert canonical(read.collect()) == canonical(through_source(spark, location).collect())
    # delta-rs agrees on every value (its timestamps are UTC; Spark's session zone is UTC).
    by_id = {r["id"]: r for r in oracle(location)}
    for row in read.collect():
        mine = row.asDict()
        theirs = by_id[mine["id"]]
        assert mine["d"] == theirs["d"] and mine["n"] == theirs["n"]
        assert mine["s"] == (theirs["s"] or None) and mine["b"] == theirs["b"]
        assert mine["dec"] == theirs["dec"]
        assert (mine["ts"] is None) == (theirs["ts"] is None)
    # Hive-typed partitions only (date, int, string, boolean): discovered from the paths.
    hive = str(tmp_path / "hive")
    df.drop("ts", "dec").write.format("delta").partitionBy("d", "n", "s", "b").save(hive)
    assert native.snapshot(hive).hive
    assert canonical(spark.read.format("delta").load(hive).collect()) == canonical(
        through_source(spark, hive).collect()
    )
    # Union branches whose literal fails the filter are dropped before any file is opened.
    assert corrupt_all_but(Path(location), lambda p: "n=8" in p) == 3
    picked = spark.read.format("delta").load(location).where("n = 8").collect()
    assert [r.id for r in picked] == [4] and picked[0].dec == decimal.Decimal("1.50")


def test_every_type_reads_as_the_data_source_does(spark, tmp_path):
    location = str(tmp_path / "types")
    df = spark.range(0, 40, 1, 2).selectExpr(
        "CAST(id AS TINYINT) AS b",
        "CAST(id * 300 AS SMALLINT) AS sh",
        "CAST(id AS INT) AS i",
        "id * 10000000000 AS l",
        "CAST(id / 3 AS FLOAT) AS f",
        "id / 7 AS d",
        "CAST(id / 3 AS DECIMAL(10,2)) AS dec",
        "CAST(id AS DECIMAL(38,10)) AS wide",
        "IF(id % 5 = 0, NULL, concat('s', id)) AS s",
        "CAST(concat('b', id) AS BINARY) AS bin",
        "id % 2 = 0 AS flag",
        "date_add(DATE'2024-02-28', CAST(id AS INT)) AS day",
        "TIMESTAMP'2024-03-10 01:59:59.123456' + make_interval(0,0,0,0,CAST(id AS INT)) AS ts",
        "CAST(TIMESTAMP_NTZ'2024-01-01 12:00:00' AS TIMESTAMP_NTZ) AS ntz",
        "array(CAST(id AS INT), NULL) AS arr",
        "map('k', CAST(id AS INT)) AS m",
        "named_struct('x', CAST(id AS INT), 'y', named_struct('z', concat('z', id))) AS st",
    )
    df.write.format("delta").save(location)
    read = spark.read.format("delta").load(location)
    assert isinstance(read._plan, native.DeltaScan) and is_native(read)
    assert read.schema.simpleString() == through_source(spark, location).schema.simpleString()
    assert canonical(read.collect()) == canonical(through_source(spark, location).collect())
    assert len(oracle(location)) == 40
    # One column of seventeen: Spark reads only that column from the files.
    assert "ReadSchema: struct<l:bigint>" in plan_text(read.select("l"))


def test_time_travel_latest_and_the_delta_table_api(spark, sql, tmp_path):
    path = str(TABLES / "simple_table")
    for version in range(5):
        df = spark.read.format("delta").option("versionAsOf", version).load(path)
        assert is_native(df)
        expected = pa.table(deltalake.DeltaTable(path, version=version).scan()).to_pylist()
        assert canonical(df.collect()) == canonical(expected)
        routed = sql(f"SELECT * FROM delta.`{path}` VERSION AS OF {version}")
        assert canonical(routed.collect()) == canonical(expected)
    with pytest.raises(Exception, match="Available versions"):
        spark.read.format("delta").option("versionAsOf", 9).load(path).collect()
    # A DataFrame of the latest version reads the version current at each action (as the
    # data source does); a time-travel one keeps its version.
    location = str(tmp_path / "growing")
    spark.range(3).write.format("delta").save(location)
    latest = spark.read.format("delta").load(location)
    first = spark.read.format("delta").option("versionAsOf", 0).load(location)
    as_api = DeltaTable.forPath(spark, location).toDF()
    assert latest.count() == first.count() == as_api.count() == 3
    spark.range(3, 5).write.format("delta").mode("append").save(location)
    assert latest.count() == as_api.count() == 5 and first.count() == 3
    assert is_native(as_api)
    stamp = deltalake.DeltaTable(location).history()[-1]["timestamp"]
    at = dt.datetime.fromtimestamp(stamp / 1000 + 0.0005, dt.UTC).replace(tzinfo=None)
    by_time = spark.read.format("delta").option("timestampAsOf", at.isoformat()).load(location)
    assert is_native(by_time) and by_time.count() == 3
    # A table deleted and created again at the same path starts again at version 0: its
    # snapshot is the new one's, not the cached old one's.
    shutil.rmtree(location)
    spark.range(100, 107).write.format("delta").save(location)
    again = spark.read.format("delta").option("versionAsOf", 0).load(location)
    assert sorted(r.id for r in again.collect()) == list(range(100, 107))
    assert latest.count() == 7


def test_sql_and_table_reads_of_catalog_tables(spark, sql, name):
    sql(f"CREATE TABLE {name} (id INT, v STRING, p STRING) USING DELTA PARTITIONED BY (p)")
    sql(f"INSERT INTO {name} VALUES (1, 'a', 'x'), (2, 'b', 'y'), (3, '{{c}}', 'x')")
    table = spark.table(name)
    assert is_native(table) and table.select(f"{name}.id").count() == 3
    got = sql(f"SELECT {name}.id, v FROM {name} WHERE p = :p ORDER BY id", {"p": "x"})
    assert is_native(got) and [tuple(r) for r in got.collect()] == [(1, "a"), (3, "{c}")]
    joined = sql(
        f"SELECT a.id FROM {name} a JOIN default.{name} b ON a.id = b.id "
        f"WHERE a.id IN (SELECT id FROM {name} WHERE v LIKE '{{%') "
    )
    assert [r.id for r in joined.collect()] == [3]
    # A CTE of the same name is not the table; a view over the table is left to Spark.
    assert sql(f"WITH {name} AS (SELECT 9 AS id) SELECT * FROM {name}").first().id == 9
    view = f"{name}_v"
    sql(f"CREATE TEMP VIEW {view} AS SELECT * FROM {name} WHERE id > 1")
    try:
        assert sql(f"SELECT count(*) AS n FROM {view}").first().n == 2
        assert spark.table(view).count() == 2
        assert not is_native(spark.table(view))
    finally:
        spark.sql(f"DROP VIEW IF EXISTS {view}")
    # The router's own queries (INSERT ... SELECT) read natively too, and see every row.
    sql(f"INSERT INTO {name} SELECT id + 10, v, p FROM {name}")
    assert spark.table(name).count() == 6
