"""The offline engine's native read path: Spark's own Parquet source on a Delta snapshot's files.

A Python data source costs Spark ~0.25 s of planning per query and gets no column pruning in
Spark 4.2, so a table version that plain Parquet semantics can read is read this way instead:

- delta-rs resolves the snapshot (its active files and partition values) in the kernel;
- Spark reads exactly those files with its Parquet source, the schema given from the Delta
  log (no inference), so Spark prunes columns, pushes filters into the Parquet reader and
  prunes partitions itself;
- partition columns come from the log's partitionValues: by Hive-style discovery under the
  table root (`basePath`) when every file's directories spell its partition values, else one
  read per partition with the values as typed literals (Spark drops the partitions a filter
  excludes at planning), unioned.

A version can be read this way when nothing in it changes row content beyond Parquet: no
column mapping, no type widening (deletion vectors and v2 checkpoints are refused by the
offline engine altogether, log.py). Everything else, and every read with options this path
does not know, stays on the `delta` data source (source.py).

`DeltaScan` is the Spark Connect plan node: it resolves the table's latest version each time
its plan is sent (every action, like the data source and delta-spark on Spark Connect); with
a version (time travel) it is fixed. The file list of a version is computed once and cached
(a committed version never changes; the key includes its commit file's identity, for tables
deleted and created again at the same path). Spark's server reads the files by their local
paths, so the cluster must see the table where the kernel does (a local cluster, or the same
mount).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql.connect.plan import LogicalPlan

from .files import NULL_PARTITION, file_location, partition_string, spark_schema_json
from .log import CHECKPOINT_RE, COMMIT_RE, LOG_DIR, DeltaError, open_table

# Reader features whose tables hold plain Parquet rows (columnMapping only in mode "none").
PLAIN_FEATURES = {"timestampNtz", "vacuumProtocolCheck", "columnMapping"}
# Partition column types whose Hive directory value Spark parses exactly as Delta does.
HIVE_TYPES = {"string", "byte", "short", "integer", "long", "date", "boolean"}
# Characters that make Spark treat a path as a glob pattern (or that Hadoop paths reject).
_GLOB = set("*?[]{}\\")
# Beyond this many partitions a union plan costs more to analyze than it saves.
MAX_UNION_PARTITIONS = 256
CACHE_SIZE = 32
READ_OPTIONS = {"path", "versionasof", "timestampasof"}
OPT_NATIVE = "lakehouse.native"  # "false": read through the `delta` data source
ENV_NATIVE = "LAKEHOUSE_DELTA_NATIVE_READ"  # "0": never read natively (this process)


@dataclass(frozen=True)
class Snapshot:
    """What Spark needs to read one version of a table with its Parquet source."""

    location: str
    version: int
    schema: dict  # Spark StructType JSON, in the table's column order
    partition_columns: list[str]
    files: list[str]  # local paths
    hive: bool  # True: partition values come from the paths (basePath = location)
    groups: list[tuple[tuple, list[str]]] = field(default_factory=list)  # union mode


class NotNative(Exception):
    """This version must be read by the `delta` data source (the message says why)."""


def enabled() -> bool:
    return os.environ.get(ENV_NATIVE, "1").strip().lower() not in ("0", "false", "no", "off")


def latest_version(location: str) -> int | None:
    """The newest version in the table's log, from its file names (no log replay)."""
    try:
        names = os.listdir(os.path.join(location, LOG_DIR))
    except OSError:
        return None
    versions = [
        int(m.group(1)) for n in names if (m := COMMIT_RE.match(n) or CHECKPOINT_RE.match(n))
    ]
    return max(versions) if versions else None


def unescape_path_name(text: str) -> str:
    """Spark's ExternalCatalogUtils.unescapePathName: %XX (two hex digits) decoded, else kept."""
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "%" and _hex(text[i + 1 : i + 3]):
            out.append(chr(int(text[i + 1 : i + 3], 16)))
            i += 3
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _hex(pair: str) -> bool:
    return len(pair) == 2 and all(ch in "0123456789abcdefABCDEF" for ch in pair)


def _type_name(t: Any) -> str:
    return t if isinstance(t, str) else str(t.get("type", ""))


def _check_plain(table: Any, schema_json: str) -> None:
    protocol = table.protocol()
    features = set(protocol.reader_features or ())
    other = sorted(features - PLAIN_FEATURES)
    if other:
        raise NotNative(f"reader features {other}")
    mode = (table.metadata().configuration or {}).get("delta.columnMapping.mode", "none")
    if (mode or "none").lower() != "none" or "delta.columnMapping.physicalName" in schema_json:
        raise NotNative("column mapping")


