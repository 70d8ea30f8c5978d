"""Secrets in one JSON file under the workspace home, readable only by its owner (0600).

`{"scopes": {scope: {key: value}}}`. Writes go to a temporary file created 0600 and renamed
over the old one, so a reader never sees half a file and the value is never world-readable,
not even for a moment. Plain Python: no kernel or server needed.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from pathlib import Path

FILE_NAME = "secrets.json"


def secrets_path(home: Path) -> Path:
    return Path(home) / FILE_NAME


class SecretStoreError(Exception):
    pass


class SecretStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            return {}
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise SecretStoreError(
                f"{self.path} is readable by other users; make it private first "
                f"(chmod 600 {self.path})"
            )
        scopes = json.loads(self.path.read_text() or "{}").get("scopes", {})
        return {str(s): {str(k): str(v) for k, v in keys.items()} for s, keys in scopes.items()}

    def _save(self, scopes: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".secrets-")  # created 0600
        try:
            with os.fdopen(fd, "w") as f:
                json.dump({"scopes": scopes}, f, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def put(self, scope: str, key: str, value: str) -> None:
        if not scope or not key:
            raise SecretStoreError("a secret needs a scope and a key")
        scopes = self._load()
        scopes.setdefault(scope, {})[key] = value
        self._save(scopes)

    def delete(self, scope: str, key: str) -> bool:
        scopes = self._load()
        if key not in scopes.get(scope, {}):
            return False
        del scopes[scope][key]
        if not scopes[scope]:
            del scopes[scope]
        self._save(scopes)
        return True

    def get(self, scope: str, key: str) -> str | None:
        return self._load().get(scope, {}).get(key)

    def scopes(self) -> list[str]:
        return sorted(self._load())

    def keys(self, scope: str) -> list[str] | None:
        """The scope's keys (never values), or None if there is no such scope."""
        keys = self._load().get(scope)
        return None if keys is None else sorted(keys)
