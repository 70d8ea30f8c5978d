"""Names are data: quoting, parsing and validation of catalog, schema, table and column names."""

from __future__ import annotations

import pytest

from jupyter_lakehouse.services.catalog.names import (
    MAX_NAME,
    check_name,
    display_name,
    parse_table_name,
    quote,
    split_name,
    sql_name,
    string_literal,
    unquote_namespace,
)
from jupyter_lakehouse.services.errors import BadRequest

HOSTILE = [
    "a b",
    "a.b",
    "a`b",
    "``",
    "it's",
    'say "hi"',
    "ünïcødé 表",
    "x`; DROP TABLE t; --",
    "a" * 1000,
    "-- comment",
    "`",
    ".",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_quote_round_trips(name):
    assert split_name(quote(name)) == [name]
    three = display_name("cat", name, name)
    assert parse_table_name(three) == ("cat", name, name)
    assert parse_table_name(sql_name("cat", name, name)) == ("cat", name, name)


def test_quote_doubles_backticks():
    assert quote("a`b") == "`a``b`"
    assert sql_name("c", "s", "t") == "`c`.`s`.`t`"
    assert display_name("spark_catalog", "default", "t1") == "spark_catalog.default.t1"
    assert display_name("c", "1abc", "a b") == "c.`1abc`.`a b`"


def test_string_literal_escapes():
    assert string_literal("it's") == "'it\\'s'"
    assert string_literal("a\\b") == "'a\\\\b'"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a.b",
        "a.b.c.d",
        "a..c",
        "`a.b.c",
        "a.b`c`.d",
        "a.`b`c.d",
        "a.b." + "x" * (MAX_NAME + 1),
        "a.b.c\x00",
        "a.b.line\nbreak",
    ],
)
def test_bad_table_names_are_400(text):
    with pytest.raises(BadRequest):
        parse_table_name(text)


def test_check_name():
    assert check_name("x" * MAX_NAME) == "x" * MAX_NAME
    for bad in ("", None, 3, "x" * (MAX_NAME + 1), "tab\there", "\x7f"):
        with pytest.raises(BadRequest):
            check_name(bad)


def test_unquote_namespace():
    assert unquote_namespace("default") == "default"
    assert unquote_namespace("`we``ird. sch€ma`") == "we`ird. sch€ma"
