"""lakehouse/api/catalog: catalogs, schemas, tables, details, history, sample rows, search, and
the actions of the catalog browser (create schema, comments, drop, create from a file).

Every route takes `cluster=` (default `local`): the catalog browsed is that cluster's. Table
names travel as `{catalog}.{schema}.{table}`, each part backtick-quoted when it needs to be.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..services.catalog import CatalogService
from ..services.catalog.names import parse_table_name
from ..services.clusters import DEFAULT_CLUSTER
from .base import LakehouseHandler

# A sample of a non-Delta table is a Spark job; a first query on a fresh cluster takes seconds.
PREVIEW_TIMEOUT = 120.0
# Writing an uploaded file (up to the size limit) as a Delta table.
UPLOAD_TIMEOUT = 300.0
# A first search may list every schema's tables before answering.
SEARCH_TIMEOUT = 90.0


class CatalogBaseHandler(LakehouseHandler):
    auth_resource = "lakehouse:catalog"

    @property
    def catalog(self) -> CatalogService:
        return self.service("catalog")

    @property
    def cluster(self) -> str:
        return self.get_query_argument("cluster", DEFAULT_CLUSTER)

    def flag(self, name: str) -> bool:
        value = self.get_query_argument(name, "false").strip().lower()
        if value not in ("true", "false", "1", "0", ""):
            raise web.HTTPError(400, f"'{name}' must be true or false.")
        return value in ("true", "1")

    def arg(self, name: str) -> str | None:
        return self.get_query_argument(name, None)


class CatalogsHandler(CatalogBaseHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        refresh = self.flag("refresh")
        self.finish_json(await self.run_blocking(self._list, refresh))

    def _list(self, refresh: bool) -> dict:
        return self.catalog.catalogs(self.cluster, refresh=refresh)


class SchemasHandler(CatalogBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, catalog: str) -> None:
        options: dict[str, Any] = {
            "limit": self.arg("limit"),
            "page_token": self.arg("page_token"),
            "filter": self.arg("filter"),
            "refresh": self.flag("refresh"),
        }
        cluster = self.cluster
        result = await self.run_blocking(lambda: self.catalog.schemas(cluster, catalog, **options))
        self.finish_json(result)

    @web.authenticated
    @authorized
    async def post(self, catalog: str) -> None:
        body = self.json_body()
        cluster = self.cluster
        created = await self.run_blocking(self.catalog.create_schema, cluster, catalog, body)
        self.finish_json(created, status=201)


class TablesHandler(CatalogBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, catalog: str, schema: str) -> None:
        options: dict[str, Any] = {
            "limit": self.arg("limit"),
            "page_token": self.arg("page_token"),
            "filter": self.arg("filter"),
            "refresh": self.flag("refresh"),
        }
        cluster = self.cluster
        result = await self.run_blocking(
            lambda: self.catalog.tables(cluster, catalog, schema, **options)
        )
        self.finish_json(result)


class UploadHandler(CatalogBaseHandler):
    """Step 1: POST the file's bytes (`?filename=&format=`): the inferred schema to review.
    Step 2: POST `?upload_id=` with JSON {name, columns, comment}: the Delta table is made."""

    @web.authenticated
    @authorized
    async def post(self, catalog: str, schema: str) -> None:
        cluster = self.cluster
        upload_id = self.arg("upload_id")
        if upload_id is not None:
            body = self.json_body()
            created = await self.run_blocking(
                self.catalog.create_from_upload,
                cluster,
                catalog,
                schema,
                upload_id,
                body,
                timeout=UPLOAD_TIMEOUT,
            )
            self.finish_json(created, status=201)
            return
        data = self.request.body or b""
        filename, fmt = self.arg("filename"), self.arg("format")
        inferred = await self.run_blocking(
            lambda: self.catalog.upload(
                cluster, catalog, schema, data, filename=filename, format=fmt
            ),
            timeout=UPLOAD_TIMEOUT,
        )
        self.finish_json(inferred)


class TableHandler(CatalogBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        c, s, t = parse_table_name(name)
        self.finish_json(await self.run_blocking(self.catalog.table, self.cluster, c, s, t))

    @web.authenticated
    @authorized
    async def patch(self, name: str) -> None:
        c, s, t = parse_table_name(name)
        body = self.json_body()
        cluster = self.cluster
        result = await self.run_blocking(self.catalog.update_table, cluster, c, s, t, body)
        self.finish_json(result)

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        c, s, t = parse_table_name(name)
        confirm = self.arg("confirm")
        cluster = self.cluster
        result = await self.run_blocking(
            lambda: self.catalog.drop_table(cluster, c, s, t, confirm=confirm)
        )
        self.finish_json(result)


class TableHistoryHandler(CatalogBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        c, s, t = parse_table_name(name)
        limit = self.arg("limit")
        cluster = self.cluster
        result = await self.run_blocking(
            lambda: self.catalog.history(cluster, c, s, t, limit=limit)
        )
        self.finish_json(result)


class TablePreviewHandler(CatalogBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        c, s, t = parse_table_name(name)
        options = {
            "limit": self.arg("limit"),
            "version": self.arg("version"),
            "timestamp": self.arg("timestamp"),
        }
        cluster = self.cluster
        result = await self.run_blocking(
            lambda: self.catalog.preview(cluster, c, s, t, **options), timeout=PREVIEW_TIMEOUT
        )
        self.finish_json(result)


class SearchHandler(CatalogBaseHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        q, limit = self.arg("q"), self.arg("limit")
        cluster = self.cluster
        result = await self.run_blocking(
            lambda: self.catalog.search(cluster, q, limit=limit), timeout=SEARCH_TIMEOUT
        )
        self.finish_json(result)


_PART = r"[^/]+"


def catalog_routes(api: str) -> list[tuple[str, type]]:
    base = rf"{api}/catalog"
    schemas = rf"{base}/catalogs/(?P<catalog>{_PART})/schemas"
    tables = rf"{schemas}/(?P<schema>{_PART})/tables"
    table = rf"{base}/tables/(?P<name>{_PART})"
    return [
        (rf"{base}/catalogs", CatalogsHandler),
        (schemas, SchemasHandler),
        (rf"{tables}/upload", UploadHandler),
        (tables, TablesHandler),
        (rf"{table}/history", TableHistoryHandler),
        (rf"{table}/preview", TablePreviewHandler),
        (table, TableHandler),
        (rf"{base}/search", SearchHandler),
    ]
