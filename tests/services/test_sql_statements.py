"""The SQL editor's statement service on the test session's real cluster (local[2])."""

from __future__ import annotations

import time

import pytest

from jupyter_lakehouse.resulttable import TABLE_MIME, decode_arrow
from jupyter_lakehouse.services.errors import BadRequest, Conflict, NotFound
from jupyter_lakehouse.services.sql import QueryHistory, StatementService

pytestmark = pytest.mark.timeout(300)

# About a minute of work in two tasks that sleep (cheap for the CPU): long enough to cancel.
SLOW = (
    "SELECT count(s) AS n FROM (SELECT reflect('java.lang.Thread', 'sleep', "
    "cast(500 as bigint)) AS s FROM range(0, 240, 1, 2))"
)


@pytest.fixture
def history(tmp_path):
    return QueryHistory(tmp_path / "history.jsonl")


@pytest.fixture
def service(cluster_manager, local_cluster, history):
    svc = StatementService(cluster_manager, history)
    yield svc
    svc.close()


def wait(service, run_id, until=lambda r: r["state"] != "running", deadline=240.0):
    """Poll as the editor does until `until(run)`; the deadline only guards against a hang."""
    end = time.monotonic() + deadline
    while True:
        run = service.get(run_id)
        if until(run):
            return run
        if time.monotonic() > end:
            raise TimeoutError(f"statement {run_id} still {run['state']}: {run['progress']}")
        time.sleep(0.1)


def run(service, text, **body):
    started = service.submit("local", {"text": text, **body}, "ada")
    assert started["state"] == "running" and started["id"]
    return wait(service, started["id"])


def rows(result):
    return [list(r.values()) for r in decode_arrow(result["table"][TABLE_MIME]).to_pylist()]


def test_one_statement(service, history):
    done = run(service, "SELECT 41 + 1 AS answer, 'x' AS s", path="q/answer.sql")
    assert done["state"] == "succeeded" and done["error"] is None
    (result,) = done["results"]
    assert rows(result) == [[42, "x"]]
    assert result["rows"] == 1 and result["truncated"] is False
    fields = result["table"][TABLE_MIME]["schema"]["fields"]
    assert fields == [{"name": "answer", "type": "int"}, {"name": "s", "type": "string"}]
    assert "42" in result["table"]["text/plain"]
    assert done["progress"]["state"] == "done" and done["elapsed_ms"] >= result["elapsed_ms"]
    (entry,) = history.search()["entries"]
    assert entry["text"] == "SELECT 41 + 1 AS answer, 'x' AS s"
    assert (entry["user"], entry["cluster"], entry["source"], entry["path"]) == (
        "ada",
        "local",
        "editor",
        "q/answer.sql",
    )
    assert (entry["status"], entry["rows"], entry["error"]) == ("succeeded", 1, None)
    assert entry["statement_id"] == done["id"]


def test_several_statements_run_in_order(service, history):
    text = (
        "CREATE OR REPLACE TEMP VIEW sql_editor_v AS SELECT id FROM range(5);\n"
        "-- a comment; with a semicolon\n"
        "SELECT count(*) AS n FROM sql_editor_v;\n"
        "SELECT id FROM sql_editor_v WHERE id > 2 ORDER BY id"
    )
    done = run(service, text)
    assert done["state"] == "succeeded"
    first, second, third = done["results"]
    assert first["table"] is None and first["rows"] == 0 and first["kind"] == "CREATE OR REPLACE"
    assert rows(second) == [[5]]
    assert rows(third) == [[3], [4]]
    assert [r["statement_index"] for r in done["results"]] == [0, 1, 2]
    texts = [e["text"] for e in history.search()["entries"]]
    assert texts[0] == "SELECT id FROM sql_editor_v WHERE id > 2 ORDER BY id" and len(texts) == 3


def test_parameters_are_bound_not_pasted(service):
    done = run(
        service,
        "SELECT :n + 1 AS m, :name AS who, :flag AS f",
        parameters={"n": 41, "name": "x' OR '1'='1", "flag": True, "unused": 1},
    )
    assert done["state"] == "succeeded", done["error"]
    assert rows(done["results"][0]) == [[42, "x' OR '1'='1", True]]
    with pytest.raises(BadRequest) as err:
        service.submit("local", {"text": "SELECT :a; SELECT :b", "parameters": {"a": 1}})
    assert err.value.code == "missing_parameters" and err.value.detail == {"names": ["b"]}
    with pytest.raises(BadRequest):
        service.submit("local", {"text": "SELECT :a", "parameters": {"a": [1]}})


