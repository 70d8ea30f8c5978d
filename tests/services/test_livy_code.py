"""Livy statements as kernel cells, checked against the code sparkmagic itself generates."""

from __future__ import annotations

import ast

import pytest

from jupyter_lakehouse.services.errors import BadRequest
from jupyter_lakehouse.services.livy.code import MARKER, cell_for, setup_cell, sparkmagic_rows
from jupyter_lakehouse.services.livy.requests import paging, session_spec, statement_request
from tests.handlers.livy_client import configure


@pytest.fixture(autouse=True)
def _sparkmagic_config():
    configure({})


def _call(cell: str) -> ast.Call:
    """The one json_rows call of a rewritten cell."""
    calls = [
        node
        for node in ast.walk(ast.parse(cell))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "json_rows"
    ]
    assert len(calls) == 1, cell
    return calls[0]


def test_sparkmagic_sql_query_runs_natively():
    from sparkmagic.livyclientlib.sqlquery import SQLQuery

    sent = SQLQuery('SELECT "a""b" AS x', samplemethod="take", maxrows=10)
    code = sent.to_command("pyspark", "spark").code
    assert MARKER in code and "toJSON(use_unicode" in code
    cell = cell_for("pyspark", code)
    assert MARKER not in cell and "toJSON" not in cell
    call = _call(cell)
    query = call.args[0]
    assert ast.unparse(query.func) == "spark.sql"
    assert ast.literal_eval(query.args[0]) == 'SELECT "a""b" AS x '  # sparkmagic adds the blank
    assert {k.arg: ast.literal_eval(k.value) for k in call.keywords} == {"limit": 10}


def test_sample_and_collect_forms_and_store_command():
    from sparkmagic.livyclientlib.sparkstorecommand import SparkStoreCommand
    from sparkmagic.livyclientlib.sqlquery import SQLQuery

    sampled = SQLQuery("SELECT 1", samplemethod="sample", samplefraction=0.25, maxrows=-1)
    call = _call(cell_for("pyspark", sampled.to_command("pyspark", "spark").code))
    assert {k.arg: ast.literal_eval(k.value) for k in call.keywords} == {"fraction": 0.25}

    stored = SparkStoreCommand("my_df", samplemethod="take", maxrows=7)
    call = _call(cell_for("pyspark", stored.to_command("pyspark", "my_df").code))
    assert ast.unparse(call.args[0]) == "my_df"
    assert {k.arg: ast.literal_eval(k.value) for k in call.keywords} == {"limit": 7}


def test_send_to_spark_builds_a_frame_from_the_records():
    import pandas as pd
    from sparkmagic.livyclientlib.sendpandasdftosparkcommand import SendPandasDfToSparkCommand

    frame = pd.DataFrame({"b": [1, 2], "a": ["x", "y"]})
    sent = SendPandasDfToSparkCommand("local_df", frame, "remote_df", 10)
    code = sent.to_command("pyspark", "local_df", frame, "remote_df").code
    assert "sparkContext.parallelize" in code
    cell = cell_for("pyspark", code)
    assert "sparkContext" not in cell and "spark.read.json" not in cell
    assert "remote_df = _lakehouse_livy.json_frame(json_array)" in cell
    namespace: dict = {}
    exec(cell.replace("_lakehouse_livy.json_frame", "list"), namespace)  # the records, as sent
    assert namespace["remote_df"] == [{"b": 1, "a": "x"}, {"b": 2, "a": "y"}]


def test_other_code_is_left_alone():
    for code in (
        "1 + 1",
        f"{MARKER} = 3\nprint({MARKER})",  # the marker, but not sparkmagic's loop
        f"for {MARKER} in rows: print({MARKER}, 1)",
        "for x in (",  # not Python at all
    ):
        assert sparkmagic_rows(code) is None
        assert cell_for("pyspark", code) == code


def test_scala_sql_and_setup_cells():
    assert cell_for("spark", 'println("hi")') == '%%scala\nprintln("hi")'
    cell = cell_for("sql", "SELECT '😀' AS \"x\"\n", 5)
    call = ast.parse(cell).body[0].value
    assert [ast.literal_eval(a) for a in call.args] == ["SELECT '😀' AS \"x\"\n", 5]
    setup = ast.parse(setup_cell("local", "livy-session-3", {"a": "b'c"}))
    args = setup.body[0].value.args
    assert [ast.literal_eval(a) for a in args] == ["local", "livy-session-3", {"a": "b'c"}]


def test_session_requests():
    spec = session_spec(
        {
            "kind": "pyspark",
            "conf": {"spark.lakehouse.cluster": "big", "spark.sql.shuffle.partitions": 4},
            "driverMemory": "1g",
            "executorCores": 2,
            "heartbeatTimeoutInSecond": 60,
        },
        "ann",
    )
    assert (spec.kind, spec.cluster, spec.owner, spec.heartbeat_timeout) == (
        "pyspark",
        "big",
        "ann",
        60.0,
    )
    assert spec.conf == {"spark.sql.shuffle.partitions": "4"}
    assert spec.ignored == ["driverMemory", "executorCores"]
    assert session_spec({}, None).kind == "shared"
    assert session_spec({"cluster": "x", "kind": "sql"}, None).cluster == "x"
    assert session_spec({"kind": "spark"}, None).cluster == "local"
    for bad in (
        {"kind": "sparkr"},
        {"kind": "cobol"},
        {"kind": "pyspark", "proxyUser": "bob"},
        {"kind": "pyspark", "nonsense": 1},
        {"conf": "x"},
        {"conf": {"a": [1]}},
        {"cluster": "a", "conf": {"spark.lakehouse.cluster": "b"}},
        {"heartbeatTimeoutInSecond": -1},
        {"name": ""},
    ):
        with pytest.raises(BadRequest):
            session_spec(bad, None)


def test_statement_requests_and_paging():
    assert statement_request({"code": "1"}, "pyspark") == ("1", "pyspark")
    assert statement_request({"code": "1", "kind": "sql"}, "pyspark") == ("1", "sql")
    for body, kind in (({"code": 1}, "pyspark"), ({"code": "1"}, "shared"), ({}, "sql")):
        with pytest.raises(BadRequest):
            statement_request(body, kind)
    assert paging(None, None, 100) == (None, 100)
    assert paging("2", "3", None) == (2, 3)
    for args in (("x", None), (None, "-1")):
        with pytest.raises(BadRequest):
            paging(*args, None)
