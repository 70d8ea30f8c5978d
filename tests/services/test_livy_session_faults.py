"""How the Livy sessions client reports an endpoint that fails.

The endpoint here is a fault injector (a tiny HTTP server answering what each test wants):
the working paths are tested against the real Livy-compatible endpoint in
tests/handlers/test_livy_sessions_api.py.
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest
from requests.auth import HTTPBasicAuth

from jupyter_lakehouse.services.clusters import launcher, validate_profile
from jupyter_lakehouse.services.clusters.livysessions import (
    BearerToken,
    LivyClient,
    auth_for,
    parse_session_id,
)
from jupyter_lakehouse.services.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    Unavailable,
    Unprocessable,
)


class FaultServer:
    """Answers every request with (status, headers, body) and records what it was sent."""

    def __init__(self) -> None:
        self.answer: tuple[int, dict, bytes] = (200, {}, b"{}")
        self.requests: list[dict] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _reply(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                outer.requests.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length) if length else b"",
                    }
                )
                status, headers, body = outer.answer
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_DELETE = _reply

            def log_message(self, *args) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/livy"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def livy() -> Iterator[FaultServer]:
    server = FaultServer()
    yield server
    server.close()


def client(url: str, **fields) -> LivyClient:
    return LivyClient(validate_profile({"name": "lv", "kind": "livy", "url": url, **fields}))


def answer(livy: FaultServer, status: int, body, headers: dict | None = None) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    livy.answer = (status, headers or {"Content-Type": "application/json"}, raw)


def test_sessions_are_summarized(livy):
    answer(
        livy,
        200,
        {
            "from": 0,
            "total": 1,
            "sessions": [
                {
                    "id": 7,
                    "kind": "pyspark",
                    "state": "idle",
                    "appId": "application_1",
                    "owner": "ann",
                    "proxyUser": "bob",
                    "appInfo": {"sparkUiUrl": "http://rm/proxy/application_1/"},
                    "log": ["a"],
                }
            ],
        },
    )
    sessions = client(livy.url).sessions()
    assert sessions == [
        {
            "id": 7,
            "name": None,
            "kind": "pyspark",
            "state": "idle",
            "app_id": "application_1",
            "owner": "ann",
            "proxy_user": "bob",
            "spark_ui_url": "http://rm/proxy/application_1/",
            "driver_log_url": None,
        }
    ]
    assert livy.requests[-1]["path"] == "/livy/sessions"


def test_create_sends_the_kind_and_the_profile_auth(livy):
    answer(livy, 201, {"id": 3, "kind": "spark", "state": "starting"})
    created = client(livy.url, auth="basic", username="ann", password="pw").create_session("spark")
    assert created["id"] == 3 and created["state"] == "starting"
    sent = livy.requests[-1]
    assert sent["method"] == "POST" and json.loads(sent["body"]) == {"kind": "spark"}
    assert sent["headers"]["Authorization"].startswith("Basic ")
    with pytest.raises(BadRequest) as err:
        client(livy.url).create_session("cobol")
    assert err.value.code == "invalid_session_kind"


def test_token_auth_is_a_bearer_header(livy):
    answer(livy, 200, {"sessions": []})
    assert client(livy.url, auth="token", token="t0k").sessions() == []
    assert livy.requests[-1]["headers"]["Authorization"] == "Bearer t0k"


def test_an_unreachable_endpoint_is_503():
    url = f"http://127.0.0.1:{launcher.free_port()}"
    with pytest.raises(Unavailable) as err:
        client(url).sessions()
    assert err.value.code == "livy_unreachable" and url in err.value.message


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [
        (400, BadRequest, "livy_bad_request"),
        (404, NotFound, "livy_not_found"),
        (409, Conflict, "livy_conflict"),
        (418, Unprocessable, "livy_refused"),
        (500, Unavailable, "livy_error"),
        (503, Unavailable, "livy_error"),
    ],
)
def test_livy_errors_keep_livys_message(livy, status, error, code):
    answer(livy, status, {"msg": "Session '9' not found."})
    with pytest.raises(error) as err:
        client(livy.url).delete_session(9)
    assert err.value.code == code and "Session '9' not found." in err.value.message
    assert err.value.detail == {"livy_status": status}


def test_a_refused_login_is_403_with_what_to_change(livy):
    answer(livy, 401, b"", {"WWW-Authenticate": 'Basic realm="livy"'})
    with pytest.raises(Forbidden) as err:
        client(livy.url).sessions()
    assert err.value.code == "livy_unauthorized" and "auth to basic" in err.value.message
    with pytest.raises(Forbidden) as err:
        client(livy.url, auth="basic", username="u", password="wrong").sessions()
    assert "credentials in the cluster's profile were refused" in err.value.message


def test_kerberos_auth_object_and_a_negotiate_round_trip(livy):
    from requests_kerberos import REQUIRED, HTTPKerberosAuth

    kerberos = client(livy.url, auth="kerberos")
    assert isinstance(kerberos.http.auth, HTTPKerberosAuth)
    assert kerberos.http.auth.mutual_authentication == REQUIRED
    # Without a ticket the client cannot answer the challenge: Livy's 401 comes back, and
    # the message says how to get a ticket.
    answer(livy, 401, b"", {"WWW-Authenticate": "Negotiate"})
    with pytest.raises(Forbidden) as err:
        kerberos.sessions()
    assert err.value.code == "livy_unauthorized" and "kinit" in err.value.message
    # A profile without Kerberos against a Kerberos endpoint hears which auth to choose.
    with pytest.raises(Forbidden) as err:
        client(livy.url).sessions()
    assert "auth to kerberos" in err.value.message


def test_a_redirect_is_not_followed(livy):
    answer(livy, 302, b"", {"Location": "http://elsewhere/login"})
    with pytest.raises(Unprocessable) as err:
        client(livy.url, auth="token", token="t0k").sessions()
    assert err.value.code == "livy_redirect" and "http://elsewhere/login" in err.value.message
    assert len(livy.requests) == 1


@pytest.mark.parametrize("body", [b"<html>proxy error</html>", b'{"no": "sessions"}'])
def test_an_answer_that_is_not_livys_is_503(livy, body):
    answer(livy, 200, body)
    with pytest.raises(Unavailable) as err:
        client(livy.url).sessions()
    assert err.value.code == "livy_invalid"


def test_auth_objects():
    assert auth_for(validate_profile({"name": "a", "kind": "livy", "url": "http://h"})) is None
    basic = auth_for(
        validate_profile(
            {"name": "a", "kind": "livy", "url": "http://h", "auth": "basic"}
            | {"username": "u", "password": "p"}
        )
    )
    assert isinstance(basic, HTTPBasicAuth) and (basic.username, basic.password) == ("u", "p")
    token = auth_for(
        validate_profile(
            {"name": "a", "kind": "livy", "url": "http://h", "auth": "token"} | {"token": "t"}
        )
    )
    assert isinstance(token, BearerToken)


@pytest.mark.parametrize("value", ["x", "-1", "1.5", "", "../1", "9" * 19])
def test_session_ids_are_whole_numbers(value):
    with pytest.raises(BadRequest):
        parse_session_id(value)
    assert parse_session_id("42") == 42