def _hive_layout(
    location: str, paths: list[str], partitions: list[str], values: list[tuple]
) -> bool:
    """Does every file sit in <root>/<c1>=<v1>/.../<cn>=<vn>/ spelling its partition values?"""
    root = os.path.normpath(location)
    for path, row in zip(paths, values, strict=True):
        rel = os.path.relpath(path, root)
        parts = rel.split(os.sep)
        if len(parts) != len(partitions) + 1 or rel.startswith(".."):
            return False
        for segment, column, value in zip(parts, partitions, row, strict=False):
            key, eq, raw = segment.partition("=")
            if not eq or unescape_path_name(key) != column:
                return False
            if raw == NULL_PARTITION:
                if value is not None:
                    return False
            elif value is None or unescape_path_name(raw) != partition_string(value):
                return False
    return True


def build_snapshot(location: str, version: int | None = None, timestamp: Any = None) -> Snapshot:
    """Resolve a version's files with delta-rs; NotNative if Parquet semantics would be wrong.

    DeltaErrors of opening the table (not a table, a version that does not exist, a feature
    the offline engine cannot read) propagate: the data source would raise the same.
    """
    import pyarrow as pa

    table = open_table(location, version, timestamp)
    schema_json = table.schema().to_json()
    _check_plain(table, schema_json)
    schema = spark_schema_json(schema_json)
    types = {f["name"]: _type_name(f["type"]) for f in schema["fields"]}
    partitions = list(table.metadata().partition_columns)
    actions = pa.table(table.get_add_actions(flatten=True)).to_pydict()
    logged = actions.get("path", [])
    files = [file_location(location, p) for p in logged]
    bad = next((f for f in files if _GLOB & set(f) or os.path.basename(f)[:1] in "._"), None)
    if bad is not None:
        raise NotNative(f"a file name Spark would treat as a pattern or hidden file: {bad}")
    columns = [actions.get(f"partition.{p}") or [None] * len(files) for p in partitions]
    values = list(zip(*columns, strict=True)) if partitions else [()] * len(files)
    hive = not partitions or (
        all(types.get(p) in HIVE_TYPES for p in partitions)
        and _hive_layout(location, files, partitions, values)
    )
    groups: list[tuple[tuple, list[str]]] = []
    if not hive:
        by_value: dict[tuple, list[str]] = {}
        for path, row in zip(files, values, strict=True):
            by_value.setdefault(row, []).append(path)
        if len(by_value) > MAX_UNION_PARTITIONS:
            raise NotNative(f"{len(by_value)} partitions whose paths do not spell their values")
        groups = list(by_value.items())
    return Snapshot(
        location=location,
        version=table.version(),
        schema=schema,
        partition_columns=partitions,
        files=files,
        hive=hive,
        groups=groups,
    )


def _commit_stamp(location: str, version: int) -> tuple | None:
    """Identity of a version's commit file: a table deleted and created again at the same
    path starts again at version 0, so (location, version) alone does not name a snapshot."""
    log = os.path.join(location, LOG_DIR)
    for name in (f"{version:020d}.json", f"{version:020d}.checkpoint.parquet"):
        try:
            st = os.stat(os.path.join(log, name))
        except OSError:
            continue
        return (name, st.st_ino, st.st_mtime_ns, st.st_size)
    return None


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: OrderedDict[tuple, Snapshot | NotNative] = OrderedDict()

    def get(self, location: str, version: int) -> Snapshot:
        stamp = _commit_stamp(location, version)
        key = (location, version, stamp)
        hit = None
        with self.lock:
            if stamp is not None:
                hit = self.items.get(key)
            if hit is not None:
                self.items.move_to_end(key)
        if hit is None:
            try:
                hit = build_snapshot(location, version)
            except NotNative as e:
                hit = e
            with self.lock:
                if stamp is not None:
                    self.items[key] = hit
                while len(self.items) > CACHE_SIZE:
                    self.items.popitem(last=False)
        if isinstance(hit, NotNative):
            raise hit
        return hit


SNAPSHOTS = _Cache()


def snapshot(location: str, version: int | None = None, timestamp: Any = None) -> Snapshot:
    """The (cached) snapshot of a version; the latest when neither version nor timestamp."""
    if timestamp is not None:
        version = open_table(location, None, timestamp).version()
    if version is None:
        version = latest_version(location)
        if version is None:
            open_table(location)  # raises the data source's "not a Delta table"
    return SNAPSHOTS.get(location, int(version))


def frame(spark: Any, snap: Snapshot) -> Any:
    """A DataFrame of the snapshot through Spark's Parquet source (built lazily, no RPC)."""
    from pyspark.sql.connect import functions as F
    from pyspark.sql.types import StructType

    schema = StructType.fromJson(snap.schema)
    names = [f.name for f in schema.fields]
    ordered = [F.col(_quote(n)) for n in names]
    if not snap.files:
        return spark.createDataFrame([], schema)
    if snap.hive:
        reader = spark.read.schema(schema)
        if snap.partition_columns:
            reader = reader.option("basePath", snap.location)
        return reader.parquet(*snap.files).select(*ordered)
    parts = set(snap.partition_columns)
    data_schema = StructType([f for f in schema.fields if f.name not in parts])
    out = None
    for row, paths in snap.groups:
        value_of = dict(zip(snap.partition_columns, row, strict=True))
        columns = [
            F.lit(value_of[f.name]).cast(f.dataType).alias(f.name)
            if f.name in parts
            else F.col(_quote(f.name))
            for f in schema.fields
        ]
        part = spark.read.schema(data_schema).parquet(*paths).select(*columns)
        out = part if out is None else out.union(part)
    return out


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


