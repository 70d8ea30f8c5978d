"""Cluster profiles: what a cluster is (kind, master, memory, conf), validated before it is stored.

A profile is the user's intent; the running state lives elsewhere (store.ClusterState). Every
check here raises BadRequest naming the field, so the REST layer can answer 400 as is.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ..errors import BadRequest
from .livyprofile import validate_livy_fields

DEFAULT_CLUSTER = "local"

KINDS = ("local", "standalone", "remote", "custom", "livy")
# Kinds this workspace only attaches to: it never starts or stops them.
ATTACHED_KINDS = ("remote", "livy")
METASTORES = ("workspace", "cluster", "none")

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
# Spark's own memory syntax (JavaUtils.byteStringAs): a number and an optional unit.
MEMORY_RE = re.compile(r"^[1-9][0-9]{0,8}(k|kb|m|mb|g|gb|t|tb)?$", re.IGNORECASE)
LOCAL_MASTER_RE = re.compile(r"^local(\[(\*|[1-9][0-9]{0,3})(,[0-9]{1,3})?\])?$")
ENV_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
CONF_KEY_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-\[\]:]{0,254}$")
# sc://host[:port][/][;key=value]*  (host may be an [IPv6] literal)
REMOTE_URL_RE = re.compile(
    r"^sc://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.\-]+)(?::(?P<port>[0-9]{1,5}))?/?"
    r"(?P<params>(;[A-Za-z_][A-Za-z0-9_]*=[^;\s]*)*)$"
)
DEFAULT_CONNECT_PORT = 15002

# Conf keys the service sets itself: accepting them from a profile would break the cluster's
# plumbing (the port we wait on, the UI we proxy, the master we chose). Each names the way out.
RESERVED_CONF = {
    "spark.master": "set the profile's 'master' (or 'kind') instead",
    "spark.driver.memory": "set the profile's 'driver_memory' instead",
    "spark.connect.grpc.binding.port": "set the profile's 'port' instead",
    "spark.connect.grpc.binding.address": "the service binds Spark Connect to 127.0.0.1",
    "spark.ui.enabled": "the service reads jobs and executors from the Spark UI",
    "spark.ui.port": "the service picks a free Spark UI port so it can proxy the UI",
    "spark.ui.proxyBase": "the Jupyter server proxies the Spark UI and sets its base path",
    "spark.ui.reverseProxy": "the Jupyter server proxies the Spark UI",
    "spark.ui.reverseProxyUrl": "the Jupyter server proxies the Spark UI",
    "spark.submit.deployMode": "the Spark Connect server always runs as a client-mode driver",
}
RESERVED_STANDALONE_CONF = {
    "spark.dynamicAllocation.enabled": "standalone clusters always autoscale",
    "spark.dynamicAllocation.minExecutors": "set the profile's 'min_executors' instead",
    "spark.dynamicAllocation.maxExecutors": "set the profile's 'max_executors' instead",
}
RESERVED_ENV = {
    "SPARK_HOME": "clusters run the Spark that ships with the installed pyspark",
    "LAKEHOUSE_CLUSTER": "the service marks each cluster's processes with it",
}

# Fields every kind has; the rest belong to one kind only (to_dict shows only those).
COMMON_FIELDS = ("name", "kind", "description", "created_at", "updated_at")
KIND_FIELDS = {
    "local": (
        "master",
        "driver_memory",
        "spark_conf",
        "env",
        "idle_timeout_minutes",
        "port",
        "metastore",
        "delta_jars",
    ),
    "custom": (
        "master",
        "driver_memory",
        "spark_conf",
        "env",
        "idle_timeout_minutes",
        "port",
        "metastore",
        "delta_jars",
    ),
    "standalone": (
        "driver_memory",
        "spark_conf",
        "env",
        "idle_timeout_minutes",
        "port",
        "metastore",
        "workers",
        "worker_cores",
        "worker_memory",
        "min_executors",
        "max_executors",
        "delta_jars",
    ),
    "remote": ("url", "token"),
    # A Livy REST endpoint (issue 10): see livyprofile.py for how the fields are used.
    "livy": ("url", "auth", "username", "password", "token"),
}
# Shown by GET but never set by a client; a client that echoes them back is not an error.
READ_ONLY = {"created_at", "updated_at", "token_set", "password_set", "spark_version"}


@dataclass
class ClusterProfile:
    name: str
    kind: str = "local"
    description: str = ""
    master: str | None = None
    driver_memory: str = "1g"
    spark_conf: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    # None means "the workspace default" (LakehouseApp.cluster_idle_timeout); 0 means never.
    idle_timeout_minutes: int | None = None
    # None means "pick a free port at each start".
    port: int | None = None
    metastore: str = "workspace"
    workers: int = 1
    worker_cores: int = 1
    worker_memory: str = "1g"
    min_executors: int = 0
    max_executors: int = 2
    url: str | None = None
    token: str | None = None
    # Livy endpoints: how requests authenticate (livyprofile.LIVY_AUTHS) and basic auth's login.
    auth: str = "none"
    username: str | None = None
    password: str | None = None
    # A folder with the delta-spark_2.13 and delta-storage jars (services/delta/engine.py);
    # None: the workspace default (LakehouseApp.delta_jars), the Ivy/Maven caches, Maven Central.
    delta_jars: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def managed(self) -> bool:
        """True when this workspace starts and stops the cluster (not remote or Livy endpoints)."""
        return self.kind not in ATTACHED_KINDS

    def to_dict(self, *, redact: bool = True) -> dict:
        data = asdict(self)
        keep = set(COMMON_FIELDS) | set(KIND_FIELDS[self.kind])
        out = {k: v for k, v in data.items() if k in keep}
        if self.kind in ATTACHED_KINDS and redact:
            out.pop("token", None)
            out["token_set"] = bool(self.token)
        if self.kind == "livy" and redact:
            out.pop("password", None)
            out["password_set"] = bool(self.password)
        return out

    def effective_master(self) -> str:
        if self.kind == "standalone":
            return "spark://127.0.0.1"  # the real port is chosen at start
        if self.kind in ATTACHED_KINDS:
            return self.url or ""
        return self.master or "local[*]"

    def local_cores(self) -> int | None:
        """Cores a local[N] master uses; None for other masters."""
        match = LOCAL_MASTER_RE.match(self.master or "local[*]") if self.kind == "local" else None
        if not match:
            return None
        n = match.group(2)
        return (os.cpu_count() or 1) if n in (None, "*") else int(n)


def default_profile(name: str = DEFAULT_CLUSTER) -> ClusterProfile:
    now = time.time()
    return ClusterProfile(
        name=name,
        kind="local",
        description="The workspace's embedded cluster: local Spark with the workspace metastore.",
        master="local[*]",
        created_at=now,
        updated_at=now,
    )


def validate_name(name: Any) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise BadRequest(
            "A cluster name must start with a letter or digit and use only letters, digits, "
            "'_', '.' and '-' (at most 63 characters).",
            code="invalid_name",
            detail={"field": "name"},
        )
    return name


def _bad(field_name: str, message: str) -> BadRequest:
    return BadRequest(message, code="invalid_profile", detail={"field": field_name})


def _string(data: dict, key: str, *, allow_none: bool = False, max_len: int = 4096) -> str | None:
    value = data[key]
    if value is None and allow_none:
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise _bad(key, f"'{key}' must be a string of at most {max_len} characters.")
    return value


def _int(data: dict, key: str, lo: int, hi: int, *, allow_none: bool = False) -> int | None:
    value = data[key]
    if value is None and allow_none:
        return None
    # bool is an int in Python; true/false is never a valid count.
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _bad(key, f"'{key}' must be an integer from {lo} to {hi}.")
    return value


def _memory(data: dict, key: str) -> str:
    value = _string(data, key, max_len=16)
    if not MEMORY_RE.match(value):
        raise _bad(
            key,
            f"'{key}' must be a memory size such as 512m, 2g or 1t (got {value!r}).",
        )
    return value.lower()


def _spark_conf(data: dict, kind: str) -> dict[str, str]:
    conf = data["spark_conf"]
    if not isinstance(conf, dict):
        raise _bad("spark_conf", "'spark_conf' must be an object of string keys to string values.")
    reserved = dict(RESERVED_CONF)
    if kind == "standalone":
        reserved.update(RESERVED_STANDALONE_CONF)
    out = {}
    for key, value in conf.items():
        if not CONF_KEY_RE.match(key):
            raise _bad("spark_conf", f"{key!r} is not a valid Spark configuration key.")
        if key in reserved:
            raise _bad(
                "spark_conf",
                f"The Spark conf key {key!r} is managed by the cluster service: {reserved[key]}.",
            )
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int | float):
            value = str(value)
        if not isinstance(value, str) or "\n" in value or "\x00" in value or len(value) > 8192:
            raise _bad("spark_conf", f"The value of {key!r} must be a one-line string.")
        out[key] = value
    return out


def _env(data: dict) -> dict[str, str]:
    env = data["env"]
    if not isinstance(env, dict):
        raise _bad("env", "'env' must be an object of variable names to string values.")
    out = {}
    for key, value in env.items():
        if not ENV_KEY_RE.match(key):
            raise _bad("env", f"{key!r} is not a valid environment variable name.")
        if key in RESERVED_ENV:
            raise _bad(
                "env", f"The variable {key} is set by the cluster service: {RESERVED_ENV[key]}."
            )
        if not isinstance(value, str) or "\x00" in value or len(value) > 32768:
            raise _bad("env", f"The value of {key} must be a string.")
        out[key] = value
    return out


def _delta_jars(data: dict) -> str | None:
    value = data.get("delta_jars")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or len(value) > 4096 or "\n" in value or "\x00" in value:
        raise _bad("delta_jars", "'delta_jars' must be the path of a folder of jars, or null.")
    return value.strip() or None


def _master(data: dict, kind: str) -> str | None:
    if kind == "local":
        value = data.get("master") or "local[*]"
        if not isinstance(value, str) or not LOCAL_MASTER_RE.match(value):
            raise _bad("master", "A local cluster's master must be local, local[*] or local[N].")
        return value
    if kind == "custom":
        value = data.get("master")
        if not isinstance(value, str) or not value or re.search(r"\s", value) or len(value) > 1024:
            raise _bad(
                "master",
                "A custom cluster needs a master URL (for example k8s://https://host:6443 or "
                "yarn) without spaces or line breaks.",
            )
        return value
    return None


def parse_remote_url(url: str) -> tuple[str, int, str]:
    """(host, port, ;params) of an sc:// URL that validate_profile accepted."""
    match = REMOTE_URL_RE.match(url)
    if not match:
        raise _bad("url", f"{url!r} is not a Spark Connect URL.")
    host = match.group("host").strip("[]")
    port = int(match.group("port") or DEFAULT_CONNECT_PORT)
    return host, port, match.group("params") or ""


