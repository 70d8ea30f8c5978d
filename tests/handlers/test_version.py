import json

import pytest
from tornado.httpclient import HTTPClientError

from jupyter_lakehouse import __version__


async def test_version_reports_components(jp_fetch):
    response = await jp_fetch("lakehouse", "api", "version")
    info = json.loads(response.body)
    assert info["package"] == __version__
    assert info["spark"] == "4.2.0"
    assert info["mlflow"].startswith("3.")
    assert info["java"]["major"] >= 17 and info["java"]["usable"] is True
    assert info["delta"]["deltalake"] and info["delta"]["delta_spark"]
    assert info["compatible"] is None  # no frontend version given


async def test_version_handshake(jp_fetch):
    same = await jp_fetch("lakehouse", "api", "version", params={"frontend": __version__})
    assert json.loads(same.body)["compatible"] is True
    other = await jp_fetch("lakehouse", "api", "version", params={"frontend": "99.0.0"})
    body = json.loads(other.body)
    assert body["compatible"] is False and body["frontend"] == "99.0.0"


async def test_unknown_route_is_json_404(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("lakehouse", "api", "no-such-thing")
    assert err.value.code == 404
    error = json.loads(err.value.response.body)["error"]
    assert error["code"] == "not_found" and "route" in error["message"]
    assert "Traceback" not in err.value.response.body.decode()


async def test_openapi_document_lists_every_route(jp_fetch):
    from .routes import all_routes

    doc = json.loads((await jp_fetch("lakehouse", "api", "openapi.json")).body)
    assert doc["openapi"].startswith("3.") and doc["info"]["version"] == __version__
    documented = {(method.upper(), path) for path, ops in doc["paths"].items() for method in ops}
    for method, sample, handler in all_routes():
        if handler.__name__.endswith("NotFoundHandler"):  # catch-alls (API and Livy)
            continue
        route = "/" + sample.removeprefix("lakehouse/api/")
        assert any(m == method and _matches(p, route) for m, p in documented), (
            f"{method} {route} ({handler.__name__}) is not in openapi.json"
        )


def _matches(template: str, path: str) -> bool:
    t, p = template.strip("/").split("/"), path.strip("/").split("/")
    return len(t) == len(p) and all(a == b or a.startswith("{") for a, b in zip(t, p, strict=True))
