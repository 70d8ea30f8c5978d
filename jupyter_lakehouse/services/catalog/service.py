"""CatalogService: what the catalog browser shows and does, on any cluster of the workspace.

- Listings (catalogs, schemas, tables) come from Spark's own catalog commands on the service's
  Connect session (spark.py): `SHOW CATALOGS` (plus catalogs configured but not loaded yet),
  `SHOW SCHEMAS IN`, `SHOW TABLES IN` and `SHOW VIEWS IN`, names only, cached for a short
  while and paged. A table's format (Delta, Parquet...) costs a metastore read per table, so
  it never holds a listing up: the background describer fills it in (the page shown first).
- Search runs over an index of table and column names (index.py), kept per cluster and saved
  under the workspace home.
- A Delta table's details and history come from its `_delta_log` (deltalog.py), its sample
  rows from delta-rs; other tables' details from DESCRIBE TABLE EXTENDED, their sample from
  Spark (the one thing here that runs a Spark job, and only when a user asks for it).
- Names are data (names.py): validated, and backtick-quoted whenever they reach SQL.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

from ..errors import BadRequest, Conflict, LakehouseError, NotFound, Unprocessable
from . import deltalog, uploads
from .index import SearchIndex
from .names import (
    SAFE_PATTERN,
    check_name,
    display_name,
    split_name,
    sql_name,
    string_literal,
    unquote_namespace,
)
from .spark import (
    CatalogSessions,
    bracket_list,
    is_connection_error,
    parse_information,
    partition_list,
    rows,
    translate,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

SESSION_CATALOG = "spark_catalog"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
PREVIEW_LIMIT = 100
MAX_PREVIEW = 1000
MAX_COMMENT = 10_000
MAX_QUERY = 200
SEARCH_LIMIT = 50
# Tables described per SHOW TABLE EXTENDED call, and at most this many per second on average.
DESCRIBE_BATCH = 50
DESCRIBE_RATE = 50.0
CRAWL_INTERVAL = 600.0
# A first search on an empty index lists names for at most this long before answering.
FIRST_CRAWL_BUDGET = 5.0
SAVE_INTERVAL = 10.0
# Folders walked to size a non-Delta table: bounded, it is a courtesy figure.
MAX_WALK_FILES = 100_000


@dataclass
class TableInfo:
    """Where a table is and what it is, from the catalog (SHOW TABLE EXTENDED / DESCRIBE)."""

    catalog: str
    schema: str
    name: str
    target: str  # the table's name in SQL, every part quoted
    kind: str  # table | view | temp_view
    type: str | None = None  # MANAGED | EXTERNAL | VIEW | TEMPORARY
    provider: str | None = None
    location: str | None = None
    local_path: str | None = None
    info: dict = field(default_factory=dict)

    @property
    def is_delta(self) -> bool:
        return (
            (self.provider or "").lower() == "delta"
            and self.local_path is not None
            and deltalog.is_delta_table(self.local_path)
        )


def _local_path(location: str | None) -> str | None:
    if not location:
        return None
    if location.startswith("file:"):
        return unquote(urlparse(location).path)
    if location.startswith("/"):
        return location
    return None


def _int_arg(value: Any, name: str, default: int, lo: int, hi: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadRequest(f"'{name}' must be an integer.", code="invalid_argument") from None
    if not lo <= number <= hi:
        raise BadRequest(f"'{name}' must be from {lo} to {hi}.", code="invalid_argument")
    return number


def _page(items: list, limit: int, token: str | None) -> tuple[list, str | None]:
    offset = _int_arg(token, "page_token", 0, 0, 10**9)
    page = items[offset : offset + limit]
    nxt = offset + limit
    return page, (str(nxt) if nxt < len(items) else None)


def _filter(items: list[dict], text: str | None) -> list[dict]:
    if not text:
        return items
    if len(text) > MAX_QUERY:
        raise BadRequest(f"'filter' is limited to {MAX_QUERY} characters.", code="invalid_argument")
    needle = text.lower()
    return [i for i in items if needle in i["name"].lower()]


class CatalogService:
    """The catalog of each cluster, as the REST API shows it. Thread-safe.

    clusters: the ClusterManager. session_conf: Spark conf set on the service's own session
    (runtime conf only, e.g. a JDBC catalog to browse). index: run the background describer.
    """

    def __init__(
        self,
        home: str | os.PathLike,
        clusters: Any,
        *,
        cache_ttl: float = 30.0,
        session_conf: dict[str, str] | None = None,
        index: bool = True,
        describe_rate: float = DESCRIBE_RATE,
        upload_max_bytes: int = uploads.MAX_BYTES,
    ) -> None:
        self.home = Path(home)
        self.clusters = clusters
        self.cache_ttl = cache_ttl
        self.sessions = CatalogSessions(clusters, session_conf)
        self.describe_rate = max(1.0, float(describe_rate))
        self.uploads = uploads.UploadStore(self.home / "catalog" / "uploads", upload_max_bytes)
        self._cache: dict[tuple, tuple[float, Any]] = {}
        self._cache_lock = threading.Lock()
        self._indexes: dict[str, SearchIndex] = {}
        self._crawl_wanted: set[str] = set()
        self._index_lock = threading.Lock()
        self._index_enabled = index
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- plumbing ----------------------------------------------------------------------------

    def _run(self, cluster: str, fn: Callable[[Any], T], what: str = "") -> T:
        spark, _engine = self.sessions.get(cluster)
        try:
            return fn(spark)
        except LakehouseError:
            raise
        except Exception as e:
            if is_connection_error(e):
                self.sessions.forget(cluster)
            raise translate(e, what) from None

    def _engine(self, cluster: str) -> str:
        spark, engine = self.sessions.get(cluster)
        try:
            from ..delta import client as delta_client
        except ImportError:
            return "offline"
        state = delta_client.state(spark)
        if state is not None:
            return state.engine
        return (engine or {}).get("name") or "offline"

    def _cached(self, key: tuple, refresh: bool, load: Callable[[], T]) -> tuple[T, bool]:
        """(value, whether it was loaded just now) from the short-lived cache."""
        now = time.time()
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None and not refresh and now - hit[0] < self.cache_ttl:
            return hit[1], False
        value = load()
        with self._cache_lock:
            self._cache[key] = (now, value)
        return value, True

    def _invalidate(self, cluster: str, *prefix: str) -> None:
        with self._cache_lock:
            for key in list(self._cache):
                if key[0] == cluster and key[1 : 1 + len(prefix)] == prefix:
                    del self._cache[key]

    def _generation_key(self, cluster: str) -> str | None:
        return self.sessions.generation(cluster)

    def index(self, cluster: str) -> SearchIndex:
        with self._index_lock:
            idx = self._indexes.get(cluster)
            if idx is None:
                path = self.home / "catalog" / "index" / f"{cluster}.json"
                idx = SearchIndex(path)
                self._indexes[cluster] = idx
                if idx.crawled_at is None:
                    self._crawl_wanted.add(cluster)
            self._ensure_thread()
            return idx

    def _global_temp(self, spark: Any) -> str:
        key = "_lakehouse_global_temp"
        cached = getattr(spark, key, None)
        if cached is None:
            try:
                cached = spark.conf.get("spark.sql.globalTempDatabase", "global_temp")
            except Exception:
                cached = "global_temp"
            setattr(spark, key, cached)
        return cached

    def _target(self, spark: Any, catalog: str, schema: str, table: str) -> str:
        # Global temp views live in a schema of the session catalog that only answers to a
        # two-part name.
        if catalog == SESSION_CATALOG and schema == self._global_temp(spark):
            return sql_name(schema, table)
        return sql_name(catalog, schema, table)

    # -- catalogs and schemas ----------------------------------------------------------------

    def _catalog_names(self, cluster: str, refresh: bool = False) -> list[str]:
        def load() -> list[str]:
            def ask(spark: Any) -> list[str]:
                names = {r[0] for r in rows(spark, "SHOW CATALOGS")}
                # Catalogs configured (spark.sql.catalog.<name>) but not used yet are not
                # loaded, and SHOW CATALOGS lists only loaded ones.
                try:
                    conf = spark.conf.getAll
                    conf = conf() if callable(conf) else conf
                except Exception:
                    conf = {}
                for key in conf or {}:
                    if key.startswith("spark.sql.catalog.") and key.count(".") == 3:
                        names.add(key.rsplit(".", 1)[1])
                names.add(SESSION_CATALOG)
                return sorted(names, key=lambda n: (n != SESSION_CATALOG, n.lower(), n))

            return self._run(cluster, ask, "Cannot list catalogs")

        gen = self._generation_key(cluster)
        names, _ = self._cached((cluster, "catalogs", gen), refresh, load)
        return names

    def catalogs(self, cluster: str, *, refresh: bool = False) -> dict:
        names = self._catalog_names(cluster, refresh)
        self.index(cluster).set_catalogs(names)
        return {
            "cluster": cluster,
            "catalogs": [{"name": n, "full_name": display_name(n)} for n in names],
        }

    def _require_catalog(self, cluster: str, catalog: str) -> None:
        check_name(catalog, "catalog name")
        # A catalog configured a moment ago: look once more before saying no.
        if catalog not in self._catalog_names(cluster) and catalog not in self._catalog_names(
            cluster, refresh=True
        ):
            raise NotFound(
                f"Cluster {cluster!r} has no catalog {display_name(catalog)}.",
                code="catalog_not_found",
            )

    def _schema_names(self, cluster: str, catalog: str, refresh: bool) -> list[str]:
        def load() -> list[str]:
            def ask(spark: Any) -> list[str]:
                names = [
                    unquote_namespace(r[0])
                    for r in rows(spark, f"SHOW SCHEMAS IN {sql_name(catalog)}")
                ]
                if catalog == SESSION_CATALOG:
                    gt = self._global_temp(spark)
                    if gt not in names and rows(spark, f"SHOW TABLES IN {sql_name(gt)}"):
                        names.append(gt)
                return sorted(set(names), key=lambda n: (n.lower(), n))

            return self._run(cluster, ask, f"Cannot list the schemas of {display_name(catalog)}")

        gen = self._generation_key(cluster)
        names, _ = self._cached((cluster, "schemas", catalog, gen), refresh, load)
        return names

    def schemas(
        self,
        cluster: str,
        catalog: str,
        *,
        limit: Any = None,
        page_token: str | None = None,
        filter: str | None = None,
        refresh: bool = False,
    ) -> dict:
        self._require_catalog(cluster, catalog)
        limit = _int_arg(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        names = self._schema_names(cluster, catalog, refresh)
        self.index(cluster).set_schemas(catalog, names)
        items = [
            {"catalog": catalog, "name": n, "full_name": display_name(catalog, n)} for n in names
        ]
        items = _filter(items, filter)
        page, nxt = _page(items, limit, page_token)
        return {
            "cluster": cluster,
            "catalog": catalog,
            "schemas": page,
            "total": len(items),
            "next_page_token": nxt,
        }

    def create_schema(self, cluster: str, catalog: str, body: dict) -> dict:
        self._require_catalog(cluster, catalog)
        name = check_name(body.get("name"), "schema name")
        comment = body.get("comment")
        if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
            raise BadRequest(
                f"'comment' must be a string of at most {MAX_COMMENT} characters.",
                code="invalid_comment",
            )
        sql = f"CREATE SCHEMA {sql_name(catalog, name)}"
        if comment:
            sql += f" COMMENT {string_literal(comment)}"

        def create(spark: Any) -> None:
            try:
                rows(spark, sql)
            except Exception as e:
                error = translate(e, f"Cannot create schema {display_name(catalog, name)}")
                if isinstance(error, Conflict):
                    error.code = "schema_exists"
                raise error from None

        self._run(cluster, create)
        self._invalidate(cluster, "schemas", catalog)
        return {
            "cluster": cluster,
            "catalog": catalog,
            "name": name,
            "full_name": display_name(catalog, name),
            "comment": comment or None,
        }

    # -- tables ------------------------------------------------------------------------------

    def _table_entries(self, cluster: str, catalog: str, schema: str, refresh: bool) -> list[dict]:
        def load() -> list[dict]:
            def ask(spark: Any) -> list[dict]:
                ns = sql_name(catalog, schema)
                gt = catalog == SESSION_CATALOG and schema == self._global_temp(spark)
                listed = rows(spark, f"SHOW TABLES IN {sql_name(schema) if gt else ns}")
                views: set[str] = set()
                if not gt:
                    try:
                        views = {r[1] for r in rows(spark, f"SHOW VIEWS IN {ns}") if not r[2]}
                    except Exception as e:  # catalogs without views (JDBC...) refuse it
                        if is_connection_error(e):
                            raise
                entries = []
                seen = set()
                for _namespace, name, temporary in listed:
                    if temporary and not gt:
                        continue  # the session's own temp views, listed in every schema
                    if name in seen:
                        continue
                    seen.add(name)
                    kind = "temp_view" if gt else ("view" if name in views else "table")
                    entries.append({"name": name, "kind": kind})
                entries.sort(key=lambda e: (e["name"].lower(), e["name"]))
                return entries

            return self._run(
                cluster, ask, f"Cannot list the tables of {display_name(catalog, schema)}"
            )

        gen = self._generation_key(cluster)
        key = (cluster, "tables", catalog, schema, gen)
        entries, fresh = self._cached(key, refresh, load)
        if fresh:
            # A fresh listing: the index learns the schema's tables now.
            self.index(cluster).set_schema_tables(catalog, schema, entries)
        return entries

    def tables(
        self,
        cluster: str,
        catalog: str,
        schema: str,
        *,
        limit: Any = None,
        page_token: str | None = None,
        filter: str | None = None,
        refresh: bool = False,
    ) -> dict:
        self._require_catalog(cluster, catalog)
        check_name(schema, "schema name")
        limit = _int_arg(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        entries = self._table_entries(cluster, catalog, schema, refresh)
        items = _filter(entries, filter)
        page, nxt = _page(items, limit, page_token)
        idx = self.index(cluster)
        formats = idx.formats(catalog, schema)
        out, pending = [], []
        for e in page:
            item = {
                "catalog": catalog,
                "schema": schema,
                "name": e["name"],
                "full_name": display_name(catalog, schema, e["name"]),
                "kind": e["kind"],
                "format": formats.get(e["name"]),
            }
            if e["name"] not in formats:
                pending.append((catalog, schema, e["name"]))
            out.append(item)
        if pending:
            idx.prioritize(pending)
            self._wake.set()
        return {
            "cluster": cluster,
            "catalog": catalog,
            "schema": schema,
            "tables": out,
            "total": len(items),
            "next_page_token": nxt,
            "formats_pending": bool(pending),
        }

    def _lookup(self, spark: Any, catalog: str, schema: str, table: str) -> TableInfo:
        """What the catalog knows of a table; 404 if it has none."""
        target = self._target(spark, catalog, schema, table)
        gt = catalog == SESSION_CATALOG and schema == self._global_temp(spark)
        if SAFE_PATTERN.match(table) and not gt:
            ns = sql_name(catalog, schema)
            found = [
                r
                for r in rows(spark, f"SHOW TABLE EXTENDED IN {ns} LIKE {string_literal(table)}")
                if not (r[2] and r[0] in ("", None)) and r[1].lower() == table.lower()
            ]
            if not found:
                raise NotFound(
                    f"There is no table or view {display_name(catalog, schema, table)}.",
                    code="table_not_found",
                )
            info = parse_information(found[0][3] or "")
            type_ = (info.get("Type") or "").upper() or None
            kind = "view" if type_ == "VIEW" else "table"
            location = info.get("Location")
            return TableInfo(
                catalog=catalog,
                schema=schema,
                name=found[0][1],
                target=target,
                kind=kind,
                type=type_,
                provider=(info.get("Provider") or "").lower() or None,
                location=location,
                local_path=_local_path(location),
                info=info,
            )
        # Names a metastore pattern cannot carry, global temp views, v2 catalogs: DESCRIBE.
        described = rows(spark, f"DESCRIBE TABLE EXTENDED {target}")
        detail = _describe_detail(described)
        type_ = (detail.get("Type") or ("TEMPORARY" if gt else "")).upper() or None
        kind = "temp_view" if gt else ("view" if type_ == "VIEW" else "table")
        location = detail.get("Location")
        return TableInfo(
            catalog=catalog,
            schema=schema,
            name=table,
            target=target,
            kind=kind,
            type=type_,
            provider=(detail.get("Provider") or "").lower() or None,
            location=location,
            local_path=_local_path(location),
            info={**detail, "_describe": described},
        )

    def _resolve(self, cluster: str, catalog: str, schema: str, table: str) -> TableInfo:
        self._require_catalog(cluster, catalog)
        check_name(schema, "schema name")
        check_name(table, "table name")

        def ask(spark: Any) -> TableInfo:
            try:
                return self._lookup(spark, catalog, schema, table)
            except LakehouseError:
                raise
            except Exception as e:
                error = translate(e)
                if isinstance(error, NotFound):
                    raise NotFound(
                        f"There is no table or view {display_name(catalog, schema, table)}: "
                        f"{error.message}",
                        code="table_not_found",
                    ) from None
                raise error from None

        return self._run(cluster, ask)

    def table(self, cluster: str, catalog: str, schema: str, table: str) -> dict:
        info = self._resolve(cluster, catalog, schema, table)
        out: dict[str, Any] = {
            "cluster": cluster,
            "catalog": catalog,
            "schema": schema,
            "name": info.name,
            "full_name": display_name(catalog, schema, info.name),
            "sql_name": info.target,
            "kind": info.kind,
            "type": info.type,
            "managed": info.type == "MANAGED",
            "format": info.provider,
            "location": info.location,
            "owner": info.info.get("Owner"),
            "created_at": _java_date(info.info.get("Created Time")),
            "last_modified": None,
            "comment": info.info.get("Comment"),
            "properties": _properties(info.info.get("Table Properties")),
            "partition_columns": partition_list(info.info.get("Partition Columns")),
            "size_in_bytes": None,
            "num_files": None,
            "num_rows": None,
            "view_text": info.info.get("View Text"),
            "delta": None,
            "source": "catalog",
        }
        if info.is_delta:
            try:
                delta = deltalog.details(info.local_path)
            except deltalog.DeltaLogError as e:
                raise Unprocessable(
                    f"The Delta log of {out['full_name']} cannot be read: {e.message}",
                    code="delta_log_unreadable",
                ) from None
            columns = delta.pop("columns")
            out.update(
                {
                    "format": "delta",
                    "columns": columns,
                    "partition_columns": delta["partition_columns"],
                    "properties": delta["properties"],
                    "size_in_bytes": delta["size_in_bytes"],
                    "num_files": delta["num_files"],
                    "num_rows": delta["num_rows"],
                    "last_modified": delta["last_modified"],
                    "created_at": delta["created_at"] or out["created_at"],
                    "comment": delta["description"] or out["comment"],
                    "delta": delta,
                    "source": "delta_log",
                }
            )
            engine = self._engine(cluster)
            if engine == "offline":
                # Its catalog entries are external; the offline engine records which ones
                # own their data (tables made without LOCATION).
                out["managed"] = self._offline_managed(cluster, catalog, schema, info.name)
            readable = delta["delta_rs_readable"] or engine == "delta-spark"
            out["preview"] = {
                "supported": readable,
                "engine": "delta-rs" if delta["delta_rs_readable"] else "spark",
                "reason": None if readable else _unreadable_message(delta["unreadable_features"]),
                "time_travel": True,
            }
        else:
            out["columns"] = self._columns(cluster, info)
            partitions = set(out["partition_columns"])
            for c in out["columns"]:
                c["partition"] = c["name"] in partitions
            if info.local_path and info.kind == "table":
                files, size = _folder_size(info.local_path)
                out["num_files"], out["size_in_bytes"] = files, size
            out["preview"] = {
                "supported": True,
                "engine": "spark",
                "reason": None,
                "time_travel": False,
            }
        self.index(cluster).set_table(
            catalog,
            schema,
            info.name,
            kind=info.kind,
            format=out["format"] or ("view" if info.kind != "table" else None),
            columns=[(c["name"], c["type"]) for c in out["columns"]],
        )
        return out

    def _offline_managed(self, cluster: str, catalog: str, schema: str, table: str) -> bool:
        def ask(spark: Any) -> bool:
            try:
                from ..delta import catalog as delta_catalog

                ref = delta_catalog.resolve(spark, [catalog, schema, table])
            except Exception:
                return False
            return bool(ref is not None and ref.managed)

        return self._run(cluster, ask)

    def _columns(self, cluster: str, info: TableInfo) -> list[dict]:
        """Columns of a non-Delta table or a view: its schema, as Spark resolves it."""

        def ask(spark: Any) -> list[dict]:
            schema = spark.table(info.target).schema
            return [
                {
                    "name": f.name,
                    "type": f.dataType.simpleString(),
                    "nullable": bool(f.nullable),
                    "comment": (f.metadata or {}).get("comment"),
                    "partition": False,
                }
                for f in schema.fields
            ]

        return self._run(cluster, ask, f"Cannot read the columns of {info.target}")

    def _delta_info(
        self, cluster: str, catalog: str, schema: str, table: str, what: str
    ) -> TableInfo:
        info = self._resolve(cluster, catalog, schema, table)
        if not info.is_delta:
            kind = {"view": "a view", "temp_view": "a temporary view"}.get(
                info.kind, f"a {info.provider or 'non-Delta'} table"
            )
            raise Unprocessable(
                f"{what} is kept by Delta tables only; "
                f"{display_name(catalog, schema, info.name)} is {kind}.",
                code="not_delta",
            )
        return info

    def history(
        self, cluster: str, catalog: str, schema: str, table: str, *, limit: Any = None
    ) -> dict:
        limit = _int_arg(limit, "limit", 10_000, 1, 100_000)
        info = self._delta_info(cluster, catalog, schema, table, "History")
        try:
            out = deltalog.history(info.local_path, limit)
        except deltalog.DeltaLogError as e:
            raise Unprocessable(
                f"The Delta log cannot be read: {e.message}", code="delta_log_unreadable"
            ) from None
        return {
            "cluster": cluster,
            "catalog": catalog,
            "schema": schema,
            "name": info.name,
            "full_name": display_name(catalog, schema, info.name),
            **out,
        }

    def preview(
        self,
        cluster: str,
        catalog: str,
        schema: str,
        table: str,
        *,
        limit: Any = None,
        version: Any = None,
        timestamp: Any = None,
    ) -> dict:
        limit = _int_arg(limit, "limit", PREVIEW_LIMIT, 1, MAX_PREVIEW)
        if version is not None and version != "":
            version = _int_arg(version, "version", 0, 0, 10**12)
        else:
            version = None
        if timestamp in ("", None):
            timestamp = None
        elif not isinstance(timestamp, str) or len(timestamp) > 64:
            raise BadRequest("'timestamp' must be a date or a timestamp.", code="invalid_argument")
        if version is not None and timestamp is not None:
            raise BadRequest(
                "Give either 'version' or 'timestamp', not both.", code="invalid_argument"
            )
        info = self._resolve(cluster, catalog, schema, table)
        name = display_name(catalog, schema, info.name)
        if info.is_delta:
            return self._delta_preview(cluster, info, name, limit, version, timestamp)
        if version is not None or timestamp is not None:
            raise BadRequest(
                f"Time travel needs a Delta table; {name} is not one.", code="not_delta"
            )
        return self._spark_preview(cluster, info, name, limit)

    def _delta_preview(
        self, cluster: str, info: TableInfo, name: str, limit: int, version: Any, timestamp: Any
    ) -> dict:
        try:
            snap = deltalog.snapshot(info.local_path, version)
        except deltalog.DeltaLogError as e:
            if e.missing:
                raise NotFound(e.message, code="version_not_found") from None
            raise Unprocessable(e.message, code="delta_log_unreadable") from None
        unreadable = snap.unreadable_features()
        if unreadable:
            if self._engine(cluster) == "delta-spark":
                return self._spark_preview(cluster, info, name, limit, version, timestamp)
            raise Unprocessable(
                _unreadable_message(unreadable),
                code="delta_feature_unsupported",
                detail={"features": unreadable},
            )
        table, read_version = _read_delta(info.local_path, limit + 1, version, timestamp)
        types_by_name = {c["name"]: c["type"] for c in deltalog.columns(snap)}
        if read_version != snap.version:
            with contextlib.suppress(deltalog.DeltaLogError):
                types_by_name = {
                    c["name"]: c["type"]
                    for c in deltalog.columns(deltalog.snapshot(info.local_path, read_version))
                }
        types = [types_by_name.get(f.name) or str(f.type) for f in table.schema]
        return _preview_payload(
            name, table, types, limit, {"source": "delta-rs", "version": read_version}
        )

    def _spark_preview(
        self,
        cluster: str,
        info: TableInfo,
        name: str,
        limit: int,
        version: Any = None,
        timestamp: Any = None,
    ) -> dict:
        travel = ""
        if version is not None:
            travel = f" VERSION AS OF {int(version)}"
        elif timestamp is not None:
            travel = f" TIMESTAMP AS OF {string_literal(str(timestamp))}"

        def ask(spark: Any) -> tuple:
            df = spark.sql(f"SELECT * FROM {info.target}{travel} LIMIT {limit + 1}")
            table = df.toArrow()
            types = [f.dataType.simpleString() for f in df.schema.fields]
            return table, types

        table, types = self._run(cluster, ask, f"Cannot read {name}")
        meta = {"source": "spark"}
        if version is not None:
            meta["version"] = int(version)
        return _preview_payload(name, table, types, limit, meta)

    # -- actions -----------------------------------------------------------------------------

    def update_table(self, cluster: str, catalog: str, schema: str, table: str, body: dict) -> dict:
        comment_given = "comment" in body
        comment = body.get("comment")
        if (
            comment_given
            and comment is not None
            and (not isinstance(comment, str) or len(comment) > MAX_COMMENT)
        ):
            raise BadRequest(
                f"'comment' must be a string of at most {MAX_COMMENT} characters, or null.",
                code="invalid_comment",
            )
        columns = body.get("columns") or {}
        if not isinstance(columns, dict):
            raise BadRequest("'columns' maps column names to comments.", code="invalid_columns")
        for column, text in columns.items():
            check_name(column, "column name")
            if text is not None and (not isinstance(text, str) or len(text) > MAX_COMMENT):
                raise BadRequest(
                    f"The comment of column {column!r} must be a string of at most "
                    f"{MAX_COMMENT} characters, or null.",
                    code="invalid_comment",
                )
        unknown = set(body) - {"comment", "columns"}
        if unknown:
            raise BadRequest(
                f"Only 'comment' and 'columns' can be changed, not {sorted(unknown)}.",
                code="invalid_field",
            )
        if not comment_given and not columns:
            raise BadRequest("Nothing to change: give 'comment' or 'columns'.", code="empty_patch")
        info = self._resolve(cluster, catalog, schema, table)
        current = self.table(cluster, catalog, schema, table)
        names = {c["name"] for c in current["columns"]}
        for column in columns:
            if column not in names:
                raise BadRequest(
                    f"{current['full_name']} has no column {column!r}.", code="column_not_found"
                )
        if info.kind == "temp_view":
            raise Unprocessable("Temporary views have no comments to edit.", code="temp_view")
        if info.is_delta and self._engine(cluster) == "offline":
            # The offline engine keeps comments where delta-spark does: in the Delta log.
            _alter_delta(info.local_path, comment_given, comment, columns, current["full_name"])

        def alter(spark: Any) -> None:
            if comment_given:
                keyword = "VIEW" if info.kind == "view" else "TABLE"
                if info.kind == "view":
                    rows(
                        spark,
                        f"ALTER VIEW {info.target} SET TBLPROPERTIES "
                        f"('comment' = {string_literal(comment or '')})",
                    )
                else:
                    value = "NULL" if comment is None else string_literal(comment)
                    rows(spark, f"COMMENT ON {keyword} {info.target} IS {value}")
            for column, text in columns.items():
                rows(
                    spark,
                    f"ALTER TABLE {info.target} ALTER COLUMN {sql_name(column)} "
                    f"COMMENT {string_literal(text or '')}",
                )

        self._run(cluster, alter, f"Cannot change {current['full_name']}")
        return self.table(cluster, catalog, schema, table)

    def drop_table(
        self, cluster: str, catalog: str, schema: str, table: str, *, confirm: Any = None
    ) -> dict:
        full = display_name(catalog, schema, table)
        if not isinstance(confirm, str) or not _confirms(confirm, (catalog, schema, table)):
            raise BadRequest(
                f"To drop {full}, give confirm={full} (the table's full name).",
                code="confirmation_mismatch",
            )
        info = self._resolve(cluster, catalog, schema, table)

        def drop(spark: Any) -> None:
            ref = None
            if info.is_delta:
                with contextlib.suppress(Exception):
                    from ..delta import catalog as delta_catalog

                    ref = delta_catalog.resolve(spark, [catalog, schema, info.name])
            if info.kind == "table":
                rows(spark, f"DROP TABLE {info.target}")
            else:
                rows(spark, f"DROP VIEW {info.target}")
            if ref is not None and getattr(ref, "managed", False):
                # A managed table of the offline engine: its data goes with it, as on Databricks.
                from ..delta import catalog as delta_catalog

                delta_catalog.drop_data(ref)

        self._run(cluster, drop, f"Cannot drop {full}")
        self._invalidate(cluster, "tables", catalog, schema)
        self.index(cluster).remove_table(catalog, schema, info.name)
        return {"dropped": full, "kind": info.kind}

    def upload(
        self,
        cluster: str,
        catalog: str,
        schema: str,
        data: bytes,
        *,
        filename: str | None = None,
        format: str | None = None,
    ) -> dict:
        """Step 1: keep the file, read it, and answer the inferred schema for review."""
        self.sessions.running(cluster)
        self._require_catalog(cluster, catalog)
        check_name(schema, "schema name")
        if filename is not None and (not isinstance(filename, str) or len(filename) > 255):
            raise BadRequest("'filename' is at most 255 characters.", code="invalid_argument")
        fmt = uploads.format_of(filename, format)
        upload = self.uploads.save(
            data,
            {
                "filename": os.path.basename(filename or f"upload.{fmt}"),
                "format": fmt,
                "cluster": cluster,
                "catalog": catalog,
                "schema": schema,
            },
        )
        try:
            return {
                "cluster": cluster,
                "catalog": catalog,
                "schema": schema,
                **uploads.inspect(upload),
            }
        except LakehouseError:
            self.uploads.remove(upload.id)
            raise

    def create_from_upload(
        self, cluster: str, catalog: str, schema: str, upload_id: Any, body: dict
    ) -> dict:
        """Step 2: write the reviewed file as a Delta table and register it in the catalog."""
        upload = self.uploads.get(upload_id)
        if (upload.meta.get("catalog"), upload.meta.get("schema")) != (catalog, schema):
            raise BadRequest(
                "This upload was made for another schema; upload the file again here.",
                code="upload_mismatch",
            )
        name = check_name(body.get("name"), "table name")
        comment = body.get("comment")
        if comment is not None and (not isinstance(comment, str) or len(comment) > MAX_COMMENT):
            raise BadRequest("'comment' must be a string.", code="invalid_comment")
        self._require_catalog(cluster, catalog)
        if catalog != SESSION_CATALOG:
            raise Unprocessable(
                f"Uploads create Delta tables in the session catalog ({SESSION_CATALOG}); "
                f"{display_name(catalog)} is another catalog.",
                code="unsupported_catalog",
            )
        data = uploads.confirmed_table(upload, body.get("columns"))
        full = display_name(catalog, schema, name)
        engine = self._engine(cluster)

        def create(spark: Any) -> str:
            if spark.catalog.tableExists(sql_name(catalog, schema, name)):
                raise Conflict(f"{full} already exists.", code="table_exists")
            location = _managed_location(spark, catalog, schema, name)
            if os.path.exists(location) and os.listdir(location):
                raise Conflict(
                    f"The warehouse folder of {full} ({location}) is not empty; drop what is "
                    "there or pick another name.",
                    code="location_exists",
                )
            from deltalake import write_deltalake

            try:
                write_deltalake(location, data, mode="error", name=name, description=comment)
            except Exception as e:
                uploads.cleanup_folder(location)
                raise Unprocessable(
                    f"Cannot write {full} as a Delta table: {str(e).splitlines()[0][:500]}",
                    code="write_failed",
                ) from None
            try:
                _register_delta(spark, engine, catalog, schema, name, location, comment)
            except Exception:
                uploads.cleanup_folder(location)
                raise
            return location

        self._run(cluster, create, f"Cannot create {full}")
        self.uploads.remove(upload.id)
        self._invalidate(cluster, "tables", catalog, schema)
        return self.table(cluster, catalog, schema, name)

    # -- search ------------------------------------------------------------------------------

    def search(self, cluster: str, q: Any, *, limit: Any = None) -> dict:
        if not isinstance(q, str) or not q.strip():
            raise BadRequest("Give something to search for: q=<text>.", code="invalid_query")
        if len(q) > MAX_QUERY:
            raise BadRequest(f"'q' is limited to {MAX_QUERY} characters.", code="invalid_query")
        check_name(q.strip(), "search text")
        limit = _int_arg(limit, "limit", SEARCH_LIMIT, 1, 500)
        idx = self.index(cluster)
        info = self.clusters.get(cluster, details=False)
        running = info.state == "running"
        if running and idx.crawled_at is None:
            # The first search of a cluster: learn every table name now (bounded), columns later.
            self._crawl(cluster, budget=FIRST_CRAWL_BUDGET)
        elif running and time.time() - (idx.crawled_at or 0) > CRAWL_INTERVAL:
            with self._index_lock:
                self._crawl_wanted.add(cluster)
            self._wake.set()
        if not running and len(idx) == 0:
            self.sessions.running(cluster)  # 409 cluster_not_running
        results, total = idx.search(q, limit)
        return {
            "cluster": cluster,
            "query": q,
            "results": results,
            "total": total,
            "truncated": total > len(results),
            "index": {**idx.stats(), "live": running},
        }

    def _crawl(self, cluster: str, budget: float | None = None) -> bool:
        """List every catalog, schema and table name into the index; False if out of time."""
        deadline = None if budget is None else time.monotonic() + budget
        idx = self.index(cluster)
        for catalog in self._catalog_names(cluster, refresh=True):
            try:
                schemas = self._schema_names(cluster, catalog, refresh=True)
            except LakehouseError as e:
                log.info("Catalog index: skipping catalog %s: %s", catalog, e.message)
                continue
            idx.set_schemas(catalog, schemas)
            for schema in schemas:
                if self._stop.is_set() or (deadline and time.monotonic() > deadline):
                    with self._index_lock:
                        self._crawl_wanted.add(cluster)
                    self._wake.set()
                    return False
                try:
                    self._table_entries(cluster, catalog, schema, refresh=True)
                except LakehouseError as e:
                    log.info("Catalog index: skipping %s.%s: %s", catalog, schema, e.message)
        idx.crawled_at = time.time()
        idx.save(force=True)
        self._wake.set()
        return True

    def _describe(self, cluster: str, keys: list[tuple[str, str, str]]) -> None:
        """Columns and formats of a few tables of one schema, into the index."""
        idx = self.index(cluster)
        catalog, schema = keys[0][0], keys[0][1]

        def ask(spark: Any) -> None:
            gt = catalog == SESSION_CATALOG and schema == self._global_temp(spark)
            safe = [k[2] for k in keys if SAFE_PATTERN.match(k[2]) and not gt]
            chosen = set(safe)
            other = [k[2] for k in keys if k[2] not in chosen]
            found: set[str] = set()
            if safe:
                pattern = "|".join(safe)
                for ns, name, temporary, information in rows(
                    spark,
                    f"SHOW TABLE EXTENDED IN {sql_name(catalog, schema)} "
                    f"LIKE {string_literal(pattern)}",
                ):
                    if temporary and ns in ("", None):
                        continue
                    info = parse_information(information or "")
                    type_ = (info.get("Type") or "").upper()
                    kind = "view" if type_ == "VIEW" else "table"
                    fmt = (info.get("Provider") or "").lower() or (
                        "view" if kind == "view" else None
                    )
                    idx.set_table(
                        catalog,
                        schema,
                        name,
                        kind=kind,
                        format=fmt,
                        columns=[(c["name"], c["type"]) for c in info.get("columns") or []],
                    )
                    found.add(name)
            for name in other:
                try:
                    target = self._target(spark, catalog, schema, name)
                    fields = spark.table(target).schema.fields
                except Exception as e:
                    if is_connection_error(e):
                        raise
                    continue
                idx.set_table(
                    catalog,
                    schema,
                    name,
                    kind="temp_view" if gt else None,
                    format="view" if gt else None,
                    columns=[(f.name, f.dataType.simpleString()) for f in fields],
                )
                found.add(name)
            for key in keys:
                if key[2] not in found:
                    idx.mark_described(key)

        try:
            self._run(cluster, ask)
        except LakehouseError as e:
            if e.code == "cluster_not_running":
                raise
            for key in keys:
                idx.mark_described(key)

    # -- the background describer ------------------------------------------------------------

    def _ensure_thread(self) -> None:
        if not self._index_enabled or self._stop.is_set():
            return
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._loop, name="lakehouse-catalog-index", daemon=True
            )
            self._thread.start()

    def _loop(self) -> None:
        last_save = time.monotonic()
        while not self._stop.is_set():
            with self._index_lock:
                clusters = list(self._indexes)
            spent, worked = 0.0, False
            for cluster in clusters:
                if self._stop.is_set():
                    break
                started = time.monotonic()
                try:
                    worked |= self._index_step(cluster)
                except LakehouseError:
                    pass
                except Exception:
                    log.exception("Catalog index of cluster %s failed", cluster)
                spent += time.monotonic() - started
            if time.monotonic() - last_save > SAVE_INTERVAL:
                self.save_indexes()
                last_save = time.monotonic()
            if worked:
                # A bounded rate, and never more than half of the time spent describing:
                # the cluster has work of its own.
                self._stop.wait(max(spent, DESCRIBE_BATCH / self.describe_rate - spent))
            else:
                self._wake.wait(2.0)
                self._wake.clear()
        self.save_indexes()

    def _index_step(self, cluster: str) -> bool:
        info = self.clusters.get(cluster, details=False)
        if info.state != "running":
            return False
        with self._index_lock:
            crawl = cluster in self._crawl_wanted
            self._crawl_wanted.discard(cluster)
        if crawl:
            self._crawl(cluster)
            return True
        keys = self.index(cluster).to_describe(DESCRIBE_BATCH)
        if not keys:
            return False
        self._describe(cluster, keys)
        return True

    def save_indexes(self) -> None:
        with self._index_lock:
            indexes = list(self._indexes.values())
        for idx in indexes:
            idx.save()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout=10)
        self.save_indexes()
        self.sessions.close()


# -- helpers -----------------------------------------------------------------------------------


def _describe_detail(described: list[tuple]) -> dict:
    """The `# Detailed Table Information` section of DESCRIBE TABLE EXTENDED's rows."""
    detail: dict[str, Any] = {}
    start = None
    # Scan from the end: a column may carry any name, the section markers come last.
    for i in range(len(described) - 1, -1, -1):
        name, dtype = [*described[i], None, None][:2]
        if name in ("# Detailed Table Information", "# Detailed View Information") and not dtype:
            start = i
            break
    if start is None:
        return detail
    for name, dtype, *_ in described[start + 1 :]:
        if name and not name.startswith("# "):
            detail[name] = dtype
    partitions = []
    for i in range(start - 1, -1, -1):
        if described[i][0] == "# Partition Information":
            for name, *_ in described[i + 1 : start]:
                if name and name != "# col_name":
                    partitions.append(name)
            break
    if partitions:
        detail["Partition Columns"] = (
            "[" + ", ".join(f"`{p.replace('`', '``')}`" for p in partitions) + "]"
        )
    return detail


