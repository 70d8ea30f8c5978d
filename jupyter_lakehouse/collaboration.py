"""Real-time collaboration (jupyter-collaboration) in the lakehouse workspace.

jupyter-collaboration is a dependency and on by default; `c.YDocExtension.disable_rtc = True`
turns it off (the page config then tells the frontend to use plain, non-collaborative models).
This module does two things for it, both from the lakehouse server extension:

- Its state files (the Y updates store, the file-id database, the session ids of the rooms)
  go under the workspace home, `<home>/collaboration/`, instead of the served root, the
  working directory and the user's Jupyter data dir. The file ids must persist across
  restarts: a room is named after its file's id (`json:notebook:<file id>`).
- Pending debounced saves are written when the server stops gracefully. jupyter_server_ydoc
  cancels a room's pending save when it stops its rooms; the restarted room then finds its
  store out of sync with the file, rebuilds from the file, and the reconnecting clients'
  edits merge badly (lost or moved text, seen in docs/research/collaboration.md).

The flush reads private attributes of jupyter_server_ydoc 3.0.4's rooms (`_saving_document`,
`_document`, `_file`), which is why pyproject pins that version; tests/test_collaboration.py
checks it against a real server.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from traitlets.config import Config

# The extension that serves the collaboration rooms.
YDOC_EXTENSION = "jupyter_server_ydoc"

# Seconds a graceful stop waits for the pending saves.
FLUSH_TIMEOUT = 5.0


def state_dir(home: Path) -> Path:
    return home / "collaboration"


def state_config(home: Path) -> dict[str, dict[str, str]]:
    """Where the collaboration state files go, as traitlets config sections."""
    folder = state_dir(home)
    return {
        "SQLiteYStore": {"db_path": str(folder / "ystore.db")},
        "BaseFileIdManager": {"db_path": str(folder / "file_id_manager.db")},
        "YDocExtension": {"session_store_path": str(folder / "sessions.json")},
    }


def place_state_under_home(server_config: Config, home: Path) -> dict[str, dict[str, str]]:
    """Point the collaboration state files at `<home>/collaboration/`, in the server's config.

    Called while the lakehouse extension is linked: extensions link in name order, so
    jupyter_server_fileid and jupyter_server_ydoc link later and read these values from the
    server's config. A value the user configured is left alone. Returns what was set.
    """
    applied: dict[str, dict[str, str]] = {}
    for section, values in state_config(home).items():
        for key, value in values.items():
            # "Section.key" in a Config checks without creating the section.
            if f"{section}.{key}" in server_config:
                continue
            applied.setdefault(section, {})[key] = value
    if applied:
        state_dir(home).mkdir(parents=True, exist_ok=True)
        server_config.merge(Config(applied))
    return applied


def _ydoc_app(serverapp: Any) -> Any | None:
    apps = serverapp.extension_manager.extension_apps.get(YDOC_EXTENSION, set())
    return next(iter(apps), None)


def pending_rooms(serverapp: Any) -> list[Any]:
    """The open document rooms whose debounced save has not run yet."""
    ydoc = _ydoc_app(serverapp)
    server = getattr(ydoc, "ywebsocket_server", None)
    rooms = list(getattr(server, "rooms", {}).values())
    pending = []
    for room in rooms:
        saving = getattr(room, "_saving_document", None)
        if (
            getattr(room, "ready", False)
            and getattr(room, "_document", None) is not None
            and getattr(room, "_file", None) is not None
            and saving is not None
            and not saving.done()
        ):
            pending.append(room)
    return pending


def flush_pending_saves(serverapp: Any, log: logging.Logger) -> list[asyncio.Task]:
    """Start saving every room with a pending save; returns the save tasks.

    Must be called before the stopping coroutine first yields: jupyter_server_ydoc's own
    stop runs concurrently (extensions stop together, in name order, and this one's name
    comes first) and cancels the rooms' pending saves. The content is read here, at once;
    the tasks are not the rooms' own, so stopping the rooms does not cancel them.
    """
    tasks = []
    for room in pending_rooms(serverapp):
        model = {
            "format": room.file_format,
            "type": room.file_type,
            "content": room._document.get(),
        }
        tasks.append(asyncio.ensure_future(_save(room._file, model, log)))
    return tasks


async def _save(file: Any, model: dict, log: logging.Logger) -> None:
    try:
        await file.maybe_save_content(model)
        log.info("Saved %s before stopping (a collaborative edit was not saved yet)", file.path)
    except Exception as error:  # an out-of-band change on disk, a read-only file, ...
        log.error("Could not save %s before stopping: %r", file.path, error)


async def wait_for_saves(tasks: list[asyncio.Task], log: logging.Logger) -> None:
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=FLUSH_TIMEOUT)
    if pending:
        log.error("%d collaborative document(s) were still saving at shutdown", len(pending))
