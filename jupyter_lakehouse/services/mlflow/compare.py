"""Comparing runs: which params differ (only those), and which metrics any of them has."""

from __future__ import annotations

MIN_RUNS = 2
MAX_RUNS = 50


def param_diff(runs: list[dict]) -> dict[str, dict[str, str | None]]:
    """{key: {run_id: value or None}} for every param whose value is not the same in all runs
    (a param one run lacks counts as different)."""
    keys = sorted({k for run in runs for k in run["params"]})
    diff = {}
    for key in keys:
        values = {run["run_id"]: run["params"].get(key) for run in runs}
        if len(set(values.values())) > 1:
            diff[key] = values
    return diff


def metric_keys(runs: list[dict]) -> list[str]:
    return sorted({k for run in runs for k in run["metrics"]})