def _java_date(text: str | None) -> str | None:
    """`Fri Nov 20 23:24:15 UTC 2026` (Java's Date.toString) as ISO 8601; else unchanged."""
    if not text:
        return None
    import datetime as dt

    try:
        stamp = dt.datetime.strptime(text.replace(" UTC ", " +0000 "), "%a %b %d %H:%M:%S %z %Y")
    except ValueError:
        return text
    return stamp.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _properties(text: str | None) -> dict[str, str]:
    props = bracket_list(text)
    # What the metastore keeps for Spark's own bookkeeping is noise on a table page.
    hidden = ("option.", "spark.sql.", "transient_lastDdlTime")
    return {
        k: v
        for k, v in props.items()
        if not k.startswith(hidden)
        and k not in ("external", "location", "path", "owner", "provider")
    }


def _folder_size(path: str) -> tuple[int | None, int | None]:
    files = size = 0
    try:
        for root, dirs, names in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(("_", "."))]
            for n in names:
                if n.startswith(("_", ".")):
                    continue
                with contextlib.suppress(OSError):
                    size += os.stat(os.path.join(root, n)).st_size
                    files += 1
                if files >= MAX_WALK_FILES:
                    return None, None
    except OSError:
        return None, None
    return files, size


def _unreadable_message(features: list[str]) -> str:
    named = deltalog.feature_names(features)
    return (
        f"The sample cannot be shown: this Delta table uses {named}, which delta-rs (the "
        f"offline Delta engine) cannot read yet. delta-spark reads it: run the cluster with "
        f"the delta-spark engine (the cluster profile's 'delta_jars', or a cluster that can "
        f"reach Maven Central). Its details and history come from the Delta log and are shown."
    )


