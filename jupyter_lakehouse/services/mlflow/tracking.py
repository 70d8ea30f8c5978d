"""The embedded MLflow tracking server: one `mlflow server` per workspace home, supervised.

Files under `<home>/mlflow/`:

    server.json     the state (port, process record, state, reason), written atomically
    .lock           held while a server is being started or stopped
    server.log      the server's stdout+stderr (the previous run's kept as server.log.1)
    mlflow.db       the SQLite backend and model registry
    artifacts/      the artifact store, served by the tracking server (--serve-artifacts)

Like clusters, the server outlives the Jupyter server that started it: kernels and scripts may
still be logging to it, and a restarted JupyterLab finds it again (pid + create time) instead of
starting a second one. The port is chosen, and recorded, before the process starts, so the
tracking URI can be exported to kernels while the server is still coming up; a restart reuses
the recorded port whenever it is free, so kernels that already have the URI keep working.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from filelock import FileLock, Timeout

from ..clusters import process
from ..clusters.launcher import LOOPBACK, MARKER_ENV, ProcessSpec, free_port, port_in_use
from ..clusters.store import ProcessRecord, _read_json, _write_json
from ..errors import Unavailable

STATES = ("stopped", "starting", "running", "error")
ROLE = "mlflow"
DEFAULT_START_TIMEOUT = 120.0
# How long asking for the port waits for a start in another process before reading the state.
_RESERVE_LOCK_TIMEOUT = 2.0
# The server's background job runner (GenAI scoring, trace archival) forks seven huey consumers
# of ~250 MB each; nothing in the workspace uses it.
_SERVER_ENV = {"MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"}


@dataclass
class TrackingState:
    state: str = "stopped"
    reason: str | None = None
    port: int | None = None
    process: ProcessRecord | None = None
    started_at: float | None = None
    ready_at: float | None = None
    updated_at: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> TrackingState:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        record = values.get("process")
        values["process"] = ProcessRecord(**record) if isinstance(record, dict) else None
        if values.get("state") not in STATES:
            values["state"], values["reason"] = "error", "The state file was unreadable."
        return cls(**values)


def health(port: int | None, timeout: float = 2.0) -> bool:
    """True when an MLflow server answers /health on the loopback port."""
    if not port:
        return False
    try:
        with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/health", timeout=timeout) as r:
            return r.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


class TrackingServer:
    def __init__(self, home: Path, start_timeout: float = DEFAULT_START_TIMEOUT):
        self.dir = Path(home) / "mlflow"
        self.state_path = self.dir / "server.json"
        self.log_path = self.dir / "server.log"
        self.db_path = self.dir / "mlflow.db"
        self.artifacts = self.dir / "artifacts"
        self.start_timeout = start_timeout
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(str(self.dir / ".lock"), preserve_lock_file=True)

    # -- state ---------------------------------------------------------------------------------

    def read_state(self) -> TrackingState:
        data = _read_json(self.state_path)
        return TrackingState.from_dict(data) if isinstance(data, dict) else TrackingState()

    def _write(self, state: TrackingState) -> TrackingState:
        state.updated_at = time.time()
        _write_json(self.state_path, state.to_dict())
        return state

    @contextlib.contextmanager
    def _locked(self, timeout: float):
        try:
            self._lock.acquire(timeout=timeout)
        except Timeout:
            raise Unavailable(
                "Another process is starting or stopping the MLflow server; try again.",
                code="mlflow_unavailable",
            ) from None
        try:
            yield
        finally:
            self._lock.release()

    @staticmethod
    def uri(port: int) -> str:
        return f"http://{LOOPBACK}:{port}"

    def current(self) -> TrackingState:
        """The recorded state, corrected by what is true now (a dead process is not running)."""
        state = self.read_state()
        if state.state in ("starting", "running") and not process.is_alive(state.process):
            code = process.exit_status(self.log_path, state.process) if state.process else None
            state.state = "error" if state.process else "stopped"
            state.reason = (
                f"The MLflow server {process.describe_exit(code)}; see {self.log_path}."
                if state.process
                else None
            )
        return state

    # -- port ----------------------------------------------------------------------------------

    def reserve_port(self) -> int:
        """The port the server has or will have, recorded now so the URI can be exported early."""
        try:
            with self._locked(_RESERVE_LOCK_TIMEOUT):
                state = self.current()
                if process.is_alive(state.process):
                    return state.port
                if self._claim_port(state):
                    self._write(state)
                return state.port
        except Unavailable:
            # Another process is starting the server: it recorded the port before launching.
            port = self.read_state().port
            if port:
                return port
            raise

    def _claim_port(self, state: TrackingState) -> bool:
        """Keep the recorded port (kernels know it) unless someone else holds it; True when
        a new one was chosen. Only called while no live server of ours is recorded."""
        # What a dead server left (its uvicorn worker survives a kill of the parent alone, and
        # would keep the port) goes first.
        process.sweep(str(self.dir))
        if state.port and not port_in_use(state.port):
            return False
        state.port = free_port()
        return True

    # -- lifecycle -----------------------------------------------------------------------------

    def ensure_running(self, timeout: float | None = None) -> str:
        """Start the server unless a healthy one of this home runs; its URI when it answers."""
        timeout = self.start_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._locked(timeout):
            state = self.current()
            if not (state.state in ("starting", "running") and process.is_alive(state.process)):
                state = self._launch(state)
            # Ours (pid + create time) and alive: wait until it answers.
            while not health(state.port):
                if not process.is_alive(state.process):
                    failed = self.current()
                    raise Unavailable(
                        failed.reason or "The MLflow server exited while starting.",
                        code="mlflow_unavailable",
                    )
                if time.monotonic() > deadline:
                    raise Unavailable(
                        f"The MLflow server did not answer within {timeout:.0f} s; see "
                        f"{self.log_path}.",
                        code="mlflow_unavailable",
                    )
                time.sleep(0.25)
            if state.state != "running":
                state.state, state.reason, state.ready_at = "running", None, time.time()
                self._write(state)
            return self.uri(state.port)

    def _launch(self, state: TrackingState) -> TrackingState:
        self._claim_port(state)
        self.refresh_statistics()
        self.artifacts.mkdir(parents=True, exist_ok=True)
        if self.log_path.exists():
            os.replace(self.log_path, self.log_path.with_name("server.log.1"))
        argv = [
            sys.executable,
            "-m",
            "mlflow",
            "server",
            "--backend-store-uri",
            f"sqlite:///{self.db_path}",
            "--artifacts-destination",
            str(self.artifacts),
            "--serve-artifacts",
            "--host",
            LOOPBACK,
            "--port",
            str(state.port),
            # One worker: a workspace's tracking traffic is light, and each worker is ~250 MB.
            "--workers",
            "1",
        ]
        env = {**os.environ, **_SERVER_ENV, MARKER_ENV: str(self.dir)}
        env.pop("MLFLOW_TRACKING_URI", None)
        spec = ProcessSpec(role=ROLE, argv=argv, env=env, cwd=self.dir, log=self.log_path)
        state.process = process.launch(spec)
        state.state, state.reason = "starting", None
        state.started_at, state.ready_at = time.time(), None
        return self._write(state)

    def refresh_statistics(self, growth: float = 2.0) -> bool:
        """ANALYZE the SQLite store when it has no statistics yet, or its runs table grew or
        shrank `growth` times since they were taken; True when it did.

        Without statistics SQLite plans MLflow's sort by a metric as a nested scan of every
        run's metrics: 3-16 s for an experiment of 10 000 runs, 20 ms after ANALYZE.
        """
        if not self.db_path.exists():
            return False
        try:
            con = sqlite3.connect(self.db_path, timeout=5)
        except sqlite3.Error:
            return False
        try:
            runs = con.execute("SELECT count(*) FROM runs").fetchone()[0]
            try:
                row = con.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'runs'").fetchone()
            except sqlite3.OperationalError:  # no sqlite_stat1: never analyzed
                row = None
            known = int(row[0].split()[0]) if row and row[0] else 0
            if known and 1 / growth <= max(runs, 1) / known <= growth:
                return False
            con.execute("ANALYZE")
            con.commit()
            return True
        except (sqlite3.Error, ValueError):
            return False  # a busy or foreign store: the next call tries again
        finally:
            con.close()

    def stop(self, grace: float = 10.0) -> None:
        """Stop the server and everything it forked (found by the marker variable)."""
        with self._locked(self.start_timeout):
            state = self.read_state()
            if state.process is None:
                return  # never started, or already stopped (and swept) by stop()
            process.terminate([state.process], str(self.dir), grace)
            state.state, state.reason, state.process = "stopped", None, None
            self._write(state)
