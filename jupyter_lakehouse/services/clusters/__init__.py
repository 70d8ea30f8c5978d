"""Clusters: Spark Connect servers this workspace starts (local, standalone, custom masters) or
attaches to (remote). Plain Python, shared by the Jupyter server, kernels and scripts.

    from jupyter_lakehouse.services.clusters import ClusterManager
    info = ClusterManager(home).ensure_running("local")
    spark = SparkSession.builder.remote(info.connect_url).getOrCreate()
"""

from .manager import ClusterInfo, ClusterManager
from .profiles import DEFAULT_CLUSTER, ClusterProfile, validate_profile

__all__ = ["DEFAULT_CLUSTER", "ClusterInfo", "ClusterManager", "ClusterProfile", "validate_profile"]
