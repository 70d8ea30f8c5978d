"""One thread pool per API area for the blocking backend calls of handlers.

asyncio's default pool has min(32, cores + 4) threads shared by everything: on a 2-core machine,
six stuck MLflow calls (each held up to its timeout) left no thread for a catalog listing or a
cluster list. A pool per area (the handler's `auth_resource`) keeps one slow backend from
delaying the others' routes; within an area, calls still queue for its threads.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

THREADS_PER_AREA = 4


class BackendPools:
    def __init__(self, threads_per_area: int = THREADS_PER_AREA) -> None:
        self._threads = threads_per_area
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._lock = threading.Lock()
        self._closed = False

    def pool(self, area: str) -> ThreadPoolExecutor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the server is stopping")
            pool = self._pools.get(area)
            if pool is None:
                name = area.replace(":", "-")
                pool = ThreadPoolExecutor(self._threads, thread_name_prefix=name)
                self._pools[area] = pool
            return pool

    async def run(self, area: str, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) on the area's threads, with the caller's context (as asyncio.to_thread)."""
        call = functools.partial(contextvars.copy_context().run, fn, *args)
        return await asyncio.get_running_loop().run_in_executor(self.pool(area), call)

    def areas(self) -> list[str]:
        with self._lock:
            return sorted(self._pools)

    def shutdown(self) -> None:
        """Stop taking work; threads still inside a backend call end on their own."""
        with self._lock:
            self._closed = True
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.shutdown(wait=False, cancel_futures=True)
