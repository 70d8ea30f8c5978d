"""Databricks archives (`.dbc`) <-> Jupyter notebooks.

A `.dbc` is a zip. Each notebook is one entry `<folders>/<name>.<language>` (`python`,
`scala`, `sql`, `r`) holding a JSON object: `version` ("NotebookV1"), `name`, `language`,
`guid`, `origId` and `commands`, a list of objects with the command's text in `command`, its
order in `position` (a float), `commandTitle`/`showCommandTitle`, `hideCommandCode`,
`hideCommandResult`, and results and plot settings we do not use. A command's text is as the
Databricks editor shows it (`%md` commands start with `%md`, no MAGIC comments).

Contract:

- `read_dbc(data, skipped=None) -> list[(path, NotebookNode)]`: every notebook in the archive,
  in archive order. `path` is the notebook's POSIX path inside the archive *without* the
  language extension (`Folder/Sub/name`); cells as `source.read_source` makes them (same
  `commands.command_to_cell`), outputs are not imported. Entries that are not notebooks are
  listed in `skipped` (when given) and otherwise ignored. Raises `DbcFormatError` (a
  ValueError) for a file that is not a zip, an entry that would leave the archive's folder
  (`..`, absolute paths), or an archive bigger than `MAX_UNCOMPRESSED` bytes.
- `write_dbc(notebooks) -> bytes`: the reverse, for `(path, notebook)` pairs (path without
  extension; the notebook's `metadata.databricks.language` picks the extension, else
  python). Folder entries are written for every parent folder. The output is deterministic
  (fixed entry times, ids derived from the paths), so the same notebooks give the same bytes.
"""

from __future__ import annotations

import io
import json
import posixpath
import uuid
import zipfile

from nbformat import NotebookNode

from .commands import (
    LANGUAGES,
    META,
    cell_title,
    cell_to_command,
    command_to_cell,
    new_notebook,
    notebook_language,
    python_kernel_metadata,
)

MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_ENTRIES = 10_000

_NAMESPACE = uuid.UUID("5b0e6d1c-3f7e-4d0c-9a39-6f3a1d2e8c41")
_EPOCH = (1980, 1, 1, 0, 0, 0)


class DbcFormatError(ValueError):
    """The bytes are not a Databricks archive we can read safely."""


def read_dbc(data: bytes, skipped: list[str] | None = None) -> list[tuple[str, NotebookNode]]:
    """Every notebook in a `.dbc` archive, as (path without extension, notebook)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise DbcFormatError("Not a Databricks archive: the file is not a zip.") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise DbcFormatError(f"The archive has more than {MAX_ENTRIES} entries.")
        if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED:
            raise DbcFormatError(
                f"The archive unpacks to more than {MAX_UNCOMPRESSED // (1024 * 1024)} MB."
            )
        notebooks = []
        for info in infos:
            if info.is_dir():
                continue
            name = safe_entry_name(info.filename)
            stem, ext = posixpath.splitext(name)
            language = ext[1:].lower()
            if language not in LANGUAGES:
                if skipped is not None:
                    skipped.append(name)
                continue
            try:
                payload = json.loads(archive.read(info).decode("utf-8-sig"))
            except (ValueError, UnicodeDecodeError, zipfile.BadZipFile):
                payload = None
            if not isinstance(payload, dict) or not isinstance(payload.get("commands"), list):
                if skipped is not None:
                    skipped.append(name)
                continue
            notebooks.append((stem, _notebook_from_json(payload, language)))
        return notebooks


def safe_entry_name(name: str) -> str:
    """An archive entry's name as a relative POSIX path, or an error if it would escape."""
    cleaned = name.replace("\\", "/")
    parts = [p for p in cleaned.split("/") if p not in ("", ".")]
    if cleaned.startswith("/") or ":" in (parts[0] if parts else "") or ".." in parts:
        raise DbcFormatError(f"The archive entry {name!r} points outside the archive's folder.")
    if not parts:
        raise DbcFormatError(f"The archive entry {name!r} has no name.")
    return "/".join(parts)


