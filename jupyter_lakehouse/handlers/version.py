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
        clusters = self.service("clusters")

        def collect() -> dict:
            # The Delta engine the default cluster chose at its last start (services/delta).
            return version_info(frontend, clusters.delta_engine())

        # `java -version` is a subprocess and the cluster state a locked file: off the loop.
        info = await self.run_blocking(collect)
        self.finish_json(info)
