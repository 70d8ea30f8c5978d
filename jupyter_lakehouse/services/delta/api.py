"""A `DeltaTable` shaped like delta-spark's, on either engine.

    from jupyter_lakehouse.delta import DeltaTable
    dt = DeltaTable.forName(spark, "silver.customers")
    dt.alias("t").merge(updates.alias("s"), "t.id = s.id") \\
        .whenMatchedUpdateAll().whenNotMatchedInsertAll().execute()

On the delta-spark engine every constructor returns delta-spark's own `delta.tables.DeltaTable`
(its Python package speaks Spark Connect when the server has the Delta Connect plugins). On
the offline engine this class does the same operations through delta-rs and Spark (dml.py,
commands.py). Conditions and values are SQL strings or Columns, as in delta-spark.
"""

from __future__ import annotations

from typing import Any

from . import catalog, commands, dml
from .client import state
from .log import DeltaError, is_delta_table, local_path, open_table
from .source import SOURCE_NAME


def _session(spark: Any) -> Any:
    """The real Spark Connect session behind the kernel's `spark` proxy."""
    try:
        inner = object.__getattribute__(spark, "_session")
    except AttributeError:
        return spark
    get = getattr(inner, "get", None)
    return get() if callable(get) else spark


def _offline(spark: Any) -> bool:
    session = state(spark)
    if session is None:
        from .client import attach

        session = attach(spark)
    return session.offline


def _column(value: Any) -> Any:
    from pyspark.sql.connect import functions as F

    if value is None:
        return None
    if isinstance(value, str):
        return F.expr(value)
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def _mapping(values: dict | None, what: str) -> dict[str, Any]:
    if not values:
        raise DeltaError(f"{what} needs a dict of column names to values.")
    return {str(k): _column(v) for k, v in values.items()}


class DeltaTable:
    """A Delta table of the offline engine (delta-spark's DeltaTable on the other engine)."""

    def __init__(
        self, spark: Any, location: str, name: str | None = None, alias: str | None = None
    ) -> None:
        self._spark = spark
        self._location = location
        self._name = name
        self._alias = alias

    # -- constructors ----------------------------------------------------------------------

    @classmethod
    def forPath(cls, sparkSession: Any, path: str, hadoopConf: dict | None = None) -> Any:
        spark = _session(sparkSession)
        if not _offline(spark):
            from delta.tables import DeltaTable as SparkDeltaTable

            return SparkDeltaTable.forPath(spark, path, hadoopConf or {})
        location = local_path(path)
        if not is_delta_table(location):
            raise DeltaError(f"{path} is not a Delta table.", code="DELTA_MISSING_DELTA_TABLE")
        return cls(spark, location)

    @classmethod
    def forName(cls, sparkSession: Any, tableOrViewName: str) -> Any:
        spark = _session(sparkSession)
        if not _offline(spark):
            from delta.tables import DeltaTable as SparkDeltaTable

            return SparkDeltaTable.forName(spark, tableOrViewName)
        from .client import _table_parts

        parts = _table_parts(tableOrViewName)
        ref = catalog.require(spark, parts, None, "DeltaTable.forName")
        return cls(spark, ref.location, ".".join(parts))

    @classmethod
    def isDeltaTable(cls, sparkSession: Any, identifier: str) -> bool:
        spark = _session(sparkSession)
        if not _offline(spark):
            from delta.tables import DeltaTable as SparkDeltaTable

            return SparkDeltaTable.isDeltaTable(spark, identifier)
        try:
            return is_delta_table(local_path(identifier))
        except DeltaError:
            return False

    # -- reading ---------------------------------------------------------------------------

    def alias(self, aliasName: str) -> DeltaTable:
        return DeltaTable(self._spark, self._location, self._name, aliasName)

    def toDF(self) -> Any:
        df = self._spark.read.format(SOURCE_NAME).load(self._location)
        return df.alias(self._alias) if self._alias else df

    def history(self, limit: int | None = None) -> Any:
        return commands.history(self._spark, self._location, limit)

    def detail(self) -> Any:
        return commands.detail(self._spark, self._location, self._name)

    # -- changing --------------------------------------------------------------------------

    def delete(self, condition: Any = None) -> None:
        dml.delete(
            self._spark,
            self._location,
            _column(condition),
            alias=self._alias,
            condition_sql=_text(condition),
        )

    def update(self, condition: Any = None, set: dict | None = None) -> None:
        dml.update(
            self._spark,
            self._location,
            _mapping(set, "update()"),
            _column(condition),
            alias=self._alias,
            condition_sql=_text(condition),
        )

    def updateExpr(self, condition: Any = None, set: dict | None = None) -> None:
        self.update(condition, set)

    def merge(self, source: Any, condition: Any) -> DeltaMergeBuilder:
        return DeltaMergeBuilder(self, source, condition)

    def restoreToVersion(self, version: int) -> Any:
        return commands.restore(self._spark, self._location, version=int(version))

    def restoreToTimestamp(self, timestamp: Any) -> Any:
        return commands.restore(self._spark, self._location, timestamp=timestamp)

    def vacuum(self, retentionHours: float | None = None) -> Any:
        check = self._spark.conf.get(
            "spark.databricks.delta.retentionDurationCheck.enabled", "true"
        )
        return commands.vacuum(
            self._spark,
            self._location,
            retentionHours,
            enforce=str(check).lower() != "false",
        )

    def optimize(self) -> DeltaOptimizeBuilder:
        return DeltaOptimizeBuilder(self)

    def version(self) -> int:
        """The table's latest version (not in delta-spark's API; handy in notebooks)."""
        return open_table(self._location).version()

    def __repr__(self) -> str:
        return f"DeltaTable({self._name or self._location!r}, offline engine)"


