"""A small reader of a Delta table's `_delta_log`: details and history without Spark or delta-rs.

The catalog browser shows every Delta table's details and history, including tables that
delta-rs 1.6.6 refuses (deletion vectors, v2 checkpoints): both come from the log alone.

What it reads:
- JSON commits `<v>.json` (protocol, metaData, add, remove, commitInfo);
- classic checkpoints: `<v>.checkpoint.parquet` and multi-part `<v>.checkpoint.<i>.<n>.parquet`;
- v2 checkpoints: `<v>.checkpoint.<uuid>.json|parquet` with their `_sidecars/` files (and
  classic-named checkpoints that carry sidecar actions);
- deletion vectors: files are keyed by (path, deletion vector id), and the rows a vector deletes
  are subtracted from the row count.

A snapshot is the newest complete checkpoint at or below the wanted version plus the JSON
commits after it. `_last_checkpoint` is only a hint in the protocol; listing the log folder is
cheap on a local disk and always right, so the reader lists.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOG_DIR = "_delta_log"
SIDECARS = "_sidecars"
COMMIT_RE = re.compile(r"^(\d{20})\.json$")
CLASSIC_RE = re.compile(r"^(\d{20})\.checkpoint\.parquet$")
MULTIPART_RE = re.compile(r"^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$")
V2_RE = re.compile(r"^(\d{20})\.checkpoint\.([0-9A-Fa-f-]{36})\.(json|parquet)$")

# Reader features delta-rs 1.6.6 reads (it refuses the others, deletion vectors and v2
# checkpoints among them).
DELTA_RS_READER_FEATURES = frozenset(
    {"columnMapping", "timestampNtz", "typeWidening", "typeWidening-preview", "vacuumProtocolCheck"}
)
FEATURE_NAMES = {
    "deletionVectors": "deletion vectors",
    "v2Checkpoint": "v2 checkpoints",
    "columnMapping": "column mapping",
    "timestampNtz": "timestamps without time zone",
    "typeWidening": "type widening",
    "variantType": "the variant type",
    "rowTracking": "row tracking",
    "domainMetadata": "domain metadata",
    "icebergCompatV2": "Iceberg compatibility",
    "inCommitTimestamp": "in-commit timestamps",
    "liquid": "liquid clustering",
    "clustering": "liquid clustering",
}

# Spark's names for Delta's primitive types.
_SPARK_TYPES = {
    "integer": "int",
    "long": "bigint",
    "short": "smallint",
    "byte": "tinyint",
}


class DeltaLogError(Exception):
    """The log is missing, unreadable, or lacks the version asked for."""

    def __init__(self, message: str, *, missing: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.missing = missing


def is_delta_table(root: str | os.PathLike) -> bool:
    log = Path(root) / LOG_DIR
    if not log.is_dir():
        return False
    try:
        return any(
            COMMIT_RE.match(n) or CLASSIC_RE.match(n) or MULTIPART_RE.match(n) or V2_RE.match(n)
            for n in os.listdir(log)
        )
    except OSError:
        return False


# -- the log folder --------------------------------------------------------------------------


@dataclass
class Checkpoint:
    version: int
    kind: str  # classic | multipart | v2
    files: list[Path]


@dataclass
class LogListing:
    root: Path
    commits: dict[int, Path] = field(default_factory=dict)
    checkpoints: dict[int, list[Checkpoint]] = field(default_factory=dict)

    @property
    def latest(self) -> int:
        versions = list(self.commits) + list(self.checkpoints)
        return max(versions) if versions else -1

    @property
    def earliest_commit(self) -> int | None:
        return min(self.commits) if self.commits else None


def list_log(root: str | os.PathLike) -> LogListing:
    root = Path(root)
    log = root / LOG_DIR
    if not log.is_dir():
        raise DeltaLogError(
            f"{root} is not a Delta table: it has no {LOG_DIR} folder.", missing=True
        )
    listing = LogListing(root=root)
    parts: dict[tuple[int, int], dict[int, Path]] = {}
    try:
        names = os.listdir(log)
    except OSError as e:
        raise DeltaLogError(f"Cannot list {log}: {e.strerror or e}.") from None
    for name in names:
        path = log / name
        if m := COMMIT_RE.match(name):
            listing.commits[int(m.group(1))] = path
        elif m := CLASSIC_RE.match(name):
            v = int(m.group(1))
            listing.checkpoints.setdefault(v, []).append(Checkpoint(v, "classic", [path]))
        elif m := MULTIPART_RE.match(name):
            v, i, n = int(m.group(1)), int(m.group(2)), int(m.group(3))
            parts.setdefault((v, n), {})[i] = path
        elif m := V2_RE.match(name):
            v = int(m.group(1))
            listing.checkpoints.setdefault(v, []).append(Checkpoint(v, "v2", [path]))
    for (v, n), found in parts.items():
        # A multi-part checkpoint counts only when every part is there.
        if n > 0 and len(found) == n and all(i in found for i in range(1, n + 1)):
            files = [found[i] for i in range(1, n + 1)]
            listing.checkpoints.setdefault(v, []).append(Checkpoint(v, "multipart", files))
    if not listing.commits and not listing.checkpoints:
        raise DeltaLogError(f"{root} is not a Delta table: its log has no commits.", missing=True)
    return listing


# -- actions -----------------------------------------------------------------------------------


def _read_json_lines(path: Path) -> list[dict]:
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


_CHECKPOINT_COLUMNS = ("protocol", "metaData", "add", "sidecar", "checkpointMetadata")


def _read_parquet_actions(path: Path, columns: tuple[str, ...] = _CHECKPOINT_COLUMNS) -> list[dict]:
    import pyarrow.parquet as pq

    present = set(pq.read_schema(path).names)
    wanted = [c for c in columns if c in present]
    if not wanted:
        return []
    table = pq.read_table(path, columns=wanted)
    out: list[dict] = []
    for name in wanted:
        for value in table.column(name).to_pylist():
            if value is not None:
                out.append({name: _clean_parquet_action(name, value)})
    return out


def _clean_parquet_action(name: str, value: dict) -> dict:
    # Parquet maps arrive as lists of (key, value) pairs.
    for key in ("partitionValues", "configuration", "tags", "options"):
        if isinstance(value.get(key), list):
            value[key] = dict(value[key])
    if name == "metaData" and isinstance(value.get("format"), dict):
        fmt = value["format"]
        if isinstance(fmt.get("options"), list):
            fmt["options"] = dict(fmt["options"])
    return value


def _checkpoint_actions(root: Path, checkpoint: Checkpoint) -> list[dict]:
    actions: list[dict] = []
    for path in checkpoint.files:
        if path.suffix == ".json":
            actions.extend(a for a in _read_json_lines(path) if "remove" not in a)
        else:
            actions.extend(_read_parquet_actions(path))
    sidecars = [a["sidecar"] for a in actions if "sidecar" in a]
    for sidecar in sidecars:
        rel = str(sidecar.get("path") or "")
        path = Path(rel) if os.path.isabs(rel) else root / LOG_DIR / SIDECARS / rel
        if not path.is_file():
            raise DeltaLogError(
                f"The checkpoint at version {checkpoint.version} names a sidecar "
                f"file that is missing: {path.name}."
            )
        actions.extend(_read_parquet_actions(path, ("add",)))
    return actions


def dv_id(dv: dict | None) -> str | None:
    if not dv:
        return None
    offset = dv.get("offset")
    return f"{dv.get('storageType')}{dv.get('pathOrInlineDv')}" + (
        f"@{offset}" if offset is not None else ""
    )


def _file_key(action: dict) -> tuple[str, str | None]:
    return str(action.get("path")), dv_id(action.get("deletionVector"))


# -- snapshots ---------------------------------------------------------------------------------


@dataclass
class Snapshot:
    root: Path
    version: int
    protocol: dict
    metadata: dict
    files: dict[tuple[str, str | None], dict]
    checkpoint: Checkpoint | None
    timestamp_ms: int | None

    @property
    def num_files(self) -> int:
        return len(self.files)

    @property
    def size_in_bytes(self) -> int:
        return sum(int(a.get("size") or 0) for a in self.files.values())

    @property
    def num_rows(self) -> int | None:
        """Rows from the files' statistics, minus deleted ones; None if a file has no stats."""
        total = 0
        for add in self.files.values():
            records = _num_records(add)
            if records is None:
                return None
            dv = add.get("deletionVector") or {}
            total += records - int(dv.get("cardinality") or 0)
        return total

    @property
    def deletion_vectors(self) -> int:
        return sum(1 for a in self.files.values() if a.get("deletionVector"))

    @property
    def reader_features(self) -> list[str]:
        return list(self.protocol.get("readerFeatures") or [])

    @property
    def writer_features(self) -> list[str]:
        return list(self.protocol.get("writerFeatures") or [])

    @property
    def table_features(self) -> list[str]:
        return sorted(set(self.reader_features) | set(self.writer_features))

    @property
    def schema(self) -> dict:
        text = self.metadata.get("schemaString") or '{"type": "struct", "fields": []}'
        try:
            return json.loads(text)
        except ValueError:
            raise DeltaLogError(
                f"The table schema at version {self.version} is not JSON."
            ) from None

    @property
    def partition_columns(self) -> list[str]:
        return list(self.metadata.get("partitionColumns") or [])

    @property
    def configuration(self) -> dict[str, str]:
        conf = self.metadata.get("configuration") or {}
        return {str(k): str(v) for k, v in conf.items() if v is not None}

    def unreadable_features(self) -> list[str]:
        """Reader features delta-rs cannot read (empty when delta-rs reads the table)."""
        reader = int(self.protocol.get("minReaderVersion") or 1)
        if reader < 3:
            return []
        return sorted(set(self.reader_features) - DELTA_RS_READER_FEATURES)


