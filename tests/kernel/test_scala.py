"""`%scala` in real kernels on the test session's real cluster: one Scala JVM for the module
(plus one more for the shutdown test), stopped with its kernel."""

import contextlib
import os
import re
import signal
import stat
import time
from pathlib import Path

import psutil
import pytest

from jupyter_lakehouse.kernel.errors import NotebookError
from jupyter_lakehouse.kernel.scala.jvm import JvmError
from jupyter_lakehouse.kernel.scala.magics import (
    _exception_lines,
    _line_offset,
    _start_repl,
)
from jupyter_lakehouse.resulttable import TABLE_MIME, decode_arrow

from .kernel_client import Kernel

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# About two minutes of work in two tasks: long enough to interrupt, cheap for the CPU (it sleeps).
SLOW_QUERY = (
    "spark.range(0, 240, 1, 2).selectExpr("
    "\"reflect('java.lang.Thread', 'sleep', cast(500 as bigint))\").collect()"
)
JVM_PID = "print(get_ipython()._jupyter_lakehouse.scala_magics.repl.jvm.pid)"
WORKDIR = "print(get_ipython()._jupyter_lakehouse.scala_magics.repl.workdir)"

# Starting a JVM and the Scala compiler on two shared cores takes a while.
pytestmark = pytest.mark.timeout(600)


def _gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
            return True
        time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def kernels(cluster_home, cluster_manager):
    started: list[Kernel] = []
    pids: list[int] = []

    def start():
        kernel = Kernel(env={**os.environ, "LAKEHOUSE_HOME": str(cluster_home)})
        started.append(kernel)
        return kernel

    start.pids = pids
    yield start
    for kernel in started:
        with contextlib.suppress(Exception):
            kernel.shutdown()
    # No JVM outlives the tests, whatever happened in them.
    for pid in pids:
        if not _gone(pid, 15):
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()


@pytest.fixture(scope="module")
def kernel(kernels, cluster_manager):
    cluster_manager.ensure_running("local", timeout=150)
    kernel = kernels()
    out = kernel.run("%scala\n1 + 1", timeout=300)
    assert out.error is None, error_text(out)
    assert "Starting Scala (first use)" in out.text
    assert "res0: Int = 2" in out.text
    kernels.pids.append(int(kernel.run(JVM_PID).text))
    return kernel


def error_text(result) -> str:
    return ANSI.sub("", "\n".join(result.error["traceback"])) if result.error else ""


def rows(payload) -> list[list]:
    return [list(r.values()) for r in decode_arrow(payload).to_pylist()]


def scala(kernel: Kernel, code: str, timeout: float = 120):
    return kernel.run(f"%scala\n{code}", timeout=timeout)


# -- in a kernel ------------------------------------------------------------------------------


def test_values_and_println(kernel):
    out = scala(kernel, 'println("hello from scala")\nval answer = 41 + 1\nanswer * 2')
    assert out.error is None, error_text(out)
    assert out.text.startswith("hello from scala\n")
    assert "answer: Int = 42" in out.text and re.search(r"res\d+: Int = 84", out.text)
    assert "Starting Scala" not in out.text  # one JVM per kernel, started once
    assert scala(kernel, "answer").text.strip().endswith("= 42")  # definitions persist
    out = kernel.run('%scala println(s"one line: ${answer + 1}")')
    assert out.text == "one line: 43\n", out.text  # `$`/`{}` are Scala's, not IPython's


def test_temp_views_are_shared_with_python_and_sql(kernel):
    kernel.run("spark.range(4).createOrReplaceTempView('made_in_python')")
    out = scala(kernel, 'spark.table("made_in_python").count()')
    assert re.search(r"res\d+: Long = 4", out.text), error_text(out) or out.text
    out = scala(
        kernel, 'spark.range(3).selectExpr("id * 10 AS v").createOrReplaceTempView("made_in_scala")'
    )
    assert out.error is None, error_text(out)
    assert kernel.run("print(spark.table('made_in_scala').count())").text.strip() == "3"
    out = kernel.run("%sql SELECT sum(v) AS total FROM made_in_scala")
    assert rows(out.data(TABLE_MIME)[0]) == [[30]]


