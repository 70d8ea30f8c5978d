"""The query history file: append, bounds, search, filters and paging (no Spark needed)."""

from __future__ import annotations

import json
import multiprocessing

import pytest

from jupyter_lakehouse.services.errors import BadRequest
from jupyter_lakehouse.services.sql.history import QueryHistory, new_entry, record_quietly


def entry(text, **fields):
    base = {
        "text": text,
        "user": "ada",
        "cluster": "local",
        "source": "editor",
        "path": "q.sql",
        "started_at": 1700000000.0,
        "duration_ms": 12,
        "rows": 3,
        "status": "succeeded",
        "error": None,
    }
    return new_entry(**{**base, **fields})


def test_entries_come_back_newest_first_with_the_contract_fields(tmp_path):
    history = QueryHistory(tmp_path / "sql" / "history.jsonl")
    first = history.append(entry("SELECT 1"))
    second = history.append(entry("SELECT 2", source="notebook", path="n.ipynb"))
    page = history.search()
    assert [e["id"] for e in page["entries"]] == [second["id"], first["id"]]
    assert page["next"] is None
    assert set(page["entries"][0]) >= {
        "id", "text", "user", "cluster", "source", "path", "started_at",
        "duration_ms", "rows", "status", "error",
    }  # fmt: skip


def test_search_and_filters(tmp_path):
    history = QueryHistory(tmp_path / "h.jsonl")
    history.append(entry("SELECT * FROM Sales"))
    history.append(entry("select count(*) from users", cluster="big"))
    error = {"error_class": "TABLE_OR_VIEW_NOT_FOUND", "message": "nope"}
    history.append(entry("SELECT * FROM missing", status="failed", error=error, rows=None))
    history.append(entry("SELECT 1", source="notebook", user="grace"))

    def texts(**kw):
        return [e["text"] for e in history.search(**kw)["entries"]]

    assert texts(q="sales") == ["SELECT * FROM Sales"]
    assert texts(q="FROM") == [
        "SELECT * FROM missing",
        "select count(*) from users",
        "SELECT * FROM Sales",
    ]
    assert texts(q="table_or_view") == ["SELECT * FROM missing"]  # the error is searched too
    assert texts(q="grace") == ["SELECT 1"]
    assert texts(status="failed") == ["SELECT * FROM missing"]
    assert texts(cluster="big") == ["select count(*) from users"]
    assert texts(source="notebook") == ["SELECT 1"]
    assert texts(source="editor", status="succeeded", q="select") == [
        "select count(*) from users",
        "SELECT * FROM Sales",
    ]
    for bad in ({"status": "done"}, {"source": "cli"}, {"limit": "0"}, {"limit": "x"}):
        with pytest.raises(BadRequest):
            history.search(**bad)


def test_paging_with_before(tmp_path):
    history = QueryHistory(tmp_path / "h.jsonl")
    ids = [history.append(entry(f"SELECT {i}"))["id"] for i in range(7)]
    seen, before = [], None
    while True:
        page = history.search(limit=3, before=before)
        seen += [e["id"] for e in page["entries"]]
        before = page["next"]
        if before is None:
            break
    assert seen == ids[::-1]
    # A cursor whose entry was trimmed away: nothing is older than what remains.
    assert history.search(before="gone")["entries"] == []


def test_the_history_is_bounded_in_entries_and_bytes(tmp_path):
    history = QueryHistory(tmp_path / "h.jsonl", max_entries=50, max_bytes=1_000_000)
    for i in range(200):
        history.append(entry(f"SELECT {i}"))
    lines = (tmp_path / "h.jsonl").read_text().splitlines()
    assert len(lines) <= 50
    newest = [e["text"] for e in history.search(limit=500)["entries"]]
    assert newest == [f"SELECT {i}" for i in range(199, 199 - len(newest), -1)]

    small = QueryHistory(tmp_path / "s.jsonl", max_entries=10_000, max_bytes=20_000)
    for i in range(100):
        small.append(entry(f"SELECT '{'x' * 500}' AS c{i}"))
    assert (tmp_path / "s.jsonl").stat().st_size <= 20_000
    assert small.search()["entries"][0]["text"].endswith("AS c99")


def test_a_broken_line_is_skipped_and_long_text_is_cut(tmp_path):
    path = tmp_path / "h.jsonl"
    history = QueryHistory(path)
    history.append(entry("SELECT 1"))
    with open(path, "a") as f:
        f.write('{"id": "half", "te')  # a writer that died mid-line
        f.write("\n")
    history.append(entry("x" * 50_000))
    texts = [e["text"] for e in history.search()["entries"]]
    assert len(texts) == 2 and texts[1] == "SELECT 1"
    assert len(texts[0]) == 20_000
    assert history.search()["entries"][0]["text_truncated"] is True


def test_an_unwritable_history_never_raises(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    history = QueryHistory(blocker / "sql" / "history.jsonl")  # its folder cannot exist
    record_quietly(history, **{k: v for k, v in entry("SELECT 1").items() if k != "id"})


def _append_many(path, n, tag):
    history = QueryHistory(path)
    for i in range(n):
        history.append(entry(f"{tag} {i}"))


def test_processes_append_without_losing_or_mixing_lines(tmp_path):
    path = tmp_path / "h.jsonl"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(path, 40, f"p{i}")) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    lines = path.read_text().splitlines()
    assert len(lines) == 120
    assert all(json.loads(line)["id"] for line in lines)
