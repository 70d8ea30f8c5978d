"""Per-session setup of the Delta engine on the client side (kernels, scripts).

`attach(spark, engine)` runs once per Spark Connect session: on the offline engine it
registers the `delta` Python data source, turns on Python filter pushdown, and hooks the
Connect DataFrameWriter so that the writes Spark cannot route to a Python data source work:

- save() with mode errorifexists/ignore (Spark passes only append/overwrite to Python
  sources) and partitionBy() (Spark refuses partitioning for them): both travel as options;
- saveAsTable() / insertInto() of offline Delta tables: written to the table's location, the
  catalog entry created or refreshed (catalog.py).

Reads are hooked too: load() of the `delta` format and table() of an offline Delta table
read the snapshot's Parquet files with Spark's own Parquet source when they can (native.py).

Hooks act only on sessions attached with the offline engine and only for the `delta` format;
everything else goes to pyspark unchanged. On delta-spark nothing is hooked.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from .engine import DELTA_SPARK, OFFLINE, OFFLINE_CONF

ATTR = "_lakehouse_delta"
_HOOKED = "_lakehouse_delta_hooked"


@dataclass
class DeltaSession:
    engine: str
    reason: str | None = None

    @property
    def offline(self) -> bool:
        return self.engine == OFFLINE


def state(spark: Any) -> DeltaSession | None:
    return getattr(spark, ATTR, None)


def engine_of(spark: Any, engine: dict | None) -> tuple[str, str | None]:
    """The engine recorded at cluster start, else what the server's conf says (remote)."""
    if engine and engine.get("name") in (OFFLINE, DELTA_SPARK):
        return engine["name"], engine.get("reason")
    try:
        conf = spark.conf.get("spark.sql.catalog.spark_catalog", "") or ""
    except Exception:
        conf = ""
    if "DeltaCatalog" in conf:
        return DELTA_SPARK, "the server's spark_catalog is Delta's DeltaCatalog"
    return OFFLINE, "the server has no DeltaCatalog configured"


def attach(spark: Any, engine: dict | None = None) -> DeltaSession:
    name, reason = engine_of(spark, engine)
    session = DeltaSession(name, reason)
    if session.offline:
        from .source import DeltaDataSource

        for key, value in OFFLINE_CONF.items():
            spark.conf.set(key, value)
        spark.dataSource.register(DeltaDataSource)
        install_writer_hooks()
        install_reader_hooks()
    setattr(spark, ATTR, session)
    return session


def _is_delta(source: Any) -> bool:
    return isinstance(source, str) and source.strip().lower() == "delta"


def _dataframe(writer: Any) -> Any:
    from pyspark.sql.connect.dataframe import DataFrame

    return DataFrame(writer._df, writer._spark)


def _table_parts(name: str) -> list[str]:
    import sqlglot
    from sqlglot import exp

    table = sqlglot.parse_one(name, dialect="databricks", into=exp.Table)
    return [p for p in (table.catalog, table.db, table.name) if p]


def install_writer_hooks() -> None:
    """Wrap the Connect DataFrameWriter's save/saveAsTable/insertInto (once per process)."""
    from pyspark.sql.connect.readwriter import DataFrameWriter

    if getattr(DataFrameWriter, _HOOKED, False):
        return
    original_save = DataFrameWriter.save
    original_save_as_table = DataFrameWriter.saveAsTable
    original_insert_into = DataFrameWriter.insertInto

    @functools.wraps(original_save)
    def save(self, path=None, format=None, mode=None, partitionBy=None, **options):
        session = state(self._spark)
        if session is None or not session.offline or not _is_delta(format or self._write.source):
            return original_save(self, path, format, mode, partitionBy, **options)
        _prepare(self, mode, partitionBy, options)
        return original_save(self, path, "delta", None, None, **options)

    @functools.wraps(original_save_as_table)
    def saveAsTable(self, name, format=None, mode=None, partitionBy=None, **options):
        session = state(self._spark)
        if session is None or not session.offline:
            return original_save_as_table(self, name, format, mode, partitionBy, **options)
        return _save_as_table(
            self, name, format, mode, partitionBy, options, original_save_as_table
        )

    @functools.wraps(original_insert_into)
    def insertInto(self, tableName, overwrite=None):
        session = state(self._spark)
        if session is None or not session.offline:
            return original_insert_into(self, tableName, overwrite)
        return _insert_into(self, tableName, overwrite, original_insert_into)

    DataFrameWriter.save = save
    DataFrameWriter.saveAsTable = saveAsTable
    DataFrameWriter.insertInto = insertInto
    setattr(DataFrameWriter, _HOOKED, True)


