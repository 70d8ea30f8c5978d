"""MLflow entities as the JSON shapes of DESIGN.md's MLflow contract."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

SOURCE_NAME = "mlflow.source.name"
SOURCE_TYPE = "mlflow.source.type"
USER = "mlflow.user"
RUN_NAME = "mlflow.runName"
# Where MLflow 3 keeps a logged model's files (`.../models/m-<id>/artifacts`), or its URI.
_MODEL_SOURCE = re.compile(r"(?:^models:/|/models/)(m-[0-9a-f]+)(?:/artifacts)?/?$")


def source_notebook(tags: dict[str, str], root_dir: Path | None) -> str | None:
    """The notebook that made a run: relative to the Jupyter root when inside it (so the
    frontend can open it), else the absolute path the kernel recorded."""
    if tags.get(SOURCE_TYPE) != "NOTEBOOK":
        return None
    name = tags.get(SOURCE_NAME)
    if not name:
        return None
    if root_dir is not None and os.path.isabs(name):
        try:
            return Path(name).resolve().relative_to(root_dir).as_posix()
        except ValueError:
            return name
    return name


def experiment(e: Any) -> dict:
    return {
        "id": e.experiment_id,
        "name": e.name,
        "artifact_location": e.artifact_location,
        "lifecycle_stage": e.lifecycle_stage,
        "creation_time": e.creation_time,
        "last_update_time": e.last_update_time,
        "tags": dict(e.tags or {}),
    }


def run_summary(run: Any, root_dir: Path | None) -> dict:
    info, data = run.info, run.data
    tags = dict(data.tags or {})
    start, end = info.start_time, info.end_time
    return {
        "run_id": info.run_id,
        "run_name": info.run_name or tags.get(RUN_NAME),
        "experiment_id": info.experiment_id,
        "status": info.status,
        "lifecycle_stage": info.lifecycle_stage,
        "start_time": start,
        "end_time": end,
        "duration_ms": (end - start) if start is not None and end is not None else None,
        "user": info.user_id or tags.get(USER),
        "source_notebook": source_notebook(tags, root_dir),
        "params": dict(data.params or {}),
        "metrics": dict(data.metrics or {}),
        "tags": tags,
    }


def run_inputs(run: Any) -> list[dict]:
    inputs = getattr(run, "inputs", None)
    out = []
    for item in getattr(inputs, "dataset_inputs", None) or []:
        ds = item.dataset
        out.append(
            {
                "name": ds.name,
                "digest": ds.digest,
                "source_type": ds.source_type,
                "source": ds.source,
                "schema": ds.schema,
                "profile": ds.profile,
                "tags": {t.key: t.value for t in item.tags or []},
            }
        )
    return out


def model_version(v: Any, notebook: str | None = None, aliases: list[str] | None = None) -> dict:
    return {
        "name": v.name,
        "version": str(v.version),
        "status": v.status,
        "status_message": v.status_message,
        "run_id": v.run_id or None,
        "model_id": version_model_id(v),
        "source": v.source,
        "source_notebook": notebook,
        "aliases": list(aliases if aliases is not None else (v.aliases or [])),
        "tags": dict(v.tags or {}),
        "description": v.description or "",
        "user_id": v.user_id or None,
        "creation_timestamp": v.creation_timestamp,
        "last_updated_timestamp": v.last_updated_timestamp,
    }


def version_model_id(v: Any) -> str | None:
    """The logged model behind a version: MLflow's REST answers often omit model_id, but the
    source a version was created from names it."""
    if getattr(v, "model_id", None):
        return v.model_id
    match = _MODEL_SOURCE.search(v.source or "")
    return match.group(1) if match else None


def registered_model(m: Any) -> dict:
    versions = [int(v.version) for v in m.latest_versions or []]
    return {
        "name": m.name,
        "description": m.description or "",
        "tags": dict(m.tags or {}),
        "aliases": _aliases(m.aliases),
        "latest_version": str(max(versions)) if versions else None,
        "creation_timestamp": m.creation_timestamp,
        "last_updated_timestamp": m.last_updated_timestamp,
    }


def _aliases(aliases: Any) -> dict[str, str]:
    """MLflow returns aliases as a dict (client) or a list of entities (protos): one shape."""
    if isinstance(aliases, dict):
        return {k: str(v) for k, v in aliases.items()}
    return {a.alias: str(a.version) for a in aliases or []}
