import re

from jupyter_lakehouse.kernel.sparkerrors import caret_lines, summary

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(lines):
    return [ANSI.sub("", line) for line in lines]


def test_caret_sits_under_the_failing_part():
    sql = "SELECT a,\n       nope\nFROM t"
    start = sql.index("nope")
    assert plain(caret_lines(sql, start, start + 3)) == [
        "   2 |        nope",
        "              ^^^^",
    ]


def test_caret_on_first_line_and_clipped_to_the_line():
    sql = "SELEC 1\nFROM t"
    assert plain(caret_lines(sql, 0, 40)) == ["   1 | SELEC 1", "       ^^^^^^^"]


def test_summary_drops_jvm_stack():
    err = ValueError("[X] bad thing SQLSTATE: 42000\n\nJVM stacktrace:\norg.apache...\n\tat ...")
    assert summary(err) == "[X] bad thing SQLSTATE: 42000"


def test_summary_drops_the_analyzed_plan():
    err = ValueError("[T] The table `x` cannot be found. SQLSTATE: 42P01;\n'Aggregate\n+- 'Rel")
    assert summary(err) == "[T] The table `x` cannot be found. SQLSTATE: 42P01"
