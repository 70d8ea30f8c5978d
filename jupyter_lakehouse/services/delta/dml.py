"""UPDATE, DELETE and MERGE on the offline engine: Spark evaluates, delta-rs commits.

Every operation pins the table's current version, reads it through the `delta` data source
with two hidden columns (the file each row comes from and its row number in that file),
finds the files that hold rows to change, and rewrites only those: Spark computes the new
rows (so SET / WHERE / ON expressions have Spark SQL's semantics) and the data source writes
them as new files. The commit, in the writer on the driver, removes the rewritten files and
adds the new ones in ONE delta-rs transaction whose read version is the pinned one, so a
concurrent change to the same files fails the operation instead of losing an update.

Inputs are pyspark Columns, so the SQL router (conditions parsed from SQL) and the DeltaTable
API (Columns or SQL strings) share this code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .log import DeltaError, open_table
from .source import (
    FILE_COLUMN,
    OPT_DML,
    OPT_FILE_COLUMNS,
    ROW_COLUMN,
    SOURCE_NAME,
    commit_files,
    plan_write,
)

SOURCE_MARK = "__lakehouse_source_row"


def quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


@dataclass
class Clause:
    """One WHEN clause of a MERGE."""

    kind: str  # "matched" | "not_matched" | "not_matched_by_source"
    action: str  # "update" | "delete" | "insert"
    condition: Any = None  # Column or None
    assignments: dict[str, Any] | None = None  # column -> Column; None: every column (*)
    condition_sql: str | None = None  # for the history

    def describe(self) -> dict:
        out = {"actionType": self.action}
        if self.condition_sql:
            out["predicate"] = self.condition_sql
        return out


@dataclass
class Target:
    location: str
    version: int
    schema: Any  # pyspark StructType of the table
    partition_columns: list[str]
    df: Any  # the table at `version` with FILE_COLUMN and ROW_COLUMN, aliased
    columns: list[str] = field(default_factory=list)


def pin(spark: Any, location: str, alias: str | None = None) -> Target:
    from pyspark.sql.types import StructType

    from .files import spark_schema_json

    table = open_table(location)
    version = table.version()
    schema = StructType.fromJson(spark_schema_json(table.schema().to_json()))
    df = (
        spark.read.format(SOURCE_NAME)
        .option("versionAsOf", str(version))
        .option(OPT_FILE_COLUMNS, "true")
        .load(location)
    )
    if alias:
        df = df.alias(alias)
    return Target(
        location=location,
        version=version,
        schema=schema,
        partition_columns=list(table.metadata().partition_columns),
        df=df,
        columns=[f.name for f in schema.fields],
    )


def _field(target: Target, name: str) -> Any:
    for f in target.schema.fields:
        if f.name.lower() == name.lower():
            return f
    raise DeltaError(
        f"The table has no column {name!r} (columns: {', '.join(target.columns)}).",
        code="DELTA_COLUMN_NOT_FOUND",
    )


def _rewrite(
    spark: Any,
    target: Target,
    rows: Any,
    touched: list[str],
    operation: str,
    parameters: dict,
    metrics: dict,
) -> None:
    """Write `rows` as new files and commit them with the removal of `touched`."""
    dml = {
        "readVersion": target.version,
        "remove": touched,
        "operation": operation,
        "parameters": parameters,
        "metrics": {k: str(v) for k, v in metrics.items()},
    }
    if rows is None:
        # Nothing to write (a DELETE of whole files): commit the removes from here.
        plan = plan_write(
            target.location,
            json.loads(target.schema.json()),
            "append",
            dml=dml,
        )
        commit_files(plan, [])
        return
    (
        rows.write.format(SOURCE_NAME)
        .mode("append")
        .option(OPT_DML, json.dumps(dml))
        .save(target.location)
    )


def _touched(df: Any) -> tuple[list[str], int]:
    from pyspark.sql.connect import functions as F

    counts = df.groupBy(FILE_COLUMN).agg(F.count(F.lit(1)).alias("n")).collect()
    return sorted(r[FILE_COLUMN] for r in counts), sum(r["n"] for r in counts)


def _result(spark: Any, names: list[str], values: list[int]) -> Any:
    schema = ", ".join(f"{n} bigint" for n in names)
    return spark.createDataFrame([tuple(int(v) for v in values)], schema)


def _original(target: Target) -> list[Any]:
    return [target.df[quote(c)].alias(c) for c in target.columns]


def delete(
    spark: Any,
    location: str,
    condition: Any = None,
    *,
    alias: str | None = None,
    condition_sql: str | None = None,
) -> Any:
    """DELETE FROM t [WHERE condition] -> DataFrame(num_affected_rows)."""
    from pyspark.sql.connect import functions as F

    target = pin(spark, location, alias)
    if condition is None:
        table = open_table(location, target.version)
        import pyarrow as pa

        actions = pa.table(table.get_add_actions(flatten=True)).to_pydict()
        touched = list(actions.get("path", []))
        if None in (actions.get("num_records") or [None]) and touched:
            deleted = target.df.count()
        else:
            deleted = sum(actions.get("num_records") or [])
        if touched:
            _rewrite(
                spark,
                target,
                None,
                touched,
                "DELETE",
                {"predicate": "[]"},
                {
                    "numDeletedRows": deleted,
                    "numRemovedFiles": len(touched),
                    "numAddedFiles": 0,
                    "numCopiedRows": 0,
                },
            )
        return _result(spark, ["num_affected_rows"], [deleted])
    cond = F.coalesce(condition, F.lit(False))
    touched, deleted = _touched(target.df.where(cond))
    if not touched:
        return _result(spark, ["num_affected_rows"], [0])
    rest = target.df.where(F.col(FILE_COLUMN).isin(touched) & ~cond).select(*_original(target))
    _rewrite(
        spark,
        target,
        rest,
        touched,
        "DELETE",
        {"predicate": json.dumps([condition_sql or str(condition)])},
        {"numDeletedRows": deleted, "numRemovedFiles": len(touched)},
    )
    return _result(spark, ["num_affected_rows"], [deleted])


def update(
    spark: Any,
    location: str,
    assignments: dict[str, Any],
    condition: Any = None,
    *,
    alias: str | None = None,
    condition_sql: str | None = None,
) -> Any:
    """UPDATE t SET col = expr, ... [WHERE condition] -> DataFrame(num_affected_rows)."""
    from pyspark.sql.connect import functions as F

    target = pin(spark, location, alias)
    sets = {}
    for name, value in assignments.items():
        f = _field(target, name)
        sets[f.name] = value.cast(f.dataType)
    cond = F.lit(True) if condition is None else F.coalesce(condition, F.lit(False))
    touched, updated = _touched(target.df.where(cond))
    if not touched:
        return _result(spark, ["num_affected_rows"], [0])
    cols = []
    for c in target.columns:
        original = target.df[quote(c)]
        cols.append((F.when(cond, sets[c]).otherwise(original) if c in sets else original).alias(c))
    rows = target.df.where(F.col(FILE_COLUMN).isin(touched)).select(*cols)
    _rewrite(
        spark,
        target,
        rows,
        touched,
        "UPDATE",
        {"predicate": json.dumps([condition_sql] if condition_sql else [])},
        {"numUpdatedRows": updated, "numRemovedFiles": len(touched)},
    )
    return _result(spark, ["num_affected_rows"], [updated])


def merge(
    spark: Any,
    location: str,
    source: Any,
    on: Any,
    clauses: list[Clause],
    *,
    target_alias: str | None = None,
    source_alias: str | None = None,
    on_sql: str | None = None,
) -> Any:
    """MERGE INTO t USING source ON ... WHEN ... -> DataFrame of Databricks' four counts."""
    from pyspark.sql.connect import functions as F

    if not clauses:
        raise DeltaError("A MERGE needs at least one WHEN clause.", code="DELTA_MERGE_NO_CLAUSE")
    for i, c in enumerate(clauses[:-1]):
        later = [d for d in clauses[i + 1 :] if d.kind == c.kind]
        if c.condition is None and later:
            raise DeltaError(
                f"Only the last WHEN {c.kind.replace('_', ' ').upper()} clause may omit its "
                "condition.",
                code="DELTA_NON_LAST_MATCHED_CLAUSE_OMIT_CONDITION",
            )
    target = pin(spark, location, target_alias)
    src = source.withColumn(SOURCE_MARK, F.lit(True))
    if source_alias:
        src = src.alias(source_alias)
    source_cols = [c for c in source.columns]

    t_present = F.col(FILE_COLUMN).isNotNull()
    s_present = src[SOURCE_MARK].isNotNull()
    scopes = {
        "matched": t_present & s_present,
        "not_matched_by_source": t_present & ~s_present,
        "not_matched": ~t_present & s_present,
    }
    index = None
    for i, c in enumerate(clauses):
        cond = scopes[c.kind]
        if c.condition is not None:
            cond = cond & F.coalesce(c.condition, F.lit(False))
        index = F.when(cond, F.lit(i)) if index is None else index.when(cond, F.lit(i))
    index = index.otherwise(F.lit(None).cast("int"))
    action = F.lit(None).cast("string")
    for i, c in enumerate(clauses):
        action = F.when(index == i, F.lit(c.action)).otherwise(action)

    kinds = {c.kind for c in clauses}
    if "not_matched" in kinds and "not_matched_by_source" in kinds:
        how = "full_outer"
    elif "not_matched" in kinds:
        how = "right_outer"
    elif "not_matched_by_source" in kinds:
        how = "left_outer"
    else:
        how = "inner"
    joined = target.df.join(src, on, how)

    # What each clause writes into each target column.
    def source_value(name: str) -> Any:
        match = [c for c in source_cols if c.lower() == name.lower()]
        if not match:
            raise DeltaError(
                f"UPDATE SET * / INSERT * needs the column {name!r} in the MERGE source "
                f"(source columns: {', '.join(source_cols)}).",
                code="DELTA_MERGE_UNRESOLVED_EXPRESSION",
            )
        return src[quote(match[0])]

    values: list[dict[str, Any]] = []
    for c in clauses:
        if c.action == "delete":
            values.append({})
            continue
        if c.assignments is None:
            values.append({col: source_value(col) for col in target.columns})
            continue
        assigned = {}
        for name, value in c.assignments.items():
            assigned[_field(target, name).name] = value
        values.append(assigned)

    def column(name: str, keep_original: bool) -> Any:
        f = _field(target, name)
        out = target.df[quote(name)] if keep_original else F.lit(None).cast(f.dataType)
        for i in range(len(clauses)):
            if name in values[i]:
                out = F.when(index == i, values[i][name].cast(f.dataType)).otherwise(out)
        return out.alias(name)

    counted = joined.select(
        action.alias("_action"),
        (t_present & s_present).alias("_matched"),
        F.col(FILE_COLUMN).alias("_file"),
        F.col(ROW_COLUMN).alias("_row"),
    )
    matched_clauses = [c for c in clauses if c.kind == "matched"]
    lone_delete = (
        len(matched_clauses) == 1
        and matched_clauses[0].action == "delete"
        and matched_clauses[0].condition is None
    )
    if matched_clauses and not lone_delete:
        # As Delta: a target row that several source rows match cannot be updated or deleted.
        twice = (
            counted.where(F.col("_matched"))
            .groupBy("_file", "_row")
            .count()
            .where(F.col("count") > 1)
            .limit(1)
            .collect()
        )
        if twice:
            raise DeltaError(
                "The MERGE failed because multiple source rows matched and attempted to modify "
                "the same target row in the Delta table in possibly conflicting ways. "
                "Pre-process the source so that each target row matches at most one source row.",
                code="DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE",
            )
    acted = counted.where(F.col("_action").isNotNull())
    counts = {
        r["_action"]: r["n"]
        for r in acted.groupBy("_action").agg(F.count(F.lit(1)).alias("n")).collect()
    }
    changed = (
        acted.where(F.col("_action").isin("update", "delete")).select("_file").distinct().collect()
    )
    touched = sorted(r["_file"] for r in changed)
    updated, deleted, inserted = (
        int(counts.get("update", 0)),
        int(counts.get("delete", 0)),
        int(counts.get("insert", 0)),
    )
    names = ["num_affected_rows", "num_updated_rows", "num_deleted_rows", "num_inserted_rows"]
    if not touched and not inserted:
        return _result(spark, names, [0, 0, 0, 0])

    parts = []
    if touched:
        # Every row of a rewritten file: changed ones as the clauses say, the others as they
        # are (once, however many source rows they matched without a clause applying).
        mine = target.df.where(F.col(FILE_COLUMN).isin(touched)).join(src, on, "left_outer")
        kept = mine.select(
            action.alias("_action"),
            F.col(FILE_COLUMN).alias("_file"),
            F.col(ROW_COLUMN).alias("_row"),
            *[column(c, True) for c in target.columns],
        ).where(F.col("_action").isNull() | (F.col("_action") != "delete"))
        kept = kept.dropDuplicates(["_file", "_row"]).drop("_action", "_file", "_row")
        parts.append(kept)
    if inserted:
        new = joined.where(action == "insert").select(*[column(c, False) for c in target.columns])
        parts.append(new)
    rows = parts[0] if len(parts) == 1 else parts[0].unionByName(parts[1])
    parameters = {
        "predicate": json.dumps(on_sql or str(on)),
        "matchedPredicates": json.dumps([c.describe() for c in clauses if c.kind == "matched"]),
        "notMatchedPredicates": json.dumps(
            [c.describe() for c in clauses if c.kind == "not_matched"]
        ),
        "notMatchedBySourcePredicates": json.dumps(
            [c.describe() for c in clauses if c.kind == "not_matched_by_source"]
        ),
    }
    metrics = {
        "numTargetRowsUpdated": updated,
        "numTargetRowsDeleted": deleted,
        "numTargetRowsInserted": inserted,
        "numTargetFilesRemoved": len(touched),
    }
    _rewrite(spark, target, rows, touched, "MERGE", parameters, metrics)
    return _result(spark, names, [updated + deleted + inserted, updated, deleted, inserted])
