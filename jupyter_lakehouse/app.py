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
        self.settings["lakehouse"] = self.services

    def initialize_handlers(self) -> None:
        self.handlers.extend(ROUTES)
        self.handlers.extend(CATCH_ALL)

    async def stop_extension(self) -> None:
        for service in self.services.values():
            close = getattr(service, "close", None)
            if callable(close):
                close()
