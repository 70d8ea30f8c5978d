"""Databricks notebooks run unchanged (issue 12, kernel side): `dbutils`, `%run` of notebooks,
`%sh`, `%fs`, widgets, secrets, and clear messages for what only Databricks has."""

from .compat import DatabricksCompat
from .dbutils import DBUtils

__all__ = ["DBUtils", "DatabricksCompat"]
