"""A kernel execution's IOPub messages as one Livy statement `output`.

Livy answers `{"status": "ok", "execution_count", "data": {mime: value}}` or
`{"status": "error", "execution_count", "ename", "evalue", "traceback"}`. sparkmagic shows the
first of image/png, text/html, application/json, text/plain, and parses text/plain as JSON lines
for SQL results: so stderr (warnings) goes to the session log, never into the output, and ANSI
colours are stripped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...kernel.livy import SETUP_MIME
from ...kernel.progress import PROGRESS_MIME

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# Rich types a Livy client may show; the lakehouse's own table MIME type is not one of them.
RICH_TYPES = ("image/png", "text/html", "application/json", "text/markdown", "image/svg+xml")


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


@dataclass
class Collected:
    """What one execution sent on IOPub, folded as it arrives."""

    text: str = ""
    rich: dict[str, Any] = field(default_factory=dict)
    error: dict | None = None
    stderr: str = ""
    progress: float = 0.0
    setup: dict | None = None

    def add(self, msg: dict) -> None:
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            if content.get("name") == "stderr":
                self.stderr += content.get("text", "")
            else:
                self.text += content.get("text", "")
        elif kind in ("display_data", "execute_result", "update_display_data"):
            self._data(content.get("data") or {})
        elif kind == "error":
            self.error = content
        elif kind == "clear_output":
            self.text = ""

    def _data(self, data: dict) -> None:
        if SETUP_MIME in data:
            self.setup = data[SETUP_MIME]
            return
        if PROGRESS_MIME in data:
            snapshot = data[PROGRESS_MIME] or {}
            total = snapshot.get("tasks_total") or 0
            if total:
                self.progress = max(self.progress, min(1.0, snapshot.get("tasks_done", 0) / total))
            return
        rich = {mime: data[mime] for mime in RICH_TYPES if mime in data}
        plain = data.get("text/plain")
        if rich:
            # The last rich output wins; its own text/plain is the fallback a client may show.
            if isinstance(plain, str):
                rich["text/plain"] = strip_ansi(plain)
            self.rich = rich
        elif isinstance(plain, str) and plain:
            # A value (`1+1`) reads as its text after what was printed, as in Livy.
            if self.text and not self.text.endswith("\n"):
                self.text += "\n"
            self.text += plain

    def output(self, execution_count: int) -> dict:
        if self.error is not None:
            return error_output(
                execution_count,
                self.error.get("ename") or "Error",
                self.error.get("evalue") or "",
                self.error.get("traceback") or [],
            )
        data: dict[str, Any] = dict(self.rich)
        text = strip_ansi(self.text)
        if text and "text/plain" in data:
            data["text/plain"] = text + ("" if text.endswith("\n") else "\n") + data["text/plain"]
        elif text or not data:
            data["text/plain"] = text
        return {"status": "ok", "execution_count": execution_count, "data": data}


def error_output(execution_count: int, ename: str, evalue: str, traceback: list[str]) -> dict:
    lines = [strip_ansi(line) for line in traceback]
    return {
        "status": "error",
        "execution_count": execution_count,
        "ename": strip_ansi(ename),
        "evalue": strip_ansi(evalue),
        # Livy's traceback is a list of lines that end with a newline.
        "traceback": [line if line.endswith("\n") else line + "\n" for line in lines],
    }
