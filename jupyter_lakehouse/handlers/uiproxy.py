"""What the proxies of the web UIs that JupyterLab shows in a tab (MLflow's, Spark's) share.

They are not APIHandlers: the UIs are HTML with scripts, which the API's "default-src 'none'"
content security policy would block.
"""

from __future__ import annotations

from collections.abc import Iterable

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import httpclient, web


class UIProxyHandler(ExtensionHandlerMixin, JupyterHandler):
    async def prepare(self, *args, **kwargs) -> None:
        await super().prepare(*args, **kwargs)
        # As APIHandler does: a page on another origin must not drive the proxied UI with the
        # user's session cookie (issue 11's auth matrix found these GETs answering one).
        if not self.check_origin():
            raise web.HTTPError(404)

    def get_login_url(self) -> str:
        # Like the API: no credentials is a 403, not a redirect to the login page (the UI is
        # opened from JupyterLab, which already holds a session).
        if not self.current_user:
            raise web.HTTPError(403)
        return super().get_login_url()

    def upstream_path(self, prefix: str, path: str) -> str:
        """The request's path under `prefix`, with its query.

        The raw (still percent-encoded) path, so the UI sees exactly what its links said.
        """
        raw = self.request.path
        rest = raw[len(prefix) :] if raw.startswith(prefix) else "/" + path
        if not rest.startswith("/"):
            rest = "/" + rest
        return rest

    async def fetch_upstream(
        self, request: httpclient.HTTPRequest, unreachable: str
    ) -> httpclient.HTTPResponse:
        response = await httpclient.AsyncHTTPClient().fetch(request, raise_error=False)
        if response.code == 599:
            raise web.HTTPError(503, unreachable)
        return response

    def relay(
        self,
        response: httpclient.HTTPResponse,
        copied_headers: Iterable[str],
        location: str | None,
    ) -> None:
        """Answer with the upstream response; `location` is its redirect, already rewritten."""
        self.set_status(response.code, response.reason)
        for header in copied_headers:
            value = response.headers.get(header)
            if value:
                self.set_header(header, value)
        if location:
            self.set_header("Location", location)
        if response.code not in (204, 304) and response.body:
            self.write(response.body)
        self.finish()
