"""lakehouse/api/clusters: cluster profiles, lifecycle, jobs, executors and logs.

Every call goes to the ClusterManager off the event loop; the manager's domain errors become
400/404/409/503 in the base handler.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from ..services.clusters import ClusterInfo, ClusterManager
from .base import LakehouseHandler

# stop() waits for the grace period and start/restart may wait for a graceful stop first.
LIFECYCLE_TIMEOUT = 120.0


class ClusterBaseHandler(LakehouseHandler):
    auth_resource = "lakehouse:clusters"

    @property
    def clusters(self) -> ClusterManager:
        return self.service("clusters")

    def present(self, info: ClusterInfo) -> dict[str, Any]:
        data = info.to_dict()
        if data.get("spark_ui_path"):
            # The manager knows no base_url; the UI proxy lives under this server's.
            data["spark_ui_path"] = url_path_join(self.base_url, data["spark_ui_path"])
        return data


class ClustersHandler(ClusterBaseHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        infos = await self.run_blocking(self.clusters.list)
        self.finish_json({"clusters": [self.present(i) for i in infos]})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body()
        info = await self.run_blocking(self.clusters.create, body)
        self.set_header("Location", url_path_join(self.request.path, info.name))
        self.finish_json(self.present(info), status=201)


class ClusterHandler(ClusterBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        info = await self.run_blocking(self.clusters.get, name)
        self.finish_json(self.present(info))

    @web.authenticated
    @authorized
    async def patch(self, name: str) -> None:
        body = self.json_body()
        info = await self.run_blocking(self.clusters.update, name, body)
        self.finish_json(self.present(info))

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        await self.run_blocking(self.clusters.delete, name, timeout=LIFECYCLE_TIMEOUT)
        self.set_status(204)
        self.finish()


class ClusterActionHandler(ClusterBaseHandler):
    """POST clusters/{name}/<action>; one subclass per action, so each route is literal."""

    action = ""

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        # start and restart return while the cluster boots (202, state pending/restarting);
        # the panel polls GET clusters/{name}. stop returns when the processes are gone.
        fn = getattr(self.clusters, self.action)
        info = await self.run_blocking(fn, name, timeout=LIFECYCLE_TIMEOUT)
        self.finish_json(self.present(info), status=200 if self.action == "stop" else 202)


class ClusterStartHandler(ClusterActionHandler):
    action = "start"


class ClusterStopHandler(ClusterActionHandler):
    action = "stop"


class ClusterRestartHandler(ClusterActionHandler):
    action = "restart"


class ClusterJobsHandler(ClusterBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.finish_json(await self.run_blocking(self.clusters.jobs, name))


class ClusterExecutorsHandler(ClusterBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.finish_json(await self.run_blocking(self.clusters.executors, name))


class ClusterLogsHandler(ClusterBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        raw = self.get_query_argument("tail", "200")
        try:
            tail = int(raw)
        except ValueError:
            raise web.HTTPError(400, "'tail' must be an integer.") from None
        source = self.get_query_argument("source", "driver")
        self.finish_json(await self.run_blocking(self.clusters.logs, name, tail, source))


_NAME = r"(?P<name>[^/]+)"


def cluster_routes(api: str) -> list[tuple[str, type]]:
    base = rf"{api}/clusters"
    return [
        (rf"{base}", ClustersHandler),
        (rf"{base}/{_NAME}/start", ClusterStartHandler),
        (rf"{base}/{_NAME}/stop", ClusterStopHandler),
        (rf"{base}/{_NAME}/restart", ClusterRestartHandler),
        (rf"{base}/{_NAME}/jobs", ClusterJobsHandler),
        (rf"{base}/{_NAME}/executors", ClusterExecutorsHandler),
        (rf"{base}/{_NAME}/logs", ClusterLogsHandler),
        (rf"{base}/{_NAME}", ClusterHandler),
    ]
