"""lakehouse/api/clusters/{name}/livy/sessions: the Livy sessions of a `livy` cluster (issue 10).

The service calls the Livy URL of the cluster's profile (never one from the request) and maps
Livy's answers to the API's errors; this file only parses and serializes.
"""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..services.clusters.livysessions import LivySessions
from .clusters import ClusterBaseHandler

# Livy calls have their own connect/read timeouts (services/clusters/livysessions.py);
# this is the backstop.
LIVY_TIMEOUT = 60.0


class LivyBaseHandler(ClusterBaseHandler):
    @property
    def livy(self) -> LivySessions:
        return self.service("livy_sessions")


class LivySessionsHandler(LivyBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.finish_json(await self.run_blocking(self.livy.list, name, timeout=LIVY_TIMEOUT))

    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        body = self.json_body()
        session = await self.run_blocking(self.livy.create, name, body, timeout=LIVY_TIMEOUT)
        self.finish_json(session, status=201)


class LivySessionHandler(LivyBaseHandler):
    @web.authenticated
    @authorized
    async def delete(self, name: str, session_id: str) -> None:
        await self.run_blocking(self.livy.delete, name, session_id, timeout=LIVY_TIMEOUT)
        self.set_status(204)
        self.finish()


def livy_session_routes(api: str) -> list[tuple[str, type]]:
    base = rf"{api}/clusters/(?P<name>[^/]+)/livy/sessions"
    return [
        (base, LivySessionsHandler),
        (rf"{base}/(?P<session_id>[^/]+)", LivySessionHandler),
    ]
