"""Spark errors in a notebook: error class, SQLSTATE and a caret under the failing position.

What an error says is read by sqltext/sparkerrors.py (shared with the SQL editor); this module
only lays it out as the lines a notebook shows.
"""

from __future__ import annotations

from ..sqltext.sparkerrors import (
    condition,
    is_cancellation,
    is_spark_error,
    message,
    position,
    sqlstate,
    summary,
)

__all__ = ["caret_lines", "describe", "is_cancellation", "is_spark_error", "summary"]

RED, RESET, BOLD = "\x1b[0;31m", "\x1b[0m", "\x1b[1m"


def caret_lines(sql: str, start: int, stop: int) -> list[str]:
    """The line of `sql` holding the error and a row of ^ under the failing part."""
    line_start = sql.rfind("\n", 0, start) + 1
    line_end = sql.find("\n", start)
    line_end = len(sql) if line_end < 0 else line_end
    line_no = sql.count("\n", 0, start) + 1
    width = max(1, min(stop, line_end - 1) - start + 1)
    prefix = f"{line_no:>4} | "
    return [
        prefix + sql[line_start:line_end],
        " " * (len(prefix) + start - line_start) + RED + "^" * width + RESET,
    ]


def describe(e: BaseException, sql: str | None = None) -> list[str]:
    """The lines a notebook shows for a Spark error."""
    if is_cancellation(e):
        return [f"{RED}Cancelled{RESET}: this cell's Spark work was cancelled."]
    cls, state = condition(e), sqlstate(e)
    head = f"{RED}{type(e).__name__}{RESET}"
    if cls:
        head += f" {BOLD}[{cls}]{RESET}"
    lines = [f"{head} {message(e)}"]
    if state:
        lines.append(f"SQLSTATE: {state}")
    where = position(e, sql)
    if sql and where:
        lines.extend(caret_lines(sql, *where))
    return lines