def _num_records(add: dict) -> int | None:
    parsed = add.get("stats_parsed")
    if isinstance(parsed, dict) and parsed.get("numRecords") is not None:
        return int(parsed["numRecords"])
    stats = add.get("stats")
    if not stats:
        return None
    try:
        value = json.loads(stats).get("numRecords")
    except (ValueError, AttributeError):
        return None
    return None if value is None else int(value)


def snapshot(root: str | os.PathLike, version: int | None = None) -> Snapshot:
    """The table's state at `version` (the latest when None)."""
    listing = list_log(root)
    latest = listing.latest
    if version is None:
        version = latest
    if version < 0 or version > latest:
        raise DeltaLogError(
            f"The table has no version {version}; its versions go up to {latest}.", missing=True
        )
    errors: list[str] = []
    for cp_version in sorted((v for v in listing.checkpoints if v <= version), reverse=True):
        for checkpoint in listing.checkpoints[cp_version]:
            try:
                actions = _checkpoint_actions(listing.root, checkpoint)
            except (OSError, ValueError, DeltaLogError) as e:
                errors.append(f"checkpoint {checkpoint.files[0].name}: {e}")
                continue
            return _replay(listing, version, checkpoint, actions)
    if 0 not in listing.commits:
        detail = f" ({'; '.join(errors)})" if errors else ""
        raise DeltaLogError(
            f"Version {version} cannot be rebuilt: the log has no readable checkpoint at or "
            f"below it and its commits do not start at version 0{detail}."
        )
    return _replay(listing, version, None, [])


