"""`%r` cells in real kernels on the test session's real cluster: R through rpy2, the SparkR-like
API on the notebook's own session, output, plots, errors, interrupts, and a kernel without R."""

import base64
import json
import os
import re
import time

import pytest

from jupyter_lakehouse.kernel.progress import PROGRESS_MIME
from jupyter_lakehouse.resulttable import TABLE_MIME, decode_arrow

from .kernel_client import Kernel

ANSI = re.compile(r"\x1b\[[0-9;]*m")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# About a minute of sleeping tasks on two cores: long enough to interrupt, cheap for the CPU.
SLOW_QUERY = (
    "SELECT count(*) FROM range(0, 240, 1, 2) "
    "WHERE reflect('java.lang.Thread', 'sleep', CAST(500 AS BIGINT)) IS NULL"
)

pytestmark = pytest.mark.timeout(300)

# A data.frame with every type whose conversion matters, with NA in each column and a NaN.
R_TYPES = """
df <- data.frame(
  k = 1:3,
  f = factor(c("a", "b", NA)),
  day = as.Date(c("2024-01-02", NA, "1969-12-31")),
  ts = as.POSIXct(c("2024-01-02 03:04:05", NA, "1969-12-31 23:59:59"), tz = "UTC"),
  l = c(TRUE, NA, FALSE),
  i = c(1L, NA, -3L),
  n = c(1.5, NA, NaN),
  s = c("x", NA, "z\u00e9"),
  stringsAsFactors = FALSE
)
"""


@pytest.fixture(scope="module")
def kernel(cluster_home, cluster_manager):
    cluster_manager.ensure_running("local", timeout=150)
    kernel = Kernel(env={**os.environ, "LAKEHOUSE_HOME": str(cluster_home)})
    yield kernel
    kernel.shutdown()


def error_text(result):
    return ANSI.sub("", "\n".join(result.error["traceback"]))


def streams(result):
    """The cell's stream outputs as [(name, text)], consecutive writes to one stream joined."""
    joined = []
    for output in result.outputs:
        if output["type"] != "stream":
            continue
        name, text = output["content"]["name"], output["content"]["text"]
        if joined and joined[-1][0] == name:
            joined[-1] = (name, joined[-1][1] + text)
        else:
            joined.append((name, text))
    return joined


def run_r(kernel, code, timeout=120):
    out = kernel.run("%r\n" + code, timeout=timeout)
    assert out.error is None, error_text(out)
    return out


def r_json(kernel, code, expression):
    """Run R `code`, then return the value of R `expression` (through jsonlite)."""
    out = run_r(
        kernel,
        f'{code}\ncat("<<", jsonlite::toJSON({expression}, auto_unbox = TRUE, digits = NA), ">>")',
    )
    return json.loads(out.text.split("<<", 1)[1].rsplit(">>", 1)[0])


def test_r_starts_with_a_short_line_and_prints_like_the_console(kernel):
    out = run_r(kernel, "x <- c(a = 1L, b = 2L)\nx\ninvisible(3)\ny <- 4")
    text = out.text
    if text.startswith("Starting R"):  # the kernel's first %r cell (unless run alone with -k)
        text = text.split("\n", 1)[1]
    assert text == "a b \n1 2 \n"
    assert "Starting R" not in run_r(kernel, "1").text
    # A first line `%r` and `%%r` are the same cell; `%r` is a line magic in a Python cell.
    assert kernel.run("%%r\ncat(x[['b']])").text == "2"
    assert kernel.run("z = 1\n%r cat(x[['a']] + 10)").text == "11"


def test_sql_returns_a_data_frame_with_r_types(kernel):
    query = (
        "SELECT id AS k, CAST(id AS INT) AS i, id * 10 AS big, id * 1.5 AS d, "
        "CAST(id AS STRING) AS s, id % 2 = 0 AS b, "
        "DATE_ADD(DATE'2024-01-01', CAST(id AS INT)) AS day, "
        "TIMESTAMP'2024-01-02T03:04:05Z' + make_interval(0, 0, 0, 0, 0, 0, id) AS ts, "
        "CAST(id AS DECIMAL(10, 2)) AS dec FROM range(2) "
        "UNION ALL SELECT 2, NULL, NULL, CAST('NaN' AS DOUBLE), NULL, NULL, NULL, NULL, NULL "
        "UNION ALL SELECT 3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL ORDER BY k"
    )
    got = r_json(
        kernel,
        f'df <- sql("{query}")',
        """list(
          class = lapply(df, function(x) class(x)[[1]]),
          na = lapply(df, function(x) which(is.na(x))),
          nan = which(is.nan(df$d)),
          i = df$i[1:2], big = df$big[1:2], d = df$d[1:2], s = df$s[1:2], b = df$b[1:2],
          day = format(df$day[1:2]),
          ts = as.numeric(df$ts[1:2]), dec = df$dec[1:2], rows = nrow(df)
        )""",
    )
    assert got["class"] == {
        "k": "numeric",  # bigint is numeric, as in SparkR
        "i": "integer",
        "big": "numeric",
        "d": "numeric",
        "s": "character",
        "b": "logical",
        "day": "Date",
        "ts": "POSIXct",
        "dec": "numeric",
    }
    assert got["rows"] == 4
    nullable = ("i", "big", "d", "s", "b", "day", "ts", "dec")
    assert got["na"] == {"k": [], **{c: [3, 4] for c in nullable}}
    assert got["nan"] == 3  # Spark's NaN is NaN, its null is NA
    assert got["i"] == [0, 1] and got["big"] == [0, 10] and got["d"] == [0, 1.5]
    assert got["s"] == ["0", "1"] and got["b"] == [True, False]
    assert got["day"] == ["2024-01-01", "2024-01-02"]
    assert got["ts"] == [1704164645, 1704164646] and got["dec"] == [0, 1]


