"""The auth matrix (issue 11): every lakehouse route and method, attacked four ways, is refused.

- no credentials at all, and a wrong token: 401/403;
- a browser session cookie (a real login with the token) on an unsafe method without the XSRF
  token: 403 (a GET with the cookie is allowed: that is how the frontend reads);
- a request from a foreign Origin, even with a valid token: 403/404.

Each attack is one test that walks every route (from `jupyter_lakehouse.handlers.ROUTES`, so
routes added later are covered without touching this file) and lists every route that let it
through. A refused request must never be a 2xx, nor a 5xx. The deny-all Authorizer half of the
matrix is tests/handlers/test_authz.py.
"""

from __future__ import annotations

import re
import urllib.parse

import pytest
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.simple_httpclient import SimpleAsyncHTTPClient

from .routes import all_routes

ROUTES = all_routes()
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def send(client, request: HTTPRequest):
    """Send a full request through pytest-jupyter's client (whose own fetch takes a path)."""
    return SimpleAsyncHTTPClient.fetch(client, request, raise_error=False)


@pytest.fixture
def raw_fetch(http_server_client, jp_base_url, jp_serverapp):
    """A fetch that never raises on a status and sends only the headers it is given."""

    async def fetch(method: str, path: str, headers: dict | None = None):
        body = b"{}" if method in ("POST", "PUT", "PATCH") else None
        url = f"{jp_base_url}{path}"
        request = HTTPRequest(
            http_server_client.get_url(url),
            method=method,
            body=body,
            headers={"Content-Type": "application/json", **(headers or {})},
            follow_redirects=False,
            allow_nonstandard_methods=True,
            # A refusal is immediate; a route that lets the request through may go on to
            # wait for a backend, and that is reported as a leak, not a hang.
            request_timeout=10,
        )
        try:
            return (await send(http_server_client, request)).code
        except HTTPClientError as e:  # 599: timed out, the route did not refuse at once
            return e.code

    return fetch


async def _walk(raw_fetch, routes, headers, allowed: tuple[int, ...]) -> list[str]:
    leaks = []
    for method, path, _ in routes:
        code = await raw_fetch(method, path, headers)
        if code not in allowed:
            leaks.append(f"{method} {path} -> {code}")
    return leaks


async def test_no_credentials_refused_everywhere(raw_fetch):
    leaks = await _walk(raw_fetch, ROUTES, {}, (401, 403))
    assert not leaks, f"{len(leaks)}/{len(ROUTES)} answered without credentials: {leaks}"


async def test_bad_token_refused_everywhere(raw_fetch, jp_serverapp):
    wrong = jp_serverapp.identity_provider.token + "x"
    leaks = await _walk(raw_fetch, ROUTES, {"Authorization": f"token {wrong}"}, (401, 403))
    assert not leaks, f"{len(leaks)}/{len(ROUTES)} answered a wrong token: {leaks}"


async def _login_cookie(http_server_client, jp_base_url, token: str, with_xsrf: bool = False):
    """Log in through the real /login form, as a browser does; return the Cookie header
    (and, with `with_xsrf`, the XSRF cookie in it and its value)."""
    login = http_server_client.get_url(f"{jp_base_url}login")
    page = await send(http_server_client, HTTPRequest(login))
    cookies = _cookies(page.headers.get_list("Set-Cookie"))
    xsrf = cookies["_xsrf"]
    form = urllib.parse.urlencode({"password": token, "_xsrf": xsrf})
    answer = await send(
        http_server_client,
        HTTPRequest(
            login,
            method="POST",
            body=form,
            headers={"Cookie": f"_xsrf={xsrf}"},
            follow_redirects=False,
        ),
    )
    assert answer.code in (302, 303), f"login answered {answer.code}"
    cookies.update(_cookies(answer.headers.get_list("Set-Cookie")))
    session = {k: v for k, v in cookies.items() if k.startswith("username-")}
    assert session, f"the login set no session cookie: {sorted(cookies)}"
    if with_xsrf:
        session["_xsrf"] = xsrf
        return "; ".join(f"{k}={v}" for k, v in session.items()), xsrf
    return "; ".join(f"{k}={v}" for k, v in session.items())


def _cookies(set_cookie: list[str]) -> dict[str, str]:
    found = {}
    for header in set_cookie:
        match = re.match(r"\s*([^=;]+)=([^;]*)", header)
        if match:
            found[match.group(1)] = match.group(2)
    return found


async def test_cookie_without_xsrf_refused_on_unsafe_methods(
    raw_fetch, http_server_client, jp_base_url, jp_serverapp
):
    cookie = await _login_cookie(
        http_server_client, jp_base_url, jp_serverapp.identity_provider.token
    )
    # The cookie is a real session: a read with it is answered (proves the attack is not
    # refused merely for a broken cookie).
    version = await raw_fetch("GET", "lakehouse/api/version", {"Cookie": cookie})
    assert version == 200, version
    unsafe = [route for route in ROUTES if route[0] in UNSAFE]
    assert len(unsafe) > 20
    leaks = await _walk(raw_fetch, unsafe, {"Cookie": cookie}, (403,))
    assert not leaks, f"{len(leaks)}/{len(unsafe)} took a cookie without XSRF: {leaks}"


async def test_foreign_origin_refused_everywhere(
    raw_fetch, http_server_client, jp_base_url, jp_serverapp
):
    # The cross-site attack: a page elsewhere makes the user's browser send its session cookie
    # (here even with a valid XSRF token, the strongest case). A token in a header is not this
    # attack: a foreign page cannot know the token, and Jupyter skips the Origin check for it.
    token = jp_serverapp.identity_provider.token
    cookie, xsrf = await _login_cookie(http_server_client, jp_base_url, token, with_xsrf=True)
    headers = {"Cookie": cookie, "X-XSRFToken": xsrf, "Origin": "https://evil.example"}
    same_site = {**headers, "Origin": http_server_client.get_url("").rstrip("/")}
    # The same cookie and XSRF token from our own origin get through (400: the empty body).
    assert await raw_fetch("POST", "lakehouse/api/sql/parameters", same_site) == 400
    leaks = await _walk(raw_fetch, ROUTES, headers, (403, 404))
    assert not leaks, f"{len(leaks)}/{len(ROUTES)} answered a foreign Origin: {leaks}"


async def test_matrix_is_complete():
    # Every area of the product is in the matrix, the catch-all included.
    paths = {path for _, path, _ in ROUTES}
    for area in ("clusters", "catalog", "mlflow", "serving", "sql", "version"):
        assert any(p.startswith(f"lakehouse/api/{area}") for p in paths), area
    assert len(ROUTES) >= 60
