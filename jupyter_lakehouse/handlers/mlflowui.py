"""lakehouse/mlflow-ui/...: MLflow's own UI, proxied through the Jupyter server.

Requests only ever go to the tracking server the MLflow service uses (the embedded server's
recorded 127.0.0.1 port, or a configured http(s) tracking URI): the client names a path under
it, never a host. MLflow's UI asks for everything with relative URLs (`static-files/...`,
`ajax-api/2.0/...`), so it works under any prefix without `--static-prefix`.

The UI's own ajax writes (POST, PATCH, DELETE) go through Jupyter's XSRF check like any other
cookie-authenticated request: the page sets the cookie `mlflow-request-header-X-XSRFToken`,
which MLflow's UI turns into an `X-XSRFToken` header on each of its requests.

Not an APIHandler: see handlers/uiproxy.py.
"""

from __future__ import annotations

import asyncio

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import httpclient, web

from ..services.errors import LakehouseError
from .uiproxy import UIProxyHandler

PREFIX = "lakehouse/mlflow-ui"
_COPIED_HEADERS = ("Content-Type", "Cache-Control", "Last-Modified", "ETag", "Expires")
_FORWARDED_HEADERS = ("Accept", "Content-Type", "If-None-Match", "If-Modified-Since")
_TIMEOUT = 60.0
# The tracking server may have to start on the first visit.
_READY_TIMEOUT = 150.0
XSRF_COOKIE = "mlflow-request-header-X-XSRFToken"


class _MLflowUIHandler(UIProxyHandler):
    auth_resource = "lakehouse:mlflow"

    @property
    def _prefix(self) -> str:
        return url_path_join(self.base_url, PREFIX)


class MLflowUIRedirectHandler(_MLflowUIHandler):
    """The bare prefix: to the UI's page, whose relative links need the trailing slash."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.redirect(self._prefix + "/")


class MLflowUIProxyHandler(_MLflowUIHandler):
    async def _upstream_base(self) -> str:
        service = self.settings["lakehouse"]["mlflow"]
        try:
            await asyncio.wait_for(asyncio.to_thread(service.ensure_ready), _READY_TIMEOUT)
        except LakehouseError as e:
            raise web.HTTPError(e.status, e.message) from None
        except TimeoutError:
            raise web.HTTPError(503, "The MLflow tracking server did not start.") from None
        if not service.proxyable:
            raise web.HTTPError(
                404, "The tracking URI is not an http(s) server: MLflow's UI is not available."
            )
        return service.tracking_uri.rstrip("/")

    async def _proxy(self, path: str) -> None:
        base = await self._upstream_base()
        rest = self.upstream_path(self._prefix, path)
        query = self.request.query
        method = self.request.method
        headers = {
            h: self.request.headers[h] for h in _FORWARDED_HEADERS if h in self.request.headers
        }
        request = httpclient.HTTPRequest(
            base + rest + (f"?{query}" if query else ""),
            method=method,
            headers=headers,
            body=self.request.body if method in ("POST", "PUT", "PATCH", "DELETE") else None,
            allow_nonstandard_methods=True,  # DELETE with a JSON body, as MLflow's UI sends
            follow_redirects=False,
            connect_timeout=5.0,
            request_timeout=_TIMEOUT,
        )
        response = await self.fetch_upstream(request, "The MLflow tracking server did not answer.")
        # MLflow redirects with its own address or a root-relative path: keep it under us.
        location = (response.headers.get("Location") or "").removeprefix(base)
        if rest == "/" and method == "GET":
            # The page: give MLflow's UI the XSRF token for its ajax writes (see above).
            self.set_cookie(XSRF_COOKIE, self.xsrf_token.decode(), path=self._prefix + "/")
        self.relay(
            response,
            _COPIED_HEADERS,
            self._prefix + location if location.startswith("/") else None,
        )

    @web.authenticated
    @authorized
    async def get(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    @authorized
    async def post(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    @authorized
    async def patch(self, path: str) -> None:
        await self._proxy(path)

    @web.authenticated
    @authorized
    async def delete(self, path: str) -> None:
        await self._proxy(path)


def mlflowui_routes() -> list[tuple[str, type]]:
    return [
        (rf"/{PREFIX}", MLflowUIRedirectHandler),
        (rf"/{PREFIX}/(?P<path>.*)", MLflowUIProxyHandler),
    ]
