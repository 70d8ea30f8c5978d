"""Creating a table from an uploaded file: CSV, JSON (lines or an array) or Parquet.

Step 1 stores the body in a file of our own naming under `<home>/catalog/uploads/` (never a
path a client gives) and reads it with pyarrow to infer the schema the user reviews. Step 2
reads it again with the confirmed names and types and writes it as a Delta table.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BadRequest, NotFound, Unprocessable

FORMATS = ("csv", "json", "parquet")
MAX_BYTES = 100 * 1024 * 1024
EXPIRE_SECONDS = 3600.0
SAMPLE_ROWS = 10
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")

# The types a user may pick for a column in the review dialog.
TYPES = (
    "string",
    "boolean",
    "tinyint",
    "smallint",
    "int",
    "bigint",
    "float",
    "double",
    "date",
    "timestamp",
    "binary",
)
DECIMAL = re.compile(r"^decimal\((\d{1,2}),\s*(\d{1,2})\)$")


def format_of(filename: str | None, given: str | None) -> str:
    fmt = (given or "").strip().lower()
    if not fmt and filename:
        ext = Path(filename).suffix.lower().lstrip(".")
        fmt = {"jsonl": "json", "ndjson": "json", "tsv": "csv", "pq": "parquet"}.get(ext, ext)
    if fmt not in FORMATS:
        raise BadRequest(
            "Upload a CSV, JSON or Parquet file (give format=csv|json|parquet or a file name "
            "with one of those extensions).",
            code="invalid_format",
        )
    return fmt


def spark_type(t: Any) -> str:
    """An Arrow type as the Spark SQL type it becomes in the Delta table."""
    import pyarrow as pa

    if pa.types.is_null(t) or pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_int8(t):
        return "tinyint"
    if pa.types.is_int16(t) or pa.types.is_uint8(t):
        return "smallint"
    if pa.types.is_int32(t) or pa.types.is_uint16(t):
        return "int"
    if pa.types.is_integer(t):
        return "bigint"
    if pa.types.is_float16(t) or pa.types.is_float32(t):
        return "float"
    if pa.types.is_floating(t):
        return "double"
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_date(t):
        return "date"
    if pa.types.is_timestamp(t):
        return "timestamp"
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        return "binary"
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return f"array<{spark_type(t.value_type)}>"
    if pa.types.is_map(t):
        return f"map<{spark_type(t.key_type)},{spark_type(t.item_type)}>"
    if pa.types.is_struct(t):
        from .names import quote_if_needed

        inner = ",".join(f"{quote_if_needed(f.name)}:{spark_type(f.type)}" for f in t)
        return f"struct<{inner}>"
    return "string"


def arrow_type(name: str) -> Any:
    import pyarrow as pa

    simple = {
        "string": pa.string(),
        "boolean": pa.bool_(),
        "tinyint": pa.int8(),
        "smallint": pa.int16(),
        "int": pa.int32(),
        "bigint": pa.int64(),
        "float": pa.float32(),
        "double": pa.float64(),
        "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "binary": pa.binary(),
    }
    if name in simple:
        return simple[name]
    match = DECIMAL.match(name)
    if match:
        precision, scale = int(match.group(1)), int(match.group(2))
        if 1 <= precision <= 38 and scale <= precision:
            return pa.decimal128(precision, scale)
    raise BadRequest(
        f"{name!r} is not a column type an upload can use; use one of "
        f"{', '.join(TYPES)} or decimal(p,s).",
        code="invalid_type",
    )


def read_file(path: Path, fmt: str) -> Any:
    """The whole file as an Arrow table, or a 422 saying why it cannot be read."""
    import pyarrow as pa

    try:
        if fmt == "parquet":
            import pyarrow.parquet as pq

            return pq.read_table(path)
        if fmt == "csv":
            from pyarrow import csv

            # Empty fields are nulls, as Spark's CSV reader has them.
            return csv.read_csv(path, convert_options=csv.ConvertOptions(strings_can_be_null=True))
        from pyarrow import json as pajson

        with open(path, "rb") as f:
            head = f.read(4096).lstrip()
        if head.startswith(b"["):
            with open(path, encoding="utf-8") as f:
                records = json.load(f)
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise Unprocessable(
                    "A JSON upload is either one object per line or an array of objects.",
                    code="unreadable_file",
                )
            return pa.Table.from_pylist(records)
        return pajson.read_json(path)
    except (pa.ArrowException, ValueError, UnicodeDecodeError, OSError) as e:
        raise Unprocessable(
            f"The file cannot be read as {fmt.upper()}: {str(e).splitlines()[0][:500]}",
            code="unreadable_file",
        ) from None


def normalize_table(table: Any) -> Any:
    """Types a Delta table stores as the review shows them: naive timestamps as UTC, nulls
    as strings, unsigned integers widened."""
    import pyarrow as pa

    fields = []
    for f in table.schema:
        t = f.type
        if pa.types.is_timestamp(t):
            t = pa.timestamp("us", tz=t.tz or "UTC")
        elif pa.types.is_null(t) or pa.types.is_large_string(t):
            t = pa.string()
        elif pa.types.is_uint8(t):
            t = pa.int16()
        elif pa.types.is_uint16(t):
            t = pa.int32()
        elif pa.types.is_unsigned_integer(t) or pa.types.is_uint32(t):
            t = pa.int64()
        elif pa.types.is_float16(t):
            t = pa.float32()
        elif pa.types.is_large_binary(t):
            t = pa.binary()
        fields.append(pa.field(f.name, t))
    return table.cast(pa.schema(fields))


def suggest_table_name(filename: str | None) -> str:
    stem = Path(filename or "upload").stem
    name = re.sub(r"[^A-Za-z0-9_]+", "_", stem).strip("_").lower() or "upload"
    if name[0].isdigit():
        name = f"t_{name}"
    return name[:100]


def suggest_column_names(names: list[str]) -> list[str]:
    """Unique (case-insensitively), non-empty names: what a Delta table accepts."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names):
        base = (raw or "").strip() or f"column_{i + 1}"
        name, n = base, 1
        while name.lower() in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name.lower())
        out.append(name)
    return out


