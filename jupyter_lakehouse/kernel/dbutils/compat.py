"""Installs the Databricks compatibility layer into one kernel; state lives on this object,
which hangs on the kernel's KernelLakehouse (no module globals)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ...secrets import SecretStore, secrets_path
from .dbutils import DBUtils
from .environment import take_run_settings
from .fs import FileInfo, FileSystem
from .magics import DatabricksMagics
from .notebook import NotebookWorkflow
from .paths import DbfsPaths
from .redact import Redactor
from .secrets import Secrets
from .sparkpaths import map_dbfs
from .unsupported import SPARK_CONTEXT
from .widgets import Widgets
from .widgetsql import run_widget_statement

DBFS_DIR = "dbfs"
# Cluster kinds whose driver and executors run on this machine: dbfs:/ maps for Spark too.
SAME_DISK_KINDS = ("local", "standalone")
# IPython magics that ours replace, put back on uninstall.
REPLACED = (("line", "run"), ("line", "sh"), ("cell", "sh"))


class DatabricksCompat:
    def __init__(self, lakehouse: Any) -> None:
        self.lakehouse = lakehouse
        self.shell = lakehouse.shell
        # Databricks resolves notebook paths from the notebook's folder: the kernel starts there.
        self.base_dir = Path(os.getcwd())
        home = lakehouse.session.home
        self.paths = DbfsPaths(home / DBFS_DIR)
        self.redactor = Redactor()
        self.dbutils = DBUtils(
            fs=FileSystem(self.paths),
            widgets=Widgets(show=lakehouse.display, changed=self._widgets_changed),
            notebook=NotebookWorkflow(lakehouse.session, self.base_dir),
            secrets=Secrets(SecretStore(secrets_path(home)), self.redactor),
        )
        self._replaced: dict[tuple[str, str], Any] = {}
        self.magics: DatabricksMagics | None = None

    def install(self) -> None:
        cluster, arguments = take_run_settings()
        if cluster is not None:  # started by dbutils.notebook.run: attach where the caller is
            self.lakehouse.session.attach(cluster, os.environ.get("JPY_SESSION_NAME"))
        self.dbutils.widgets.arguments.update(arguments)
        self._replaced = {key: self._ipython_magic(*key) for key in REPLACED}
        self.magics = DatabricksMagics(self.shell, self, self._replaced[("line", "run")])
        self.shell.register_magics(self.magics)
        self.shell.push({"dbutils": self.dbutils})
        if "sc" not in self.shell.user_ns:
            self.shell.push({"sc": SPARK_CONTEXT})
        self.redactor.install(self.shell)
        self.lakehouse.session.on_connect.append(self._map_dbfs)

    def _ipython_magic(self, kind: str, name: str) -> Any:
        """IPython's own magic, imported now: IPython 9 registers some (`%run`) lazily, and a
        lazy entry resolved after ours is registered would find ours instead."""
        manager = self.shell.magics_manager
        if hasattr(manager, "find"):
            return manager.find(kind, name)
        return manager.magics[kind].get(name)

    def uninstall(self) -> None:
        self.redactor.uninstall()
        session = self.lakehouse.session
        if self._map_dbfs in session.on_connect:
            session.on_connect.remove(self._map_dbfs)
        registered = self.shell.magics_manager.magics
        for (kind, name), previous in self._replaced.items():
            if previous is None:
                registered[kind].pop(name, None)
            else:
                registered[kind][name] = previous
        for name in ("dbutils", "sc"):
            self.shell.user_ns.pop(name, None)

    def _map_dbfs(self, spark: Any) -> None:
        """Spark reads and writes dbfs:/ paths in the workspace's dbfs/ folder (sparkpaths.py),
        on clusters whose executors share this machine's disk (local, standalone) only."""
        session = self.lakehouse.session
        try:
            local = session.manager().profile(session.cluster_name).kind in SAME_DISK_KINDS
        except Exception:
            local = False  # unknown: better no mapping than a folder on another machine
        if not local:
            return
        try:
            map_dbfs(spark, self.paths.root)
        except Exception as e:  # the session works without it; say what does not
            print(f"dbfs:/ paths are not available to Spark in this session: {e}")

    def use_widget_bar(self) -> None:
        """The frontend draws widgets above the notebook: stop drawing them under cells."""
        self.dbutils.widgets.in_bar = True

    def widgets_message(self) -> dict:
        return {"action": "widgets", "widgets": self.dbutils.widgets.models()}

    def _widgets_changed(self) -> None:
        message = self.widgets_message()
        for comm in list(self.lakehouse.comms):
            # A frontend that went away must not make creating a widget fail.
            with contextlib.suppress(Exception):
                comm.send(message)

    def widget_statement(self, statement: str, spark: Any) -> bool:
        """Run `CREATE WIDGET …` / `REMOVE WIDGET …` from `%sql`; False for any other SQL."""
        return run_widget_statement(
            statement, self.dbutils.widgets, lambda sql: spark.sql(sql).collect()
        )

    def sql_text(self, text: str) -> str:
        """`%sql` text with Databricks' legacy `${name}` widget references filled in."""
        return self.dbutils.widgets.substitute(text)

    def sql_parameters(self) -> dict[str, str]:
        """Widget values that `:name` binds when no Python variable of that name exists."""
        return self.dbutils.widgets.getAll()

    def show_files(self, files: list[FileInfo]) -> None:
        """`%fs ls`: the listing as a table, as Databricks shows it."""
        frame = pd.DataFrame(files, columns=list(FileInfo._fields))
        self.lakehouse.display(frame)
