"""Reading cluster logs: the tail for the panel, and the one line that explains a failed start."""

from __future__ import annotations

import os
import re
from pathlib import Path

MAX_TAIL = 10_000
_BLOCK = 64 * 1024

_MAIN_EXCEPTION = re.compile(r'^Exception in thread "main" (.+)$')
_LOG_ERROR = re.compile(r"^\d\d/\d\d/\d\d \d\d:\d\d:\d\d ERROR [\w$.]+: (.*)$")
_EXCEPTION_LINE = re.compile(r"^(?:Caused by: )?([\w$]+\.)*[\w$]*(Exception|Error)\b(: .*)?$")
_STACK_LINE = re.compile(r"^\s+(at |\.\.\. \d+ more)")
_JVM_FAILED = "Could not create the Java Virtual Machine"
_PACKAGE_PREFIX = re.compile(r"^(?:Caused by: )?(?:[a-z_][\w$]*\.)+(?=[A-Z])")
_UI_PORT = re.compile(r"Successfully started service 'SparkUI' on port (\d+)")
_OUR_MARK = "[jupyter-lakehouse]"


def tail(path: Path, lines: int) -> list[str]:
    """The last `lines` lines of a file, read from its end (logs can grow large)."""
    if lines <= 0:
        return []
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            end = f.tell()
            data = b""
            pos = end
            while pos > 0 and data.count(b"\n") <= lines:
                step = min(_BLOCK, pos)
                pos -= step
                f.seek(pos)
                data = f.read(step) + data
    except FileNotFoundError:
        return []
    text = data.decode("utf-8", errors="replace")
    out = text.splitlines()
    return out[-lines:]


def _short(line: str, limit: int = 600) -> str:
    line = _PACKAGE_PREFIX.sub("", line.strip())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def startup_error(lines: list[str], *, fallback: bool = True) -> str | None:
    """The most meaningful error line of a Spark process that failed, if any.

    With fallback=False only a real error (an exception, an ERROR line) counts; otherwise the
    last line of the log stands in when nothing better is there.
    """
    # Only the last run counts: the launcher stamps each start into the log.
    for i in range(len(lines) - 1, -1, -1):
        if lines[i].startswith(_OUR_MARK):
            lines = lines[i + 1 :]
            break

    for line in lines:
        match = _MAIN_EXCEPTION.match(line)
        if match:
            return _short(match.group(1))

    if any(_JVM_FAILED in line for line in lines):
        for line in lines:
            if line.strip() and not line.startswith(("Error:", "WARNING")):
                return _short(f"The JVM could not start: {line}")
        return _short(_JVM_FAILED)

    for i, line in enumerate(lines):
        match = _LOG_ERROR.match(line)
        if not match:
            continue
        context = match.group(1).rstrip(".")
        for follow in lines[i + 1 : i + 40]:
            if _EXCEPTION_LINE.match(follow.strip()):
                return _short(f"{context}: {_short(follow)}")
            if _LOG_ERROR.match(follow) or not (_STACK_LINE.match(follow) or not follow.strip()):
                break
        return _short(context)

    for line in lines:
        if line.startswith(("Error:", "error:")):
            return _short(line)
    if not fallback:
        return None
    for line in reversed(lines):
        if line.strip() and not _STACK_LINE.match(line):
            return _short(line)
    return None


def ui_port_from_log(lines: list[str]) -> int | None:
    """The port Spark really bound its UI to (it moves up when the chosen one was taken)."""
    for line in reversed(lines):
        match = _UI_PORT.search(line)
        if match:
            return int(match.group(1))
    return None
