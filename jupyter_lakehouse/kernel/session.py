"""The notebook's Spark session: one per kernel, on the attached cluster, created on first use.

Every language in the notebook reaches Spark through this object with one Spark Connect
session id, so that they all see the same temp views; other notebooks get other ids.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import NoClusterError, NotebookError

DEFAULT_CLUSTER = "local"
NOTEBOOK_ENV = "JPY_SESSION_NAME"  # set by jupyter_server for the kernels of notebooks
TOUCH_INTERVAL = 60.0  # seconds; the idle timeout is counted in minutes
# The client retries a lost connection for up to ten minutes by default; a notebook should
# rather say within seconds that its cluster is gone.
RETRIES = {"max_retries": 4, "initial_backoff": 100, "backoff_multiplier": 2.0, "max_backoff": 1000}


def workspace_home() -> Path:
    """The server extension exports LAKEHOUSE_HOME, so kernels it starts agree with it."""
    env = os.environ.get("LAKEHOUSE_HOME")
    return Path(env) if env else Path.cwd() / ".lakehouse"


class NotebookSession:
    def __init__(
        self,
        progress: Any = None,
        notify: Callable[[str], None] | None = None,
        home: Path | None = None,
    ) -> None:
        self.session_id = str(uuid.uuid4())
        self.cluster: str | None = None  # None until a notebook attaches: the default is used
        self.notebook_path: str | None = None
        self.progress = progress
        self._notify = notify or (lambda text: print(text, file=sys.stdout))
        self._home = home
        self._spark: Any = None
        self._connected_to: tuple | None = None  # (cluster, server generation)
        self._tag: str | None = None
        self._last_touch = float("-inf")
        # Called with each new Spark session (dbutils maps dbfs:/ paths there, issue 12).
        self.on_connect: list[Callable[[Any], None]] = []
        # Called with the new cluster name after each re-attachment (kernel/livyendpoint.py).
        self.attach_listeners: list[Callable[[str | None], None]] = []

    # -- attachment -----------------------------------------------------------------------

    @property
    def home(self) -> Path:
        return self._home or workspace_home()

    @property
    def cluster_name(self) -> str:
        return self.cluster or DEFAULT_CLUSTER

    @property
    def connected(self) -> bool:
        return self._spark is not None

    @property
    def cell_tag(self) -> str | None:
        """The tag of the running cell's Spark work (other languages tag theirs with it too)."""
        return self._tag

    @property
    def connection_key(self) -> tuple | None:
        """(cluster, server generation) of the live connection: changes on re-attach/restart."""
        return self._connected_to

    def manager(self) -> Any:
        from ..services.clusters import ClusterManager

        return ClusterManager(self.home)

    def attach(self, cluster: str | None, notebook_path: str | None = None) -> None:
        """Point the notebook at another cluster; the next use of `spark` connects there."""
        if notebook_path:
            self.notebook_path = notebook_path
            # The server sets JPY_SESSION_NAME once, at kernel start; MLflow's run context and
            # the query history read the notebook from it, so follow renames the frontend sends.
            os.environ[NOTEBOOK_ENV] = notebook_path
        if cluster == self.cluster:
            return
        previous = self.cluster_name if self.connected else None
        self.cluster = cluster
        if previous is not None:
            self._disconnect()
            self._notify(
                f"Attached to cluster '{self.cluster_name}' (was '{previous}'). The next Spark "
                "command connects to it; temp views of the old session stay on the old cluster."
            )
        for listener in self.attach_listeners:
            try:
                listener(cluster)
            except Exception as e:  # the attachment itself stands; say what did not follow
                self._notify(f"After attaching to '{self.cluster_name}': {e}")

    # -- the session ----------------------------------------------------------------------

    def get(self) -> Any:
        if self._spark is not None and self._cluster_was_restarted():
            self._disconnect()
            self._notify(
                f"Cluster '{self.cluster_name}' was restarted since this notebook last used it: "
                "reconnecting. Temp views and session settings from before are gone."
            )
        if self._spark is None:
            self._spark = self._connect()
        return self._spark

    def _connect(self) -> Any:
        from ..services.errors import LakehouseError

        try:
            manager = self.manager()
            info = manager.ensure_running(self.cluster_name)
        except LakehouseError as e:
            raise NoClusterError(f"cluster '{self.cluster_name}': {e.message}") from None
        spark = _open_session(manager.connect_url(self.cluster_name, self.session_id))
        if self.progress is not None:
            spark.registerProgressHandler(self.progress)
        if self._tag:
            spark.addTag(self._tag)
        self._setup_delta(spark, info)
        for hook in self.on_connect:
            hook(spark)
        self._connected_to = (self.cluster_name, info.generation)
        # A remote cluster keeps no attachment list; the session works regardless.
        with contextlib.suppress(LakehouseError):
            manager.attach(self.cluster_name, self.session_id, self.notebook_path, os.getpid())
        return spark

    def _setup_delta(self, spark: Any, info: Any) -> None:
        """Delta engine (issue 5, services/delta): the offline engine's `delta` data source."""
        from . import deltasql

        try:
            deltasql.setup(spark, getattr(info, "delta_engine", None))
        except Exception as e:  # Spark works without it; say why Delta does not
            self._notify(f"Delta Lake is not available in this session: {e}")

    def _cluster_was_restarted(self) -> bool:
        if self._connected_to is None:
            return False
        try:
            info = self.manager().get(self.cluster_name, details=False)
        except Exception:
            return False  # the next Spark call reports what is wrong, with its own message
        return info.state == "running" and info.generation != self._connected_to[1]

    def _disconnect(self) -> None:
        spark, self._spark, self._connected_to = self._spark, None, None
        if spark is None:
            return
        # The server may already be gone; the channel and the attachment go either way.
        with contextlib.suppress(Exception):
            spark.client.close()
        with contextlib.suppress(Exception):
            self.manager().detach(self.cluster_name, self.session_id)

    def failure_hint(self) -> str | None:
        """After a Spark error: if the cluster itself is down, say so and say what to do."""
        if not self.connected:
            return None
        try:
            info = self.manager().get(self.cluster_name, details=False)
        except Exception:
            return None
        if info.state == "running" and not self._cluster_was_restarted():
            return None
        reason = f": {info.reason}" if getattr(info, "reason", None) else ""
        self._disconnect()
        return (
            f"Cluster '{self.cluster_name}' is {info.state}{reason}. Restart it from the Compute "
            "panel; the next Spark command reconnects."
        )

    # -- cells ----------------------------------------------------------------------------

    def begin_cell(self) -> str:
        """Tag the cell's Spark work so that it, and only it, can be cancelled."""
        self._tag = f"lakehouse-cell-{uuid.uuid4().hex[:12]}"
        if self._spark is not None:
            self._spark.addTag(self._tag)
        if self.progress is not None:
            self.progress.begin(self._tag, self.cluster_name, self.session_id)
        return self._tag

    def _touch(self) -> None:
        """Tell the cluster's idle timer that this notebook is working (at most every minute)."""
        now = time.monotonic()
        if not self.connected or now - self._last_touch < TOUCH_INTERVAL:
            return
        self._last_touch = now
        with contextlib.suppress(Exception):
            self.manager().touch(self.cluster_name, self.session_id)

    def end_cell(self, state: str = "done") -> None:
        if self._spark is not None and self._tag:
            # A dead connection has no tags left to remove.
            with contextlib.suppress(Exception):
                self._spark.removeTag(self._tag)
        self._tag = None
        if self.progress is not None:
            self.progress.end(state)
        self._touch()

    def close(self) -> None:
        self._disconnect()


