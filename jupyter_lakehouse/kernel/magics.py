"""`%sql` / `%%sql` and `%md`: the notebook languages that run in the kernel itself."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from IPython.core.magic import Magics, cell_magic, line_cell_magic, magics_class
from IPython.display import Markdown
from traitlets import Integer, observe

from . import deltasql
from .display import DEFAULT_ROW_LIMIT, is_spark_dataframe
from .errors import SparkCellError
from .sparkerrors import describe, is_cancellation, is_spark_error
from .sqlparams import bind, statement_kind
from .sqlsplit import split_statements

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
        statements = split_statements(text)
        if not statements:
            return
        session = self.lakehouse.session
        spark = session.get()
        df, started = None, time.monotonic()
        for statement in statements:
            args = bind(statement, self.shell.user_ns)
            try:
                # Delta SQL the offline engine handles (issue 5); None: Spark runs it.
                df = deltasql.route(spark, statement, args or None)
                if df is None:
                    df = spark.sql(statement, args=args or None)
                if statement is statements[-1]:
                    self._show(df, statement, started)
            except Exception as e:
                if not is_spark_error(e):
                    raise
                hint = session.failure_hint()
                lines = describe(e, statement) + ([hint] if hint else [])
                raise SparkCellError(lines, cancelled=is_cancellation(e)) from None
        self.shell.user_ns["_sqldf"] = df

    def _show(self, df: Any, statement: str, started: float) -> None:
        if is_spark_dataframe(df) and not df.columns:
            # DDL and DML return no columns: say what ran instead of an empty table.
            elapsed = time.monotonic() - started
            print(f"{statement_kind(statement)}: done in {elapsed:.2f} s")
            return
        self.lakehouse.display(df)

    @cell_magic
    def md(self, line: str, cell: str) -> None:
        self.lakehouse.display(Markdown(f"{line}\n{cell}".strip()))
