"""Databricks notebooks (source formats, tests/notebooks/databricks/) imported with the converter,
run end to end by nbclient in real kernels on the test session's real cluster, then exported
and compared with the originals. One kernel per notebook (plus the one `notebook.run` starts)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from jupyter_lakehouse.databricks.dbc import read_dbc, write_dbc
from jupyter_lakehouse.databricks.source import read_source, write_source
from jupyter_lakehouse.kernel.progress import PROGRESS_MIME
from jupyter_lakehouse.resulttable import TABLE_MIME, decode_arrow

NOTEBOOKS = Path(__file__).parent.parent / "notebooks" / "databricks"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
SECRET = "s3cr3t-t0ken-value"

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, cluster_home, cluster_manager):
    """The notebooks copied into a folder of their own, the cluster running, a secret stored."""
    cluster_manager.ensure_running("local", timeout=150)
    folder = tmp_path_factory.mktemp("databricks-notebooks")
    for path in NOTEBOOKS.iterdir():
        shutil.copy(path, folder / path.name)
    # The documented way to add a secret: the CLI, value on stdin.
    subprocess.run(
        [sys.executable, "-m", "jupyter_lakehouse.secrets", "put", "demo", "token"],
        input=SECRET,
        text=True,
        check=True,
        env={**os.environ, "LAKEHOUSE_HOME": str(cluster_home)},
    )
    return folder


def run_notebook(folder: Path, name: str, home: Path) -> tuple[nbformat.NotebookNode, str | None]:
    """Import `name` with the converter and run it; the executed notebook and its exit value."""
    path = folder / name
    nb = read_source(path.read_text(), filename=name)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    exit_value = None
    try:
        client.execute(env={**os.environ, "LAKEHOUSE_HOME": str(home), "JPY_SESSION_NAME": name})
    except CellExecutionError as e:
        if e.ename != "NotebookExit":
            raise
        exit_value = e.evalue
    return nb, exit_value


def outputs(cell) -> list[dict]:
    return cell.get("outputs", [])


def text_of(cell) -> str:
    """What the cell printed or returned; the Spark progress line (shown only when the Spark
    work takes long enough, e.g. on a loaded machine) is not part of it."""
    parts = []
    for o in outputs(cell):
        if o["output_type"] == "stream":
            parts.append(o["text"])
        elif "data" in o and PROGRESS_MIME not in o["data"]:
            parts.append(o["data"].get("text/plain", ""))
    return "".join(parts)


def table_of(cell) -> list[dict]:
    bundles = [o["data"][TABLE_MIME] for o in outputs(cell) if TABLE_MIME in o.get("data", {})]
    assert bundles, f"no table in {cell.source!r}: {outputs(cell)}"
    return decode_arrow(bundles[-1]).to_pylist()


def cell_with(nb, start: str):
    return next(c for c in nb.cells if c.cell_type == "code" and c.source.startswith(start))


def assert_round_trip(nb, original: Path) -> None:
    assert write_source(nb) == original.read_text()


def test_python_notebook(workdir, cluster_home):
    nb, exit_value = run_notebook(workdir, "dbutils_main.py", cluster_home)
    assert exit_value == "done:6"  # the child summed range(4), given n=4 as an argument
    # Widgets are drawn (ipywidgets) in the output of the cell that creates them.
    widgets = cell_with(nb, 'dbutils.widgets.text("region"')
    assert sum(WIDGET_MIME in o.get("data", {}) for o in outputs(widgets)) == 2
    # %run ran the sibling here: its variables, its widget argument and its temp view.
    assert text_of(cell_with(nb, "print(setup_done")) == "True orders\n"
    # `:region` and `:min_qty` bind widget values; `${region}` is pasted (legacy syntax).
    assert table_of(cell_with(nb, "%sql\nSELECT region")) == [{"region": "emea", "n": 2}]
    assert table_of(cell_with(nb, "%sql\nSELECT '${region}'")) == [{"legacy_region": "emea"}]
    # dbutils.fs and %fs over dbfs:/ = <home>/dbfs/.
    assert (cluster_home / "dbfs" / "reports" / "summary.csv").read_text() == "region,n\nemea,2\n"
    listing = table_of(cell_with(nb, "%fs ls"))
    assert [(f["path"], f["name"], f["size"]) for f in listing] == [
        ("dbfs:/reports/summary.csv", "summary.csv", 16)
    ]
    # Spark reads and writes dbfs:/ paths in the same folder.
    assert table_of(cell_with(nb, "summary = spark.read")) == [{"region": "emea", "n": "2"}]
    assert (cluster_home / "dbfs" / "reports" / "summary.parquet" / "_SUCCESS").exists()
    assert text_of(cell_with(nb, "%sh")) == "shell says hi\nsummary.csv\nsummary.parquet\n"
    # The secret's value never reaches an output.
    secret_cell = cell_with(nb, "token = dbutils.secrets.get")
    assert "the token is [REDACTED]" in text_of(secret_cell)
    assert "'[REDACTED]'" in text_of(secret_cell)
    assert SECRET not in json.dumps(nb)
    assert "child returned 6" in text_of(cell_with(nb, "result = dbutils.notebook.run"))
    # exit() stopped the notebook: the last cell never ran.
    assert outputs(nb.cells[-1]) == [] and nb.cells[-1].source == 'print("after exit")'
    assert_round_trip(nb, NOTEBOOKS / "dbutils_main.py")


def test_sql_notebook(workdir, cluster_home):
    nb, exit_value = run_notebook(workdir, "dbutils_report.sql", cluster_home)
    assert exit_value is None
    # CREATE WIDGET (choices from a query) made the widget that `:region` binds.
    assert table_of(nb.cells[-2]) == [{"region": "emea", "total": 15}]
    assert text_of(nb.cells[-1]) == "{'region': 'emea'}\n"
    assert_round_trip(nb, NOTEBOOKS / "dbutils_report.sql")


def test_scala_notebook(workdir, cluster_home):
    nb, _ = run_notebook(workdir, "dbutils_scala.scala", cluster_home)
    assert table_of(cell_with(nb, "%sql")) == [{"n": 5}]
    assert text_of(cell_with(nb, 'print("python sees"')) == "python sees 5 rows\n"
    assert_round_trip(nb, NOTEBOOKS / "dbutils_scala.scala")


def test_dbc_archive(workdir, cluster_home):
    """A `.dbc` holding the SQL notebook and the child: the child runs from the archive (its
    widget default n=1 gives 0), and the archive written back equals the original bytes."""
    archive = (NOTEBOOKS / "dbutils_bundle.dbc").read_bytes()
    notebooks = dict(read_dbc(archive))
    assert sorted(notebooks) == ["Shared/dbutils_child", "Shared/dbutils_report"]
    child = notebooks["Shared/dbutils_child"]
    client = NotebookClient(
        child, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    with pytest.raises(CellExecutionError) as exit_:
        client.execute(env={**os.environ, "LAKEHOUSE_HOME": str(cluster_home)})
    assert (exit_.value.ename, exit_.value.evalue) == ("NotebookExit", "0")
    assert write_dbc(list(notebooks.items())) == archive
