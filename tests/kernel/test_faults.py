"""One repetition of each fault of issue 11 (tests/kernel/fault_scenarios.py); the repeated,
counted runs are tests/benchmarks/faults.py. All on the session's one `local` cluster.

The cluster killed mid-query is tests/kernel/test_kernel_spark.py's
test_killed_cluster_gives_the_cell_a_clear_error (the same checks as
fault_scenarios.kill_mid_query): not run twice in the suite, where each JVM restart costs time.
"""

from __future__ import annotations

import os

import pytest

from . import fault_scenarios as faults
from .kernel_client import Kernel

pytestmark = pytest.mark.timeout(600)


@pytest.fixture
def kernel(cluster_home, cluster_manager):
    cluster_manager.ensure_running("local", timeout=180)
    kernel = Kernel(env={**os.environ, "LAKEHOUSE_HOME": str(cluster_home)})
    yield kernel
    kernel.shutdown()


def test_kill_cluster_mid_delta_write(kernel, cluster_manager, tmp_path):
    print(faults.kill_mid_commit(kernel, cluster_manager, tmp_path))


def test_restart_kernel_mid_sql(kernel, cluster_manager):
    print(faults.restart_kernel_mid_sql(kernel, cluster_manager))


def test_huge_query_fills_the_result_cap(kernel, cluster_manager):
    print(faults.fill_result_cap(kernel, cluster_manager))


def test_kill_jupyter_server_while_everything_runs(tmp_path, cluster_home, cluster_manager):
    print(faults.kill_jupyter_server(tmp_path, cluster_home, cluster_manager))
