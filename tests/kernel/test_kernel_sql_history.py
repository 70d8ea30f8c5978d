"""`%sql` cells append to the workspace's query history (the SQL editor's Query History panel
shows them beside the editor's statements), in a real kernel on the session's cluster."""

from __future__ import annotations

import os
import uuid

import pytest

from jupyter_lakehouse.services.sql.history import QueryHistory, history_path

from .kernel_client import Kernel

pytestmark = pytest.mark.timeout(300)
NOTEBOOK = "work/sql history.ipynb"


@pytest.fixture(scope="module")
def kernel(cluster_home, cluster_manager):
    cluster_manager.ensure_running("local", timeout=150)
    env = {**os.environ, "LAKEHOUSE_HOME": str(cluster_home), "JPY_SESSION_NAME": NOTEBOOK}
    env.pop("JUPYTERHUB_USER", None)
    kernel = Kernel(env=env)
    yield kernel
    kernel.shutdown()


@pytest.fixture
def history(cluster_home):
    return QueryHistory(history_path(cluster_home))


def test_a_sql_cell_is_in_the_history(kernel, history):
    marker = f"k{uuid.uuid4().hex[:8]}"
    out = kernel.run(f"%sql\nSELECT id AS {marker} FROM range(4)")
    assert out.error is None, out.error
    (entry,) = history.search(q=marker)["entries"]
    assert entry["source"] == "notebook" and entry["path"] == NOTEBOOK
    assert (entry["status"], entry["rows"], entry["cluster"]) == ("succeeded", 4, "local")
    assert entry["user"] and entry["duration_ms"] >= 0 and entry["error"] is None


def test_an_error_cell_is_in_the_history_with_its_error(kernel, history):
    table = f"no_such_table_{uuid.uuid4().hex[:8]}"
    out = kernel.run(f"%sql\nSELECT 1 AS a;\nSELECT *\nFROM {table}")
    assert out.error is not None
    entries = history.search(q=table)["entries"]
    assert [e["status"] for e in entries] == ["failed"]
    error = entries[0]["error"]
    assert (error["error_class"], error["sqlstate"]) == ("TABLE_OR_VIEW_NOT_FOUND", "42P01")
    # Lines within the statement that failed (a cell has no file positions).
    assert (error["line"], error["column"]) == (2, 6)


def test_a_history_that_cannot_be_written_never_fails_the_cell(kernel, history):
    path = history.path
    aside = path.with_name("history.aside")
    if path.exists():
        path.rename(aside)
    path.mkdir(parents=True)  # the history file is now a folder: appends fail
    try:
        out = kernel.run("%sql SELECT 42 AS answer")
        assert out.error is None, out.error
        assert out.text == ""  # no warning in the cell either
    finally:
        path.rmdir()
        if aside.exists():
            aside.rename(path)