def _remote_url(data: dict) -> str:
    value = data.get("url")
    if not isinstance(value, str) or not REMOTE_URL_RE.match(value):
        raise _bad(
            "url",
            "A remote cluster needs a Spark Connect URL such as sc://host:15002 "
            "(optionally followed by ;key=value parameters).",
        )
    _, port, params = parse_remote_url(value)
    if not 1 <= port <= 65535:
        raise _bad("url", "The port in the Spark Connect URL must be from 1 to 65535.")
    if re.search(r";(token|session_id)=", params, re.IGNORECASE):
        raise _bad(
            "url",
            "Put the token in the profile's 'token' field (it is stored privately and never "
            "shown); the session id is chosen per notebook.",
        )
    return value


def validate_profile(data: dict, *, existing: ClusterProfile | None = None) -> ClusterProfile:
    """Build a ClusterProfile from client JSON (a whole profile, or a patch over `existing`)."""
    if not isinstance(data, dict):
        raise BadRequest("A cluster profile must be a JSON object.", code="invalid_profile")
    known = {f.name for f in fields(ClusterProfile)} | READ_ONLY
    unknown = sorted(set(data) - known)
    if unknown:
        raise _bad(unknown[0], f"Unknown profile field(s): {', '.join(unknown)}.")
    data = {k: v for k, v in data.items() if k not in READ_ONLY}

    if existing is not None:
        if "name" in data and data["name"] != existing.name:
            raise _bad("name", "A cluster cannot be renamed; create a new one instead.")
        if "kind" in data and data["kind"] != existing.kind:
            raise _bad("kind", "A cluster's kind cannot change; create a new cluster instead.")
        merged = asdict(existing)
        merged.update(data)
        data = merged
    else:
        if "name" not in data:
            raise _bad("name", "A cluster needs a name.")
        base = asdict(ClusterProfile(name=data.get("name", "")))
        if data.get("kind") == "local" and not data.get("master"):
            base["master"] = "local[*]"
        base.update(data)
        data = base

    name = validate_name(data["name"])
    kind = data["kind"]
    if kind not in KINDS:
        raise _bad("kind", f"'kind' must be one of {', '.join(KINDS)}.")

    profile = ClusterProfile(name=name, kind=kind)
    profile.description = _string(data, "description", max_len=1000) or ""
    profile.created_at = float(data.get("created_at") or time.time())
    profile.updated_at = time.time()

    if kind == "remote":
        profile.url = _remote_url(data)
        token = _string(data, "token", allow_none=True, max_len=4096)
        if token is not None and (re.search(r"[\s;]", token)):
            raise _bad("token", "The token must not contain spaces or ';'.")
        profile.token = token or None
        return profile

    if kind == "livy":
        validate_livy_fields(data, profile)
        return profile

    profile.master = _master(data, kind)
    profile.driver_memory = _memory(data, "driver_memory")
    profile.spark_conf = _spark_conf(data, kind)
    profile.env = _env(data)
    profile.idle_timeout_minutes = _int(
        data, "idle_timeout_minutes", 0, 60 * 24 * 365, allow_none=True
    )
    profile.port = _int(data, "port", 1024, 65535, allow_none=True)
    metastore = data["metastore"]
    if metastore not in METASTORES:
        raise _bad(
            "metastore",
            "'metastore' must be 'workspace' (the shared Hive metastore), 'cluster' (a private "
            "one for this cluster) or 'none' (an in-memory catalog).",
        )
    profile.metastore = metastore
    profile.delta_jars = _delta_jars(data)
    if kind == "standalone":
        profile.workers = _int(data, "workers", 1, 16)
        profile.worker_cores = _int(data, "worker_cores", 1, 256)
        profile.worker_memory = _memory(data, "worker_memory")
        profile.min_executors = _int(data, "min_executors", 0, 1000)
        profile.max_executors = _int(data, "max_executors", 1, 1000)
        if profile.min_executors > profile.max_executors:
            raise _bad("min_executors", "'min_executors' must not exceed 'max_executors'.")
    return profile


def profile_from_file(data: dict) -> ClusterProfile:
    """Load a stored profile without re-validating (it was validated when written)."""
    known = {f.name for f in fields(ClusterProfile)}
    return ClusterProfile(**{k: v for k, v in data.items() if k in known})
