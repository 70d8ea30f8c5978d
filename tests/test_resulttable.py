import json

import pandas as pd
import pyarrow as pa

from jupyter_lakehouse.resulttable import TABLE_MIME, TableResult, bundle, decode_arrow


def test_bundle_carries_arrow_types_and_fallbacks():
    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "s": ["<b>x</b>", None]})
    out = bundle(TableResult.from_pandas(frame))
    table = out[TABLE_MIME]
    assert [f["name"] for f in table["schema"]["fields"]] == ["n", "s"]
    assert decode_arrow(table).to_pylist() == [{"n": 1, "s": "<b>x</b>"}, {"n": None, "s": None}]
    assert table["truncated"] is False and table["total_rows"] == 2
    assert "&lt;b&gt;" in out["text/html"] and "null" in out["text/html"]
    assert "2 rows" in out["text/plain"]
    json.dumps(out)  # the whole bundle must be JSON


def test_truncation_is_stated():
    out = bundle(TableResult.from_pandas(pd.DataFrame({"x": range(30)}), limit=10))
    assert out[TABLE_MIME]["row_count"] == 10 and out[TABLE_MIME]["truncated"] is True
    assert "showing first 10 of 30 rows" in out["text/plain"]


def test_arrow_with_one_row_more_than_the_limit_is_truncated_with_unknown_total():
    result = TableResult.from_arrow(pa.table({"x": list(range(11))}), ["bigint"], limit=10)
    payload = bundle(result)[TABLE_MIME]
    assert payload["row_count"] == 10 and payload["truncated"] and payload["total_rows"] is None
    assert "showing first 10 rows (more exist)" in bundle(result)["text/plain"]


def test_timestamps_keep_their_type():
    frame = pd.DataFrame({"t": pd.to_datetime(["2024-01-02T03:04:05"])})
    table = decode_arrow(bundle(TableResult.from_pandas(frame))[TABLE_MIME])
    assert pa.types.is_timestamp(table.schema.field("t").type)


def test_mixed_object_columns_become_text():
    frame = pd.DataFrame({"m": [1, "two", 3.0]})
    table = decode_arrow(bundle(TableResult.from_pandas(frame))[TABLE_MIME])
    assert table.column("m").to_pylist() == ["1", "two", "3.0"]
