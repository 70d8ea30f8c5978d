"""The offline engine's Spark Python data source `delta`, built on delta-rs.

Reads: the driver pins one snapshot (a version) and its file list from delta-rs; Spark filters
pushed down prune files by partition values and by the min/max/null statistics of the log;
files are grouped into input partitions (one task per file or group of small files); each
task reads its Parquet files with pyarrow and yields Arrow batches in the requested schema
(column mapping, partition columns and missing columns filled in).

Writes: each task writes Parquet files into the table folder and returns their add actions
(path, size, partition values, statistics) as its commit message; the driver's
`DeltaWriter.commit` commits them all in ONE Delta transaction through delta-rs
(`create_table_with_add_actions` / `DeltaTable.create_write_transaction`). A write is
all-or-nothing: files of failed or aborted jobs are deleted and never referenced by the log,
and a commit that loses a race to a conflicting one fails with a conflict error (blind
appends are retried by delta-rs).

Test hook: with LAKEHOUSE_DELTA_FAULT=kill-before-commit in the committing process's
environment, `commit()` SIGKILLs its own process after the files are written and before the
transaction (tests/services/test_delta_faults.py).
"""

from __future__ import annotations

import json
import os
import signal
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pyspark.sql.datasource import (
    DataSource,
    DataSourceArrowWriter,
    DataSourceReader,
    EqualNullSafe,
    EqualTo,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    InputPartition,
    IsNotNull,
    IsNull,
    LessThan,
    LessThanOrEqual,
    WriterCommitMessage,
)

from .files import (
    FileSink,
    add_action,
    arrow_schema_for,
    cast_array,
    delta_schema_from_spark,
    file_location,
    nested_renames,
    physical_names,
    remove_action,
    remove_files,
    spark_schema_json,
)
from .log import (
    ConcurrentModification,
    DeltaError,
    SchemaMismatch,
    is_delta_table,
    local_path,
    open_table,
)

SOURCE_NAME = "delta"
# Column metadata of catalog tables the offline engine registers: where the table lives.
# Only reads trust it (a reader gets the table's own schema); writes need an explicit path.
LOCATION_KEY = "delta.lakehouse.location"
MANAGED_KEY = "delta.lakehouse.managed"
FILE_COLUMN = "_lakehouse_file"
ROW_COLUMN = "_lakehouse_row"

OPT_FILE_COLUMNS = "lakehouse.filecolumns"  # "true": add FILE_COLUMN and ROW_COLUMN
OPT_SAVE_MODE = "lakehouse.savemode"  # errorifexists | ignore (Spark passes only append/overwrite)
OPT_PARTITION_BY = "lakehouse.partitionby"  # JSON list
OPT_TABLE = "lakehouse.table"  # JSON {name, description, configuration} for a new table
OPT_DML = "lakehouse.dml"  # JSON {readVersion, remove: [paths], operation, parameters, metrics}
OPT_OPERATION = "lakehouse.operation"  # JSON {operation, parameters} recorded in the history
FAULT_ENV = "LAKEHOUSE_DELTA_FAULT"

BATCH_ROWS = 65536
MIN_SPLIT_BYTES = 4 << 20
MAX_SPLIT_BYTES = 128 << 20
COMMIT_RETRIES = 100


def _opts(options: Any) -> dict[str, str]:
    return {str(k).lower(): v for k, v in dict(options or {}).items()}


