"""GET lakehouse/api/version: what the server runs, and whether the frontend matches it."""

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..services.version import version_info
from .base import LakehouseHandler


class VersionHandler(LakehouseHandler):
    auth_resource = "lakehouse:version"

    @web.authenticated
    @authorized
    async def get(self) -> None:
        frontend = self.get_query_argument("frontend", None)
        # `java -version` is a subprocess; keep it off the event loop.
        info = await self.run_blocking(version_info, frontend)
        self.finish_json(info)
