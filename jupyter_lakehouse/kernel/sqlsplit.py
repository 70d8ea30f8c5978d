"""Splitting a `%sql` cell into statements.

A `;` inside a string literal, a quoted identifier or a comment must not split, so the text is
cut at the semicolon tokens that sqlglot's Spark tokenizer finds rather than at every `;`.
"""

from __future__ import annotations

from sqlglot.dialects.spark import Spark
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType


def split_statements(text: str) -> list[str]:
    try:
        tokens = Spark().tokenize(text)
    except TokenError:
        # An unterminated string or comment: hand the text to Spark whole so that Spark's
        # parser reports the error with its own position.
        stripped = text.strip()
        return [stripped] if stripped else []
    statements, start = [], 0
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            statements.append(text[start : token.start])
            start = token.end + 1
    statements.append(text[start:])
    return [s.strip() for s in statements if s.strip()]
