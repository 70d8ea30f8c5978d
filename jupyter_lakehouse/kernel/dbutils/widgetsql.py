"""Databricks' SQL widget statements in `%sql`: `CREATE WIDGET TEXT|DROPDOWN|COMBOBOX|MULTISELECT
name DEFAULT 'value' [CHOICES SELECT …]` and `REMOVE WIDGET name`, as SQL notebooks write them.
Spark has no such statements, so `%sql` hands them to `dbutils.widgets` instead."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .widgets import Widgets

_CREATE = re.compile(
    r"^\s*CREATE\s+WIDGET\s+(TEXT|DROPDOWN|COMBOBOX|MULTISELECT)\s+(\w+)\s+"
    r"DEFAULT\s+(?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\")"
    r"(?:\s+CHOICES\s+(.+?))?\s*;?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_REMOVE = re.compile(r"^\s*REMOVE\s+WIDGET\s+(\w+)\s*;?\s*$", re.IGNORECASE)


def run_widget_statement(statement: str, widgets: Widgets, query: Callable[[str], Any]) -> bool:
    """Carry out `statement` if it is a widget statement; False (nothing done) otherwise.

    `query(sql)` runs the CHOICES query and answers rows (their first column are the choices).
    """
    removal = _REMOVE.match(statement)
    if removal:
        widgets.remove(removal.group(1))
        return True
    match = _CREATE.match(statement)
    if not match:
        return False
    kind, name = match.group(1).lower(), match.group(2)
    default = match.group(3) if match.group(3) is not None else match.group(4)
    if kind == "text":
        widgets.text(name, default)
        return True
    choices_sql = match.group(5)
    choices = [str(row[0]) for row in query(choices_sql)] if choices_sql else [default]
    getattr(widgets, kind)(name, default, choices)
    return True
