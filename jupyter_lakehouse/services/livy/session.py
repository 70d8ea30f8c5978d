"""One Livy session: a headless kernel on a cluster, and its statements run one at a time.

States follow Livy: the session is `starting` (kernel, extension, cluster, Spark session),
then `idle`, `busy` while statements run, `idle` again after each; `error` when it could not
start, `dead` when its kernel stopped, `shutting_down` while it is being deleted. A statement is
`waiting`, `running`, then `available` (its output says ok or error), `cancelling` and
`cancelled`, or `error` when the kernel died under it.

A worker thread of the session's own starts the kernel and runs the statements; requests only
read the state and queue work, under the session's lock.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import code as codes
from .kernel import HeadlessKernel, KernelDied
from .output import Collected, error_output

log = logging.getLogger(__name__)

FINISHED = ("available", "error", "cancelled")
LOG_LINES_IN_SESSION = 10  # Livy's session JSON carries the last lines of the log
LOG_MAX_BYTES = 1024 * 1024  # of the log file read for a request
_STOP = object()


class _Completion:
    """A completion request the worker answers between statements."""

    def __init__(self, code: str, cursor: int, timeout: float) -> None:
        self.code, self.cursor, self.timeout = code, cursor, timeout
        self.matches: list[str] = []
        self.done = threading.Event()


@dataclass
class Statement:
    id: int
    code: str
    kind: str
    state: str = "waiting"
    output: dict | None = None
    progress: float = 0.0
    started: int = 0  # epoch milliseconds, 0 until it runs (as Livy)
    completed: int = 0

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "code": self.code,
            "state": self.state,
            "output": self.output,
            "progress": self.progress,
            "started": self.started,
            "completed": self.completed,
        }


@dataclass
class SessionSpec:
    kind: str  # pyspark, spark, sql, or shared (each statement names its kind)
    cluster: str
    name: str | None = None
    owner: str | None = None
    conf: dict[str, str] = field(default_factory=dict)
    heartbeat_timeout: float = 0.0  # seconds; 0: no heartbeat needed
    ignored: list[str] = field(default_factory=list)  # Livy fields that mean nothing here


def _now_ms() -> int:
    return int(time.time() * 1000)


class LivySession:
    def __init__(
        self,
        session_id: int,
        spec: SessionSpec,
        log_path: Path,
        cwd: str | None = None,
        max_statements: int = 500,
        sql_max_rows: int = codes.SQL_MAX_ROWS,
    ) -> None:
        self.id = session_id
        self.spec = spec
        self.kernel = HeadlessKernel(log_path, cwd=cwd)
        self.max_statements = max_statements
        self.sql_max_rows = sql_max_rows
        self.state = "starting"
        self.reason: str | None = None
        self.app_id: str | None = None
        self.spark_session_id: str | None = None
        self.last_seen = time.monotonic()  # heartbeats: any request that names the session
        self.last_busy = time.monotonic()  # the idle timeout counts from the last statement
        self._lock = threading.Lock()
        self._statements: collections.OrderedDict[int, Statement] = collections.OrderedDict()
        self._next_statement = 0
        self._running: Statement | None = None
        self._queue: queue.Queue = queue.Queue()
        self._stopping = threading.Event()
        self._worker = threading.Thread(
            target=self._work, name=f"livy-session-{session_id}", daemon=True
        )
        log_path.touch()

    @property
    def label(self) -> str:
        """How the session shows among a cluster's attached notebooks (and in MLflow runs)."""
        return f"livy-session-{self.id}"

    def start(self) -> None:
        self._worker.start()

    # -- reads ----------------------------------------------------------------------------

    def touch(self) -> None:
        self.last_seen = time.monotonic()

    def statement(self, statement_id: int) -> Statement | None:
        with self._lock:
            return self._statements.get(statement_id)

    def statements(self) -> list[Statement]:
        with self._lock:
            return list(self._statements.values())

    def log_lines(self) -> list[str]:
        try:
            with open(self.kernel.log_path, "rb") as f:
                f.seek(0, 2)
                size = f.tell()
                f.seek(max(0, size - LOG_MAX_BYTES))
                raw = f.read()
        except OSError:
            return []
        lines = raw.decode(errors="replace").splitlines()
        return lines[1:] if size > LOG_MAX_BYTES and lines else lines

    # -- work -----------------------------------------------------------------------------

    def submit(self, code: str, kind: str) -> Statement:
        """Queue a statement; the caller checked that the session takes statements."""
        with self._lock:
            statement = Statement(self._next_statement, code, kind)
            self._next_statement += 1
            self._statements[statement.id] = statement
            self._forget_old()
            if self.state == "idle":
                self.state = "busy"
            # Queued under the lock: the worker never sees an empty queue and goes idle while a
            # statement is on its way.
            self._queue.put(statement)
        return statement

    def _forget_old(self) -> None:
        """Keep at most `max_statements`, dropping the oldest finished ones."""
        excess = len(self._statements) - self.max_statements
        for sid in list(self._statements):
            if excess <= 0:
                break
            if self._statements[sid].state in FINISHED:
                del self._statements[sid]
                excess -= 1

    def cancel(self, statement: Statement) -> None:
        with self._lock:
            if statement.state == "waiting":
                # The worker skips it when it comes to it.
                statement.state = "cancelled"
                statement.completed = _now_ms()
                return
            if statement.state != "running":
                return
            statement.state = "cancelling"
        # The worker interrupts the kernel: pyspark's KeyboardInterrupt handling interrupts the
        # running Spark operation, a Scala cell stops its own jobs, plain Python stops there.
        self.kernel.log(f"cancelling statement {statement.id}")

    def stop(self) -> None:
        """Shut the kernel down (in the worker, after what runs is interrupted)."""
        with self._lock:
            if self.state not in ("error", "dead"):
                self.state = "shutting_down"
        self._stopping.set()
        # The worker interrupts whatever runs (a statement, or the setup waiting for its
        # cluster), then shuts the kernel down.
        self._queue.put(_STOP)

    def join(self, timeout: float) -> None:
        if self._worker.is_alive():
            self._worker.join(timeout)
        if self._worker.is_alive():
            # The worker is stuck (a kernel that takes no interrupt): kill the kernel under it.
            self.kernel.log("the kernel did not stop: killed")
            self.kernel.kill()

    def complete(self, code: str, cursor: int, timeout: float) -> list[str]:
        """Completions from the kernel through the worker; none while a statement runs (the
        kernel answers only between cells)."""
        with self._lock:
            if self.state != "idle" or self._stopping.is_set():
                return []
            request = _Completion(code, cursor, timeout)
        self._queue.put(request)
        request.done.wait(timeout + 1.0)
        return request.matches

    # -- the worker -----------------------------------------------------------------------

    def _work(self) -> None:
        try:
            if self._start_kernel():
                self._serve()
        except Exception as e:  # a bug here must not leave the kernel running
            log.exception("Livy session %s failed", self.id)
            self._fail("dead", f"internal error: {e}")
        finally:
            self.kernel.shutdown()
            self._fail_pending()
            with self._lock:
                if self.state in ("starting", "idle", "busy", "shutting_down"):
                    self.state = "dead"

    def _start_kernel(self) -> bool:
        spec = self.spec
        self.kernel.log(f"starting a kernel for a {spec.kind} session on cluster '{spec.cluster}'")
        if spec.ignored:
            self.kernel.log(
                "ignored (a session runs on an existing cluster): " + ", ".join(spec.ignored)
            )
        try:
            self.kernel.start({"JPY_SESSION_NAME": self.label})
        except Exception as e:
            return self._fail("error", f"the kernel did not start: {e}")
        if self._stopping.is_set():
            return False
        collected = Collected()
        cell = codes.setup_cell(spec.cluster, self.label, spec.conf)
        try:
            status = self.kernel.execute(
                cell, collected.add, silent=True, tick=self._interrupter(None)
            )
        except KernelDied as e:
            return self._fail("dead", str(e))
        if collected.stderr:
            self.kernel.log(collected.stderr.rstrip())
        if status != "ok" or collected.setup is None:
            if self._stopping.is_set():
                return False
            err = collected.error or {}
            why = (err.get("evalue") or err.get("ename") or status).strip()
            return self._fail("error", f"could not open a Spark session: {why}")
        setup = collected.setup
        self.app_id = setup.get("app_id")
        self.spark_session_id = setup.get("session_id")
        for key, why in (setup.get("conf_ignored") or {}).items():
            self.kernel.log(f"conf {key} not applied: {why}")
        self.kernel.log(
            f"Spark {setup.get('spark_version')} session {self.spark_session_id} on cluster "
            f"'{setup.get('cluster')}' is ready"
        )
        with self._lock:
            if self.state == "starting":
                self.state = "busy" if self._statements else "idle"
        return not self._stopping.is_set()

    def _fail(self, state: str, reason: str) -> bool:
        self.kernel.log(reason)
        with self._lock:
            self.state = state
            self.reason = reason
        return False

    def _serve(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP or self._stopping.is_set():
                return
            if isinstance(item, _Completion):
                try:
                    item.matches = self.kernel.complete(item.code, item.cursor, item.timeout)
                finally:
                    item.done.set()
                continue
            with self._lock:
                if item.state != "waiting":  # cancelled while it waited
                    if self._running is None and self.state == "busy" and self._queue.empty():
                        self.state = "idle"
                    continue
                item.state = "running"
                item.started = _now_ms()
                self._running = item
                self.state = "busy"
            try:
                self._run(item)
            except KernelDied as e:
                self._finish(item, "error", error_output(item.id, "SessionDied", str(e), []))
                self._fail("dead", f"the kernel stopped while statement {item.id} ran")
                return
            finally:
                self.last_busy = time.monotonic()

    def _run(self, statement: Statement) -> None:
        collected = Collected()

        def on_message(msg: dict) -> None:
            collected.add(msg)
            if collected.progress != statement.progress:
                with self._lock:
                    statement.progress = collected.progress

        cell = codes.cell_for(statement.kind, statement.code, self.sql_max_rows)
        status = self.kernel.execute(cell, on_message, tick=self._interrupter(statement))
        if collected.stderr:
            self.kernel.log(f"statement {statement.id} stderr:\n{collected.stderr.rstrip()}")
        with self._lock:
            cancelled = statement.state == "cancelling"
        if cancelled and (status != "ok" or collected.error is not None):
            self._finish(statement, "cancelled", None)
        else:
            # A cancel that came too late leaves a finished statement as it finished.
            self._finish(statement, "available", collected.output(statement.id))

    def _interrupter(self, statement: Statement | None) -> Callable[[], None]:
        """Called by the worker while the kernel runs a cell: interrupts it, once a second,
        while the statement is being cancelled or the session deleted (an interrupt that lands
        before the kernel runs the cell is ignored, so it is sent again)."""
        sent = [0.0]

        def tick() -> None:
            wanted = self._stopping.is_set() or (
                statement is not None and statement.state == "cancelling"
            )
            if wanted and time.monotonic() - sent[0] > 1.0:
                sent[0] = time.monotonic()
                self.kernel.interrupt()

        return tick

    def _finish(self, statement: Statement, state: str, output: dict | None) -> None:
        with self._lock:
            statement.state = state
            statement.output = output
            statement.progress = 1.0
            statement.completed = _now_ms()
            self._running = None
            if self.state == "busy" and self._queue.empty():
                self.state = "idle"

    def _fail_pending(self) -> None:
        """Statements that never ran once the session ended: cancelled, as Livy leaves them."""
        with self._lock:
            for statement in self._statements.values():
                if statement.state in ("waiting", "running", "cancelling"):
                    statement.state = "cancelled"
                    statement.completed = _now_ms()
            self._running = None
        with contextlib.suppress(queue.Empty):
            while True:
                item = self._queue.get_nowait()
                if isinstance(item, _Completion):
                    item.done.set()

    # -- JSON -----------------------------------------------------------------------------

    def to_json(self, ui_path: str | None) -> dict:
        with self._lock:
            state = self.state
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.spec.name,
            "appId": self.app_id,
            "owner": self.spec.owner,
            # proxyUser is left out: sparkmagic shows a null one as the user "None".
            "state": state,
            "kind": self.spec.kind,
            "appInfo": {"driverLogUrl": None, "sparkUiUrl": ui_path},
            "log": self.log_lines()[-LOG_LINES_IN_SESSION:],
            "cluster": self.spec.cluster,
        }
        return out
