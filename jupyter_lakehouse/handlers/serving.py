"""lakehouse/api/serving: model endpoints (MLflow model servers), their sample request, test
invocations and logs. Invocations only ever go to the endpoint's own recorded 127.0.0.1 port.
"""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from ..services.serving import ServingService
from .base import LakehouseHandler

# Resolving a model asks MLflow; a remote tracking server may be slow.
CREATE_TIMEOUT = 60.0
# Stopping waits for the process group's grace period.
DELETE_TIMEOUT = 60.0
# Reading the model's MLmodel and input example from the artifact store.
SAMPLE_TIMEOUT = 60.0
# A prediction may take the model server's own request timeout (60 s) and a bit more.
INVOKE_TIMEOUT = 90.0
# The largest log tail a client may ask for.
MAX_LOG_BYTES = 1024 * 1024


class ServingBaseHandler(LakehouseHandler):
    auth_resource = "lakehouse:serving"

    @property
    def serving(self) -> ServingService:
        return self.service("serving")


class EndpointsHandler(ServingBaseHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        endpoints = await self.run_blocking(self.serving.list)
        self.finish_json({"endpoints": endpoints})

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body()
        endpoint = await self.run_blocking(self.serving.create, body, timeout=CREATE_TIMEOUT)
        self.set_header("Location", url_path_join(self.request.path, endpoint["name"]))
        # 202: the server is starting; clients poll GET serving/endpoints/{name}.
        self.finish_json(endpoint, status=202)


class EndpointHandler(ServingBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.finish_json(await self.run_blocking(self.serving.get, name))

    @web.authenticated
    @authorized
    async def delete(self, name: str) -> None:
        endpoint = await self.run_blocking(self.serving.delete, name, timeout=DELETE_TIMEOUT)
        self.finish_json(endpoint)


class EndpointSampleHandler(ServingBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.finish_json(await self.run_blocking(self.serving.sample, name, timeout=SAMPLE_TIMEOUT))


class EndpointInvocationsHandler(ServingBaseHandler):
    @web.authenticated
    @authorized
    async def post(self, name: str) -> None:
        # The body goes to the model server as it came (any JSON value), validated by the service.
        body = self.request.body or b""
        result = await self.run_blocking(self.serving.invoke, name, body, timeout=INVOKE_TIMEOUT)
        self.finish_json(result)


class EndpointLogsHandler(ServingBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        raw = self.get_query_argument("max_bytes", "65536")
        try:
            max_bytes = int(raw)
        except ValueError:
            raise web.HTTPError(400, "'max_bytes' must be a whole number.") from None
        if not 1 <= max_bytes <= MAX_LOG_BYTES:
            raise web.HTTPError(400, f"'max_bytes' must be between 1 and {MAX_LOG_BYTES}.")
        self.finish_json(await self.run_blocking(self.serving.logs, name, max_bytes))


def serving_routes(api: str) -> list[tuple[str, type]]:
    endpoint = rf"{api}/serving/endpoints/(?P<name>[^/]+)"
    return [
        (rf"{api}/serving/endpoints", EndpointsHandler),
        (rf"{endpoint}/sample", EndpointSampleHandler),
        (rf"{endpoint}/invocations", EndpointInvocationsHandler),
        (rf"{endpoint}/logs", EndpointLogsHandler),
        (endpoint, EndpointHandler),
    ]
