"""Query history: every statement run from the SQL editor or a `%sql` cell, newest first.

JSON lines in the workspace home, appended under a file lock by the server and by every kernel
(they are separate processes), so the history survives restarts and shows both sources. It is
bounded: when an append takes it over `max_entries` lines or `max_bytes`, the oldest entries are
dropped (down to 90 % of the bound, so that a full history is not rewritten on every append).
"""

from __future__ import annotations

import contextlib
import getpass
import json
import logging
import os
import threading
import uuid
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ..errors import BadRequest, Unavailable

log = logging.getLogger(__name__)

MAX_ENTRIES = 5000
MAX_BYTES = 5 * 1024 * 1024
MAX_TEXT = 20_000  # characters of a statement kept in the history
LOCK_TIMEOUT = 10.0
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
STATUSES = ("succeeded", "failed", "canceled")
SOURCES = ("editor", "notebook")


def history_path(home: str | os.PathLike) -> Path:
    return Path(home) / "sql" / "history.jsonl"


def os_user() -> str:
    """Who runs a kernel: the hub's user name if JupyterHub started it, else the OS user."""
    hub = os.environ.get("JUPYTERHUB_USER")
    if hub:
        return hub
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (containers)
        return str(os.getuid())


def new_entry(
    *,
    text: str,
    user: str | None,
    cluster: str | None,
    source: str,
    path: str | None,
    started_at: float,
    duration_ms: int,
    rows: int | None,
    status: str,
    error: dict | None = None,
    **extra: Any,
) -> dict:
    """A history entry with the contract's fields (and `extra` ones after them)."""
    truncated = len(text) > MAX_TEXT
    entry = {
        "id": uuid.uuid4().hex,
        "text": text[:MAX_TEXT],
        "user": user,
        "cluster": cluster,
        "source": source,
        "path": path,
        "started_at": round(started_at, 3),
        "duration_ms": int(duration_ms),
        "rows": rows,
        "status": status,
        "error": error,
        **extra,
    }
    if truncated:
        entry["text_truncated"] = True
    return entry


def _int(value: Any, name: str, default: int, lo: int, hi: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadRequest(f"'{name}' must be a whole number.", code="invalid_argument") from None
    if not lo <= number <= hi:
        raise BadRequest(f"'{name}' must be between {lo} and {hi}.", code="invalid_argument")
    return number


def _choice(value: Any, name: str, allowed: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None
    if value not in allowed:
        raise BadRequest(f"'{name}' must be one of {', '.join(allowed)}.", code="invalid_argument")
    return value


class QueryHistory:
    """The history file of one workspace home. Safe across threads and processes."""

    def __init__(
        self,
        path: str | os.PathLike,
        *,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.path = Path(path)
        self.max_entries = max(1, int(max_entries))
        self.max_bytes = max(1024, int(max_bytes))
        # Reentrant per thread; threads of one process share it, other processes lock the file.
        self._lock = FileLock(str(self.path) + ".lock")
        self._thread_lock = threading.Lock()

    @contextlib.contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._thread_lock:
            try:
                with self._lock.acquire(timeout=LOCK_TIMEOUT):
                    yield
            except Timeout:
                raise Unavailable(
                    f"The query history {self.path} is locked by another process.",
                    code="history_locked",
                ) from None

    def append(self, entry: dict) -> dict:
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"), default=str)
        data = (line.replace("\n", "\\n") + "\n").encode("utf-8")
        with self._locked():
            with open(self.path, "ab") as f:
                f.write(data)
            self._trim()
        return entry

    def _trim(self) -> None:
        size = self.path.stat().st_size
        raw = None
        if size > self.max_bytes or size > self.max_entries * 40:
            # Below 40 bytes a line it cannot hold max_entries lines: no need to count them.
            raw = self.path.read_bytes()
        if raw is None:
            return
        lines = raw.splitlines(keepends=True)
        if len(lines) <= self.max_entries and size <= self.max_bytes:
            return
        keep_entries, keep_bytes = int(self.max_entries * 0.9), int(self.max_bytes * 0.9)
        kept: list[bytes] = []
        total = 0
        for line in reversed(lines):
            if len(kept) >= keep_entries or total + len(line) > keep_bytes:
                break
            kept.append(line)
            total += len(line)
        tmp = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as f:
            f.writelines(reversed(kept))
        os.replace(tmp, self.path)

    def _read(self) -> list[dict]:
        with self._locked():
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                return []
        entries = []
        for line in raw.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash: skip it, keep the rest
            if isinstance(entry, dict) and "id" in entry:
                entries.append(entry)
        return entries

    def search(
        self,
        q: str | None = None,
        *,
        status: str | None = None,
        cluster: str | None = None,
        source: str | None = None,
        limit: Any = None,
        before: str | None = None,
    ) -> dict:
        """Entries newest first, matching all filters; `q` is a case-insensitive substring of
        the text, the user, the path or the error. `before` is the `next` of a previous page."""
        limit = _int(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        status = _choice(status, "status", STATUSES)
        source = _choice(source, "source", SOURCES)
        needle = (q or "").strip().lower()
        entries = self._read()
        entries.reverse()
        if before:
            index = next((i for i, e in enumerate(entries) if e.get("id") == before), None)
            # An entry trimmed away was older than all that remain: nothing comes after it.
            entries = [] if index is None else entries[index + 1 :]
        out: list[dict] = []
        for entry in entries:
            if status and entry.get("status") != status:
                continue
            if cluster and entry.get("cluster") != cluster:
                continue
            if source and entry.get("source") != source:
                continue
            if needle and needle not in _haystack(entry):
                continue
            if len(out) == limit:
                return {"entries": out, "next": out[-1]["id"]}
            out.append(entry)
        return {"entries": out, "next": None}


def _haystack(entry: dict) -> str:
    error = entry.get("error") or {}
    parts = [
        entry.get("text"),
        entry.get("user"),
        entry.get("path"),
        error.get("message") if isinstance(error, dict) else None,
        error.get("error_class") if isinstance(error, dict) else None,
    ]
    return "\n".join(str(p) for p in parts if p).lower()


def record_quietly(history: QueryHistory, level: int = logging.WARNING, **fields: Any) -> None:
    """Append an entry; a history that cannot be written never fails the query itself
    (a kernel passes a low `level`: a warning would land in the cell's output)."""
    try:
        history.append(new_entry(**fields))
    except Exception as e:
        log.log(level, "Cannot write the query history %s: %s", history.path, e)
