"""Completion and parameters of the SQL editor, from a catalog index (no Spark, no cluster)."""

from __future__ import annotations

import pytest

from jupyter_lakehouse.services.catalog.index import SearchIndex
from jupyter_lakehouse.services.errors import BadRequest
from jupyter_lakehouse.services.sql.completion import completions
from jupyter_lakehouse.services.sql.statements import parameters_of


@pytest.fixture
def index():
    idx = SearchIndex()
    idx.set_schema_tables("spark_catalog", "default", [{"name": "people", "kind": "table"}])
    idx.set_schema_tables("spark_catalog", "sales", [{"name": "orders", "kind": "table"}])
    idx.set_schemas("other", ["raw"])
    idx.set_schema_tables("other", "raw", [{"name": "events", "kind": "table"}])
    idx.set_table(
        "spark_catalog", "default", "people", columns=[("person_id", "int"), ("age", "int")]
    )
    idx.set_table("spark_catalog", "sales", "orders", columns=[("order_id", "bigint")])
    return idx


def labels(result, kind=None):
    return [m["label"] for m in result["matches"] if kind is None or m["kind"] == kind]


def test_tables_schemas_and_keywords(index):
    text = "SELECT * FROM pe"
    result = completions(index, text, len(text))
    assert labels(result, "table") == ["people"]
    assert (result["from"], result["to"]) == (14, 16)
    text = "SEL"
    assert labels(completions(index, text, 3)) == ["SELECT"]
    text = "SELECT * FROM sa"
    assert labels(completions(index, text, len(text)), "schema") == ["sales"]


def test_dotted_names(index):
    text = "SELECT * FROM sales.o"
    result = completions(index, text, len(text))
    assert labels(result) == ["sales.orders"] and result["from"] == 14
    text = "SELECT * FROM other.raw.e"
    assert labels(completions(index, text, len(text))) == ["other.raw.events"]
    text = "SELECT * FROM other."
    assert labels(completions(index, text, len(text))) == ["other.raw"]
    text = "SELECT people.per FROM people"
    assert labels(completions(index, text, text.index(" FROM"))) == ["people.person_id"]


def test_columns_of_the_tables_in_the_query(index):
    text = "SELECT ord FROM sales.orders"
    cursor = text.index(" FROM")
    assert labels(completions(index, text, cursor), "column") == ["order_id"]
    # Columns are not offered where a table name goes.
    text = "SELECT * FROM people JOIN a"
    assert labels(completions(index, text, len(text)), "column") == []


def test_an_empty_index_gives_keywords_only():
    text = "SELECT * FR"
    assert labels(completions(SearchIndex(), text, len(text))) == ["FROM"]
    assert labels(completions(None, "x", 1)) == []


def test_bad_input():
    for text, cursor in (("abc", 4), ("abc", -1), ("abc", "1"), (None, 0), ("abc", True)):
        with pytest.raises(BadRequest):
            completions(None, text, cursor)


def test_parameters_in_order_across_statements():
    text = "SELECT :a, :b; SELECT raw:store.price, :a, ':no' FROM t WHERE x = :c -- :d"
    assert parameters_of(text) == {"names": ["a", "b", "c"]}
    with pytest.raises(BadRequest):
        parameters_of(None)
