"""Livy sessions of a `livy` cluster: list, create and delete them over Livy's REST API.

The server extension talks to the URL of the cluster's profile only (never a URL from a request),
with the profile's authentication. It uses `requests` with the auth classes sparkmagic itself uses
(requests' HTTPBasicAuth, requests-kerberos' HTTPKerberosAuth) rather than sparkmagic's
ReliableHttpClient: building that client in a server process reads (and creates)
~/.sparkmagic/config.json and reruns logging.dictConfig with sparkmagic's config at every client,
which would reconfigure the Jupyter server's own logging. Notebooks use sparkmagic itself
(kernel/livyendpoint.py).

Livy's answers are mapped to the API's errors: unreachable or 5xx is 503, a refused login 403
(never 401: that would read as "log in to Jupyter again"), an unknown session 404, Livy's other
4xx the same 4xx (422 for codes the API does not use), each with Livy's own message.
"""

from __future__ import annotations

import json
from typing import Any

import requests
from requests.auth import AuthBase, HTTPBasicAuth

from ..errors import (
    BadRequest,
    Conflict,
    Forbidden,
    LakehouseError,
    NotFound,
    Unavailable,
    Unprocessable,
)
from .profiles import ClusterProfile

# Livy's session kinds (sparkmagic creates spark, pyspark and sparkr; Livy also has sql).
SESSION_KINDS = ("pyspark", "spark", "sql", "sparkr")
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
MAX_SESSIONS = 500
MAX_MESSAGE = 1000


class BearerToken(AuthBase):
    """`Authorization: Bearer <token>` (Jupyter servers accept it as well as `token <token>`)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


def kerberos_auth() -> AuthBase:
    """What sparkmagic's Kerberos authenticator is: requests-kerberos, mutual auth required."""
    try:
        from requests_kerberos import REQUIRED, HTTPKerberosAuth
    except ImportError as e:  # it comes with sparkmagic; say what is missing if it does not
        raise Unavailable(
            f"Kerberos authentication needs requests-kerberos ({e}).", code="livy_kerberos"
        ) from None
    return HTTPKerberosAuth(mutual_authentication=REQUIRED)


def auth_for(profile: ClusterProfile) -> AuthBase | None:
    if profile.auth == "basic":
        return HTTPBasicAuth(profile.username or "", profile.password or "")
    if profile.auth == "kerberos":
        return kerberos_auth()
    if profile.auth == "token":
        return BearerToken(profile.token or "")
    return None


def summarize_session(session: dict) -> dict:
    """The fields the Compute panel shows, from one of Livy's session objects."""
    app_info = session.get("appInfo") if isinstance(session.get("appInfo"), dict) else {}
    return {
        "id": session.get("id"),
        "name": session.get("name"),
        "kind": session.get("kind"),
        "state": session.get("state"),
        "app_id": session.get("appId"),
        "owner": session.get("owner"),
        "proxy_user": session.get("proxyUser"),
        "spark_ui_url": app_info.get("sparkUiUrl"),
        "driver_log_url": app_info.get("driverLogUrl"),
    }