class DeltaMergeBuilder:
    def __init__(self, table: DeltaTable, source: Any, condition: Any) -> None:
        self._table = table
        self._source = source
        self._condition = condition
        self._clauses: list[dml.Clause] = []

    def _add(
        self, kind: str, action: str, condition: Any, values: dict | None, all_columns: bool = False
    ) -> DeltaMergeBuilder:
        assignments = None if all_columns else _mapping(values, f"{action} in merge()")
        self._clauses.append(
            dml.Clause(
                kind=kind,
                action=action,
                condition=_column(condition),
                assignments=assignments if action != "delete" else None,
                condition_sql=_text(condition),
            )
        )
        return self

    def whenMatchedUpdate(self, condition: Any = None, set: dict | None = None) -> Any:
        return self._add("matched", "update", condition, set)

    def whenMatchedUpdateAll(self, condition: Any = None) -> DeltaMergeBuilder:
        return self._add("matched", "update", condition, None, all_columns=True)

    def whenMatchedDelete(self, condition: Any = None) -> DeltaMergeBuilder:
        return self._add("matched", "delete", condition, None, all_columns=True)

    def whenNotMatchedInsert(self, condition: Any = None, values: dict | None = None) -> Any:
        return self._add("not_matched", "insert", condition, values)

    def whenNotMatchedInsertAll(self, condition: Any = None) -> DeltaMergeBuilder:
        return self._add("not_matched", "insert", condition, None, all_columns=True)

    def whenNotMatchedBySourceUpdate(self, condition: Any = None, set: dict | None = None) -> Any:
        return self._add("not_matched_by_source", "update", condition, set)

    def whenNotMatchedBySourceDelete(self, condition: Any = None) -> DeltaMergeBuilder:
        return self._add("not_matched_by_source", "delete", condition, None, all_columns=True)

    def withSchemaEvolution(self) -> DeltaMergeBuilder:
        raise DeltaError(
            "MERGE with schema evolution needs the delta-spark engine; on the offline engine "
            "add the columns first (write with .option('mergeSchema', 'true')).",
            code="DELTA_UNSUPPORTED_MERGE_SCHEMA_EVOLUTION",
        )

    def execute(self) -> Any:
        t = self._table
        return dml.merge(
            t._spark,
            t._location,
            self._source,
            _column(self._condition),
            self._clauses,
            target_alias=t._alias,
            on_sql=_text(self._condition),
        )


class DeltaOptimizeBuilder:
    def __init__(self, table: DeltaTable) -> None:
        self._table = table
        self._filters: list[tuple] | None = None

    def where(self, partitionFilter: str) -> DeltaOptimizeBuilder:
        import sqlglot

        from .router import DIALECT, _partition_filters

        predicate = sqlglot.parse_one(partitionFilter, dialect=DIALECT)
        self._filters = _partition_filters(predicate, self._table._location)
        return self

    def executeCompaction(self) -> Any:
        return commands.optimize(self._table._spark, self._table._location, self._filters)

    def executeZOrderBy(self, *cols: Any) -> Any:
        names = [c for group in cols for c in ([group] if isinstance(group, str) else group)]
        return commands.optimize(self._table._spark, self._table._location, self._filters, names)
