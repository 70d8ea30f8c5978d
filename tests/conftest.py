"""Shared fixtures: a Jupyter server with the lakehouse extension and authentication on."""

import pytest

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
    return {
        "ServerApp": {
            "jpserver_extensions": {"jupyter_lakehouse": True},
            # The product never runs open: every test talks to a server that demands a token.
            "allow_unauthenticated_access": False,
        },
        # Servers start MLflow on first need (tests/fixtures/mlflow.py), not each at startup.
        "LakehouseApp": {"home": str(lakehouse_home), "mlflow_autostart": False},
    }


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
