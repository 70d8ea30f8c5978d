"""Opening Delta tables through delta-rs, with errors a notebook user can act on.

Also the plain reader of `_delta_log` that gives the history and the details of a table that
delta-rs refuses (deletion vectors, v2 checkpoints): those need no data files, only the log.

Imported by Spark's Python workers (source.py): keep it free of the kernel and of tornado.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

LOG_DIR = "_delta_log"
COMMIT_RE = re.compile(r"^(\d{20})\.json$")
CHECKPOINT_RE = re.compile(r"^(\d{20})\.checkpoint(?:\.\d{10}\.\d{10})?\.parquet$")

HOW_TO_GET_DELTA_SPARK = (
    "Run the cluster with the delta-spark engine: put the delta-spark_2.13 and delta-storage "
    "jars (the release that matches the delta-spark Python package) in a folder and set the "
    "cluster profile's 'delta_jars' to it (or LakehouseApp.delta_jars / $LAKEHOUSE_DELTA_JARS), "
    "or start the cluster where Maven Central is reachable, then restart the cluster."
)


class DeltaError(Exception):
    """A Delta failure with a message fit for a notebook; `code` is Databricks' error class."""

    code = "DELTA_ERROR"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(f"[{code or self.code}] {message}")
        self.message = message
        if code:
            self.code = code

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a stack: the message is all a notebook user needs.
        return [f"\x1b[0;31mDeltaError\x1b[0m \x1b[1m[{self.code}]\x1b[0m {self.message}"]


class TableNotFound(DeltaError):
    code = "DELTA_MISSING_DELTA_TABLE"


class UnsupportedFeature(DeltaError):
    code = "DELTA_UNSUPPORTED_FEATURES_FOR_READ"


class VersionNotFound(DeltaError):
    code = "DELTA_VERSION_NOT_FOUND"


class SchemaMismatch(DeltaError):
    code = "DELTA_METADATA_MISMATCH"


class ConcurrentModification(DeltaError):
    code = "DELTA_CONCURRENT_MODIFICATION"


FEATURE_NAMES = {
    "deletionVectors": "deletion vectors",
    "v2Checkpoint": "v2 checkpoints",
    "columnMapping": "column mapping",
    "timestampNtz": "timestamp without time zone",
    "typeWidening": "type widening",
    "variantType": "the variant type",
}


def local_path(location: str | os.PathLike) -> str:
    """A table location as a local path (file: URIs decoded); other schemes are refused."""
    text = os.fspath(location)
    if text.startswith("file:"):
        parsed = urlparse(text)
        return unquote(parsed.path)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        raise DeltaError(
            f"The offline Delta engine reads and writes tables on the local file system only; "
            f"{text} is not a local path. {HOW_TO_GET_DELTA_SPARK}",
            code="DELTA_UNSUPPORTED_STORAGE",
        )
    return os.path.abspath(os.path.expanduser(text))


def is_delta_table(location: str | os.PathLike) -> bool:
    log = Path(local_path(location)) / LOG_DIR
    if not log.is_dir():
        return False
    return any(COMMIT_RE.match(p.name) or CHECKPOINT_RE.match(p.name) for p in log.iterdir())


def _features_from_error(text: str) -> list[str]:
    match = re.search(r"\{([^}]*)\}", text)
    if not match:
        return []
    return [f.strip().strip("'\"") for f in match.group(1).split(",") if f.strip()]


def unsupported_message(location: str, features: list[str]) -> str:
    named = ", ".join(f"{FEATURE_NAMES.get(f, f)} ('{f}')" for f in features) or "a feature"
    return (
        f"The Delta table at {location} uses {named}, which the offline Delta engine "
        f"(delta-rs) cannot read. Its history and details are still available "
        f"(DESCRIBE HISTORY / DESCRIBE DETAIL). {HOW_TO_GET_DELTA_SPARK}"
    )


# Reader features the offline engine reads correctly (its reader reads the Parquet files itself:
# column mapping and widened types are resolved there).
READABLE_FEATURES = {
    "timestampNtz",
    "columnMapping",
    "typeWidening",
    "typeWidening-preview",
    "vacuumProtocolCheck",
}


def check_readable(table: Any, path: str) -> None:
    protocol = table.protocol()
    features = set(protocol.reader_features or ())
    missing = sorted(features - READABLE_FEATURES)
    if protocol.min_reader_version > 3 or missing:
        raise UnsupportedFeature(unsupported_message(path, missing))


def parse_timestamp(value: Any) -> dt.datetime:
    """A time-travel timestamp ('2024-05-01', '2024-05-01 10:00:00', ISO 8601, datetime) in UTC."""
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, dt.date):
        stamp = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip()
        try:
            stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise DeltaError(
                f"{text!r} is not a timestamp (use 'yyyy-MM-dd' or 'yyyy-MM-dd HH:mm:ss').",
                code="DELTA_INVALID_TIMESTAMP_FORMAT",
            ) from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC)


