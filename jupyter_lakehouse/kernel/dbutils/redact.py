"""Secret values never reach a notebook's outputs: every text on its way out is redacted.

Databricks shows `[REDACTED]` wherever a secret fetched with `dbutils.secrets.get` would appear
in an output. Here the same happens at the kernel's exits: stdout/stderr writes, display data,
execute results and error tracebacks. A value printed split across two writes, or hidden inside
a binary payload (an image, the Arrow bytes of a result table), is not recognized.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

REDACTED = "[REDACTED]"


class Redactor:
    def __init__(self) -> None:
        self.values: set[str] = set()
        self._undo: list[tuple[Any, str, Any]] = []

    def add(self, value: str) -> None:
        if value:
            self.values.add(value)

    def text(self, text: str) -> str:
        if not self.values or not isinstance(text, str):
            return text
        # Longest first, so a secret that contains another is replaced whole.
        for value in sorted(self.values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, REDACTED)
        return text

    def data(self, data: Any) -> Any:
        """A MIME bundle (or any JSON value) with every string redacted."""
        if not self.values:
            return data
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, dict):
            return {k: self.data(v) for k, v in data.items()}
        if isinstance(data, list):
            return [self.data(v) for v in data]
        return data

    # -- hooks ------------------------------------------------------------------------------

    def _patch(self, owner: Any, name: str, wrapper: Any) -> None:
        had = name in vars(owner)
        self._undo.append((owner, name, vars(owner)[name] if had else None))
        setattr(owner, name, wrapper)

    def install(self, shell: Any) -> None:
        for stream in (sys.stdout, sys.stderr):
            write = stream.write
            self._patch(stream, "write", lambda text, _write=write: _write(self.text(text)))
        publish = shell.display_pub.publish
        self._patch(
            shell.display_pub,
            "publish",
            lambda data, metadata=None, *a, **kw: publish(self.data(data), metadata, *a, **kw),
        )
        hook = shell.displayhook
        write_format_data = hook.write_format_data
        self._patch(
            hook,
            "write_format_data",
            lambda fmt, md=None: write_format_data(self.data(fmt), md),
        )
        show = shell._showtraceback
        self._patch(
            shell,
            "_showtraceback",
            lambda etype, evalue, stb: show(etype, _Text(self.text(str(evalue))), self.data(stb)),
        )

    def uninstall(self) -> None:
        for owner, name, previous in reversed(self._undo):
            if previous is None:
                with contextlib.suppress(AttributeError):
                    delattr(owner, name)
            else:
                setattr(owner, name, previous)
        self._undo.clear()


class _Text:
    """An exception value reduced to its (redacted) text, for the error message's `evalue`."""

    def __init__(self, text: str) -> None:
        self._text = text

    def __str__(self) -> str:
        return self._text