def test_table_reads_a_view_made_in_python(kernel):
    out = kernel.run(
        "spark.createDataFrame([(1, 'one'), (2, None)], 'n INT, word STRING')"
        ".createOrReplaceTempView('py_view')"
    )
    assert out.error is None, error_text(out)
    got = r_json(
        kernel,
        't <- table("py_view")\nname <- "py_view"\nt2 <- tableToDF(name)',
        "list(n = t$n, word = t$word, classes = unname(sapply(t, class)), same = identical(t, t2))",
    )
    assert got == {"n": [1, 2], "word": ["one", None], "classes": ["integer", "character"]} | {
        "same": True
    }
    # Every other call of table() is still base::table, which stays reachable by its full name.
    out = run_r(kernel, 'v <- c("a", "b", "a")\ntable(v)\nprint(base::table(v)[["a"]])')
    assert "v\na b \n2 1 \n" in out.text and "[1] 2" in out.text


def test_view_made_in_r_is_read_by_sql_python_and_r(kernel):
    run_r(kernel, R_TYPES + 'createOrReplaceTempView(df, "r_types")')
    out = kernel.run("%sql SELECT * FROM r_types ORDER BY k")
    (payload,) = out.data(TABLE_MIME)
    types = [f["type"] for f in payload["schema"]["fields"]]
    assert types == ["int", "string", "date", "timestamp", "boolean", "int", "double", "string"]
    rows = decode_arrow(payload).to_pylist()
    assert rows[0]["f"] == "a" and str(rows[0]["day"]) == "2024-01-02" and rows[0]["l"] is True
    assert all(rows[1][c] is None for c in ("day", "ts", "l", "i", "n", "s")), rows[1]
    assert rows[2]["s"] == "z\u00e9" and rows[2]["i"] == -3 and rows[2]["f"] is None
    out = kernel.run(
        "print(spark.table('r_types').count())\n"
        "print([tuple(r) for r in spark.sql('SELECT k, isnan(n), n IS NULL, CAST(ts AS BIGINT), "
        "CAST(day AS STRING) FROM r_types ORDER BY k').collect()])"
    )
    assert out.error is None, error_text(out)
    count, rows = out.text.strip().splitlines()
    assert count == "3"
    assert rows == (
        "[(1, False, False, 1704164645, '2024-01-02'), (2, False, True, None, None), "
        "(3, True, False, -1, '1969-12-31')]"
    )
    # And back into R: every column equal to the original (a factor comes back as character).
    got = r_json(
        kernel,
        'back <- sql("SELECT * FROM r_types ORDER BY k")',
        """lapply(setNames(names(df), names(df)), function(c) {
          want <- if (is.factor(df[[c]])) as.character(df[[c]]) else df[[c]]
          identical(back[[c]], want)
        })""",
    )
    assert got == {c: True for c in ("k", "f", "day", "ts", "l", "i", "n", "s")}, got


def test_sql_is_capped_at_the_row_limit_with_a_warning(kernel):
    out = run_r(kernel, 'big <- sql("SELECT id FROM range(20)", max_rows = 5)\ncat(nrow(big))')
    assert ("stdout", "5") in streams(out)
    assert "only the first 5 were fetched" in out.text
    out = run_r(kernel, 'cat(nrow(sql("SELECT id FROM range(12000)")))')
    assert "10000" in out.text and "only the first 10000" in out.text
    out = run_r(kernel, 'cat(nrow(sql("SELECT id FROM range(12000)", max_rows = Inf)))')
    assert out.text.strip().endswith("12000") and "fetched" not in out.text


def test_display_shows_the_grid(kernel):
    out = run_r(kernel, R_TYPES + "display(df)")
    (payload,) = out.data(TABLE_MIME)
    types = [f["type"] for f in payload["schema"]["fields"]]
    assert types == [
        "integer", "factor", "Date", "POSIXct", "logical", "integer", "numeric", "character"
    ]  # fmt: skip
    assert payload["total_rows"] == 3 and payload["truncated"] is False
    rows = decode_arrow(payload).to_pylist()
    assert [r["i"] for r in rows] == [1, None, -3]
    assert [r["l"] for r in rows] == [True, None, False]
    assert rows[0]["f"] == "a" and rows[2]["f"] is None
    assert rows[1]["n"] is None and rows[2]["n"] != rows[2]["n"]  # NA is null, NaN is NaN
    out = run_r(kernel, "display(data.frame(x = seq_len(10005)))")
    (payload,) = out.data(TABLE_MIME)
    assert payload["row_count"] == 10000 and payload["total_rows"] == 10005
    assert payload["truncated"] is True


