"""Databricks' cell habit: a first line of `%sql`, `%scala`, `%r`, `%python` or `%md` makes the
whole cell that language.

IPython only knows `%%sql` for that, so this input transformer rewrites such a cell into the
cell-magic form before IPython looks for magics. It runs on every cell, so it stays cheap.
"""

from __future__ import annotations

# Languages whose first-line marker turns the rest of the cell into a cell magic of that name.
CELL_LANGUAGES = ("sql", "scala", "r", "md", "sh")


def _split_first_line(lines: list[str]) -> tuple[int, str] | None:
    """Index and stripped text of the first non-blank line, or None for an empty cell."""
    for index, line in enumerate(lines):
        if line.strip():
            return index, line.strip()
    return None


def cell_language_transform(lines: list[str]) -> list[str]:
    """Rewrite `%sql …` cells to `%%sql` form; leave every other cell untouched.

    `lines` keep their line endings, as IPython passes them to cleanup transformers.
    """
    first = _split_first_line(lines)
    if first is None:
        return lines
    index, text = first
    if not text.startswith("%") or text.startswith("%%"):
        return lines
    word, _, rest = text[1:].partition(" ")
    if word == "python":
        # `%python` marks a Python cell explicitly: drop the marker, keep the code.
        remainder = [rest + "\n"] if rest.strip() else []
        return lines[:index] + remainder + lines[index + 1 :]
    if word not in CELL_LANGUAGES:
        return lines
    body = lines[index + 1 :]
    head = [rest + "\n"] if rest.strip() else []
    return [f"%%{word}\n", *head, *body]
