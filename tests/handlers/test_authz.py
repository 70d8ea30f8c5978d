"""With an Authorizer that refuses everything, every route is refused: proof that each handler
is decorated with @authorized, not just @authenticated."""

import pytest
from jupyter_server.auth.authorizer import Authorizer
from tornado.httpclient import HTTPClientError

from ..fixtures.server_config import lakehouse_server_config
from .routes import all_routes

ROUTES = all_routes()


class DenyAll(Authorizer):
    def is_authorized(self, handler, user, action, resource):
        return False


@pytest.fixture
def jp_server_config(lakehouse_home):
    return lakehouse_server_config(
        lakehouse_home, server={"authorizer_class": DenyAll}, mlflow_autostart=False
    )


@pytest.mark.parametrize(("method", "path", "handler"), ROUTES)
async def test_refused_by_authorizer(jp_fetch, method, path, handler):
    body = b"{}" if method in ("POST", "PUT", "PATCH") else None
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(path, method=method, body=body)
    assert err.value.code == 403, f"{method} {path} answered {err.value.code}"


def test_every_handler_names_a_lakehouse_resource():
    for _, path, handler in ROUTES:
        assert handler.auth_resource.startswith("lakehouse"), path
