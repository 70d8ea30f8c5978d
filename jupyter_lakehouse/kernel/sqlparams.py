"""Named parameters in `%sql`: `:name` is bound to the Python variable `name`.

Values travel to Spark as query arguments (`spark.sql(q, args=…)`), never pasted into the
SQL text, so a value can't change the query's meaning. An ipywidgets control (or a Databricks
widget) stands for its current value.
"""

from __future__ import annotations

from typing import Any

from sqlglot.dialects.spark import Spark
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

from .errors import NotebookError

# After these a `:` is Spark's JSON path operator (`raw:store.price`), not a parameter.
_ADJACENT_OPERANDS = {TokenType.VAR, TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.STRING}


def parameter_names(statement: str) -> list[str]:
    try:
        tokens = Spark().tokenize(statement)
    except TokenError:
        return []
    names: list[str] = []
    for i, token in enumerate(tokens[:-1]):
        if token.token_type != TokenType.COLON:
            continue
        name = tokens[i + 1]
        if name.start != token.end + 1 or not name.text.isidentifier():
            continue
        before = tokens[i - 1] if i else None
        adjacent = before is not None and before.end + 1 == token.start
        if adjacent and before.token_type in _ADJACENT_OPERANDS:
            continue
        if name.text not in names:
            names.append(name.text)
    return names


def _value(obj: Any) -> Any:
    # ipywidgets controls and dbutils widgets hold their value in `.value`.
    if hasattr(obj, "value") and type(obj).__module__.split(".")[0] in (
        "ipywidgets",
        "jupyter_lakehouse",
    ):
        return obj.value
    return obj


def bind(statement: str, namespace: dict) -> dict[str, Any]:
    """Arguments for the statement's `:name` parameters from the notebook's variables."""
    args = {}
    for name in parameter_names(statement):
        if name not in namespace:
            raise NotebookError(
                f"the query uses the parameter :{name}, but no Python variable {name!r} exists. "
                f"Set one first (for example {name} = 42), or write the value into the query.",
                title="Unbound SQL parameter",
            )
        args[name] = _value(namespace[name])
    return args


def statement_kind(statement: str) -> str:
    """The leading keywords ('CREATE TABLE', 'INSERT INTO'): what a statement without rows did."""
    try:
        tokens = Spark().tokenize(statement)
    except TokenError:
        return statement.split(None, 1)[0].upper() if statement.strip() else "statement"
    words = []
    for token in tokens[:3]:
        if token.token_type in (TokenType.VAR, TokenType.STRING, TokenType.NUMBER):
            break
        if token.text.isalpha():
            words.append(token.text.upper())
    return " ".join(words) or "statement"
