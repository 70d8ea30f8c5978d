"""Validation of Livy request bodies: what a session or a statement is made from.

The cluster is chosen with the conf key `spark.lakehouse.cluster` (what sparkmagic's
`session_configs` can carry) or the top-level field `cluster`; the default is the embedded
`local` cluster. Livy's resource fields (driverMemory, jars, …) mean nothing for a session on a
running cluster: they are accepted, and the session log says they were ignored.
"""

from __future__ import annotations

from typing import Any

from ..clusters import DEFAULT_CLUSTER
from ..errors import BadRequest
from .code import KINDS
from .session import SessionSpec

CLUSTER_CONF = "spark.lakehouse.cluster"
SHARED = "shared"
MAX_CODE = 8 * 1024 * 1024
IGNORED_FIELDS = (
    "jars",
    "pyFiles",
    "files",
    "archives",
    "driverMemory",
    "driverCores",
    "executorMemory",
    "executorCores",
    "numExecutors",
    "queue",
    "ttl",
)
KNOWN_FIELDS = {"kind", "name", "conf", "proxyUser", "heartbeatTimeoutInSecond", "cluster"}


def _kind(value: Any, what: str) -> str:
    if value == "sparkr":
        raise BadRequest(
            "SparkR sessions are not supported: Spark 4 deprecates SparkR and its pip package "
            "ships none. Use pyspark, spark (Scala) or sql."
        )
    if value not in KINDS:
        raise BadRequest(f"{what} must be one of {', '.join(KINDS)}, not {value!r}.")
    return value


def session_spec(body: dict, owner: str | None) -> SessionSpec:
    unknown = sorted(set(body) - KNOWN_FIELDS - set(IGNORED_FIELDS))
    if unknown:
        raise BadRequest(f"Unknown field(s) in the session request: {', '.join(unknown)}.")
    kind = body.get("kind")
    kind = SHARED if kind is None else _kind(kind, "kind")
    if body.get("proxyUser") is not None:
        raise BadRequest(
            "proxyUser is not supported: sessions run as the Jupyter server's user, on the "
            "cluster's own Spark Connect server."
        )
    name = body.get("name")
    if name is not None and (not isinstance(name, str) or not name.strip() or len(name) > 200):
        raise BadRequest("name must be a non-empty string of at most 200 characters.")
    conf = _conf(body.get("conf"))
    cluster = conf.pop(CLUSTER_CONF, None)
    top = body.get("cluster")
    if top is not None:
        if not isinstance(top, str) or not top:
            raise BadRequest("cluster must be a cluster name.")
        if cluster is not None and cluster != top:
            raise BadRequest(f"cluster and conf {CLUSTER_CONF} name different clusters.")
        cluster = top
    heartbeat = body.get("heartbeatTimeoutInSecond", 0)
    if isinstance(heartbeat, bool) or not isinstance(heartbeat, int) or heartbeat < 0:
        raise BadRequest("heartbeatTimeoutInSecond must be a whole number of seconds (0: none).")
    return SessionSpec(
        kind=kind,
        cluster=cluster or DEFAULT_CLUSTER,
        name=name,
        owner=owner,
        conf=conf,
        heartbeat_timeout=float(heartbeat),
        ignored=[f for f in IGNORED_FIELDS if body.get(f) not in (None, [], {})],
    )


def _conf(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest("conf must be an object of Spark settings.")
    out = {}
    for key, item in value.items():
        if isinstance(item, bool):
            item = "true" if item else "false"
        elif isinstance(item, int | float):
            item = str(item)
        if not isinstance(item, str):
            raise BadRequest(f"conf {key!r} must be a string, number or boolean.")
        out[str(key)] = item
    return out


def statement_request(body: dict, session_kind: str) -> tuple[str, str]:
    """(code, kind) of a statement request."""
    code = body.get("code")
    if not isinstance(code, str):
        raise BadRequest("code must be a string.")
    if len(code) > MAX_CODE:
        raise BadRequest(f"code is limited to {MAX_CODE} characters.")
    kind = body.get("kind")
    if kind is None:
        if session_kind == SHARED:
            raise BadRequest("kind is required: the session was created without a kind.")
        return code, session_kind
    return code, _kind(kind, "kind")


def paging(from_: Any, size: Any, default_size: int | None) -> tuple[int | None, int | None]:
    """Livy's `from` and `size` query parameters, as integers (None when not given)."""
    out = []
    for name, value in (("from", from_), ("size", size)):
        if value is None or value == "":
            out.append(None)
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise BadRequest(f"{name} must be a whole number.") from None
        if number < 0:
            raise BadRequest(f"{name} must not be negative.")
        out.append(number)
    start, count = out
    return start, count if count is not None else default_size
