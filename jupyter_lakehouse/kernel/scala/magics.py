"""`%scala` / `%%scala`: Scala cells on the notebook's Spark session (a first line `%scala` works
too), in a JVM of the kernel's own, started on first use and stopped with the kernel."""

from __future__ import annotations

import atexit
import contextlib
import signal
import sys
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand

from ..errors import NotebookError
from ..sparkerrors import BOLD, RED, RESET, summary
from .jvm import JvmError
from .repl import ScalaRepl, java_message

if TYPE_CHECKING:
    from ..extension import KernelLakehouse

YELLOW = "\x1b[0;33m"
# After an interrupt: how long the cell may take to stop before its thread is stopped by force,
# and then how long before the JVM is restarted instead.
INTERRUPT_GRACE = 5.0
FORCE_GRACE = 5.0
MAX_ERRORS = 5
MAX_MESSAGE_LINES = 8


class ScalaCellError(NotebookError):
    """A Scala compile or run-time error, already described in lines."""

    title = "Scala error"

    def __init__(self, lines: list[str]):
        super().__init__(lines[0] if lines else "Scala error")
        self.lines = lines

    def _render_traceback_(self) -> list[str]:
        return self.lines


class ScalaInterrupted(KeyboardInterrupt):
    """The cell was interrupted; the kernel marks the cell cancelled, IPython shows one line."""

    def __init__(self, message: str = "the Scala cell was stopped.") -> None:
        super().__init__(message)
        self.message = message

    def _render_traceback_(self) -> list[str]:
        return [f"{RED}Interrupted{RESET}: {self.message}"]