def _replay(
    listing: LogListing, version: int, checkpoint: Checkpoint | None, actions: list[dict]
) -> Snapshot:
    protocol: dict = {}
    metadata: dict = {}
    files: dict[tuple[str, str | None], dict] = {}
    for action in actions:
        if "add" in action:
            files[_file_key(action["add"])] = action["add"]
        elif "protocol" in action:
            protocol = action["protocol"]
        elif "metaData" in action:
            metadata = action["metaData"]
    start = checkpoint.version + 1 if checkpoint else 0
    timestamp = None
    for v in range(start, version + 1):
        path = listing.commits.get(v)
        if path is None:
            raise DeltaLogError(f"The log is missing the commit of version {v}.")
        try:
            commit = _read_json_lines(path)
        except (OSError, ValueError) as e:
            raise DeltaLogError(f"The commit of version {v} is unreadable: {e}.") from None
        for action in commit:
            if "add" in action:
                files[_file_key(action["add"])] = action["add"]
            elif "remove" in action:
                files.pop(_file_key(action["remove"]), None)
            elif "protocol" in action:
                protocol = action["protocol"]
            elif "metaData" in action:
                metadata = action["metaData"]
        timestamp = commit_timestamp(commit, path)
    if timestamp is None and version in listing.commits:
        timestamp = commit_timestamp(
            _read_json_lines(listing.commits[version]), listing.commits[version]
        )
    if not metadata:
        raise DeltaLogError(f"The log has no table metadata at version {version}.")
    return Snapshot(
        root=listing.root,
        version=version,
        protocol=protocol,
        metadata=metadata,
        files=files,
        checkpoint=checkpoint,
        timestamp_ms=timestamp,
    )


