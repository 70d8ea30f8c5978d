"""MLflow: the workspace's tracking server (embedded or configured) and the queries behind the
Experiments and Models panels. Plain Python, no tornado.

    from jupyter_lakehouse.services.mlflow import MLflowService
    service = MLflowService(home)
    service.tracking_uri   # what kernels and the serving service use
"""

from .service import MLflowService
from .tracking import TrackingServer

__all__ = ["MLflowService", "TrackingServer"]