class LivyClient:
    """One Livy endpoint, as a profile describes it. Blocking: handlers run it off the loop."""

    def __init__(
        self,
        profile: ClusterProfile,
        *,
        timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT),
        session: requests.Session | None = None,
    ) -> None:
        if profile.kind != "livy" or not profile.url:
            raise Conflict(
                f"Cluster {profile.name!r} is not a Livy endpoint.", code="cluster_not_livy"
            )
        self.profile = profile
        self.url = profile.url.rstrip("/")
        self.timeout = timeout
        self.http = session or requests.Session()
        self.http.auth = auth_for(profile)
        # Livy behind a proxy may want it (livy.server.csrf-protection); harmless otherwise.
        self.http.headers.update(
            {"Content-Type": "application/json", "X-Requested-By": "lakehouse"}
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> LivyClient:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- the calls ------------------------------------------------------------------------------

    def sessions(self) -> list[dict]:
        body = self._call("GET", "/sessions")
        sessions = body.get("sessions") if isinstance(body, dict) else None
        if not isinstance(sessions, list):
            raise Unavailable(
                f"{self.url}/sessions did not answer a Livy session list.", code="livy_invalid"
            )
        return [summarize_session(s) for s in sessions[:MAX_SESSIONS] if isinstance(s, dict)]

    def create_session(self, kind: str) -> dict:
        if kind not in SESSION_KINDS:
            raise BadRequest(
                f"'kind' must be one of {', '.join(SESSION_KINDS)}.",
                code="invalid_session_kind",
                detail={"field": "kind"},
            )
        body = self._call("POST", "/sessions", {"kind": kind})
        if not isinstance(body, dict) or "id" not in body:
            raise Unavailable(f"{self.url} did not answer a new Livy session.", code="livy_invalid")
        return summarize_session(body)

    def delete_session(self, session_id: int) -> None:
        self._call("DELETE", f"/sessions/{int(session_id)}")

    # -- HTTP -----------------------------------------------------------------------------------

    def _call(self, method: str, path: str, body: dict | None = None) -> Any:
        url = self.url + path
        try:
            response = self.http.request(
                method,
                url,
                data=None if body is None else json.dumps(body),
                timeout=self.timeout,
                # A redirect would send the credentials on to wherever it points.
                allow_redirects=False,
            )
        except requests.exceptions.Timeout:
            raise Unavailable(
                f"The Livy endpoint {self.url} did not answer within "
                f"{self.timeout[0] + self.timeout[1]:.0f} s.",
                code="livy_timeout",
            ) from None
        except requests.exceptions.ConnectionError as e:
            raise Unavailable(
                f"Cannot reach the Livy endpoint {self.url}: {_root_cause(e)}",
                code="livy_unreachable",
            ) from None
        except Exception as e:
            # requests-kerberos raises its own errors (no ticket, no mutual authentication).
            if _is_kerberos_error(e):
                raise self._auth_error(e) from None
            if isinstance(e, requests.exceptions.RequestException):
                raise Unavailable(
                    f"The request to {url} failed: {e}", code="livy_unreachable"
                ) from None
            raise
        return self._answer(method, path, response)

    def _answer(self, method: str, path: str, response: requests.Response) -> Any:
        status = response.status_code
        if 200 <= status < 300:
            if not response.content:
                return {}
            try:
                return response.json()
            except ValueError:
                raise Unavailable(
                    f"{self.url}{path} answered {status} with a body that is not JSON.",
                    code="livy_invalid",
                ) from None
        message = _livy_message(response)
        where = f"Livy ({method} {path}) answered {status}"
        detail = {"livy_status": status}
        if 300 <= status < 400:
            target = response.headers.get("Location", "elsewhere")
            raise Unprocessable(
                f"{where}: a redirect to {target}. Put the final URL in the cluster's profile.",
                code="livy_redirect",
                detail=detail,
            )
        if status in (401, 403):
            raise Forbidden(
                f"{where}: {self._login_hint(response, message)}",
                code="livy_unauthorized",
                detail=detail,
            )
        if status == 404:
            raise NotFound(
                f"{where}: {message or 'not found'}", code="livy_not_found", detail=detail
            )
        if status == 400:
            raise BadRequest(f"{where}: {message}", code="livy_bad_request", detail=detail)
        if status == 409:
            raise Conflict(f"{where}: {message}", code="livy_conflict", detail=detail)
        if status < 500:
            raise Unprocessable(f"{where}: {message}", code="livy_refused", detail=detail)
        raise Unavailable(f"{where}: {message}", code="livy_error", detail=detail)

    def _login_hint(self, response: requests.Response, message: str) -> str:
        asked = response.headers.get("WWW-Authenticate", "")
        auth = self.profile.auth
        if auth == "kerberos" and response.status_code == 401:
            return (
                "Kerberos authentication was refused. The Jupyter server needs a valid ticket "
                "for a principal Livy accepts (run kinit as the user that runs Jupyter)"
                + (f"; Livy says: {message}" if message else ".")
            )
        if "negotiate" in asked.lower() and auth != "kerberos":
            return "the endpoint asks for Kerberos (Negotiate): set the auth to kerberos."
        if "basic" in asked.lower() and auth != "basic":
            return (
                "the endpoint asks for a user name and password: set the cluster's auth to basic."
            )
        if auth == "none":
            return "the endpoint wants credentials: set the cluster's auth."
        return "the credentials in the cluster's profile were refused" + (
            f" ({message})." if message else "."
        )

    def _auth_error(self, error: BaseException) -> LakehouseError:
        return Forbidden(
            f"Kerberos authentication to {self.url} failed: {error}. The Jupyter server needs a "
            "valid ticket (kinit) and the endpoint must answer with SPNEGO.",
            code="livy_unauthorized",
        )


def _is_kerberos_error(error: BaseException) -> bool:
    return type(error).__module__.startswith(("requests_kerberos", "spnego", "gssapi"))


def _livy_message(response: requests.Response) -> str:
    """Livy's {"msg": ...}, a Jupyter {"message": ...}, or the start of the body."""
    text = response.text or ""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("msg", "message"):
            if isinstance(body.get(key), str):
                return body[key][:MAX_MESSAGE]
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"][:MAX_MESSAGE]
    return " ".join(text.split())[:MAX_MESSAGE] or response.reason or ""


def _root_cause(error: BaseException) -> str:
    cause: BaseException = error
    while cause.__cause__ is not None or cause.__context__ is not None:
        cause = cause.__cause__ or cause.__context__
    text = str(cause)
    # urllib3's messages end with the useful part: "...: [Errno 111] Connection refused".
    return text.rsplit(": ", 1)[-1] if "Errno" in text else text or type(error).__name__


class LivySessions:
    """What the REST API offers on a Livy cluster's sessions; `clusters` finds the profile."""

    def __init__(self, clusters: Any, *, timeout: tuple[float, float] | None = None) -> None:
        self.clusters = clusters
        self.timeout = timeout or (CONNECT_TIMEOUT, READ_TIMEOUT)

    def client(self, name: str) -> LivyClient:
        profile = self.clusters.profile(name)
        if profile.kind != "livy":
            raise Conflict(
                f"Cluster {name!r} is a {profile.kind} cluster, not a Livy endpoint: it has no "
                "Livy sessions.",
                code="cluster_not_livy",
            )
        return LivyClient(profile, timeout=self.timeout)

    def list(self, name: str) -> dict:
        with self.client(name) as livy:
            return {"cluster": name, "url": livy.url, "sessions": livy.sessions()}

    def create(self, name: str, body: dict) -> dict:
        unknown = sorted(set(body) - {"kind"})
        if unknown:
            raise BadRequest(
                f"Unknown field(s): {', '.join(unknown)}; a new session takes only 'kind'.",
                code="invalid_session",
                detail={"field": unknown[0]},
            )
        with self.client(name) as livy:
            return livy.create_session(body.get("kind", "pyspark"))

    def delete(self, name: str, session_id: Any) -> None:
        sid = parse_session_id(session_id)
        with self.client(name) as livy:
            livy.delete_session(sid)


def parse_session_id(value: Any) -> int:
    """Livy session ids are integers; anything else is a 400, never a URL fragment."""
    text = str(value)
    if not text.isdigit() or len(text) > 18:
        raise BadRequest("A Livy session id is a whole number.", code="invalid_session_id")
    return int(text)