class DeltaScan(LogicalPlan):
    """A Spark Connect plan node: the table at its latest version (or a fixed one), natively.

    Each time the plan is sent it finds the table's newest version (a listing of _delta_log)
    and sends the Parquet read of that version's files; a version that cannot be read
    natively (say, column mapping was turned on since) is sent as a `delta` source read.
    """

    def __init__(self, spark: Any, location: str, version: int | None = None) -> None:
        super().__init__(None)
        self._spark = spark
        self._location = location
        self._version = version

    def plan(self, session: Any) -> Any:
        try:
            inner = frame(self._spark, snapshot(self._location, self._version))._plan
        except NotNative:
            inner = source_plan(self._location, self._version)
        relation = inner.plan(session)
        # Columns taken from this DataFrame (df["x"]) carry this node's plan id.
        relation.common.plan_id = self._root_plan_id
        return relation

    def print(self, indent: int = 0) -> str:
        at = "latest" if self._version is None else self._version
        return f"{' ' * indent}<DeltaScan location={self._location} version={at}>\n"


def source_plan(location: str, version: int | None) -> Any:
    from pyspark.sql.connect.plan import DataSource

    options = {"path": location, OPT_NATIVE: "false"}
    if version is not None:
        options["versionAsOf"] = str(version)
    return DataSource(format="delta", schema=None, options=options)


def read(spark: Any, path: str, options: dict[str, str]) -> Any | None:
    """`spark.read.format("delta").load(path)` natively, or None (then the data source reads).

    None for options this path does not handle, for versions Parquet semantics cannot read,
    and when the kernel cannot open the table (a remote cluster's own files: its data source
    reads them there).
    """
    from pyspark.sql.connect.dataframe import DataFrame

    from .log import local_path

    opts = {str(k).lower(): v for k, v in options.items()}
    if not enabled() or str(opts.get(OPT_NATIVE.lower(), "true")).lower() == "false":
        return None
    if set(opts) - READ_OPTIONS:
        return None
    try:
        location = local_path(path)
    except DeltaError:
        return None
    version = opts.get("versionasof")
    timestamp = opts.get("timestampasof")
    if version not in (None, "") and timestamp not in (None, ""):
        return None  # the data source's error
    try:
        if timestamp not in (None, ""):
            version = open_table(location, None, timestamp).version()
        pinned = int(version) if version not in (None, "") else None
        snapshot(location, pinned)
    except (NotNative, DeltaError, ValueError):
        return None
    return DataFrame(DeltaScan(spark, location, pinned), spark)


def read_catalog_table(spark: Any, parts: list[str]) -> Any | None:
    """A catalog table of the offline engine (not a view over one), natively; else None."""
    from . import catalog

    try:
        ref = catalog.resolve(spark, parts)
        if ref is None:
            return None
        # A view over a Delta table carries the table's column metadata too: only tables.
        if not _is_table(catalog.catalog_entry(spark, catalog.name_sql(parts))):
            return None
    except Exception:
        return None  # Spark reports its own error when the query runs
    df = read(spark, ref.location, {})
    # As Spark's own table reads: columns can be qualified by the table's name.
    return df.alias(parts[-1]) if df is not None else None


def _is_table(df: Any) -> bool:
    """Does the name resolve to the table itself (SubqueryAlias over RelationV2, no View)?

    Spark's analyzed plan says it in one cheap call (catalog.getTable costs several times
    more); a view, even `SELECT *` of the table, shows a View node and is left to Spark.
    """
    text = df._explain_string("extended")
    analyzed = text.split("== Analyzed Logical Plan ==", 1)[-1].split("\n== ", 1)[0]
    lines = [line for line in analyzed.splitlines() if line.strip()]
    first = next((i for i, line in enumerate(lines) if line.startswith("SubqueryAlias ")), None)
    return (
        first is not None
        and first == len(lines) - 2
        and lines[first + 1].startswith("+- RelationV2[")
    )


def read_table(spark: Any, name: str) -> Any | None:
    """`spark.table(name)` of an offline-engine Delta catalog table, natively; else None."""
    from .client import _table_parts

    if not enabled():
        return None
    try:
        parts = _table_parts(name)
    except Exception:
        return None  # not a name sqlglot reads: Spark reports it
    return read_catalog_table(spark, parts)
