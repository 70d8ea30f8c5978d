"""What a runner (runner.py) tells the kernel it starts, through the environment: the cluster to
attach to and the widget arguments. Read once when the extension loads, then removed, so that
kernels this kernel starts do not inherit them by accident."""

from __future__ import annotations

import json
import os

ARGUMENTS_ENV = "LAKEHOUSE_NOTEBOOK_ARGUMENTS"
CLUSTER_ENV = "LAKEHOUSE_NOTEBOOK_CLUSTER"


def take_run_settings() -> tuple[str | None, dict[str, str]]:
    """(cluster, arguments) set by a runner, or (None, {}) for an ordinary kernel."""
    cluster = os.environ.pop(CLUSTER_ENV, "") or None
    try:
        arguments = json.loads(os.environ.pop(ARGUMENTS_ENV, "") or "{}")
    except ValueError:
        arguments = {}
    return cluster, {str(k): str(v) for k, v in arguments.items()}
