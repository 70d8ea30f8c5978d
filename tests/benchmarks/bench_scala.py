"""`%scala` latency: the first cell of a kernel (JVM and compiler start) and later small cells.

    python tests/benchmarks/bench_scala.py

A real kernel (started the way JupyterLab starts one) on a fresh local[2] cluster, whose Python
session is already connected (as after any earlier Python cell), runs:

1. first: `%scala 1 + 1`, the kernel's first Scala cell: JVM start, the Scala compiler's start,
   compiling the bridge, opening the Spark Connect session and binding `spark`, then the
   statement. Measured from the client (execute request to idle), with the kernel's breakdown.
2. later: the median of REPEATS small cells (`val vN = N + 1`), from the client.
3. spark: the median of REPEATS cells running one small Spark query, in Scala and in Python on
   the same session, and their ratio.

All in one run on the same machine. Not a test: nothing here asserts.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyter_lakehouse.services.clusters import ClusterManager, process  # noqa: E402
from tests.kernel.kernel_client import Kernel  # noqa: E402

REPEATS = 10
QUERY = "SELECT sum(id) AS s FROM range(1000)"
TIMINGS = (
    "import json; r = get_ipython()._jupyter_lakehouse.scala_magics.repl; "
    "print(json.dumps(r.timings))"
)


def _timed(kernel: Kernel, code: str) -> float:
    began = time.perf_counter()
    out = kernel.run(code, timeout=600)
    elapsed = time.perf_counter() - began
    if out.error is not None:
        raise RuntimeError("\n".join(out.error["traceback"]))
    return elapsed


def _median(kernel: Kernel, cells: list[str]) -> float:
    return statistics.median(_timed(kernel, code) for code in cells)


def main() -> None:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-scala-") as home:
        manager = ClusterManager(home, start_timeout=240)
        kernel = None
        try:
            manager.update("local", {"master": "local[2]"})
            manager.ensure_running("local", timeout=240)
            kernel = Kernel(env={**os.environ, "LAKEHOUSE_HOME": home})
            _timed(kernel, "spark.range(1).count()")  # Python's session is up, as usual
            first = _timed(kernel, "%scala\n1 + 1")
            breakdown = json.loads(kernel.run(TIMINGS).text)
            later = _median(kernel, [f"%scala\nval v{i} = {i} + 1" for i in range(REPEATS)])
            _timed(kernel, f'%scala\nspark.sql("{QUERY}").collect()')  # warm-up
            _timed(kernel, f'spark.sql("{QUERY}").collect()')
            scala = _median(kernel, [f'%scala\nspark.sql("{QUERY}").collect()'] * REPEATS)
            python = _median(kernel, [f'spark.sql("{QUERY}").collect()'] * REPEATS)
        finally:
            if kernel is not None:
                kernel.shutdown()
            manager.stop("local")
            process.sweep(str(manager.store.dir("local")))
            manager.close()

    print(f"%scala latency ({platform.machine()}, {os.cpu_count()} cores, Java 17, ", end="")
    print(f"load {load_before:.1f} before the run)")
    print(f"  first %scala cell of a kernel: {first:6.2f} s (client round trip)")
    for step, seconds in breakdown.items():
        print(f"    {step:<20} {seconds:6.2f} s")
    print(f"  later small cell (median of {REPEATS}): {later * 1000:6.0f} ms")
    print(f"  small Spark query, Scala (median of {REPEATS}): {scala * 1000:6.0f} ms")
    print(f"  same query, Python (median of {REPEATS}):      {python * 1000:6.0f} ms")
    print(f"  Scala / Python: {scala / python:.2f}x")


if __name__ == "__main__":
    main()
