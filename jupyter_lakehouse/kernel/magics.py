"""`%sql` / `%%sql` and `%md`: the notebook languages that run in the kernel itself."""

from __future__ import annotations

import logging
import os
import time
from collections import ChainMap
from typing import TYPE_CHECKING, Any

from IPython.core.magic import Magics, cell_magic, line_cell_magic, magics_class
from IPython.display import Markdown
from traitlets import Integer, observe

from ..services.sql.history import QueryHistory, history_path, os_user, record_quietly
from ..sqltext.sparkerrors import error_info
from ..sqltext.split import split_statements
from . import deltasql
from .dbutils.unsupported import hint_for
from .display import DEFAULT_ROW_LIMIT, is_spark_dataframe
from .errors import SparkCellError
from .sparkerrors import describe, is_cancellation, is_spark_error
from .sqlparams import bind, statement_kind

if TYPE_CHECKING:
    from .extension import KernelLakehouse


@magics_class
class LakehouseMagics(Magics):
    row_limit = Integer(
        DEFAULT_ROW_LIMIT,
        config=True,
        help="Rows fetched for a result table; more are never sent to the notebook. "
        "Set with `%config LakehouseMagics.row_limit = 500`.",
    )

    def __init__(self, shell: Any, lakehouse: KernelLakehouse) -> None:
        super().__init__(shell)
        self.lakehouse = lakehouse
        lakehouse.display.row_limit = self.row_limit

    @observe("row_limit")
    def _row_limit_changed(self, change: dict) -> None:
        self.lakehouse.display.row_limit = change["new"]

    @line_cell_magic
    def sql(self, line: str, cell: str | None = None) -> None:
        """Run SQL on the notebook's Spark session; show the last result, keep it in `_sqldf`.

        Statements are separated by `;`; `:name` binds the Python variable `name`.
        """
        text = line if cell is None else f"{line}\n{cell}"
        text = self.lakehouse.databricks.sql_text(text)  # Databricks' ${widget} references
        if self.lakehouse.livy.active:  # a Livy cluster: sparkmagic runs it (issue 10)
            livy = self.lakehouse.livy
            self.shell.user_ns["_sqldf"] = livy.sql(text, self.row_limit, self._remember)
            return
        statements = split_statements(text)
        if not statements:
            return
        session = self.lakehouse.session
        spark = session.get()
        databricks = self.lakehouse.databricks
        df, started = None, time.monotonic()
        for statement in statements:
            # Databricks' CREATE/REMOVE WIDGET statements go to dbutils.widgets (issue 12).
            if databricks.widget_statement(statement, spark):
                continue
            # `:name` binds a Python variable, else a Databricks widget of that name.
            args = bind(statement, ChainMap(self.shell.user_ns, databricks.sql_parameters()))
            started_at, began, rows = time.time(), time.monotonic(), None
            try:
                # Delta SQL the offline engine handles (issue 5); None: Spark runs it.
                df = deltasql.route(spark, statement, args or None)
                if df is None:
                    df = spark.sql(statement, args=args or None)
                if statement is statements[-1]:
                    rows = self._show(df, statement, started)
            except BaseException as e:
                self._remember(statement, started_at, began, None, e)
                if not is_spark_error(e):
                    raise
                hint = session.failure_hint() or hint_for(e)
                lines = describe(e, statement) + ([hint] if hint else [])
                raise SparkCellError(lines, cancelled=is_cancellation(e)) from None
            self._remember(statement, started_at, began, rows, None)
        self.shell.user_ns["_sqldf"] = df

    def _show(self, df: Any, statement: str, started: float) -> int | None:
        """Show the result; the number of rows shown (0 for DDL and DML, None if unknown)."""
        if is_spark_dataframe(df) and not df.columns:
            # DDL and DML return no columns: say what ran instead of an empty table.
            elapsed = time.monotonic() - started
            print(f"{statement_kind(statement)}: done in {elapsed:.2f} s")
            return 0
        display = self.lakehouse.display
        result = display.result_for(df)
        if result is None:
            display(df)
            return None
        display.show(result)
        return result.table.num_rows

    def _remember(
        self,
        statement: str,
        started_at: float,
        began: float,
        rows: int | None,
        error: BaseException | None,
    ) -> None:
        """Append the statement to the workspace's query history, beside the SQL editor's."""
        if error is None:
            status, info = "succeeded", None
        elif isinstance(error, KeyboardInterrupt) or is_cancellation(error):
            status, info = "canceled", None
        else:
            status = "failed"
            info = error_info(error, statement) if is_spark_error(error) else None
            info = info or {"error_class": type(error).__name__, "message": str(error)[:1000]}
        session = self.lakehouse.session
        path = os.environ.get("JPY_SESSION_NAME") or session.notebook_path
        record_quietly(
            QueryHistory(history_path(session.home)),
            logging.DEBUG,
            text=statement,
            user=os_user(),
            cluster=session.cluster_name,
            source="notebook",
            path=path,
            started_at=started_at,
            duration_ms=int((time.monotonic() - began) * 1000),
            rows=rows,
            status=status,
            error=info,
        )

    @cell_magic
    def md(self, line: str, cell: str) -> None:
        self.lakehouse.display(Markdown(f"{line}\n{cell}".strip()))
