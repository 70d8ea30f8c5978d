"""R embedded in the kernel through rpy2: started on the first `%r` cell, one per kernel.

A cell's code runs in R's global environment (lakehouse.R's `.lakehouse_run_cell`): what R
prints goes to the cell's stdout/stderr in order, visible values are printed as R's console
prints them, and plots are drawn into PNG files that are shown when the cell ends. An R error
ends the cell with R's message and no Python traceback; an interrupt stops R and leaves it usable.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from IPython.display import Image
from IPython.display import display as ipython_display

from ..errors import NotebookError
from .bridge import SparkBridge, failure

if TYPE_CHECKING:
    from ..extension import KernelLakehouse

INSTALL_HINT = (
    "%r cells need R and the rpy2 package (rpy2==3.5.17 for Debian's R 4.2). On Debian or "
    "Ubuntu: `sudo apt-get install r-base-core r-cran-ggplot2 r-cran-jsonlite`, then "
    "`pip install rpy2==3.5.17` in the kernel's environment (`make run` does both), and "
    "restart the kernel."
)


class RUnavailable(NotebookError):
    title = "R is not available"


class RError(NotebookError):
    """An R error, shown as R's console shows it: `Error in f() : message`."""

    title = "R error"

    def _render_traceback_(self) -> list[str]:
        lines = self.message.splitlines() or ["Error"]
        first = lines[0]
        if first.startswith("Error"):
            head, sep, rest = first.partition(":")
            first = f"\x1b[0;31m{head}\x1b[0m{sep}{rest}"
        return [first, *lines[1:]]


class RInterrupted(KeyboardInterrupt):
    """The cell was interrupted; R itself goes on (its variables are kept)."""

    def _render_traceback_(self) -> list[str]:
        return ["\x1b[0;31mKeyboardInterrupt\x1b[0m: R stopped the cell; its variables are kept"]


