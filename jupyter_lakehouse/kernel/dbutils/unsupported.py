"""Databricks features that cannot exist on an open-source cluster, and what to say instead.

Each answer names the feature and what to use here, rather than leaving the user with a bare
`AttributeError` or a Spark `DATA_SOURCE_NOT_FOUND`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..errors import NotebookError


class DatabricksOnlyError(NotebookError):
    title = "Not available outside Databricks"


def unsupported(feature: str, instead: str) -> Callable[..., Any]:
    """A stand-in function that explains, when called, that `feature` exists only on Databricks."""

    def call(*args: Any, **kwargs: Any) -> Any:
        raise DatabricksOnlyError(f"{feature} exists only on Databricks. Here: {instead}.")

    call.__doc__ = f"{feature}: not available here; {instead}."
    return call


class Unsupported:
    """An object (`sc`, `dbutils.library`) whose every attribute explains the same thing."""

    def __init__(self, feature: str, instead: str) -> None:
        self._feature, self._instead = feature, instead

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # IPython's display probes (_repr_html_ …) must not raise
            raise AttributeError(name)
        return unsupported(f"{self._feature}.{name}", self._instead)

    def __repr__(self) -> str:
        return f"<{self._feature}: Databricks only; {self._instead}>"


LIBRARY = Unsupported(
    "dbutils.library",
    "install packages with %pip install …, then restart the kernel (Kernel menu, Restart Kernel) "
    "if a package was already imported",
)
SPARK_CONTEXT = Unsupported(
    "sc (the SparkContext)",
    "Spark Connect has no SparkContext; use `spark` (DataFrames, spark.conf, spark.sql)",
)

# (pattern in the error text, what to say)
_HINTS: list[tuple[re.Pattern, str]] = [
    (
        re.compile(r"cloudFiles", re.I),
        "Auto Loader (format 'cloudFiles') is a Databricks feature. Read the folder with "
        "spark.readStream.format('json' | 'csv' | 'parquet').schema(…).load(path), or with "
        "spark.read for a one-off batch.",
    ),
    (
        re.compile(r"(file:|dbfs:)?/mnt/", re.I),
        "/mnt/… paths are Databricks mounts, which do not exist here. Put the data under "
        "dbfs:/mnt/… (the workspace's dbfs/ folder) or read it from its real location.",
    ),
    (
        re.compile(r"No FileSystem for scheme \"?dbfs", re.I),
        "This cluster's Spark does not know dbfs:/ paths. Use the local folder they map to: "
        "<workspace home>/dbfs/… (dbutils.fs and %fs take dbfs:/ paths).",
    ),
    (
        re.compile(r"spark\.databricks\.", re.I),
        "spark.databricks.* settings belong to the Databricks runtime; Apache Spark does not "
        "know them (only delta-spark reads some spark.databricks.delta.* settings). Leave them "
        "out or use the open-source setting (spark.sql.*).",
    ),
    (
        re.compile(r"JVM_ATTRIBUTE_NOT_SUPPORTED|sparkContext", re.I),
        "Spark Connect has no SparkContext (sc, spark.sparkContext, RDDs). Use the DataFrame "
        "API, spark.conf and spark.sql instead.",
    ),
]


def hint_for(error: BaseException) -> str | None:
    """What to do instead, when `error` comes from a Databricks-only feature."""
    text = str(error)
    for pattern, hint in _HINTS:
        if pattern.search(text):
            return f"\x1b[0;33mDatabricks\x1b[0m: {hint}"
    return None


# What IPython's display() takes; anything else given with a DataFrame is Databricks' display().
IPYTHON_DISPLAY_ARGUMENTS = {
    "include",
    "exclude",
    "metadata",
    "transient",
    "display_id",
    "raw",
    "clear",
}


def check_display_arguments(kwargs: dict) -> None:
    """Refuse Databricks-only display() arguments (streamName, processingTime, …) by name."""
    extra = sorted(set(kwargs) - IPYTHON_DISPLAY_ARGUMENTS)
    if extra:
        named = ", ".join(f"{k}=…" for k in extra)
        raise DatabricksOnlyError(
            f"display(df, {named}) takes arguments that exist only on Databricks. Here "
            "display(df) shows a DataFrame's first rows; for a stream, write it with "
            "df.writeStream to a table or a memory sink and display that."
        )
