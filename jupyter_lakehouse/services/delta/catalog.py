"""Catalog tables of the offline engine: which Delta table a name means, and making names.

Spark gives a Python data source no table location: a catalog table backed by one reaches the
reader with the table's schema only. So a catalog table of the offline engine carries its
location in the metadata of its first column (source.LOCATION_KEY), where the reader finds it
and where the kernel looks names up (`resolve`). Writes never trust that metadata (a query's
columns can carry another table's): the kernel resolves the name and writes to the path.

The catalog entry is an external table with provider `delta`, so SHOW TABLES, DESCRIBE,
spark.table() and the catalog browser see it; DROP TABLE deletes the data of tables created
without LOCATION (managed), as on Databricks (router.py).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from typing import Any

from .files import spark_schema_json
from .log import DeltaError, TableNotFound, is_delta_table, local_path, open_table
from .source import LOCATION_KEY, MANAGED_KEY, SOURCE_NAME, location_from_schema


def empty(spark: Any) -> Any:
    """The result of a statement that returns nothing (no columns, like DDL on Spark)."""
    return spark.range(0).select()


def quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def name_sql(parts: list[str]) -> str:
    return ".".join(quote(p) for p in parts)


@dataclass
class TableRef:
    location: str
    parts: list[str] | None = None  # catalog name parts; None for delta.`/path`
    managed: bool = False
    schema: Any = None  # the catalog's StructType (None for paths)

    @property
    def display(self) -> str:
        return ".".join(self.parts) if self.parts else f"delta.`{self.location}`"


def _is_missing(error: Exception) -> bool:
    text = str(error)
    return any(
        code in text
        for code in ("TABLE_OR_VIEW_NOT_FOUND", "SCHEMA_NOT_FOUND", "NoSuchTable", "not found")
    )


def catalog_entry(spark: Any, name: str) -> Any:
    """spark.table(name) as Spark resolves it (the kernel's native read hook bypassed)."""
    from pyspark.sql.connect.dataframe import DataFrame
    from pyspark.sql.connect.plan import Read

    return DataFrame(Read(name), spark)


def resolve(spark: Any, parts: list[str] | None = None, path: str | None = None) -> TableRef | None:
    """The offline-engine Delta table a name (or path) means; None if it is something else."""
    if path is not None:
        return TableRef(location=local_path(path))
    try:
        schema = catalog_entry(spark, name_sql(parts)).schema
    except Exception as e:
        if _is_missing(e):
            return None
        raise
    location = location_from_schema(schema)
    if not location:
        return None
    meta = schema.fields[0].metadata or {}
    return TableRef(
        location=local_path(location),
        parts=list(parts),
        managed=str(meta.get(MANAGED_KEY, "")).lower() == "true",
        schema=schema,
    )


def require(spark: Any, parts: list[str] | None, path: str | None, what: str) -> TableRef:
    ref = resolve(spark, parts, path)
    if ref is not None:
        return ref
    name = ".".join(parts or [])
    exists = False
    try:
        exists = bool(spark.catalog.tableExists(name_sql(parts)))
    except Exception:
        exists = False
    if exists:
        raise DeltaError(
            f"{what} is only supported for Delta tables; {name} is not a Delta table.",
            code="DELTA_TABLE_ONLY_OPERATION",
        )
    raise TableNotFound(
        f"The table or view {name} cannot be found.", code="TABLE_OR_VIEW_NOT_FOUND"
    )


def default_location(spark: Any, parts: list[str]) -> str:
    """Where a managed table of that name lives: <database location>/<table name>."""
    database = parts[-2] if len(parts) >= 2 else spark.catalog.currentDatabase()
    db = spark.catalog.getDatabase(database)
    uri = db.locationUri or spark.conf.get("spark.sql.warehouse.dir")
    return os.path.join(local_path(uri), parts[-1].lower())


def _with_location(schema: Any, location: str, managed: bool) -> Any:
    from pyspark.sql.types import StructField, StructType

    fields = list(schema.fields)
    first = fields[0]
    meta = {**(first.metadata or {}), LOCATION_KEY: location, MANAGED_KEY: str(managed).lower()}
    fields[0] = StructField(first.name, first.dataType, first.nullable, meta)
    return StructType(fields)


def delta_spark_schema(location: str) -> Any:
    from pyspark.sql.types import StructType

    return StructType.fromJson(spark_schema_json(open_table(location).schema().to_json()))


def register(
    spark: Any,
    parts: list[str],
    location: str,
    managed: bool,
    comment: str | None,
    replace: bool = False,
) -> None:
    """Create (or re-create) the catalog entry of the Delta table at `location`."""
    schema = delta_spark_schema(location)
    if replace:
        # Our entries are external: dropping one never touches the data.
        spark.sql(f"DROP TABLE IF EXISTS {name_sql(parts)}")
    spark.catalog.createTable(
        name_sql(parts),
        path=location,
        source=SOURCE_NAME,
        schema=_with_location(schema, location, managed),
        description=comment,
    )


def refresh(spark: Any, ref: TableRef) -> None:
    """After a schema change: make the catalog's schema the Delta table's again."""
    if not ref.parts or ref.schema is None:
        return
    current = delta_spark_schema(ref.location)
    before = [(f.name, f.dataType) for f in ref.schema.fields]
    if before != [(f.name, f.dataType) for f in current.fields]:
        register(spark, ref.parts, ref.location, ref.managed, None, replace=True)


def create_table(
    spark: Any,
    parts: list[str],
    *,
    schema: Any = None,
    partition_by: list[str] | None = None,
    location: str | None = None,
    comment: str | None = None,
    properties: dict[str, str] | None = None,
    replace: bool = False,
    or_replace: bool = False,
    if_not_exists: bool = False,
    query: Any = None,
) -> Any:
    """CREATE [OR REPLACE] TABLE ... USING delta [AS query]: the Delta table and its entry.

    Returns the DataFrame the statement shows: CTAS reports num_affected_rows and
    num_inserted_rows (as Databricks does); CREATE TABLE returns an empty result.
    """
    from .source import OPT_OPERATION, OPT_PARTITION_BY, OPT_SAVE_MODE, OPT_TABLE

    name = ".".join(parts)
    existing = None
    exists = bool(spark.catalog.tableExists(name_sql(parts)))
    if exists:
        if if_not_exists:
            return empty(spark)
        if not (replace or or_replace):
            raise DeltaError(
                f"Cannot create table or view {name} because it already exists.",
                code="TABLE_OR_VIEW_ALREADY_EXISTS",
            )
        existing = resolve(spark, parts)
        if existing is None:
            raise DeltaError(
                f"{name} exists and is not a Delta table; DROP it before replacing it.",
                code="DELTA_CANNOT_REPLACE_MISSING_TABLE",
            )
    elif replace and not or_replace:
        raise DeltaError(
            f"Table {name} cannot be replaced as it does not exist. Use CREATE OR REPLACE TABLE.",
            code="DELTA_CANNOT_REPLACE_MISSING_TABLE",
        )
    managed = location is None
    if existing is not None and location is None:
        target, managed = existing.location, existing.managed
    else:
        target = local_path(location) if location else default_location(spark, parts)
    configuration = {k: v for k, v in (properties or {}).items() if k.startswith("delta.")}
    info = {"name": parts[-1], "description": comment, "configuration": configuration}
    replacing = existing is not None
    rows = None
    if query is not None:
        if is_delta_table(target) and not replacing:
            raise DeltaError(
                f"Cannot create table {name}: the location {target} already holds a Delta "
                "table. Use CREATE OR REPLACE TABLE, or another LOCATION.",
                code="DELTA_CREATE_TABLE_WITH_NON_EMPTY_LOCATION",
            )
        before = open_table(target).version() if is_delta_table(target) else -1
        writer = (
            query.write.format(SOURCE_NAME)
            .option(OPT_TABLE, json.dumps(info))
            .option(OPT_OPERATION, json.dumps({"operation": _ctas_name(replacing, or_replace)}))
        )
        if partition_by:
            writer = writer.option(OPT_PARTITION_BY, json.dumps(partition_by))
        if replacing or is_delta_table(target):
            writer = writer.mode("overwrite").option("overwriteSchema", "true")
        else:
            writer = writer.mode("append").option(OPT_SAVE_MODE, "errorifexists")
        writer.save(target)
        rows = _rows_since(target, before)
    else:
        _create_empty(target, schema, partition_by, info, replacing or or_replace, name)
    register(spark, parts, target, managed, comment, replace=exists)
    if rows is None:
        return empty(spark)
    return spark.createDataFrame(
        [(rows, rows)], "num_affected_rows bigint, num_inserted_rows bigint"
    )


def _ctas_name(replacing: bool, or_replace: bool) -> str:
    if replacing or or_replace:
        return "CREATE OR REPLACE TABLE AS SELECT"
    return "CREATE TABLE AS SELECT"


def _rows_since(location: str, before: int) -> int:
    """Rows added by the commits after `before` (from the numRecords of their add actions)."""
    from .log import LOG_DIR

    total = 0
    version = open_table(location).version()
    for v in range(before + 1, version + 1):
        path = os.path.join(location, LOG_DIR, f"{v:020d}.json")
        try:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.startswith('{"add"'):
                        stats = json.loads(json.loads(line)["add"].get("stats") or "{}")
                        total += int(stats.get("numRecords") or 0)
        except OSError:
            continue
    return total


def _create_empty(
    location: str,
    schema: Any,
    partition_by: list[str] | None,
    info: dict,
    replace: bool,
    name: str,
) -> None:
    from deltalake import DeltaTable, Schema

    from .files import delta_schema_from_spark

    if schema is None:
        if not is_delta_table(location):
            raise DeltaError(
                f"Cannot create table {name}: give its columns, AS SELECT a query, or a "
                f"LOCATION that holds a Delta table ({location} holds none).",
                code="DELTA_CREATE_TABLE_SCHEME_MISMATCH",
            )
        return
    delta_json = delta_schema_from_spark(json.loads(schema.json()))
    if is_delta_table(location) and not replace:
        current = open_table(location)
        mine = [(f["name"].lower(), f["type"]) for f in json.loads(delta_json)["fields"]]
        theirs = [
            (f["name"].lower(), f["type"]) for f in json.loads(current.schema().to_json())["fields"]
        ]
        if mine != theirs:
            raise DeltaError(
                f"The specified schema does not match the existing schema at {location}.",
                code="DELTA_CREATE_TABLE_SCHEME_MISMATCH",
            )
        return
    DeltaTable.create(
        location,
        Schema.from_json(delta_json),
        mode="overwrite" if replace and is_delta_table(location) else "error",
        partition_by=partition_by or None,
        name=info.get("name"),
        description=info.get("description"),
        configuration=info.get("configuration") or None,
    )


def drop_data(ref: TableRef) -> None:
    """Delete a managed table's folder (after its catalog entry is gone)."""
    if ref.managed and os.path.isdir(ref.location):
        shutil.rmtree(ref.location, ignore_errors=True)
