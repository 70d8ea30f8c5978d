"""Spark errors as a short message: error class, SQLSTATE and the failing position, no JVM stack.

A Spark Connect error carries its error class, SQLSTATE and query context (start and stop index
in the SQL text); that is all a user needs to fix a query, so only that is shown.
"""

from __future__ import annotations

from typing import Any

RED, RESET, BOLD = "\x1b[0;31m", "\x1b[0m", "\x1b[1m"
# Cut at the first of these: what follows is for Spark's developers, not the notebook's user.
# Spark appends the analyzed plan after ";\n" to analysis errors.
_NOISE = ("\n\nJVM stacktrace:", "\nJVM stacktrace:", "\n\nGrpc", "\n== SQL", ";\n")


def _call(e: Any, *names: str) -> Any:
    for name in names:
        fn = getattr(e, name, None)
        if callable(fn):
            try:
                value = fn()
            except Exception:
                continue
            if value:
                return value
    return None


def summary(e: BaseException) -> str:
    text = str(e).strip()
    for marker in _NOISE:
        text = text.split(marker, 1)[0]
    return text.strip().rstrip(";").strip()


def position(e: Any) -> tuple[int, int] | None:
    """(start, stop) character offsets into the SQL text, when Spark says where."""
    for ctx in _call(e, "getQueryContext") or []:
        start, stop = _call(ctx, "startIndex"), _call(ctx, "stopIndex")
        if isinstance(start, int) and isinstance(stop, int) and 0 <= start <= stop:
            return start, stop
    return None


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
    name = type(e).__name__
    condition = _call(e, "getCondition", "getErrorClass")
    sqlstate = _call(e, "getSqlState")
    message = summary(e)
    if condition and message.startswith(f"[{condition}]"):
        message = message[len(condition) + 2 :].strip()
    if sqlstate:
        message = message.replace(f"SQLSTATE: {sqlstate}", "").strip()
    head = f"{RED}{name}{RESET}"
    if condition:
        head += f" {BOLD}[{condition}]{RESET}"
    lines = [f"{head} {message}"]
    if sqlstate:
        lines.append(f"SQLSTATE: {sqlstate}")
    where = position(e)
    if sql and where:
        lines.extend(caret_lines(sql, *where))
    return lines


def is_spark_error(e: BaseException) -> bool:
    return any(cls.__module__.startswith("pyspark.errors") for cls in type(e).__mro__)


def is_cancellation(e: BaseException) -> bool:
    """A Spark error that only says the work was cancelled (a cell's cancel button)."""
    return is_spark_error(e) and _call(e, "getCondition", "getErrorClass") == "OPERATION_CANCELED"
