"""A Livy statement (kind + code) as the cell its session's kernel runs.

- `pyspark`: the code itself, except sparkmagic's JSON-rows loop (below).
- `spark`: a `%%scala` cell: the kernel's Scala REPL on the same Spark session.
- `sql`: Livy's SQL interpreter through the kernel's `_lakehouse_livy.sql`.

sparkmagic reads SQL results (`%%spark -c sql`, `SQLQuery`, `-o var`) by sending, for pyspark,
`for <MARKER> in <df>.toJSON(use_unicode=…)[.sample(False, f)].take(n)|.collect(): print(<MARKER>)`.
Spark Connect's `DataFrame.toJSON()` takes no argument and returns a DataFrame, so that loop
fails on our engine; it is recognised (by syntax tree, not text) and run natively instead.
So is `%%send_to_spark -t df` (`sparkContext.parallelize`, which Spark Connect does not have).
"""

from __future__ import annotations

import ast
import textwrap

from ...kernel.livy import HELPER_NAME

KINDS = ("pyspark", "spark", "sql")
# sparkmagic's loop variable (sparkmagic.utils.constants.LONG_RANDOM_VARIABLE_NAME).
MARKER = "yQeKOYBsFgLWWGWZJu3y"
# Livy's SQLInterpreter takes this many rows (livy.rsc.sql.num-rows).
SQL_MAX_ROWS = 1000


def cell_for(kind: str, code: str, sql_max_rows: int = SQL_MAX_ROWS) -> str:
    if kind == "spark":
        return f"%%scala\n{code}"
    if kind == "sql":
        return f"{HELPER_NAME}.sql({code!r}, {int(sql_max_rows)})"
    return sparkmagic_rows(code) or sparkmagic_send(code) or code


def setup_cell(cluster: str, label: str, conf: dict[str, str]) -> str:
    # repr: a Python literal of any text (JSON would split non-BMP characters in two).
    args = ", ".join(repr(v) for v in (cluster, label, dict(conf)))
    return (
        f"__import__('jupyter_lakehouse.kernel.livy', fromlist=['install'])"
        f".install(get_ipython()).setup({args})"
    )


def sparkmagic_rows(code: str) -> str | None:
    """sparkmagic's JSON-rows loop rewritten to `_lakehouse_livy.json_rows(df, …)`, or None."""
    if MARKER not in code:
        return None
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    changed = False
    for index, node in enumerate(tree.body):
        call = _rows_call(node)
        if call is not None:
            tree.body[index] = ast.Expr(call)
            changed = True
    if not changed:
        return None
    return ast.unparse(ast.fix_missing_locations(tree))


def sparkmagic_send(code: str) -> str | None:
    """sparkmagic's `%%send_to_spark -t df` for pyspark, or None.

    It sends `rdd = spark.sparkContext.parallelize(json_array)` then
    `<name> = spark.read.json(rdd)`; Spark Connect has no SparkContext, so the pair becomes
    `<name> = _lakehouse_livy.json_frame(json_array)` (the records as a DataFrame).
    """
    if "sparkContext.parallelize" not in code:
        return None
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return None
    body = tree.body
    for index in range(len(body) - 1):
        first, second = body[index], body[index + 1]
        source = _assigned_call(first, "parallelize")
        read = _assigned_call(second, "json")
        if source is None or read is None or len(source.args) != 1 or len(read.args) != 1:
            continue
        rdd = first.targets[0]
        if not (
            isinstance(read.args[0], ast.Name)
            and isinstance(rdd, ast.Name)
            and read.args[0].id == rdd.id
            and ast.unparse(source.func.value) == "spark.sparkContext"
            and ast.unparse(read.func.value) == "spark.read"
        ):
            continue
        func = ast.Attribute(ast.Name(HELPER_NAME, ast.Load()), "json_frame", ast.Load())
        second.value = ast.Call(func, [source.args[0]], [])
        del body[index]
        return ast.unparse(ast.fix_missing_locations(tree))
    return None


def _assigned_call(node: ast.stmt, method: str) -> ast.Call | None:
    """The call of `target = receiver.method(...)`, or None."""
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr == method
    ):
        return node.value
    return None


def _rows_call(node: ast.stmt) -> ast.Call | None:
    if not (
        isinstance(node, ast.For)
        and isinstance(node.target, ast.Name)
        and node.target.id == MARKER
        and not node.orelse
        and len(node.body) == 1
        and _prints_marker(node.body[0])
    ):
        return None
    limit: ast.expr | None = None
    source = node.iter
    method = _method(source)
    if method is None or method[0] not in ("take", "collect"):
        return None
    name, receiver, args = method
    if name == "take":
        if len(args) != 1:
            return None
        limit = args[0]
    elif args:
        return None
    fraction: ast.expr | None = None
    method = _method(receiver)
    if method is not None and method[0] == "sample":
        _, receiver, args = method
        if len(args) != 2:
            return None
        fraction = args[1]
        method = _method(receiver)
    if method is None or method[0] != "toJSON":
        return None
    df = method[1]
    keywords = []
    if fraction is not None:
        keywords.append(ast.keyword("fraction", fraction))
    if limit is not None:
        keywords.append(ast.keyword("limit", limit))
    func = ast.Attribute(ast.Name(HELPER_NAME, ast.Load()), "json_rows", ast.Load())
    return ast.Call(func, [df], keywords)


def _method(node: ast.expr) -> tuple[str, ast.expr, list[ast.expr]] | None:
    """(name, receiver, positional args) of a call `receiver.name(args)`."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr, node.func.value, list(node.args)
    return None


def _prints_marker(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Name)
        and stmt.value.func.id == "print"
        and len(stmt.value.args) == 1
        and isinstance(stmt.value.args[0], ast.Name)
        and stmt.value.args[0].id == MARKER
    )
