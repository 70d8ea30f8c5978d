"""Data files of the offline engine: schemas, Parquet files with statistics, add actions.

Runs in Spark's Python workers (executor tasks write files, the driver commits them), so it
imports only pyarrow, deltalake and pyspark's type classes.

A Delta schema is Spark's StructType JSON (`schemaString`), so Spark and Delta schemas convert
through JSON without a type table. Arrow types for files come from delta-rs.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .log import DeltaError

NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
MAX_STRING_STAT = 32  # as Delta on Spark: longer strings keep a prefix as their minimum
TARGET_FILE_ROWS = 4_000_000
ROW_GROUP_ROWS = 1 << 20
# Hive's escaping of partition directory names (what Spark and Delta write).
_ESCAPE = set("\"#%'*/:=?\\\x7f{[]^") | {chr(c) for c in range(0x20)}
# Column metadata that belongs to Delta's physical layer, not to the Spark schema.
_PHYSICAL_META = ("delta.columnMapping.", "delta.identity.", "parquet.field.id")


# -- schemas -----------------------------------------------------------------------------------


def clean_field_json(f: dict) -> dict:
    """A Delta field's JSON without physical-layer metadata (recursively)."""
    out = dict(f)
    out["metadata"] = {
        k: v for k, v in (f.get("metadata") or {}).items() if not k.startswith(_PHYSICAL_META)
    }
    out["type"] = _clean_type(f["type"])
    return out


def _clean_type(t: Any) -> Any:
    if isinstance(t, dict):
        kind = t.get("type")
        if kind == "struct":
            return {**t, "fields": [clean_field_json(f) for f in t["fields"]]}
        if kind == "array":
            return {**t, "elementType": _clean_type(t["elementType"])}
        if kind == "map":
            return {
                **t,
                "keyType": _clean_type(t["keyType"]),
                "valueType": _clean_type(t["valueType"]),
            }
    return t


def spark_schema_json(delta_schema_json: str | dict) -> dict:
    """Spark StructType JSON of a Delta schema (the same format, less Delta's own metadata)."""
    data = (
        json.loads(delta_schema_json) if isinstance(delta_schema_json, str) else delta_schema_json
    )
    return {"type": "struct", "fields": [clean_field_json(f) for f in data["fields"]]}


def physical_names(delta_schema_json: str | dict) -> dict[str, str]:
    """Top-level logical name -> physical (Parquet) column name under column mapping."""
    data = (
        json.loads(delta_schema_json) if isinstance(delta_schema_json, str) else delta_schema_json
    )
    out = {}
    for f in data["fields"]:
        meta = f.get("metadata") or {}
        out[f["name"]] = meta.get("delta.columnMapping.physicalName", f["name"])
    return out


def nested_renames(delta_type: Any) -> Any:
    """For struct types under column mapping: {physical: (logical, child renames)}."""
    if isinstance(delta_type, dict) and delta_type.get("type") == "struct":
        out = {}
        for f in delta_type["fields"]:
            meta = f.get("metadata") or {}
            out[meta.get("delta.columnMapping.physicalName", f["name"])] = (
                f["name"],
                nested_renames(f["type"]),
            )
        return out
    return None


def arrow_schema_for(delta_schema_json: str) -> pa.Schema:
    """The Arrow schema delta-rs uses for a Delta schema (what data files hold)."""
    from deltalake import Schema

    return pa.schema(Schema.from_json(delta_schema_json).to_arrow())


