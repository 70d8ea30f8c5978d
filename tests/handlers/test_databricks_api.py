"""Databricks formats through a real Jupyter server: source files open and save as notebooks
through the contents API (and through jupyter-collaboration's file loader, as an RTC room
does), and lakehouse/api/databricks imports and exports `.dbc` archives and source files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from tornado.httpclient import HTTPClientError

from jupyter_lakehouse.databricks import read_dbc, read_source, write_dbc
from tests.databricks.test_dbc import ARCHIVE, databricks_archive

NOTEBOOKS = Path(__file__).parent.parent / "notebooks" / "databricks"


@pytest.fixture
def workspace(jp_root_dir):
    for name in ("roundtrip_python.py", "roundtrip_sql.sql", "roundtrip_scala.scala"):
        shutil.copy(NOTEBOOKS / name, jp_root_dir / name)
    (jp_root_dir / "plain.py").write_text("import os\nprint(os.getcwd())\n")
    (jp_root_dir / "course.dbc").write_bytes(databricks_archive(ARCHIVE))
    return jp_root_dir


async def fetch_json(jp_fetch, *parts, method="GET", body=None, params=None):
    response = await jp_fetch(
        *parts,
        method=method,
        body=None if body is None else json.dumps(body),
        params=params or {},
    )
    return json.loads(response.body)


async def error_of(jp_fetch, *parts, method="POST", body=None, params=None):
    with pytest.raises(HTTPClientError) as err:
        await fetch_json(jp_fetch, *parts, method=method, body=body, params=params)
    payload = json.loads(err.value.response.body)
    return err.value.code, payload["error"]["code"], payload["error"]["message"]


async def dbx(jp_fetch, route: str, **body):
    """POST lakehouse/api/databricks/<route> with a JSON body."""
    return await fetch_json(
        jp_fetch, "lakehouse", "api", "databricks", route, method="POST", body=body
    )


async def dbx_refused(jp_fetch, route: str, method="POST", body=None, params=None):
    return await error_of(
        jp_fetch, "lakehouse", "api", "databricks", route, method=method, body=body, params=params
    )


async def get_notebook(jp_fetch, path: str) -> dict:
    return await fetch_json(jp_fetch, "api", "contents", path, params={"type": "notebook"})


async def put_notebook(jp_fetch, path: str, nb: dict) -> dict:
    body = {"type": "notebook", "format": "json", "content": nb}
    return await fetch_json(jp_fetch, "api", "contents", path, method="PUT", body=body)


def new_nb(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def cells(nb) -> list[tuple[str, str]]:
    return [(c["cell_type"], c["source"]) for c in nb["cells"]]


# -- contents: open and save as notebooks ------------------------------------------------


async def test_source_file_opens_as_notebook(jp_fetch, workspace):
    model = await fetch_json(
        jp_fetch, "api", "contents", "roundtrip_python.py", params={"type": "notebook"}
    )
    assert model["type"] == "notebook" and model["format"] == "json"
    nb = model["content"]
    assert nb["metadata"]["databricks"]["language"] == "python"
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert nb["cells"][2]["source"].startswith("%sql\n")
    # Asked without a type, the same file is a file: the editor still opens it.
    plain = await fetch_json(jp_fetch, "api", "contents", "roundtrip_python.py")
    assert plain["type"] == "file" and plain["content"].startswith("# Databricks notebook source")


async def test_a_normal_python_file_is_not_a_notebook(jp_fetch, workspace):
    with pytest.raises(HTTPClientError) as err:
        await get_notebook(jp_fetch, "plain.py")
    assert err.value.code == 400
    assert "not a Databricks source notebook" in json.loads(err.value.response.body)["message"]
    model = await fetch_json(jp_fetch, "api", "contents", "plain.py")
    assert model["type"] == "file"


async def test_save_keeps_the_databricks_format(jp_fetch, workspace):
    path = workspace / "roundtrip_python.py"
    before = path.read_text()
    model = await fetch_json(
        jp_fetch, "api", "contents", "roundtrip_python.py", params={"type": "notebook"}
    )
    nb = model["content"]
    nb["cells"][1]["source"] = "orders = spark.range(20)"
    saved = await put_notebook(jp_fetch, "roundtrip_python.py", nb)
    assert saved["type"] == "notebook"
    after = path.read_text()
    assert after.startswith("# Databricks notebook source\n")
    expected = before.replace(
        'orders = spark.range(10).withColumnRenamed("id", "qty")\n'
        'orders.createOrReplaceTempView("rt_orders")',
        "orders = spark.range(20)",
    )
    assert after == expected


async def test_unchanged_save_is_byte_identical(jp_fetch, workspace):
    for name in ("roundtrip_python.py", "roundtrip_sql.sql", "roundtrip_scala.scala"):
        before = (workspace / name).read_bytes()
        model = await get_notebook(jp_fetch, name)
        await put_notebook(jp_fetch, name, model["content"])
        assert (workspace / name).read_bytes() == before, name


async def test_save_as_another_language(jp_fetch, workspace):
    model = await fetch_json(
        jp_fetch, "api", "contents", "roundtrip_python.py", params={"type": "notebook"}
    )
    await put_notebook(jp_fetch, "copy.sql", model["content"])
    text = (workspace / "copy.sql").read_text()
    assert text.startswith("-- Databricks notebook source\n-- MAGIC %md\n")
    assert [c.source for c in read_source(text).cells] == [
        c["source"] for c in model["content"]["cells"]
    ]


async def test_a_jupyter_notebook_saved_as_py_stays_json(jp_fetch, workspace):
    # Stock behaviour for notebooks without Databricks metadata: nothing is converted.
    nb = new_nb("x = 1")
    await put_notebook(jp_fetch, "plain.py", nb)
    assert nbformat.reads((workspace / "plain.py").read_text(), 4).cells[0].source == "x = 1"


async def test_collaboration_file_loader_loads_and_saves_source(jp_serverapp, workspace, tmp_path):
    # What a jupyter-collaboration room does with a notebook: load with type=notebook and
    # format=json, hold it in a YNotebook, save the YNotebook's content back.
    from jupyter_server_fileid.manager import LocalFileIdManager
    from jupyter_server_ydoc.loaders import FileLoader
    from jupyter_ydoc import YNotebook

    ids = LocalFileIdManager(root_dir=str(workspace), db_path=str(tmp_path / "ids.db"))
    loader = FileLoader(ids.index("roundtrip_sql.sql"), ids, jp_serverapp.contents_manager)
    try:
        model = await loader.load_content("json", "notebook")
        doc = YNotebook()
        doc.source = model["content"]
        source = doc.ycells[1]["source"]  # an edit, as a collaborator's keystrokes make it
        source.clear()
        source.insert(0, "%sql\nSELECT 42 AS answer")
        saved = await loader.maybe_save_content(
            {"format": "json", "type": "notebook", "content": doc.source}
        )
        assert saved["type"] == "notebook"
        text = (workspace / "roundtrip_sql.sql").read_text()
        assert text.startswith("-- Databricks notebook source\n")
        assert "\n-- COMMAND ----------\n\nSELECT 42 AS answer\n\n-- COMMAND" in text
        assert read_source(text).cells[1].source == "%sql\nSELECT 42 AS answer"
    finally:
        await loader.clean()


# -- REST: import ------------------------------------------------------------------------


async def test_import_dbc_keeps_folders(jp_fetch, workspace):
    result = await dbx(jp_fetch, "import", path="course.dbc")
    paths = [n["path"] for n in result["notebooks"]]
    assert paths == [
        "Course/Intro.ipynb",
        "Course/Labs/Lab 1.ipynb",
        "Course/Labs/Tools.ipynb",
        "Course/Stats.ipynb",
    ]
    assert [n["language"] for n in result["notebooks"]] == ["python", "sql", "scala", "r"]
    assert result["skipped"] == ["Course/data/readme.txt"]
    intro = nbformat.read(workspace / "Course" / "Intro.ipynb", as_version=4)
    nbformat.validate(intro)
    assert intro.cells[0].cell_type == "markdown" and intro.cells[2].source == "%sql\nSELECT 1"
    # A second import would overwrite: refused, nothing written, unless asked.
    (workspace / "Course" / "Stats.ipynb").write_text("{}")
    code, error, _ = await dbx_refused(jp_fetch, "import", body={"path": "course.dbc"})
    assert (code, error) == (409, "exists")
    assert (workspace / "Course" / "Stats.ipynb").read_text() == "{}"
    await dbx(jp_fetch, "import", path="course.dbc", overwrite=True)
    assert nbformat.read(workspace / "Course" / "Stats.ipynb", as_version=4).cells


async def test_import_dbc_without_a_top_folder_lands_in_its_own(jp_fetch, workspace):
    nb = read_source((NOTEBOOKS / "roundtrip_scala.scala").read_text())
    (workspace / "sub").mkdir()
    (workspace / "sub" / "loose.dbc").write_bytes(write_dbc([("one", nb), ("two", nb)]))
    result = await dbx(jp_fetch, "import", path="sub/loose.dbc")
    assert result["destination"] == "sub/loose"
    assert [n["path"] for n in result["notebooks"]] == [
        "sub/loose/one.ipynb",
        "sub/loose/two.ipynb",
    ]


async def test_import_source_file(jp_fetch, workspace):
    result = await dbx(jp_fetch, "import", path="roundtrip_sql.sql")
    assert result["notebooks"] == [{"path": "roundtrip_sql.ipynb", "language": "sql", "cells": 6}]
    nb = nbformat.read(workspace / "roundtrip_sql.ipynb", as_version=4)
    assert nb.metadata["databricks"]["language"] == "sql"


# -- REST: export ------------------------------------------------------------------------


async def test_export_folder_as_dbc_and_back(jp_fetch, workspace):
    await dbx(jp_fetch, "import", path="course.dbc")
    result = await dbx(jp_fetch, "export", path="Course", format="dbc")
    assert result["path"] == "Course.dbc" and result["format"] == "dbc"
    again = read_dbc((workspace / "Course.dbc").read_bytes())
    original = read_dbc(databricks_archive(ARCHIVE))
    assert [p for p, _ in again] == [p for p, _ in original]
    for (_, a), (_, b) in zip(again, original, strict=True):
        assert [(c.cell_type, c.source) for c in a.cells] == [
            (c.cell_type, c.source) for c in b.cells
        ]
    code, error, _ = await error_of(
        jp_fetch,
        "lakehouse",
        "api",
        "databricks",
        "export",
        body={"path": "Course", "format": "dbc"},
    )
    assert (code, error) == (409, "exists")


async def test_download_source_and_dbc(jp_fetch, workspace):
    await dbx(jp_fetch, "import", path="roundtrip_python.py")
    response = await jp_fetch(
        "lakehouse",
        "api",
        "databricks",
        "export",
        params={"path": "roundtrip_python.ipynb", "format": "source"},
    )
    assert response.headers["Content-Disposition"].endswith("roundtrip_python.py")
    assert response.body.decode() == (NOTEBOOKS / "roundtrip_python.py").read_text()
    response = await jp_fetch(
        "lakehouse",
        "api",
        "databricks",
        "export",
        params={"path": "roundtrip_python.py", "format": "dbc"},
    )
    assert response.headers["Content-Type"] == "application/zip"
    ((path, nb),) = read_dbc(response.body)
    assert path == "roundtrip_python" and nb.cells[2].source.startswith("%sql")


async def test_export_source_writes_beside_the_notebook(jp_fetch, workspace):
    await dbx(jp_fetch, "import", path="course.dbc")
    result = await dbx(jp_fetch, "export", path="Course/Labs/Lab 1.ipynb", format="source")
    assert result["path"] == "Course/Labs/Lab 1.sql"
    text = (workspace / "Course" / "Labs" / "Lab 1.sql").read_text()
    assert text == "-- Databricks notebook source\nSELECT 2\n\n-- COMMAND ----------\n\n" + (
        "-- MAGIC %md ## inline\n\n-- COMMAND ----------\n\n-- MAGIC %python\n-- MAGIC y = 2\n"
    )


# -- REST: paths and bad input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "bad_request"),
        ({"path": "../outside.dbc"}, 400, "bad_path"),
        ({"path": "a/../../outside.dbc"}, 400, "bad_path"),
        ({"path": "/etc/passwd"}, 400, "bad_path"),
        ({"path": "course.dbc", "destination": "../elsewhere"}, 400, "bad_path"),
        ({"path": "course.dbc", "destination": "/tmp"}, 400, "bad_path"),
        ({"path": "course.dbc", "overwrite": "yes"}, 400, "bad_request"),
        ({"path": "missing.dbc"}, 404, "not_found"),
        ({"path": "plain.py"}, 422, "not_databricks"),
        ({"path": "broken.dbc"}, 422, "bad_dbc"),
        ({"path": "notes.txt"}, 400, "not_a_notebook"),
        ({"path": "escape/secret.dbc"}, 403, "outside_root"),
        ({"path": "course.dbc", "destination": "escape"}, 403, "outside_root"),
    ],
)
async def test_import_refuses_bad_input(jp_fetch, workspace, tmp_path_factory, body, status, code):
    (workspace / "broken.dbc").write_bytes(b"not a zip")
    (workspace / "notes.txt").write_text("hello")
    outside = tmp_path_factory.mktemp("outside")
    (outside / "secret.dbc").write_bytes(databricks_archive(ARCHIVE))
    (workspace / "escape").symlink_to(outside, target_is_directory=True)
    got = await dbx_refused(jp_fetch, "import", body=body)
    assert got[:2] == (status, code), got
    assert not (outside / "Course").exists()


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"path": "roundtrip_python.py", "format": "html"}, 400, "bad_format"),
        ({"path": "../x.ipynb"}, 400, "bad_path"),
        ({"path": "/etc/hostname", "format": "dbc"}, 400, "bad_path"),
        ({"path": "escape", "format": "dbc"}, 403, "outside_root"),
        ({"path": "nothing.ipynb"}, 404, "not_found"),
        ({"path": "", "format": "source"}, 400, "bad_format"),
        ({"path": "plain.py"}, 422, "not_databricks"),
    ],
)
async def test_download_refuses_bad_input(
    jp_fetch, workspace, tmp_path_factory, params, status, code
):
    outside = tmp_path_factory.mktemp("outside")
    nbformat.write(nbformat.v4.new_notebook(), outside / "x.ipynb")
    (workspace / "escape").symlink_to(outside, target_is_directory=True)
    got = await error_of(
        jp_fetch, "lakehouse", "api", "databricks", "export", method="GET", params=params
    )
    assert got[:2] == (status, code), got


async def test_export_skips_symlinks_that_leave_the_root(jp_fetch, workspace, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    nbformat.write(new_nb("secret"), outside / "s.ipynb")
    folder = workspace / "mixed"
    folder.mkdir()
    nbformat.write(new_nb("x = 1"), folder / "ok.ipynb")
    (folder / "leak.ipynb").symlink_to(outside / "s.ipynb")
    response = await jp_fetch(
        "lakehouse", "api", "databricks", "export", params={"path": "mixed", "format": "dbc"}
    )
    assert [p for p, _ in read_dbc(response.body)] == ["mixed/ok"]