@magics_class
class ScalaMagics(Magics):
    def __init__(self, shell: Any, lakehouse: KernelLakehouse) -> None:
        super().__init__(shell)
        self.lakehouse = lakehouse
        self.repl: ScalaRepl | None = None
        self._attached: tuple | None = None  # what the REPL's `spark` is connected to
        atexit.register(self.close)

    @no_var_expand  # `$"col"` and `s"${x}"` are Scala, not IPython's variable expansion
    @line_cell_magic
    def scala(self, line: str, cell: str | None = None) -> None:
        """Run Scala code (a cell whose first line is `%scala`, or `%scala <code>` on one line).

        The REPL runs in a JVM of this kernel's own, started on first use, and keeps its
        definitions between cells. In it:

          spark            this notebook's Spark session (Spark Connect, the session Python's
                           `spark` uses, so temp views are shared with Python and %sql);
                           spark.implicits._ and org.apache.spark.sql.functions._ are imported
          display(ds)      a Dataset or DataFrame in the result grid

        A cell whose last statement is a Dataset shows it in the grid as well. Interrupting
        the kernel stops the cell and its Spark jobs.
        """
        code = line if cell is None else (f"{line}\n{cell}" if line.strip() else cell)
        if not code.strip():
            return None
        repl = self._repl()
        self._run(repl, code, _line_offset(self._raw_cell(), code))
        return None

    # -- the REPL -------------------------------------------------------------------------

    def _repl(self) -> ScalaRepl:
        """The kernel's REPL, started on first use, attached to the notebook's session."""
        session = self.lakehouse.session
        spark = session.get()
        try:
            url = session.manager().connect_url(session.cluster_name, session.session_id)
        except Exception as e:
            message = f"cluster '{session.cluster_name}': {e}"
            raise NotebookError(message, title="No cluster") from None
        user_id = getattr(getattr(spark, "client", None), "_user_id", None) or ""
        # Python reconnects when the cluster restarts (same session id, new server): so must Scala.
        target = (url, user_id, session.connection_key)
        if self.repl is not None and not self.repl.alive():
            print("The Scala JVM had stopped; starting a new one (Scala definitions are gone).")
            self._discard()
        if self.repl is None:
            print("Starting Scala (first use)…", flush=True)
            self.repl = _start_repl(url, user_id)
        elif target != self._attached:
            self.repl.connect(url, user_id)
            if self._attached and self._attached[0] != url:
                print(f"Scala's `spark` now uses cluster '{session.cluster_name}'.")
        self._attached = target
        return self.repl

    def _discard(self) -> None:
        repl, self.repl, self._attached = self.repl, None, None
        if repl is not None:
            repl.close()

    def close(self) -> None:
        """Stop the JVM (kernel shutdown, extension unload)."""
        self._discard()

    def uninstall(self) -> None:
        self.close()
        atexit.unregister(self.close)

    def _raw_cell(self) -> str | None:
        with contextlib.suppress(Exception):
            return self.shell.history_manager.input_hist_raw[-1]
        return None

    # -- running a cell ---------------------------------------------------------------------

    def _run(self, repl: ScalaRepl, code: str, offset: int) -> None:
        tag = self.lakehouse.session.cell_tag
        with _deferred_sigint() as interrupted:
            repl.start(code, tag)
            stop_sent = last_sent = forced = None
            while True:
                try:
                    events = repl.events()
                except KeyboardInterrupt:
                    interrupted.set()
                    continue
                except Exception as e:
                    tail = repl.jvm.tail() if repl.jvm else ""
                    self._discard()
                    raise JvmError(
                        f"the Scala JVM stopped ({java_message(e)}); the next Scala cell starts a "
                        "new one." + (f"\n{tail}" if tail else "")
                    ) from None
                for event in events:
                    if event["k"] == "done":
                        return self._finish(event, code, offset)
                    self._show(event, code, offset)
                now = time.monotonic()
                if interrupted.is_set() and (last_sent is None or now - last_sent > 1.0):
                    # Again every second: the cell may be between requests, or compiling.
                    repl.interrupt()
                    stop_sent, last_sent = stop_sent or now, now
                if stop_sent is not None and forced is None and now - stop_sent > INTERRUPT_GRACE:
                    forced = now if repl.force_stop() else now - FORCE_GRACE
                elif forced is not None and now - forced > FORCE_GRACE:
                    self._discard()
                    raise ScalaInterrupted(
                        "the Scala cell did not stop, so its JVM was stopped; the next Scala cell "
                        "starts a new one (earlier Scala definitions are gone)."
                    )

    def _show(self, event: dict, code: str, offset: int) -> None:
        kind = event["k"]
        if kind in ("stdout", "result"):
            sys.stdout.write(event["text"])
            sys.stdout.flush()
        elif kind == "stderr":
            sys.stderr.write(event["text"])
            sys.stderr.flush()
        elif kind == "warning":
            lines = _diagnostic(event["diagnostic"], code, offset, f"{YELLOW}warning{RESET}")
            sys.stderr.write("\n".join(lines) + "\n")
            sys.stderr.flush()
        elif kind == "display":
            self._display_view(event["view"])

    def _display_view(self, view: str) -> None:
        """Show a Dataset that Scala published as a temp view, through the same grid as Python."""
        spark = self.lakehouse.session.get()
        try:
            self.lakehouse.display(spark.table(view))
        finally:
            with contextlib.suppress(Exception):
                spark.catalog.dropTempView(view)

    def _finish(self, event: dict, code: str, offset: int) -> None:
        status = event["status"]
        if status == "success":
            return
        if status == "incomplete":
            raise NotebookError(
                "the Scala code is incomplete: a brace, bracket, parenthesis or string is not "
                "closed.",
                title="Scala error",
            )
        if status == "interrupted":
            raise ScalaInterrupted()
        if status == "compile_error":
            raise ScalaCellError(_compile_errors(event["errors"], code, offset))
        if status == "exception":
            raise ScalaCellError(_exception_lines(event["exception"]))
        text = (event.get("text") or "").strip()
        raise ScalaCellError([f"{RED}Scala error{RESET}" + (f": {text}" if text else "")])


