"""Delta Lake in notebooks: `from jupyter_lakehouse.delta import DeltaTable`.

The same API as delta-spark's `delta.tables.DeltaTable`, on whichever engine the cluster runs
(services/delta/engine.py): delta-spark's own class when its jars are on the cluster, the
offline engine on delta-rs otherwise. The kernel binds it as `DeltaTable`.
"""

from .services.delta.api import DeltaMergeBuilder, DeltaOptimizeBuilder, DeltaTable
from .services.delta.log import DeltaError

__all__ = ["DeltaError", "DeltaMergeBuilder", "DeltaOptimizeBuilder", "DeltaTable"]
