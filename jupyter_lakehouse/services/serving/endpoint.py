"""What an endpoint is (its record on disk and on the wire) and what a request to create one is."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields

from ..clusters.store import ProcessRecord
from ..errors import BadRequest

ENDPOINT_STATES = ("starting", "ready", "error", "stopped")
LIVE_STATES = ("starting", "ready")

# Endpoint names are path segments and directory names: keep them boring.
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$")
# MLflow's own rules for versions and aliases, checked here so a bad one is a 400, not a 404.
VERSION_RE = re.compile(r"^[1-9][0-9]{0,9}$")
ALIAS_RE = re.compile(r"^[A-Za-z0-9_-]{1,255}$")


@dataclass
class Endpoint:
    name: str
    model_name: str
    version: str  # always the concrete version served, also when started from an alias
    alias: str | None
    model_uri: str
    state: str = "starting"
    reason: str | None = None
    port: int | None = None
    process: ProcessRecord | None = None
    started_at: float | None = None
    ready_at: float | None = None
    stopped_at: float | None = None
    # "ok" when /ping answered 200 at the last look, else what went wrong; None before a look.
    health: str | None = None
    checked_at: float | None = None
    extra: dict = field(default_factory=dict)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Endpoint:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if isinstance(values.get("process"), dict):
            values["process"] = ProcessRecord(**values["process"])
        if values.get("state") not in ENDPOINT_STATES:
            values["state"] = "error"
            values["reason"] = "The endpoint's state file was unreadable."
        return cls(**values)

    def to_api(self) -> dict:
        """The contract's endpoint object (docs/DESIGN.md, serving)."""
        return {
            "name": self.name,
            "model_name": self.model_name,
            "version": self.version,
            "alias": self.alias,
            "model_uri": self.model_uri,
            "state": self.state,
            "reason": self.reason,
            "port": self.port,
            "pid": self.pid,
            "started_at": self.started_at,
            "ready_at": self.ready_at,
            "stopped_at": self.stopped_at,
            "health": self.health,
        }


def validate_name(name: object) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise BadRequest(
            "An endpoint name is 1 to 63 letters, digits, '_' or '-', starting with a letter "
            "or digit.",
            code="bad_name",
        )
    return name


@dataclass
class CreateRequest:
    name: str
    model_name: str
    version: str | None
    alias: str | None


def parse_create(body: dict) -> CreateRequest:
    """Validate POST serving/endpoints {name, model_name, version or alias}."""
    unknown = set(body) - {"name", "model_name", "version", "alias"}
    if unknown:
        raise BadRequest(f"Unknown field(s): {', '.join(sorted(unknown))}.", code="bad_field")
    name = validate_name(body.get("name"))
    model_name = body.get("model_name")
    if not isinstance(model_name, str) or not model_name.strip():
        raise BadRequest("'model_name' is required.", code="bad_model")
    version = body.get("version")
    alias = body.get("alias")
    if isinstance(version, int) and not isinstance(version, bool):
        version = str(version)
    if version in ("", None):
        version = None
    if alias in ("", None):
        alias = None
    if (version is None) == (alias is None):
        raise BadRequest("Give exactly one of 'version' or 'alias'.", code="bad_model")
    if version is not None and (not isinstance(version, str) or not VERSION_RE.match(version)):
        raise BadRequest("'version' must be a positive whole number.", code="bad_model")
    if alias is not None and (not isinstance(alias, str) or not ALIAS_RE.match(alias)):
        raise BadRequest(
            "'alias' is letters, digits, '_' or '-' (as MLflow allows).", code="bad_model"
        )
    return CreateRequest(name=name, model_name=model_name, version=version, alias=alias)
