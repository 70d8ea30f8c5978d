"""Delta Lake in real kernels on the session's cluster (offline engine here): %sql and spark.sql
route Delta SQL, `DeltaTable` is bound, and the medallion notebook runs end to end."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from jupyter_lakehouse.resulttable import TABLE_MIME, decode_arrow

from .kernel_client import Kernel

pytestmark = pytest.mark.timeout(420)

ANSI = re.compile(r"\x1b\[[0-9;]*m")
NOTEBOOK = Path(__file__).parent.parent / "notebooks" / "medallion.ipynb"
DV_TABLE = "/work/shared/data/delta-tables/table-with-dv-small"


@pytest.fixture(scope="module")
def kernel(cluster_home, cluster_manager):
    cluster_manager.ensure_running("local", timeout=150)
    k = Kernel(env={**os.environ, "LAKEHOUSE_HOME": str(cluster_home)})
    yield k
    k.shutdown()


def error_text(result) -> str:
    return ANSI.sub("", "\n".join(result.error["traceback"])) if result.error else ""


def test_sql_cells_and_spark_sql_route_delta_statements(kernel, tmp_path):
    out = kernel.run("%sql CREATE TABLE k_delta (id INT, v STRING) USING DELTA")
    assert out.error is None, error_text(out)
    try:
        out = kernel.run(
            "%sql\nINSERT INTO k_delta VALUES (1, 'a'), (2, 'b');\n"
            "UPDATE k_delta SET v = 'z' WHERE id = 2"
        )
        assert out.error is None, error_text(out)
        (table,) = out.data(TABLE_MIME)
        assert decode_arrow(table).to_pylist() == [{"num_affected_rows": 1}]
        out = kernel.run("%sql DESCRIBE HISTORY k_delta")
        (table,) = out.data(TABLE_MIME)
        ops = [r["operation"] for r in decode_arrow(table).to_pylist()]
        assert ops == ["UPDATE", "WRITE", "CREATE TABLE"]
        out = kernel.run(
            "print(spark.sql('SELECT v FROM k_delta VERSION AS OF 1 WHERE id = 2').first().v)"
        )
        assert out.error is None and out.text.strip() == "b", error_text(out)
        out = kernel.run("print(type(DeltaTable.forName(spark, 'k_delta')).__module__)")
        assert out.text.strip() == "jupyter_lakehouse.services.delta.api", error_text(out)
    finally:
        kernel.run("%sql DROP TABLE IF EXISTS k_delta")


def test_sql_cells_and_spark_table_read_delta_tables_natively(kernel):
    out = kernel.run("%sql CREATE TABLE k_native (id INT, p STRING) USING DELTA PARTITIONED BY (p)")
    assert out.error is None, error_text(out)
    try:
        out = kernel.run("%sql INSERT INTO k_native VALUES (1, 'a'), (2, 'b')")
        assert out.error is None, error_text(out)
        out = kernel.run("%sql SELECT id FROM k_native WHERE p = 'b'")
        (table,) = out.data(TABLE_MIME)
        assert decode_arrow(table).to_pylist() == [{"id": 2}]
        # Spark's Parquet scan, not the Python data source (services/delta/native.py).
        out = kernel.run(
            "plans = [_sqldf._explain_string('simple'), "
            "spark.table('k_native')._explain_string('simple')]\n"
            "print(*['FileScan parquet' in p and 'BatchScan' not in p for p in plans])"
        )
        assert out.text.strip() == "True True", error_text(out)
    finally:
        kernel.run("%sql DROP TABLE IF EXISTS k_native")


def test_an_unreadable_table_is_a_message_not_a_crash(kernel):
    out = kernel.run(f"spark.read.format('delta').load('{DV_TABLE}').count()")
    text = error_text(out)
    assert "deletionVectors" in text and "delta_jars" in text
    out = kernel.run(f"%sql DESCRIBE DETAIL delta.`{DV_TABLE}`")
    assert out.error is None, error_text(out)
    out = kernel.run("print(spark.range(4).count())")
    assert out.text.strip() == "4"


def test_medallion_notebook_runs_end_to_end(cluster_home, cluster_manager, tmp_path, monkeypatch):
    cluster_manager.ensure_running("local", timeout=150)
    monkeypatch.setenv("LAKEHOUSE_HOME", str(cluster_home))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=240,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell (its assert)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
