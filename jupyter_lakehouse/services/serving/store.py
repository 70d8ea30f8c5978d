"""The endpoint files under the workspace home.

    <home>/serving/.lock                 guards create/delete (names are unique)
    <home>/serving/<name>/endpoint.json  the record (Endpoint), written atomically
    <home>/serving/<name>/server.log     the model server's stdout+stderr
    <home>/serving/<name>/sample.json    the sample request, built once from the model

The JSON and lock helpers are the cluster store's, so both areas behave the same way.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from ..clusters.store import _read_json, _write_json
from ..errors import Unavailable
from .endpoint import Endpoint

LOCK_TIMEOUT = 30.0


class EndpointStore:
    def __init__(self, home: Path):
        self.root = Path(home) / "serving"
        self._lock = FileLock(str(self.root / ".lock"), preserve_lock_file=True)

    def dir(self, name: str) -> Path:
        return self.root / name

    def log_path(self, name: str) -> Path:
        return self.dir(name) / "server.log"

    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.parent.name for p in self.root.glob("*/endpoint.json"))

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=LOCK_TIMEOUT)
        except Timeout:
            raise Unavailable(
                "Another process holds the serving lock for too long; try again.",
                code="serving_busy",
            ) from None
        try:
            yield
        finally:
            self._lock.release()

    def read(self, name: str) -> Endpoint | None:
        data = _read_json(self.dir(name) / "endpoint.json")
        if not isinstance(data, dict):
            return None
        data.setdefault("name", name)
        try:
            return Endpoint.from_dict(data)
        except TypeError:
            return None

    def write(self, endpoint: Endpoint) -> Endpoint:
        _write_json(self.dir(endpoint.name) / "endpoint.json", endpoint.to_dict())
        return endpoint

    def read_sample(self, name: str) -> dict | None:
        data = _read_json(self.dir(name) / "sample.json")
        return data if isinstance(data, dict) else None

    def write_sample(self, name: str, sample: dict) -> None:
        _write_json(self.dir(name) / "sample.json", sample)

    def remove(self, name: str) -> None:
        shutil.rmtree(self.dir(name), ignore_errors=True)
