"""Loading the lakehouse into an IPython kernel (the kernel contract of DESIGN.md)."""

from __future__ import annotations

from typing import Any

from IPython.display import display as ipython_display

from ..delta import DeltaTable
from .cells import cell_language_transform
from .comm import register_comm_target
from .completion import make_matcher
from .dbutils import DatabricksCompat
from .dbutils.unsupported import hint_for
from .display import Displayer
from .livyendpoint import LivyEndpoint
from .magics import LakehouseMagics
from .mlflowenv import export_tracking_uri
from .progress import CellProgress
from .r import RMagics
from .scala import ScalaMagics
from .session import NotebookSession, SparkProxy
from .sparkerrors import describe, is_cancellation, is_spark_error

# The attribute of the shell that holds the kernel's lakehouse state (no module globals).
STATE_ATTR = "_jupyter_lakehouse"


def _show_progress(bundle: dict) -> Any:
    return ipython_display(bundle, raw=True, display_id=True)


class KernelLakehouse:
    """Everything the extension adds to one kernel, so that unloading can take it back."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.progress = CellProgress(_show_progress)
        self.session = NotebookSession(progress=self.progress)
        self.display = Displayer()
        self.magics = LakehouseMagics(shell, self)
        self.r_magics = RMagics(shell, self)
        self.scala_magics = ScalaMagics(shell, self)
        self.livy = LivyEndpoint(shell, self)  # issue 10: sparkmagic on `livy` clusters
        self.comms: list[Any] = []  # open `jupyter_lakehouse` comms (comm.py)
        self.databricks = DatabricksCompat(self)  # issue 12: dbutils, %run, %sh, %fs

    def install(self) -> None:
        self.shell.register_magics(self.magics, self.r_magics, self.scala_magics)
        self.shell.input_transformers_cleanup.append(cell_language_transform)
        self.shell.events.register("pre_run_cell", self._pre_run_cell)
        self.shell.events.register("post_run_cell", self._post_run_cell)
        self.shell.push(
            {"spark": SparkProxy(self.session), "display": self.display, "_sqldf": None}
        )
        self.shell.push({"DeltaTable": DeltaTable})  # issue 5: delta-spark's API on any engine
        register_comm_target(self)
        self.session.attach_listeners.append(self.livy.on_attach)
        self.sql_matcher = make_matcher(self.session)
        self.shell.Completer.custom_matchers.append(self.sql_matcher)
        # Every exception passes through here; only Spark's own are shortened.
        self.shell.set_custom_exc((Exception,), _custom_traceback)
        export_tracking_uri(self.session.home)
        self.databricks.install()

    def _pre_run_cell(self, info: Any) -> None:
        self.session.begin_cell()

    def _post_run_cell(self, result: Any) -> None:
        error = result.error_in_exec or result.error_before_exec
        if (
            isinstance(error, KeyboardInterrupt)
            or getattr(error, "cancelled", False)
            or (error is not None and is_cancellation(error))
        ):
            state = "cancelled"
        elif error is not None:
            state = "error"
        else:
            state = "done"
        self.session.end_cell(state)

    def uninstall(self) -> None:
        if cell_language_transform in self.shell.input_transformers_cleanup:
            self.shell.input_transformers_cleanup.remove(cell_language_transform)
        for event, callback in (
            ("pre_run_cell", self._pre_run_cell),
            ("post_run_cell", self._post_run_cell),
        ):
            if callback in self.shell.events.callbacks[event]:
                self.shell.events.unregister(event, callback)
        for kind in ("line", "cell"):
            registered = self.shell.magics_manager.magics[kind]
            for name in list(registered):
                if getattr(registered[name], "__self__", None) in (
                    self.magics,
                    self.r_magics,
                    self.scala_magics,
                ):
                    del registered[name]
        self.shell.set_custom_exc((), None)
        if self.sql_matcher in self.shell.Completer.custom_matchers:
            self.shell.Completer.custom_matchers.remove(self.sql_matcher)
        for name in ("spark", "display", "_sqldf", "DeltaTable"):
            self.shell.user_ns.pop(name, None)
        self.databricks.uninstall()
        self.scala_magics.uninstall()
        self.livy.close()
        self.session.close()


def _custom_traceback(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset=None):
    """IPython's custom exception hook: short messages for Spark errors, the usual otherwise.

    IPython ignores what the hook returns, so the hook shows the error itself.
    """
    if not is_spark_error(value):
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        return None
    lakehouse = getattr(shell, STATE_ATTR, None)
    lines = describe(value)
    hint = lakehouse.session.failure_hint() if lakehouse is not None else None
    hint = hint or hint_for(value)  # Databricks-only features: say what to use instead
    stb = lines + ([hint] if hint else [])
    shell._showtraceback(etype, value, stb)
    return stb


def load(shell: Any) -> None:
    if getattr(shell, STATE_ATTR, None) is not None:
        return
    lakehouse = KernelLakehouse(shell)
    lakehouse.install()
    setattr(shell, STATE_ATTR, lakehouse)


def unload(shell: Any) -> None:
    lakehouse = getattr(shell, STATE_ATTR, None)
    if lakehouse is not None:
        lakehouse.uninstall()
        setattr(shell, STATE_ATTR, None)
