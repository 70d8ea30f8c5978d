"""How long until the first `select 1` result: cold cluster, warm cluster, in-process Spark.

    python tests/benchmarks/bench_cluster_start.py

1. cold: ClusterManager.ensure_running on a fresh workspace home (a new Spark Connect server,
   local[2], Hive metastore), connect, first result; measured in this process.
2. warm attach: a fresh Python process attaches to that running server and gets its first
   result (interpreter start, pyspark import, connect, query): what a new kernel pays.
3. in-process: a fresh Python process runs classic PySpark,
   SparkSession.builder.master("local[2]").getOrCreate(), to its first result: what a kernel
   pays without a shared cluster.

All three run on the same machine in the same run; the ratio in-process / warm attach is
printed (target: at least 5x). Not a test: nothing here asserts.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyter_lakehouse.services.clusters import ClusterManager, process  # noqa: E402

WARM_RUNS = 3

_WARM = """
import json, sys, time
from pyspark.sql import SparkSession
spark = SparkSession.builder.remote(sys.argv[1]).create()
assert spark.sql("select 1").collect()[0][0] == 1
print(json.dumps({"done": time.time()}))
spark.stop()
"""

_CLASSIC = """
import json, time
from pyspark.sql import SparkSession
spark = SparkSession.builder.master("local[2]").appName("bench-classic").getOrCreate()
assert spark.sql("select 1").collect()[0][0] == 1
print(json.dumps({"done": time.time()}))
spark.stop()
"""


def _clean_env() -> dict:
    env = dict(os.environ)
    for key in ("SPARK_REMOTE", "SPARK_CONNECT_MODE_ENABLED", "PYSPARK_SUBMIT_ARGS"):
        env.pop(key, None)
    return env


def _time_subprocess(code: str, *args: str) -> float:
    """Seconds from launching a fresh interpreter to the moment it printed its first result."""
    began = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=_clean_env(),
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    done = json.loads(out.stdout.strip().splitlines()[-1])["done"]
    return done - began


def main() -> None:
    from pyspark.sql import SparkSession  # imported before timing: a kernel has it loaded

    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as home:
        manager = ClusterManager(home, start_timeout=240)
        try:
            manager.update("local", {"master": "local[2]"})

            began = time.time()
            info = manager.ensure_running("local", timeout=240)
            server = time.time() - began
            spark = SparkSession.builder.remote(info.connect_url).create()
            assert spark.sql("select 1").collect()[0][0] == 1
            cold = time.time() - began
            spark.stop()

            began = time.time()
            spark = SparkSession.builder.remote(info.connect_url).create()
            assert spark.sql("select 1").collect()[0][0] == 1
            warm_in_process = time.time() - began
            spark.stop()

            warm = [_time_subprocess(_WARM, info.connect_url) for _ in range(WARM_RUNS)]
        finally:
            manager.stop("local")
            process.sweep(str(manager.store.dir("local")))
            manager.close()

    classic = _time_subprocess(_CLASSIC)
    warm_median = statistics.median(warm)

    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"cold start to first result (ensure_running + connect + select 1): {cold:6.2f} s")
    print(f"  of which ensure_running, until the server answered:           {server:6.2f} s")
    print(
        f"warm attach, fresh process to first result (median of {WARM_RUNS}):    "
        f"{warm_median:6.2f} s  [{', '.join(f'{w:.2f}' for w in warm)}]"
    )
    print(
        f"warm attach, new session in an already running process:          {warm_in_process:6.2f} s"
    )
    print(f"in-process classic PySpark, fresh process to first result:       {classic:6.2f} s")
    print(
        f"ratio in-process / warm attach (fresh processes):                "
        f"{classic / warm_median:6.1f}x  (target >= 5x)"
    )


if __name__ == "__main__":
    main()
