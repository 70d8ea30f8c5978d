"""DatabricksFormats: `.dbc` and Databricks source notebooks in and out of the served folder.

- `import_notebooks(path, destination=None, overwrite=False)`: a `.dbc` becomes one `.ipynb`
  per notebook inside it, folder structure kept (under `destination`, default the archive's
  folder; an archive without one top folder of its own lands in a folder named after it);
  a Databricks source file becomes `<name>.ipynb` beside it. Nothing is written when any
  target exists, unless `overwrite`.
- `export(path, fmt, destination=None, overwrite=False)`: writes `<name>.dbc` (a notebook or
  a whole folder) or `<name>.py|.sql|.scala|.r` (one notebook) into the served folder.
- `download(path, fmt) -> (file name, media type, bytes)`: the same file, for the browser.

Notebooks are `.ipynb` files or Databricks source files (read as notebooks). Every path is
checked by `paths.ServedRoot`: nothing outside the served folder is read or written.
"""

from __future__ import annotations

import os
import posixpath
import tempfile
from pathlib import Path

import nbformat

from ...databricks import (
    LANGUAGE_EXTENSIONS,
    SOURCE_EXTENSIONS,
    DbcFormatError,
    detect,
    read_dbc,
    read_source,
    write_dbc,
    write_source,
)
from ...databricks.commands import notebook_language
from ..errors import BadRequest, Conflict, NotFound, Unprocessable
from .paths import ServedRoot, clean_api_path

FORMATS = ("dbc", "source")
MAX_INPUT_BYTES = 256 * 1024 * 1024
# Folders an export of a folder never walks into.
_SKIP_DIRS = {".ipynb_checkpoints", ".lakehouse", ".git", "__pycache__", "node_modules"}


