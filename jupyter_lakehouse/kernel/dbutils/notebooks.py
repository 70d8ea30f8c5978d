"""Finding and reading the notebooks that `%run` and `dbutils.notebook.run` name.

A Databricks path names a notebook without its extension (`./child`, `../lib/setup`), relative
to the calling notebook's folder. Here a notebook is a `.ipynb` file or a Databricks source
file (`.py`, `.sql`, `.scala`, `.r` starting with `Databricks notebook source`).
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from ..errors import NotebookError

NOTEBOOK_EXTENSIONS = (".ipynb", ".py", ".sql", ".scala", ".r")


class NotebookNotFound(NotebookError):
    title = "Notebook not found"


def _is_source_notebook(path: Path) -> bool:
    from ...databricks.source import detect

    try:
        with path.open(encoding="utf-8") as f:
            first = f.readline()
    except (OSError, UnicodeDecodeError):
        return False
    return detect(first, path.name) is not None


def is_notebook(path: Path) -> bool:
    if not path.is_file():
        return False
    if path.suffix == ".ipynb":
        return True
    return path.suffix.lower() in NOTEBOOK_EXTENSIONS and _is_source_notebook(path)


def find_notebook(target: str, base: Path) -> Path | None:
    """The notebook file `target` names (relative to `base`, extension optional), or None."""
    path = Path(target).expanduser()
    if not path.is_absolute():
        path = base / path
    if is_notebook(path):
        return path.resolve()
    if path.suffix.lower() in NOTEBOOK_EXTENSIONS:
        return None  # an explicit extension names exactly that file
    for ext in NOTEBOOK_EXTENSIONS:
        candidate = path.with_name(path.name + ext)
        if is_notebook(candidate):
            return candidate.resolve()
    return None


def require_notebook(target: str, base: Path) -> Path:
    path = find_notebook(target, base)
    if path is None:
        raise NotebookNotFound(
            f"no notebook {target!r} relative to {base} (looked for "
            f"{', '.join(NOTEBOOK_EXTENSIONS)} files; Databricks source files must start with "
            "'# Databricks notebook source')"
        )
    return path


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """The notebook at `path`, converting a Databricks source file on the way."""
    if path.suffix == ".ipynb":
        return nbformat.read(path, as_version=4)
    from ...databricks.source import read_source

    return read_source(path.read_text(encoding="utf-8"), filename=path.name)


def code_cells(nb: nbformat.NotebookNode) -> list[str]:
    return [
        "".join(c.source) if isinstance(c.source, list) else c.source
        for c in nb.cells
        if c.cell_type == "code"
    ]
