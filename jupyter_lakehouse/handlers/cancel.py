"""POST lakehouse/api/clusters/{name}/cancel: stop one notebook cell's Spark work."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..services.clusters.cancel import check_tag, interrupt_tag
from ..services.errors import BadRequest
from .base import LakehouseHandler

CANCEL_TIMEOUT = 30.0


class ClusterCancelHandler(LakehouseHandler):
    auth_resource = "lakehouse:clusters"

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        body = self.json_body()
        tag = check_tag(body.get("tag"))
        session_id = body.get("session_id")
        if not isinstance(session_id, str) or not session_id:
            raise BadRequest("session_id must be the notebook's Spark session id.")
        manager = self.service("clusters")
        # connect_url validates the session id and refuses a cluster that is not running.
        url = await self.run_blocking(manager.connect_url, name, session_id)
        interrupted = await self.run_blocking(interrupt_tag, url, tag, timeout=CANCEL_TIMEOUT)
        self.finish_json({"interrupted": interrupted})
