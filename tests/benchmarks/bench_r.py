"""`%r` round trip of 100 000 rows against plain PySpark, on one session in one run.

    python tests/benchmarks/bench_r.py

A real kernel (started the way JupyterLab starts one) on a fresh local[2] cluster runs, on the
notebook's one Spark session:

1. Python: `spark.sql(q).toPandas()`, and back: `spark.createDataFrame(pdf)` as a temp view.
2. R: `df <- sql(q, max_rows = Inf)` in a `%r` cell, and back: `createOrReplaceTempView(df, …)`.
3. Where the R time goes: Spark to Arrow, Arrow to pandas, pandas to R, and R to pandas, and
   what rpy2's pandas2ri alone would take for the pandas-to-R step.

Timings are taken inside the kernel (no messaging), the median of REPEATS runs after a warm-up;
the ratios R / Python are printed. Not a test: nothing here asserts.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from jupyter_lakehouse.services.clusters import ClusterManager, process  # noqa: E402
from tests.kernel.kernel_client import Kernel  # noqa: E402

ROWS = 100_000
REPEATS = 5
QUERY = (
    "SELECT id, CAST(id AS INT) AS i, id * 0.5 AS d, CONCAT('row-', id) AS s, "
    "id % 2 = 0 AS b, DATE_ADD(DATE'2024-01-01', CAST(id % 1000 AS INT)) AS day, "
    "TIMESTAMP'2024-01-01 00:00:00' + make_interval(0, 0, 0, 0, 0, 0, id) AS ts "
    f"FROM range({ROWS})"
)

_SETUP = f"""
import json, statistics, time
Q = {QUERY!r}
ip = get_ipython()

def timed(f):
    f()  # warm-up: plans cached, connections open
    runs = []
    for _ in range({REPEATS}):
        began = time.perf_counter()
        f()
        runs.append(time.perf_counter() - began)
    return runs

ip.run_cell_magic("r", "", f'Q <- "{{Q}}"')
"""

_MEASURE = """
from rpy2.robjects import conversion, default_converter, pandas2ri
from jupyter_lakehouse.kernel.r import convert

r = lambda code: (lambda: ip.run_cell_magic("r", "", code))
res = {}
res["py_fetch"] = timed(lambda: spark.sql(Q).toPandas())
pdf = spark.sql(Q).toPandas()
res["py_back"] = timed(lambda: spark.createDataFrame(pdf).createOrReplaceTempView("bench_py"))
res["r_fetch"] = timed(r("df <- sql(Q, max_rows = Inf)"))
res["r_back"] = timed(r('createOrReplaceTempView(df, "bench_r")'))
res["r_round_trip"] = timed(r('createOrReplaceTempView(sql(Q, max_rows = Inf), "bench_r")'))
res["py_round_trip"] = timed(
    lambda: spark.createDataFrame(spark.sql(Q).toPandas()).createOrReplaceTempView("bench_py")
)
# Where the R time goes.
arrow = spark.sql(Q).toArrow()
frame = convert.arrow_to_pandas(arrow)
rules = convert.converter()
rdf = convert.pandas_to_r(frame, rules)
res["step_spark_to_arrow"] = timed(lambda: spark.sql(Q).toArrow())
res["step_arrow_to_pandas"] = timed(lambda: convert.arrow_to_pandas(arrow))
res["step_pandas_to_r"] = timed(lambda: convert.pandas_to_r(frame, rules))
res["step_r_to_pandas"] = timed(lambda: convert.r_to_pandas(rdf))
began = time.perf_counter()
with conversion.localconverter(default_converter + pandas2ri.converter):
    conversion.get_conversion().py2rpy(pdf)
res["pandas2ri_alone_once"] = [time.perf_counter() - began]
check = spark.sql("SELECT count(*) FROM bench_r").collect()[0][0]
print("<<" + json.dumps({"res": res, "rows_back": check}) + ">>")
"""


def _run(kernel: Kernel, code: str, timeout: float = 900) -> str:
    out = kernel.run(code, timeout=timeout)
    if out.error is not None:
        raise RuntimeError("\n".join(out.error["traceback"]))
    return out.text


def main() -> None:
    import statistics

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-r-") as home:
        manager = ClusterManager(home, start_timeout=240)
        kernel = None
        try:
            manager.update("local", {"master": "local[2]"})
            manager.ensure_running("local", timeout=240)
            kernel = Kernel(env={**os.environ, "LAKEHOUSE_HOME": home})
            _run(kernel, _SETUP)
            text = _run(kernel, _MEASURE)
        finally:
            if kernel is not None:
                kernel.shutdown()
            manager.stop("local")
            process.sweep(str(manager.store.dir("local")))
            manager.close()

    data = json.loads(text.split("<<", 1)[1].rsplit(">>", 1)[0])
    res = {k: statistics.median(v) for k, v in data["res"].items()}
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load average {load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after"
    )
    print(f"{ROWS} rows x 7 columns (bigint, int, double, string, boolean, date, timestamp)")
    print(f"median of {REPEATS} runs after a warm-up, timed inside the kernel")
    rows = [
        ("Spark -> Python  spark.sql(q).toPandas()", "py_fetch"),
        ("Spark -> R       %r sql(q, max_rows = Inf)", "r_fetch"),
        ("Python -> Spark  createDataFrame(pdf) + temp view", "py_back"),
        ("R -> Spark       %r createOrReplaceTempView(df, ...)", "r_back"),
        ("round trip, Python", "py_round_trip"),
        ("round trip, %r", "r_round_trip"),
    ]
    for label, key in rows:
        print(f"  {label:<56} {res[key]:7.3f} s")
    for label, r_key, py_key in (
        ("Spark -> client", "r_fetch", "py_fetch"),
        ("client -> Spark", "r_back", "py_back"),
        ("round trip", "r_round_trip", "py_round_trip"),
    ):
        print(f"  ratio R / Python, {label + ':':<17} {res[r_key] / res[py_key]:5.2f}x")
    print("where the R time goes:")
    for key in ("spark_to_arrow", "arrow_to_pandas", "pandas_to_r", "r_to_pandas"):
        print(f"  {key.replace('_', ' '):<56} {res['step_' + key]:7.3f} s")
    print(
        f"  {'pandas to R with rpy2 pandas2ri alone (one run)':<56} "
        f"{res['pandas2ri_alone_once']:7.3f} s"
    )
    print(f"rows in the view made from R: {data['rows_back']}")


if __name__ == "__main__":
    main()
