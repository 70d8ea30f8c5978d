"""SQL completion over any source of catalog names: keywords, then catalogs, schemas, tables
and columns that fit the word at the cursor.

The kernel reads names through the notebook's session (kernel/completion.py); the SQL editor
reads them from the catalog browser's index (services/sql/completion.py). Both hand this module
an object with `schemas()`, `tables(schema=None)`, `columns(table)` and `children(parts)`
(names that may follow `a.b.`), or None when no names are known: keywords only then.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

KEYWORDS = (
    "SELECT FROM WHERE GROUP BY ORDER HAVING LIMIT JOIN LEFT RIGHT FULL OUTER INNER CROSS ON "
    "USING AS AND OR NOT IN IS NULL LIKE BETWEEN CASE WHEN THEN ELSE END DISTINCT UNION ALL "
    "INSERT INTO OVERWRITE VALUES UPDATE SET DELETE MERGE MATCHED CREATE OR REPLACE TABLE VIEW "
    "TEMP TEMPORARY DROP IF EXISTS ALTER ADD COLUMN DESCRIBE DETAIL HISTORY SHOW TABLES "
    "DATABASES SCHEMAS CATALOGS PARTITIONED CLUSTER WITH OPTIMIZE VACUUM RESTORE VERSION "
    "TIMESTAMP OF COUNT SUM AVG MIN MAX CAST"
).split()
_TABLE_CONTEXT = re.compile(r"\b(from|join|table|into|update|describe)\s+[\w.`]*$", re.I)
_TABLE_NAMES = re.compile(r"\b(?:from|join|into|update)\s+([\w.`]+)", re.I)
# The word being completed: a dotted name, backticks allowed.
_WORD = re.compile(r"[\w.`]*$")


class Match(NamedTuple):
    label: str
    kind: str  # keyword | catalog | schema | table | column


def word_at(text: str, cursor: int) -> tuple[int, str]:
    """(where the word before `cursor` starts, the word)."""
    match = _WORD.search(text, 0, cursor)
    start = match.start() if match else cursor
    return start, text[start:cursor]


def complete(names: Any | None, full_text: str, before: str, token: str) -> list[Match]:
    """Completions for `token` (the word at the cursor, dots included); `before` is the text
    up to the cursor."""
    word = token.strip("`")
    out: list[Match] = []
    if "." in word and names is not None:
        *parents, partial = word.split(".")
        prefix = ".".join(parents) + "."
        for name in names.children(parents):
            if name.lower().startswith(partial.lower()):
                out.append(Match(prefix + name, "column"))
        return out
    if names is not None:
        wanted = word.lower()
        candidates = [(t, "table") for t in names.tables()] + [
            (s, "schema") for s in names.schemas()
        ]
        if not _TABLE_CONTEXT.search(before):
            for table in _TABLE_NAMES.findall(full_text):
                candidates += [(c, "column") for c in names.columns(table.strip("`"))]
        seen = set()
        for name, kind in candidates:
            if name.lower().startswith(wanted) and name not in seen:
                seen.add(name)
                out.append(Match(name, kind))
    upper = word.upper()
    out += [Match(k, "keyword") for k in KEYWORDS if upper and k.startswith(upper)]
    return out