def _open_session(remote: str) -> Any:
    """A new Spark Connect session for `remote` (sc://…;session_id=…[;token=…])."""
    from pyspark.sql.connect.client.retries import DefaultPolicy
    from pyspark.sql.connect.session import SparkSession

    # What pyspark's own builder.remote() sets: `pyspark.sql.functions` (F.col, F.lit, ...) then
    # build Spark Connect columns in notebooks, not classic ones that need a local JVM.
    # (Added with issue 5: the medallion notebook uses pyspark.sql.functions.)
    os.environ["SPARK_CONNECT_MODE_ENABLED"] = "1"
    try:
        spark = SparkSession.builder.remote(remote).create()
    except Exception as e:  # grpc and pyspark raise many types for an unreachable server
        where = remote.split("/;", 1)[0]
        raise NotebookError(
            f"could not connect to {where}: {e}", title="Cluster unreachable"
        ) from None
    spark.client.set_retry_policies([DefaultPolicy(**RETRIES)])
    return spark


class SparkProxy:
    """Stands in for `spark` in the user namespace.

    Attribute access goes to the notebook's current session (connecting on first use, and
    following re-attachments); `repr` does not connect, so variable inspectors and tab
    completion never start a cluster behind the user's back.
    """

    def __init__(self, session: NotebookSession) -> None:
        object.__setattr__(self, "_session", session)

    def __getattr__(self, name: str) -> Any:
        # IPython's display machinery probes `_repr_html_`, `_ipython_display_` and friends on
        # every value it shows; none of them may start a cluster.
        if name.startswith("_"):
            raise AttributeError(name)
        if name == "sql":  # Delta SQL routing first (issue 5, kernel/deltasql.py)
            from . import deltasql

            return functools.partial(deltasql.sql, self._session.get())
        return getattr(self._session.get(), name)

    def __dir__(self) -> list[str]:
        from pyspark.sql.connect.session import SparkSession

        return dir(SparkSession)

    def __repr__(self) -> str:
        session = self._session
        if session.connected:
            return (
                f"<spark: Spark Connect session {session.session_id} on '{session.cluster_name}'>"
            )
        return f"<spark: connects to cluster '{session.cluster_name}' on first use>"