def _read_delta(location: str, rows_wanted: int, version: Any, timestamp: Any) -> tuple[Any, int]:
    """The first rows of a Delta table (at a version or time) through delta-rs: no Spark."""
    try:
        from ..delta.log import DeltaError, UnsupportedFeature, VersionNotFound, open_table
    except ImportError:  # the Delta helper's module is absent: delta-rs directly
        open_table = None
    if open_table is not None:
        try:
            dt = open_table(location, version, timestamp)
        except UnsupportedFeature as e:
            raise Unprocessable(e.message, code="delta_feature_unsupported") from None
        except VersionNotFound as e:
            raise NotFound(e.message, code="version_not_found") from None
        except DeltaError as e:
            raise BadRequest(e.message, code=e.code.lower()) from None
    else:
        from deltalake import DeltaTable

        dt = DeltaTable(location, version=version)
    try:
        table = dt.to_pyarrow_dataset().head(rows_wanted)
    except Exception as e:
        text = str(e).splitlines()[0][:500]
        raise Unprocessable(
            f"delta-rs cannot read the table: {text}", code="delta_read_failed"
        ) from None
    return table, int(dt.version())


def _preview_payload(name: str, table: Any, types: list[str], limit: int, meta: dict) -> dict:
    # The table MIME bundle notebooks show results with, so the page renders the same grid.
    from ...resulttable import TABLE_MIME, TableResult, bundle

    result = TableResult.from_arrow(table, types, limit=limit)
    result.meta = {**meta, "table": name}
    data = bundle(result)
    return {
        "name": name,
        "mime_type": TABLE_MIME,
        "data": data,
        "row_count": result.table.num_rows,
        "truncated": result.truncated,
        **meta,
    }


