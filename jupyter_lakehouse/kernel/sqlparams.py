"""Named parameters in `%sql`: `:name` is bound to the Python variable `name`.

Values travel to Spark as query arguments (`spark.sql(q, args=…)`), never pasted into the
SQL text, so a value can't change the query's meaning. An ipywidgets control (or a Databricks
widget) stands for its current value.
"""

from __future__ import annotations

from typing import Any

from ..sqltext.params import parameter_names, statement_kind
from .errors import NotebookError

__all__ = ["bind", "parameter_names", "statement_kind"]


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