class RRuntime:
    def __init__(self, lakehouse: KernelLakehouse) -> None:
        self.lakehouse = lakehouse
        self.bridge = SparkBridge(lakehouse)
        self._ri: Any = None
        self._rlib: Any = None
        self._functions: dict[str, Any] = {}  # lakehouse.R's cell runner and plot functions
        self._python_functions: list[tuple] = []  # what R calls back, kept alive for R
        self._failure: str | None = None
        self._python_depth = 0  # > 0 while R is calling back into Python (sql(), ...)
        self._interrupted = False
        self._last_stream: str | None = None

    @property
    def started(self) -> bool:
        return self._ri is not None

    # -- start ---------------------------------------------------------------------------------

    def start(self) -> None:
        if self._ri is not None:
            return
        if self._failure is not None:
            raise RUnavailable(self._failure)
        print("Starting R (once per kernel)…", flush=True)
        try:
            # rpy2 finds R and opens libR on import; it prints why when it cannot.
            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                import rpy2.rinterface as ri
                from rpy2.rinterface_lib import callbacks, openrlib
        except (ImportError, OSError, ValueError, RuntimeError) as e:
            self._failure = f"{INSTALL_HINT} (rpy2 said: {_first_line(e)})"
            raise RUnavailable(self._failure) from None
        callbacks.consolewrite_print = self._write_stdout
        callbacks.consolewrite_warnerror = self._write_stderr
        callbacks.showmessage = lambda text: self._write_stderr(text + "\n")
        callbacks.consoleflush = self._flush
        previous = _sigint_handler()
        try:
            ri.initr_simple()
        except Exception as e:
            self._failure = f"R did not start: {_first_line(e)}. {INSTALL_HINT}"
            raise RUnavailable(self._failure) from None
        finally:
            _restore_sigint(previous)  # rpy2 takes SIGINT over; the kernel owns it
        self._ri, self._rlib = ri, openrlib.rlib
        self._define_api()

    def _define_api(self) -> None:
        ri = self._ri
        # A reloaded extension finds R running with the old API attached: replace it.
        ri.evalr('while ("lakehouse" %in% search()) detach("lakehouse")')
        env = ri.baseenv["attach"](ri.NULL, name=ri.StrSexpVector(["lakehouse"]))
        python = {
            ".py_sql": self.bridge.sql,
            ".py_table": self.bridge.table,
            ".py_create_view": self.bridge.create_view,
            ".py_display": self.bridge.display,
            ".py_spark_info": self.bridge.spark_info,
        }
        for name, function in python.items():
            # R holds only a handle to the Python function: keep the function alive here.
            wrapped = self._from_r(function)
            closure = ri.rternalize(wrapped)
            self._python_functions.append((wrapped, closure))
            env[name] = closure
        source = files(__package__).joinpath("lakehouse.R").read_text(encoding="utf-8")
        ri.baseenv["eval"](ri.parse(source), env)
        for name in ("run_cell", "begin_plots", "end_plots"):
            self._functions[name] = env[f".lakehouse_{name}"]
        # Non-ASCII text prints as <U+00E9> in a C locale; the kernel's streams are UTF-8.
        ri.evalr(
            'if (!isTRUE(l10n_info()[["UTF-8"]])) '
            'invisible(suppressWarnings(Sys.setlocale("LC_CTYPE", "C.UTF-8")))'
        )

    # -- cells ---------------------------------------------------------------------------------

    def run_cell(self, code: str) -> None:
        self.start()
        ri = self._ri
        plots = Path(tempfile.mkdtemp(prefix="lakehouse-r-"))
        try:
            with self._interruptible():
                self._functions["begin_plots"](ri.StrSexpVector([str(plots)]))
                try:
                    outcome = self._functions["run_cell"](ri.StrSexpVector([code]))
                except ri.embedded.RRuntimeError as e:  # only if the runner itself fails
                    outcome = [["error"], [f"Error: {_first_line(e)}"]]
                finally:
                    self._functions["end_plots"]()
            self._flush()
            self._show_plots(plots)
        finally:
            shutil.rmtree(plots, ignore_errors=True)
        status, message = str(outcome[0][0]), str(outcome[1][0])
        if status == "interrupt" or self._interrupted:
            raise RInterrupted
        if status == "error":
            raise RError(message)

    def _show_plots(self, directory: Path) -> None:
        for path in sorted(directory.glob("*.png")):
            data = path.read_bytes()
            if data:
                ipython_display(Image(data=data, format="png"))

    # -- interrupts ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _interruptible(self) -> Iterator[None]:
        """SIGINT (the notebook's interrupt button) stops R at its next interrupt check.

        Python runs a signal handler only between bytecodes, and R runs Python only in rpy2's
        callbacks, R_ProcessEvents among them, which R calls right before it checks
        R_interrupts_pending. So the handler sets that flag instead of raising, except while R
        waits for Python (sql() on Spark), where a KeyboardInterrupt stops the Python work.
        """
        self._interrupted = False
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        try:
            yield
        finally:
            _restore_sigint(previous)
            self._rlib.R_interrupts_pending = 0

    def _on_sigint(self, signum: int, frame: Any) -> None:
        self._interrupted = True
        if self._python_depth > 0:
            raise KeyboardInterrupt
        self._rlib.R_interrupts_pending = 1

    def _from_r(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function` made safe to call from R: it never raises into R's C stack."""

        def call(*args: Any) -> Any:
            try:
                self._python_depth += 1
                try:
                    return function(*args)
                finally:
                    self._python_depth -= 1
            except KeyboardInterrupt:
                return failure("interrupted", kind="interrupt")
            except BaseException as e:
                return failure(self.bridge.describe_error(e))

        call.__name__ = getattr(function, "__name__", "call")
        return call

    # -- console -------------------------------------------------------------------------------

    def _write(self, name: str, text: str) -> None:
        # stdout and stderr are separate streams: flush one before writing to the other, so
        # that print() and message() output appears in the order R wrote it.
        if self._last_stream not in (None, name):
            getattr(sys, self._last_stream).flush()
        self._last_stream = name
        getattr(sys, name).write(text)

    def _write_stdout(self, text: str) -> None:
        self._write("stdout", text)

    def _write_stderr(self, text: str) -> None:
        self._write("stderr", text)

    def _flush(self) -> None:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        self._last_stream = None


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _sigint_handler() -> Any:
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.getsignal(signal.SIGINT)


def _restore_sigint(previous: Any) -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
