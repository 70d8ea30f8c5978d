"""The kernel's hook into the Delta engine (services/delta): setup at connect, SQL routing.

    deltasql.setup(spark, info.delta_engine)     # NotebookSession._connect, once per session
    df = deltasql.route(spark, statement, args)  # %sql and spark.sql: None -> run on Spark

On the offline engine `route` handles the Delta SQL Spark cannot route to a Python data
source (DESCRIBE HISTORY/DETAIL, time travel, UPDATE/DELETE/MERGE, RESTORE, OPTIMIZE,
VACUUM, CREATE/INSERT/DROP of Delta tables); on delta-spark it returns None at once.
"""

from __future__ import annotations

from typing import Any

from ..services.delta import client


def setup(spark: Any, engine: dict | None = None) -> None:
    """Register the offline engine's `delta` source in a new session (no-op on delta-spark)."""
    client.attach(spark, engine)


def route(spark: Any, statement: str, args: dict | None = None) -> Any:
    """The statement's result as a DataFrame if the Delta engine handles it, else None."""
    session = client.state(spark)
    if session is None or not session.offline:
        return None
    from ..services.delta.router import DeltaRouter

    return DeltaRouter(spark).route(statement, args)


def sql(spark: Any, sqlQuery: str, args: Any = None, **kwargs: Any) -> Any:
    """`spark.sql` with Delta routing first (what the notebook's `spark.sql` calls)."""
    if isinstance(args, dict) or args is None:
        routed = route(spark, sqlQuery, args)
        if routed is not None:
            return routed
    return spark.sql(sqlQuery, args, **kwargs)
