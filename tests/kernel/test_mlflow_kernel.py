"""MLflow in a real kernel: it finds the workspace's tracking server, and runs it makes
(`mlflow.start_run()`, `mlflow.autolog()`) record the notebook that made them."""

from __future__ import annotations

import os

import pytest
from mlflow import MlflowClient

from .kernel_client import Kernel

pytestmark = pytest.mark.timeout(300)

NOTEBOOK = "/work/notebooks/churn model.ipynb"


@pytest.fixture(scope="module")
def kernel(mlflow_service, mlflow_home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    # As JupyterLab starts a notebook's kernel: JPY_SESSION_NAME is the notebook's path. No
    # MLFLOW_TRACKING_URI: the kernel extension must find the server from the home.
    env.update(LAKEHOUSE_HOME=str(mlflow_home), JPY_SESSION_NAME=NOTEBOOK)
    kernel = Kernel(env=env)
    yield kernel
    kernel.shutdown()


def test_kernel_finds_the_tracking_server(kernel, mlflow_service):
    out = kernel.run("import mlflow\nprint(mlflow.get_tracking_uri())")
    assert out.error is None, out.error
    assert out.text.strip() == mlflow_service.tracking_uri


def test_start_run_records_the_notebook(kernel, mlflow_service):
    out = kernel.run(
        "mlflow.set_experiment('lh-kernel')\n"
        "with mlflow.start_run() as run:\n"
        "    mlflow.log_param('p', 1)\n"
        "print(run.info.run_id)"
    )
    assert out.error is None, out.error
    run = MlflowClient(mlflow_service.tracking_uri).get_run(out.text.strip().splitlines()[-1])
    assert run.data.tags["mlflow.source.name"] == NOTEBOOK
    assert run.data.tags["mlflow.source.type"] == "NOTEBOOK"
    summary = mlflow_service.run(run.info.run_id)
    assert summary["source_notebook"] == NOTEBOOK  # outside the Jupyter root: absolute


def test_autolog_records_the_notebook(kernel, mlflow_service):
    out = kernel.run(
        "from sklearn.datasets import load_diabetes\n"
        "from sklearn.linear_model import Ridge\n"
        "mlflow.sklearn.autolog()\n"
        "x, y = load_diabetes(return_X_y=True)\n"
        "Ridge(alpha=0.3).fit(x[:50], y[:50])\n"
        "print(mlflow.last_active_run().info.run_id)",
        timeout=240,
    )
    assert out.error is None, out.error
    run_id = out.text.strip().splitlines()[-1]
    run = mlflow_service.run(run_id)
    assert run["params"]["alpha"] == "0.3"
    assert run["tags"]["mlflow.source.type"] == "NOTEBOOK"
    assert run["source_notebook"] == NOTEBOOK
    assert run["models"] and "sklearn" in run["models"][0]["flavors"]


def test_a_script_is_not_a_notebook(mlflow_service, tmp_path):
    # The provider is for kernels only: a script that inherits JPY_SESSION_NAME stays a script.
    import subprocess
    import sys

    code = "import mlflow\nwith mlflow.start_run() as run: pass\nprint(run.info.run_id)"
    # mlflow.set_experiment in this test process exports MLFLOW_EXPERIMENT_ID; a child must not
    # log into the shared fixture experiment that other tests count runs of.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    env.update(
        JPY_SESSION_NAME=NOTEBOOK,
        MLFLOW_TRACKING_URI=mlflow_service.tracking_uri,
        MLFLOW_EXPERIMENT_NAME="lh-script",
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    run = MlflowClient(mlflow_service.tracking_uri).get_run(done.stdout.strip().splitlines()[-1])
    assert run.data.tags["mlflow.source.type"] == "LOCAL"


def test_a_renamed_notebook_is_recorded_under_its_new_path(kernel, mlflow_service):
    # The frontend re-sends `attach` with the notebook's new path after a rename; the kernel's
    # environment still holds the path it was started with.
    renamed = "/work/notebooks/churn model v2.ipynb"
    kernel.comm_send("jupyter_lakehouse", {"action": "attach", "cluster": None, "path": renamed})
    out = kernel.run("with mlflow.start_run() as run:\n    pass\nprint(run.info.run_id)")
    assert out.error is None, out.error
    run = MlflowClient(mlflow_service.tracking_uri).get_run(out.text.strip().splitlines()[-1])
    assert run.data.tags["mlflow.source.name"] == renamed
