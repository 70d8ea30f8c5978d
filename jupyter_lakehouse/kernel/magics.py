"""`%sql` / `%%sql` and `%md`: the notebook languages that run in the kernel itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from IPython.core.magic import Magics, cell_magic, line_cell_magic, magics_class
from IPython.display import Markdown

from .errors import SparkCellError
from .sparkerrors import describe, is_spark_error
from .sqlsplit import split_statements

if TYPE_CHECKING:
    from .extension import KernelLakehouse


@magics_class
class LakehouseMagics(Magics):
    def __init__(self, shell, lakehouse: KernelLakehouse) -> None:
        super().__init__(shell)
        self.lakehouse = lakehouse

    @line_cell_magic
    def sql(self, line: str, cell: str | None = None):
        """Run SQL on the notebook's Spark session; show the last result, keep it in `_sqldf`."""
        text = line if cell is None else f"{line}\n{cell}"
        statements = split_statements(text)
        if not statements:
            return None
        session = self.lakehouse.session
        spark = session.get()
        df = None
        for statement in statements:
            try:
                df = spark.sql(statement)
            except Exception as e:
                if not is_spark_error(e):
                    raise
                hint = session.failure_hint()
                raise SparkCellError(describe(e, statement) + ([hint] if hint else [])) from None
        self.shell.user_ns["_sqldf"] = df
        self.lakehouse.display(df)
        return None

    @cell_magic
    def md(self, line: str, cell: str) -> None:
        self.lakehouse.display(Markdown(f"{line}\n{cell}".strip()))
