"""Databricks *source* notebooks (`.py`, `.sql`, `.scala`, `.r`) <-> Jupyter notebooks.

Contract (the kernel's %run and dbutils.notebook.run import these):

- `detect(text, filename=None) -> 'python' | 'sql' | 'scala' | 'r' | None`: the language of a
  Databricks source notebook, from its first line (`# Databricks notebook source`,
  `-- Databricks notebook source`, `// Databricks notebook source`); `#` is R when the file
  name ends in `.r`/`.R`, else Python. None for any other text.
- `read_source(text, language=None, filename=None) -> NotebookNode` (nbformat 4): one cell per
  command (commands are separated by `COMMAND ----------` lines). `MAGIC %md` commands become
  markdown cells; other magic commands and every command of a SQL, Scala or R notebook become
  code cells whose first line is their magic (`%sql`, `%scala`, `%r`, `%sh`, `%fs`, `%pip`,
  `%run` ...), which our kernel runs; Python commands are plain code cells. `DBTITLE` lines
  are kept as `metadata.databricks.title`/`show_title` on the cell; the notebook keeps its
  source language (and the file's spelling details) in `metadata.databricks`. Raises
  `SourceFormatError` (a ValueError) for text that is not a Databricks source notebook.
- `write_source(nb, language=None) -> str`: the exact reverse. A file Databricks wrote reads
  and writes back byte for byte; a notebook made in JupyterLab writes as Databricks does.
  `language` defaults to the notebook's `metadata.databricks.language`, else Python.
- `SOURCE_EXTENSIONS`: file extension -> language.
"""

from __future__ import annotations

import re

from nbformat import NotebookNode

from .commands import (
    META,
    cell_title,
    cell_to_command,
    command_to_cell,
    magic_of,
    new_notebook,
    notebook_language,
    python_kernel_metadata,
)

SOURCE_EXTENSIONS = {".py": "python", ".sql": "sql", ".scala": "scala", ".r": "r", ".R": "r"}
LANGUAGE_EXTENSIONS = {"python": ".py", "sql": ".sql", "scala": ".scala", "r": ".r"}

_COMMENT = {"python": "#", "r": "#", "sql": "--", "scala": "//"}
_HEADER = "Databricks notebook source"
_HEADER_LINE = re.compile(r"^(#|--|//) Databricks notebook source[ \t]*$")
_TITLE_LINE = re.compile(r"^DBTITLE (\d+),(.*)$")


class SourceFormatError(ValueError):
    """The text is not a Databricks source notebook."""


def detect(text: str, filename: str | None = None) -> str | None:
    """The language of a Databricks source notebook, or None if `text` is not one."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    match = _HEADER_LINE.match(first)
    if not match:
        return None
    comment = match.group(1)
    if comment == "--":
        return "sql"
    if comment == "//":
        return "scala"
    if filename and filename.lower().endswith(".r"):
        return "r"
    return "python"


def read_source(
    text: str, language: str | None = None, filename: str | None = None
) -> NotebookNode:
    """A Jupyter notebook from a Databricks source notebook's text."""
    found = detect(text, filename)
    if found is None:
        raise SourceFormatError(
            "Not a Databricks source notebook: the first line must be "
            f"'# {_HEADER}' (or '-- …' for SQL, '// …' for Scala)."
        )
    language = language or found
    comment = _COMMENT[language]
    style: dict = {"language": language}
    if text.startswith("\ufeff"):
        style["bom"] = True
        text = text[1:]
    if "\r\n" in text:
        style["newline"] = "\r\n"
        text = text.replace("\r\n", "\n")
    header, _, body = text.partition("\n")
    if header != f"{comment} {_HEADER}":
        style["header"] = header
    if text.endswith("\n"):
        body = body[:-1]
    else:
        style["final_newline"] = False
    chunks = _split_commands(body, comment) if body or text.endswith("\n") else []
    magic = f"{comment} MAGIC"
    cells = []
    for lines in chunks:
        title = show_title = None
        title_match = _TITLE_LINE.match(lines[0][len(comment) + 1 :]) if lines else None
        if title_match and lines[0].startswith(f"{comment} "):
            show_title = title_match.group(1) != "0"
            title = title_match.group(2)
            lines = lines[1:]
        command, blank = _unmagic(lines, magic)
        if blank == " ":
            style["magic_blank"] = f"{magic} "
        cells.append(command_to_cell(command, language, title=title, show_title=show_title))
    nb = new_notebook(cells=cells)
    nb.metadata[META] = style
    python_kernel_metadata(nb)
    return nb