class DatabricksFormats:
    def __init__(self, root_dir: str | Path):
        self.root = ServedRoot(root_dir)

    # -- import --------------------------------------------------------------------------

    def import_notebooks(
        self, path: str, destination: str | None = None, overwrite: bool = False
    ) -> dict:
        source = self._existing_file(path)
        api_path = self.root.api_path(source)
        if source.suffix.lower() == ".dbc":
            skipped: list[str] = []
            try:
                notebooks = read_dbc(self._read_bytes(source), skipped)
            except DbcFormatError as e:
                raise Unprocessable(str(e), code="bad_dbc") from None
            if not notebooks:
                raise Unprocessable(f"{api_path} holds no Databricks notebooks.", code="empty_dbc")
            folder = self._import_folder(api_path, destination, [p for p, _ in notebooks])
            targets = [(posixpath.join(folder, f"{p}.ipynb"), nb) for p, nb in notebooks]
        else:
            nb = self._read_source_notebook(source, api_path)
            folder = (
                clean_api_path(destination, what="destination")
                if destination is not None
                else posixpath.dirname(api_path)
            )
            name = posixpath.splitext(posixpath.basename(api_path))[0] + ".ipynb"
            targets, skipped = [(posixpath.join(folder, name), nb)], []
        files = [(self.root.resolve(t, what="destination"), nb) for t, nb in targets]
        self._refuse_existing([f for f, _ in files], overwrite)
        written = []
        for target, nb in files:
            _write_atomic(target, nbformat.writes(nb).encode("utf-8") + b"\n")
            written.append(
                {
                    "path": self.root.api_path(target),
                    "language": notebook_language(nb),
                    "cells": len(nb.cells),
                }
            )
        return {"source": api_path, "destination": folder, "notebooks": written, "skipped": skipped}

    def _import_folder(self, api_path: str, destination: str | None, paths: list[str]) -> str:
        if destination is not None:
            return clean_api_path(destination, what="destination")
        folder = posixpath.dirname(api_path)
        tops = {p.split("/", 1)[0] for p in paths}
        if len(tops) == 1 and all("/" in p for p in paths):
            # A Databricks export of a folder: its entries already sit in that folder.
            return folder
        return posixpath.join(folder, posixpath.splitext(posixpath.basename(api_path))[0])

    # -- export --------------------------------------------------------------------------

    def export(
        self, path: str, fmt: str, destination: str | None = None, overwrite: bool = False
    ) -> dict:
        name, _, data = self.download(path, fmt)
        if destination is None:
            source = self.root.resolve(path)
            parent = self.root.api_path(source.parent) if source != self.root.root else ""
            destination = posixpath.join(parent, name)
        target = self.root.resolve(destination, what="destination")
        if target.is_dir():
            raise Conflict(f"{destination} is a folder.", code="exists")
        self._refuse_existing([target], overwrite)
        _write_atomic(target, data)
        return {"path": self.root.api_path(target), "format": fmt, "size": len(data)}

    def download(self, path: str, fmt: str) -> tuple[str, str, bytes]:
        """(file name, media type, bytes) of a notebook or folder in a Databricks format."""
        if fmt not in FORMATS:
            raise BadRequest(f"'format' must be one of {', '.join(FORMATS)}.", code="bad_format")
        target = self.root.resolve(path)
        if not target.exists():
            raise NotFound(f"No such file or folder: {path}.")
        api_path = self.root.api_path(target) if target != self.root.root else ""
        if fmt == "source":
            if target.is_dir():
                raise BadRequest(
                    "A folder exports as a .dbc archive; Databricks source is one notebook.",
                    code="bad_format",
                )
            nb = self._read_notebook(target, api_path)
            language = notebook_language(nb)
            stem = posixpath.splitext(posixpath.basename(api_path))[0]
            return (
                stem + LANGUAGE_EXTENSIONS[language],
                "text/plain; charset=utf-8",
                write_source(nb, language).encode("utf-8"),
            )
        if target.is_dir():
            base = posixpath.basename(api_path) or "workspace"
            notebooks = [
                (posixpath.join(base, rel), nb) for rel, nb in self._folder_notebooks(target)
            ]
            if not notebooks:
                raise Unprocessable(f"{api_path or 'The folder'} holds no notebooks.", code="empty")
            name = base + ".dbc"
        else:
            stem = posixpath.splitext(posixpath.basename(api_path))[0]
            notebooks = [(stem, self._read_notebook(target, api_path))]
            name = stem + ".dbc"
        return name, "application/zip", write_dbc(notebooks)

    def _folder_notebooks(self, folder: Path) -> list[tuple[str, nbformat.NotebookNode]]:
        found: dict[str, nbformat.NotebookNode] = {}
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
            for filename in sorted(filenames):
                file = Path(dirpath) / filename
                if file.is_symlink() and self._outside(file):
                    continue
                rel = file.relative_to(folder).as_posix()
                key = posixpath.splitext(rel)[0]
                if key in found:
                    continue
                source = file.suffix in SOURCE_EXTENSIONS and _is_source_notebook(file)
                if file.suffix == ".ipynb" or source:
                    found[key] = self._read_notebook(file, rel)
        return sorted(found.items())

    def _outside(self, file: Path) -> bool:
        resolved = file.resolve()
        return resolved != self.root.root and self.root.root not in resolved.parents

    # -- reading -------------------------------------------------------------------------

    def _existing_file(self, path: str) -> Path:
        target = self.root.resolve(path)
        if not target.is_file():
            raise NotFound(f"No such file: {path}.")
        return target

    def _read_bytes(self, file: Path) -> bytes:
        if file.stat().st_size > MAX_INPUT_BYTES:
            raise Unprocessable(
                f"{file.name} is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB.",
                code="too_large",
            )
        return file.read_bytes()

    def _read_notebook(self, file: Path, api_path: str) -> nbformat.NotebookNode:
        if file.suffix == ".ipynb":
            try:
                return nbformat.reads(self._read_bytes(file).decode("utf-8"), as_version=4)
            except Exception as e:  # nbformat raises many kinds for a broken file
                raise Unprocessable(
                    f"{api_path} is not a readable notebook: {e}", code="bad_notebook"
                ) from None
        if file.suffix in SOURCE_EXTENSIONS:
            return self._read_source_notebook(file, api_path)
        raise BadRequest(
            f"{api_path} is not a notebook (.ipynb) or a Databricks source file.",
            code="not_a_notebook",
        )

    def _read_source_notebook(self, file: Path, api_path: str) -> nbformat.NotebookNode:
        if file.suffix not in SOURCE_EXTENSIONS:
            raise BadRequest(
                f"{api_path} is not a .dbc archive or a Databricks source file "
                "(.py, .sql, .scala, .r).",
                code="not_a_notebook",
            )
        try:
            text = self._read_bytes(file).decode("utf-8")
        except UnicodeDecodeError:
            text = ""
        if detect(text, file.name) is None:
            raise Unprocessable(
                f"{api_path} is not a Databricks source notebook (its first line is not "
                "'# Databricks notebook source').",
                code="not_databricks",
            )
        return read_source(text, filename=file.name)

    def _refuse_existing(self, targets: list[Path], overwrite: bool) -> None:
        if overwrite:
            return
        existing = [self.root.api_path(t) for t in targets if t.exists()]
        if existing:
            raise Conflict(
                f"{len(existing)} file(s) exist already: {', '.join(existing[:5])}"
                + (" …" if len(existing) > 5 else "")
                + ". Import again with overwrite to replace them.",
                code="exists",
                detail={"existing": existing},
            )


def _is_source_notebook(file: Path) -> bool:
    try:
        with file.open("r", encoding="utf-8") as f:
            return detect(f.readline(), file.name) is not None
    except (OSError, UnicodeDecodeError):
        return False


def _write_atomic(target: Path, data: bytes) -> None:
    """Write a file whole or not at all (a reader never sees half a notebook)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
