"""Splitting SQL text into statements.

A `;` inside a string literal, a quoted identifier or a comment must not split, so the text is
cut at the semicolon tokens that sqlglot's Spark tokenizer finds rather than at every `;`.
Each statement keeps its offset in the text, so that a position Spark reports inside one
statement can be shown at the right place of the whole text (the editor's file).
"""

from __future__ import annotations

from typing import NamedTuple

from sqlglot.dialects.spark import Spark
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType


class Piece(NamedTuple):
    text: str  # the statement, stripped
    offset: int  # where it starts in the whole text


def _stripped(text: str, start: int, end: int) -> Piece | None:
    chunk = text[start:end]
    body = chunk.strip()
    if not body:
        return None
    return Piece(body, start + (len(chunk) - len(chunk.lstrip())))


def split_with_offsets(text: str) -> list[Piece]:
    try:
        tokens = Spark().tokenize(text)
    except TokenError:
        # An unterminated string or comment: hand the text to Spark whole so that Spark's
        # parser reports the error with its own position.
        piece = _stripped(text, 0, len(text))
        return [piece] if piece else []
    pieces, start = [], 0
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            pieces.append(_stripped(text, start, token.start))
            start = token.end + 1
    pieces.append(_stripped(text, start, len(text)))
    return [p for p in pieces if p is not None]


def split_statements(text: str) -> list[str]:
    return [piece.text for piece in split_with_offsets(text)]


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset into `text`."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
