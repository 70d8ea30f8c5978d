"""The result table MIME bundle (DESIGN.md's kernel contract).

`application/vnd.jupyter-lakehouse.table+json` carries the rows for the frontend's grid;
`text/html` and `text/plain` keep a saved notebook readable in nbconvert and on GitHub.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

import pandas as pd

TABLE_MIME = "application/vnd.jupyter-lakehouse.table+json"
# Rows shown in the HTML/plain fallbacks; the grid gets every fetched row.
FALLBACK_ROWS = 50


@dataclass
class TableResult:
    """Rows fetched for display, and what is known about the rows that were not fetched."""

    frame: pd.DataFrame
    types: list[str]
    truncated: bool = False
    total_rows: int | None = None  # None when counting them would cost another query
    limit: int | None = None
    meta: dict = field(default_factory=dict)

    @classmethod
    def from_pandas(cls, frame: pd.DataFrame, limit: int | None = None) -> TableResult:
        total = len(frame)
        truncated = limit is not None and total > limit
        shown = frame.head(limit) if truncated else frame
        types = [str(t) for t in shown.dtypes]
        return cls(shown, types, truncated=truncated, total_rows=total, limit=limit)


def _rows(frame: pd.DataFrame) -> list[list]:
    # pandas' own JSON writer turns NaN/NaT into null and timestamps into ISO text, which is
    # what the grid shows; a round trip through it is faster than converting cell by cell.
    split = json.loads(frame.to_json(orient="split", date_format="iso", default_handler=str))
    return split["data"]


def bundle(result: TableResult) -> dict:
    frame = result.frame
    columns = [str(c) for c in frame.columns]
    payload = {
        "schema": {
            "fields": [{"name": n, "type": t} for n, t in zip(columns, result.types, strict=True)]
        },
        "data": _rows(frame),
        "row_count": len(frame),
        "total_rows": result.total_rows,
        "truncated": result.truncated,
        "limit": result.limit,
        **({"meta": result.meta} if result.meta else {}),
    }
    return {
        TABLE_MIME: payload,
        "text/html": _html(frame, result),
        "text/plain": _plain(frame, result),
    }


def _caption(result: TableResult) -> str:
    shown = len(result.frame)
    if not result.truncated:
        return f"{shown} row{'s' if shown != 1 else ''}"
    if result.total_rows is not None:
        return f"showing first {shown} of {result.total_rows} rows"
    return f"showing first {shown} rows (more exist)"


def _fallback_head(frame: pd.DataFrame) -> pd.DataFrame:
    # None, NaN, NaT and pd.NA all read as "null", as in the grid and in Spark's own show().
    head = frame.head(FALLBACK_ROWS).astype(object)
    return head.where(head.notna(), "null")


def _html(frame: pd.DataFrame, result: TableResult) -> str:
    table = _fallback_head(frame).to_html(index=False, escape=True, border=0)
    note = _caption(result)
    if len(frame) > FALLBACK_ROWS:
        note += f"; the first {FALLBACK_ROWS} are in this page"
    return f'<div class="jp-Lakehouse-tableFallback">{table}<p>{html.escape(note)}</p></div>'


def _plain(frame: pd.DataFrame, result: TableResult) -> str:
    text = _fallback_head(frame).to_string(index=False)
    return f"{text}\n[{_caption(result)}]"
