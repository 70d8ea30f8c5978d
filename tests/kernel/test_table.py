import json

import pandas as pd

from jupyter_lakehouse.kernel.table import TABLE_MIME, TableResult, bundle


def test_bundle_has_rows_types_and_fallbacks():
    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "s": ["<b>x</b>", None]})
    out = bundle(TableResult.from_pandas(frame))
    table = out[TABLE_MIME]
    assert [f["name"] for f in table["schema"]["fields"]] == ["n", "s"]
    assert table["data"] == [[1, "<b>x</b>"], [None, None]]
    assert table["truncated"] is False and table["total_rows"] == 2
    assert "&lt;b&gt;" in out["text/html"] and "null" in out["text/html"]
    assert "2 rows" in out["text/plain"]
    json.dumps(out)  # the whole bundle must be JSON


def test_truncation_is_stated():
    out = bundle(TableResult.from_pandas(pd.DataFrame({"x": range(30)}), limit=10))
    assert out[TABLE_MIME]["row_count"] == 10 and out[TABLE_MIME]["truncated"] is True
    assert "showing first 10 of 30 rows" in out["text/plain"]


def test_timestamps_are_iso_text():
    frame = pd.DataFrame({"t": pd.to_datetime(["2024-01-02T03:04:05"])})
    assert bundle(TableResult.from_pandas(frame))[TABLE_MIME]["data"][0][0].startswith(
        "2024-01-02T03:04:05"
    )
