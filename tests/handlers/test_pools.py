"""Per-area thread pools: a stuck backend holds its own area's threads, never the others'."""

import asyncio
import contextvars
import threading

import pytest

from jupyter_lakehouse.handlers.pools import BackendPools

REQUEST = contextvars.ContextVar("request", default=None)


def test_a_stuck_area_leaves_other_areas_their_threads():
    pools = BackendPools(threads_per_area=2)
    release = threading.Event()

    async def scenario():
        # Every thread of the MLflow area is stuck, and more calls queue behind them.
        stuck = [
            asyncio.ensure_future(pools.run("lakehouse:mlflow", release.wait, 30)) for _ in range(5)
        ]
        await asyncio.sleep(0.2)
        # The catalog area still answers at once.
        answer = await asyncio.wait_for(pools.run("lakehouse:catalog", lambda: "tables"), 5)
        queued = await asyncio.wait(
            [asyncio.ensure_future(pools.run("lakehouse:mlflow", lambda: "late"))], timeout=0.3
        )
        release.set()
        await asyncio.gather(*stuck)
        return answer, queued

    try:
        answer, (done, pending) = asyncio.run(scenario())
    finally:
        release.set()
        pools.shutdown()
    assert answer == "tables"
    # Within the stuck area, a new call waited for a thread.
    assert not done and len(pending) == 1
    assert pools.areas() == []


def test_calls_keep_the_callers_context_and_arguments():
    pools = BackendPools()

    async def call():
        REQUEST.set("r-1")
        return await pools.run("lakehouse:sql", lambda a, b: (REQUEST.get(), a + b), 2, 3)

    try:
        assert asyncio.run(call()) == ("r-1", 5)
        assert pools.areas() == ["lakehouse:sql"]
    finally:
        pools.shutdown()


def test_a_stopped_server_takes_no_more_work():
    pools = BackendPools()
    pools.shutdown()
    with pytest.raises(RuntimeError, match="stopping"):
        asyncio.run(pools.run("lakehouse:clusters", lambda: None))
