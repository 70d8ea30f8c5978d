"""HTTP handlers: parse, validate, call a service, serialize. Nothing else."""

from .base import NotFoundHandler
from .cancel import ClusterCancelHandler
from .catalog import catalog_routes
from .clusters import cluster_routes
from .databricks import databricks_routes
from .livy import livy_routes
from .livysessions import livy_session_routes
from .mlflow import mlflow_routes
from .mlflowui import mlflowui_routes
from .openapi import OpenAPIHandler
from .serving import serving_routes
from .sparkui import sparkui_routes
from .sql import sql_routes
from .version import VersionHandler

API = r"/lakehouse/api"

# (pattern, handler) pairs, mounted under the server's base_url by LakehouseApp. Later areas
# append their own routes here; the catch-all 404 stays last.
ROUTES = [
    (rf"{API}/version", VersionHandler),
    (rf"{API}/openapi\.json", OpenAPIHandler),
    (rf"{API}/clusters/(?P<name>[^/]+)/cancel", ClusterCancelHandler),
    *cluster_routes(API),
    *livy_session_routes(API),
    *catalog_routes(API),
    *serving_routes(API),
    *sql_routes(API),
    *mlflow_routes(API),
    *databricks_routes(API),
    *sparkui_routes(),
    *mlflowui_routes(),
    *livy_routes(),
]

CATCH_ALL = [(rf"{API}/.*", NotFoundHandler)]
