"""The catalog service's own Spark Connect session on each cluster, and what it asks Spark.

The service never shares a notebook's session: it connects with a session id of its own, so
nothing it does shows up in (or depends on) a notebook. It never starts a cluster either: a
cluster that is not running is a 409 `cluster_not_running`, and the panel offers to start it.

Everything asked here is a catalog command (SHOW ..., DESCRIBE ..., COMMENT ON ...): Spark
answers those from the metastore, without a job.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import uuid
import warnings
from dataclasses import dataclass
from typing import Any

from ..errors import BadRequest, Conflict, LakehouseError, NotFound, Unavailable, Unprocessable

log = logging.getLogger(__name__)

# The connect client retries a lost server for minutes by default; the panel must know at once.
RETRIES = {"max_retries": 2, "initial_backoff": 100, "backoff_multiplier": 2.0, "max_backoff": 500}

_NOT_FOUND = (
    "TABLE_OR_VIEW_NOT_FOUND",
    "SCHEMA_NOT_FOUND",
    "CATALOG_NOT_FOUND",
    "NO_SUCH_CATALOG",
    "VIEW_NOT_FOUND",
    "UNRESOLVED_COLUMN",
    "FIELD_NOT_FOUND",
    "NoSuchTableException",
    "NoSuchDatabaseException",
    "NoSuchNamespaceException",
)
_BAD_NAME = (
    "INVALID_SCHEMA_OR_RELATION_NAME",
    "INVALID_IDENTIFIER",
    "INVALID_ATTRIBUTE_NAME_SYNTAX",
    "PARSE_SYNTAX_ERROR",
    "REQUIRES_SINGLE_PART_NAMESPACE",
)
_EXISTS = ("ALREADY_EXISTS", "AlreadyExistsException")
_CONNECTION = (
    "UNAVAILABLE",
    "failed to connect",
    "Connection refused",
    "Socket closed",
    "channel closed",
    "Cannot invoke RPC on closed channel",
)


def error_class(error: BaseException) -> str | None:
    for getter in ("getCondition", "getErrorClass"):
        fn = getattr(error, getter, None)
        if callable(fn):
            with contextlib.suppress(Exception):
                value = fn()
                if value:
                    return str(value)
    return None


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    text = text.split("\n\nJVM stacktrace:", 1)[0]
    line = text.splitlines()[0] if text else type(error).__name__
    line = re.sub(r"\s+SQLSTATE: \w+\.?$", "", line)
    return line[:1000]


def is_connection_error(error: BaseException) -> bool:
    text = str(error)
    name = type(error).__name__
    return name in ("SparkConnectGrpcException", "RetriesExceeded", "_InactiveRpcError") and any(
        marker in text for marker in _CONNECTION
    )


def translate(error: BaseException, what: str = "") -> LakehouseError:
    """A Spark failure as the domain error the REST layer maps to a status code."""
    if isinstance(error, LakehouseError):
        return error
    cls = error_class(error) or ""
    text = str(error)
    message = first_line(error)
    prefix = f"{what}: " if what else ""
    if any(c in cls or c in text[:300] for c in _NOT_FOUND):
        return NotFound(prefix + message, code="not_found")
    if any(c in cls for c in _BAD_NAME):
        return BadRequest(prefix + message, code="invalid_name")
    if any(c in cls or c in text[:300] for c in _EXISTS):
        return Conflict(prefix + message, code="already_exists")
    if is_connection_error(error):
        return Conflict(
            "The cluster stopped answering; start it again from the Compute panel.",
            code="cluster_not_running",
        )
    return Unprocessable(prefix + message, code=cls.lower() or "spark_error")


@dataclass
class _Entry:
    spark: Any
    generation: str | None
    engine: dict | None


class CatalogSessions:
    """One Spark Connect session per cluster, with this service's own session id."""

    def __init__(
        self,
        clusters: Any,
        session_conf: dict[str, str] | None = None,
        purpose: str = "browse its catalog",
    ) -> None:
        self.clusters = clusters
        self.purpose = purpose  # what a 409 says the cluster is needed for
        # Spark Connect wants a UUID; a new one per server process.
        self.session_id = str(uuid.uuid4())
        self.session_conf = dict(session_conf or {})
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._connecting: dict[str, threading.Lock] = {}

    def running(self, cluster: str) -> Any:
        """The cluster's info if it runs; else a 409 cluster_not_running (404 if unknown)."""
        info = self.clusters.get(cluster, details=False)
        if info.state != "running":
            raise Conflict(
                f"Cluster {cluster!r} is {info.state}, not running: start it to {self.purpose}.",
                code="cluster_not_running",
                detail={"cluster": cluster, "state": info.state},
            )
        return info

    def generation(self, cluster: str) -> str | None:
        return self.running(cluster).generation

    def get(self, cluster: str) -> tuple[Any, dict | None]:
        """(session, the cluster's Delta engine record) on the running cluster."""
        info = self.running(cluster)
        with self._lock:
            entry = self._entries.get(cluster)
            gate = self._connecting.setdefault(cluster, threading.Lock())
        if entry is not None and entry.generation == info.generation:
            return entry.spark, entry.engine
        with gate:
            with self._lock:
                entry = self._entries.get(cluster)
            if entry is not None and entry.generation == info.generation:
                return entry.spark, entry.engine
            if entry is not None:
                self._close(entry)
            spark = self._open(cluster, info)
            entry = _Entry(spark, info.generation, info.delta_engine)
            with self._lock:
                self._entries[cluster] = entry
            return spark, entry.engine

    def _open(self, cluster: str, info: Any) -> Any:
        from pyspark.sql.connect.client.retries import DefaultPolicy
        from pyspark.sql.connect.session import SparkSession

        url = self.clusters.connect_url(cluster, self.session_id)
        try:
            spark = SparkSession.builder.remote(url).create()
        except Exception as e:
            raise Unavailable(
                f"Cannot connect to cluster {cluster!r}: {first_line(e)}",
                code="cluster_unreachable",
            ) from None
        spark.client.set_retry_policies([DefaultPolicy(**RETRIES)])
        try:
            for key, value in self.session_conf.items():
                spark.conf.set(key, value)
            self._attach_delta(spark, info)
        except Exception as e:
            with contextlib.suppress(Exception):
                spark.client.close()
            raise translate(e, "Cannot prepare the catalog session") from None
        return spark

    @staticmethod
    def _attach_delta(spark: Any, info: Any) -> None:
        # On the offline engine the session needs the `delta` data source, as a notebook's has,
        # to create and alter Delta tables' catalog entries.
        try:
            from ..delta import client as delta_client
        except ImportError:  # the Delta engine is optional for browsing
            return
        delta_client.attach(spark, info.delta_engine)

    def forget(self, cluster: str) -> None:
        """Drop the session of a cluster (after it stopped answering)."""
        with self._lock:
            entry = self._entries.pop(cluster, None)
        if entry is not None:
            self._close(entry)

    @staticmethod
    def _close(entry: _Entry) -> None:
        # Release the server-side session, then the channel; the server may be gone already
        # (pyspark then warns that its retries ran out: nothing to tell anyone).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with contextlib.suppress(Exception):
                entry.spark.client.release_session()
            with contextlib.suppress(Exception):
                entry.spark.client.close()

    def close(self) -> None:
        with self._lock:
            entries, self._entries = list(self._entries.values()), {}
        for entry in entries:
            self._close(entry)


