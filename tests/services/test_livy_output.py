"""IOPub messages (as ipykernel sends them) folded into Livy statement outputs."""

from __future__ import annotations

from jupyter_lakehouse.kernel.livy import SETUP_MIME, json_value
from jupyter_lakehouse.kernel.progress import PROGRESS_MIME
from jupyter_lakehouse.services.livy.output import Collected


def msg(kind: str, **content) -> dict:
    return {"msg_type": kind, "content": content}


def fold(*messages: dict) -> Collected:
    collected = Collected()
    for m in messages:
        collected.add(m)
    return collected


def test_printed_text_then_the_value():
    out = fold(
        msg("stream", name="stdout", text="a\n"),
        msg("stream", name="stderr", text="UserWarning: careful\n"),
        msg("execute_result", data={"text/plain": "2"}, execution_count=1),
    ).output(4)
    assert out == {"status": "ok", "execution_count": 4, "data": {"text/plain": "a\n2"}}


def test_stderr_goes_to_the_log_and_progress_and_setup_are_not_output():
    collected = fold(
        msg("stream", name="stderr", text="warn\n"),
        msg("display_data", data={PROGRESS_MIME: {"tasks_total": 4, "tasks_done": 1}}),
        msg("display_data", data={SETUP_MIME: {"session_id": "s"}}),
        msg("update_display_data", data={PROGRESS_MIME: {"tasks_total": 4, "tasks_done": 3}}),
    )
    assert collected.stderr == "warn\n" and collected.progress == 0.75
    assert collected.setup == {"session_id": "s"}
    assert collected.output(0)["data"] == {"text/plain": ""}


def test_rich_outputs_and_sql_json():
    table = {"schema": {"type": "struct", "fields": []}, "data": []}
    assert fold(msg("display_data", data={"application/json": table})).output(1)["data"] == {
        "application/json": table
    }
    out = fold(
        msg("stream", name="stdout", text="rows:"),
        msg(
            "display_data",
            data={
                "application/vnd.jupyter-lakehouse.table+json": {},
                "text/html": "<table></table>",
                "text/plain": "id\n0",
            },
        ),
    ).output(2)
    assert out["data"] == {"text/html": "<table></table>", "text/plain": "rows:\nid\n0"}


def test_errors_lose_their_colours():
    out = fold(
        msg("stream", name="stdout", text="before\n"),
        msg(
            "error",
            ename="ValueError",
            evalue="\x1b[0;31mboom\x1b[0m",
            traceback=["\x1b[0;31m----> 1\x1b[0m raise", "ValueError: boom"],
        ),
    ).output(3)
    assert out == {
        "status": "error",
        "execution_count": 3,
        "ename": "ValueError",
        "evalue": "boom",
        "traceback": ["----> 1 raise\n", "ValueError: boom\n"],
    }


def test_json_values():
    import datetime
    import decimal

    from pyspark.sql import Row

    assert json_value(decimal.Decimal("1.50")) == 1.5
    assert json_value(decimal.Decimal("3")) == 3
    assert json_value(datetime.date(2026, 1, 2)) == "2026-01-02"
    assert json_value(float("nan")) == "nan"
    assert json_value(b"\x00\x01") == "AAE="
    assert json_value(Row(a=1, b=Row(c=[1, 2]))) == {"a": 1, "b": {"c": [1, 2]}}
    assert json_value({1: (1, None)}) == {"1": [1, None]}
