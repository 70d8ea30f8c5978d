"""Completion in the SQL editor from the catalog browser's index: no Spark call per keystroke.

The index holds every table name the catalog browser (or its background crawl) has listed and
the columns of the tables it has described; it is saved under the workspace home, so it answers
even while the cluster is stopped. Completion never starts a cluster, and never connects to one.
Unqualified names are those of the session catalog's `default` schema, where an editor's
session starts.
"""

from __future__ import annotations

from typing import Any

from ...sqltext.completion import complete, word_at
from ..catalog.index import SearchIndex
from ..errors import BadRequest

SESSION_CATALOG = "spark_catalog"
CURRENT_SCHEMA = "default"
MAX_MATCHES = 200
MAX_TEXT = 1_000_000


class IndexNames:
    """The names `sqltext.completion` asks for, read from one cluster's search index."""

    def __init__(self, index: SearchIndex) -> None:
        self.records = index.records()
        self.listed = index.schema_names()

    def catalogs(self) -> list[str]:
        found = {r.catalog for r in self.records} | {c for c, _ in self.listed}
        return sorted(found)

    def _schemas_of(self, catalog: str) -> list[str]:
        found = {r.schema for r in self.records if r.catalog == catalog}
        found |= {s for c, s in self.listed if c == catalog}
        return sorted(found)

    def schemas(self) -> list[str]:
        return self._schemas_of(SESSION_CATALOG)

    def _tables_in(self, catalog: str, schema: str) -> list[str]:
        return sorted(r.name for r in self.records if r.catalog == catalog and r.schema == schema)

    def tables(self, schema: str | None = None) -> list[str]:
        if schema is None:
            return self._tables_in(SESSION_CATALOG, CURRENT_SCHEMA)
        parts = schema.split(".")
        if len(parts) == 2:
            return self._tables_in(*parts)
        return self._tables_in(SESSION_CATALOG, schema)

    def _resolve(self, name: str) -> tuple[str, str, str] | None:
        parts = [p.strip("`") for p in name.split(".")]
        if len(parts) == 1:
            return (SESSION_CATALOG, CURRENT_SCHEMA, parts[0])
        if len(parts) == 2:
            return (SESSION_CATALOG, parts[0], parts[1])
        if len(parts) == 3:
            return (parts[0], parts[1], parts[2])
        return None

    def columns(self, table: str) -> list[str]:
        key = self._resolve(table)
        lowered = tuple(k.lower() for k in key) if key else None
        for r in self.records:
            if (r.catalog.lower(), r.schema.lower(), r.name.lower()) == lowered:
                return [c for c, _ in r.columns or []]
        return []

    def children(self, parts: list[str]) -> list[str]:
        """Names that may follow `a.b.` (given as ['a', 'b'])."""
        parts = [p.strip("`") for p in parts]
        if len(parts) == 1:
            head = parts[0]
            if head in self.catalogs():
                return self._schemas_of(head)
            if head in self.schemas():
                return self.tables(head)
            return self.columns(head)
        if len(parts) == 2 and parts[0] in self.catalogs():
            return self._tables_in(parts[0], parts[1])
        return self.columns(".".join(parts))


def completions(index: SearchIndex | None, text: Any, cursor: Any) -> dict:
    """`{matches: [{label, kind}], from, to}`: replace text[from:to] with a label."""
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise BadRequest(
            f"'text' must be a string of at most {MAX_TEXT} characters.", code="invalid_argument"
        )
    if isinstance(cursor, bool) or not isinstance(cursor, int) or not 0 <= cursor <= len(text):
        raise BadRequest(
            "'cursor' must be a character offset into the text.", code="invalid_argument"
        )
    start, token = word_at(text, cursor)
    names = IndexNames(index) if index is not None and len(index) else None
    matches = complete(names, text, text[:cursor], token)
    return {
        "matches": [{"label": m.label, "kind": m.kind} for m in matches[:MAX_MATCHES]],
        "from": start,
        "to": cursor,
    }
