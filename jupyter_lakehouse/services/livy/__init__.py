"""A Livy-compatible API for the lakehouse's own clusters (issue 10, server side).

service.py   LivyService: the session registry, limits, reaper, shutdown
session.py   LivySession: one headless kernel on a cluster, its statements run in order
kernel.py    HeadlessKernel: the ipykernel (jupyter_client) behind a session
code.py      a statement (pyspark, spark, sql) as the cell the kernel runs
output.py    a cell's IOPub messages as a Livy statement output
requests.py  validation of session and statement requests (and how a cluster is chosen)
"""

from .service import LivyService

__all__ = ["LivyService"]
