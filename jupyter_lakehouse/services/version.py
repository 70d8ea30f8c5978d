"""What the workspace runs on: the facts behind `GET lakehouse/api/version`."""

from __future__ import annotations

from importlib import metadata

from .. import __version__
from .java import detect_java


def _installed(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def compatible(server: str, frontend: str | None) -> bool | None:
    """Frontend and server extension agree when their major.minor versions are the same."""
    if not frontend:
        return None
    return server.split(".")[:2] == frontend.split(".")[:2]


def version_info(frontend: str | None = None, delta_engine: dict | None = None) -> dict:
    """delta_engine: what the default cluster recorded at its last start (engine.DeltaEngine)."""
    engine = (
        {"name": delta_engine.get("name"), "reason": delta_engine.get("reason")}
        if delta_engine
        else None
    )
    return {
        "package": __version__,
        "frontend": frontend,
        "compatible": compatible(__version__, frontend),
        "spark": _installed("pyspark"),
        "mlflow": _installed("mlflow"),
        "jupyterlab": _installed("jupyterlab"),
        "delta": {
            "delta_spark": _installed("delta-spark"),
            "deltalake": _installed("deltalake"),
            "engine": engine
            or {"name": None, "reason": "decided when a cluster starts; no cluster has started"},
        },
        "java": detect_java().to_dict(),
    }
