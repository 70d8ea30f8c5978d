"""Shared fixtures: a Jupyter server with the lakehouse extension and authentication on."""

import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server", "tests.fixtures.clusters"]


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
        "LakehouseApp": {"home": str(lakehouse_home)},
    }


@pytest.fixture(autouse=True)
def _restore_lakehouse_home_env():
    # The server extension exports LAKEHOUSE_HOME for its kernels; keep tests from leaking it.
    import os

    before = os.environ.get("LAKEHOUSE_HOME")
    yield
    if before is None:
        os.environ.pop("LAKEHOUSE_HOME", None)
    else:
        os.environ["LAKEHOUSE_HOME"] = before