def test_printed_output_comes_in_order_on_its_streams(kernel):
    out = run_r(
        kernel,
        'print("one")\nmessage("two")\ncat("three\\n")\nwarning("four")\n'
        'f <- function() warning("five")\nf()\n6',
    )
    assert streams(out) == [
        ("stdout", '[1] "one"\n'),
        ("stderr", "two\n"),
        ("stdout", "three\n"),
        ("stderr", "Warning message:\nfour\nWarning message:\nIn f() : five\n"),
        ("stdout", "[1] 6\n"),
    ]


def test_base_plot_and_ggplot_give_png_images(kernel):
    out = run_r(
        kernel,
        "plot(1:10)\n"
        "library(ggplot2)\n"
        "ggplot(data.frame(x = 1:3, y = c(2, 1, 3)), aes(x, y)) + geom_line()\n"
        "p <- ggplot(data.frame(x = 1:3), aes(x)) + geom_histogram(bins = 3)\n"
        'cat("drawn\\n")',
    )
    images = out.data("image/png")
    assert len(images) == 2  # the ggplot kept in `p` is not printed, so not drawn
    for image in images:
        assert base64.b64decode(image).startswith(PNG_MAGIC)
    # Nothing is left open: the next cell draws nothing unless it plots.
    assert run_r(kernel, "cat(length(dev.list()))").data("image/png") == []
    assert len(run_r(kernel, "print(p)").data("image/png")) == 1


def test_r_error_is_one_short_message(kernel):
    out = kernel.run('%r\nf <- function() stop("boom")\ncat("before\\n")\nf()\ncat("after\\n")')
    assert out.text == "before\n"
    assert out.error["ename"] == "RError"
    assert error_text(out) == "Error in f() : boom"
    out = kernel.run('%r\nsql("SELECT nope FROM range(1)")')
    text = error_text(out)
    assert text.startswith('Error in sql("SELECT nope FROM range(1)") :')
    assert "UNRESOLVED_COLUMN" in text and "SQLSTATE: 42703" in text
    assert "Traceback" not in text and "JVM stacktrace" not in text
    out = kernel.run("%r\n1 +\n")
    assert error_text(out).startswith("Error: ") and "unexpected end of input" in error_text(out)
    # quit() would end the kernel: it says what to do instead. R carries on.
    assert "restart the kernel instead" in error_text(kernel.run("%r\nq()"))
    assert run_r(kernel, "cat(1 + 1)").text == "2"


def test_interrupt_stops_r_and_keeps_its_state(kernel):
    running = kernel.start('%r\nkept <- 42\ncat("sleeping\\n")\nSys.sleep(60)\ncat("woke\\n")')
    kernel.wait(running, timeout=60, until=lambda r: "sleeping" in r.text)
    interrupted_at = time.monotonic()
    kernel.interrupt()
    out = kernel.wait(running, timeout=30)
    assert time.monotonic() - interrupted_at < 10
    assert "KeyboardInterrupt" in error_text(out) and "woke" not in out.text
    assert run_r(kernel, "cat(kept)").text == "42"
    # While R waits for Spark (sql()), the interrupt stops the Spark call and then the cell.
    running = kernel.start(f'%r\nslow <- sql("{SLOW_QUERY}")\ncat("finished\\n")')
    kernel.wait(running, timeout=60, until=lambda r: r.data(PROGRESS_MIME))
    interrupted_at = time.monotonic()
    kernel.interrupt()
    out = kernel.wait(running, timeout=30)
    assert time.monotonic() - interrupted_at < 10
    assert "KeyboardInterrupt" in error_text(out) and "finished" not in out.text
    assert run_r(kernel, 'cat(exists("slow"), kept)').text == "FALSE 42"


def test_without_r_the_cell_says_how_to_install_it(tmp_path):
    # rpy2 opens $R_HOME/lib/libR.so when imported: an empty R_HOME is an R that is not there.
    empty = tmp_path / "no-r"
    empty.mkdir()
    kernel = Kernel(env={**os.environ, "R_HOME": str(empty), "LAKEHOUSE_HOME": str(tmp_path)})
    try:
        out = kernel.run("%r\n1 + 1")
        text = error_text(out)
        assert "R is not available" in text and "apt-get install r-base-core" in text, text
        assert "Traceback" not in text and len(text.splitlines()) == 1
        # Python cells are unaffected.
        assert kernel.run("print(1 + 1)").text == "2\n"
    finally:
        kernel.shutdown()
