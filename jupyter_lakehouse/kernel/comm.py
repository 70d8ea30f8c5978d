"""The frontend talks to the kernel's lakehouse over one comm target.

Messages (`data` of comm_msg), each answered on the same comm:
- {"action": "attach", "cluster": name | null, "path": notebook path}: attach the notebook.
- {"action": "status"}: which cluster, which session id, whether connected.

`attach` may also carry `widget_bar: true`: the frontend shows Databricks widgets in a bar at the
top of the notebook, so the kernel stops drawing them under their cells. The kernel sends
{"action": "widgets", "widgets": [{name, model_id}]} on every open comm whenever the notebook's
dbutils widgets change (and once when a comm opens).
"""

from __future__ import annotations

from typing import Any

COMM_TARGET = "jupyter_lakehouse"


def status(lakehouse: Any) -> dict:
    session = lakehouse.session
    return {
        "action": "status",
        "cluster": session.cluster,
        "effective_cluster": session.cluster_name,
        "session_id": session.session_id,
        "connected": session.connected,
    }


def handle_message(lakehouse: Any, data: dict) -> dict:
    action = data.get("action")
    if action == "attach":
        cluster = data.get("cluster")
        if cluster is not None and not isinstance(cluster, str):
            return {"action": "error", "message": "cluster must be a name or null"}
        lakehouse.session.attach(cluster or None, data.get("path") or None)
        if data.get("widget_bar") is True:
            lakehouse.databricks.use_widget_bar()
        return status(lakehouse)
    if action == "status":
        return status(lakehouse)
    return {"action": "error", "message": f"unknown action {action!r}"}


def register_comm_target(lakehouse: Any) -> None:
    kernel = getattr(lakehouse.shell, "kernel", None)
    if kernel is None:
        return  # a plain IPython shell (no kernel): nothing can open a comm to it
    from comm import get_comm_manager

    def on_open(comm: Any, open_msg: dict) -> None:
        def on_msg(msg: dict) -> None:
            comm.send(handle_message(lakehouse, msg["content"]["data"] or {}))

        comm.on_msg(on_msg)
        comm.on_close(lambda msg: lakehouse.comms.remove(comm) if comm in lakehouse.comms else None)
        lakehouse.comms.append(comm)
        comm.send(status(lakehouse))
        comm.send(lakehouse.databricks.widgets_message())

    get_comm_manager().register_target(COMM_TARGET, on_open)
