"""Databricks source notebooks <-> Jupyter notebooks (jupyter_lakehouse.databricks.source)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from jupyter_lakehouse.databricks import SourceFormatError, detect, read_source, write_source

NOTEBOOKS = Path(__file__).parent.parent / "notebooks" / "databricks"
SOURCES = sorted(p for p in NOTEBOOKS.iterdir() if p.suffix in (".py", ".sql", ".scala", ".r"))


def test_the_test_notebooks_are_there():
    names = {p.name for p in SOURCES}
    assert {"roundtrip_python.py", "roundtrip_sql.sql", "roundtrip_scala.scala"} <= names
    assert "roundtrip_r.r" in names


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_round_trip_is_byte_identical(path):
    # Every source notebook in the folder, the kernel tests' ones included.
    text = path.read_text(encoding="utf-8")
    nb = read_source(text, filename=path.name)
    nbformat.validate(nb)
    assert write_source(nb) == text


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_round_trip_through_ipynb_json(path):
    # What the contents manager does: the notebook travels as JSON (the browser, the ydoc).
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(nbformat.writes(read_source(text, filename=path.name)), as_version=4)
    assert write_source(nb) == text


def test_detect():
    assert detect("# Databricks notebook source\nx = 1") == "python"
    assert detect("# Databricks notebook source\n", "a/b/x.r") == "r"
    assert detect("# Databricks notebook source\n", "x.R") == "r"
    assert detect("-- Databricks notebook source\nSELECT 1") == "sql"
    assert detect("// Databricks notebook source\r\nval x = 1") == "scala"
    assert detect("\ufeff# Databricks notebook source\n") == "python"
    assert detect("import os\n# Databricks notebook source\n") is None
    assert detect("") is None
    assert detect("#Databricks notebook source") is None


def test_python_cells_say_their_language():
    nb = read_source((NOTEBOOKS / "roundtrip_python.py").read_text())
    cells = [(c.cell_type, c.source.split("\n", 1)[0]) for c in nb.cells]
    assert cells[0] == ("markdown", "# Round trip: every MAGIC kind")
    assert cells[1] == ("code", 'orders = spark.range(10).withColumnRenamed("id", "qty")')
    title = {"title": "Plain Python with a title", "show_title": True}
    assert nb.cells[1].metadata["databricks"] == title
    assert [c[1] for c in cells[2:5]] == ["%sql", "%scala", "%r"]
    assert nb.cells[3].metadata["databricks"]["show_title"] is False
    # %python is dropped (the kernel is Python) and remembered.
    assert nb.cells[5].source == 'print("an explicit %python command")'
    assert nb.cells[5].metadata["databricks"]["explicit_magic"] is True
    assert [c[1] for c in cells[6:10]] == [
        "%sh",
        "%fs ls /tmp",
        "%pip install --quiet tabulate",
        '%run ./roundtrip_child $greeting="hello"',
    ]
    assert cells[10] == ("markdown", '<div style="color: red">sandboxed HTML</div>')
    assert cells[11] == ("markdown", "## A heading on the magic line")
    # A plain command whose comment mentions MAGIC stays plain code, prefix and all.
    assert nb.cells[12].source.startswith("# A comment that mentions # MAGIC")
    assert nb.cells[12].source.endswith("every line has it\n")
    assert nb.cells[13].source == ""
    assert nb.metadata["databricks"]["language"] == "python"
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_sql_notebook_cells_run_as_sql_in_the_python_kernel():
    nb = read_source((NOTEBOOKS / "roundtrip_sql.sql").read_text())
    assert nb.metadata["databricks"]["language"] == "sql"
    view = "CREATE OR REPLACE TEMP VIEW rt_numbers AS\nSELECT id FROM range(5)"
    assert nb.cells[1].source == "%sql\n" + view
    assert nb.cells[2].metadata["databricks"]["title"] == "Count"
    assert nb.cells[3].source.startswith("df = spark.table")  # %python: plain Python
    assert nb.cells[4].source.startswith("%sql\nSELECT 'an explicit")
    assert nb.cells[4].metadata["databricks"]["explicit_magic"] is True


def test_old_style_blank_magic_lines_and_no_final_newline_are_kept():
    text = (NOTEBOOKS / "roundtrip_child.py").read_text()
    assert "# MAGIC \n" in text and not text.endswith("\n")
    nb = read_source(text)
    assert nb.cells[0].source.split("\n")[1] == ""
    assert write_source(nb) == text


def test_a_notebook_made_in_jupyterlab_writes_as_databricks_does():
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("# Title\n\nText"),
            nbformat.v4.new_code_cell("x = 1\nprint(x)"),
            nbformat.v4.new_code_cell("%sql\nSELECT 1"),
            nbformat.v4.new_code_cell("%timeit x + 1"),
            nbformat.v4.new_raw_cell("raw text"),
        ]
    )
    assert write_source(nb) == (
        "# Databricks notebook source\n"
        "# MAGIC %md\n# MAGIC # Title\n# MAGIC\n# MAGIC Text\n\n"
        "# COMMAND ----------\n\nx = 1\nprint(x)\n\n"
        "# COMMAND ----------\n\n# MAGIC %sql\n# MAGIC SELECT 1\n\n"
        # Not a Databricks magic: IPython's own, kept as Python code.
        "# COMMAND ----------\n\n%timeit x + 1\n\n"
        "# COMMAND ----------\n\nraw text\n"
    )
    # The same notebook as SQL source: Python cells become %python commands.
    sql = write_source(nb, "sql")
    assert sql.startswith("-- Databricks notebook source\n-- MAGIC %md\n")
    assert "-- MAGIC %python\n-- MAGIC x = 1\n-- MAGIC print(x)" in sql
    assert "\n\nSELECT 1\n\n" in sql
    assert read_source(sql).cells[2].source == "%sql\nSELECT 1"


def test_language_conversion_keeps_every_cells_language():
    text = (NOTEBOOKS / "roundtrip_python.py").read_text()
    nb = read_source(text)
    for language in ("sql", "scala", "r"):
        other = read_source(write_source(nb, language), filename=f"x.{language}")
        assert [(c.cell_type, c.source) for c in other.cells] == [
            (c.cell_type, c.source) for c in nb.cells
        ], language


def test_crlf_and_bom_are_kept():
    text = "\ufeff# Databricks notebook source\r\nx = 1\r\n\r\n"
    text += "# COMMAND ----------\r\n\r\ny = 2\r\n"
    nb = read_source(text)
    assert [c.source for c in nb.cells] == ["x = 1", "y = 2"]
    assert write_source(nb) == text


def test_hand_written_separators_without_blank_lines():
    nb = read_source("# Databricks notebook source\na = 1\n# COMMAND ----------\nb = 2\n")
    assert [c.source for c in nb.cells] == ["a = 1", "b = 2"]


def test_not_a_databricks_notebook():
    with pytest.raises(SourceFormatError):
        read_source("print('just python')\n")
