"""Native reads in SQL queries of the offline engine (`%sql`, `spark.sql`).

Spark resolves a catalog table of the offline engine to the `delta` Python data source. For a
query (SELECT, WITH, set operations) that names such tables, each name is replaced by a
DataFrame that reads the table natively (native.py) and the query runs as
`spark.sql(text, **frames)`: the text keeps every character the user wrote except the table
names, and Spark binds the DataFrames for this query only (no temp views left behind).

A DataFrame returned this way reads the versions the tables had when spark.sql ran. Anything
this module is unsure about (statements sqlglot cannot parse, views, sampled or hinted table
references, db.table.column qualifiers) returns None and runs on Spark unchanged, through the
data source.
"""

from __future__ import annotations

from typing import Any

import sqlglot
from sqlglot import exp

from . import native

DIALECT = "databricks"
# Table arguments that a plain name substitution keeps meaning for.
_PLAIN_TABLE_ARGS = {"this", "db", "catalog", "alias"}


def _span(table: exp.Table, text: str) -> tuple[int, int] | None:
    parts = table.parts
    metas = [p.meta for p in parts]
    if not all("start" in m and "end" in m for m in metas):
        return None
    start, end = metas[0]["start"], metas[-1]["end"] + 1
    try:
        again = sqlglot.parse_one(text[start:end], dialect=DIALECT, into=exp.Table)
    except sqlglot.errors.ParseError:
        return None
    if [p.name for p in again.parts] != [p.name for p in parts]:
        return None
    return start, end


def _quote(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _braces(text: str) -> str:
    # spark.sql(text, **frames) formats the text with str.format: keep the user's braces.
    return text.replace("{", "{{").replace("}", "}}")


def query(spark: Any, text: str, args: dict | None = None) -> Any | None:
    """The query's DataFrame with its offline Delta tables read natively, or None."""
    if not native.enabled():
        return None
    try:
        tree = sqlglot.parse_one(text, dialect=DIALECT)
    except sqlglot.errors.ParseError:
        return None
    if not isinstance(tree, exp.Query):
        return None
    if any(c.args.get("db") for c in tree.find_all(exp.Column)):
        return None  # db.table.column would lose its qualifier
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    edits: list[tuple[int, int, str]] = []
    frames: dict[str, Any] = {}
    by_name: dict[tuple, str] = {}
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue
        parts = [p.name for p in table.parts]
        if len(parts) == 1 and parts[0].lower() in ctes:
            continue
        key = tuple(p.lower() for p in parts)
        if key not in by_name:
            df = native.read_catalog_table(spark, parts)
            if df is None:
                by_name[key] = ""
                continue
            by_name[key] = f"lakehouse_delta_{len(frames)}"
            frames[by_name[key]] = df
        placeholder = by_name[key]
        if not placeholder:
            continue
        if set(k for k, v in table.args.items() if v) - _PLAIN_TABLE_ARGS:
            return None  # TABLESAMPLE, hints, time travel...: Spark's own reading
        span = _span(table, text)
        if span is None:
            return None
        alias = "" if table.args.get("alias") else f" AS {_quote(parts[-1])}"
        edits.append((span[0], span[1], "{" + placeholder + "}" + alias))
    if not edits:
        return None
    out, at = [], 0
    for start, end, replacement in sorted(edits):
        if start < at:
            return None
        out.append(_braces(text[at:start]))
        out.append(replacement)
        at = end
    out.append(_braces(text[at:]))
    try:
        return spark.sql("".join(out), args=args or None, **frames)
    except Exception:
        # Spark analyzes a query in spark.sql: an error here is the user's (a wrong column,
        # a type). Running the original text reports it with the user's own positions.
        return None
