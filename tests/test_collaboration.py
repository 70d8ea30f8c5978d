"""Real-time collaboration with a real JupyterLab server (a process of its own per test).

The state files go under the workspace home, `YDocExtension.disable_rtc` turns collaboration
off, and an edit whose debounced save is still pending is written when the server stops
gracefully (jupyter_lakehouse/collaboration.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
import requests
from jupyter_ydoc import YNotebook
from pycrdt import Provider
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

TOKEN = "collab-test-token"
NOTEBOOK = "shared.ipynb"
MARKER = "# edited while the save was pending"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`jupyter lab` in a process group of its own, on a throwaway root, home and config."""

    def __init__(self, tmp: Path, *args: str) -> None:
        self.root = tmp / "root"
        self.home = tmp / "home"
        self.cwd = tmp / "cwd"
        self.data = tmp / "data"
        for folder in (self.root, self.cwd, self.data, tmp / "config"):
            folder.mkdir(exist_ok=True)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            # Nothing from the user's ~/.jupyter; the data dir is where file ids would go.
            "JUPYTER_CONFIG_DIR": str(tmp / "config"),
            "JUPYTER_DATA_DIR": str(self.data),
        }
        for name in ("LAKEHOUSE_HOME", "MLFLOW_TRACKING_URI"):
            env.pop(name, None)
        self.log = (tmp / "server.log").open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter",
                "lab",
                "--no-browser",
                f"--port={self.port}",
                "--ServerApp.ip=127.0.0.1",
                "--ServerApp.allow_root=True",
                f"--IdentityProvider.token={TOKEN}",
                f"--ServerApp.root_dir={self.root}",
                f"--LakehouseApp.home={self.home}",
                "--LakehouseApp.mlflow_autostart=False",
                *args,
            ],
            cwd=self.cwd,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited: {self.output()}")
            try:
                if requests.get(f"{self.base}/api/status", headers=self.auth, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("the server did not start")

    @property
    def auth(self) -> dict:
        return {"Authorization": f"token {TOKEN}"}

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return Path(self.log.name).read_text()

    def stop(self) -> int | None:
        """SIGTERM, SIGKILL after 20 s (a stopping server with RTC can hang at exit on an
        AnyIO worker thread: jupyter-collaboration #161). Returns the exit code."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()
        return self.proc.returncode

    def page_config(self) -> dict:
        html = requests.get(f"{self.base}/lab", headers=self.auth, timeout=30).text
        found = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', html, re.S)
        assert found, "no page config in /lab"
        return json.loads(found.group(1))


class _Channel:
    """A tornado websocket as the channel a pycrdt Provider syncs through."""

    def __init__(self, ws, path: str) -> None:
        self._ws = ws
        self._path = path

    @property
    def path(self) -> str:
        return self._path

    def __aiter__(self):
        return self

    async def __anext__(self) -> bytes:
        message = await self._ws.read_message()
        if message is None:
            raise StopAsyncIteration
        return bytes(message)

    async def recv(self) -> bytes:
        return await self.__anext__()

    async def send(self, message: bytes) -> None:
        await self._ws.write_message(message, binary=True)


async def _open_room(server: Server, path: str):
    """A websocket to the notebook's collaboration room, as JupyterLab opens it."""
    session = requests.put(
        f"{server.base}/api/collaboration/session/{path}",
        headers=server.auth,
        json={"format": "json", "type": "notebook"},
        timeout=30,
    )
    session.raise_for_status()
    info = session.json()
    room = f"{info['format']}:{info['type']}:{info['fileId']}"
    url = (
        f"ws://127.0.0.1:{server.port}/api/collaboration/room/{room}"
        f"?sessionId={info['sessionId']}&token={TOKEN}"
    )
    ws = await websocket_connect(HTTPRequest(url))
    return ws, room


async def _until(predicate, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.1)


def _write_notebook(root: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("x = 1"))
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, root / NOTEBOOK)


@pytest.fixture
def servers(tmp_path):
    started: list[Server] = []

    def start(*args: str) -> Server:
        server = Server(tmp_path, *args)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


async def test_state_files_go_under_the_home(servers):
    server = servers()
    assert server.page_config()["disableRTC"] is False
    _write_notebook(server.root)
    ws, _ = await _open_room(server, NOTEBOOK)
    notebook = YNotebook()
    async with Provider(notebook.ydoc, _Channel(ws, "room")):
        await _until(lambda: len(notebook.ycells) == 1)
    ws.close()
    state = server.home / "collaboration"
    assert (state / "file_id_manager.db").is_file()
    assert (state / "ystore.db").is_file()
    assert (state / "sessions.json").is_file()
    # Nothing in the served root, the working directory or the user's Jupyter data dir.
    assert sorted(p.name for p in server.root.iterdir()) == [NOTEBOOK]
    assert list(server.cwd.iterdir()) == []
    assert not (server.data / "file_id_manager.db").exists()


async def test_configured_paths_are_left_alone(servers, tmp_path):
    mine = tmp_path / "mine.db"
    server = servers(f"--SQLiteYStore.db_path={mine}")
    _write_notebook(server.root)
    ws, _ = await _open_room(server, NOTEBOOK)
    notebook = YNotebook()
    async with Provider(notebook.ydoc, _Channel(ws, "room")):
        await _until(lambda: len(notebook.ycells) == 1)
    ws.close()
    assert mine.is_file()
    assert not (server.home / "collaboration" / "ystore.db").exists()
    assert (server.home / "collaboration" / "file_id_manager.db").is_file()


def test_disable_rtc_turns_collaboration_off(servers):
    server = servers("--YDocExtension.disable_rtc=True")
    # The frontend reads this and makes plain models that save through the contents API.
    assert server.page_config()["disableRTC"] is True


async def test_pending_save_is_written_on_graceful_stop(servers):
    # A save delay far longer than the test: only the flush on stop can write the edit.
    server = servers("--YDocExtension.document_save_delay=600")
    _write_notebook(server.root)
    ws, _ = await _open_room(server, NOTEBOOK)
    notebook = YNotebook()
    async with Provider(notebook.ydoc, _Channel(ws, "editor")):
        await _until(lambda: len(notebook.ycells) == 1)
        source = notebook.ycells[0]["source"]
        source.insert(len(str(source)), f"  {MARKER}")
        # The server has the edit once a second client's copy of the room shows it.
        ws2, _ = await _open_room(server, NOTEBOOK)
        seen = YNotebook()
        async with Provider(seen.ydoc, _Channel(ws2, "observer")):
            await _until(lambda: len(seen.ycells) == 1 and MARKER in str(seen.ycells[0]["source"]))
        ws2.close()
        on_disk = nbformat.read(server.root / NOTEBOOK, as_version=4)
        # Not saved yet: otherwise the test would show nothing.
        assert MARKER not in on_disk.cells[0].source
        server.stop()
    log = server.output()
    saved = nbformat.read(server.root / NOTEBOOK, as_version=4)
    nbformat.validate(saved)
    assert saved.cells[0].source == f"x = 1  {MARKER}", log[-3000:]
    assert "Saved shared.ipynb before stopping" in log
