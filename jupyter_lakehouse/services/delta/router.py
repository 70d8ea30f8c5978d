"""The Delta SQL that Spark cannot route to a Python data source, on the offline engine.

`DeltaRouter(spark).route(statement, args)` returns a DataFrame for a statement it handles and
None for every other one (the caller then runs it on Spark unchanged):

    DESCRIBE HISTORY t [LIMIT n]        DESCRIBE DETAIL t
    SELECT ... FROM t VERSION AS OF n | TIMESTAMP AS OF ts  (anywhere a table is read)
    SELECT ... FROM t                   (offline Delta tables read natively, nativesql.py)
    SELECT ... FROM delta.`/path`       UPDATE / DELETE / MERGE INTO
    RESTORE [TABLE] t [TO] VERSION|TIMESTAMP AS OF ...
    OPTIMIZE t [WHERE partition predicate] [ZORDER BY (cols)]
    VACUUM t [RETAIN n HOURS] [DRY RUN]
    CREATE [OR REPLACE] TABLE ... USING DELTA [AS SELECT], REPLACE TABLE ... USING DELTA
    INSERT INTO / INSERT OVERWRITE, TRUNCATE TABLE, DROP TABLE   (of offline Delta tables)

Statements are parsed with sqlglot (Databricks dialect); the commands sqlglot does not know
are read from its token stream. Nothing is built by pasting user values into SQL: parsed
expressions are regenerated from the syntax tree, and `:name` parameters are bound as
literals (or passed to spark.sql as args). Table names resolve through the session's catalog
(catalog.py); delta.`/path` names a table by its folder.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import TokenType

from . import catalog, commands, dml
from .catalog import TableRef, empty
from .log import DeltaError, open_table
from .source import FILE_COLUMN, OPT_DML, SOURCE_NAME

DIALECT = "databricks"
OUT = "spark"  # what regenerated SQL and expressions are written in
_MARKERS = ("VERSION AS OF", "TIMESTAMP AS OF")
_FIRST = {"UPDATE", "DELETE", "MERGE", "CREATE", "REPLACE", "DROP", "INSERT", "TRUNCATE"}
_QUERY = {"SELECT", "WITH", "FROM", "(", "TABLE", "VALUES"}


@dataclass
class _Tokens:
    tokens: list
    text: str
    i: int = 0

    def peek(self, offset: int = 0) -> Any:
        j = self.i + offset
        return self.tokens[j] if j < len(self.tokens) else None

    def word(self, offset: int = 0) -> str:
        t = self.peek(offset)
        return t.text.upper() if t is not None else ""

    def take(self) -> Any:
        t = self.peek()
        self.i += 1
        return t

    def accept(self, *words: str) -> bool:
        if self.word() in words:
            self.i += 1
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            found = self.peek().text if self.peek() is not None else "the end"
            raise DeltaError(
                f"Syntax error: expected {' or '.join(words)}, found {found!r}.",
                code="PARSE_SYNTAX_ERROR",
            )

    def done(self) -> bool:
        while self.peek() is not None and self.peek().token_type == TokenType.SEMICOLON:
            self.i += 1
        return self.peek() is None

    def rest(self) -> str:
        t = self.peek()
        return self.text[t.start :] if t is not None else ""


def _is_path_table(table: exp.Table) -> bool:
    return (
        (table.db or "").lower() == "delta"
        and not table.catalog
        and ("/" in table.name or table.name.startswith("file:"))
    )


def _parts(table: exp.Table) -> list[str]:
    return [p for p in (table.catalog, table.db, table.name) if p]


def _bind(node: exp.Expression, args: dict | None) -> exp.Expression:
    """Replace :name parameters by literals of their values (AST-level, no text pasting)."""
    if not args:
        return node

    def sub(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Placeholder) and n.name in args:
            return exp.convert(args[n.name])
        return n

    return node.transform(sub)


class DeltaRouter:
    def __init__(self, spark: Any) -> None:
        self.spark = spark

    # -- entry -----------------------------------------------------------------------------

    def route(self, statement: str, args: dict | None = None) -> Any:
        text = statement.strip().rstrip(";").strip()
        if not text:
            return None
        try:
            tokens = Dialect.get_or_raise(DIALECT).tokenize(text)
        except Exception:
            return None
        if not tokens:
            return None
        first = tokens[0].text.upper()
        # The words after the first, tokenized on their own: sqlglot reads the rest of a
        # statement it treats as a COMMAND (OPTIMIZE, VACUUM) as one string otherwise.
        rest_text = text[tokens[0].end + 1 :]
        try:
            rest = Dialect.get_or_raise(DIALECT).tokenize(rest_text)
        except Exception:
            return None
        second = rest[0].text.upper() if rest else ""
        stream = _Tokens(rest, rest_text)
        if first in ("DESCRIBE", "DESC") and second in ("HISTORY", "DETAIL"):
            return self._describe(stream)
        if first == "RESTORE":
            return self._restore(stream, args)
        if first == "OPTIMIZE":
            return self._optimize(stream)
        if first == "VACUUM":
            return self._vacuum(stream)
        upper = " ".join(t.text.upper() for t in [tokens[0], *rest])
        marked = any(m in upper for m in _MARKERS) or self._has_path_token(rest)
        if first not in _FIRST and not marked:
            if first in _QUERY:  # plain queries: offline Delta tables read natively
                from . import nativesql

                return nativesql.query(self.spark, text, args)
            return None
        replace_only = False
        if first == "REPLACE" and second == "TABLE":
            # sqlglot knows CREATE OR REPLACE only; REPLACE TABLE also requires the table.
            text = "CREATE OR REPLACE " + rest_text[rest[0].start :]
            replace_only = True
        try:
            tree = sqlglot.parse_one(text, dialect=DIALECT)
        except sqlglot.errors.ParseError:
            return None  # Spark's own parser reports the error
        if tree is None:
            return None
        return self._statement(tree, args, marked, replace_only)

    @staticmethod
    def _has_path_token(tokens: list) -> bool:
        for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False):
            if (
                a.text.lower() == "delta"
                and b.token_type == TokenType.DOT
                and c.token_type == TokenType.IDENTIFIER
            ):
                return True
        return False

    # -- statements sqlglot parses ---------------------------------------------------------

    def _statement(
        self, tree: exp.Expression, args: dict | None, marked: bool, replace_only: bool
    ) -> Any:
        targets = self._targets(tree)
        if marked:
            self._rewrite_reads(tree, targets, args)
        if isinstance(tree, exp.Update):
            return self._update(tree, args)
        if isinstance(tree, exp.Delete):
            return self._delete(tree, args)
        if isinstance(tree, exp.Merge):
            return self._merge(tree, args)
        if isinstance(tree, exp.Create) and (tree.args.get("kind") or "").upper() == "TABLE":
            return self._create(tree, args, replace_only)
        if isinstance(tree, exp.Drop) and (tree.args.get("kind") or "").upper() == "TABLE":
            return self._drop(tree)
        if isinstance(tree, exp.Insert):
            return self._insert(tree, args)
        if isinstance(tree, exp.TruncateTable):
            return self._truncate(tree)
        if marked:
            return self.spark.sql(tree.sql(dialect=OUT), args=args or None)
        return None

    @staticmethod
    def _targets(tree: exp.Expression) -> set[int]:
        out: set[int] = set()
        node = tree.this if isinstance(tree, exp.Update | exp.Delete | exp.Merge) else None
        if isinstance(tree, exp.Insert | exp.Create):
            node = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        if isinstance(tree, exp.Drop | exp.TruncateTable):
            for t in tree.expressions or tree.args.get("tables") or []:
                out.add(id(t))
        if isinstance(node, exp.Table):
            out.add(id(node))
        return out

    def _rewrite_reads(self, tree: exp.Expression, targets: set[int], args: dict | None) -> None:
        """Tables read at a version, or by path, become temp views of the `delta` source."""
        for table in list(tree.find_all(exp.Table)):
            if id(table) in targets:
                continue
            version = table.args.get("version")
            if version is None and not _is_path_table(table):
                continue
            ref = self._table_ref(table, "Time travel")
            number, stamp = self._version_spec(version, args)
            view = commands.time_travel_view(self.spark, ref.location, number, stamp)
            alias = table.args.get("alias")
            if alias is None and not _is_path_table(table):
                alias = exp.TableAlias(this=exp.to_identifier(table.name))
            table.replace(exp.Table(this=exp.to_identifier(view), alias=alias))

    def _version_spec(
        self, version: exp.Expression | None, args: dict | None
    ) -> tuple[int | None, Any]:
        if version is None:
            return None, None
        kind = str(version.this).upper()
        value = self._value(_bind(version.expression, args))
        if kind == "VERSION":
            try:
                return int(value), None
            except (TypeError, ValueError):
                raise DeltaError(
                    f"VERSION AS OF needs a version number, not {value!r}.",
                    code="DELTA_INVALID_TIME_TRAVEL_SPEC",
                ) from None
        return None, value

    def _value(self, node: exp.Expression) -> Any:
        if isinstance(node, exp.Literal):
            return node.this if node.is_string else json.loads(node.this)
        # An expression (current_timestamp() - INTERVAL 1 DAY): Spark evaluates it.
        select = exp.select(exp.alias_(node.copy(), "v"))
        return self.spark.sql(select.sql(dialect=OUT)).first()[0]

    def _table_ref(self, table: exp.Table, what: str) -> TableRef:
        if _is_path_table(table):
            return catalog.require(self.spark, None, table.name, what)
        return catalog.require(self.spark, _parts(table), None, what)

    def _resolve(self, table: exp.Table) -> TableRef | None:
        if _is_path_table(table):
            return catalog.resolve(self.spark, None, table.name)
        return catalog.resolve(self.spark, _parts(table))

    def _expr(self, node: exp.Expression | None, args: dict | None) -> Any:
        from pyspark.sql.connect import functions as F

        if node is None:
            return None
        return F.expr(_bind(node.copy(), args).sql(dialect=OUT))

    def _query(self, text: str) -> Any:
        """A query the router runs itself (a MERGE source, INSERT/CTAS data): Delta reads
        native where they can be (nativesql.py)."""
        from . import nativesql

        df = nativesql.query(self.spark, text)
        return df if df is not None else self.spark.sql(text)

    def _sql(self, node: exp.Expression | None, args: dict | None) -> str | None:
        return None if node is None else _bind(node.copy(), args).sql(dialect=OUT)

    @staticmethod
    def _alias_of(table: exp.Table) -> str:
        alias = table.args.get("alias")
        return alias.name if alias is not None else table.name

    # -- DML -------------------------------------------------------------------------------

    def _update(self, tree: exp.Update, args: dict | None) -> Any:
        table = tree.this
        ref = self._resolve(table)
        if ref is None:
            return None
        sets = {}
        for eq in tree.expressions:
            column = eq.this
            if not isinstance(column, exp.Column) or isinstance(column, exp.Dot):
                raise DeltaError(
                    f"UPDATE can set top-level columns only ({eq.sql(dialect=OUT)}).",
                    code="DELTA_UNSUPPORTED_NESTED_COLUMN_IN_UPDATE",
                )
            sets[column.name] = self._expr(eq.expression, args)
        where = tree.args.get("where")
        cond = where.this if where is not None else None
        return dml.update(
            self.spark,
            ref.location,
            sets,
            self._expr(cond, args),
            alias=self._alias_of(table),
            condition_sql=self._sql(cond, args),
        )

    def _delete(self, tree: exp.Delete, args: dict | None) -> Any:
        table = tree.this
        ref = self._resolve(table)
        if ref is None:
            return None
        where = tree.args.get("where")
        cond = where.this if where is not None else None
        return dml.delete(
            self.spark,
            ref.location,
            self._expr(cond, args),
            alias=self._alias_of(table),
            condition_sql=self._sql(cond, args),
        )

    def _merge(self, tree: exp.Merge, args: dict | None) -> Any:
        table = tree.this
        ref = self._resolve(table)
        if ref is None:
            return None
        using = tree.args["using"]
        if isinstance(using, exp.Subquery):
            source = self._query(self._sql(using.this, args))
            source_alias = using.alias or "source"
        else:
            plain = using.copy()
            plain.set("alias", None)
            source = self._query(exp.select("*").from_(plain).sql(dialect=OUT))
            source_alias = self._alias_of(using)
        source_columns = {c.lower() for c in source.columns}
        clauses = []
        whens = tree.args.get("whens")
        for when in whens.expressions if whens is not None else []:
            matched, by_source = bool(when.args.get("matched")), bool(when.args.get("source"))
            kind = (
                "matched" if matched else ("not_matched_by_source" if by_source else "not_matched")
            )
            condition = when.args.get("condition")
            if kind == "not_matched" and condition is not None:
                condition = _qualify(condition, source_alias, source_columns)
            then = when.args.get("then")
            assignments: dict[str, Any] | None = None
            if isinstance(then, exp.Var | exp.Delete):
                action = "delete"
            elif isinstance(then, exp.Update):
                action = "update"
                if not (len(then.expressions) == 1 and isinstance(then.expressions[0], exp.Star)):
                    assignments = {
                        eq.this.name: self._expr(eq.expression, args) for eq in then.expressions
                    }
            elif isinstance(then, exp.Insert):
                action = "insert"
                if not isinstance(then.this, exp.Star):
                    names = [c.name for c in then.this.expressions]
                    values = [
                        _qualify(v, source_alias, source_columns)
                        for v in then.expression.expressions
                    ]
                    if len(names) != len(values):
                        raise DeltaError(
                            "INSERT in MERGE needs as many values as columns.",
                            code="DELTA_MERGE_INSERT_ARITY",
                        )
                    assignments = {
                        n: self._expr(v, args) for n, v in zip(names, values, strict=True)
                    }
            else:
                raise DeltaError(f"Unsupported MERGE clause: {when.sql(dialect=OUT)}")
            clauses.append(
                dml.Clause(
                    kind=kind,
                    action=action,
                    condition=self._expr(condition, args),
                    assignments=assignments,
                    condition_sql=self._sql(condition, args),
                )
            )
        on = tree.args.get("on")
        return dml.merge(
            self.spark,
            ref.location,
            source,
            self._expr(on, args),
            clauses,
            target_alias=self._alias_of(table),
            source_alias=source_alias,
            on_sql=self._sql(on, args),
        )

    # -- DDL and writes --------------------------------------------------------------------

    def _create(self, tree: exp.Create, args: dict | None, replace_only: bool) -> Any:
        props = tree.args.get("properties")
        items = props.expressions if props is not None else []
        provider = next((p for p in items if isinstance(p, exp.FileFormatProperty)), None)
        if provider is None or provider.this.name.lower() != "delta":
            return None
        schema_node = tree.this if isinstance(tree.this, exp.Schema) else None
        table = schema_node.this if schema_node is not None else tree.this
        schema = None
        if schema_node is not None and schema_node.expressions:
            for col in schema_node.expressions:
                for c in col.args.get("constraints") or []:
                    if isinstance(
                        c.kind,
                        exp.ComputedColumnConstraint
                        | exp.DefaultColumnConstraint
                        | exp.GeneratedAsIdentityColumnConstraint,
                    ):
                        raise DeltaError(
                            "Generated, identity and default columns need the delta-spark "
                            "engine; the offline engine stores plain columns.",
                            code="DELTA_UNSUPPORTED_COLUMN_FEATURE",
                        )
            ddl = ", ".join(c.sql(dialect=OUT) for c in schema_node.expressions)
            schema = self.spark.createDataFrame([], ddl).schema
        partition_by, location, comment, properties = None, None, None, {}
        for p in items:
            if isinstance(p, exp.PartitionedByProperty):
                partition_by = [e.name for e in p.this.expressions]
            elif isinstance(p, exp.LocationProperty):
                location = p.this.name
            elif isinstance(p, exp.SchemaCommentProperty):
                comment = p.this.name
            elif type(p) is exp.Property:
                properties[p.name] = p.args["value"].name
            elif isinstance(p, exp.ClusterProperty):
                raise DeltaError(
                    "CLUSTER BY (liquid clustering) needs the delta-spark engine; use "
                    "PARTITIONED BY on the offline engine.",
                    code="DELTA_UNSUPPORTED_CLUSTER_BY",
                )
        query = None
        if tree.expression is not None:
            query = self._query(self._sql(tree.expression, args))
        if _is_path_table(table):
            raise DeltaError("Name the table: CREATE TABLE name ... LOCATION '/path'.")
        return catalog.create_table(
            self.spark,
            _parts(table),
            schema=schema,
            partition_by=partition_by,
            location=location,
            comment=comment,
            properties=properties,
            replace=replace_only,
            or_replace=bool(tree.args.get("replace")) and not replace_only,
            if_not_exists=bool(tree.args.get("exists")),
            query=query,
        )

    def _drop(self, tree: exp.Drop) -> Any:
        tables = tree.args.get("tables") or ([tree.this] if tree.this is not None else [])
        if len(tables) != 1 or not isinstance(tables[0], exp.Table):
            return None
        ref = self._resolve(tables[0])
        if ref is None or not ref.parts:
            return None
        result = self.spark.sql(tree.sql(dialect=OUT))
        catalog.drop_data(ref)
        return result

    def _truncate(self, tree: exp.TruncateTable) -> Any:
        tables = tree.expressions
        if len(tables) != 1:
            return None
        ref = self._resolve(tables[0])
        if ref is None:
            return None
        from .source import commit_files, plan_write

        table = open_table(ref.location)
        from .files import spark_schema_json

        plan = plan_write(
            ref.location,
            spark_schema_json(table.schema().to_json()),
            "overwrite",
            operation={"operation": "TRUNCATE"},
        )
        commit_files(plan, [])
        return empty(self.spark)

    def _insert(self, tree: exp.Insert, args: dict | None) -> Any:
        from pyspark.sql.connect import functions as F

        node = tree.this
        columns = None
        if isinstance(node, exp.Schema):
            columns = [c.name for c in node.expressions]
            node = node.this
        if not isinstance(node, exp.Table):
            return None
        ref = self._resolve(node)
        if ref is None:
            return None
        static: dict[str, Any] = {}
        dynamic_partitions = False
        part = node.args.get("partition")
        for e in part.expressions if part is not None else []:
            if isinstance(e, exp.EQ):
                static[e.this.name] = self._expr(e.expression, args)
            else:
                dynamic_partitions = True
        query = tree.expression
        if query is None:
            return None
        df = self._query(self._sql(query, args))
        target = dml.pin(self.spark, ref.location)
        names = [f.name for f in target.schema.fields]
        lower = {n.lower(): n for n in names}
        for key in list(static):
            if key.lower() not in lower:
                raise DeltaError(f"{key} is not a column of {ref.display}.")
        static = {lower[k.lower()]: v for k, v in static.items()}
        if tree.args.get("by_name"):
            mapping = {}
            for c in df.columns:
                if c.lower() not in lower:
                    raise DeltaError(
                        f"Cannot write to {ref.display}: the query's column {c!r} is not a "
                        "column of the table.",
                        code="INCOMPATIBLE_DATA_FOR_TABLE.EXTRA_COLUMNS",
                    )
                mapping[lower[c.lower()]] = c
        else:
            wanted = (
                [lower.get(c.lower(), c) for c in columns]
                if columns
                else [n for n in names if n not in static]
            )
            if len(wanted) != len(df.columns) and not dynamic_partitions:
                raise DeltaError(
                    f"Cannot write to {ref.display}: the table needs {len(wanted)} columns "
                    f"({', '.join(wanted)}) but the query gives {len(df.columns)}.",
                    code="INSERT_COLUMN_ARITY_MISMATCH",
                )
            mapping = dict(zip(wanted, df.columns, strict=False))
        out = []
        for f in target.schema.fields:
            if f.name in static:
                out.append(static[f.name].cast(f.dataType).alias(f.name))
            elif f.name in mapping:
                out.append(df[dml.quote(mapping[f.name])].cast(f.dataType).alias(f.name))
            else:
                out.append(F.lit(None).cast(f.dataType).alias(f.name))
        rows = df.select(*out)
        before = target.version
        overwrite = bool(tree.args.get("overwrite"))
        writer = rows.write.format(SOURCE_NAME)
        if overwrite and static:
            # Replace only the named partition(s): remove their files in the same commit.
            cond = None
            for name, value in static.items():
                c = target.df[dml.quote(name)] == value.cast(target.schema[name].dataType)
                cond = c if cond is None else cond & c
            touched = sorted(
                r[FILE_COLUMN]
                for r in target.df.where(cond).select(FILE_COLUMN).distinct().collect()
            )
            writer = writer.mode("append").option(
                OPT_DML,
                json.dumps(
                    {
                        "readVersion": before,
                        "remove": touched,
                        "operation": "WRITE",
                        "parameters": {
                            "mode": "Overwrite",
                            "partitionBy": json.dumps(target.partition_columns),
                        },
                    }
                ),
            )
        else:
            writer = writer.mode("overwrite" if overwrite else "append")
        writer.save(ref.location)
        n = catalog._rows_since(ref.location, before)
        return self.spark.createDataFrame(
            [(n, n)], "num_affected_rows bigint, num_inserted_rows bigint"
        )

    # -- commands sqlglot does not parse ---------------------------------------------------

    def _table_tokens(self, s: _Tokens, what: str) -> TableRef:
        t = s.peek()
        if t is None:
            raise DeltaError(f"{what} needs a table.", code="PARSE_SYNTAX_ERROR")
        if t.token_type == TokenType.STRING:
            s.take()
            return catalog.require(self.spark, None, t.text, what)
        parts = [s.take().text]
        while s.peek() is not None and s.peek().token_type == TokenType.DOT:
            s.take()
            parts.append(s.take().text)
        if len(parts) == 2 and parts[0].lower() == "delta" and "/" in parts[1]:
            return catalog.require(self.spark, None, parts[1], what)
        return catalog.require(self.spark, parts, None, what)

    def _describe(self, s: _Tokens) -> Any:
        kind = s.take().text.upper()
        ref = self._table_tokens(s, f"DESCRIBE {kind}")
        if kind == "DETAIL":
            s.done() or s.expect("end of statement")
            return commands.detail(self.spark, ref.location, ".".join(ref.parts or []) or None)
        limit = None
        if s.accept("LIMIT"):
            limit = int(s.take().text)
        s.done() or s.expect("end of statement")
        return commands.history(self.spark, ref.location, limit)

    def _restore(self, s: _Tokens, args: dict | None) -> Any:
        s.accept("TABLE")
        ref = self._table_tokens(s, "RESTORE")
        s.accept("TO")
        kind = s.take().text.upper() if s.peek() is not None else ""
        if kind not in ("VERSION", "TIMESTAMP"):
            raise DeltaError(
                "RESTORE needs TO VERSION AS OF n or TO TIMESTAMP AS OF 'timestamp'.",
                code="PARSE_SYNTAX_ERROR",
            )
        s.expect("AS")
        s.expect("OF")
        value = self._value(_bind(sqlglot.parse_one(s.rest(), dialect=DIALECT), args))
        if kind == "VERSION":
            return commands.restore(self.spark, ref.location, version=int(value))
        return commands.restore(self.spark, ref.location, timestamp=value)

    def _optimize(self, s: _Tokens) -> Any:
        ref = self._table_tokens(s, "OPTIMIZE")
        filters = None
        zorder: list[str] | None = None
        if s.word() == "WHERE":
            start = s.take().end + 1
            while s.peek() is not None and s.word() != "ZORDER":
                s.take()
            stop = s.peek().start if s.peek() is not None else len(s.text)
            predicate = sqlglot.parse_one(s.text[start:stop], dialect=DIALECT)
            filters = _partition_filters(predicate, ref.location)
        if s.accept("ZORDER"):
            s.expect("BY")
            zorder = []
            paren = s.accept("(")
            while s.peek() is not None and s.word() != ")":
                t = s.take()
                if t.token_type != TokenType.COMMA:
                    zorder.append(t.text)
            if paren:
                s.expect(")")
        s.done() or s.expect("end of statement")
        return commands.optimize(self.spark, ref.location, filters, zorder)

    def _vacuum(self, s: _Tokens) -> Any:
        ref = self._table_tokens(s, "VACUUM")
        hours = None
        dry = False
        while not s.done():
            if s.accept("RETAIN"):
                hours = float(s.take().text)
                s.expect("HOURS", "HOUR")
            elif s.accept("DRY"):
                s.expect("RUN")
                dry = True
            else:
                s.expect("RETAIN", "DRY RUN")
        check = self.spark.conf.get("spark.databricks.delta.retentionDurationCheck.enabled", "true")
        return commands.vacuum(
            self.spark, ref.location, hours, dry, enforce=str(check).lower() != "false"
        )


def _qualify(node: exp.Expression, alias: str, columns: set[str]) -> exp.Expression:
    """Unqualified source columns in NOT MATCHED clauses refer to the source (as Delta's)."""

    def sub(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and not n.table and n.name.lower() in columns:
            return exp.column(n.name, table=alias, quoted=True)
        return n

    return node.copy().transform(sub)


def _partition_filters(predicate: exp.Expression, location: str) -> list[tuple]:
    """OPTIMIZE ... WHERE: a conjunction of comparisons on partition columns, for delta-rs."""
    from .files import partition_string

    partitions = {c.lower(): c for c in open_table(location).metadata().partition_columns}
    ops = {exp.EQ: "=", exp.NEQ: "!=", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}
    out = []
    for part in predicate.flatten() if isinstance(predicate, exp.And) else [predicate]:
        column = part.this if isinstance(part, exp.Binary | exp.In) else None
        if not isinstance(column, exp.Column) or column.name.lower() not in partitions:
            raise DeltaError(
                "OPTIMIZE ... WHERE may only name partition columns, combined with AND "
                f"({part.sql(dialect=OUT)}).",
                code="DELTA_OPTIMIZE_WHERE_NON_PARTITION_COLUMN",
            )
        name = partitions[column.name.lower()]
        if isinstance(part, exp.In):
            values = [partition_string(_literal(v)) for v in part.expressions]
            out.append((name, "in", values))
        elif type(part) in ops:
            out.append((name, ops[type(part)], partition_string(_literal(part.expression))))
        else:
            raise DeltaError(f"Unsupported OPTIMIZE predicate: {part.sql(dialect=OUT)}.")
    return out


def _literal(node: exp.Expression) -> Any:
    if isinstance(node, exp.Literal):
        return node.this if node.is_string else json.loads(node.this)
    if isinstance(node, exp.Boolean):
        return node.this
    raise DeltaError(f"Expected a literal, found {node.sql(dialect=OUT)}.")
