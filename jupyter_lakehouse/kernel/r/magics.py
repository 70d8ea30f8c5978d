"""`%r` / `%%r`: R cells on the notebook's Spark session (a first line `%r` works too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand

from .runtime import RRuntime

if TYPE_CHECKING:
    from ..extension import KernelLakehouse


@magics_class
class RMagics(Magics):
    def __init__(self, shell, lakehouse: KernelLakehouse) -> None:
        super().__init__(shell)
        self.runtime = RRuntime(lakehouse)

    @no_var_expand  # `$` and `{}` are R syntax, not IPython's variable expansion
    @line_cell_magic
    def r(self, line: str, cell: str | None = None) -> None:
        """Run R code (a cell whose first line is `%r`, or `%r <code>` on one line).

        R is embedded in the kernel and keeps its variables between cells. On this notebook's
        Spark session (the one Python's `spark` uses, so temp views are shared):

          sql(query, max_rows)      a data.frame; at most the display row limit unless
                                    max_rows (Inf: all rows), with a warning when cut
          table(name)               a table or view as a data.frame (also tableToDF(name)).
                                    Like SparkR's, this masks base::table, but only for a
                                    single name: table(x), table(x, y) etc. still count, and
                                    base::table is always there.
          createOrReplaceTempView(df, name)   publish a data.frame to %sql, Python, Scala
          display(df)               a data.frame in the result grid
          spark                     prints which session and cluster

        Plots (base graphics, ggplot2) appear as images under the cell; options
        lakehouse.plot.width / .height (inches) and .res (dpi) set their size.
        """
        code = line if cell is None else (f"{line}\n{cell}" if line.strip() else cell)
        self.runtime.run_cell(code)