def _confirms(confirm: str, parts: tuple[str, str, str]) -> bool:
    if confirm == display_name(*parts) or confirm == ".".join(parts):
        return True
    try:
        return tuple(split_name(confirm)) == parts
    except LakehouseError:
        return False


def _managed_location(spark: Any, catalog: str, schema: str, name: str) -> str:
    try:
        from ..delta import catalog as delta_catalog

        return delta_catalog.default_location(spark, [catalog, schema, name])
    except ImportError:
        db = spark.catalog.getDatabase(sql_name(catalog, schema))
        return os.path.join(_local_path(db.locationUri) or db.locationUri, name.lower())


def _register_delta(
    spark: Any, engine: str, catalog: str, schema: str, name: str, location: str, comment: Any
) -> None:
    if engine == "offline":
        from ..delta import catalog as delta_catalog

        delta_catalog.register(spark, [catalog, schema, name], location, True, comment or None)
        return
    sql = (
        f"CREATE TABLE {sql_name(catalog, schema, name)} USING delta "
        f"LOCATION {string_literal(location)}"
    )
    if comment:
        sql += f" COMMENT {string_literal(comment)}"
    rows(spark, sql)


def _alter_delta(
    location: str, comment_given: bool, comment: Any, columns: dict, full: str
) -> None:
    """Comments into the Delta log through delta-rs (what delta-spark's ALTER does)."""
    snap = deltalog.snapshot(location)
    if snap.unreadable_features():
        raise Unprocessable(
            f"Cannot change the comments of {full}: it uses "
            f"{deltalog.feature_names(snap.unreadable_features())}, which delta-rs (the offline "
            "Delta engine) cannot write. delta-spark can: run the cluster with the delta-spark "
            "engine.",
            code="delta_feature_unsupported",
        )
    from deltalake import DeltaTable

    try:
        dt = DeltaTable(location)
        if comment_given:
            dt.alter.set_table_description(comment or "")
        for column, text in columns.items():
            dt.alter.set_column_metadata(column, {"comment": text or ""})
    except Exception as e:
        raise Unprocessable(
            f"delta-rs cannot change the comments of {full}: {str(e).splitlines()[0][:500]}",
            code="delta_write_failed",
        ) from None
