"""lakehouse/api/databricks: import and export of Databricks notebook formats (`.dbc`
archives and source files) in the served folder."""

from __future__ import annotations

from urllib.parse import quote

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..services.databricks import DatabricksFormats
from .base import LakehouseHandler

# Reading and writing a large archive of notebooks is disk work, never a Spark job.
CONVERT_TIMEOUT = 120.0


class DatabricksBaseHandler(LakehouseHandler):
    auth_resource = "lakehouse:databricks"

    @property
    def formats(self) -> DatabricksFormats:
        return self.service("databricks")

    def body_args(self) -> tuple[dict, str, str | None, bool]:
        body = self.json_body()
        path = body.get("path")
        if not isinstance(path, str) or not path.strip():
            raise web.HTTPError(400, "'path' (a file or folder in the served folder) is required.")
        destination = body.get("destination")
        if destination is not None and not isinstance(destination, str):
            raise web.HTTPError(400, "'destination' must be a path.")
        overwrite = body.get("overwrite", False)
        if not isinstance(overwrite, bool):
            raise web.HTTPError(400, "'overwrite' must be true or false.")
        return body, path, destination, overwrite


class ImportHandler(DatabricksBaseHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        _, path, destination, overwrite = self.body_args()
        result = await self.run_blocking(
            self.formats.import_notebooks, path, destination, overwrite, timeout=CONVERT_TIMEOUT
        )
        self.finish_json(result, status=201)


class ExportHandler(DatabricksBaseHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        path = self.get_query_argument("path", "")
        fmt = self.get_query_argument("format", "source")
        name, media_type, data = await self.run_blocking(
            self.formats.download, path, fmt, timeout=CONVERT_TIMEOUT
        )
        self.set_header("Content-Disposition", f"attachment; filename*=UTF-8''{quote(name)}")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(data, set_content_type=media_type)

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body, path, destination, overwrite = self.body_args()
        fmt = body.get("format", "dbc")
        if not isinstance(fmt, str):
            raise web.HTTPError(400, "'format' must be 'dbc' or 'source'.")
        result = await self.run_blocking(
            self.formats.export, path, fmt, destination, overwrite, timeout=CONVERT_TIMEOUT
        )
        self.finish_json(result, status=201)


def databricks_routes(api: str) -> list[tuple[str, type]]:
    return [
        (rf"{api}/databricks/import", ImportHandler),
        (rf"{api}/databricks/export", ExportHandler),
    ]
