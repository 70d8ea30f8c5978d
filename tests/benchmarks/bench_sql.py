"""`%sql` returning 100 000 rows, against plain pyspark and against jupysql, on one session.

    python tests/benchmarks/bench_sql.py

One cluster (local[2]) in a throwaway workspace home, one real kernel started the way
JupyterLab starts one. Each variant runs the same query on the notebook's one Spark session;
a cell is timed from the client, from execute_request to the kernel going idle, so what the
notebook pays to receive the output is included. Variants alternate, after a warm-up each;
medians are printed with their ratios. Not a test: nothing here asserts.

- `%sql`: the lakehouse magic with the row cap raised to 100 000, so all rows are fetched as
  Arrow and sent to the notebook (the grid's payload plus the HTML/plain fallbacks).
- pyspark: `spark.sql(q).toPandas()`, the result kept in a variable (nothing displayed).
- jupysql: its `%sql` on the same session object (the peer most notebooks use).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyter_lakehouse.services.clusters import ClusterManager  # noqa: E402
from tests.fixtures.clusters import reap_home  # noqa: E402
from tests.kernel.kernel_client import Kernel  # noqa: E402

QUERY = (
    "SELECT id, id * 2 AS twice, cast(id AS string) AS label, id / 7 AS ratio FROM range(100000)"
)
RUNS = 5

VARIANTS = {
    "%sql (lakehouse)": f"%sql {QUERY}",
    "spark.sql(q).toPandas()": f"_pdf = spark.sql('''{QUERY}''').toPandas()",
    "jupysql %sql": f"%sql {QUERY}",
}


def timed(kernel: Kernel, code: str) -> float:
    started = time.perf_counter()
    out = kernel.run(code, timeout=300)
    elapsed = time.perf_counter() - started
    if out.error:
        raise RuntimeError(f"{code[:60]}…: {out.error['ename']}: {out.error['evalue']}")
    return elapsed


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="bench-sql-"))
    manager = ClusterManager(home)
    kernels: list[Kernel] = []
    try:
        manager.update("local", {"master": "local[2]"})
        manager.ensure_running("local", timeout=300)
        env = {**os.environ, "LAKEHOUSE_HOME": str(home)}
        ours = Kernel(env=env)
        peer = Kernel(env=env)
        kernels += [ours, peer]
        ours.run("%config LakehouseMagics.row_limit = 100000")
        # jupysql takes over %sql in its own kernel, on a session of its own on the same
        # cluster; same server, same data, same query.
        peer.run("%load_ext sql\n_s = spark._session.get()\n%sql _s")
        peer.run("%config SqlMagic.displaylimit = 10")
        where = {
            "%sql (lakehouse)": ours,
            "spark.sql(q).toPandas()": ours,
            "jupysql %sql": peer,
        }
        for name, code in VARIANTS.items():
            timed(where[name], code)  # warm-up: first query, imports, JIT
        times: dict[str, list[float]] = {name: [] for name in VARIANTS}
        for _ in range(RUNS):
            for name, code in VARIANTS.items():
                times[name].append(timed(where[name], code))
        median = {name: statistics.median(ts) for name, ts in times.items()}
        base = median["spark.sql(q).toPandas()"]
        machine = f"{platform.machine()}, {os.cpu_count()} cores"
        print(f"machine: {machine}, Python {platform.python_version()}")
        print(f"query: {QUERY}  ({RUNS} runs each, medians)")
        for name, value in median.items():
            runs = ", ".join(f"{t:.3f}" for t in times[name])
            print(f"  {name:26s} {value:7.3f} s  ({value / base:4.2f}x pyspark)   [{runs}]")
        ours_t, peer_t = median["%sql (lakehouse)"], median["jupysql %sql"]
        print(f"%sql overhead over toPandas: {100 * (ours_t / base - 1):+.0f}% (target < 20%)")
        print(f"jupysql / lakehouse %sql: {peer_t / ours_t:.2f}x")
    finally:
        for kernel in kernels:
            kernel.shutdown()
        reap_home(manager)
        manager.close()


if __name__ == "__main__":
    main()