def _notebook_from_json(payload: dict, language: str) -> NotebookNode:
    language = str(payload.get("language") or language).lower()
    if language not in LANGUAGES:
        language = "python"
    commands = [c for c in payload["commands"] if isinstance(c, dict) and "command" in c]
    commands.sort(key=lambda c: float(c.get("position") or 0))
    cells = []
    for command in commands:
        title = command.get("commandTitle") or None
        cell = command_to_cell(
            str(command.get("command") or ""),
            language,
            title=title,
            show_title=bool(command.get("showCommandTitle")),
        )
        hidden = {}
        if command.get("hideCommandCode"):
            hidden["source_hidden"] = True
        if command.get("hideCommandResult"):
            hidden["outputs_hidden"] = True
        if hidden:
            cell.metadata["jupyter"] = hidden
        cells.append(cell)
    nb = new_notebook(cells=cells)
    nb.metadata[META] = {"language": language, "name": str(payload.get("name") or "")}
    python_kernel_metadata(nb)
    return nb


def write_dbc(notebooks: list[tuple[str, NotebookNode | dict]]) -> bytes:
    """A `.dbc` archive holding the notebooks, each at its path (no extension) + language."""
    buffer = io.BytesIO()
    folders: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, nb in notebooks:
            stem = safe_entry_name(path)
            parent = posixpath.dirname(stem)
            missing = []
            while parent and parent not in folders:
                missing.append(parent)
                folders.add(parent)
                parent = posixpath.dirname(parent)
            for folder in reversed(missing):
                archive.writestr(zipfile.ZipInfo(folder + "/", _EPOCH), b"")
            language = notebook_language(nb)
            payload = _notebook_to_json(stem, nb, language)
            info = zipfile.ZipInfo(f"{stem}.{language}", _EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
    return buffer.getvalue()


def _notebook_to_json(stem: str, nb: NotebookNode | dict, language: str) -> dict:
    name = posixpath.basename(stem)
    guid = uuid.uuid5(_NAMESPACE, stem)
    commands = []
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") in ("code", "markdown", "raw")]
    for i, cell in enumerate(cells):
        if cell.get("cell_type") == "raw":
            cell = {**cell, "cell_type": "code"}
        title, show_title = cell_title(cell)
        hidden = cell.get("metadata", {}).get("jupyter", {}) or {}
        command_guid = uuid.uuid5(guid, str(i))
        commands.append(
            {
                "version": "CommandV1",
                "origId": command_guid.int % 10**15,
                "guid": str(command_guid),
                "subtype": "command",
                "commandType": "auto",
                "position": float(i + 1),
                "command": cell_to_command(cell, language),
                "commandVersion": 0,
                "state": "finished",
                "results": None,
                "errorSummary": None,
                "error": None,
                "workflows": [],
                "startTime": 0,
                "submitTime": 0,
                "finishTime": 0,
                "collapsed": False,
                "bindings": {},
                "inputWidgets": {},
                "displayType": "table",
                "width": "auto",
                "height": "auto",
                "xColumns": None,
                "yColumns": None,
                "pivotColumns": None,
                "pivotAggregation": None,
                "useConsistentColors": False,
                "customPlotOptions": {},
                "commentThread": [],
                "commentsVisible": False,
                "parentHierarchy": [],
                "diffInserts": [],
                "diffDeletes": [],
                "globalVars": {},
                "latestUser": "",
                "latestUserId": None,
                "commandTitle": title or "",
                "showCommandTitle": bool(title) and show_title,
                "hideCommandCode": bool(hidden.get("source_hidden")),
                "hideCommandResult": bool(hidden.get("outputs_hidden")),
                "isLockedInExamMode": False,
                "iPythonMetadata": None,
                "streamStates": {},
                "nuid": str(uuid.uuid5(command_guid, "nuid")),
            }
        )
    return {
        "version": "NotebookV1",
        "origId": guid.int % 10**15,
        "name": name,
        "language": language,
        "commands": commands,
        "dashboards": [],
        "guid": str(guid),
        "globalVars": {},
        "iPythonMetadata": None,
        "inputWidgets": {},
    }
