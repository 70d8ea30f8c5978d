"""Completion in `%sql` cells: catalogs, schemas, tables and columns of the attached cluster.

JupyterLab asks the kernel for completions, and the kernel holds the notebook's session, so
names (temp views included) come from the same place the query will run. Completion never
starts a cluster: with no session yet it offers SQL keywords only. Names are cached for a
short while because a user types faster than the catalog changes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from IPython.core.completer import SimpleCompletion, context_matcher

from ..sqltext.completion import complete

CACHE_SECONDS = 30.0


def is_sql_cell(full_text: str, line_before_cursor: str) -> bool:
    first = next((ln.strip() for ln in full_text.splitlines() if ln.strip()), "")
    return first.startswith(("%%sql", "%sql")) or line_before_cursor.lstrip().startswith("%sql")


class NameCache:
    """Catalog names read through a Spark session, each list kept for CACHE_SECONDS."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._entries: dict[tuple, tuple[float, list[str]]] = {}

    def get(self, key: tuple, load: Callable[[], list[str]]) -> list[str]:
        now = self._clock()
        hit = self._entries.get(key)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
        try:
            names = load()
        except Exception:
            names = []  # completion must never fail a keystroke; an unknown name has no children
        self._entries[key] = (now, names)
        return names


class SqlNames:
    """What can follow a dotted prefix: `` -> catalogs, schemas, tables; `s.` -> tables…"""

    def __init__(self, spark: Any, cache: NameCache) -> None:
        self.spark, self.cache = spark, cache

    def schemas(self) -> list[str]:
        return self.cache.get(
            ("schemas",), lambda: [d.name for d in self.spark.catalog.listDatabases()]
        )

    def catalogs(self) -> list[str]:
        return self.cache.get(
            ("catalogs",), lambda: [c.name for c in self.spark.catalog.listCatalogs()]
        )

    def tables(self, schema: str | None = None) -> list[str]:
        return self.cache.get(
            ("tables", schema), lambda: [t.name for t in self.spark.catalog.listTables(schema)]
        )

    def columns(self, table: str) -> list[str]:
        return self.cache.get(
            ("columns", table), lambda: [c.name for c in self.spark.catalog.listColumns(table)]
        )

    def children(self, parts: list[str]) -> list[str]:
        """Names that may follow `a.b.` (given as ['a', 'b'])."""
        if len(parts) == 1:
            head = parts[0]
            if head in self.catalogs():
                return self._schemas_of(head)
            if head in self.schemas():
                return self.tables(head)
            return self.columns(head)  # a table (or view) of the current schema
        if len(parts) == 2:
            if parts[0] in self.catalogs():
                return self.tables(".".join(parts))
            return self.columns(".".join(parts))
        return self.columns(".".join(parts))

    def _schemas_of(self, catalog: str) -> list[str]:
        return self.cache.get(
            ("schemas", catalog),
            lambda: [r[0] for r in self.spark.sql(f"SHOW SCHEMAS IN `{catalog}`").collect()],
        )


def sql_completions(names: SqlNames | None, full_text: str, before: str, token: str) -> list:
    """Completions for `token` (the word at the cursor, dots included)."""
    return [
        SimpleCompletion(m.label, type=m.kind) for m in complete(names, full_text, before, token)
    ]


def make_matcher(session: Any) -> Callable:
    cache = NameCache()

    @context_matcher()
    def lakehouse_sql_matcher(context: Any) -> dict:
        before = context.text_until_cursor
        if not is_sql_cell(context.full_text, before):
            return {"completions": [], "suppress": False}
        # Never connect (or start a cluster) for a keystroke.
        names = SqlNames(session.get(), cache) if session.connected else None
        completions = sql_completions(names, context.full_text, before, context.token)
        # In a SQL cell, Python's completions (jedi, file names) are noise.
        return {"completions": completions, "suppress": True}

    return lakehouse_sql_matcher
