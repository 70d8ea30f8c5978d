"""Which notebook made an MLflow run.

`NotebookRunContext` is an MLflow run context provider, registered through the
`mlflow.run_context_provider` entry point (pyproject.toml): MLflow asks every registered
provider for tags when a run starts, and entry-point providers come after its own defaults, so
ours replaces the default source (`ipykernel_launcher.py`, LOCAL) with the notebook. Jupyter
server gives each kernel it starts for a notebook `JPY_SESSION_NAME`, the notebook's path.

MLflow imports this module itself (entry points), so the kernel extension never has to import
MLflow to load.
"""

from __future__ import annotations

import os
import sys

from mlflow.tracking.context.abstract_context import RunContextProvider

SESSION_ENV = "JPY_SESSION_NAME"


def _in_kernel() -> bool:
    # Only inside a kernel: a script that happens to inherit JPY_SESSION_NAME is not a notebook.
    return "ipykernel" in sys.modules


class NotebookRunContext(RunContextProvider):
    def in_context(self) -> bool:
        return bool(os.environ.get(SESSION_ENV)) and _in_kernel()

    def tags(self) -> dict[str, str]:
        return {
            "mlflow.source.name": os.environ[SESSION_ENV],
            "mlflow.source.type": "NOTEBOOK",
        }
