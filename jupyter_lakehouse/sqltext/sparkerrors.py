"""What a Spark error says, without the JVM stack: error class, SQLSTATE, message, position.

A Spark Connect error carries its error class, SQLSTATE and query context (start and stop index
in the SQL text); that is all a user needs to fix a query. The kernel prints it with a caret
(kernel/sparkerrors.py); the SQL editor puts a marker at it (services/sql/).
"""

from __future__ import annotations

import re
from typing import Any

from .split import line_column

# Cut at the first of these: what follows is for Spark's developers, not the query's author.
# Spark appends the analyzed plan after ";\n" to analysis errors.
_NOISE = ("\n\nJVM stacktrace:", "\nJVM stacktrace:", "\n\nGrpc", "\n== SQL", ";\n")


def call(e: Any, *names: str) -> Any:
    """The first truthy answer of the error's getters `names` (pyspark versions differ)."""
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


def condition(e: BaseException) -> str | None:
    return call(e, "getCondition", "getErrorClass")


def sqlstate(e: BaseException) -> str | None:
    return call(e, "getSqlState")


# Where Spark's message says the error is: "(line 2, pos 12)" (parser), "; line 1 pos 7"
# (analyzer). Lines count from 1, positions from 0, within the statement.
_WHERE = re.compile(r"\s*(?:\(line (\d+), pos (\d+)\)|;?\s*line (\d+),? pos (\d+))\s*$")


def message(e: BaseException) -> str:
    """The summary without the `[CLASS]` prefix, the SQLSTATE and the position, which travel
    on their own."""
    text = summary(e)
    cls, state = condition(e), sqlstate(e)
    if cls and text.startswith(f"[{cls}]"):
        text = text[len(cls) + 2 :].strip()
    if state:
        text = text.replace(f"SQLSTATE: {state}", "").strip()
    text = _WHERE.sub("", text).strip().rstrip(";").strip()
    return text or type(e).__name__


def _message_position(e: BaseException, sql: str | None) -> tuple[int, int] | None:
    """The position the message names, as (start, stop) offsets into `sql`: the parser puts
    no query context on its errors, only "(line L, pos P)" in the text."""
    match = _WHERE.search(summary(e))
    if match is None or sql is None:
        return None
    line, pos = (int(g) for g in (match.group(1, 2) if match.group(1) else match.group(3, 4)))
    lines = sql.split("\n")
    if not 1 <= line <= len(lines):
        return None
    start = sum(len(x) + 1 for x in lines[: line - 1]) + min(pos, len(lines[line - 1]))
    # The token there, as far as the next blank (at least one character).
    rest = sql[start:]
    word = re.match(r"\S+", rest)
    return start, start + max(1, len(word.group(0)) if word else 1) - 1


def _index(ctx: Any, name: str) -> int | None:
    # Not through `call`: an index of 0 is an answer, not a missing one.
    fn = getattr(ctx, name, None)
    try:
        value = fn() if callable(fn) else None
    except Exception:
        return None
    return value if isinstance(value, int) else None


def position(e: Any, sql: str | None = None) -> tuple[int, int] | None:
    """(start, stop) character offsets into the SQL text `sql`, when Spark says where."""
    for ctx in call(e, "getQueryContext") or []:
        start, stop = _index(ctx, "startIndex"), _index(ctx, "stopIndex")
        if start is not None and stop is not None and 0 <= start <= stop:
            return start, stop
    return _message_position(e, sql)


def is_spark_error(e: BaseException) -> bool:
    return any(cls.__module__.startswith("pyspark.errors") for cls in type(e).__mro__)


def is_cancellation(e: BaseException) -> bool:
    """A Spark error that only says the work was cancelled (a cancel button)."""
    return is_spark_error(e) and condition(e) == "OPERATION_CANCELED"


def error_info(
    e: BaseException,
    statement: str | None = None,
    text: str | None = None,
    offset: int = 0,
    origin: tuple[int, int] = (1, 1),
) -> dict:
    """The error as the SQL editor shows it. `statement` is the SQL Spark ran; it starts at
    `offset` in `text` (the whole submitted text, the statement itself by default), and `text`
    starts at `origin`, the (line, column) in its file. Positions are the file's, 1-based;
    `end_line`/`end_column` are just past the failing part."""
    info: dict[str, Any] = {
        "error_class": condition(e),
        "sqlstate": sqlstate(e),
        "message": message(e),
        "line": None,
        "column": None,
        "end_line": None,
        "end_column": None,
    }
    if text is None:
        text, offset = statement, 0
    where = position(e, statement)
    if text is not None and where is not None:
        start, stop = where
        for key, at in (("", offset + start), ("end_", offset + stop + 1)):
            line, column = line_column(text, at)
            if line == 1:
                column += origin[1] - 1
            info[f"{key}line"], info[f"{key}column"] = line + origin[0] - 1, column
    return info
