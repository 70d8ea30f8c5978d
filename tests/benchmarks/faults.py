"""The faults of issue 11, each injected N times, counted, and printed as a table.

    python tests/benchmarks/faults.py [--repeat 5] [--only kill_mid_query,...]

The scenarios are tests/kernel/fault_scenarios.py (the suite runs each once, in
tests/kernel/test_faults.py). One throwaway workspace home, one `local` cluster (local[2])
started once and restarted by the scenarios that kill it, one kernel per scenario. A repetition
"survives" when every check of its scenario held; the table says how many did, and the note of
the last one. Stops everything it started.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.fixtures.clusters import SESSION_CONF, managed_home  # noqa: E402
from tests.kernel import fault_scenarios as faults  # noqa: E402
from tests.kernel.kernel_client import Kernel  # noqa: E402

SCENARIOS = {
    "kill_mid_query": lambda k, m, d, h: faults.kill_mid_query(k, m),
    "kill_mid_commit": lambda k, m, d, h: faults.kill_mid_commit(k, m, d),
    "restart_kernel_mid_sql": lambda k, m, d, h: faults.restart_kernel_mid_sql(k, m),
    "fill_result_cap": lambda k, m, d, h: faults.fill_result_cap(k, m),
    "kill_jupyter_server": lambda k, m, d, h: faults.kill_jupyter_server(d, h, m),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default=",".join(SCENARIOS))
    args = parser.parse_args()
    print(f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    folder = Path(tempfile.mkdtemp(prefix="lakehouse-faults-"))
    home = folder / "home"
    os.environ["LAKEHOUSE_HOME"] = str(home)
    rows = []
    with managed_home(home, start_timeout=180, stop_grace=10) as manager:
        manager.update("local", {"master": "local[2]", "spark_conf": SESSION_CONF})
        manager.ensure_running("local", timeout=180)
        for name in args.only.split(","):
            survived, notes, seconds = 0, [], []
            for i in range(args.repeat):
                kernel = None if name == "kill_jupyter_server" else Kernel(env=dict(os.environ))
                began = time.monotonic()
                try:
                    note = SCENARIOS[name](kernel, manager, folder / f"{name}-{i}", home)
                    survived += 1
                    notes.append(note)
                except Exception:  # a failed repetition is a figure, not a crash
                    notes.append(traceback.format_exc(limit=3).strip().splitlines()[-1])
                finally:
                    seconds.append(time.monotonic() - began)
                    if kernel is not None:
                        kernel.shutdown()
                print(f"{name} #{i + 1}: {notes[-1]}", flush=True)
            rows.append((name, survived, args.repeat, sum(seconds) / len(seconds), notes[-1]))
    print(f"\n{'fault':24} {'survived':>9} {'avg s':>7}  last note")
    for name, ok, n, avg, note in rows:
        print(f"{name:24} {ok:>4}/{n:<4} {avg:7.1f}  {note}")
    total = sum(r[2] for r in rows)
    print(f"\n{sum(r[1] for r in rows)}/{total} injected faults survived")


if __name__ == "__main__":
    main()