def _cell(value: Any) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 200 else text[:199] + "…"


@dataclass
class Upload:
    id: str
    path: Path
    meta: dict


class UploadStore:
    """Uploaded files waiting for step 2, under `<home>/catalog/uploads/`."""

    def __init__(self, root: Path, max_bytes: int = MAX_BYTES) -> None:
        self.root = root
        self.max_bytes = max_bytes

    def _paths(self, upload_id: str) -> tuple[Path, Path]:
        return self.root / f"{upload_id}.data", self.root / f"{upload_id}.json"

    def cleanup(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        if not self.root.is_dir():
            return
        for path in self.root.iterdir():
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > EXPIRE_SECONDS:
                    path.unlink()

    def save(self, data: bytes, meta: dict) -> Upload:
        if len(data) == 0:
            raise BadRequest("The upload is empty.", code="empty_upload")
        if len(data) > self.max_bytes:
            raise BadRequest(
                f"The upload is {len(data)} bytes; at most {self.max_bytes} are accepted.",
                code="too_large",
            )
        self.cleanup()
        self.root.mkdir(parents=True, exist_ok=True)
        upload_id = uuid.uuid4().hex
        data_path, meta_path = self._paths(upload_id)
        with open(data_path, "wb") as f:
            f.write(data)
        meta = {**meta, "size": len(data), "created": time.time()}
        with open(meta_path, "w", encoding="utf-8") as f:
            json.dump(meta, f)
        return Upload(upload_id, data_path, meta)

    def get(self, upload_id: Any) -> Upload:
        if not isinstance(upload_id, str) or not UPLOAD_ID.match(upload_id):
            raise BadRequest("upload_id is not an upload id.", code="invalid_upload_id")
        data_path, meta_path = self._paths(upload_id)
        try:
            with open(meta_path, encoding="utf-8") as f:
                meta = json.load(f)
        except (OSError, ValueError):
            raise NotFound(
                "There is no such upload (uploads expire after an hour): upload the file again.",
                code="upload_not_found",
            ) from None
        if not data_path.is_file():
            raise NotFound("The uploaded file is gone: upload it again.", code="upload_not_found")
        return Upload(upload_id, data_path, meta)

    def remove(self, upload_id: str) -> None:
        for path in self._paths(upload_id):
            with contextlib.suppress(OSError):
                path.unlink()


def inspect(upload: Upload) -> dict:
    """Step 1's answer: the inferred schema, suggested names and a few rows."""
    table = normalize_table(read_file(upload.path, upload.meta["format"]))
    names = suggest_column_names(table.schema.names)
    sample = table.slice(0, SAMPLE_ROWS).to_pylist()
    columns = []
    for f, name in zip(table.schema, names, strict=True):
        columns.append({"source": f.name, "name": name, "type": spark_type(f.type)})
    return {
        "upload_id": upload.id,
        "filename": upload.meta.get("filename"),
        "format": upload.meta["format"],
        "size": upload.meta["size"],
        "rows": table.num_rows,
        "columns": columns,
        "suggested_name": suggest_table_name(upload.meta.get("filename")),
        "sample": {
            "columns": names,
            "rows": [[_cell(row.get(f.name)) for f in table.schema] for row in sample],
        },
        "types": [*TYPES, "decimal(p,s)"],
    }


def confirmed_table(upload: Upload, columns: Any) -> Any:
    """The file as an Arrow table with the columns the user confirmed (renamed, retyped,
    left out), or a 400 naming what is wrong."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from .names import check_name

    table = normalize_table(read_file(upload.path, upload.meta["format"]))
    if columns is None:
        names = suggest_column_names(table.schema.names)
        return table.rename_columns(names)
    if not isinstance(columns, list) or not columns:
        raise BadRequest("'columns' must be a non-empty list.", code="invalid_columns")
    by_source = {f.name: i for i, f in enumerate(table.schema)}
    arrays, fields, seen = [], [], set()
    for spec in columns:
        if not isinstance(spec, dict):
            raise BadRequest(
                "Each column is an object {source, name, type}.", code="invalid_columns"
            )
        if spec.get("include", True) is False:
            continue
        source = spec.get("source")
        if source not in by_source:
            raise BadRequest(f"The file has no column {source!r}.", code="invalid_columns")
        name = check_name(spec.get("name", source), "column name")
        if name.lower() in seen:
            raise BadRequest(f"Two columns are named {name!r}.", code="invalid_columns")
        seen.add(name.lower())
        column = table.column(by_source[source])
        wanted = spec.get("type")
        if wanted and wanted != spark_type(column.type):
            target = arrow_type(str(wanted))
            try:
                if pa.types.is_string(column.type) and pa.types.is_boolean(target):
                    column = pc.equal(pc.utf8_lower(column), "true")
                else:
                    column = pc.cast(column, target)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
                raise BadRequest(
                    f"Column {source!r} cannot be read as {wanted}: {str(e).splitlines()[0][:300]}",
                    code="invalid_columns",
                ) from None
        arrays.append(column)
        fields.append(pa.field(name, column.type))
    if not arrays:
        raise BadRequest("Keep at least one column.", code="invalid_columns")
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def cleanup_folder(path: str) -> None:
    """Remove a folder a failed write left behind (only ones the service created)."""
    import shutil

    if os.path.isdir(path):
        shutil.rmtree(path, ignore_errors=True)
