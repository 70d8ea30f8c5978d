"""One Databricks command's text <-> one Jupyter cell, for a notebook of a given language.

A Databricks notebook is a list of *commands*. A command's text either is in the notebook's
language, or starts with a magic line (`%md`, `%sql`, `%scala`, `%r`, `%python`, `%sh`,
`%fs`, `%pip`, `%conda`, `%run`, `%md-sandbox`). Both file formats hold the same texts:
a `.dbc` stores them as they are, a source file writes magic commands as `MAGIC` comments.

In the Jupyter notebook every cell says its own language, because our kernel is IPython and
makes a `%sql`/`%scala`/`%r` first line a whole-cell language:

- `%md` commands are markdown cells (the `%md` line dropped);
- Python commands are plain code cells (a `%python` line dropped);
- every other command is a code cell whose first line is its magic, so in a SQL notebook a
  plain command `SELECT 1` is the cell `%sql\\nSELECT 1`.

`command_to_cell` and `cell_to_command` are exact inverses for every command text Databricks
writes; the few spellings that the cell text alone cannot tell apart (an explicit `%sql`
command in a SQL notebook, `%md-sandbox`, `%md` with its text on the same line, titles) are
kept in the cell's `metadata.databricks`.
"""

from __future__ import annotations

import re

from nbformat import NotebookNode
from nbformat.v4.nbbase import random_cell_id

LANGUAGES = ("python", "sql", "scala", "r")

# Magics Databricks understands as the first line of a command.
MAGICS = frozenset(
    {"md", "md-sandbox", "sql", "scala", "r", "python", "sh", "fs", "pip", "conda", "run"}
)

_MAGIC_LINE = re.compile(r"^%([A-Za-z][\w-]*)(?=\s|$)")

# The key under which cells and notebooks keep what the cell text cannot say.
META = "databricks"


def new_code_cell(source: str) -> NotebookNode:
    # nbformat's own constructors validate each cell (and the notebook) against the schema:
    # most of the time a 1000-cell notebook took to read. These are valid by construction, and
    # the contents manager and nbformat.write validate what they serve and store.
    return NotebookNode(
        id=random_cell_id(),
        cell_type="code",
        metadata=NotebookNode(),
        execution_count=None,
        source=source,
        outputs=[],
    )


def new_markdown_cell(source: str) -> NotebookNode:
    return NotebookNode(
        id=random_cell_id(), cell_type="markdown", metadata=NotebookNode(), source=source
    )


def new_notebook(cells: list[NotebookNode]) -> NotebookNode:
    """An nbformat 4.5 notebook of these cells."""
    return NotebookNode(nbformat=4, nbformat_minor=5, metadata=NotebookNode(), cells=cells)


def magic_of(text: str) -> str | None:
    """The Databricks magic a command (or cell) text starts with, e.g. 'sql', else None."""
    match = _MAGIC_LINE.match(text)
    if match and match.group(1) in MAGICS:
        return match.group(1)
    return None


def command_to_cell(
    text: str, language: str, *, title: str | None = None, show_title: bool = False
) -> NotebookNode:
    """The Jupyter cell for one command text of a `language` notebook."""
    magic = magic_of(text)
    first, newline, rest = text.partition("\n")
    meta: dict = {}
    if magic in ("md", "md-sandbox"):
        if first != f"%{magic}":
            # `%md # Title`: the text starts on the magic line.
            meta["inline"] = True
            rest = first[len(magic) + 2 :] + newline + rest
        if magic == "md-sandbox":
            meta["magic"] = "%md-sandbox"
        cell = new_markdown_cell(rest)
    elif magic == "python" and first == "%python" and newline:
        if language == "python":
            meta["explicit_magic"] = True
        cell = new_code_cell(rest)
    elif magic is None:
        if language == "python":
            cell = new_code_cell(text)
        else:
            # A plain command is in the notebook's language: say so for the kernel.
            cell = new_code_cell(f"%{language}\n{text}")
    else:
        if magic == language and first == f"%{language}":
            meta["explicit_magic"] = True
        cell = new_code_cell(text)
    if title is not None:
        meta["title"] = title
        meta["show_title"] = bool(show_title)
    if meta:
        cell.metadata[META] = meta
    return cell


def cell_to_command(cell: NotebookNode | dict, language: str) -> str:
    """The command text for one Jupyter cell in a `language` notebook (inverse of the above)."""
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(source)
    meta = cell.get("metadata", {}).get(META, {}) or {}
    if cell.get("cell_type") == "markdown":
        magic = meta.get("magic", "%md")
        if meta.get("inline") and source:
            return f"{magic} {source}"
        return f"{magic}\n{source}" if source else magic
    magic = magic_of(source)
    if magic is None:
        # Python code.
        if language == "python" and not meta.get("explicit_magic"):
            return source
        return f"%python\n{source}"
    first, _, rest = source.partition("\n")
    if magic == language and first == f"%{language}" and not meta.get("explicit_magic"):
        return rest
    return source


def cell_title(cell: NotebookNode | dict) -> tuple[str | None, bool]:
    """The cell's Databricks title and whether it is shown, if it has one."""
    meta = cell.get("metadata", {}).get(META, {}) or {}
    title = meta.get("title")
    if title is None:
        return None, False
    return str(title), bool(meta.get("show_title", True))


def python_kernel_metadata(nb: NotebookNode) -> None:
    """Every Databricks notebook runs on the IPython kernel: %sql/%scala/%r cells included."""
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.metadata["kernelspec"]["language"] = "python"
    nb.metadata["language_info"] = {"name": "python"}


def notebook_language(nb: NotebookNode | dict, default: str = "python") -> str:
    """The Databricks language a notebook was read from (or should be written in)."""
    language = (nb.get("metadata", {}).get(META, {}) or {}).get("language", default)
    return language if language in LANGUAGES else default