def test_a_syntax_error_has_its_file_line_and_column(service, history):
    text = "SELECT 1;\n\nSELECT id,\n  FROM range(3)"
    done = run(service, text, origin={"line": 10, "column": 5})
    assert done["state"] == "failed"
    assert len(done["results"]) == 1  # the first statement ran, the second failed
    error = done["error"]
    assert (error["error_class"], error["sqlstate"]) == ("PARSE_SYNTAX_ERROR", "42601")
    assert error["statement_index"] == 1
    # `(` on the text's 4th line ("  FROM range(3)", column 13), which is line 13 of the file.
    assert (error["line"], error["column"]) == (13, 13)
    assert "line" not in error["message"] and "SQLSTATE" not in error["message"]
    failed = history.search(status="failed")["entries"]
    assert failed[0]["error"]["error_class"] == "PARSE_SYNTAX_ERROR"
    assert failed[0]["text"] == "SELECT id,\n  FROM range(3)"

    # On the first line the origin's column shifts the column too.
    done = run(service, "SELEC 1", origin={"line": 3, "column": 7})
    assert (done["error"]["line"], done["error"]["column"]) == (3, 7)
    assert done["error"]["end_column"] == 12


def test_analysis_and_runtime_errors(service):
    done = run(service, "SELECT 1 AS a;\nSELECT *\n  FROM no_such_table_here")
    error = done["error"]
    assert (error["error_class"], error["sqlstate"]) == ("TABLE_OR_VIEW_NOT_FOUND", "42P01")
    assert (error["line"], error["column"]) == (3, 8)
    assert "JVM" not in error["message"]

    done = run(service, "SELECT id FROM range(3)\nWHERE id = 1 / 0")
    error = done["error"]
    assert (error["error_class"], error["sqlstate"]) == ("DIVIDE_BY_ZERO", "22012")
    assert (error["line"], error["column"], error["statement_index"]) == (2, 12, 0)


def test_the_row_limit(service):
    done = run(service, "SELECT id FROM range(100)", row_limit=10)
    (result,) = done["results"]
    assert result["rows"] == 10 and result["truncated"] is True
    assert rows(result) == [[i] for i in range(10)]
    for bad in (0, 10**9, "10", True):
        with pytest.raises(BadRequest):
            service.submit("local", {"text": "SELECT 1", "row_limit": bad})


def test_cancel_interrupts_exactly_its_statement(service, history):
    first = service.submit("local", {"text": SLOW}, "ada")
    second = service.submit("local", {"text": SLOW}, "ada")
    # Cancel once Spark reports tasks for it: then its job is surely running on the cluster.
    wait(service, first["id"], until=lambda r: r["progress"]["tasks_total"] > 0)
    canceling = service.cancel(first["id"])
    assert canceling["id"] == first["id"]
    done = wait(service, first["id"])
    assert done["state"] == "canceled" and done["error"] is None
    assert done["progress"]["state"] == "cancelled"
    assert service.get(second["id"])["state"] == "running"
    service.cancel(second["id"])
    assert wait(service, second["id"])["state"] == "canceled"
    statuses = [e["status"] for e in history.search()["entries"]]
    assert statuses == ["canceled", "canceled"]
    # Cancelling a finished run changes nothing.
    assert service.cancel(first["id"])["state"] == "canceled"


def test_bad_requests_and_unknown_things(service, cluster_manager):
    for body in ({}, {"text": ""}, {"text": 5}, {"text": " ;; "}, {"text": "x", "origin": {}}):
        with pytest.raises(BadRequest):
            service.submit("local", body)
    with pytest.raises(NotFound) as err:
        service.submit("no-such-cluster", {"text": "SELECT 1"})
    assert err.value.code == "cluster_not_found"
    with pytest.raises(NotFound):
        service.get("nope")
    with pytest.raises(NotFound):
        service.cancel("nope")


def test_finished_runs_are_kept_within_bounds(cluster_manager, local_cluster, history):
    service = StatementService(cluster_manager, history, max_kept=2)
    try:
        # Each waited for before the next: a submit prunes finished runs, so one that finished
        # while the others were still being submitted could already be gone.
        ids = []
        for i in range(3):
            ids.append(service.submit("local", {"text": f"SELECT {i}"})["id"])
            wait(service, ids[-1])
        service.submit("local", {"text": "SELECT 4"})  # pruning happens on submit
        with pytest.raises(NotFound):
            service.get(ids[0])
        assert service.get(ids[2])["state"] == "succeeded"
    finally:
        service.close()


def test_a_stopped_cluster_is_a_409_and_nothing_starts_it(tmp_path):
    from tests.fixtures.clusters import managed_home

    with managed_home(tmp_path / "home") as manager:
        service = StatementService(manager, QueryHistory(tmp_path / "h.jsonl"))
        try:
            with pytest.raises(Conflict) as err:
                service.submit("local", {"text": "SELECT 1"})
            assert err.value.code == "cluster_not_running"
            assert "run SQL" in err.value.message
            assert service.complete("local", "SEL", 3)["matches"][0]["label"] == "SELECT"
            assert manager.get("local", details=False).state != "running"
        finally:
            service.close()
