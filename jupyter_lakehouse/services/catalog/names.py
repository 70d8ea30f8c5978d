"""Names are data: validated, quoted with backticks whenever they reach SQL, never pasted raw.

Spark's identifiers are quoted with backticks, an embedded backtick doubled. Every catalog,
schema, table and column name this package sends to Spark goes through `quote`, whatever it
looks like: names with spaces, quotes, backticks, dots, unicode or a thousand characters are
legal in some catalogs (temp views, JDBC catalogs) and must neither break a statement nor
change its meaning.

A table travels in a URL as `{catalog}.{schema}.{table}`, each part backtick-quoted when it
needs to be (the same syntax Spark reads), so `a.b.c` and `` a.`b.c`.d `` are both clear.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import BadRequest

# Far above anything a metastore accepts (Hive: 128, Derby: 128), low enough to keep statements
# and URLs sane. A name over it is refused before it reaches Spark.
MAX_NAME = 2000
# Names Spark prints without quotes (and Hive's SHOW TABLES patterns match literally).
PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SAFE_PATTERN = re.compile(r"^[A-Za-z0-9_]+$")


def check_name(name: object, what: str = "name") -> str:
    """A catalog, schema, table or column name, or a 400 saying what is wrong with it."""
    if not isinstance(name, str) or name == "":
        raise BadRequest(f"The {what} must be a non-empty string.", code="invalid_name")
    if len(name) > MAX_NAME:
        raise BadRequest(
            f"The {what} is {len(name)} characters long; at most {MAX_NAME} are accepted.",
            code="invalid_name",
        )
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in name):
        raise BadRequest(
            f"The {what} contains control characters, which no catalog accepts.",
            code="invalid_name",
        )
    return name


def quote(name: str) -> str:
    """`name` as a Spark SQL identifier: always backtick-quoted, backticks doubled."""
    return "`" + name.replace("`", "``") + "`"


def quote_if_needed(name: str) -> str:
    """As Spark prints names: plain ones bare, the others quoted."""
    return name if PLAIN.match(name) else quote(name)


def sql_name(*parts: str) -> str:
    """A multi-part name for SQL, every part quoted."""
    return ".".join(quote(p) for p in parts)


def display_name(*parts: str) -> str:
    """A multi-part name as a person (and Spark's parser) reads it: quoted only where needed."""
    return ".".join(quote_if_needed(p) for p in parts)


def string_literal(text: str) -> str:
    """A Spark SQL string literal (backslash escapes are on by default)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def split_name(text: str) -> list[str]:
    """Parse a dotted multi-part name, backtick-quoted parts included (`a.`b.c`.d`)."""
    parts: list[str] = []
    i, n = 0, len(text)
    while True:
        if i < n and text[i] == "`":
            j, buf = i + 1, []
            while True:
                k = text.find("`", j)
                if k < 0:
                    raise BadRequest(
                        "A quoted name part has no closing backtick.", code="invalid_name"
                    )
                buf.append(text[j:k])
                if k + 1 < n and text[k + 1] == "`":
                    buf.append("`")
                    j = k + 2
                    continue
                i = k + 1
                break
            parts.append("".join(buf))
        else:
            k = text.find(".", i)
            k = n if k < 0 else k
            part = text[i:k]
            if "`" in part:
                raise BadRequest(
                    "A name part with a backtick must be quoted (`like``this`).",
                    code="invalid_name",
                )
            parts.append(part)
            i = k
        if i == n:
            return parts
        if text[i] != ".":
            raise BadRequest(
                "Name parts are separated by dots; quote a part that contains one.",
                code="invalid_name",
            )
        i += 1


def parse_table_name(text: str) -> tuple[str, str, str]:
    """`catalog.schema.table` (parts quoted as needed) as three validated names."""
    if not isinstance(text, str) or not text:
        raise BadRequest("The table name is empty.", code="invalid_name")
    if len(text) > 3 * (MAX_NAME + 2) + 2:
        raise BadRequest("The table name is too long.", code="invalid_name")
    parts = split_name(text)
    if len(parts) != 3:
        raise BadRequest(
            f"A table is named catalog.schema.table (quote parts that contain dots with "
            f"backticks); {text[:200]!r} has {len(parts)} part{'s' if len(parts) != 1 else ''}.",
            code="invalid_name",
        )
    catalog, schema, table = parts
    return (
        check_name(catalog, "catalog name"),
        check_name(schema, "schema name"),
        check_name(table, "table name"),
    )


def unquote_namespace(text: str) -> str:
    """A one-part namespace as Spark prints it (quoted when needed) back to the name."""
    if text.startswith("`") and text.endswith("`") and len(text) >= 2:
        try:
            parts = split_name(text)
        except BadRequest:
            return text
        if len(parts) == 1:
            return parts[0]
    return text
