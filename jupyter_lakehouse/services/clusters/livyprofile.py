"""The `livy` cluster kind's profile fields: a Livy REST endpoint and how to authenticate to it.

- url: http(s)://host[:port][/path] of the Livy server (or a gateway in front of it). The server
  extension only ever calls this URL, never one taken from a request (no SSRF through the API).
- auth: what sparkmagic supports, plus a bearer token:
    none      no credentials;
    basic     HTTP basic auth (username and password; the password is stored like a remote
              cluster's token: in the private profile file, never shown back);
    kerberos  SPNEGO with the ticket of whoever runs the client (kinit); no fields;
    token     `Authorization: Bearer <token>`: gateways that take a token, and Livy endpoints
              served by a Jupyter server (such as this workspace's own, lakehouse/livy/), whose
              authentication is a token and never basic.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..errors import BadRequest

LIVY_AUTHS = ("none", "basic", "kerberos", "token")
DEFAULT_PORTS = {"http": 80, "https": 443}
# urlsplit's hostname: a name, an IPv4 address or an IPv6 address without its brackets.
_HOST_RE = re.compile(r"^[A-Za-z0-9_.\-:]+$")


def _bad(field_name: str, message: str) -> BadRequest:
    return BadRequest(message, code="invalid_profile", detail={"field": field_name})


def parse_livy_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a Livy URL that validate_livy_fields accepted."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return parts.scheme, host, parts.port or DEFAULT_PORTS.get(parts.scheme, 80)


def livy_url(value: Any) -> str:
    """The URL without a trailing slash, or a 400 saying what a Livy URL looks like."""
    example = "A Livy endpoint needs a URL such as http://livy-host:8998 or https://gateway/livy."
    if not isinstance(value, str) or not value.strip() or len(value) > 2048:
        raise _bad("url", example)
    value = value.strip()
    if re.search(r"[\s\x00-\x1f]", value):
        raise _bad("url", "The Livy URL must not contain spaces or control characters.")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise _bad("url", example) from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _bad("url", example)
    if parts.username is not None or parts.password is not None:
        raise _bad(
            "url",
            "Put credentials in the profile's auth fields, not in the URL (they would be shown).",
        )
    host = parts.hostname or ""
    if not _HOST_RE.match(host):
        raise _bad("url", f"{host!r} is not a host name or address.")
    if port is not None and not 1 <= port <= 65535:
        raise _bad("url", "The port in the Livy URL must be from 1 to 65535.")
    if parts.query or parts.fragment:
        raise _bad("url", "The Livy URL takes no query string or fragment.")
    return value.rstrip("/")


def _secret(data: dict, key: str, what: str) -> str | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 4096 or re.search(r"[\r\n\x00]", value):
        raise _bad(key, f"The {what} must be one line of at most 4096 characters.")
    return value


def validate_livy_fields(data: dict, profile: Any) -> None:
    """Check the livy fields of `data` (a whole profile) and set them on `profile`."""
    profile.url = livy_url(data.get("url"))
    auth = data.get("auth") or "none"
    if auth not in LIVY_AUTHS:
        raise _bad("auth", f"'auth' must be one of {', '.join(LIVY_AUTHS)}.")
    profile.auth = auth
    # Fields of the other auth kinds are dropped: a secret nobody uses is not kept on disk.
    profile.username = profile.password = profile.token = None
    if auth == "basic":
        username = data.get("username")
        if not isinstance(username, str) or not username.strip() or len(username) > 256:
            raise _bad("username", "Basic authentication needs a user name.")
        if ":" in username or re.search(r"[\r\n\x00]", username):
            raise _bad("username", "The user name must not contain ':' or line breaks.")
        password = _secret(data, "password", "password")
        if password is None:
            raise _bad("password", "Basic authentication needs a password.")
        profile.username, profile.password = username.strip(), password
    elif auth == "token":
        token = _secret(data, "token", "token")
        if token is None:
            raise _bad("token", "Token authentication needs a token.")
        if re.search(r"\s", token):
            raise _bad("token", "The token must not contain spaces.")
        profile.token = token
