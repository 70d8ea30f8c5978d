"""The search index of one cluster's catalog: every table name, and columns as tables are described.

Table names enter as soon as a schema is listed (by the panel or the background crawl); columns
enter when a table is described (the background describer, at a bounded rate, or a table page
that was opened). The index lives in memory and is saved as JSON under the workspace home, so
search answers at once after a restart, even before the cluster is up again.

Search is a case-insensitive substring match over table and column names, ranked exact match
first, then prefix, then substring; tables before columns, shorter names first.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
# Columns described longer ago than this are described again by the background describer.
MAX_AGE = 24 * 3600.0


@dataclass
class TableRecord:
    catalog: str
    schema: str
    name: str
    kind: str = "table"  # table | view | temp_view
    format: str | None = None
    columns: list[tuple[str, str]] | None = None  # None until described
    described_at: float | None = None
    lname: str = field(default="", repr=False)
    lcolumns: list[str] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.lname = self.name.lower()
        self.lcolumns = [c[0].lower() for c in self.columns or []]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.catalog, self.schema, self.name)

    def set_columns(self, columns: list[tuple[str, str]], when: float) -> None:
        self.columns = [(str(n), str(t)) for n, t in columns]
        self.lcolumns = [c[0].lower() for c in self.columns]
        self.described_at = when

    def to_json(self) -> list:
        return [
            self.catalog,
            self.schema,
            self.name,
            self.kind,
            self.format,
            [list(c) for c in self.columns] if self.columns is not None else None,
            self.described_at,
        ]

    @classmethod
    def from_json(cls, data: list) -> TableRecord:
        catalog, schema, name, kind, fmt, columns, described_at = data
        return cls(
            catalog=catalog,
            schema=schema,
            name=name,
            kind=kind,
            format=fmt,
            columns=[(c[0], c[1]) for c in columns] if columns is not None else None,
            described_at=described_at,
        )


def _rank(text: str, q: str) -> int | None:
    if text == q:
        return 0
    if text.startswith(q):
        return 1
    if q in text:
        return 2
    return None


MATCHES = ("exact", "prefix", "substring")


class SearchIndex:
    """Thread-safe; `path` (optional) is where it is saved and loaded from."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._tables: dict[tuple[str, str, str], TableRecord] = {}
        self._schemas: dict[tuple[str, str], float] = {}
        self._priority: list[tuple[str, str, str]] = []
        self._dirty = False
        self.updated_at: float | None = None
        self.crawled_at: float | None = None
        if path is not None:
            self._load()

    # -- persistence -----------------------------------------------------------------------

    def _load(self) -> None:
        try:
            with open(self.path, encoding="utf-8") as f:
                data = json.load(f)
        except FileNotFoundError:
            return
        except (OSError, ValueError) as e:
            log.warning("Ignoring the unreadable catalog index %s: %s", self.path, e)
            return
        if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
            return
        try:
            for item in data.get("tables") or []:
                record = TableRecord.from_json(item)
                self._tables[record.key] = record
            for c, s, when in data.get("schemas") or []:
                self._schemas[(c, s)] = when
        except (TypeError, ValueError) as e:
            log.warning("Ignoring the malformed catalog index %s: %s", self.path, e)
            self._tables.clear()
            self._schemas.clear()
            return
        self.updated_at = data.get("updated_at")
        self.crawled_at = data.get("crawled_at")

    def save(self, force: bool = False) -> bool:
        """Write the index if it changed since the last save (atomically)."""
        if self.path is None:
            return False
        with self._lock:
            if not (self._dirty or force):
                return False
            data = {
                "version": FORMAT_VERSION,
                "updated_at": self.updated_at,
                "crawled_at": self.crawled_at,
                "tables": [r.to_json() for r in self._tables.values()],
                "schemas": [[c, s, when] for (c, s), when in self._schemas.items()],
            }
            self._dirty = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(data, f, separators=(",", ":"), ensure_ascii=False)
            os.replace(tmp, self.path)
        except OSError as e:
            log.warning("Cannot save the catalog index %s: %s", self.path, e)
            with contextlib.suppress(OSError):
                tmp.unlink()
            with self._lock:
                self._dirty = True
            return False
        return True

    # -- updates -----------------------------------------------------------------------------

    def _touch(self) -> None:
        self._dirty = True
        self.updated_at = time.time()

    def set_schema_tables(self, catalog: str, schema: str, entries: list[dict]) -> None:
        """A fresh listing of a schema: its tables now (columns already known are kept)."""
        with self._lock:
            seen = set()
            for entry in entries:
                key = (catalog, schema, entry["name"])
                seen.add(key)
                record = self._tables.get(key)
                if record is None:
                    record = TableRecord(catalog, schema, entry["name"])
                    self._tables[key] = record
                record.kind = entry.get("kind") or record.kind
                if entry.get("format"):
                    record.format = entry["format"]
            for key in [k for k in self._tables if k[0] == catalog and k[1] == schema]:
                if key not in seen:
                    del self._tables[key]
            self._schemas[(catalog, schema)] = time.time()
            self._touch()

    def set_schemas(self, catalog: str, schemas: list[str]) -> None:
        """A fresh listing of a catalog's schemas: forget the tables of schemas that are gone."""
        with self._lock:
            keep = set(schemas)
            gone = {s for (c, s) in self._schemas if c == catalog and s not in keep}
            if not gone:
                return
            for key in [k for k in self._tables if k[0] == catalog and k[1] in gone]:
                del self._tables[key]
            for s in gone:
                self._schemas.pop((catalog, s), None)
            self._touch()

    def set_catalogs(self, catalogs: list[str]) -> None:
        with self._lock:
            keep = set(catalogs)
            gone = {c for (c, _s) in self._schemas if c not in keep}
            if not gone:
                return
            for key in [k for k in self._tables if k[0] in gone]:
                del self._tables[key]
            for key in [k for k in self._schemas if k[0] in gone]:
                del self._schemas[key]
            self._touch()

    def set_table(
        self,
        catalog: str,
        schema: str,
        name: str,
        *,
        kind: str | None = None,
        format: str | None = None,
        columns: list[tuple[str, str]] | None = None,
    ) -> None:
        with self._lock:
            key = (catalog, schema, name)
            record = self._tables.get(key)
            if record is None:
                record = TableRecord(catalog, schema, name)
                self._tables[key] = record
            if kind:
                record.kind = kind
            if format:
                record.format = format
            if columns is not None:
                record.set_columns(columns, time.time())
            self._touch()

    def mark_described(self, key: tuple[str, str, str]) -> None:
        """A table that could not be described: do not try again before MAX_AGE."""
        with self._lock:
            record = self._tables.get(key)
            if record is not None and record.columns is None:
                record.set_columns([], time.time())
                self._touch()

    def remove_table(self, catalog: str, schema: str, name: str) -> None:
        with self._lock:
            if self._tables.pop((catalog, schema, name), None) is not None:
                self._touch()

    def prioritize(self, keys: list[tuple[str, str, str]]) -> None:
        """Describe these next (the page of a listing the panel shows)."""
        with self._lock:
            wanted = [k for k in keys if k in self._tables and self._tables[k].described_at is None]
            chosen = set(wanted)
            self._priority = wanted + [k for k in self._priority if k not in chosen]

    # -- reads -------------------------------------------------------------------------------

    def get(self, catalog: str, schema: str, name: str) -> TableRecord | None:
        with self._lock:
            return self._tables.get((catalog, schema, name))

    def records(self) -> list[TableRecord]:
        """Every table known, in no particular order (a copy: safe to read without the lock)."""
        with self._lock:
            return list(self._tables.values())

    def schema_names(self) -> list[tuple[str, str]]:
        """(catalog, schema) of every schema listed so far."""
        with self._lock:
            return list(self._schemas)

    def formats(self, catalog: str, schema: str) -> dict[str, str | None]:
        with self._lock:
            return {
                k[2]: r.format
                for k, r in self._tables.items()
                if k[0] == catalog and k[1] == schema and r.described_at is not None
            }

    def to_describe(self, limit: int, now: float | None = None) -> list[tuple[str, str, str]]:
        """Tables whose columns are unknown or old: the prioritized ones first, one schema."""
        now = time.time() if now is None else now
        with self._lock:
            picked: list[tuple[str, str, str]] = []
            while self._priority and len(picked) < limit:
                key = self._priority.pop(0)
                record = self._tables.get(key)
                if record is not None and record.described_at is None:
                    if picked and key[:2] != picked[0][:2]:
                        self._priority.insert(0, key)
                        break
                    picked.append(key)
            if picked:
                return picked
            for key, record in self._tables.items():
                if record.described_at is None or now - record.described_at > MAX_AGE:
                    if picked and key[:2] != picked[0][:2]:
                        continue
                    picked.append(key)
                    if len(picked) >= limit:
                        break
            return picked

    def stats(self) -> dict:
        with self._lock:
            described = sum(1 for r in self._tables.values() if r.described_at is not None)
            return {
                "tables": len(self._tables),
                "described": described,
                "schemas": len(self._schemas),
                "updated_at": self.updated_at,
                "crawled_at": self.crawled_at,
            }

    def __len__(self) -> int:
        return len(self._tables)

    def search(self, query: str, limit: int = 50) -> tuple[list[dict], int]:
        """(the best `limit` matches, how many matched in all)."""
        q = query.strip().lower()
        if not q:
            return [], 0
        hits: list[tuple] = []
        with self._lock:
            records = list(self._tables.values())
        for r in records:
            rank = _rank(r.lname, q)
            if rank is not None:
                hits.append((rank, 0, len(r.name), r.lname, r.key, r, None))
            for i, lcol in enumerate(r.lcolumns):
                if q not in lcol:
                    continue
                crank = _rank(lcol, q)
                hits.append((crank, 1, len(lcol), lcol, r.key, r, i))
        total = len(hits)
        hits.sort(key=lambda h: h[:5])
        out = []
        for rank, _kind, _len, _lname, _key, r, i in hits[:limit]:
            item = {
                "kind": "table" if i is None else "column",
                "match": MATCHES[rank],
                "catalog": r.catalog,
                "schema": r.schema,
                "table": r.name,
                "table_kind": r.kind,
                "format": r.format,
            }
            if i is not None:
                item["column"], item["type"] = r.columns[i]
            out.append(item)
        return out, total
