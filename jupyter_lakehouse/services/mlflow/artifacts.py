"""Artifact paths and previews: what a run's file is, and as much of it as a panel can show.

Paths come from the client and are only ever joined under the run's artifact root: anything
that could leave it (`..`, absolute paths, backslashes, control characters) is refused here,
before MLflow sees it.
"""

from __future__ import annotations

import json
import mimetypes
import posixpath
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.json as pajson
import pyarrow.parquet as pq

from ...resulttable import TABLE_MIME, TableResult, bundle
from ..errors import BadRequest

IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp"}
JSON_EXTENSIONS = {".json"}
TABLE_EXTENSIONS = {".csv", ".tsv", ".parquet", ".jsonl", ".ndjson"}
TEXT_EXTENSIONS = {
    ".txt", ".log", ".md", ".py", ".yaml", ".yml", ".cfg", ".ini", ".toml", ".sh", ".sql",
    ".html", ".htm", ".xml", ".r", ".scala", ".java", ".ipynb", ".conf", ".properties",
}  # fmt: skip
# Files MLflow writes without an extension that are text (the model's metadata and envs).
TEXT_NAMES = {"MLmodel", "requirements.txt", "conda.yaml", "python_env.yaml", "LICENSE"}

TEXT_LIMIT = 256 * 1024  # bytes of text or JSON shown
TABLE_FILE_LIMIT = 64 * 1024 * 1024  # largest table file read for a preview
TABLE_ROWS = 1000  # rows of a table preview
RAW_LIMIT = 64 * 1024 * 1024  # largest file served raw


def safe_path(path: str | None, *, allow_root: bool = True) -> str:
    """A normalized relative POSIX path inside the artifact root ("" is the root itself)."""
    raw = (path or "").strip()
    if not raw:
        if allow_root:
            return ""
        raise BadRequest("'path' is required.", code="bad_artifact_path")
    if any(ord(c) < 32 or c == "\x7f" for c in raw) or "\\" in raw:
        raise BadRequest("Artifact paths cannot hold control characters or backslashes.",
                         code="bad_artifact_path")  # fmt: skip
    if raw.startswith("/") or raw.startswith("~") or ":" in raw.split("/", 1)[0]:
        raise BadRequest("Artifact paths are relative to the run's artifact root.",
                         code="bad_artifact_path")  # fmt: skip
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise BadRequest("Artifact paths cannot leave the run's artifact root ('..').",
                         code="bad_artifact_path")  # fmt: skip
    if not parts and not allow_root:
        raise BadRequest("'path' names no file.", code="bad_artifact_path")
    return posixpath.join(*parts) if parts else ""


def media_type(path: str) -> str:
    name = posixpath.basename(path)
    if name in TEXT_NAMES:
        return "text/plain"
    ext = posixpath.splitext(name)[1].lower()
    if ext in (".jsonl", ".ndjson"):
        return "application/x-ndjson"
    if ext in (".yaml", ".yml"):
        return "text/yaml"
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def kind(path: str) -> str:
    name = posixpath.basename(path)
    ext = posixpath.splitext(name)[1].lower()
    if ext in IMAGE_EXTENSIONS:
        return "image"
    if ext in JSON_EXTENSIONS:
        return "json"
    if ext in TABLE_EXTENSIONS:
        return "table"
    if ext in TEXT_EXTENSIONS or name in TEXT_NAMES:
        return "text"
    return "binary"


def size_limit(kind_: str) -> int | None:
    """The largest file of this kind a preview reads (None: the preview reads nothing)."""
    return {"text": TEXT_LIMIT, "json": TEXT_LIMIT, "table": TABLE_FILE_LIMIT}.get(kind_)


def preview(path: str, local: Path) -> dict:
    """The preview of a downloaded artifact (`local`), by the kind its name says."""
    k = kind(path)
    out: dict = {"path": path, "kind": k, "media_type": media_type(path)}
    out["size"] = local.stat().st_size
    if k == "text":
        out["text"] = _text(local)
    elif k == "json":
        text = _text(local)
        try:
            out["json"] = json.loads(text)
        except ValueError:
            out["kind"], out["text"] = "text", text  # a .json that is not JSON: show its text
    elif k == "table":
        try:
            out["table"] = bundle(_table(local, path))[TABLE_MIME]
        except (pa.ArrowException, ValueError, OSError) as e:
            out["kind"], out["error"] = "binary", f"The file could not be read as a table: {e}"
    return out


def _text(local: Path) -> str:
    return local.read_bytes()[:TEXT_LIMIT].decode("utf-8", errors="replace")


def _table(local: Path, path: str) -> TableResult:
    ext = posixpath.splitext(path)[1].lower()
    if ext == ".parquet":
        reader = pq.ParquetFile(local)
        batches = []
        rows = 0
        for batch in reader.iter_batches(batch_size=TABLE_ROWS + 1):
            batches.append(batch)
            rows += batch.num_rows
            if rows > TABLE_ROWS:
                break
        table = pa.Table.from_batches(batches, schema=reader.schema_arrow)
        total = reader.metadata.num_rows
    elif ext in (".jsonl", ".ndjson"):
        table = pajson.read_json(local)
        total = table.num_rows
    else:
        delimiter = "\t" if ext == ".tsv" else ","
        table = pacsv.read_csv(local, parse_options=pacsv.ParseOptions(delimiter=delimiter))
        total = table.num_rows
    result = TableResult.from_arrow(table.slice(0, TABLE_ROWS + 1), limit=TABLE_ROWS)
    result.total_rows = total
    return result