def test_closures_case_classes_and_udfs_run_on_the_cluster(kernel):
    out = scala(kernel, "spark.range(5).map(_ * 2).collect()")
    assert "Array(0, 2, 4, 6, 8)" in out.text, error_text(out) or out.text
    # A case class used in the cell that defines it.
    out = scala(kernel, "case class P(a: Int); Seq(P(1), P(2)).toDS().map(p => p.a + 1).collect()")
    assert "Array(2, 3)" in out.text, error_text(out) or out.text
    out = scala(
        kernel, 'val plus = udf((x: Long) => x + 1)\nspark.range(3).select(plus($"id")).collect()'
    )
    assert "Array([1], [2], [3])" in out.text, error_text(out) or out.text
    # A closure using a value of an earlier cell, next to a Dataset (which cannot travel).
    scala(kernel, "val df = spark.range(10)\nval n = df.count()")
    out = scala(kernel, "df.filter(_ > n - 3).map(_ + n).collect()")
    assert "Array(18, 19)" in out.text, error_text(out) or out.text


def test_a_dataset_value_is_shown_in_the_grid(kernel):
    out = scala(kernel, 'spark.range(3).selectExpr("id", "id * 2 AS twice")')
    (table,) = out.data(TABLE_MIME)
    assert rows(table) == [[0, 0], [1, 2], [2, 4]]
    assert [f["type"] for f in table["schema"]["fields"]] == ["bigint", "bigint"]
    assert "org.apache.spark.sql" in out.text  # the REPL's `resN: Dataset[...]` line as well
    out = scala(kernel, 'case class Q(name: String, n: Int)\ndisplay(Seq(Q("a", 1)).toDS())')
    assert rows(out.data(TABLE_MIME)[0]) == [["a", 1]], error_text(out)
    # A definition is not an expression: no Spark job, no grid.
    out = scala(kernel, "val later = spark.range(1000000)")
    assert out.data(TABLE_MIME) == [] and "later: org.apache.spark.sql" in out.text
    # The views that carried the grids are gone.
    views = kernel.run("print([t.name for t in spark.catalog.listTables()])").text
    assert "_lakehouse_scala_" not in views


def test_compile_error_has_the_cells_line_and_column(kernel):
    out = kernel.run('%scala\nval a = 1\nval b: Int = "x"')
    text = error_text(out)
    assert "Scala compile error (line 3, column 14): type mismatch" in text, text
    assert '   3 | val b: Int = "x"' in text
    assert "\n" + " " * 20 + "^" in text  # under the string
    assert "at scala.tools" not in text and "Traceback" not in text
    # Code on the magic's own line counts as line 1.
    text = error_text(kernel.run("%scala nope"))
    assert "(line 1, column 1): not found: value nope" in text, text


def test_runtime_errors_are_short(kernel):
    text = error_text(scala(kernel, "1 / 0"))
    assert text == "ArithmeticException: / by zero", text
    text = error_text(scala(kernel, 'spark.table("no_such_table").count()'))
    assert "AnalysisException [TABLE_OR_VIEW_NOT_FOUND]" in text and "SQLSTATE: 42P01" in text
    assert "at org.apache" not in text and len(text.splitlines()) <= 8, text
    text = error_text(scala(kernel, "spark.range(3).map(x => 1 / (x - x)).collect()"))
    assert text.startswith("SparkException") and "/ by zero" in text, text
    assert "\tat " not in text and len(text.splitlines()) <= 9, text


def test_incomplete_input_is_an_error_not_a_hang(kernel):
    began = time.monotonic()
    text = error_text(scala(kernel, "def f(x: Int) = {\n  x + 1", timeout=60))
    assert "incomplete" in text, text
    assert time.monotonic() - began < 30
    assert "res" in scala(kernel, "1 + 1").text  # and the REPL carries on


@pytest.mark.parametrize(
    "code",
    ['println("started"); Thread.sleep(60000)', f'println("started"); {SLOW_QUERY}'],
    ids=["sleep", "spark-job"],
)
def test_interrupt_stops_the_cell_and_the_repl_carries_on(kernel, code):
    running = kernel.start(f"%scala\n{code}")
    kernel.wait(running, timeout=120, until=lambda r: "started" in r.text)
    began = time.monotonic()
    kernel.interrupt()
    result = kernel.wait(running, timeout=60)
    assert time.monotonic() - began < 10
    assert "Interrupted" in error_text(result), error_text(result)
    out = scala(kernel, "40 + 2")
    assert re.search(r"res\d+: Int = 42", out.text), error_text(out) or out.text
    # The cluster is idle again: the job was cancelled, not left running.
    assert kernel.run("print(spark.range(3).count())").text.strip() == "3"