def rows(spark: Any, sql: str) -> list[tuple]:
    """Run a catalog command; its rows as tuples (commands return local rows, no job)."""
    table = spark.sql(sql).toArrow()
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return list(zip(*columns, strict=True)) if columns else []


# -- SHOW TABLE EXTENDED's `information` --------------------------------------------------------

_SCHEMA_LINE = re.compile(r"^ \|-- (.*): (.+?) \(nullable = (true|false)\)$")


def parse_information(text: str) -> dict:
    """The `information` column of SHOW TABLE EXTENDED: `Key: value` lines, then the schema."""
    info: dict[str, Any] = {}
    lines = (text or "").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("Schema: "):
            info["columns"] = _schema_tree(lines[i + 1 :])
            break
        key, sep, value = line.partition(": ")
        if sep and key and not key.startswith(" "):
            # A value may span lines (a comment with newlines): continue until the next key.
            j = i + 1
            while j < len(lines) and lines[j] and not re.match(r"^[A-Z][A-Za-z ]*: ", lines[j]):
                value += "\n" + lines[j]
                j += 1
            info[key] = value
            i = j
            continue
        i += 1
    return info


def _schema_tree(lines: list[str]) -> list[dict]:
    out = []
    for line in lines:
        match = _SCHEMA_LINE.match(line)
        if match:
            name, type_name, nullable = match.groups()
            type_name = re.sub(r" collate \w+$", "", type_name)
            out.append({"name": name, "type": type_name, "nullable": nullable == "true"})
    return out


def bracket_list(text: str | None) -> dict[str, str]:
    """`[k=v, k2=v2]` (Table Properties) as a dict."""
    if not text:
        return {}
    body = text.strip()
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1]
    out: dict[str, str] = {}
    for item in re.split(r", (?=[^,=\s]+=)", body):
        key, sep, value = item.partition("=")
        if sep:
            out[key.strip()] = value
    return out


def partition_list(text: str | None) -> list[str]:
    """``[`a`, `b c`]`` (Partition Columns) as names."""
    if not text:
        return []
    from .names import split_name

    body = text.strip().strip("[]")
    out = []
    for item in re.findall(r"`(?:[^`]|``)*`|[^,\s]+", body):
        try:
            out.extend(split_name(item))
        except LakehouseError:
            out.append(item)
    return out
