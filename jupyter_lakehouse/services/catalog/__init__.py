"""The catalog browser's service: listings, search, details, history and sample rows of the
tables of any cluster, and the actions on them. Plain Python.

    names.py     names as data: validation, backtick quoting, `catalog.schema.table` parsing
    spark.py     the service's own Spark Connect session per cluster; Spark errors mapped
    deltalog.py  details and history of a Delta table from its `_delta_log` (no Spark)
    index.py     the search index of table and column names, saved under the workspace home
    uploads.py   tables from uploaded CSV, JSON and Parquet files
    service.py   CatalogService, the facade the REST handlers call
"""

from .service import CatalogService

__all__ = ["CatalogService"]
