"""`display(x)`: Spark and pandas DataFrames as the lakehouse table; everything else as IPython."""

from __future__ import annotations

from typing import Any

import pandas as pd
from IPython.display import display as ipython_display

from ..resulttable import TableResult, bundle
from .dbutils.unsupported import check_display_arguments

DEFAULT_ROW_LIMIT = 10_000


def is_spark_dataframe(obj: Any) -> bool:
    # Checked by class name so that importing pyspark is never needed to display other things.
    return any(
        cls.__name__ == "DataFrame" and cls.__module__.startswith("pyspark.sql")
        for cls in type(obj).__mro__
    )


def spark_result(df: Any, limit: int) -> TableResult:
    """Fetch at most `limit` rows as Arrow; one extra row tells whether more exist."""
    return TableResult.from_spark(df, limit)


class Displayer:
    def __init__(self, row_limit: int = DEFAULT_ROW_LIMIT) -> None:
        self.row_limit = row_limit

    def result_for(self, obj: Any) -> TableResult | None:
        if is_spark_dataframe(obj):
            return spark_result(obj, self.row_limit)
        if isinstance(obj, pd.DataFrame):
            return TableResult.from_pandas(obj, self.row_limit)
        if isinstance(obj, pd.Series):
            return TableResult.from_pandas(obj.to_frame(), self.row_limit)
        return None

    def show(self, result: TableResult) -> None:
        ipython_display(bundle(result), raw=True)

    def __call__(self, *objs: Any, **kwargs: Any) -> None:
        for obj in objs:
            if is_spark_dataframe(obj) or isinstance(obj, pd.DataFrame | pd.Series):
                check_display_arguments(kwargs)  # Databricks' streamName=… etc. (issue 12)
            result = self.result_for(obj)
            if result is None:
                ipython_display(obj, **kwargs)
            else:
                self.show(result)
