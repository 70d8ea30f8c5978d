"""Named parameter markers in SQL text (`:name`) and the kind of a statement.

`:name` is a parameter unless it follows an operand directly (`raw:store.price` is Spark's JSON
path operator). Values always travel to Spark as query arguments (`spark.sql(q, args=…)`),
never pasted into the SQL text, so a value can't change the query's meaning.
"""

from __future__ import annotations

from sqlglot.dialects.spark import Spark
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

# After these a `:` is Spark's JSON path operator (`raw:store.price`), not a parameter.
_ADJACENT_OPERANDS = {TokenType.VAR, TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.STRING}


def parameter_names(statement: str) -> list[str]:
    """The statement's parameter names, in order of first use."""
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
