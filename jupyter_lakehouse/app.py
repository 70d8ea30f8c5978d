"""The Jupyter server extension: traits, services, routes, and shutdown."""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Dict, Float, Int, Type, Unicode, default

from . import __version__
from .collaboration import flush_pending_saves, place_state_under_home, wait_for_saves
from .handlers import CATCH_ALL, ROUTES
from .handlers.pools import BackendPools
from .services.catalog import CatalogService
from .services.clusters import ClusterManager
from .services.clusters.livysessions import LivySessions
from .services.databricks import DatabricksFormats
from .services.livy import LivyService
from .services.mlflow import MLflowService
from .services.serving import ServingService
from .services.sql import QueryHistory, StatementService, history_path


class LakehouseApp(ExtensionApp):
    name = "jupyter_lakehouse"
    description = "A lakehouse workspace: clusters, catalog, experiments and models."
    version = __version__

    # The frontend is a prebuilt labextension; this app serves only the REST API.
    load_other_extensions = True

    home = Unicode(
        "",
        config=True,
        help=(
            "The workspace home: cluster state, metastore, warehouse, MLflow store. "
            "Defaults to $LAKEHOUSE_HOME, else .lakehouse/ in the server's root directory."
        ),
    )

    cluster_manager_class = Type(
        default_value=ClusterManager,
        klass=ClusterManager,
        config=True,
        help="The cluster service (start, stop and watch Spark Connect servers).",
    )

    cluster_idle_timeout = Int(
        60,
        config=True,
        help=(
            "Minutes without Spark work or notebook activity before a cluster stops itself, "
            "for profiles that set no idle timeout of their own. 0 means never."
        ),
    )

    cluster_start_timeout = Float(
        180.0,
        config=True,
        help="Seconds a cluster may take to start before it is stopped and marked as failed.",
    )

    delta_jars = Unicode(
        "",
        config=True,
        help=(
            "A folder with the delta-spark_2.13 and delta-storage jars, for clusters whose "
            "profile names none. Without jars (here, in the Ivy or Maven caches, or from a "
            "reachable Maven Central) clusters use the offline Delta engine on delta-rs. "
            "Defaults to $LAKEHOUSE_DELTA_JARS."
        ),
    )

    catalog_service_class = Type(
        default_value=CatalogService,
        klass=CatalogService,
        config=True,
        help="The catalog service (listings, search, details, history and samples of tables).",
    )

    catalog_session_conf = Dict(
        {},
        config=True,
        help=(
            "Spark conf set on the catalog browser's own Spark session (runtime conf only), "
            "e.g. spark.sql.catalog.<name>.* for a catalog only the browser should see."
        ),
    )

    catalog_index = Bool(
        True,
        config=True,
        help=(
            "Describe tables in the background (at a bounded rate) so that search finds "
            "column names; table names are indexed either way."
        ),
    )

    catalog_upload_max_bytes = Int(
        100 * 1024 * 1024,
        config=True,
        help="The largest file the catalog browser accepts to create a table from.",
    )

    sql_service_class = Type(
        default_value=StatementService,
        klass=StatementService,
        config=True,
        help="The SQL editor's statement service (runs, polls and cancels statements).",
    )

    sql_history_max_entries = Int(
        5000,
        config=True,
        help="Query history entries kept in the workspace home; the oldest go first.",
    )

    sql_history_max_bytes = Int(
        5 * 1024 * 1024,
        config=True,
        help="The largest the query history file may grow before its oldest entries go.",
    )

    serving_service_class = Type(
        default_value=ServingService,
        klass=ServingService,
        config=True,
        help="The serving service (MLflow model servers for registered model versions).",
    )

    serving_start_timeout = Float(
        180.0,
        config=True,
        help="Seconds a model server may take to answer /ping before it is stopped as failed.",
    )

    serving_stop_on_shutdown = Bool(
        False,
        config=True,
        help=(
            "Stop every model endpoint when the Jupyter server stops. By default endpoints "
            "outlive it, like clusters, and the next server finds them again."
        ),
    )

    mlflow_service_class = Type(
        default_value=MLflowService,
        klass=MLflowService,
        config=True,
        help="The MLflow service (the tracking server, experiments, runs and model registry).",
    )

    mlflow_tracking_uri = Unicode(
        "",
        config=True,
        help=(
            "An existing MLflow tracking server (or store URI) to use instead of the embedded "
            "one. Defaults to $MLFLOW_TRACKING_URI; empty starts the embedded server, with its "
            "SQLite store and artifacts under the workspace home."
        ),
    )

    mlflow_autostart = Bool(
        True,
        config=True,
        help=(
            "Start the embedded MLflow tracking server in the background when the Jupyter "
            "server starts; otherwise on first need."
        ),
    )

    mlflow_stop_on_shutdown = Bool(
        True,
        config=True,
        help=(
            "Stop the embedded MLflow tracking server when the Jupyter server stops (everything "
            "it holds is in its SQLite store, and it restarts on the same port in seconds). "
            "False leaves it running for kernels and scripts, like clusters; a restarted "
            "Jupyter server finds a running one again either way."
        ),
    )

    databricks_notebooks = Bool(
        True,
        config=True,
        help=(
            "Open Databricks source files (.py/.sql/.scala/.r starting with 'Databricks "
            "notebook source') as notebooks and save them back in that format, by giving the "
            "server's contents manager a Databricks mixin."
        ),
    )

    livy_service_class = Type(
        default_value=LivyService,
        klass=LivyService,
        config=True,
        help=(
            "The Livy-compatible API at {base_url}lakehouse/livy/ (sessions are headless "
            "lakehouse kernels on a cluster)."
        ),
    )

    livy_max_sessions = Int(
        8,
        config=True,
        help="Livy sessions (each a kernel) that may exist at once; creating one more is a 400.",
    )

    livy_max_statements = Int(
        500,
        config=True,
        help="Statements kept per Livy session; the oldest finished ones go first.",
    )

    livy_idle_timeout = Float(
        60.0,
        config=True,
        help="Minutes a Livy session may stay idle before it is deleted; 0 means never.",
    )

    @default("mlflow_tracking_uri")
    def _default_mlflow_tracking_uri(self) -> str:
        return os.environ.get("MLFLOW_TRACKING_URI", "")

    @default("home")
    def _default_home(self) -> str:
        env = os.environ.get("LAKEHOUSE_HOME")
        if env:
            return env
        return str(Path(self.serverapp.root_dir) / ".lakehouse")

    def _link_jupyter_server_extension(self, serverapp) -> None:
        super()._link_jupyter_server_extension(serverapp)
        # Extensions link in name order: jupyter_server_fileid and jupyter_server_ydoc link
        # after this one and take their config from the server's, state paths included.
        place_state_under_home(serverapp.config, Path(self.home).expanduser().resolve())

    def initialize_settings(self) -> None:
        home = Path(self.home).expanduser().resolve()
        home.mkdir(parents=True, exist_ok=True)
        self.log.info("jupyter-lakehouse %s: workspace home %s", __version__, home)
        # Kernels inherit the server's environment: this is how they find the same clusters.
        os.environ["LAKEHOUSE_HOME"] = str(home)
        if self.delta_jars:
            # Kernels start clusters too, and must pick the same Delta engine.
            os.environ["LAKEHOUSE_DELTA_JARS"] = self.delta_jars
        # Services are built once here and shared by every handler through settings.
        self.services: dict = {"home": home}
        # The monitor thread auto-terminates idle clusters; close() stops it, not the clusters.
        self.services["clusters"] = self.cluster_manager_class(
            home,
            idle_timeout_minutes=self.cluster_idle_timeout,
            start_timeout=self.cluster_start_timeout,
            monitor=True,
            delta_jars=self.delta_jars or None,
        )
        # Livy sessions of `livy` clusters (issue 10): calls the profile's URL, never a request's.
        self.services["livy_sessions"] = LivySessions(self.services["clusters"])
        self.services["catalog"] = self.catalog_service_class(
            home,
            self.services["clusters"],
            session_conf=dict(self.catalog_session_conf),
            index=self.catalog_index,
            upload_max_bytes=self.catalog_upload_max_bytes,
        )
        self.services["sql_history"] = QueryHistory(
            history_path(home),
            max_entries=self.sql_history_max_entries,
            max_bytes=self.sql_history_max_bytes,
        )
        self.services["sql"] = self.sql_service_class(
            self.services["clusters"],
            self.services["sql_history"],
            catalog=self.services["catalog"],
        )
        self.services["serving"] = self.serving_service_class(
            home,
            self._serving_tracking_uri,
            start_timeout=self.serving_start_timeout,
            stop_on_shutdown=self.serving_stop_on_shutdown,
        )
        self._initialize_mlflow(home)
        self.services["livy"] = self.livy_service_class(
            home,
            self.services["clusters"],
            max_sessions=self.livy_max_sessions,
            max_statements=self.livy_max_statements,
            idle_timeout_minutes=self.livy_idle_timeout,
            cwd=self.serverapp.root_dir,
        )
        self._initialize_databricks()
        self.settings["lakehouse"] = self.services
        self.settings["lakehouse_pools"] = self.pools = BackendPools()

    def _initialize_databricks(self) -> None:
        # Imported here: the contents module needs tornado, the services never do.
        from .contents import enable_databricks_notebooks

        if self.databricks_notebooks:
            enable_databricks_notebooks(self.serverapp.contents_manager)
        self.services["databricks"] = DatabricksFormats(self.serverapp.root_dir)

    def _initialize_mlflow(self, home: Path) -> None:
        mlflow = self.mlflow_service_class(
            home,
            tracking_uri=self.mlflow_tracking_uri or None,
            root_dir=self.serverapp.root_dir,
            stop_on_shutdown=self.mlflow_stop_on_shutdown,
        )
        self.services["mlflow"] = mlflow
        # Other services (serving) ask this one where MLflow is.
        self.settings["lakehouse_mlflow"] = mlflow
        # Kernels inherit the server's environment: mlflow.start_run() in a notebook lands in
        # the store the panels show. The embedded server's port is chosen (and recorded) now,
        # so the URI is right even for kernels that start before the server answers.
        os.environ["MLFLOW_TRACKING_URI"] = mlflow.tracking_uri
        if self.mlflow_autostart:
            # Once the server's loop runs: a server that exits before serving (as root without
            # --allow-root, a port taken) never stops its extensions, and left the tracking
            # server it had started running (issue 11).
            io_loop = getattr(self.serverapp, "io_loop", None)
            if io_loop is not None:
                io_loop.add_callback(mlflow.start_background)
            else:
                mlflow.start_background()

    def _serving_tracking_uri(self) -> str | None:
        # Asked at each use: the MLflow service (settings key `lakehouse_mlflow`) may pick or
        # start its tracking server after this app is initialized. Without it, the service
        # falls back to $MLFLOW_TRACKING_URI.
        mlflow = self.settings.get("lakehouse_mlflow")
        if mlflow is None and self.serverapp is not None and self.serverapp.web_app is not None:
            mlflow = self.serverapp.web_app.settings.get("lakehouse_mlflow")
        ensure_ready = getattr(mlflow, "ensure_ready", None)
        if callable(ensure_ready):
            # The embedded tracking server starts on first need; serving is a need.
            ensure_ready()
        return getattr(mlflow, "tracking_uri", None)

    def initialize_handlers(self) -> None:
        self.handlers.extend(ROUTES)
        self.handlers.extend(CATCH_ALL)

    async def stop_extension(self) -> None:
        # First, before this coroutine yields: jupyter_server_ydoc stops at the same time and
        # cancels its rooms' pending saves (see collaboration.py). Saved before the services
        # close, since some closes block the event loop for seconds (stopping MLflow).
        await wait_for_saves(flush_pending_saves(self.serverapp, self.log), self.log)
        if getattr(self, "pools", None) is not None:
            self.pools.shutdown()
        for service in self.services.values():
            close = getattr(service, "close", None)
            if callable(close):
                close()
