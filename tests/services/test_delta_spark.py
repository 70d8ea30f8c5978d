"""The offline Delta engine on the session's real cluster: the `delta` data source through Spark,
the Delta SQL router, and the DeltaTable API. One Spark Connect session for the module."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import deltalake
import pytest

from jupyter_lakehouse.delta import DeltaTable
from jupyter_lakehouse.services.delta.log import DeltaError
from jupyter_lakehouse.services.delta.router import DeltaRouter

from .delta_session import READABLE, REFUSED, TABLES, canonical, offline_session, oracle, routed_sql

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def spark(cluster_manager):
    with offline_session(cluster_manager) as session:
        yield session


@pytest.fixture(scope="module")
def sql(spark):
    return routed_sql(spark)


@pytest.fixture
def name(spark):
    table = f"t_{uuid.uuid4().hex[:8]}"
    yield table
    DeltaRouter(spark).route(f"DROP TABLE IF EXISTS {table}")


@pytest.mark.parametrize("table", READABLE)
def test_spark_reads_every_readable_table_like_delta_rs(spark, table):
    rows = spark.read.format("delta").load(str(TABLES / table)).collect()
    assert canonical(rows) == canonical(oracle(TABLES / table))


def test_unreadable_tables_fail_clearly_and_the_session_lives_on(spark, sql):
    for table, feature in REFUSED.items():
        with pytest.raises(Exception) as err:
            spark.read.format("delta").load(str(TABLES / table)).collect()
        assert feature in str(err.value) and "delta_jars" in str(err.value)
        # Their history and details still come from the log.
        history = sql(f"DESCRIBE HISTORY delta.`{TABLES / table}`").collect()
        assert history and history[0].version >= 1
        detail = sql(f"DESCRIBE DETAIL delta.`{TABLES / table}`").first()
        assert detail.format == "delta" and feature in detail.tableFeatures
    assert spark.range(3).count() == 3


def test_dataframe_writes_and_time_travel(spark, tmp_path):
    path = str(tmp_path / "events")
    df = spark.range(0, 100, 1, 2).selectExpr("id", "CAST(id % 3 AS STRING) AS grp")
    df.write.format("delta").partitionBy("grp").save(path)  # default mode: error if exists
    with pytest.raises(Exception, match="DELTA_PATH_EXISTS"):
        df.write.format("delta").save(path)
    df.write.format("delta").mode("ignore").save(path)
    df.limit(10).write.format("delta").mode("append").save(path)
    table = deltalake.DeltaTable(path)
    assert table.version() == 1 and table.metadata().partition_columns == ["grp"]
    assert spark.read.format("delta").load(path).count() == 110
    assert spark.read.format("delta").option("versionAsOf", 0).load(path).count() == 100
    first = sorted(table.history(), key=lambda h: h["version"])[0]["timestamp"]
    stamp = __import__("datetime").datetime.fromtimestamp(first / 1000 + 0.0005)
    at = spark.read.format("delta").option("timestampAsOf", stamp.isoformat()).load(path)
    assert at.count() == 100
    df.limit(5).write.format("delta").mode("overwrite").save(path)
    assert spark.read.format("delta").load(path).count() == 5
    grouped = spark.read.format("delta").load(path).where("grp = '1'").collect()
    assert {r.grp for r in grouped} == {"1"}
    # Schema enforcement, and evolution on request.
    wider = df.selectExpr("id", "grp", "id * 1.5 AS score")
    with pytest.raises(Exception, match="mergeSchema"):
        wider.write.format("delta").mode("append").save(path)
    wider.limit(2).write.format("delta").mode("append").option("mergeSchema", "true").save(path)
    assert spark.read.format("delta").load(path).columns == ["id", "grp", "score"]


def test_sql_ddl_dml_history_and_time_travel(sql, name):
    sql(
        f"CREATE TABLE {name} (id INT, name STRING, city STRING) USING DELTA "
        "PARTITIONED BY (city) COMMENT 'people'"
    )
    inserted = sql(
        f"INSERT INTO {name} VALUES (1, 'ann', 'paris'), (2, 'bob', 'rome'), (3, 'cy', 'paris')"
    ).first()
    assert (inserted.num_affected_rows, inserted.num_inserted_rows) == (3, 3)
    assert sql(f"UPDATE {name} SET name = upper(name) WHERE city = :c", {"c": "paris"}).columns == [
        "num_affected_rows"
    ]
    assert sql(f"DELETE FROM {name} WHERE id = 2").first().num_affected_rows == 1
    merged = sql(
        f"MERGE INTO {name} AS t USING (SELECT * FROM VALUES (1, 'ann2', 'paris'), "
        "(4, 'dan', 'oslo') AS v(id, name, city)) AS s ON t.id = s.id "
        "WHEN MATCHED THEN UPDATE SET t.name = s.name WHEN NOT MATCHED THEN INSERT *"
    ).first()
    assert merged.asDict() == {
        "num_affected_rows": 2,
        "num_updated_rows": 1,
        "num_deleted_rows": 0,
        "num_inserted_rows": 1,
    }
    rows = sql(f"SELECT id, name, city FROM {name} ORDER BY id").collect()
    assert [tuple(r) for r in rows] == [
        (1, "ann2", "paris"),
        (3, "CY", "paris"),
        (4, "dan", "oslo"),
    ]

    history = sql(f"DESCRIBE HISTORY {name}")
    assert history.columns == [
        "version",
        "timestamp",
        "userId",
        "userName",
        "operation",
        "operationParameters",
        "job",
        "notebook",
        "clusterId",
        "readVersion",
        "isolationLevel",
        "isBlindAppend",
        "operationMetrics",
        "userMetadata",
        "engineInfo",
    ]
    ops = [(r.version, r.operation) for r in history.collect()]
    assert ops == [(4, "MERGE"), (3, "DELETE"), (2, "UPDATE"), (1, "WRITE"), (0, "CREATE TABLE")]
    assert [r.version for r in sql(f"DESCRIBE HISTORY {name} LIMIT 2").collect()] == [4, 3]
    merge_row = history.first()
    assert merge_row.operationMetrics["numTargetRowsInserted"] == "1"
    assert merge_row.readVersion == 3

    before = sql(f"SELECT * FROM {name} VERSION AS OF 1 ORDER BY id").collect()
    assert [r.name for r in before] == ["ann", "bob", "cy"]
    joined = sql(f"SELECT a.id FROM {name} VERSION AS OF 1 a JOIN {name} b ON a.id = b.id")
    assert sorted(r.id for r in joined.collect()) == [1, 3]

    detail = sql(f"DESCRIBE DETAIL {name}").first()
    assert detail.format == "delta" and detail.partitionColumns == ["city"]
    assert detail.name == f"{name}" or detail.name.endswith(name)
    assert detail.numFiles >= 1 and detail.description == "people"

    restored = sql(f"RESTORE TABLE {name} TO VERSION AS OF 1").first()
    assert restored.num_of_files_after_restore >= 1
    assert sql(f"SELECT count(*) AS n FROM {name}").first().n == 3
    assert sql(f"DESCRIBE HISTORY {name} LIMIT 1").first().operation == "RESTORE"

    optimized = sql(f"OPTIMIZE {name} WHERE city = 'paris' ZORDER BY (id)").first()
    assert optimized.path.startswith("file:") and optimized.metrics.numFilesAdded >= 0
    sql("SET spark.databricks.delta.retentionDurationCheck.enabled = false")
    dry = sql(f"VACUUM {name} RETAIN 0 HOURS DRY RUN").collect()
    assert dry and all(r.path.endswith(".parquet") for r in dry)
    assert sql(f"VACUUM {name} RETAIN 0 HOURS").first().path.startswith("file:")
    assert sql(f"SELECT count(*) AS n FROM {name}").first().n == 3

    sql(f"INSERT OVERWRITE {name} PARTITION (city = 'rome') SELECT 9, 'zed'")
    cities = sorted(
        tuple(r) for r in sql(f"SELECT city, count(*) FROM {name} GROUP BY city").collect()
    )
    assert cities == [("paris", 2), ("rome", 1)]
    sql(f"TRUNCATE TABLE {name}")
    assert sql(f"SELECT count(*) AS n FROM {name}").first().n == 0


def test_ctas_replace_drop_and_the_catalog(spark, sql, name):
    created = sql(
        f"CREATE TABLE {name} USING DELTA PARTITIONED BY (k) AS "
        "SELECT id, id % 2 AS k FROM range(10)"
    ).first()
    assert created.num_inserted_rows == 10
    assert name in [t.name for t in spark.catalog.listTables()]
    location = DeltaTable.forName(spark, name)._location
    assert Path(location).is_dir() and deltalake.DeltaTable(location).version() == 0
    with pytest.raises(DeltaError, match="already exists"):
        sql(f"CREATE TABLE {name} USING DELTA AS SELECT 1 AS id")
    sql(f"CREATE OR REPLACE TABLE {name} USING DELTA AS SELECT 'x' AS s")
    assert spark.table(name).columns == ["s"] and spark.table(name).count() == 1
    history = sql(f"DESCRIBE HISTORY {name}").collect()
    assert history[0].operation == "CREATE OR REPLACE TABLE AS SELECT"
    # Spark alone cannot tell the writer where the table is: it refuses, it never guesses.
    with pytest.raises(Exception, match="DELTA_PATH_NOT_GIVEN"):
        spark.sql(f"INSERT INTO {name} VALUES ('y')").collect()
    sql(f"DROP TABLE {name}")
    assert not Path(location).exists()  # managed: its data goes with it


def test_external_location_and_dataframe_catalog_writes(spark, sql, name, tmp_path):
    location = tmp_path / "ext"
    spark.range(3).write.format("delta").save(str(location))
    sql(f"CREATE TABLE {name} USING DELTA LOCATION '{location}'")
    assert spark.table(name).count() == 3
    spark.range(10, 12).write.format("delta").mode("append").saveAsTable(name)
    spark.range(20, 21).write.insertInto(name)
    assert sorted(r.id for r in spark.table(name).collect()) == [0, 1, 2, 10, 11, 20]
    with pytest.raises(DeltaError, match="already exists"):
        spark.range(1).write.format("delta").saveAsTable(name)
    spark.range(1).selectExpr("id", "'n' AS note").write.format("delta").mode("append").option(
        "mergeSchema", "true"
    ).saveAsTable(name)
    assert spark.table(name).columns == ["id", "note"]  # the catalog follows the schema
    sql(f"DROP TABLE {name}")
    assert deltalake.DeltaTable(str(location)).version() >= 3  # external: data stays
    new = f"{name}_new"
    try:
        with pytest.raises(Exception, match="all columns for partition"):
            spark.range(4).write.format("delta").partitionBy("id").saveAsTable(new)
        spark.range(4).selectExpr("id", "id % 2 AS k").write.format("delta").partitionBy(
            "k"
        ).saveAsTable(new)
        assert spark.table(new).count() == 4
        assert sql(f"DESCRIBE DETAIL {new}").first().partitionColumns == ["k"]
    finally:
        sql(f"DROP TABLE IF EXISTS {new}")


def test_delta_table_api(spark, tmp_path):
    path = str(tmp_path / "api")
    spark.range(6).selectExpr("id", "'v0' AS v").write.format("delta").save(path)
    dt = DeltaTable.forPath(spark, path)
    assert DeltaTable.isDeltaTable(spark, path) and not DeltaTable.isDeltaTable(
        spark, str(tmp_path)
    )
    dt.update("id < 2", {"v": "'v1'"})
    from pyspark.sql import functions as F

    dt.update(F.col("id") == 5, {"v": F.lit("v5")})
    dt.delete("id = 3")
    source = spark.range(4, 8).selectExpr("id", "'new' AS v").alias("s")
    metrics = (
        dt.alias("t")
        .merge(source, "t.id = s.id")
        .whenMatchedUpdate(condition="s.id = 4", set={"v": "s.v"})
        .whenMatchedDelete(condition="s.id = 5")
        .whenNotMatchedInsertAll()
        .execute()
        .first()
    )
    assert (metrics.num_updated_rows, metrics.num_deleted_rows, metrics.num_inserted_rows) == (
        1,
        1,
        2,
    )
    got = {r.id: r.v for r in dt.toDF().collect()}
    assert got == {0: "v1", 1: "v1", 2: "v0", 4: "new", 6: "new", 7: "new"}
    ops = [r.operation for r in dt.history().collect()]
    assert ops[:4] == ["MERGE", "DELETE", "UPDATE", "UPDATE"]
    dt.restoreToVersion(0)
    assert dt.toDF().count() == 6
    assert dt.optimize().executeCompaction().first().path.startswith("file:")
    assert dt.detail().first().numFiles >= 1
    with pytest.raises(DeltaError, match="multiple source rows"):
        dup = spark.range(2).selectExpr("0 AS id", "'d' AS v").alias("s")
        dt.alias("t").merge(dup, "t.id = s.id").whenMatchedUpdateAll().execute()


def test_copy_of_shared_table_accepts_dml(spark, sql, tmp_path):
    copy = tmp_path / "special"
    shutil.copytree(TABLES / "delta-0.8.0-special-partition", copy)
    for p in copy.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    copy.chmod(0o755)
    assert sql(f"DELETE FROM delta.`{copy}` WHERE x = 'A/A'").first().num_affected_rows == 1
    assert oracle(copy) == [{"x": "B B", "y": 2}]