def delta_schema_from_spark(spark_json: dict) -> str:
    """A Delta schemaString from Spark StructType JSON (checked by delta-rs)."""
    from deltalake import Schema

    def strip(f: dict) -> dict:
        meta = {
            k: v
            for k, v in (f.get("metadata") or {}).items()
            if not k.startswith(("delta.lakehouse.", "__"))
        }
        return {**f, "metadata": meta, "type": _strip_type(f["type"])}

    def _strip_type(t: Any) -> Any:
        if isinstance(t, dict) and t.get("type") == "struct":
            return {**t, "fields": [strip(x) for x in t["fields"]]}
        if isinstance(t, dict) and t.get("type") == "array":
            return {**t, "elementType": _strip_type(t["elementType"])}
        if isinstance(t, dict) and t.get("type") == "map":
            return {
                **t,
                "keyType": _strip_type(t["keyType"]),
                "valueType": _strip_type(t["valueType"]),
            }
        if isinstance(t, str) and t.startswith("string collate"):
            return "string"
        if t in ("void", "null"):
            raise DeltaError(
                "A column of type VOID (an untyped NULL) cannot be stored in a Delta table; "
                "CAST it to a type.",
                code="DELTA_COLUMN_DATA_TYPE_NOT_SUPPORTED",
            )
        return t

    data = {"type": "struct", "fields": [strip(f) for f in spark_json["fields"]]}
    text = json.dumps(data)
    try:
        return Schema.from_json(text).to_json()
    except Exception as e:
        raise DeltaError(f"This schema cannot be stored in a Delta table: {e}") from None


# -- partition values --------------------------------------------------------------------------


