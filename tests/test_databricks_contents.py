"""The Databricks mixin over the server's contents managers, sync and async, without a server."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jupyter_server.services.contents.filemanager import FileContentsManager
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado.web import HTTPError

from jupyter_lakehouse.contents import enable_databricks_notebooks, with_databricks_notebooks

SOURCE = Path(__file__).parent / "notebooks" / "databricks" / "roundtrip_scala.scala"


def test_the_mixin_is_added_once_and_keeps_the_base():
    cls = with_databricks_notebooks(AsyncLargeFileManager)
    assert issubclass(cls, AsyncLargeFileManager)
    assert with_databricks_notebooks(cls) is cls


def test_sync_manager_opens_and_saves_source(tmp_path):
    shutil.copy(SOURCE, tmp_path / "n.scala")
    manager = FileContentsManager(root_dir=str(tmp_path))
    enable_databricks_notebooks(manager)
    model = manager.get("n.scala", type="notebook")
    assert model["type"] == "notebook"
    nb = model["content"]
    assert nb.cells[1].source.startswith("%scala\nval xs")
    nb.cells[1].source = "%scala\nval xs = Seq(4)"
    manager.save({"type": "notebook", "format": "json", "content": nb}, "n.scala")
    text = (tmp_path / "n.scala").read_text()
    assert text == SOURCE.read_text().replace(
        "val xs = Seq(1, 2, 3)\nprintln(xs.sum)", "val xs = Seq(4)"
    )
    assert manager.get("n.scala")["type"] == "file"


async def test_async_manager_refuses_a_plain_file_as_notebook(tmp_path):
    (tmp_path / "plain.scala").write_text("object Main\n")
    manager = AsyncLargeFileManager(root_dir=str(tmp_path))
    enable_databricks_notebooks(manager)
    with pytest.raises(HTTPError) as err:
        await manager.get("plain.scala", type="notebook")
    assert err.value.status_code == 400
    # Metadata only (what a collaboration room asks before it saves): no content read.
    shutil.copy(SOURCE, tmp_path / "n.scala")
    model = await manager.get("n.scala", type="notebook", content=False)
    assert model["type"] == "notebook" and model["content"] is None
