"""Delta commands of the offline engine, with Databricks' result shapes.

DESCRIBE HISTORY and DESCRIBE DETAIL read the log (they work on tables delta-rs cannot read);
RESTORE, OPTIMIZE and VACUUM run delta-rs on the table folder; time travel reads through the
`delta` data source at a version. Results are Spark DataFrames with Databricks' columns.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from .log import (
    DeltaError,
    UnsupportedFeature,
    open_table,
    parse_timestamp,
    read_commit_infos,
    replay,
)
from .source import SOURCE_NAME

HISTORY_SCHEMA = (
    "version bigint, timestamp timestamp, userId string, userName string, operation string, "
    "operationParameters map<string,string>, "
    "job struct<jobId:string,jobName:string,jobRunId:string,runId:string,jobOwnerId:string,"
    "triggerType:string>, notebook struct<notebookId:string>, clusterId string, "
    "readVersion bigint, isolationLevel string, isBlindAppend boolean, "
    "operationMetrics map<string,string>, userMetadata string, engineInfo string"
)
DETAIL_SCHEMA = (
    "format string, id string, name string, description string, location string, "
    "createdAt timestamp, lastModified timestamp, partitionColumns array<string>, "
    "clusteringColumns array<string>, numFiles bigint, sizeInBytes bigint, "
    "properties map<string,string>, minReaderVersion int, minWriterVersion int, "
    "tableFeatures array<string>"
)
RESTORE_SCHEMA = (
    "table_size_after_restore bigint, num_of_files_after_restore bigint, "
    "num_removed_files bigint, num_restored_files bigint, removed_files_size bigint, "
    "restored_files_size bigint"
)
OPTIMIZE_SCHEMA = (
    "path string, metrics struct<numFilesAdded:bigint,numFilesRemoved:bigint,"
    "filesAdded:struct<min:bigint,max:bigint,avg:double,totalFiles:bigint,totalSize:bigint>,"
    "filesRemoved:struct<min:bigint,max:bigint,avg:double,totalFiles:bigint,totalSize:bigint>,"
    "partitionsOptimized:bigint,zOrderStats:map<string,string>,numBatches:bigint,"
    "totalConsideredFiles:bigint,totalFilesSkipped:bigint,preserveInsertionOrder:boolean>"
)


def _ms(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    return dt.datetime.fromtimestamp(int(value) / 1000, dt.UTC)


def _strings(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"value": value}
    if not isinstance(value, dict):
        return None
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


def history_rows(location: str, limit: int | None = None) -> list[tuple]:
    infos = sorted(read_commit_infos(location), key=lambda i: i["version"], reverse=True)
    if limit is not None:
        infos = infos[: max(0, int(limit))]
    rows = []
    for info in infos:
        operation = info.get("lakehouse.operation") or info.get("operation")
        params = _strings(info.get("lakehouse.operationParameters")) or _strings(
            info.get("operationParameters")
        )
        metrics = _strings(info.get("lakehouse.operationMetrics")) or _strings(
            info.get("operationMetrics")
        )
        notebook = info.get("notebook")
        rows.append(
            (
                int(info["version"]),
                _ms(info.get("timestamp") or info["_mtime"]),
                info.get("userId"),
                info.get("userName"),
                operation,
                params or {},
                None,
                {"notebookId": str(notebook.get("notebookId"))}
                if isinstance(notebook, dict)
                else None,
                info.get("clusterId"),
                info.get("readVersion"),
                info.get("isolationLevel"),
                info.get("isBlindAppend"),
                metrics or {},
                info.get("userMetadata"),
                info.get("engineInfo"),
            )
        )
    return rows


def history(spark: Any, location: str, limit: int | None = None) -> Any:
    return spark.createDataFrame(history_rows(location, limit), HISTORY_SCHEMA)


def detail_row(location: str, name: str | None = None) -> tuple:
    try:
        table = open_table(location)
        meta, protocol = table.metadata(), table.protocol()
        import pyarrow as pa

        sizes = pa.table(table.get_add_actions(flatten=True)).column("size_bytes").to_pylist()
        info = {
            "id": meta.id,
            "name": meta.name,
            "description": meta.description,
            "created": meta.created_time,
            "partitions": list(meta.partition_columns),
            "configuration": dict(meta.configuration),
            "reader": protocol.min_reader_version,
            "writer": protocol.min_writer_version,
            "features": sorted(
                set(protocol.reader_features or ()) | set(protocol.writer_features or ())
            ),
            "files": len(sizes),
            "size": sum(sizes),
        }
    except UnsupportedFeature:
        state = replay(location)
        meta, protocol = state.metadata, state.protocol
        info = {
            "id": meta.get("id"),
            "name": meta.get("name"),
            "description": meta.get("description"),
            "created": meta.get("createdTime"),
            "partitions": list(meta.get("partitionColumns") or []),
            "configuration": dict(meta.get("configuration") or {}),
            "reader": protocol.get("minReaderVersion"),
            "writer": protocol.get("minWriterVersion"),
            "features": sorted(
                set(protocol.get("readerFeatures") or ())
                | set(protocol.get("writerFeatures") or ())
            ),
            "files": len(state.files),
            "size": sum(int(f.get("size") or 0) for f in state.files.values()),
        }
    infos = read_commit_infos(location)
    last = infos[-1] if infos else {}
    return (
        "delta",
        info["id"],
        name or info["name"],
        info["description"],
        "file:" + location,
        _ms(info["created"]),
        _ms(last.get("timestamp") or last.get("_mtime")),
        info["partitions"],
        [],
        int(info["files"]),
        int(info["size"]),
        {k: str(v) for k, v in info["configuration"].items() if v is not None},
        info["reader"],
        info["writer"],
        info["features"],
    )


def detail(spark: Any, location: str, name: str | None = None) -> Any:
    return spark.createDataFrame([detail_row(location, name)], DETAIL_SCHEMA)


def _files(table: Any) -> dict[str, int]:
    import pyarrow as pa

    actions = pa.table(table.get_add_actions(flatten=True)).to_pydict()
    return dict(zip(actions.get("path", []), actions.get("size_bytes", []), strict=True))


def restore(spark: Any, location: str, version: int | None = None, timestamp: Any = None) -> Any:
    from deltalake import DeltaTable

    current = open_table(location)
    target = open_table(location, version, timestamp)
    before, after = _files(current), _files(target)
    current.restore(target.version())
    removed = set(before) - set(after)
    restored = set(after) - set(before)
    row = (
        sum(after.values()),
        len(after),
        len(removed),
        len(restored),
        sum(before[p] for p in removed),
        sum(after[p] for p in restored),
    )
    DeltaTable(location)  # the restore is committed; nothing else to do
    return spark.createDataFrame([row], RESTORE_SCHEMA)


def _file_stats(value: Any) -> dict | None:
    data = json.loads(value) if isinstance(value, str) else value
    if not isinstance(data, dict):
        return None
    return {
        "min": data.get("min"),
        "max": data.get("max"),
        "avg": float(data.get("avg") or 0.0),
        "totalFiles": data.get("totalFiles"),
        "totalSize": data.get("totalSize"),
    }


def optimize(
    spark: Any,
    location: str,
    partition_filters: list[tuple] | None = None,
    zorder: list[str] | None = None,
) -> Any:
    table = open_table(location)
    if zorder:
        metrics = table.optimize.z_order(zorder, partition_filters=partition_filters or None)
    else:
        metrics = table.optimize.compact(partition_filters=partition_filters or None)
    row = (
        "file:" + location,
        {
            "numFilesAdded": metrics.get("numFilesAdded"),
            "numFilesRemoved": metrics.get("numFilesRemoved"),
            "filesAdded": _file_stats(metrics.get("filesAdded")),
            "filesRemoved": _file_stats(metrics.get("filesRemoved")),
            "partitionsOptimized": metrics.get("partitionsOptimized"),
            "zOrderStats": {"columns": json.dumps(zorder)} if zorder else None,
            "numBatches": metrics.get("numBatches"),
            "totalConsideredFiles": metrics.get("totalConsideredFiles"),
            "totalFilesSkipped": metrics.get("totalFilesSkipped"),
            "preserveInsertionOrder": metrics.get("preserveInsertionOrder"),
        },
    )
    return spark.createDataFrame([row], OPTIMIZE_SCHEMA)


def vacuum(
    spark: Any,
    location: str,
    retain_hours: float | None = None,
    dry_run: bool = False,
    enforce: bool = True,
) -> Any:
    import os

    table = open_table(location)
    hours = None if retain_hours is None else int(retain_hours)
    try:
        # full: also files no commit ever referenced (a killed writer's), as Databricks does.
        files = table.vacuum(
            retention_hours=hours, dry_run=dry_run, enforce_retention_duration=enforce, full=True
        )
    except Exception as e:
        text = str(e)
        if "retention" in text.lower():
            raise DeltaError(
                f"{text}. VACUUM keeps at least the table's deletedFileRetentionDuration (7 days "
                "by default); to vacuum with a shorter retention, set "
                "spark.databricks.delta.retentionDurationCheck.enabled = false.",
                code="DELTA_VACUUM_RETENTION_PERIOD_TOO_SHORT",
            ) from None
        raise
    if dry_run:
        rows = [(os.path.join("file:" + location, f),) for f in files]
        return spark.createDataFrame(rows, "path string")
    return spark.createDataFrame([("file:" + location,)], "path string")


def time_travel_view(
    spark: Any, location: str, version: int | None = None, timestamp: Any = None
) -> str:
    """A temp view of the table at a version (or the latest), for SQL that names it."""
    if timestamp is not None:
        version = open_table(location, None, parse_timestamp(timestamp)).version()
    elif version is not None:
        open_table(location, version)  # a clear error for a version that does not exist
    key = f"{location}\0{version}"
    name = "__delta_" + hashlib.sha1(key.encode()).hexdigest()[:16]
    reader = spark.read.format(SOURCE_NAME)
    if version is not None:
        reader = reader.option("versionAsOf", str(version))
    reader.load(location).createOrReplaceTempView(name)
    return name
