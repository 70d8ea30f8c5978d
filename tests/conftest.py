"""Shared fixtures: a Jupyter server with the lakehouse extension and authentication on."""

import pytest

from tests.fixtures.server_config import lakehouse_server_config

pytest_plugins = [
    "pytest_jupyter.jupyter_server",
    "tests.fixtures.clusters",
    "tests.fixtures.mlflow",
]


@pytest.fixture
def lakehouse_home(tmp_path):
    home = tmp_path / "lakehouse-home"
    home.mkdir()
    return home


@pytest.fixture
def jp_server_config(lakehouse_home):
    # Servers start MLflow on first need (tests/fixtures/mlflow.py), not each at startup.
    return lakehouse_server_config(lakehouse_home, mlflow_autostart=False)


@pytest.fixture(autouse=True)
def _restore_lakehouse_home_env():
    # The server extension exports LAKEHOUSE_HOME for its kernels; keep tests from leaking it.
    import os

    # The same for MLFLOW_TRACKING_URI (the embedded tracking server's address).
    before = {k: os.environ.get(k) for k in ("LAKEHOUSE_HOME", "MLFLOW_TRACKING_URI")}
    yield
    for key, value in before.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
