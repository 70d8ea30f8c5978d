"""What the offline Delta engine's tests on the session's real cluster share: the shared Delta
tables with delta-rs as the oracle, and one Spark Connect session with the engine attached."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import deltalake
import pyarrow as pa

from jupyter_lakehouse.services.delta import client
from jupyter_lakehouse.services.delta.router import DeltaRouter
from tests.fixtures.clusters import spark_session

TABLES = Path("/work/shared/data/delta-tables")
# Tables using a reader feature the engine refuses, and that feature's name in the error.
REFUSED = {"checkpoint-v2-table": "v2Checkpoint", "table-with-dv-small": "deletionVectors"}
READABLE = sorted(p.name for p in TABLES.iterdir() if p.is_dir() and p.name not in REFUSED)


@contextmanager
def offline_session(cluster_manager) -> Iterator:
    """A Spark Connect session on the running `local` cluster, its Delta engine the offline one."""
    info = cluster_manager.ensure_running("local", timeout=150)
    with spark_session(info.connect_url) as session:
        assert client.attach(session, info.delta_engine).offline
        yield session


def routed_sql(spark) -> Callable:
    """`spark.sql` with Delta statements going through the Delta SQL router first."""
    router = DeltaRouter(spark)

    def run(statement: str, args: dict | None = None):
        routed = router.route(statement, args)
        return routed if routed is not None else spark.sql(statement, args=args)

    return run


def canonical(rows) -> list[str]:
    """Rows (Spark's or dicts) as sorted JSON, to compare regardless of order and row type."""
    return sorted(
        json.dumps(
            r if isinstance(r, dict) else r.asDict(recursive=True), sort_keys=True, default=str
        )
        for r in rows
    )


def oracle(path) -> list[dict]:
    """The table as delta-rs reads it."""
    return pa.table(deltalake.DeltaTable(str(path)).scan()).to_pylist()