def partition_string(value: Any) -> str | None:
    """A partition value as the Delta protocol serializes it (None for null)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, float) and value.is_integer():
        return repr(value)
    return str(value)


def escape_path_name(text: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in _ESCAPE else c for c in text)


def partition_dir(columns: list[str], values: list[str | None]) -> str:
    parts = []
    for col, val in zip(columns, values, strict=True):
        shown = NULL_PARTITION if val is None or val == "" else escape_path_name(val)
        parts.append(f"{escape_path_name(col)}={shown}")
    return "/".join(parts)


def file_location(root: str, path: str) -> str:
    """Local path of a data file named by the log (relative and encoded, or an absolute URI)."""
    if path.startswith("file:"):
        return unquote(path[len("file://") :] if path.startswith("file://") else path[5:])
    if path.startswith("/"):
        return unquote(path)
    return os.path.join(root, unquote(path))


# -- statistics --------------------------------------------------------------------------------


def _stat_type(t: pa.DataType) -> bool:
    return (
        pa.types.is_integer(t)
        or pa.types.is_floating(t)
        or pa.types.is_decimal(t)
        or pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_date(t)
        or pa.types.is_timestamp(t)
    )


def _json_stat(value: Any, t: pa.DataType, upper: bool) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        # Millisecond precision, as Delta on Spark: round a maximum up so it stays a bound.
        micros = value.microsecond % 1000
        if upper and micros:
            value = value + dt.timedelta(microseconds=1000 - micros)
        else:
            value = value - dt.timedelta(microseconds=micros)
        text = value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}"
        return text + ("Z" if getattr(t, "tz", None) else "")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value) if not value.is_nan() else None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, str) and len(value) > MAX_STRING_STAT:
        return None if upper else value[:MAX_STRING_STAT]
    return value


@dataclass
class _ColumnStats:
    min: Any = None
    max: Any = None
    nulls: int = 0
    nan: bool = False

    def update(self, arr: pa.Array) -> None:
        self.nulls += arr.null_count
        if len(arr) == arr.null_count:
            return
        if pa.types.is_floating(arr.type) and pc.any(pc.is_nan(arr)).as_py():
            self.nan = True
        mm = pc.min_max(arr)
        lo, hi = mm["min"].as_py(), mm["max"].as_py()
        if lo is not None and (self.min is None or lo < self.min):
            self.min = lo
        if hi is not None and (self.max is None or hi > self.max):
            self.max = hi


@dataclass
class _OpenFile:
    relative: str
    local: str
    writer: pq.ParquetWriter
    partition_values: dict[str, str | None]
    rows: int = 0
    stats: dict[str, _ColumnStats] = field(default_factory=dict)
    # Spark hands over small Arrow batches (10,000 rows); row groups are written when this
    # many rows are pending, as Spark's own Parquet writer sizes them by bytes.
    pending: list = field(default_factory=list)
    pending_rows: int = 0

    def flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.concat_tables(self.pending), row_group_size=ROW_GROUP_ROWS)
            self.pending, self.pending_rows = [], 0


class FileSink:
    """Writes batches (already in the table's data schema) into Parquet files of one table.

    One open file per partition value; a file rolls over at `max_rows`. `close()` returns the
    add actions (as plain dicts, picklable) of every file written.
    """

    def __init__(
        self,
        root: str,
        data_schema: pa.Schema,
        partition_columns: list[str],
        partition_types: dict[str, pa.DataType],
        max_rows: int = TARGET_FILE_ROWS,
        prefix: str | None = None,
    ) -> None:
        self.root = root
        self.data_schema = data_schema
        self.partition_columns = partition_columns
        self.partition_types = partition_types
        self.max_rows = max_rows
        self.prefix = prefix or uuid.uuid4().hex
        self.open: dict[tuple, _OpenFile] = {}
        self.done: list[dict] = []
        self.written: list[str] = []  # local paths, for cleanup on failure
        self._seq = 0

    def write(self, table: pa.Table) -> None:
        """`table` holds the data columns and then the partition columns."""
        if table.num_rows == 0:
            return
        if not self.partition_columns:
            self._append((), {}, table)
            return
        keys = table.select(self.partition_columns)
        groups = keys.group_by(self.partition_columns, use_threads=False).aggregate([])
        for row in groups.to_pylist():
            mask = None
            for col in self.partition_columns:
                value = row[col]
                cond = pc.is_null(table[col]) if value is None else pc.equal(table[col], value)
                cond = pc.fill_null(cond, False)
                mask = cond if mask is None else pc.and_(mask, cond)
            part = table.filter(mask)
            strings = {c: partition_string(row[c]) for c in self.partition_columns}
            key = tuple(strings[c] for c in self.partition_columns)
            self._append(key, strings, part)

    def _append(self, key: tuple, strings: dict, table: pa.Table) -> None:
        data = table.select(self.data_schema.names)
        offset = 0
        while offset < data.num_rows:
            handle = self.open.get(key)
            if handle is None:
                handle = self._new_file(key, strings)
            take = min(self.max_rows - handle.rows, data.num_rows - offset)
            chunk = data.slice(offset, take)
            handle.pending.append(chunk)
            handle.pending_rows += take
            if handle.pending_rows >= ROW_GROUP_ROWS:
                handle.flush()
            for name in self.data_schema.names:
                col = chunk.column(name)
                if name in handle.stats:
                    for piece in col.chunks:
                        handle.stats[name].update(piece)
            handle.rows += take
            offset += take
            if handle.rows >= self.max_rows:
                self._finish(key)

    def _new_file(self, key: tuple, strings: dict) -> _OpenFile:
        self._seq += 1
        name = f"part-{self._seq:05d}-{self.prefix}.c000.snappy.parquet"
        folder = partition_dir(self.partition_columns, list(key)) if key else ""
        relative = f"{folder}/{name}" if folder else name
        local = os.path.join(self.root, relative)
        os.makedirs(os.path.dirname(local), exist_ok=True)
        self.written.append(local)
        writer = pq.ParquetWriter(
            local, self.data_schema, compression="snappy", write_statistics=True
        )
        handle = _OpenFile(relative, local, writer, dict(strings))
        for f in self.data_schema:
            if _stat_type(f.type):
                handle.stats[f.name] = _ColumnStats()
            else:
                handle.stats[f.name] = None  # nulls counted below only for stat types
        handle.stats = {k: v for k, v in handle.stats.items() if v is not None}
        self.open[key] = handle
        return handle

    def _finish(self, key: tuple) -> None:
        handle = self.open.pop(key)
        handle.flush()
        handle.writer.close()
        stats: dict[str, Any] = {
            "numRecords": handle.rows,
            "minValues": {},
            "maxValues": {},
            "nullCount": {},
        }
        for name, col in handle.stats.items():
            t = self.data_schema.field(name).type
            stats["nullCount"][name] = col.nulls
            if col.nan:
                continue
            lo, hi = _json_stat(col.min, t, False), _json_stat(col.max, t, True)
            if lo is not None:
                stats["minValues"][name] = lo
            if hi is not None:
                stats["maxValues"][name] = hi
        st = os.stat(handle.local)
        self.done.append(
            {
                # As on disk: delta-rs URI-encodes the path when it writes the log.
                "path": handle.relative,
                "size": st.st_size,
                "partition_values": handle.partition_values,
                "modification_time": int(st.st_mtime * 1000),
                "rows": handle.rows,
                "stats": json.dumps(stats, default=str),
            }
        )

    def close(self) -> list[dict]:
        for key in list(self.open):
            self._finish(key)
        return self.done

    def discard(self) -> None:
        """Close and delete every file written (a failed task leaves nothing behind)."""
        for handle in self.open.values():
            with contextlib.suppress(Exception):
                handle.writer.close()
        self.open.clear()
        remove_files(self.written)


def remove_files(paths: list[str]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            os.unlink(path)


def add_action(entry: dict) -> Any:
    from deltalake.transaction import AddAction

    return AddAction(
        path=entry["path"],
        size=int(entry["size"]),
        partition_values=entry["partition_values"],
        modification_time=int(entry["modification_time"]),
        data_change=True,
        stats=entry["stats"],
    )


def remove_action(path: str) -> Any:
    """A remove of the file the log names `path` (encoded, as get_add_actions gives it)."""
    from deltalake.transaction import RemoveAction

    return RemoveAction(
        path=unquote(path), data_change=True, deletion_timestamp=int(time.time() * 1000)
    )


# -- conforming Arrow data ---------------------------------------------------------------------


def cast_array(arr: pa.Array | pa.ChunkedArray, target: pa.DataType) -> Any:
    if arr.type == target:
        return arr
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
        if arr.type == target:
            return arr
    if pa.types.is_timestamp(arr.type) and pa.types.is_timestamp(target):
        # INT96 files read as nanoseconds; Spark and Delta keep microseconds.
        return arr.cast(target, safe=False)
    if pa.types.is_struct(target) and pa.types.is_struct(arr.type):
        return _cast_struct(arr, target)
    return arr.cast(target)


def _cast_struct(arr: Any, target: pa.StructType) -> Any:
    if isinstance(arr, pa.ChunkedArray):
        return pa.chunked_array([_cast_struct(c, target) for c in arr.chunks], type=target)
    by_name = {arr.type.field(i).name.lower(): i for i in range(arr.type.num_fields)}
    children = []
    for i in range(target.num_fields):
        f = target.field(i)
        idx = by_name.get(f.name.lower())
        if idx is None:
            children.append(pa.nulls(len(arr), f.type))
        else:
            children.append(cast_array(arr.field(idx), f.type))
    mask = arr.is_null() if arr.null_count else None
    return pa.StructArray.from_arrays(children, fields=list(target), mask=mask)


def rename_struct(arr: Any, renames: dict | None) -> Any:
    """Rename struct children from physical to logical names (column mapping)."""
    if not renames or not pa.types.is_struct(arr.type):
        return arr
    if isinstance(arr, pa.ChunkedArray):
        return pa.chunked_array([rename_struct(c, renames) for c in arr.chunks])
    children, fields = [], []
    for i in range(arr.type.num_fields):
        f = arr.type.field(i)
        logical, sub = renames.get(f.name, (f.name, None))
        child = rename_struct(arr.field(i), sub)
        children.append(child)
        fields.append(pa.field(logical, child.type, f.nullable))
    mask = arr.is_null() if arr.null_count else None
    return pa.StructArray.from_arrays(children, fields=fields, mask=mask)
