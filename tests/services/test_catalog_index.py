"""The catalog search index: ranking, schema refreshes, persistence, speed on 10 000 tables."""

from __future__ import annotations

import json
import time

from jupyter_lakehouse.services.catalog.index import SearchIndex


def test_ranking_exact_prefix_substring():
    idx = SearchIndex()
    idx.set_schema_tables(
        "c",
        "s",
        [{"name": n, "kind": "table"} for n in ("orders_archive", "orders", "old_orders", "x")],
    )
    idx.set_table("c", "s", "x", columns=[("order_id", "int"), ("Orders", "string")])
    results, total = idx.search("ORDERS")
    assert total == 4
    assert [(r["kind"], r.get("column") or r["table"], r["match"]) for r in results] == [
        ("table", "orders", "exact"),
        ("column", "Orders", "exact"),
        ("table", "orders_archive", "prefix"),
        ("table", "old_orders", "substring"),
    ]
    assert idx.search("   ") == ([], 0)
    assert idx.search("order", limit=2)[1] == 5


def test_column_hits_carry_their_table(tmp_path):
    idx = SearchIndex()
    idx.set_table("c", "s", "t", kind="view", format="view", columns=[("amount", "decimal(10,2)")])
    [hit], total = idx.search("amou")
    assert total == 1
    assert hit == {
        "kind": "column",
        "match": "prefix",
        "catalog": "c",
        "schema": "s",
        "table": "t",
        "table_kind": "view",
        "format": "view",
        "column": "amount",
        "type": "decimal(10,2)",
    }


def test_a_new_listing_replaces_the_schema_and_keeps_columns():
    idx = SearchIndex()
    idx.set_schema_tables("c", "s", [{"name": "a", "kind": "table"}, {"name": "b", "kind": "view"}])
    idx.set_table("c", "s", "a", format="delta", columns=[("id", "bigint")])
    idx.set_schema_tables(
        "c", "s", [{"name": "a", "kind": "table"}, {"name": "c", "kind": "table"}]
    )
    assert idx.search("b")[1] == 0
    assert idx.get("c", "s", "a").columns == [("id", "bigint")]
    assert idx.formats("c", "s") == {"a": "delta"}
    idx.set_schemas("c", [])
    assert len(idx) == 0


def test_to_describe_prefers_the_page_shown():
    idx = SearchIndex()
    idx.set_schema_tables("c", "s1", [{"name": f"t{i}", "kind": "table"} for i in range(5)])
    idx.set_schema_tables("c", "s2", [{"name": f"u{i}", "kind": "table"} for i in range(5)])
    idx.prioritize([("c", "s2", "u3"), ("c", "s2", "u4")])
    assert idx.to_describe(10) == [("c", "s2", "u3"), ("c", "s2", "u4")]
    batch = idx.to_describe(10)
    # One schema per batch (one SHOW TABLE EXTENDED per batch).
    assert len({k[:2] for k in batch}) == 1


def test_persistence(tmp_path):
    path = tmp_path / "index" / "local.json"
    idx = SearchIndex(path)
    idx.set_table("c", "s", "t`x", kind="table", format="delta", columns=[("a b", "int")])
    assert idx.save()
    assert not idx.save()  # nothing changed since
    again = SearchIndex(path)
    assert again.search("a b")[0][0]["table"] == "t`x"
    assert again.stats()["described"] == 1
    path.write_text("{not json")
    assert len(SearchIndex(path)) == 0  # an unreadable index is rebuilt, never fatal
    path.write_text(json.dumps({"version": 999}))
    assert len(SearchIndex(path)) == 0


def test_search_of_ten_thousand_tables_is_fast():
    idx = SearchIndex()
    idx.set_schema_tables(
        "spark_catalog", "big", [{"name": f"table_{i:05d}", "kind": "table"} for i in range(10_000)]
    )
    for i in range(0, 10_000, 7):
        idx.set_table(
            "spark_catalog",
            "big",
            f"table_{i:05d}",
            columns=[(f"col_{j}", "int") for j in range(8)],
        )
    started = time.perf_counter()
    results, total = idx.search("table_0999")
    elapsed = time.perf_counter() - started
    assert total == 10 and results[0]["table"] == "table_09990"
    assert elapsed < 0.5
