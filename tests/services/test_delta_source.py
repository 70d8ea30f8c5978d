"""The offline engine's `delta` data source, driven the way Spark drives it (no JVM here):
reader/partitions/read on the driver and tasks, writer/write/commit for a write job."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from urllib.parse import unquote

import deltalake
import pyarrow as pa
import pytest
from pyspark.sql.datasource import EqualTo, GreaterThan, In, IsNull, LessThan
from pyspark.sql.types import (
    DoubleType,
    LongType,
    StringType,
    StructField,
    StructType,
    TimestampType,
)

from jupyter_lakehouse.services.delta.log import (
    ConcurrentModification,
    DeltaError,
    SchemaMismatch,
    UnsupportedFeature,
    VersionNotFound,
)
from jupyter_lakehouse.services.delta.source import (
    FILE_COLUMN,
    DeltaCommitMessage,
    DeltaDataSource,
    commit_files,
    plan_write,
)

TABLES = Path("/work/shared/data/delta-tables")
READABLE = sorted(
    p.name
    for p in TABLES.iterdir()
    if p.is_dir() and p.name not in ("checkpoint-v2-table", "table-with-dv-small")
)
REFUSED = {"checkpoint-v2-table": "v2Checkpoint", "table-with-dv-small": "deletionVectors"}


def canonical(rows: list[dict]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def read_all(options: dict, filters: list | None = None) -> tuple[list[dict], int]:
    source = DeltaDataSource(options)
    reader = source.reader(source.schema())
    if filters:
        list(reader.pushFilters(filters))
    parts = reader.partitions()
    rows = []
    for part in parts:
        for batch in reader.read(part):
            rows += pa.Table.from_batches([batch]).to_pylist()
    return rows, sum(len(p.value) for p in parts)


def oracle(path: Path | str) -> list[dict]:
    """What delta-rs reads (its DataFusion scan, which resolves column mapping)."""
    return pa.table(deltalake.DeltaTable(str(path)).scan()).to_pylist()


@pytest.mark.parametrize("name", READABLE)
def test_reads_every_readable_table_like_delta_rs(name):
    rows, _ = read_all({"path": str(TABLES / name)})
    assert canonical(rows) == canonical(oracle(TABLES / name))


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_tables_name_the_feature_and_the_way_out(name):
    with pytest.raises(UnsupportedFeature) as err:
        DeltaDataSource({"path": str(TABLES / name)}).schema()
    text = str(err.value)
    assert REFUSED[name] in text and "delta_jars" in text and "delta-spark" in text
    assert err.value.code == "DELTA_UNSUPPORTED_FEATURES_FOR_READ"


def test_time_travel_options():
    path = str(TABLES / "simple_table")
    for version in range(5):
        rows, _ = read_all({"path": path, "versionAsOf": str(version)})
        table = deltalake.DeltaTable(path, version=version)
        assert canonical(rows) == canonical(pa.table(table.scan()).to_pylist())
    with pytest.raises(VersionNotFound, match=r"Available versions: \[0, 4\]"):
        DeltaDataSource({"path": path, "versionAsOf": "9"}).schema()


def test_partition_filters_prune_files():
    path = {"path": str(TABLES / "delta-0.8.0-partitioned")}
    all_rows, all_files = read_all(path)
    rows, files = read_all(path, [EqualTo(("year",), "2020"), EqualTo(("month",), "1")])
    assert files < all_files
    assert canonical(rows) == canonical(
        [r for r in all_rows if r["year"] == "2020" and r["month"] == "1"]
    )
    _, none = read_all(path, [EqualTo(("year",), "1999")])
    assert none == 0
    rows, _ = read_all({"path": str(TABLES / "delta-0.8.0-null-partition")}, [IsNull(("k",))])
    assert rows == [{"k": None, "v": 1}] or [r["k"] for r in rows] == [None]


def write(
    path: Path | str,
    schema: StructType,
    tasks: list[list[pa.RecordBatch]],
    overwrite: bool = False,
    **options: str,
) -> list[DeltaCommitMessage]:
    writer = DeltaDataSource({"path": str(path), **options}).writer(schema, overwrite)
    messages = [writer.write(iter(batches)) for batches in tasks]
    writer.commit(messages)
    return messages


SCHEMA = StructType(
    [
        StructField("id", LongType()),
        StructField("part", StringType()),
        StructField("ts", TimestampType()),
    ]
)


def batch(ids: list[int], parts: list[str | None]) -> pa.RecordBatch:
    when = dt.datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=dt.UTC)
    return pa.RecordBatch.from_pydict(
        {
            "id": pa.array(ids, pa.int64()),
            "part": pa.array(parts, pa.string()),
            "ts": pa.array([when] * len(ids), pa.timestamp("us", tz="UTC")),
        }
    )


def test_distributed_write_is_one_commit_readable_by_delta_rs(tmp_path):
    path = tmp_path / "t"
    tasks = [
        [batch([1, 2], ["a", "b/c"])],
        [batch([3, 4], ["a", None]), batch([5], ["x y%"])],
    ]
    write(path, SCHEMA, tasks, **{"lakehouse.partitionBy": '["part"]'})
    table = deltalake.DeltaTable(str(path))
    assert table.version() == 0
    assert table.metadata().partition_columns == ["part"]
    got = oracle(path)
    assert sorted(r["id"] for r in got) == [1, 2, 3, 4, 5]
    assert {r["part"] for r in got} == {"a", "b/c", None, "x y%"}
    rows, _ = read_all({"path": str(path)})
    assert canonical(rows) == canonical(got)
    # One file per task and partition value, each with statistics.
    actions = pa.table(table.get_add_actions(flatten=True)).to_pylist()
    assert len(actions) == 5
    assert all(a["num_records"] and a["min.id"] is not None for a in actions)
    assert (path / "part=__HIVE_DEFAULT_PARTITION__").is_dir()
    assert (path / "part=b%2Fc").is_dir()


def test_statistics_skip_files(tmp_path):
    path = tmp_path / "t"
    write(path, SCHEMA, [[batch([1, 2], ["a", "a"])], [batch([10, 20], ["a", "a"])]])
    _, files = read_all({"path": str(path)}, [GreaterThan(("id",), 5)])
    assert files == 1
    _, files = read_all({"path": str(path)}, [LessThan(("id",), 0)])
    assert files == 0
    rows, files = read_all({"path": str(path)}, [In(("id",), (2, 20))])
    assert files == 2 and len(rows) == 4  # files are pruned; rows are Spark's to filter


def test_modes_and_schema_enforcement(tmp_path):
    path = tmp_path / "t"
    one = [[batch([1], ["a"])]]
    write(path, SCHEMA, one, **{"lakehouse.saveMode": "errorifexists"})
    with pytest.raises(DeltaError, match="already exists") as err:
        write(path, SCHEMA, one, **{"lakehouse.saveMode": "errorifexists"})
    assert err.value.code == "DELTA_PATH_EXISTS"
    write(path, SCHEMA, one, **{"lakehouse.saveMode": "ignore"})
    assert deltalake.DeltaTable(str(path)).version() == 0
    write(path, SCHEMA, one)  # append
    assert len(oracle(path)) == 2

    wrong = StructType([StructField("id", StringType())])
    with pytest.raises(SchemaMismatch) as err:
        DeltaDataSource({"path": str(path)}).writer(wrong, False)
    assert "id string (table: long)" in str(err.value) and "overwriteSchema" in str(err.value)
    extra = StructType([StructField("id", LongType()), StructField("score", DoubleType())])
    with pytest.raises(SchemaMismatch, match="mergeSchema"):
        DeltaDataSource({"path": str(path)}).writer(extra, False)

    data = pa.RecordBatch.from_pydict({"id": pa.array([7], pa.int64()), "score": [0.5]})
    write(path, extra, [[data]], mergeSchema="true")
    table = deltalake.DeltaTable(str(path))
    assert [f.name for f in table.schema().fields] == ["id", "part", "ts", "score"]
    rows = {r["id"]: r for r in oracle(path)}
    assert rows[7]["score"] == 0.5 and rows[7]["part"] is None and rows[1]["score"] is None

    write(path, extra, [[data]], overwrite=True, overwriteSchema="true")
    table = deltalake.DeltaTable(str(path))
    assert [f.name for f in table.schema().fields] == ["id", "score"]
    assert oracle(path) == [{"id": 7, "score": 0.5}]


def test_a_failed_task_and_an_aborted_job_leave_no_files(tmp_path):
    path = tmp_path / "t"
    write(path, SCHEMA, [[batch([1], ["a"])]])
    before = {str(p) for p in path.rglob("*.parquet")}
    writer = DeltaDataSource({"path": str(path)}).writer(SCHEMA, False)

    def failing():
        yield batch([2, 3], ["a", "b"])
        raise RuntimeError("executor lost")

    with pytest.raises(RuntimeError):
        writer.write(failing())
    assert {str(p) for p in path.rglob("*.parquet")} == before
    done = writer.write(iter([batch([4], ["a"])]))
    assert len({str(p) for p in path.rglob("*.parquet")}) == len(before) + 1
    writer.abort([done, None])
    assert {str(p) for p in path.rglob("*.parquet")} == before
    assert deltalake.DeltaTable(str(path)).version() == 0


def test_conflicting_rewrites_fail_instead_of_losing_a_change(tmp_path):
    path = tmp_path / "t"
    write(path, SCHEMA, [[batch([1, 2], ["a", "a"])]])
    (target,) = [r[FILE_COLUMN] for r in _files(path)]
    schema = json.loads(SCHEMA.json())

    def rewrite(ids: list[int]) -> None:
        plan = plan_write(
            str(path),
            schema,
            "append",
            dml={"readVersion": 0, "remove": [target], "operation": "UPDATE"},
        )
        writer = DeltaDataSource({"path": str(path)}).writer(SCHEMA, False)
        writer.plan = plan
        commit_files(plan, writer.write(iter([batch(ids, ["a"] * len(ids))])).adds)

    rewrite([1, 20])  # wins: version 1
    leftovers = {str(p) for p in path.rglob("*.parquet")}
    with pytest.raises(ConcurrentModification):
        rewrite([10, 2])  # read version 0 too, removes the same file: conflict
    assert sorted(r["id"] for r in oracle(path)) == [1, 20]
    assert {str(p) for p in path.rglob("*.parquet")} == leftovers  # the loser's files are gone


def _files(path: Path) -> list[dict]:
    rows, _ = read_all({"path": str(path), "lakehouse.fileColumns": "true"})
    seen = {}
    for r in rows:
        seen[r[FILE_COLUMN]] = r
    return list(seen.values())


def test_file_and_row_columns_identify_rows(tmp_path):
    path = tmp_path / "t"
    write(path, SCHEMA, [[batch([1, 2, 3], ["a", "a", "b"])]], **{"partitionBy": "part"})
    rows, _ = read_all({"path": str(path), "lakehouse.fileColumns": "true"})
    keys = {(r[FILE_COLUMN], r["_lakehouse_row"]) for r in rows}
    assert len(keys) == 3
    files = {r[FILE_COLUMN] for r in rows}
    for f in files:
        assert os.path.exists(os.path.join(str(path), unquote(f)))
    only, count = read_all(
        {"path": str(path), "lakehouse.fileColumns": "true"},
        [EqualTo((FILE_COLUMN,), sorted(files)[0])],
    )
    assert count == 1 and {r[FILE_COLUMN] for r in only} == {sorted(files)[0]}


def test_copies_of_the_shared_tables_are_never_written(tmp_path):
    # The shared folder is read-only data; writes in tests go to copies.
    copy = tmp_path / "copy"
    shutil.copytree(TABLES / "simple_table", copy)
    for p in copy.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    write(
        copy,
        StructType([StructField("id", LongType())]),
        [[pa.RecordBatch.from_pydict({"id": pa.array([100], pa.int64())})]],
    )
    assert deltalake.DeltaTable(str(copy)).version() == 5
    assert deltalake.DeltaTable(str(TABLES / "simple_table")).version() == 4


def test_not_null_columns_are_enforced(tmp_path):
    path = tmp_path / "t"
    deltalake.DeltaTable.create(
        str(path),
        deltalake.Schema.from_arrow(
            pa.schema([pa.field("id", pa.int64(), nullable=False), ("v", pa.string())])
        ),
    )
    schema = StructType([StructField("id", LongType()), StructField("v", StringType())])
    writer = DeltaDataSource({"path": str(path)}).writer(schema, False)
    bad = pa.RecordBatch.from_pydict({"id": pa.array([1, None], pa.int64()), "v": ["a", "b"]})
    with pytest.raises(DeltaError) as err:
        writer.write(iter([bad]))
    assert err.value.code == "DELTA_NOT_NULL_CONSTRAINT_VIOLATED" and "id" in str(err.value)
    assert not list(path.rglob("*.parquet"))
    good = pa.RecordBatch.from_pydict({"id": pa.array([1, 2], pa.int64()), "v": ["a", None]})
    writer.commit([writer.write(iter([good]))])
    assert len(oracle(path)) == 2
