"""The SQL editor's service: statements run on a cluster, query history, completion.

statements.py  StatementService: runs, polls and cancels the editor's statements
history.py     QueryHistory: JSON lines under the workspace home (the kernel appends too)
completion.py  completion from the catalog browser's index, never a Spark call
"""

from .history import QueryHistory, history_path
from .statements import StatementService

__all__ = ["QueryHistory", "StatementService", "history_path"]