def _true(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def location_from_schema(schema: Any) -> str | None:
    for f in getattr(schema, "fields", None) or []:
        loc = (f.metadata or {}).get(LOCATION_KEY)
        if loc:
            return loc
    return None


def _read_location(opts: dict, schema: Any = None) -> str:
    path = opts.get("path") or opts.get("lakehouse.location")
    if not path and schema is not None:
        path = location_from_schema(schema)
    if not path:
        raise DeltaError(
            "Give the Delta table's location: spark.read.format('delta').load('/path/to/table').",
            code="DELTA_PATH_NOT_GIVEN",
        )
    return local_path(path)


def _write_location(opts: dict) -> str:
    path = opts.get("path") or opts.get("lakehouse.location")
    if not path:
        raise DeltaError(
            "This write reached the offline Delta engine without the table's location. Write "
            "with df.write.format('delta').save(path) or .saveAsTable(name), or INSERT with "
            "%sql / spark.sql in a Python cell of the notebook (they resolve the table's "
            "location); Spark cannot pass it to a Python data source by itself.",
            code="DELTA_PATH_NOT_GIVEN",
        )
    return local_path(path)


def _time_travel(opts: dict) -> tuple[Any, Any]:
    version = opts.get("versionasof")
    timestamp = opts.get("timestampasof")
    return (int(version) if version not in (None, "") else None), (timestamp or None)


class DeltaDataSource(DataSource):
    """`spark.read.format("delta")` / `df.write.format("delta")` on the offline engine."""

    @classmethod
    def name(cls) -> str:
        return SOURCE_NAME

    def schema(self) -> Any:
        from pyspark.sql.types import StructType

        opts = _opts(self.options)
        version, timestamp = _time_travel(opts)
        table = open_table(_read_location(opts), version, timestamp)
        schema = StructType.fromJson(spark_schema_json(table.schema().to_json()))
        if _true(opts.get(OPT_FILE_COLUMNS)):
            schema = schema.add(FILE_COLUMN, "string", False).add(ROW_COLUMN, "long", False)
        return schema

    def reader(self, schema: Any) -> DataSourceReader:
        return DeltaReader(_opts(self.options), schema)

    def writer(self, schema: Any, overwrite: bool) -> DeltaWriter:
        return DeltaWriter(_opts(self.options), schema, overwrite)


# -- reading -----------------------------------------------------------------------------------


@dataclass
class FileEntry:
    path: str  # as the log names it
    local: str
    size: int
    partition: dict[str, Any]  # logical column -> typed value
    rows: int | None
    stats: dict[str, tuple[Any, Any, Any]]  # logical column -> (min, max, null count)


def snapshot_files(table: Any, root: str) -> tuple[list[FileEntry], list[str]]:
    """The active files of a delta-rs table at its loaded version, with typed statistics."""
    import pyarrow as pa

    schema_json = table.schema().to_json()
    logical = {v: k for k, v in physical_names(schema_json).items()}
    partitions = list(table.metadata().partition_columns)
    actions = pa.table(table.get_add_actions(flatten=True))
    cols = actions.column_names
    data = actions.to_pydict()
    out = []
    for i, path in enumerate(data.get("path", [])):
        part = {}
        for p in partitions:
            key = f"partition.{p}"
            part[p] = data[key][i] if key in data else None
        stats = {}
        for c in cols:
            if not c.startswith("min."):
                continue
            phys = c[4:]
            name = logical.get(phys)
            if name is None:  # nested (s.l) or unknown: no skipping on it
                continue
            stats[name] = (
                data[c][i],
                data.get(f"max.{phys}", [None] * (i + 1))[i],
                data.get(f"null_count.{phys}", [None] * (i + 1))[i],
            )
        for c in cols:
            if c.startswith("null_count."):
                name = logical.get(c[11:])
                if name and name not in stats:
                    stats[name] = (None, None, data[c][i])
        out.append(
            FileEntry(
                path=path,
                local=file_location(root, path),
                size=int(data["size_bytes"][i]),
                partition=part,
                rows=data["num_records"][i] if "num_records" in data else None,
                stats=stats,
            )
        )
    return out, partitions


_PRUNABLE_STATS = ("int", "long", "short", "byte", "date", "string", "decimal")


def _may_match(entry: FileEntry, flt: Any, types: dict[str, str], partitions: set[str]) -> bool:
    """False only when the file surely has no row passing `flt` (a pushed-down Spark filter)."""
    attr = getattr(flt, "attribute", None)
    if not attr or len(attr) != 1:
        return True
    column = attr[0]
    if column == FILE_COLUMN:
        if isinstance(flt, EqualTo | EqualNullSafe):
            return entry.path == flt.value
        if isinstance(flt, In):
            return entry.path in set(flt.value)
        return True
    try:
        if column in partitions:
            return _partition_match(entry.partition.get(column), flt)
        kind = types.get(column, "")
        if not kind.startswith(_PRUNABLE_STATS) or column not in entry.stats:
            return True
        lo, hi, nulls = entry.stats[column]
        if kind == "string" and isinstance(hi, str) and len(hi) >= 32:
            hi = None  # possibly a truncated maximum
        return _stats_match(lo, hi, nulls, entry.rows, flt)
    except Exception:
        return True


def _partition_match(value: Any, flt: Any) -> bool:
    if isinstance(flt, IsNull):
        return value is None
    if isinstance(flt, IsNotNull):
        return value is not None
    if isinstance(flt, EqualNullSafe):
        return value == flt.value
    if value is None:
        return False
    if isinstance(flt, EqualTo):
        return value == flt.value
    if isinstance(flt, In):
        return value in set(flt.value)
    if isinstance(flt, GreaterThan):
        return value > flt.value
    if isinstance(flt, GreaterThanOrEqual):
        return value >= flt.value
    if isinstance(flt, LessThan):
        return value < flt.value
    if isinstance(flt, LessThanOrEqual):
        return value <= flt.value
    return True


def _stats_match(lo: Any, hi: Any, nulls: Any, rows: Any, flt: Any) -> bool:
    if isinstance(flt, IsNull):
        return nulls is None or nulls > 0
    if isinstance(flt, IsNotNull):
        return nulls is None or rows is None or nulls < rows
    if rows is not None and nulls is not None and nulls >= rows and rows > 0:
        return False  # every value is null: no comparison can be true
    if isinstance(flt, EqualTo | EqualNullSafe):
        if flt.value is None:
            return True
        return (lo is None or lo <= flt.value) and (hi is None or flt.value <= hi)
    if isinstance(flt, In):
        return any(
            v is None or ((lo is None or lo <= v) and (hi is None or v <= hi)) for v in flt.value
        )
    if isinstance(flt, GreaterThan):
        return hi is None or hi > flt.value
    if isinstance(flt, GreaterThanOrEqual):
        return hi is None or hi >= flt.value
    if isinstance(flt, LessThan):
        return lo is None or lo < flt.value
    if isinstance(flt, LessThanOrEqual):
        return lo is None or lo <= flt.value
    return True


class _EmptyBatch:
    """Stands in for a batch with no columns read (a row group's row count)."""

    def __init__(self, num_rows: int) -> None:
        self.num_rows = num_rows
        self.schema = _NoColumns()


class _NoColumns:
    def get_field_index(self, name: str) -> int:
        return -1


class DeltaReader(DataSourceReader):
    def __init__(self, opts: dict, schema: Any) -> None:
        location = _read_location(opts, schema)
        version, timestamp = _time_travel(opts)
        table = open_table(location, version, timestamp)
        self.location = location
        self.version = table.version()
        schema_json = table.schema().to_json()
        self.physical = physical_names(schema_json)
        self.renames = {
            f["name"]: nested_renames(f["type"]) for f in json.loads(schema_json)["fields"]
        }
        self.files, self.partitions_cols = snapshot_files(table, location)
        self.types = {
            f["name"]: f["type"] if isinstance(f["type"], str) else f["type"].get("type", "")
            for f in json.loads(schema_json)["fields"]
        }
        self.schema_json = schema.json()
        self.filters: list = []
        self.batch_rows = int(opts.get("lakehouse.batchrows") or BATCH_ROWS)
        # pyarrow decodes a file's columns in parallel: measured faster on 2 cores too.
        self.threads = _true(opts.get("lakehouse.readthreads", "true"))

    def pushFilters(self, filters: list) -> Iterator:
        # Every filter prunes files here, and every one goes back to Spark too: pruning is
        # by file, and Spark's own evaluation keeps its exact semantics (types, collations).
        for flt in filters:
            self.filters.append(flt)
            yield flt

    def partitions(self) -> list[InputPartition]:
        parts = set(self.partitions_cols)
        files = [
            f for f in self.files if all(_may_match(f, x, self.types, parts) for x in self.filters)
        ]
        if not files:
            return [InputPartition([])]
        total = sum(f.size for f in files)
        target = min(MAX_SPLIT_BYTES, max(MIN_SPLIT_BYTES, total // 8))
        groups: list[list[FileEntry]] = []
        current: list[FileEntry] = []
        size = 0
        for f in sorted(files, key=lambda f: f.size, reverse=True):
            if current and size + f.size > target:
                groups.append(current)
                current, size = [], 0
            current.append(f)
            size += f.size
        if current:
            groups.append(current)
        return [InputPartition(g) for g in groups]

    def read(self, partition: InputPartition) -> Iterator:
        import pyarrow as pa
        import pyarrow.parquet as pq
        from pyspark.sql.pandas.types import to_arrow_schema
        from pyspark.sql.types import StructType

        schema = StructType.fromJson(json.loads(self.schema_json))
        out_schema = to_arrow_schema(schema, timezone="UTC")
        lower = {name.lower(): name for name in self.physical}
        for entry in partition.value or []:
            pf = pq.ParquetFile(entry.local)
            in_file = set(pf.schema_arrow.names)
            wanted = []
            for f in schema.fields:
                name = lower.get(f.name.lower())
                if name and name not in self.partitions_cols and self.physical[name] in in_file:
                    wanted.append(self.physical[name])
            row = 0
            if wanted:
                batches = pf.iter_batches(
                    batch_size=self.batch_rows, columns=wanted, use_threads=self.threads
                )
            else:  # only partition or generated columns: the row counts are enough
                batches = (
                    _EmptyBatch(pf.metadata.row_group(i).num_rows)
                    for i in range(pf.metadata.num_row_groups)
                )
            for batch in batches:
                n = batch.num_rows
                if n == 0:
                    continue
                arrays = [
                    self._column(f.name, target.type, batch, entry, row, n, lower)
                    for f, target in zip(schema.fields, out_schema, strict=True)
                ]
                row += n
                yield pa.RecordBatch.from_arrays(arrays, schema=out_schema)

    def _column(
        self, name: str, target: Any, batch: Any, entry: FileEntry, row: int, n: int, lower: dict
    ) -> Any:
        import pyarrow as pa

        if name == FILE_COLUMN:
            return pa.array([entry.path] * n, type=target)
        if name == ROW_COLUMN:
            return pa.array(range(row, row + n), type=target)
        logical = lower.get(name.lower())
        if logical is None:
            return pa.nulls(n, target)
        if logical in self.partitions_cols:
            value = entry.partition.get(logical)
            if value is None:
                return pa.nulls(n, target)
            return cast_array(pa.array([value] * n), target)
        physical = self.physical[logical]
        idx = batch.schema.get_field_index(physical)
        if idx < 0:
            return pa.nulls(n, target)
        from .files import rename_struct

        arr = rename_struct(batch.column(idx), self.renames.get(logical))
        return cast_array(arr, target)


# -- writing -----------------------------------------------------------------------------------


class DeltaCommitMessage(WriterCommitMessage):
    def __init__(self, adds: list[dict], rows: int) -> None:
        self.adds = adds
        self.rows = rows


_WIDENING = {
    "byte": {"short", "integer", "long", "float", "double"},
    "short": {"integer", "long", "float", "double"},
    "integer": {"long", "float", "double"},
    "long": {"float", "double"},
    "float": {"double"},
}


def _type_name(t: Any) -> str:
    return t if isinstance(t, str) else json.dumps(t, sort_keys=True)


def _compatible(src: Any, dst: Any) -> bool:
    if src == dst or src in ("void", "null"):
        return True
    if isinstance(src, str) and isinstance(dst, str):
        if src.startswith("string") and dst.startswith("string"):
            return True
        return dst in _WIDENING.get(src, set())
    if isinstance(src, dict) and isinstance(dst, dict) and src.get("type") == dst.get("type"):
        kind = src["type"]
        if kind == "struct":
            by_name = {f["name"].lower(): f for f in dst["fields"]}
            return all(
                f["name"].lower() in by_name
                and _compatible(f["type"], by_name[f["name"].lower()]["type"])
                for f in src["fields"]
            )
        if kind == "array":
            return _compatible(src["elementType"], dst["elementType"])
        if kind == "map":
            return _compatible(src["keyType"], dst["keyType"]) and _compatible(
                src["valueType"], dst["valueType"]
            )
    return False


def _show_schema(fields: list[dict]) -> str:
    return ", ".join(f"{f['name']} {_type_name(f['type'])}" for f in fields)


@dataclass
class WritePlan:
    location: str
    mode: str  # append | overwrite | errorifexists | ignore
    exists: bool
    table_schema: str  # Delta schemaString the table will have
    partition_columns: list[str]
    input_names: dict[str, str | None]  # table column -> input column (None: fill with nulls)
    added_columns: list[dict]  # mergeSchema: Spark field JSON of columns to add first
    overwrite_schema: bool
    table_info: dict
    dml: dict | None
    operation: dict | None


def plan_write(
    location: str,
    input_json: dict,
    mode: str,
    partition_by: list[str] | None = None,
    merge_schema: bool = False,
    overwrite_schema: bool = False,
    table_info: dict | None = None,
    dml: dict | None = None,
    operation: dict | None = None,
) -> WritePlan:
    """Check the incoming schema against the table (schema enforcement) and plan the write."""
    fields = input_json["fields"]
    seen: set[str] = set()
    for f in fields:
        if f["name"].lower() in seen:
            raise SchemaMismatch(f"The data has the column {f['name']!r} twice.")
        seen.add(f["name"].lower())
    exists = is_delta_table(location)
    if mode == "ignore" and exists:
        overwrite_schema = False
    replace = exists and mode == "overwrite" and overwrite_schema
    if exists and not replace:
        table = open_table(location, (dml or {}).get("readVersion"))
        current = spark_schema_json(table.schema().to_json())
        partitions = list(table.metadata().partition_columns)
        if table.metadata().configuration.get("delta.columnMapping.mode", "none") != "none":
            raise DeltaError(
                f"The Delta table at {location} uses column mapping; the offline engine reads "
                f"it but does not write it. Use the delta-spark engine to write.",
                code="DELTA_UNSUPPORTED_COLUMN_MAPPING_WRITE",
            )
        if partition_by and [p.lower() for p in partition_by] != [p.lower() for p in partitions]:
            raise DeltaError(
                f"The partition columns {partition_by} do not match the table's "
                f"{partitions or '(none)'}.",
                code="DELTA_PARTITION_COLUMNS_MISMATCH",
            )
        by_name = {f["name"].lower(): f for f in current["fields"]}
        unknown = [f for f in fields if f["name"].lower() not in by_name]
        wrong = [
            f
            for f in fields
            if f["name"].lower() in by_name
            and not _compatible(f["type"], by_name[f["name"].lower()]["type"])
        ]
        if wrong or (unknown and not merge_schema):
            problems = []
            if unknown:
                problems.append(
                    "columns not in the table: "
                    + ", ".join(f"{f['name']} {_type_name(f['type'])}" for f in unknown)
                    + " (to add them, write with .option('mergeSchema', 'true'))"
                )
            if wrong:
                problems.append(
                    "columns of another type: "
                    + ", ".join(
                        f"{f['name']} {_type_name(f['type'])} (table: "
                        f"{_type_name(by_name[f['name'].lower()]['type'])})"
                        for f in wrong
                    )
                    + (
                        " (to replace the table's schema, overwrite with "
                        ".option('overwriteSchema', 'true'))"
                    )
                )
            raise SchemaMismatch(
                "A schema mismatch was detected when writing to the Delta table at "
                f"{location}: "
                + "; ".join(problems)
                + ".\nTable schema: "
                + _show_schema(current["fields"])
                + "\nData schema: "
                + _show_schema(fields)
            )
        added = [{**f, "nullable": True, "metadata": {}} for f in unknown] if merge_schema else []
        target = {"type": "struct", "fields": current["fields"] + added}
        input_by_name = {f["name"].lower(): f["name"] for f in fields}
        names = {f["name"]: input_by_name.get(f["name"].lower()) for f in target["fields"]}
        return WritePlan(
            location=location,
            mode=mode,
            exists=True,
            table_schema=delta_schema_from_spark(target),
            partition_columns=partitions,
            input_names=names,
            added_columns=added,
            overwrite_schema=False,
            table_info=table_info or {},
            dml=dml,
            operation=operation,
        )
    if dml:
        raise DeltaError(f"The Delta table at {location} no longer exists.")
    partitions = list(partition_by or [])
    by_lower = {f["name"].lower(): f["name"] for f in fields}
    resolved = []
    for p in partitions:
        if p.lower() not in by_lower:
            raise DeltaError(
                f"The partition column {p!r} is not in the data ({_show_schema(fields)}).",
                code="DELTA_PARTITION_COLUMN_NOT_FOUND",
            )
        resolved.append(by_lower[p.lower()])
    if resolved and len(resolved) == len(fields):
        raise DeltaError(
            "Cannot use all columns for partition columns: a Delta table needs at least one "
            "data column.",
            code="DELTA_CANNOT_USE_ALL_COLUMNS_FOR_PARTITION",
        )
    target = {"type": "struct", "fields": [{**f, "nullable": True} for f in fields]}
    return WritePlan(
        location=location,
        mode=mode,
        exists=exists,
        table_schema=delta_schema_from_spark(target),
        partition_columns=resolved,
        input_names={f["name"]: f["name"] for f in fields},
        added_columns=[],
        overwrite_schema=replace,
        table_info=table_info or {},
        dml=None,
        operation=operation,
    )


class DeltaWriter(DataSourceArrowWriter):
    def __init__(self, opts: dict, schema: Any, overwrite: bool) -> None:
        location = _write_location(opts)
        mode = (opts.get(OPT_SAVE_MODE) or ("overwrite" if overwrite else "append")).lower()
        if mode in ("error", "default"):
            mode = "errorifexists"
        partition_by = json.loads(opts[OPT_PARTITION_BY]) if opts.get(OPT_PARTITION_BY) else None
        if partition_by is None and opts.get("partitionby"):
            partition_by = [c.strip() for c in str(opts["partitionby"]).split(",") if c.strip()]
        self.plan = plan_write(
            location,
            json.loads(schema.json()),
            mode,
            partition_by,
            merge_schema=_true(opts.get("mergeschema")),
            overwrite_schema=_true(opts.get("overwriteschema")),
            table_info=json.loads(opts[OPT_TABLE]) if opts.get(OPT_TABLE) else None,
            dml=json.loads(opts[OPT_DML]) if opts.get(OPT_DML) else None,
            operation=json.loads(opts[OPT_OPERATION]) if opts.get(OPT_OPERATION) else None,
        )
        self.max_rows = int(opts.get("maxrecordsperfile") or 0) or None
        self.write_id = uuid.uuid4().hex
        # Decided again atomically at commit; checked here so no task runs for nothing.
        self.skip = self.plan.exists and mode == "ignore"
        if self.plan.exists and mode == "errorifexists":
            raise _exists_error(location)

    def write(self, iterator: Iterator) -> DeltaCommitMessage:
        import pyarrow as pa

        if self.skip:
            return DeltaCommitMessage([], 0)
        plan = self.plan
        arrow = arrow_schema_for(plan.table_schema)
        data_schema = pa.schema([f for f in arrow if f.name not in plan.partition_columns])
        part_types = {c: arrow.field(c).type for c in plan.partition_columns}
        kwargs = {"max_rows": self.max_rows} if self.max_rows else {}
        sink = FileSink(
            plan.location,
            data_schema,
            plan.partition_columns,
            part_types,
            prefix=f"{self.write_id}-{uuid.uuid4().hex[:8]}",
            **kwargs,
        )
        rows = 0
        try:
            for batch in iterator:
                if batch.num_rows == 0:
                    continue
                columns = []
                lower = {n.lower(): i for i, n in enumerate(batch.schema.names)}
                for f in arrow:
                    source = plan.input_names.get(f.name)
                    idx = lower.get(source.lower()) if source else None
                    if idx is None:
                        columns.append(pa.nulls(batch.num_rows, f.type))
                    else:
                        columns.append(cast_array(batch.column(idx), f.type))
                    if not f.nullable and columns[-1].null_count:
                        raise DeltaError(
                            f"NOT NULL constraint violated for column: {f.name}.",
                            code="DELTA_NOT_NULL_CONSTRAINT_VIOLATED",
                        )
                sink.write(pa.Table.from_arrays(columns, schema=arrow))
                rows += batch.num_rows
            adds = sink.close()
        except BaseException:
            sink.discard()
            raise
        return DeltaCommitMessage(adds, rows)

    def commit(self, messages: list) -> None:
        commit_files(self.plan, _adds(messages))

    def abort(self, messages: list) -> None:
        discard(self.plan.location, _adds(messages))


def _adds(messages: list) -> list[dict]:
    out: list[dict] = []
    for m in messages or []:
        if isinstance(m, DeltaCommitMessage):
            out.extend(m.adds)
    return out


def discard(location: str, adds: list[dict]) -> None:
    """Delete files written for a write that is not committed (their paths are as on disk)."""
    remove_files([os.path.join(location, a["path"]) for a in adds])


def _fault_hook() -> None:
    if os.environ.get(FAULT_ENV) == "kill-before-commit":
        os.kill(os.getpid(), signal.SIGKILL)


def _commit_properties(plan: WritePlan, extra: dict | None = None) -> Any:
    from deltalake import CommitProperties

    meta: dict[str, Any] = {}
    op = plan.dml or plan.operation
    if op is None and plan.overwrite_schema:
        op = {"operation": "WRITE", "parameters": {"mode": "Overwrite"}}
    if op:
        meta["lakehouse.operation"] = op.get("operation")
        meta["lakehouse.operationParameters"] = json.dumps(op.get("parameters") or {})
        if op.get("metrics"):
            meta["lakehouse.operationMetrics"] = json.dumps(op["metrics"])
    if plan.dml:
        meta["readVersion"] = int(plan.dml["readVersion"])
        meta["isolationLevel"] = "Serializable"
        meta["isBlindAppend"] = False
    meta.update(extra or {})
    return CommitProperties(custom_metadata=meta or None, max_commit_retries=COMMIT_RETRIES)


def commit_files(plan: WritePlan, adds: list[dict]) -> int | None:
    """Commit the written files in one transaction; returns the new version (None: nothing)."""
    from deltalake import DeltaTable, Schema
    from deltalake.exceptions import CommitFailedError
    from deltalake.transaction import create_table_with_add_actions

    _fault_hook()
    location = plan.location
    actions = [add_action(a) for a in adds]
    try:
        if plan.dml:
            table = DeltaTable(location)
            table.load_as_version(int(plan.dml["readVersion"]))
            removes = [remove_action(p) for p in plan.dml.get("remove") or []]
            if not removes and not actions:
                return None
            table.create_write_transaction(
                removes + actions,
                "append",
                table.schema(),
                partition_by=plan.partition_columns or None,
                commit_properties=_commit_properties(plan),
            )
            return DeltaTable(location).version()
        if not is_delta_table(location) or plan.overwrite_schema:
            # A new table, or one replaced with a new schema and partitioning (overwriteSchema,
            # CREATE OR REPLACE): delta-rs writes the metadata and removes every old file.
            mode = {"errorifexists": "error", "ignore": "ignore"}.get(plan.mode, plan.mode)
            info = plan.table_info
            try:
                create_table_with_add_actions(
                    location,
                    Schema.from_json(plan.table_schema),
                    actions,
                    mode=mode,
                    partition_by=plan.partition_columns or None,
                    name=info.get("name"),
                    description=info.get("description"),
                    configuration=info.get("configuration") or None,
                    commit_properties=_commit_properties(plan),
                )
                return DeltaTable(location).version()
            except Exception:
                if (
                    plan.overwrite_schema
                    or not is_delta_table(location)
                    or plan.mode not in ("append", "overwrite")
                ):
                    raise
                # Created by someone else meanwhile: an append or overwrite goes on below.
        if plan.mode == "errorifexists":
            raise _exists_error(location)
        if plan.mode == "ignore":
            discard(location, adds)
            return None
        table = DeltaTable(location)
        if plan.added_columns:
            from deltalake import Field

            table.alter.add_columns(
                [Field.from_json(json.dumps(f)) for f in _delta_fields(plan.added_columns)]
            )
            table = DeltaTable(location)
        if plan.mode == "overwrite":
            table.create_write_transaction(
                actions,
                "overwrite",
                Schema.from_json(plan.table_schema),
                partition_by=plan.partition_columns or None,
                commit_properties=_commit_properties(plan),
            )
        else:
            table.create_write_transaction(
                actions,
                "append",
                table.schema(),
                partition_by=plan.partition_columns or None,
                commit_properties=_commit_properties(plan),
            )
        return DeltaTable(location).version()
    except CommitFailedError as e:
        discard(location, adds)
        raise ConcurrentModification(
            f"The write to {location} conflicts with a concurrent commit and was not committed: {e}"
        ) from None
    except BaseException:
        discard(location, adds)
        raise


def _exists_error(location: str) -> DeltaError:
    return DeltaError(
        f"A Delta table already exists at {location}. Write with mode('append') or "
        "mode('overwrite').",
        code="DELTA_PATH_EXISTS",
    )


def _delta_fields(fields: list[dict]) -> list[dict]:
    schema = json.loads(delta_schema_from_spark({"type": "struct", "fields": fields}))
    return schema["fields"]
