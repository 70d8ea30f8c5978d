"""Statements of the SQL editor: run on a cluster in a worker thread, polled, cancellable.

`submit` answers at once with an id; the work runs in a thread of its own on the service's own
Spark Connect session of the cluster (never a notebook's; never a cluster started on the way:
a stopped cluster is a 409 `cluster_not_running`). Each run carries a Spark tag of its own, so
`cancel` interrupts exactly its operations. A text may hold several statements: they run in
order and the run stops at the first error, whose position is given as the line and column of
the submitted file. Every statement that ran is appended to the query history.

Finished runs are kept in memory for a while (bounded), so that the editor can read results.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ...resulttable import TableResult, bundle
from ...sparkprogress import SparkRun
from ...sqltext.params import parameter_names, statement_kind
from ...sqltext.sparkerrors import error_info, is_cancellation
from ...sqltext.split import Piece, split_with_offsets
from ..catalog.spark import CatalogSessions, first_line, is_connection_error
from ..errors import BadRequest, Conflict, LakehouseError, NotFound
from .completion import completions
from .history import QueryHistory, record_quietly

log = logging.getLogger(__name__)

DEFAULT_ROW_LIMIT = 1000
MAX_ROW_LIMIT = 100_000
MAX_TEXT = 1_000_000
MAX_RUNNING = 16
KEEP_SECONDS = 3600.0
MAX_KEPT = 200
_SCALARS = (str, int, float, bool, type(None))


@dataclass
class StatementRun:
    id: str
    cluster: str
    text: str
    pieces: list[Piece]
    parameters: dict[str, Any]
    row_limit: int
    origin: tuple[int, int]
    user: str | None
    path: str | None
    started_at: float
    started: float  # monotonic
    progress: SparkRun
    state: str = "running"
    finished: float | None = None  # monotonic
    statement_index: int = 0
    results: list[dict] = field(default_factory=list)
    error: dict | None = None
    cancel_requested: bool = False
    spark: Any = None

    @property
    def tag(self) -> str:
        return self.progress.tag

    def to_json(self, now: float) -> dict:
        end = self.finished if self.finished is not None else now
        progress = self.progress.snapshot(end)
        progress["statement_index"] = self.statement_index
        progress["statements"] = len(self.pieces)
        return {
            "id": self.id,
            "cluster": self.cluster,
            "state": self.state,
            "started_at": self.started_at,
            "elapsed_ms": int((end - self.started) * 1000),
            "progress": progress,
            "results": list(self.results),
            "error": self.error,
            "path": self.path,
            "row_limit": self.row_limit,
        }


class _ProgressRouter:
    """pyspark calls a session's progress handlers in the thread that runs the operation;
    this one hands each report to the run of that thread."""

    def __init__(self, lock: threading.Lock) -> None:
        self.local = threading.local()
        self.lock = lock  # the service's: a GET may be reading the run's progress

    def __call__(
        self, stages: Any, inflight_tasks: int, operation_id: str | None, done: bool
    ) -> None:
        run = getattr(self.local, "run", None)
        if run is not None:
            with self.lock:
                run.progress.report(stages, inflight_tasks, operation_id)


def _text(body: dict, name: str, limit: int, required: bool = False) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadRequest(f"'{name}' must be a non-empty string.", code="invalid_argument")
    if len(value) > limit:
        raise BadRequest(f"'{name}' is limited to {limit} characters.", code="invalid_argument")
    return value


def _origin(value: Any) -> tuple[int, int]:
    if value is None:
        return (1, 1)
    ok = isinstance(value, dict) and all(
        isinstance(value.get(k), int) and not isinstance(value.get(k), bool) and value[k] >= 1
        for k in ("line", "column")
    )
    if not ok:
        raise BadRequest(
            "'origin' must be {line, column}: where the text starts in its file (from 1).",
            code="invalid_argument",
        )
    return (value["line"], value["column"])


def _row_limit(value: Any) -> int:
    if value is None:
        return DEFAULT_ROW_LIMIT
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROW_LIMIT:
        raise BadRequest(
            f"'row_limit' must be a whole number from 1 to {MAX_ROW_LIMIT}.",
            code="invalid_argument",
        )
    return value


def _parameters(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, _SCALARS) for k, v in value.items()
    ):
        raise BadRequest(
            "'parameters' must map names to strings, numbers, booleans or null.",
            code="invalid_argument",
        )
    return value


def parameters_of(text: Any) -> dict:
    """The `:name` markers of every statement of `text`, in order of first use."""
    if not isinstance(text, str):
        raise BadRequest("'text' must be a string.", code="invalid_argument")
    names: list[str] = []
    for piece in split_with_offsets(text):
        names += [n for n in parameter_names(piece.text) if n not in names]
    return {"names": names}


class StatementService:
    """Runs the SQL editor's statements. Thread-safe."""

    def __init__(
        self,
        clusters: Any,
        history: QueryHistory,
        *,
        catalog: Any = None,
        session_conf: dict[str, str] | None = None,
        keep_seconds: float = KEEP_SECONDS,
        max_kept: int = MAX_KEPT,
        max_running: int = MAX_RUNNING,
    ) -> None:
        self.clusters = clusters
        self.history = history
        self.catalog = catalog  # the CatalogService, whose index completion reads
        self.sessions = CatalogSessions(clusters, session_conf, purpose="run SQL on it")
        self.keep_seconds = keep_seconds
        self.max_kept = max_kept
        self.max_running = max_running
        self._runs: OrderedDict[str, StatementRun] = OrderedDict()
        self._lock = threading.Lock()
        self._router = _ProgressRouter(self._lock)
        self._threads: set[threading.Thread] = set()
        _quiet_query_errors()

    # -- the REST operations -----------------------------------------------------------------

    def submit(self, cluster: Any, body: dict, user: str | None = None) -> dict:
        if not isinstance(cluster, str) or not cluster:
            raise BadRequest("'cluster' must name a cluster.", code="invalid_argument")
        text = _text(body, "text", MAX_TEXT, required=True)
        path = _text(body, "path", 4096)
        row_limit = _row_limit(body.get("row_limit"))
        origin = _origin(body.get("origin"))
        values = _parameters(body.get("parameters"))
        pieces = split_with_offsets(text)
        if not pieces:
            raise BadRequest("The text holds no SQL statement.", code="empty_text")
        wanted = parameters_of(text)["names"]
        missing = [n for n in wanted if n not in values]
        if missing:
            raise BadRequest(
                "Give a value for " + ", ".join(f":{n}" for n in missing) + ".",
                code="missing_parameters",
                detail={"names": missing},
            )
        self.sessions.running(cluster)  # 404 cluster_not_found / 409 cluster_not_running
        with self._lock:
            running = sum(r.state == "running" for r in self._runs.values())
            if running >= self.max_running:
                raise Conflict(
                    f"{running} statements are running already; wait for one to finish.",
                    code="too_many_statements",
                )
            run_id, started = uuid.uuid4().hex, time.monotonic()
            run = StatementRun(
                id=run_id,
                cluster=cluster,
                text=text,
                pieces=pieces,
                parameters={n: values[n] for n in wanted},
                row_limit=row_limit,
                origin=origin,
                user=user,
                path=path,
                started_at=time.time(),
                started=started,
                # The tag marks this run's Spark operations, so cancel interrupts only them.
                progress=SparkRun(
                    f"lakehouse-sql-{run_id[:12]}", cluster, self.sessions.session_id, started
                ),
            )
            self._runs[run_id] = run
            self._prune()
            thread = threading.Thread(
                target=self._execute, args=(run,), name=f"lakehouse-sql-{run_id[:8]}", daemon=True
            )
            self._threads.add(thread)
        thread.start()
        # {id, state} as the contract says, and the rest of the run as GET shows it.
        return self.get(run_id)

    def get(self, run_id: str) -> dict:
        with self._lock:
            return self._find(run_id).to_json(time.monotonic())

    def cancel(self, run_id: str) -> dict:
        with self._lock:
            run = self._find(run_id)
            if run.state != "running":
                return run.to_json(time.monotonic())
            run.cancel_requested = True
            spark = run.spark
        if spark is not None:
            try:
                spark.interruptTag(run.tag)
            except Exception as e:  # the run sees the cancel request before its next statement
                log.info("Interrupting SQL statement %s failed: %s", run_id, first_line(e))
        return self.get(run_id)

    def parameters(self, text: Any) -> dict:
        return parameters_of(text)

    def complete(self, cluster: Any, text: Any, cursor: Any) -> dict:
        """Completion from the catalog index: never starts, nor even connects to, a cluster."""
        if not isinstance(cluster, str) or not cluster:
            raise BadRequest("'cluster' must name a cluster.", code="invalid_argument")
        self.clusters.get(cluster, details=False)  # 404 for a cluster that does not exist
        index = self.catalog.index(cluster) if self.catalog is not None else None
        return completions(index, text, cursor)

    def close(self) -> None:
        with self._lock:
            running = [r for r in self._runs.values() if r.state == "running"]
            threads = list(self._threads)
        for run in running:
            with contextlib.suppress(LakehouseError):
                self.cancel(run.id)
        for thread in threads:
            thread.join(timeout=10)
        self.sessions.close()

    # -- bookkeeping -------------------------------------------------------------------------

    def _find(self, run_id: str) -> StatementRun:
        run = self._runs.get(run_id) if isinstance(run_id, str) else None
        if run is None:
            raise NotFound(
                f"No statement {run_id!r}: it never ran here, or finished too long ago.",
                code="statement_not_found",
            )
        return run

    def _prune(self) -> None:
        """Forget finished runs older than keep_seconds, then the oldest beyond max_kept."""
        now = time.monotonic()
        finished = [r for r in self._runs.values() if r.finished is not None]
        for run in finished:
            if now - run.finished > self.keep_seconds:
                del self._runs[run.id]
        excess = len(self._runs) - self.max_kept
        for run in finished:
            if excess <= 0:
                break
            if run.id in self._runs:
                del self._runs[run.id]
                excess -= 1

    # -- the worker --------------------------------------------------------------------------

    def _execute(self, run: StatementRun) -> None:
        try:
            try:
                spark, _engine = self.sessions.get(run.cluster)
            except LakehouseError as e:
                self._finish(run, "failed", _plain_error(e.code, e.message))
                return
            self._watch(spark)
            with self._lock:
                run.spark = spark
            self._router.local.run = run
            spark.addTag(run.tag)
            try:
                self._statements(run, spark)
            finally:
                self._router.local.run = None
                with contextlib.suppress(Exception):
                    spark.removeTag(run.tag)
        except Exception as e:  # a bug, not a query error: the run must still end
            log.exception("SQL statement %s failed unexpectedly", run.id)
            self._finish(run, "failed", _plain_error("internal_error", str(e)))
        finally:
            with self._lock:
                self._threads.discard(threading.current_thread())

    def _watch(self, spark: Any) -> None:
        # Sessions are replaced when a cluster restarts: register on each new one, once.
        if not getattr(spark, "_lakehouse_sql_progress", False):
            spark.registerProgressHandler(self._router)
            spark._lakehouse_sql_progress = True

    def _statements(self, run: StatementRun, spark: Any) -> None:
        for index, piece in enumerate(run.pieces):
            if run.cancel_requested:
                self._finish(run, "canceled")
                return
            with self._lock:
                run.statement_index = index
            started_at, started = time.time(), time.monotonic()
            args = {n: run.parameters[n] for n in parameter_names(piece.text)}
            try:
                result = self._run_one(spark, piece.text, args, run.row_limit)
            except Exception as e:
                elapsed = int((time.monotonic() - started) * 1000)
                canceled = is_cancellation(e) or run.cancel_requested
                if is_connection_error(e):
                    self.sessions.forget(run.cluster)
                error = None
                if not canceled:
                    error = error_info(e, piece.text, run.text, piece.offset, run.origin)
                    error["statement_index"] = index
                    if error["error_class"] is None and is_connection_error(e):
                        error["error_class"] = "cluster_not_running"
                        error["message"] = (
                            "The cluster stopped answering; start it again from the Compute panel."
                        )
                self._record(run, piece, started_at, elapsed, None, canceled, error)
                self._finish(run, "canceled" if canceled else "failed", error)
                return
            elapsed = int((time.monotonic() - started) * 1000)
            entry = {
                "statement": piece.text,
                "statement_index": index,
                "kind": statement_kind(piece.text),
                "rows": 0,
                "truncated": False,
                "elapsed_ms": elapsed,
                "table": None,
            }
            if result is not None:
                # The notebook's table MIME bundle, so the editor shows the same grid.
                entry.update(
                    rows=result.table.num_rows, truncated=result.truncated, table=bundle(result)
                )
            with self._lock:
                run.results.append(entry)
            self._record(run, piece, started_at, elapsed, entry["rows"], False, None)
        self._finish(run, "canceled" if run.cancel_requested else "succeeded")

    @staticmethod
    def _run_one(spark: Any, statement: str, args: dict, row_limit: int) -> TableResult | None:
        """The statement's rows (None for a statement that returns none: DDL, DML)."""
        df = _delta_route(spark, statement, args or None)
        if df is None:
            df = spark.sql(statement, args=args or None)
        result = TableResult.from_spark(df, row_limit)
        return result if result.table.num_columns else None

    def _record(
        self,
        run: StatementRun,
        piece: Piece,
        started_at: float,
        elapsed_ms: int,
        rows: int | None,
        canceled: bool,
        error: dict | None,
    ) -> None:
        status = "canceled" if canceled else ("failed" if error else "succeeded")
        record_quietly(
            self.history,
            text=piece.text,
            user=run.user,
            cluster=run.cluster,
            source="editor",
            path=run.path,
            started_at=started_at,
            duration_ms=elapsed_ms,
            rows=rows,
            status=status,
            error=error,
            statement_id=run.id,
        )

    def _finish(self, run: StatementRun, state: str, error: dict | None = None) -> None:
        with self._lock:
            run.progress.finish({"succeeded": "done", "canceled": "cancelled"}.get(state, "error"))
            run.state = state
            run.error = error
            run.finished = time.monotonic()


def _quiet_query_errors() -> None:
    """pyspark logs every SQL error it raises, JVM stack and all, at ERROR level; a user's bad
    query is an answer here (shown in the editor, kept in the history), not a server fault."""
    try:
        from pyspark.logger import PySparkLogger
    except ImportError:
        return
    # Through pyspark's own getLogger: its loggers take keyword fields a plain Logger refuses.
    for name in ("SQLQueryContextLogger", "DataFrameQueryContextLogger"):
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL)


def _plain_error(code: str, message: str) -> dict:
    """An error that is not Spark's (no cluster, a bug), shaped like Spark's."""
    return {
        "error_class": code,
        "sqlstate": None,
        "message": message,
        "line": None,
        "column": None,
        "end_line": None,
        "end_column": None,
        "statement_index": None,
    }


def _delta_route(spark: Any, statement: str, args: dict | None) -> Any:
    """The Delta SQL the offline engine handles itself (as `%sql` does); None: Spark runs it."""
    try:
        from ..delta import client
    except ImportError:
        return None
    session = client.state(spark)
    if session is None or not session.offline:
        return None
    from ..delta.router import DeltaRouter

    return DeltaRouter(spark).route(statement, args)