def _start_repl(url: str, user_id: str) -> ScalaRepl:
    from ...services.errors import LakehouseError
    from ...services.java import require_java

    try:
        java = require_java()
    except LakehouseError as e:
        raise NotebookError(f"%scala needs Java. {e.message}", title="Scala unavailable") from None
    try:
        return ScalaRepl(java.executable, url, user_id)
    except NotebookError:
        raise
    except Exception as e:
        raise JvmError(f"the Scala JVM failed to start: {java_message(e)}") from None


@contextlib.contextmanager
def _deferred_sigint() -> Iterator[threading.Event]:
    """While a Scala cell runs, a kernel interrupt (SIGINT) only sets a flag.

    The cell loop then stops the Scala cell cleanly; a KeyboardInterrupt raised in the middle of
    a py4j call would leave its connection half-read.
    """
    flag = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, lambda signum, frame: flag.set())
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def _line_offset(raw: str | None, code: str) -> int:
    """How many lines of the notebook cell come before the Scala code's first line.

    The magic line (`%scala` / `%%scala`) is either alone on its line, so the code starts on the
    next one, or followed by code on the same line.
    """
    if not raw:
        return 0
    lines = raw.splitlines()
    first = code.splitlines()[0].strip() if code.splitlines() else ""
    for index, text in enumerate(lines):
        stripped = text.strip()
        if not stripped.startswith(("%scala", "%%scala")):
            continue
        rest = stripped.lstrip("%")[len("scala") :].strip()
        offset = index if rest else index + 1
        candidate = rest if rest else (lines[offset].strip() if offset < len(lines) else "")
        if candidate == first:
            return offset
    return 0


def _source_line(code: str, line: int) -> str:
    lines = code.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _diagnostic(diag: dict, code: str, offset: int, label: str) -> list[str]:
    """A compiler message with the cell's line and column and a caret under the spot."""
    line, column = diag.get("line") or 0, diag.get("column") or 0
    message = (diag.get("message") or "").rstrip()
    first, _, rest = message.partition("\n")
    where = f" (line {line + offset}, column {column})" if line > 0 else ""
    out = [f"{label}{where}: {first}"]
    out += [f"  {text}" for text in rest.splitlines()]
    source = _source_line(code, line) if line > 0 else ""
    if source:
        prefix = f"{line + offset:>4} | "
        out.append(prefix + source)
        out.append(" " * (len(prefix) + max(column - 1, 0)) + f"{RED}^{RESET}")
    return out


def _compile_errors(errors: list[dict], code: str, offset: int) -> list[str]:
    label = f"{RED}Scala compile error{RESET}"
    lines: list[str] = []
    for diag in errors[:MAX_ERRORS]:
        lines += _diagnostic(diag, code, offset, label)
    if len(errors) > MAX_ERRORS:
        lines.append(f"… and {len(errors) - MAX_ERRORS} more errors")
    return lines or [label]


def _exception_lines(exc: dict) -> list[str]:
    """A Java/Scala exception as Spark errors are shown: class, error class, SQLSTATE, message."""
    name = (exc.get("class") or "Exception").rsplit(".", 1)[-1]
    condition, sqlstate = exc.get("condition"), exc.get("sqlstate")
    message = _short(exc.get("message") or "")
    if not message and exc.get("causes"):
        message = _short(exc["causes"][0])
    if condition and message.startswith(f"[{condition}]"):
        message = message[len(condition) + 2 :].strip()
    if sqlstate:
        message = message.replace(f"SQLSTATE: {sqlstate}", "").strip()
    head = f"{RED}{name}{RESET}"
    if condition:
        head += f" {BOLD}[{condition}]{RESET}"
    first, _, rest = message.partition("\n")
    if first:
        head += f" {first}" if condition else f": {first}"
    lines = [head, *rest.splitlines()]
    if sqlstate:
        lines.append(f"SQLSTATE: {sqlstate}")
    return lines


def _short(message: str) -> str:
    """The message without server stack traces and plans, at most a few lines."""
    text = summary(Exception(message))
    kept = [line for line in text.splitlines() if not line.lstrip().startswith("at ")]
    return "\n".join(kept[:MAX_MESSAGE_LINES]).strip()
