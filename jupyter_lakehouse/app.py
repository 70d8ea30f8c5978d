"""The Jupyter server extension: traits, services, routes, and shutdown."""

from __future__ import annotations

import os
from pathlib import Path

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Dict, Float, Int, Type, Unicode, default

from . import __version__
from .handlers import CATCH_ALL, ROUTES
from .services.catalog import CatalogService
from .services.clusters import ClusterManager
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

    @default("mlflow_tracking_uri")
    def _default_mlflow_tracking_uri(self) -> str:
        return os.environ.get("MLFLOW_TRACKING_URI", "")

    @default("home")
    def _default_home(self) -> str:
        env = os.environ.get("LAKEHOUSE_HOME")
        if env:
            return env
        return str(Path(self.serverapp.root_dir) / ".lakehouse")

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
        self.settings["lakehouse"] = self.services

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
        for service in self.services.values():
            close = getattr(service, "close", None)
            if callable(close):
                close()