def install_reader_hooks() -> None:
    """Wrap the Connect DataFrameReader's load/table (once per process): native reads.

    Delta reads of offline sessions go to Spark's Parquet source on the snapshot's files
    (native.py) when they can; everything else goes to pyspark unchanged.
    """
    from pyspark.sql.connect.readwriter import DataFrameReader
    from pyspark.sql.utils import to_str

    if getattr(DataFrameReader, _HOOKED, False):
        return
    original_load = DataFrameReader.load
    original_table = DataFrameReader.table

    @functools.wraps(original_load)
    def load(self, path=None, format=None, schema=None, **options):
        session = state(self._client)
        if (
            session is not None
            and session.offline
            and isinstance(path, str)
            and schema is None
            and not self._schema
            and _is_delta(format or self._format)
        ):
            from . import native

            given = {**self._options, **{k: to_str(v) for k, v in options.items()}}
            df = native.read(self._client, path, given)
            if df is not None:
                return df
        return original_load(self, path, format, schema, **options)

    @functools.wraps(original_table)
    def table(self, tableName):
        session = state(self._client)
        if session is not None and session.offline and not self._options:
            from . import native

            df = native.read_table(self._client, tableName)
            if df is not None:
                return df
        return original_table(self, tableName)

    DataFrameReader.load = load
    DataFrameReader.table = table
    setattr(DataFrameReader, _HOOKED, True)


def _prepare(writer: Any, mode: Any, partition_by: Any, options: dict) -> None:
    """Move what Spark refuses for Python sources (modes, partitioning) into options."""
    from .source import OPT_PARTITION_BY, OPT_SAVE_MODE

    chosen = (mode or writer._write.mode or "errorifexists").lower()
    if chosen in ("error", "errorifexists", "default", "ignore"):
        writer._write.options[OPT_SAVE_MODE] = "ignore" if chosen == "ignore" else "errorifexists"
        writer._write.mode = "append"
    else:
        writer._write.mode = chosen
    cols = partition_by if partition_by is not None else writer._write.partitioning_cols
    if isinstance(cols, str):
        cols = [cols]
    if cols:
        writer._write.options[OPT_PARTITION_BY] = json.dumps(list(cols))
    writer._write.partitioning_cols = []


def _save_as_table(writer, name, format, mode, partition_by, options, original):
    from . import catalog
    from .log import DeltaError

    spark = writer._spark
    fmt = format or writer._write.source
    parts = _table_parts(name)
    ref = catalog.resolve(spark, parts)
    if ref is None:
        exists = bool(spark.catalog.tableExists(catalog.name_sql(parts)))
        if exists or not _is_delta(fmt):
            return original(writer, name, format, mode, partition_by, **options)
        cols = partition_by if partition_by is not None else writer._write.partitioning_cols
        if isinstance(cols, str):
            cols = [cols]
        writer._write.options.update({k: str(v) for k, v in options.items()})
        # Options such as delta.appendOnly become the new table's properties.
        props = {k: v for k, v in writer._write.options.items() if k.startswith("delta.")}
        catalog.create_table(
            spark,
            parts,
            partition_by=list(cols or []) or None,
            properties=props,
            query=_dataframe(writer),
        )
        return None
    chosen = (mode or writer._write.mode or "errorifexists").lower()
    if chosen in ("error", "errorifexists", "default"):
        raise DeltaError(
            f"Table {'.'.join(parts)} already exists; write with mode('append') or "
            "mode('overwrite').",
            code="TABLE_OR_VIEW_ALREADY_EXISTS",
        )
    if chosen == "ignore":
        return None
    writer._write.mode = chosen
    cols = partition_by if partition_by is not None else writer._write.partitioning_cols
    _prepare(writer, chosen, cols, options)
    writer._write.options.update({k: str(v) for k, v in options.items()})
    writer._write.source = "delta"
    writer._write.path = ref.location
    writer._write.table_name = None
    _execute(writer)
    catalog.refresh(spark, ref)
    return None


def _insert_into(writer, table_name, overwrite, original):
    from . import catalog

    spark = writer._spark
    parts = _table_parts(table_name)
    ref = catalog.resolve(spark, parts)
    if ref is None:
        return original(writer, table_name, overwrite)
    df = _dataframe(writer)
    names = [f.name for f in catalog.delta_spark_schema(ref.location).fields]
    if len(df.columns) != len(names):
        from .log import DeltaError

        raise DeltaError(
            f"Cannot write to {'.'.join(parts)}: the table has {len(names)} columns, the data "
            f"{len(df.columns)} (insertInto matches columns by position).",
            code="INSERT_COLUMN_ARITY_MISMATCH",
        )
    aligned = df.toDF(*names)
    mode = "overwrite" if overwrite else (writer._write.mode or "append")
    aligned.write.format("delta").mode(mode).options(**writer._write.options).save(ref.location)
    return None


def _execute(writer: Any) -> None:
    _, _, ei = writer._spark.client.execute_command(
        writer._write.command(writer._spark.client), writer._write.observations
    )
    writer._callback(ei)
