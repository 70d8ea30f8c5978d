"""Import and export of Databricks notebook formats in the served folder. Plain Python.

paths.py    API paths -> files under the served root, refusing any that would leave it
service.py  DatabricksFormats, the facade the REST handlers call
"""

from .service import DatabricksFormats

__all__ = ["DatabricksFormats"]
