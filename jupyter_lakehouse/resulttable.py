"""The result table MIME bundle (DESIGN.md's kernel contract).

Shared by the kernel (notebook results) and the catalog service (table samples), so it lives
outside both.

`application/vnd.jupyter-lakehouse.table+json` carries the fetched rows as an Arrow IPC stream
(base64) with the column names and Spark types; the frontend's grid decodes it column by
column. Arrow is what Spark Connect sends anyway, so rows are never converted to Python
objects or JSON on the way. `text/html` and `text/plain` show the first rows, so a saved
notebook still reads well in nbconvert and on GitHub.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa

TABLE_MIME = "application/vnd.jupyter-lakehouse.table+json"
# Rows shown in the HTML/plain fallbacks; the grid gets every fetched row.
FALLBACK_ROWS = 50


@dataclass
class TableResult:
    """Rows fetched for display, and what is known about the rows that were not fetched."""

    table: pa.Table
    types: list[str]
    truncated: bool = False
    total_rows: int | None = None  # None when counting them would cost another query
    limit: int | None = None
    meta: dict = field(default_factory=dict)

    @classmethod
    def from_arrow(
        cls, table: pa.Table, types: list[str] | None = None, limit: int | None = None
    ) -> TableResult:
        """`table` may hold one row more than `limit`: that row only says that more exist."""
        truncated = limit is not None and table.num_rows > limit
        shown = table.slice(0, limit) if truncated else table
        types = types or [str(f.type) for f in table.schema]
        total = None if truncated else shown.num_rows
        return cls(shown, types, truncated=truncated, total_rows=total, limit=limit)

    @classmethod
    def from_spark(cls, df: Any, limit: int) -> TableResult:
        """Fetch at most `limit` rows of a Spark DataFrame as Arrow (one more row tells
        whether more exist), with Spark's own type names."""
        arrow = df.limit(limit + 1).toArrow()
        types = [f.dataType.simpleString() for f in df.schema.fields]
        return cls.from_arrow(arrow, types, limit)

    @classmethod
    def from_pandas(cls, frame: pd.DataFrame, limit: int | None = None) -> TableResult:
        total = len(frame)
        shown = frame.head(limit) if limit is not None and total > limit else frame
        table = _arrow_from_pandas(shown)
        types = [str(t) for t in shown.dtypes]
        return cls(table, types, truncated=len(shown) < total, total_rows=total, limit=limit)


def _arrow_from_pandas(frame: pd.DataFrame) -> pa.Table:
    frame = frame.rename(columns=str)
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        # Columns of mixed Python objects have no Arrow type: show them as text.
        mixed = frame.select_dtypes(include="object").columns
        frame = frame.astype({c: "string" for c in mixed})
        return pa.Table.from_pandas(frame, preserve_index=False)


def arrow_ipc_base64(table: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return base64.b64encode(sink.getvalue().to_pybytes()).decode("ascii")


def bundle(result: TableResult) -> dict:
    table = result.table
    payload = {
        "schema": {
            "fields": [
                {"name": f.name, "type": t} for f, t in zip(table.schema, result.types, strict=True)
            ]
        },
        "arrow": arrow_ipc_base64(table),
        "row_count": table.num_rows,
        "total_rows": result.total_rows,
        "truncated": result.truncated,
        "limit": result.limit,
        **({"meta": result.meta} if result.meta else {}),
    }
    head = _fallback_head(table)
    return {
        TABLE_MIME: payload,
        "text/html": _html(head, result),
        "text/plain": _plain(head, result),
    }


def caption(result: TableResult) -> str:
    shown = result.table.num_rows
    if not result.truncated:
        return f"{shown} row{'s' if shown != 1 else ''}"
    if result.total_rows is not None:
        return f"showing first {shown} of {result.total_rows} rows"
    return f"showing first {shown} rows (more exist)"


def _fallback_head(table: pa.Table) -> pd.DataFrame:
    # None, NaN, NaT and pd.NA all read as "null", as in the grid and in Spark's own show().
    head = table.slice(0, FALLBACK_ROWS).to_pandas(types_mapper=pd.ArrowDtype).astype(object)
    return head.where(head.notna(), "null")


def _html(head: pd.DataFrame, result: TableResult) -> str:
    table = head.to_html(index=False, escape=True, border=0)
    note = caption(result)
    if result.table.num_rows > FALLBACK_ROWS:
        note += f"; the first {FALLBACK_ROWS} are in this page"
    return f'<div class="jp-Lakehouse-tableFallback">{table}<p>{html.escape(note)}</p></div>'


def _plain(head: pd.DataFrame, result: TableResult) -> str:
    return f"{head.to_string(index=False)}\n[{caption(result)}]"


def decode_arrow(payload: dict) -> pa.Table:
    """The table a bundle carries (for tests and for code reading saved outputs)."""
    return pa.ipc.open_stream(base64.b64decode(payload["arrow"])).read_all()
