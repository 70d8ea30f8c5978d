"""The Delta engine a cluster chose, as GET clusters/{name} and GET version report it."""

from __future__ import annotations

import json

from jupyter_lakehouse.services.clusters import ClusterManager
from jupyter_lakehouse.services.clusters.store import ClusterState
from jupyter_lakehouse.services.delta.engine import DeltaEngine


async def test_no_cluster_started_yet(jp_fetch):
    info = json.loads((await jp_fetch("lakehouse", "api", "version")).body)
    assert info["delta"]["engine"]["name"] is None
    assert "no cluster has started" in info["delta"]["engine"]["reason"]


async def test_recorded_engine_is_reported(jp_fetch, lakehouse_home):
    await jp_fetch("lakehouse", "api", "clusters")  # the server creates the default profile
    reason = "delta-spark jars not found in /jars; Maven Central not reachable (timed out)"
    # What a launch records (no JVM needed to test the reporting).
    manager = ClusterManager(lakehouse_home)
    try:
        engine = DeltaEngine("offline", reason).to_dict()
        manager.store.write_state("local", ClusterState(delta_engine=engine))
    finally:
        manager.close()
    cluster = json.loads((await jp_fetch("lakehouse", "api", "clusters", "local")).body)
    assert cluster["delta_engine"]["name"] == "offline"
    assert cluster["delta_engine"]["reason"] == reason
    info = json.loads((await jp_fetch("lakehouse", "api", "version")).body)
    assert info["delta"]["engine"] == {"name": "offline", "reason": reason}