def open_table(
    location: str | os.PathLike,
    version: int | str | None = None,
    timestamp: Any = None,
) -> Any:
    """A deltalake.DeltaTable at `version` / `timestamp` (latest if neither), or a DeltaError."""
    from deltalake import DeltaTable
    from deltalake.exceptions import DeltaError as RsDeltaError
    from deltalake.exceptions import TableNotFoundError

    path = local_path(location)
    if not is_delta_table(path):
        raise TableNotFound(f"{path} is not a Delta table (it has no {LOG_DIR} commits).")
    try:
        table = DeltaTable(path)
    except TableNotFoundError:
        raise TableNotFound(f"{path} is not a Delta table.") from None
    except (RsDeltaError, OSError, ValueError) as e:
        text = str(e)
        if "reader features" in text or "not yet supported" in text:
            raise UnsupportedFeature(
                unsupported_message(path, _features_from_error(text))
            ) from None
        raise DeltaError(f"Cannot open the Delta table at {path}: {text}") from None
    check_readable(table, path)
    if version is not None and timestamp is not None:
        raise DeltaError(
            "Give either versionAsOf or timestampAsOf, not both.",
            code="DELTA_MULTIPLE_TIME_TRAVEL_SYNTAX",
        )
    if version is not None:
        try:
            wanted = int(version)
        except (TypeError, ValueError):
            raise VersionNotFound(f"{version!r} is not a table version.") from None
        latest = table.version()
        if wanted == latest:
            return table
        if wanted < 0 or wanted > latest:
            raise VersionNotFound(
                f"Cannot time travel the Delta table to version {wanted}. Available versions: "
                f"[{_earliest(path)}, {latest}]."
            )
        try:
            table.load_as_version(wanted)
        except (RsDeltaError, OSError, ValueError) as e:
            raise VersionNotFound(
                f"Cannot time travel the Delta table to version {wanted}: {e}"
            ) from None
    elif timestamp is not None:
        stamp = parse_timestamp(timestamp)
        commits = commit_times(path)
        eligible = [v for v, t in commits if t <= stamp.timestamp() * 1000]
        if not eligible:
            first = commits[0][1] if commits else None
            raise VersionNotFound(
                f"The provided timestamp ({stamp:%Y-%m-%d %H:%M:%S} UTC) is before the earliest "
                f"version available to this table"
                + (f" ({_fmt_ms(first)})." if first is not None else "."),
                code="DELTA_TIMESTAMP_EARLIER_THAN_COMMIT_RETENTION",
            )
        wanted = max(eligible)
        if wanted != table.version():
            table.load_as_version(wanted)
    return table


def _fmt_ms(ms: int) -> str:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _earliest(path: str) -> int:
    versions = [v for v, _ in commit_times(path)]
    return min(versions) if versions else 0


def commit_times(location: str) -> list[tuple[int, int]]:
    """(version, commit timestamp in ms) of every JSON commit in the log, oldest first."""
    out = []
    for info in read_commit_infos(location):
        out.append((info["version"], int(info.get("timestamp") or info["_mtime"])))
    return out


def _commit_files(location: str) -> list[tuple[int, Path]]:
    log = Path(local_path(location)) / LOG_DIR
    out = []
    for p in log.iterdir() if log.is_dir() else ():
        m = COMMIT_RE.match(p.name)
        if m:
            out.append((int(m.group(1)), p))
    return sorted(out)


def read_commit_infos(location: str) -> list[dict]:
    """commitInfo of each JSON commit (plus `version` and the file's mtime), oldest first."""
    out = []
    for version, path in _commit_files(location):
        info: dict = {}
        try:
            with open(path, encoding="utf-8") as f:
                for line in f:
                    line = line.strip()
                    if line.startswith('{"commitInfo"'):
                        info = json.loads(line)["commitInfo"]
                        break
        except (OSError, ValueError):
            info = {}
        info = dict(info)
        info["version"] = version
        info["_mtime"] = int(path.stat().st_mtime * 1000)
        out.append(info)
    return out


@dataclass
class LogState:
    """What replaying the JSON commits of a log gives (for tables delta-rs refuses)."""

    version: int = -1
    protocol: dict = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)
    files: dict[str, dict] = field(default_factory=dict)
    complete: bool = True  # False when the JSON commits do not start at version 0
    last_commit_ms: int | None = None


def replay(location: str) -> LogState:
    state = LogState()
    commits = _commit_files(location)
    if not commits:
        return state
    state.complete = commits[0][0] == 0
    for version, path in commits:
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                action = json.loads(line)
                if "protocol" in action:
                    state.protocol = action["protocol"]
                elif "metaData" in action:
                    state.metadata = action["metaData"]
                elif "add" in action:
                    state.files[action["add"]["path"]] = action["add"]
                elif "remove" in action:
                    state.files.pop(action["remove"]["path"], None)
                elif "commitInfo" in action:
                    state.last_commit_ms = action["commitInfo"].get("timestamp")
        state.version = version
        if state.last_commit_ms is None:
            state.last_commit_ms = int(path.stat().st_mtime * 1000)
    return state
