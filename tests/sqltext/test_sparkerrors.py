"""Error class, SQLSTATE, message and file position of a Spark error (shapes as pyspark's)."""

from __future__ import annotations

from jupyter_lakehouse.sqltext.sparkerrors import error_info, message, position


class Context:
    def __init__(self, start, stop):
        self._start, self._stop = start, stop

    def startIndex(self):  # pyspark's names
        return self._start

    def stopIndex(self):
        return self._stop


class FakeSparkError(Exception):
    """Only the getters pyspark's errors have; a fake to shape inputs, not to replace Spark."""

    def __init__(self, text, condition=None, sqlstate=None, contexts=()):
        super().__init__(text)
        self._condition, self._sqlstate, self._contexts = condition, sqlstate, list(contexts)

    def getCondition(self):
        return self._condition

    def getSqlState(self):
        return self._sqlstate

    def getQueryContext(self):
        return self._contexts


def test_query_context_positions_map_to_the_file():
    text = "SELECT 1;\nSELECT a,\n       nope FROM t"
    statement = "SELECT a,\n       nope FROM t"
    offset = text.index(statement)
    start = statement.index("nope")
    e = FakeSparkError(
        "[UNRESOLVED_COLUMN] no `nope`. SQLSTATE: 42703; line 2 pos 7;\n'Project\n",
        "UNRESOLVED_COLUMN",
        "42703",
        [Context(start, start + 3)],
    )
    info = error_info(e, statement, text, offset, origin=(20, 4))
    assert info["message"] == "no `nope`."
    assert (info["error_class"], info["sqlstate"]) == ("UNRESOLVED_COLUMN", "42703")
    assert (info["line"], info["column"], info["end_line"], info["end_column"]) == (22, 8, 22, 12)


def test_a_context_at_index_zero_counts():
    e = FakeSparkError("[X] bad", "X", None, [Context(0, 4)])
    assert position(e, "SELEC 1") == (0, 4)
    assert error_info(e, "SELEC 1")["column"] == 1


def test_parser_positions_come_from_the_message():
    statement = "SELECT id,\n  FROM range(3)"
    e = FakeSparkError(
        "[PARSE_SYNTAX_ERROR] Syntax error at or near '('. SQLSTATE: 42601 (line 2, pos 12)",
        "PARSE_SYNTAX_ERROR",
        "42601",
    )
    assert message(e) == "Syntax error at or near '('."
    start = statement.index("(")
    assert position(e, statement) == (start, start + 2)  # "(3)": the token up to a blank
    info = error_info(e, statement)
    assert (info["line"], info["column"]) == (2, 13)


def test_no_position_is_none():
    e = FakeSparkError("[X] something", "X", None)
    info = error_info(e, "SELECT 1")
    assert info["line"] is None and info["column"] is None
    e = FakeSparkError("[X] bad (line 9, pos 1)", "X", None)
    assert position(e, "SELECT 1") is None  # a line the statement does not have