def test_the_jvm_stops_when_its_kernel_is_killed(kernels, cluster_manager):
    cluster_manager.ensure_running("local", timeout=150)
    kernel = kernels()
    assert scala(kernel, "1", timeout=300).error is None
    pid = int(kernel.run(JVM_PID).text)
    kernels.pids.append(pid)
    workdir = Path(kernel.run(WORKDIR).text.strip())
    assert psutil.pid_exists(pid) and (workdir / "classes").is_dir()
    os.kill(kernel.manager.provisioner.process.pid, signal.SIGKILL)  # no atexit, no unload
    assert _gone(pid, 20), "the Scala JVM outlived its kernel"
    assert not workdir.exists()  # its class files and log went with it


# -- without a kernel -------------------------------------------------------------------------


def _fake_java(tmp_path, script: str) -> str:
    home = tmp_path / "jdk"
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text("#!/bin/sh\n" + script)
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    return str(home)


def test_without_a_usable_java_the_message_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("JAVA_HOME", _fake_java(tmp_path, "echo 'java version \"1.8.0_392\"' >&2\n"))
    with pytest.raises(NotebookError) as caught:
        _start_repl("sc://127.0.0.1:1/;session_id=x", "")
    assert "needs Java" in caught.value.message and "17" in caught.value.message


def test_a_jvm_that_fails_to_start_is_reported(tmp_path, monkeypatch):
    script = (
        'case "$1" in -version) echo \'openjdk version "17.0.9"\' >&2; exit 0;; esac\n'
        "echo 'Error: could not reserve enough space for object heap' >&2\nexit 1\n"
    )
    monkeypatch.setenv("JAVA_HOME", _fake_java(tmp_path, script))
    with pytest.raises(JvmError) as caught:
        _start_repl("sc://127.0.0.1:1/;session_id=x", "")
    assert "JVM exited" in caught.value.message
    assert "could not reserve enough space" in caught.value.message


def test_line_offset_follows_the_magic_line():
    assert _line_offset("%scala\nval x = 1\nx", "val x = 1\nx") == 1
    assert _line_offset("%scala val x = 1\nx", "val x = 1\nx") == 0
    assert _line_offset("\n\n%%scala\n1 + 1", "1 + 1") == 3
    assert _line_offset("y = 2\n%scala 1 + 1", "1 + 1") == 1
    assert _line_offset(None, "1") == 0


def test_spark_exceptions_keep_class_condition_and_sqlstate():
    lines = _exception_lines(
        {
            "class": "org.apache.spark.sql.AnalysisException",
            "message": "[TABLE_OR_VIEW_NOT_FOUND] The table `t` cannot be found. SQLSTATE: 42P01",
            "condition": "TABLE_OR_VIEW_NOT_FOUND",
            "sqlstate": "42P01",
            "causes": [],
        }
    )
    text = [ANSI.sub("", line) for line in lines]
    assert text == [
        "AnalysisException [TABLE_OR_VIEW_NOT_FOUND] The table `t` cannot be found.",
        "SQLSTATE: 42P01",
    ]


def test_temp_views_are_shared_by_all_four_languages(kernel):
    """The issue's sharing matrix, in one notebook: Python → SQL, Scala, R; Scala → Python, R;
    R → SQL, Scala."""
    kernel.run("spark.range(3).createOrReplaceTempView('share_py')")
    assert rows(kernel.run("%sql SELECT count(*) FROM share_py").data(TABLE_MIME)[0]) == [[3]]
    assert "= 3" in scala(kernel, 'spark.table("share_py").count()').text
    assert kernel.run("%r\ncat(nrow(sql('SELECT * FROM share_py')))").text.strip().endswith("3")

    scala(kernel, 'spark.range(5).toDF("v").createOrReplaceTempView("share_scala")')
    assert kernel.run("print(spark.table('share_scala').count())").text.strip() == "5"
    assert kernel.run("%r\ncat(nrow(table('share_scala')))").text.strip().endswith("5")

    out = kernel.run("%r\ncreateOrReplaceTempView(data.frame(w = c(1, 2, 3, 4)), 'share_r')")
    assert out.error is None, error_text(out)
    assert rows(kernel.run("%sql SELECT sum(w) FROM share_r").data(TABLE_MIME)[0]) == [[10.0]]
    assert "= 4" in scala(kernel, 'spark.table("share_r").count()').text
