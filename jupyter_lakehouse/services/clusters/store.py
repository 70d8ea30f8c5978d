"""The cluster files under the workspace home, and the locks that guard them.

Layout (one directory per cluster, so a plain `ls` tells what exists):

    <home>/clusters/.lock                      workspace lock (create/delete, metastore owner)
    <home>/clusters/<name>/profile.json         the profile (0600: a remote token may be in it)
    <home>/clusters/<name>/state.json           the running state (ClusterState)
    <home>/clusters/<name>/.lock                the cluster lock
    <home>/clusters/<name>/driver.log           the Spark Connect server's stdout+stderr
    <home>/clusters/<name>/master.log, worker-N.log   standalone daemons
    <home>/clusters/<name>/sessions/<id>.json   notebooks attached by kernels

The Jupyter server, every kernel and plain scripts all go through this module, so they agree.
Writes are atomic (temp file + rename): readers never need the lock to see a whole file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ..errors import Unavailable

STATES = ("pending", "running", "restarting", "terminating", "terminated", "error")
ACTIVE_STATES = ("pending", "running", "restarting", "terminating")

DEFAULT_LOCK_TIMEOUT = 60.0


@dataclass
class ProcessRecord:
    """One OS process of a cluster; create_time tells a live process from a reused pid."""

    role: str  # "driver", "master", "worker-0", ...
    pid: int
    create_time: float
    pgid: int


@dataclass
class ClusterState:
    state: str = "terminated"
    reason: str | None = None
    processes: list[ProcessRecord] = field(default_factory=list)
    port: int | None = None  # Spark Connect gRPC
    ui_port: int | None = None  # the driver's Spark UI (and its REST API)
    master_url: str | None = None
    master_ui_port: int | None = None
    app_id: str | None = None
    spark_version: str | None = None
    metastore: str | None = None  # which metastore this run holds ("workspace", ...)
    started_at: float | None = None  # launch
    ready_at: float | None = None  # first time the gRPC port answered
    stopped_at: float | None = None
    updated_at: float = 0.0
    launched_by: dict[str, Any] = field(default_factory=dict)
    # New at every launch: a kernel compares it to know its server-side session is gone.
    generation: str | None = None
    # The Delta engine chosen at launch and why (services/delta/engine.py DeltaEngine.to_dict).
    delta_engine: dict | None = None

    def process(self, role: str) -> ProcessRecord | None:
        return next((p for p in self.processes if p.role == role), None)

    @property
    def driver(self) -> ProcessRecord | None:
        return self.process("driver")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ClusterState:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["processes"] = [ProcessRecord(**p) for p in values.get("processes") or []]
        if values.get("state") not in STATES:
            values["state"] = "error"
            values["reason"] = "The state file was unreadable."
        return cls(**values)


def _write_json(path: Path, data: Any, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f, indent=2, sort_keys=True, default=str)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        # A half-written file cannot happen (atomic rename); a hand-edited broken one can.
        return None


class ClusterStore:
    def __init__(self, home: Path, lock_timeout: float = DEFAULT_LOCK_TIMEOUT):
        self.home = Path(home)
        self.root = self.home / "clusters"
        self.lock_timeout = lock_timeout
        self._locks: dict[Path, FileLock] = {}

    # -- paths ---------------------------------------------------------------------------------

    def dir(self, name: str) -> Path:
        return self.root / name

    def log_path(self, name: str, source: str = "driver") -> Path:
        return self.dir(name) / f"{source}.log"

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.parent.name for p in self.root.glob("*/profile.json"))

    def exists(self, name: str) -> bool:
        return (self.dir(name) / "profile.json").is_file()

    # -- locks ---------------------------------------------------------------------------------

    def _lock(self, path: Path) -> FileLock:
        lock = self._locks.get(path)
        if lock is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # One FileLock per path and process: it is reentrant per thread, and threads of one
            # process exclude each other as separate processes do (separate flock descriptors).
            lock = self._locks.setdefault(path, FileLock(str(path), preserve_lock_file=True))
        return lock

    @contextlib.contextmanager
    def lock(self, name: str, timeout: float | None = None) -> Iterator[None]:
        with self._acquire(self._lock(self.dir(name) / ".lock"), f"cluster '{name}'", timeout):
            yield

    @contextlib.contextmanager
    def workspace_lock(self, timeout: float | None = None) -> Iterator[None]:
        with self._acquire(self._lock(self.root / ".lock"), "the workspace's clusters", timeout):
            yield

    def try_lock(self, name: str, timeout: float) -> contextlib.AbstractContextManager[bool]:
        """Like lock(), but yields False instead of raising when the lock is busy."""
        return self._try(self._lock(self.dir(name) / ".lock"), timeout)

    @contextlib.contextmanager
    def _try(self, lock: FileLock, timeout: float) -> Iterator[bool]:
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    @contextlib.contextmanager
    def _acquire(self, lock: FileLock, what: str, timeout: float | None) -> Iterator[None]:
        try:
            lock.acquire(timeout=self.lock_timeout if timeout is None else timeout)
        except Timeout:
            raise Unavailable(
                f"Another process has held the lock on {what} for too long; try again.",
                code="cluster_busy",
            ) from None
        try:
            yield
        finally:
            lock.release()

    # -- profile and state ---------------------------------------------------------------------

    def read_profile(self, name: str) -> dict | None:
        return _read_json(self.dir(name) / "profile.json")

    def write_profile(self, name: str, data: dict) -> None:
        _write_json(self.dir(name) / "profile.json", data, mode=0o600)

    def read_state(self, name: str) -> ClusterState:
        data = _read_json(self.dir(name) / "state.json")
        return ClusterState.from_dict(data) if isinstance(data, dict) else ClusterState()

    def write_state(self, name: str, state: ClusterState) -> ClusterState:
        state.updated_at = time.time()
        _write_json(self.dir(name) / "state.json", state.to_dict())
        return state

    def remove(self, name: str) -> None:
        path = self.dir(name)
        lock = self._locks.pop(path / ".lock", None)
        del lock
        shutil.rmtree(path, ignore_errors=True)

    # -- attached sessions ---------------------------------------------------------------------

    def sessions_dir(self, name: str) -> Path:
        return self.dir(name) / "sessions"

    def write_session(self, name: str, session_id: str, data: dict) -> None:
        _write_json(self.sessions_dir(name) / f"{session_id}.json", data)

    def read_session(self, name: str, session_id: str) -> dict | None:
        return _read_json(self.sessions_dir(name) / f"{session_id}.json")

    def remove_session(self, name: str, session_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.sessions_dir(name) / f"{session_id}.json").unlink()

    def read_sessions(self, name: str) -> list[dict]:
        folder = self.sessions_dir(name)
        if not folder.is_dir():
            return []
        out = []
        for path in sorted(folder.glob("*.json")):
            data = _read_json(path)
            if isinstance(data, dict):
                out.append(data)
        return out

    # -- logs ----------------------------------------------------------------------------------

    def rotate_log(self, name: str, source: str) -> Path:
        """Keep the previous run's log as <source>.log.1 so a crash before a restart is readable."""
        path = self.log_path(name, source)
        if path.exists():
            os.replace(path, path.with_name(path.name + ".1"))
        return path

    def log_sources(self, name: str) -> list[str]:
        return sorted(p.name[: -len(".log")] for p in self.dir(name).glob("*.log"))
