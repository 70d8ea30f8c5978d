"""LivyService: the registry of Livy sessions behind {base_url}lakehouse/livy/.

Session ids are integers from 0 for each server run (Livy without session recovery); statement
ids count from 0 in each session. Sessions are bounded (`max_sessions`), so are the statements
kept in each; a session whose client stopped sending heartbeats (`heartbeatTimeoutInSecond`),
or idle for `idle_timeout_minutes`, is deleted, and one that ended (`error`, `dead`) is
forgotten after a while, as Livy does. `close` stops every kernel.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import BadRequest, LakehouseError, NotFound
from . import code as codes
from .requests import paging, session_spec, statement_request
from .session import LivySession

log = logging.getLogger(__name__)

ENDED = ("error", "dead")
RETAIN_ENDED_SECONDS = 600.0  # livy.server.session.state-retain.sec
REAP_INTERVAL = 5.0
STOP_GRACE = 15.0
COMPLETION_TIMEOUT = 5.0


class LivyService:
    def __init__(
        self,
        home: Path,
        clusters: Any,
        *,
        max_sessions: int = 8,
        max_statements: int = 500,
        idle_timeout_minutes: float = 60,
        sql_max_rows: int = codes.SQL_MAX_ROWS,
        cwd: str | None = None,
        reaper: bool = True,
    ) -> None:
        self.clusters = clusters
        self.max_sessions = max_sessions
        self.max_statements = max_statements
        self.idle_timeout = idle_timeout_minutes * 60.0
        self.sql_max_rows = sql_max_rows
        self.cwd = cwd
        root = Path(home) / "livy"
        root.mkdir(parents=True, exist_ok=True)
        # Each server run logs its sessions in a folder of its own, removed when it closes.
        self.log_dir = Path(tempfile.mkdtemp(prefix="run-", dir=root))
        self._lock = threading.Lock()
        self._sessions: dict[int, LivySession] = {}
        self._ended_at: dict[int, float] = {}
        self._deleting: set[LivySession] = set()  # deleted, kernel still stopping
        self._ui_paths: dict[int, str | None] = {}
        self._next_id = 0
        self._closed = threading.Event()
        self._reaper: threading.Thread | None = None
        if reaper:
            self._reaper = threading.Thread(target=self._reap_loop, name="livy-reaper", daemon=True)
            self._reaper.start()

    # -- sessions -------------------------------------------------------------------------

    def list_sessions(self, from_: Any = None, size: Any = None) -> dict:
        start, count = paging(from_, size, None)
        with self._lock:
            sessions = [self._sessions[k] for k in sorted(self._sessions)]
        start = start or 0
        chosen = sessions[start : None if count is None else start + count]
        return {
            "from": start,
            "total": len(sessions),
            "sessions": [self._session_json(s) for s in chosen],
        }

    def create_session(self, body: dict, owner: str | None) -> dict:
        spec = session_spec(body, owner)
        try:
            profile = self.clusters.profile(spec.cluster)
        except NotFound as e:
            raise BadRequest(e.message, code="cluster_not_found") from None
        if getattr(profile, "kind", None) == "livy":
            raise BadRequest(
                f"Cluster {spec.cluster!r} is itself a Livy endpoint; sessions here run on the "
                "workspace's Spark Connect clusters."
            )
        with self._lock:
            if self._closed.is_set():
                raise BadRequest("The server is shutting down.")
            live = [s for s in self._sessions.values() if s.state not in ENDED]
            if len(live) >= self.max_sessions:
                raise BadRequest(
                    f"Rejected, too many sessions are being created! At most {self.max_sessions} "
                    "Livy sessions may run at once (LakehouseApp.livy_max_sessions); delete one."
                )
            if spec.name and any(s.spec.name == spec.name for s in self._sessions.values()):
                raise BadRequest(f"Duplicate session name: {spec.name}")
            session_id = self._next_id
            self._next_id += 1
            session = LivySession(
                session_id,
                spec,
                self.log_dir / f"session-{session_id}.log",
                cwd=self.cwd,
                max_statements=self.max_statements,
                sql_max_rows=self.sql_max_rows,
            )
            self._sessions[session_id] = session
        session.start()
        return self._session_json(session)

    def get_session(self, session_id: Any) -> dict:
        return self._session_json(self._session(session_id))

    def session_state(self, session_id: Any) -> dict:
        session = self._session(session_id)
        return {"id": session.id, "state": session.state}

    def delete_session(self, session_id: Any) -> dict:
        session = self._session(session_id, touch=False)
        with self._lock:
            self._sessions.pop(session.id, None)
            self._ended_at.pop(session.id, None)
            self._ui_paths.pop(session.id, None)
            self._deleting.add(session)
        session.stop()
        # The kernel stops in the session's worker; its log goes with it.
        threading.Thread(target=self._cleanup, args=(session,), daemon=True).start()
        return {"msg": "deleted"}

    def _cleanup(self, session: LivySession) -> None:
        session.join(STOP_GRACE)
        with contextlib.suppress(OSError):
            session.kernel.log_path.unlink()
        with self._lock:
            self._deleting.discard(session)

    def session_log(self, session_id: Any, from_: Any = None, size: Any = None) -> dict:
        session = self._session(session_id)
        start, count = paging(from_, size, 100)
        lines = session.log_lines()
        if start is None:
            start = max(0, len(lines) - count)
        return {
            "id": session.id,
            "from": start,
            "total": len(lines),
            "log": lines[start : start + count],
        }

    # -- statements -------------------------------------------------------------------------

    def list_statements(self, session_id: Any, from_: Any = None, size: Any = None) -> dict:
        session = self._session(session_id)
        start, count = paging(from_, size, None)
        statements = session.statements()
        start = start or 0
        chosen = statements[start : None if count is None else start + count]
        return {"total_statements": len(statements), "statements": [s.to_json() for s in chosen]}

    def submit_statement(self, session_id: Any, body: dict) -> dict:
        session = self._session(session_id)
        code, kind = statement_request(body, session.spec.kind)
        if session.state in (*ENDED, "shutting_down"):
            raise BadRequest(f"Session {session.id} is in state {session.state}.")
        return session.submit(code, kind).to_json()

    def get_statement(self, session_id: Any, statement_id: Any) -> dict:
        return self._statement(session_id, statement_id)[1].to_json()

    def cancel_statement(self, session_id: Any, statement_id: Any) -> dict:
        session, statement = self._statement(session_id, statement_id)
        session.cancel(statement)
        return {"msg": "canceled"}

    def complete(self, session_id: Any, body: dict) -> dict:
        session = self._session(session_id)
        code, kind = statement_request(body, session.spec.kind)
        cursor = body.get("cursor", len(code))
        if isinstance(cursor, bool) or not isinstance(cursor, int) or not 0 <= cursor <= len(code):
            raise BadRequest("cursor must be a position in code.")
        if kind == "spark":
            return {"candidates": []}  # the kernel has no Scala completion
        if kind == "sql":
            # The kernel completes %%sql cells from the session's catalog.
            code, cursor = f"%%sql\n{code}", cursor + len("%%sql\n")
        return {"candidates": session.complete(code, cursor, COMPLETION_TIMEOUT)}

    # -- lookup -----------------------------------------------------------------------------

    def _session(self, session_id: Any, touch: bool = True) -> LivySession:
        with self._lock:
            session = self._sessions.get(_number(session_id))
        if session is None:
            raise NotFound(f"Session '{session_id}' not found.")
        if touch:
            session.touch()
        return session

    def _statement(self, session_id: Any, statement_id: Any) -> tuple[LivySession, Any]:
        session = self._session(session_id)
        statement = session.statement(_number(statement_id))
        if statement is None:
            raise NotFound("Statement not found.")
        return session, statement

    def _session_json(self, session: LivySession) -> dict:
        data = session.to_json(self._ui_path(session))
        if data["appId"] is None and session.state not in ("starting", *ENDED):
            data["appId"] = self._cluster_app_id(session.spec.cluster)
        return data

    def _ui_path(self, session: LivySession) -> str | None:
        """The cluster's Spark UI (relative to the server's base URL) when it has one; asked
        once per session (a remote cluster's info means a network probe)."""
        if session.state not in ("idle", "busy"):
            return None
        if session.id not in self._ui_paths:
            try:
                info = self.clusters.get(session.spec.cluster, details=False)
            except LakehouseError:
                return None
            self._ui_paths[session.id] = info.spark_ui_path
        return self._ui_paths[session.id]

    def _cluster_app_id(self, cluster: str) -> str | None:
        with contextlib.suppress(LakehouseError):
            return self.clusters.get(cluster, details=False).app_id
        return None

    # -- time limits and shutdown -------------------------------------------------------------

    def _reap_loop(self) -> None:
        while not self._closed.wait(REAP_INTERVAL):
            try:
                self.reap()
            except Exception:  # the reaper must outlive one bad pass
                log.exception("Livy session reaper failed")

    def reap(self, now: float | None = None) -> list[int]:
        """Delete sessions past their heartbeat or idle timeout, and forget ended ones."""
        now = time.monotonic() if now is None else now
        doomed = []
        with self._lock:
            sessions = list(self._sessions.values())
        for session in sessions:
            hb = session.spec.heartbeat_timeout
            if session.state in ENDED:
                ended = self._ended_at.setdefault(session.id, now)
                if now - ended > RETAIN_ENDED_SECONDS:
                    doomed.append((session, None))
            elif hb and now - session.last_seen > hb:
                doomed.append((session, f"no heartbeat for {hb:.0f} s"))
            elif (
                self.idle_timeout
                and session.state == "idle"
                and now - session.last_busy > self.idle_timeout
            ):
                doomed.append((session, f"idle for {self.idle_timeout / 60:.0f} minutes"))
        for session, why in doomed:
            if why:
                session.kernel.log(f"session deleted: {why}")
                log.info("Livy session %s deleted: %s", session.id, why)
            with contextlib.suppress(NotFound):
                self.delete_session(session.id)
        return [session.id for session, _ in doomed]

    def close(self) -> None:
        """Stop every session's kernel (server shutdown)."""
        self._closed.set()
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
            deleting = list(self._deleting)
        for session in sessions:
            session.stop()
        for session in sessions + deleting:
            session.join(STOP_GRACE)
        if self._reaper is not None:
            self._reaper.join(REAP_INTERVAL + 1)
        shutil.rmtree(self.log_dir, ignore_errors=True)


def _number(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
