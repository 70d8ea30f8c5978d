"""No lakehouse route answers a request that carries no credentials."""

import pytest
from tornado.httpclient import HTTPClientError

from .routes import all_routes

ROUTES = all_routes()


def test_every_route_is_covered():
    paths = {path for _, path, _ in ROUTES}
    assert "lakehouse/api/version" in paths
    assert any(path.startswith("lakehouse/api/sample") for path in paths), "catch-all missing"


@pytest.mark.parametrize(("method", "path", "handler"), ROUTES)
async def test_refused_without_token(jp_fetch, jp_serverapp, method, path, handler):
    body = b"{}" if method in ("POST", "PUT", "PATCH") else None
    with pytest.raises(HTTPClientError) as err:
        # An empty Authorization header replaces jp_fetch's token: no credentials at all.
        await jp_fetch(path, method=method, body=body, headers={"Authorization": ""})
    assert err.value.code in (401, 403), f"{method} {path} answered {err.value.code}"


async def test_server_runs_with_unauthenticated_access_off(jp_serverapp):
    assert jp_serverapp.allow_unauthenticated_access is False
