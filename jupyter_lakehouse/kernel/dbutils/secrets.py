"""`dbutils.secrets`: the workspace's secret store (jupyter_lakehouse/secrets), read-only, with
every value handed out registered for redaction."""

from __future__ import annotations

from typing import NamedTuple

from ...secrets import SecretStore
from ...secrets.store import SecretStoreError
from ..errors import NotebookError
from .redact import Redactor

HOW_TO_ADD = "python -m jupyter_lakehouse.secrets put {scope} {key}"


class SecretMetadata(NamedTuple):
    key: str


class SecretScope(NamedTuple):
    name: str


class SecretError(NotebookError):
    title = "dbutils.secrets"


class Secrets:
    def __init__(self, store: SecretStore, redactor: Redactor) -> None:
        self._store = store
        self._redactor = redactor

    def _read(self, action, *args):
        try:
            return action(*args)
        except SecretStoreError as e:
            raise SecretError(str(e)) from None

    def get(self, scope: str, key: str) -> str:
        value = self._read(self._store.get, scope, key)
        if value is None:
            raise SecretError(
                f"no secret with scope {scope!r} and key {key!r} in {self._store.path}. "
                f"Add it in a terminal: {HOW_TO_ADD.format(scope=scope, key=key)}"
            )
        self._redactor.add(value)
        return value

    def getBytes(self, scope: str, key: str) -> bytes:
        return self.get(scope, key).encode()

    def list(self, scope: str) -> list[SecretMetadata]:
        keys = self._read(self._store.keys, scope)
        if keys is None:
            raise SecretError(
                f"no secret scope {scope!r}; scopes: {self._read(self._store.scopes)}"
            )
        return [SecretMetadata(k) for k in keys]

    def listScopes(self) -> list[SecretScope]:
        return [SecretScope(s) for s in self._read(self._store.scopes)]

    def help(self) -> None:
        print(
            f"dbutils.secrets: get, getBytes, list, listScopes from {self._store.path}. "
            f"Add a secret: {HOW_TO_ADD.format(scope='SCOPE', key='KEY')}. Values show as "
            "[REDACTED] in outputs."
        )
