"""The `dbutils` object of a notebook: the same modules and calls as on Databricks."""

from __future__ import annotations

from .fs import FileSystem
from .notebook import NotebookWorkflow
from .secrets import Secrets
from .unsupported import LIBRARY, Unsupported
from .widgets import Widgets


class DBUtils:
    def __init__(
        self, fs: FileSystem, widgets: Widgets, notebook: NotebookWorkflow, secrets: Secrets
    ) -> None:
        self.fs = fs
        self.widgets = widgets
        self.notebook = notebook
        self.secrets = secrets
        self.library = LIBRARY
        self.jobs = Unsupported(
            "dbutils.jobs", "pass values between notebooks with dbutils.notebook.exit/run"
        )
        self.credentials = Unsupported(
            "dbutils.credentials",
            "put credentials in the cluster's Spark settings or in dbutils.secrets",
        )
        self.data = Unsupported("dbutils.data", "use display(df) and df.summary()")

    def help(self) -> None:
        print(
            "dbutils here: fs, widgets, notebook, secrets (as on Databricks); library, jobs, "
            "credentials and data exist only on Databricks."
        )

    def __repr__(self) -> str:
        return "<dbutils: fs, widgets, notebook, secrets>"