def _split_commands(body: str, comment: str) -> list[list[str]]:
    """The commands' lines: split on `COMMAND ----------` lines, minus the blank line
    Databricks writes on each side of one (hand-written files may lack them)."""
    separator = re.compile(rf"^{re.escape(comment)} COMMAND -+[ \t]*$")
    chunks: list[list[str]] = [[]]
    for line in body.split("\n"):
        if separator.match(line):
            chunks.append([])
        else:
            chunks[-1].append(line)
    for i, lines in enumerate(chunks):
        if i > 0 and lines and lines[0] == "":
            del lines[0]
        if i < len(chunks) - 1 and lines and lines[-1] == "":
            del lines[-1]
    return chunks


def _unmagic(lines: list[str], magic: str) -> tuple[str, str | None]:
    """A command's text from its lines: MAGIC prefixes removed when every line has one.

    Also says how blank MAGIC lines were spelled (`' '` for `# MAGIC ` with a space, which
    older Databricks releases wrote), so they are written back the same way.
    """
    blank = None
    if not lines or not lines[0].startswith(magic):
        return "\n".join(lines), blank
    out = []
    for line in lines:
        if line == magic:
            out.append("")
        elif line == f"{magic} ":
            blank = " "
            out.append("")
        elif line.startswith(f"{magic} "):
            out.append(line[len(magic) + 1 :])
        else:
            # A command whose lines are not all MAGIC lines is plain code that happens to
            # start with such a comment: keep it as it is.
            return "\n".join(lines), None
    return "\n".join(out), blank


def write_source(nb: NotebookNode | dict, language: str | None = None) -> str:
    """A Databricks source notebook's text from a Jupyter notebook."""
    style = nb.get("metadata", {}).get(META, {}) or {}
    language = language or notebook_language(nb)
    if language not in _COMMENT:
        raise SourceFormatError(f"Unknown Databricks notebook language {language!r}.")
    comment = _COMMENT[language]
    same_language = style.get("language", language) == language
    magic = f"{comment} MAGIC"
    blank = style.get("magic_blank", magic) if same_language else magic
    header = style.get("header", f"{comment} {_HEADER}") if same_language else None
    chunks = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") not in ("code", "markdown", "raw"):
            continue
        command = cell_to_command(_as_code(cell), language)
        lines = []
        title, show_title = cell_title(cell)
        if title is not None:
            lines.append(f"{comment} DBTITLE {1 if show_title else 0},{title}")
        if cell.get("cell_type") == "markdown" or magic_of(command) is not None:
            lines.extend(f"{magic} {line}" if line else blank for line in command.split("\n"))
        else:
            lines.append(command)
        chunks.append("\n".join(lines))
    text = (header or f"{comment} {_HEADER}") + "\n"
    text += f"\n\n{comment} COMMAND ----------\n\n".join(chunks)
    if style.get("final_newline", True) or not same_language:
        text += "\n"
    if same_language and style.get("newline") == "\r\n":
        text = text.replace("\n", "\r\n")
    if same_language and style.get("bom"):
        text = "\ufeff" + text
    return text


def _as_code(cell: NotebookNode | dict) -> NotebookNode | dict:
    # Raw cells have no language of their own: they travel as code in the notebook's.
    if cell.get("cell_type") == "raw":
        return {**cell, "cell_type": "code"}
    return cell
