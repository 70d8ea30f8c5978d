"""What lakehouse.R's `sql()`, `table()`, `createOrReplaceTempView()` and `display()` do on the
Python side: they run on the notebook's Spark session (the same one as `spark` in Python cells).

These functions are called from R: they take rpy2 vectors and return R objects. A failure is
returned, not raised (an exception must not cross back into R's C stack), as a character vector
of class `lakehouse_failure` that lakehouse.R turns into an R error or interrupt.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from ..errors import NotebookError
from ..sparkerrors import describe, is_spark_error
from . import convert

if TYPE_CHECKING:
    from ..extension import KernelLakehouse

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class BridgeError(Exception):
    """A failure whose message is what the R user should read."""


def failure(message: str, kind: str = "error") -> Any:
    import rpy2.rinterface as ri

    value = ri.StrSexpVector([message])
    value.rclass = ri.StrSexpVector(["lakehouse_failure"])
    value.do_slot_assign("kind", ri.StrSexpVector([kind]))
    return value


def DONE() -> Any:
    """What a function returns when it has nothing to return (rpy2 cannot hand R a NULL)."""
    import rpy2.rinterface as ri

    return ri.BoolSexpVector([True])


def _string(value: Any, what: str) -> str:
    try:
        text = value[0]
    except (TypeError, IndexError):
        raise BridgeError(f"{what} must be one string") from None
    if not isinstance(text, str):
        raise BridgeError(f"{what} must be one string")
    return text


class SparkBridge:
    def __init__(self, lakehouse: KernelLakehouse) -> None:
        self.lakehouse = lakehouse
        self._converter: Any = None  # rpy2's conversion rules, made once R runs

    # -- called from R ------------------------------------------------------------------------

    def sql(self, query: Any, max_rows: Any) -> Any:
        text = _string(query, "query")
        spark = self._spark()
        return self._fetch(lambda: spark.sql(text), self._limit(max_rows), text)

    def table(self, name: Any, max_rows: Any) -> Any:
        table_name = _string(name, "tableName")
        spark = self._spark()
        return self._fetch(lambda: spark.table(table_name), self._limit(max_rows), None)

    def create_view(self, frame: Any, name: Any) -> Any:
        view = _string(name, "viewName")
        try:
            pdf, _, spark_types = convert.r_to_pandas(frame)
        except convert.UnsupportedColumn as e:
            raise BridgeError(str(e)) from None
        spark = self._spark()
        schema = convert.spark_schema([str(c) for c in pdf.columns], spark_types)
        try:
            spark.createDataFrame(pdf, schema=schema).createOrReplaceTempView(view)
        except Exception as e:
            self._raise_spark(e)
        return DONE()

    def display(self, frame: Any, total_rows: Any) -> Any:
        import rpy2.rinterface as ri

        displayer = self.lakehouse.display
        total = int(total_rows[0])
        shown = min(total, displayer.row_limit)
        if shown < total:
            frame = ri.evalr("utils::head")(frame, ri.IntSexpVector([shown]))
        try:
            pdf, rtypes, _ = convert.r_to_pandas(frame)
        except convert.UnsupportedColumn as e:
            raise BridgeError(str(e)) from None
        result = displayer.result_for(pdf)
        result.types = rtypes
        result.total_rows = total
        result.truncated = shown < total
        result.limit = displayer.row_limit
        displayer.show(result)
        return DONE()

    def spark_info(self) -> Any:
        import rpy2.rinterface as ri

        from ..session import SparkProxy

        return ri.StrSexpVector([repr(SparkProxy(self.lakehouse.session))])

    # -- failures ------------------------------------------------------------------------------

    def describe_error(self, error: BaseException) -> str:
        """The text of the R error for an exception raised by one of the functions above."""
        if isinstance(error, BridgeError):
            return str(error)
        if isinstance(error, NotebookError):
            return f"{error.title}: {error.message}"
        return f"{type(error).__name__}: {error}"

    # -- helpers -------------------------------------------------------------------------------

    def _spark(self) -> Any:
        try:
            return self.lakehouse.session.get()
        except NotebookError as e:
            raise BridgeError(f"{e.title}: {e.message}") from None

    def _limit(self, max_rows: Any) -> int | None:
        """Rows to fetch: NULL means the display row limit, Inf means all."""
        try:
            value = float(max_rows[0])
        except (TypeError, IndexError, ValueError):
            return self.lakehouse.display.row_limit
        if math.isinf(value):
            return None
        return int(value)

    def _raise_spark(self, error: Exception, statement: str | None = None) -> None:
        if not is_spark_error(error):
            raise error
        lines = [ANSI.sub("", line) for line in describe(error, statement)]
        hint = self.lakehouse.session.failure_hint()
        raise BridgeError("\n".join(lines + ([hint] if hint else []))) from None

    def _fetch(self, make_frame: Any, limit: int | None, statement: str | None) -> Any:
        import rpy2.rinterface as ri

        try:
            df = make_frame()
            table = df.toArrow() if limit is None else df.limit(limit + 1).toArrow()
        except Exception as e:
            self._raise_spark(e, statement)
        truncated = limit is not None and table.num_rows > limit
        if truncated:
            table = table.slice(0, limit)
        if self._converter is None:
            self._converter = convert.converter()
        frame = convert.pandas_to_r(convert.arrow_to_pandas(table), self._converter)
        if truncated:
            frame.do_slot_assign("lakehouse_truncated", ri.FloatSexpVector([float(limit)]))
        return frame