def commit_timestamp(actions: list[dict], path: Path) -> int:
    for action in actions:
        info = action.get("commitInfo")
        if isinstance(info, dict):
            stamp = info.get("inCommitTimestamp") or info.get("timestamp")
            if stamp is not None:
                return int(stamp)
    return int(path.stat().st_mtime * 1000)


# -- history -----------------------------------------------------------------------------------

_HISTORY_KEYS = (
    "userId",
    "userName",
    "engineInfo",
    "clientVersion",
    "isolationLevel",
    "isBlindAppend",
    "readVersion",
    "userMetadata",
    "clusterId",
    "txnId",
)


def _commit_info(path: Path) -> dict:
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            if line.startswith('{"commitInfo"'):
                return json.loads(line)["commitInfo"]
            # commitInfo is usually first; check every line, parsing only the ones that can be.
            if '"commitInfo"' in line[:32]:
                action = json.loads(line)
                if isinstance(action.get("commitInfo"), dict):
                    return action["commitInfo"]
    return {}


def _params(value: Any) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"value": value}
    if not isinstance(value, dict):
        return {}
    return {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}


def iso_ms(ms: int | None) -> str | None:
    if ms is None:
        return None
    return (
        dt.datetime.fromtimestamp(ms / 1000, dt.UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def history(root: str | os.PathLike, limit: int | None = None) -> dict:
    """Every version whose commit is in the log, newest first, from its commitInfo."""
    listing = list_log(root)
    versions = sorted(listing.commits, reverse=True)
    if limit is not None:
        versions = versions[: max(0, limit)]
    entries = []
    for v in versions:
        path = listing.commits[v]
        try:
            info = _commit_info(path)
        except (OSError, ValueError):
            info = {}
        stamp = info.get("inCommitTimestamp") or info.get("timestamp")
        if stamp is None:
            stamp = int(path.stat().st_mtime * 1000)
        # The offline engine records the SQL operation it ran under lakehouse.* keys.
        entry = {
            "version": v,
            "timestamp": int(stamp),
            "timestamp_iso": iso_ms(int(stamp)),
            "operation": info.get("lakehouse.operation") or info.get("operation"),
            "operationParameters": _params(
                info.get("lakehouse.operationParameters") or info.get("operationParameters")
            ),
            "operationMetrics": _params(
                info.get("lakehouse.operationMetrics") or info.get("operationMetrics")
            ),
        }
        for key in _HISTORY_KEYS:
            if info.get(key) is not None:
                entry[key] = info[key]
        notebook = info.get("notebook")
        if isinstance(notebook, dict) and notebook.get("notebookId") is not None:
            entry["notebook"] = {"notebookId": str(notebook["notebookId"])}
        job = info.get("job")
        if isinstance(job, dict):
            entry["job"] = {str(k): str(val) for k, val in job.items() if val is not None}
        entry["checkpoint"] = v in listing.checkpoints
        entries.append(entry)
    return {
        "latest_version": listing.latest,
        "earliest_version": listing.earliest_commit,
        "history": entries,
    }


# -- schemas -----------------------------------------------------------------------------------


def type_string(t: Any) -> str:
    """A Delta schema type as Spark writes it (`bigint`, `array<struct<a:int>>`...)."""
    if isinstance(t, str):
        return _SPARK_TYPES.get(t, t)
    if not isinstance(t, dict):
        return str(t)
    kind = t.get("type")
    if kind == "array":
        return f"array<{type_string(t.get('elementType'))}>"
    if kind == "map":
        return f"map<{type_string(t.get('keyType'))},{type_string(t.get('valueType'))}>"
    if kind == "struct":
        from .names import quote_if_needed

        inner = ",".join(
            f"{quote_if_needed(str(f.get('name')))}:{type_string(f.get('type'))}"
            for f in t.get("fields") or []
        )
        return f"struct<{inner}>"
    return str(kind)


def columns(snap: Snapshot) -> list[dict]:
    partitions = set(snap.partition_columns)
    out = []
    for f in snap.schema.get("fields") or []:
        meta = f.get("metadata") or {}
        column = {
            "name": f.get("name"),
            "type": type_string(f.get("type")),
            "nullable": bool(f.get("nullable", True)),
            "comment": meta.get("comment"),
            "partition": f.get("name") in partitions,
        }
        physical = meta.get("delta.columnMapping.physicalName")
        if physical and physical != f.get("name"):
            column["physical_name"] = physical
        if any(k.startswith("delta.identity.") for k in meta):
            column["identity"] = True
        if meta.get("delta.generationExpression"):
            column["generated"] = meta["delta.generationExpression"]
        out.append(column)
    return out


def details(root: str | os.PathLike) -> dict:
    """DESCRIBE DETAIL's facts and more, from the log alone."""
    snap = snapshot(root)
    listing = list_log(root)
    metadata = snap.metadata
    unreadable = snap.unreadable_features()
    fmt = metadata.get("format") or {}
    return {
        "format": "delta",
        "id": metadata.get("id"),
        "name": metadata.get("name"),
        "description": metadata.get("description"),
        "location": str(snap.root),
        "version": snap.version,
        "created_at": iso_ms(metadata.get("createdTime")),
        "last_modified": iso_ms(snap.timestamp_ms),
        "partition_columns": snap.partition_columns,
        "num_files": snap.num_files,
        "size_in_bytes": snap.size_in_bytes,
        "num_rows": snap.num_rows,
        "deletion_vectors": snap.deletion_vectors,
        "properties": snap.configuration,
        "min_reader_version": snap.protocol.get("minReaderVersion"),
        "min_writer_version": snap.protocol.get("minWriterVersion"),
        "reader_features": snap.reader_features,
        "writer_features": snap.writer_features,
        "table_features": snap.table_features,
        "column_mapping_mode": snap.configuration.get("delta.columnMapping.mode"),
        "data_format": fmt.get("provider") or "parquet",
        "checkpoint": (
            {"version": snap.checkpoint.version, "kind": snap.checkpoint.kind}
            if snap.checkpoint
            else None
        ),
        "earliest_version": listing.earliest_commit,
        "columns": columns(snap),
        "delta_rs_readable": not unreadable,
        "unreadable_features": unreadable,
    }


def feature_names(features: list[str]) -> str:
    """`deletion vectors ('deletionVectors')` and friends, for messages."""
    return ", ".join(f"{FEATURE_NAMES.get(f, f)} ('{f}')" for f in features)
