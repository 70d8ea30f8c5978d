"""dbutils, `%run`, `%sh`, `%pip` and the Databricks-only messages in one real kernel on the test
session's real cluster."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys

import nbformat
import psutil
import pytest

from jupyter_lakehouse.resulttable import TABLE_MIME, decode_arrow

from .kernel_client import Kernel

ANSI = re.compile(r"\x1b\[[0-9;]*m")
SECRET = "hunter2-is-not-a-password"

pytestmark = pytest.mark.timeout(600)


def error_text(out) -> str:
    error = out.error
    return ANSI.sub("", "\n".join(error["traceback"])) if error else ""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dbutils-kernel")
    nbformat.write(
        nbformat.v4.new_notebook(
            cells=[
                nbformat.v4.new_code_cell("helper_answer = 42"),
                nbformat.v4.new_code_cell(
                    "%sql\nCREATE OR REPLACE TEMP VIEW helper_v AS SELECT 7 AS seven"
                ),
            ]
        ),
        folder / "helper.ipynb",
    )
    (folder / "script.py").write_text("script_value = 'from a script'\n")
    (folder / "sleeper.py").write_text(
        "# Databricks notebook source\nimport time\ntime.sleep(600)\n"
    )
    (folder / "broken.py").write_text(
        "# Databricks notebook source\nx = 1\n\n# COMMAND ----------\n\n1 / 0\n"
    )
    return folder


@pytest.fixture(scope="module")
def kernel(cluster_home, cluster_manager):
    cluster_manager.ensure_running("local", timeout=150)
    subprocess.run(
        [sys.executable, "-m", "jupyter_lakehouse.secrets", "put", "app", "password"],
        input=SECRET,
        text=True,
        check=True,
        env={**os.environ, "LAKEHOUSE_HOME": str(cluster_home)},
    )
    kernel = Kernel(env={**os.environ, "LAKEHOUSE_HOME": str(cluster_home)})
    yield kernel
    with contextlib.suppress(Exception):
        kernel.shutdown()


def test_run_notebook_shares_namespace_and_session_but_scripts_stay_ipythons(kernel, folder):
    out = kernel.run(f"%run {folder}/helper")
    assert out.error is None, error_text(out)
    out = kernel.run(
        "%sql\nSELECT seven + helper_answer AS n FROM helper_v".replace(
            "helper_answer", ":helper_answer"
        )
    )
    assert out.error is None, error_text(out)
    assert decode_arrow(out.data(TABLE_MIME)[-1]).to_pylist() == [{"n": 49}]
    out = kernel.run(f"%run {folder}/script.py\nprint(script_value)")
    assert out.error is None, error_text(out)
    assert out.text == "from a script\n"


def test_secrets_are_redacted_in_every_output(kernel):
    out = kernel.run(
        "import sys\n"
        "pw = dbutils.secrets.get('app', 'password')\n"
        "print('stdout', pw)\n"
        "print('stderr', pw, file=sys.stderr)\n"
        "display({'text/plain': 'shown ' + pw}, raw=True)\n"
        "pw"
    )
    assert out.error is None, error_text(out)
    everything = repr(out.outputs)
    assert SECRET not in everything
    assert "stdout [REDACTED]" in out.text and "stderr [REDACTED]" in out.text
    assert out.data("text/plain") == ["shown [REDACTED]", "'[REDACTED]'"]
    out = kernel.run("raise ValueError('bad password ' + pw)")
    assert out.error["evalue"] == "bad password [REDACTED]"
    assert SECRET not in repr(out.outputs)


def test_sh_streams_and_fails_on_a_non_zero_exit(kernel):
    out = kernel.run("%sh\necho one\necho two >&2\nexit 4")
    assert out.text == "one\ntwo\n"
    assert "%sh: the command exited with status 4" in error_text(out)


def test_pip_is_ipythons_and_uses_the_kernels_environment(kernel):
    out = kernel.run("%pip --version")
    assert out.error is None, error_text(out)
    assert sys.prefix in out.text  # pip of this environment, not some other one


def test_databricks_only_features_say_what_to_use_instead(kernel):
    no_sc = "Spark Connect has no SparkContext"
    cases = {
        "spark.read.format('cloudFiles').load('/tmp/in').count()": "Auto Loader (format 'cloud",
        "spark.read.csv('/mnt/raw/orders.csv').count()": "/mnt/… paths are Databricks mounts",
        "dbutils.fs.mount('s3a://b', '/mnt/b')": "dbutils.fs.mount (Databricks mounts) exists only",
        "dbutils.library.restartPython()": "install packages with %pip install",
        "spark.sparkContext": no_sc,
        "sc.setJobDescription('x')": no_sc,
        "spark.conf.get('spark.databricks.delta.preview.enabled')": "spark.databricks.* settings",
        "display(spark.range(1), streamName='s')": "display(df, streamName=…)",
    }
    for code, expected in cases.items():
        out = kernel.run(code)
        assert expected in error_text(out), (code, error_text(out))


def test_notebook_run_reports_failures_and_times_out(kernel, folder):
    out = kernel.run(f"dbutils.notebook.run('{folder}/broken', 300)")
    assert "broken failed in cell 2: ZeroDivisionError: division by zero" in error_text(out)
    out = kernel.run(f"dbutils.notebook.run('{folder}/sleeper', 5)")
    assert "did not finish within timeout_seconds=5; it was stopped" in error_text(out)
    # The runner and the kernel it started are gone.
    pid = int(kernel.run("import os; print(os.getpid())").text)
    assert psutil.Process(pid).children(recursive=True) == []


def test_widget_bar_gets_the_model_ids_and_cells_draw_no_widget(kernel):
    # What the notebook frontend sends when it shows the bar (src/models/notebookCluster.ts).
    kernel.comm_send(
        "jupyter_lakehouse",
        {"action": "attach", "cluster": None, "path": "bar.ipynb", "widget_bar": True},
    )
    msg_id = kernel.client.execute("dbutils.widgets.text('bar_w', 'x')")
    messages = []
    while not messages or messages[-1]["content"].get("execution_state") != "idle":
        msg = kernel.client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") == msg_id:
            messages.append(msg)
    lists = [
        m["content"]["data"]["widgets"]
        for m in messages
        if m["msg_type"] == "comm_msg" and m["content"]["data"].get("action") == "widgets"
    ]
    assert [w["name"] for w in lists[-1]] == ["bar_w"]
    model_id = lists[-1][0]["model_id"]
    # The model the bar draws is the ipywidgets model the kernel opened.
    opened = [m["content"]["comm_id"] for m in messages if m["msg_type"] == "comm_open"]
    assert model_id in opened
    assert not [m for m in messages if m["msg_type"] == "display_data"]
