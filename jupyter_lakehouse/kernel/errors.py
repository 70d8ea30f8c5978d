"""Errors shown in a notebook as a short message instead of a traceback dump."""

from __future__ import annotations


class NotebookError(Exception):
    """An error whose message is all the user needs; IPython shows it without a traceback."""

    title = "Lakehouse error"

    def __init__(self, message: str, *, title: str | None = None):
        super().__init__(message)
        self.message = message
        if title:
            self.title = title

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of formatting the stack (see InteractiveShell.showtraceback).
        return [f"\x1b[0;31m{self.title}\x1b[0m: {self.message}"]


class NoClusterError(NotebookError):
    title = "No cluster"


class SparkCellError(NotebookError):
    """A Spark error already described in lines (error class, SQLSTATE, caret)."""

    def __init__(self, lines: list[str], *, cancelled: bool = False):
        super().__init__(lines[0] if lines else "Spark error")
        self.lines = lines
        self.cancelled = cancelled

    def _render_traceback_(self) -> list[str]:
        return self.lines
