"""A fault-injected MLflow service for bench_load.py: one deliberately slow backend call.

`GET mlflow/experiments?q=slow-backend` sleeps in the service (as a tracking server that hangs
would), every other call is the real service. Swapped in with
`--LakehouseApp.mlflow_service_class=tests.benchmarks.slow_backend.SlowMLflowService`.
"""

from __future__ import annotations

import time

from jupyter_lakehouse.services.mlflow import MLflowService

SLOW_QUERY = "slow-backend"
SLOW_SECONDS = 20.0


class SlowMLflowService(MLflowService):
    def experiments(self, q=None, max_results=None, page_token=None) -> dict:
        if q == SLOW_QUERY:
            time.sleep(SLOW_SECONDS)
        return super().experiments(q, max_results, page_token)
