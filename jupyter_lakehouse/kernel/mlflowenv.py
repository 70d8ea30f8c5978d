"""The kernel's MLflow tracking URI, so `mlflow.start_run()` lands where the panels look.

Kernels started by JupyterLab inherit MLFLOW_TRACKING_URI from the server extension; others (a
kernel started by hand on the same workspace) find the embedded tracking server in the home's
state file (services/mlflow/tracking.py writes it). No MLflow import: loading stays fast.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

STATE_FILE = Path("mlflow") / "server.json"


def export_tracking_uri(home: Path) -> str | None:
    """Set MLFLOW_TRACKING_URI from the home's embedded server when the kernel lacks one."""
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    try:
        state = json.loads((Path(home) / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    port = state.get("port") if isinstance(state, dict) else None
    if not isinstance(port, int):
        return None
    uri = f"http://127.0.0.1:{port}"
    os.environ["MLFLOW_TRACKING_URI"] = uri
    return uri
