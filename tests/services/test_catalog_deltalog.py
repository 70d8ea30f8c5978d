"""The catalog's `_delta_log` reader on the 16 shared Delta tables, with delta-rs as the oracle
wherever delta-rs can open the table (no JVM here)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import deltalake
import pyarrow as pa
import pytest
from deltalake import DeltaTable

from jupyter_lakehouse.services.catalog import deltalog

TABLES = Path("/work/shared/data/delta-tables")
NAMES = sorted(p.name for p in TABLES.iterdir() if p.is_dir())
# delta-rs 1.6.6 opens these but refuses to read their data.
REFUSED = {"checkpoint-v2-table": "v2Checkpoint", "table-with-dv-small": "deletionVectors"}


def rs_files(table: DeltaTable) -> tuple[int, int]:
    adds = pa.table(table.get_add_actions(flatten=True))
    sizes = adds.column("size_bytes").to_pylist() if adds.num_rows else []
    return len(sizes), sum(sizes)


def test_there_are_sixteen_tables():
    assert len(NAMES) == 16


@pytest.mark.parametrize("name", NAMES)
def test_details_match_delta_rs(name):
    path = TABLES / name
    details = deltalog.details(path)
    rs = DeltaTable(str(path))
    assert details["version"] == rs.version()
    assert (details["num_files"], details["size_in_bytes"]) == rs_files(rs)
    protocol = rs.protocol()
    assert details["min_reader_version"] == protocol.min_reader_version
    assert details["min_writer_version"] == protocol.min_writer_version
    assert sorted(details["reader_features"]) == sorted(protocol.reader_features or [])
    assert sorted(details["writer_features"]) == sorted(protocol.writer_features or [])
    meta = rs.metadata()
    assert details["id"] == meta.id
    assert details["partition_columns"] == list(meta.partition_columns)
    assert details["properties"] == {k: v for k, v in meta.configuration.items() if v is not None}
    schema = json.loads(rs.schema().to_json())
    assert [c["name"] for c in details["columns"]] == [f["name"] for f in schema["fields"]]
    assert [c["partition"] for c in details["columns"]] == [
        f["name"] in meta.partition_columns for f in schema["fields"]
    ]
    assert details["delta_rs_readable"] is (name not in REFUSED)


@pytest.mark.parametrize("name", NAMES)
def test_history_has_every_version_newest_first(name):
    path = TABLES / name
    history = deltalog.history(path)
    rs = DeltaTable(str(path))
    versions = [e["version"] for e in history["history"]]
    assert versions == sorted(versions, reverse=True)
    assert versions[0] == rs.version() == history["latest_version"]
    rs_history = rs.history()
    assert len(versions) == len(rs_history)
    assert versions == [h["version"] for h in rs_history]
    assert [e["operation"] for e in history["history"]] == [h.get("operation") for h in rs_history]
    assert [e["timestamp"] for e in history["history"]] == [h["timestamp"] for h in rs_history]


@pytest.mark.parametrize("name", sorted(set(NAMES) - set(REFUSED)))
def test_every_version_matches_delta_rs(name):
    path = TABLES / name
    listing = deltalog.list_log(path)
    rs = DeltaTable(str(path))
    compared = 0
    for version in sorted(listing.commits):
        snap = deltalog.snapshot(path, version)
        assert snap.version == version
        try:
            rs.load_as_version(version)
        except deltalake.exceptions.DeltaError:
            continue  # delta-rs cannot load every old version (delta-live-table's first one)
        assert (snap.num_files, snap.size_in_bytes) == rs_files(rs), version
        compared += 1
    assert compared >= 1


def test_deletion_vectors_table():
    details = deltalog.details(TABLES / "table-with-dv-small")
    assert details["reader_features"] == ["deletionVectors"]
    assert details["table_features"] == ["deletionVectors"]
    assert details["unreadable_features"] == ["deletionVectors"]
    assert details["deletion_vectors"] == 1
    # Ten rows written, two deleted by a deletion vector (no file rewritten).
    assert details["num_rows"] == 8
    assert (details["min_reader_version"], details["min_writer_version"]) == (3, 7)
    history = deltalog.history(TABLES / "table-with-dv-small")["history"]
    assert [(e["version"], e["operation"]) for e in history] == [(1, "DELETE"), (0, "WRITE")]
    assert history[0]["operationMetrics"]["numDeletionVectorsAdded"] == "1"
    assert history[0]["engineInfo"].startswith("Databricks-Runtime")
    assert history[0]["isolationLevel"] == "WriteSerializable"


def test_v2_checkpoint_table():
    path = TABLES / "checkpoint-v2-table"
    details = deltalog.details(path)
    assert details["checkpoint"] == {"version": 8, "kind": "v2"}
    assert "v2Checkpoint" in details["reader_features"]
    assert details["unreadable_features"] == ["v2Checkpoint"]
    assert set(details["table_features"]) == {
        "v2Checkpoint",
        "identityColumns",
        "appendOnly",
        "invariants",
    }
    assert details["columns"][0]["identity"] is True
    # The v2 checkpoint's adds live in a sidecar file: the snapshot at the checkpoint itself.
    at_checkpoint = deltalog.snapshot(path, 8)
    assert at_checkpoint.checkpoint.kind == "v2"
    assert at_checkpoint.num_files == 7
    # Before the first checkpoint, the JSON commits alone.
    assert deltalog.snapshot(path, 5).checkpoint is None


def test_classic_checkpoint_is_used():
    path = TABLES / "simple_table_with_checkpoint"
    snap = deltalog.snapshot(path)
    assert snap.checkpoint is not None and snap.checkpoint.kind == "classic"
    assert snap.checkpoint.version == 10


def test_column_mapping_and_types():
    details = deltalog.details(TABLES / "table_with_column_mapping")
    assert details["column_mapping_mode"] == "name"
    names = [c["name"] for c in details["columns"]]
    assert names == ["Company Very Short", "Super Name"]
    assert all(c.get("physical_name") for c in details["columns"])
    primitives = deltalog.details(TABLES / "partition-type-primitives")
    types = {c["name"]: c["type"] for c in primitives["columns"]}
    # Delta's names for types are Spark's: long is bigint.
    assert types == {
        "id": "bigint",
        "value": "string",
        "year": "string",
        "is_active": "string",
        "event_date": "string",
        "category": "string",
    }
    nested = deltalog.details(TABLES / "table_with_null_stats_in_notnull_struct")
    assert nested["columns"][0]["type"].startswith("struct<")


def test_type_strings():
    t = {
        "type": "struct",
        "fields": [
            {"name": "a b", "type": "integer", "nullable": True, "metadata": {}},
            {
                "name": "m",
                "type": {"type": "map", "keyType": "string", "valueType": "long"},
                "nullable": True,
                "metadata": {},
            },
            {
                "name": "l",
                "type": {"type": "array", "elementType": "decimal(10,2)", "containsNull": True},
                "nullable": True,
                "metadata": {},
            },
        ],
    }
    assert (
        deltalog.type_string(t) == "struct<`a b`:int,m:map<string,bigint>,l:array<decimal(10,2)>>"
    )


def test_missing_log_and_versions(tmp_path):
    with pytest.raises(deltalog.DeltaLogError) as err:
        deltalog.details(tmp_path)
    assert err.value.missing
    assert not deltalog.is_delta_table(tmp_path)
    with pytest.raises(deltalog.DeltaLogError) as err:
        deltalog.snapshot(TABLES / "simple_table", 99)
    assert err.value.missing and "up to 4" in err.value.message


def test_a_cleaned_up_log_reads_from_its_checkpoint(tmp_path):
    # Log retention removed the early commits: the checkpoint carries the state.
    copy = tmp_path / "t"
    shutil.copytree(TABLES / "simple_table_with_checkpoint", copy)
    copy.chmod(0o755)
    log = copy / "_delta_log"
    log.chmod(0o755)
    for v in range(0, 5):
        (log / f"{v:020d}.json").unlink()
    details = deltalog.details(copy)
    assert details["num_files"] == 11 and details["earliest_version"] == 5
    history = deltalog.history(copy)["history"]
    assert [e["version"] for e in history] == list(range(10, 4, -1))
    with pytest.raises(deltalog.DeltaLogError):
        deltalog.snapshot(copy, 3)


def test_multipart_checkpoint(tmp_path):
    # Split the classic checkpoint of a table into two parts: the reader must join them.
    import pyarrow.parquet as pq

    copy = tmp_path / "t"
    shutil.copytree(TABLES / "simple_table_with_checkpoint", copy)
    log = copy / "_delta_log"
    for p in [copy, log, *log.iterdir()]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    single = log / f"{10:020d}.checkpoint.parquet"
    table = pq.read_table(single)
    half = table.num_rows // 2
    pq.write_table(
        table.slice(0, half), log / f"{10:020d}.checkpoint.0000000001.0000000002.parquet"
    )
    pq.write_table(table.slice(half), log / f"{10:020d}.checkpoint.0000000002.0000000002.parquet")
    single.unlink()
    for v in range(0, 10):
        (log / f"{v:020d}.json").unlink()
    snap = deltalog.snapshot(copy)
    assert snap.checkpoint.kind == "multipart" and snap.num_files == 11
