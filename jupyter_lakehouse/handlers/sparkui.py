"""lakehouse/sparkui/{name}/...: the cluster's Spark UI, proxied through the Jupyter server.

Only GET, only to 127.0.0.1 and only to the UI port the cluster service recorded for that
cluster: the client names a cluster, never a host or a port. Spark writes its links under the
prefix we send in X-Forwarded-Context (Spark's UIUtils.uiRoot honours it per request), so the
pages work under any Jupyter base_url whoever started the cluster; redirects Spark sends with
its own absolute address are rewritten here.

Not an APIHandler: see handlers/uiproxy.py.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import httpclient, web

from ..services.clusters.profiles import NAME_RE
from ..services.errors import LakehouseError
from .uiproxy import UIProxyHandler

PREFIX = "lakehouse/sparkui"
_COPIED_HEADERS = (
    "Content-Type",
    "Cache-Control",
    "Last-Modified",
    "Content-Disposition",
    "Expires",
)
_TIMEOUT = 30.0


class SparkUIProxyHandler(UIProxyHandler):
    auth_resource = "lakehouse:clusters"

    def _prefix(self, name: str) -> str:
        return url_path_join(self.base_url, PREFIX, name)

    @web.authenticated
    @authorized
    async def get(self, name: str, path: str | None = None) -> None:
        if not NAME_RE.match(name):
            # Before the name reaches a Location header: control characters there are a 500.
            raise web.HTTPError(404, "There is no cluster of that name.")
        prefix = self._prefix(name)
        if path is None:
            self.redirect(prefix + "/")
            return
        manager = self.settings["lakehouse"]["clusters"]
        try:
            port = await asyncio.wait_for(asyncio.to_thread(manager.ui_port, name), _TIMEOUT)
        except LakehouseError as e:
            raise web.HTTPError(e.status, e.message) from None
        except TimeoutError:
            raise web.HTTPError(503, "The cluster service did not answer.") from None

        rest = self.upstream_path(prefix, path)
        query = self.request.query
        upstream = f"http://127.0.0.1:{int(port)}{rest}" + (f"?{query}" if query else "")
        request = httpclient.HTTPRequest(
            upstream,
            method="GET",
            headers={
                "X-Forwarded-Context": prefix,
                "Accept": self.request.headers.get("Accept", "*/*"),
            },
            follow_redirects=False,
            connect_timeout=5.0,
            request_timeout=_TIMEOUT,
        )
        response = await self.fetch_upstream(request, "The cluster's Spark UI did not answer.")
        location = response.headers.get("Location")
        self.relay(
            response,
            _COPIED_HEADERS,
            self._rewrite_location(location, prefix) if location else None,
        )

    @staticmethod
    def _rewrite_location(location: str, prefix: str) -> str:
        # Spark redirects to http://localhost:<port>/jobs/ whatever the request's prefix was.
        parts = urlsplit(location)
        path = parts.path or "/"
        if parts.scheme or parts.netloc or not path.startswith(prefix):
            if path.startswith(prefix):
                path = path[len(prefix) :] or "/"
            path = prefix + (path if path.startswith("/") else "/" + path)
        return path + (f"?{parts.query}" if parts.query else "")


def sparkui_routes() -> list[tuple[str, type]]:
    return [
        (rf"/{PREFIX}/(?P<name>[^/]+)", SparkUIProxyHandler),  # redirects to .../{name}/
        (rf"/{PREFIX}/(?P<name>[^/]+)/(?P<path>.*)", SparkUIProxyHandler),
    ]
