"""One notebook's Scala REPL: a JVM running scala.tools.nsc.interpreter.IMain and the bridge.

Start-up: the JVM comes up with py4j; Python creates the REPL (class-based wrappers, class files
written to a directory of this kernel); the REPL compiles `Sessions.scala`, which starts opening
the Spark Connect session (the notebook's session id) on a thread of its own, then
`Bridge.scala`; the bridge takes over the compiler's messages and the JVM's stdout/stderr and
binds `spark` in the REPL.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .classpath import JAVA_OPTIONS, repl_classpath
from .jvm import Jvm, JvmError

HERE = Path(__file__).parent
SESSIONS_SOURCE = HERE / "Sessions.scala"
SESSIONS_CLASS = "org.apache.spark.sql.jupyterlakehouse.Sessions"
BRIDGE_SOURCE = HERE / "Bridge.scala"
BRIDGE_CLASS = "jupyterlakehouse.Bridge"
# Class-based wrappers: a closure captures the values it uses, not a line's `object`, which an
# executor would have to initialize (running the line's code again there).
COMPILER_OPTIONS = "-usejavacp -Yrepl-class-based -deprecation"
POLL_MS = 100


class ScalaRepl:
    """The REPL of one kernel. Not thread-safe: the kernel runs one cell at a time."""

    def __init__(self, java: str, url: str, user_id: str = "") -> None:
        self.workdir = Path(tempfile.mkdtemp(prefix="lakehouse-scala-"))
        self.jvm: Jvm | None = None
        self.url = url
        # Seconds each start-up step took (for the benchmark).
        self.timings: dict[str, float] = {}
        try:
            began = time.perf_counter()
            self.jvm = Jvm(java, repl_classpath(), JAVA_OPTIONS, self.workdir)
            self.timings["jvm"] = time.perf_counter() - began
            self.bridge = self._bootstrap(self.workdir / "classes", url, user_id)
        except BaseException:
            self.close()
            raise

    def _bootstrap(self, classes: Path, url: str, user_id: str) -> Any:
        """The REPL, the bridge, and `spark`: the session opens while the bridge compiles."""
        began = time.perf_counter()
        classes.mkdir()
        jvm, gateway = self.jvm.jvm, self.jvm.gateway
        settings = jvm.scala.tools.nsc.Settings()
        settings.processArgumentString(f"{COMPILER_OPTIONS} -Yrepl-outdir {classes}")
        # The REPL's own reporter prints the `val res0: Int = 2` lines into this buffer.
        printed = jvm.java.io.StringWriter()
        reporter = jvm.scala.tools.nsc.interpreter.shell.ReplReporterImpl(
            settings, jvm.java.io.PrintWriter(printed, True)
        )
        intp = jvm.scala.tools.nsc.interpreter.IMain(settings, reporter)
        _compile(intp, SESSIONS_SOURCE, printed)
        self.timings["compiler"] = time.perf_counter() - began
        # py4j's class lookup does not see the REPL's class loader: what the REPL compiled is
        # reached by reflection.
        began = time.perf_counter()
        types = gateway.new_array(jvm.java.lang.Class, 2)
        types[0] = types[1] = jvm.java.lang.String._java_lang_class
        sessions = intp.classLoader().loadClass(SESSIONS_CLASS)
        pending = sessions.getMethod("openAsync", types).invoke(
            None, _objects(gateway, url, user_id or "")
        )
        _compile(intp, BRIDGE_SOURCE, printed)
        bridge = (
            intp.classLoader()
            .loadClass(BRIDGE_CLASS)
            .getConstructors()[0]
            .newInstance(_objects(gateway, intp, printed, str(classes)))
        )
        self.timings["bridge"] = time.perf_counter() - began
        began = time.perf_counter()
        _bind_spark(lambda: bridge.attach(pending))
        self.timings["connect"] = time.perf_counter() - began
        return bridge

    def connect(self, url: str, user_id: str = "") -> None:
        """Point `spark` in the REPL at the Spark Connect session at `url` (a new prelude)."""
        _bind_spark(lambda: self.bridge.connect(url, user_id or ""))
        self.url = url

    # -- cells ----------------------------------------------------------------------------

    def alive(self) -> bool:
        return self.jvm is not None and self.jvm.alive()

    def start(self, code: str, tag: str | None) -> None:
        self.bridge.start(code, tag or "")

    def events(self, timeout_ms: int = POLL_MS) -> list[dict]:
        return json.loads(self.bridge.poll(timeout_ms))

    def run(self, code: str, tag: str | None = None) -> Iterator[dict]:
        """Run a cell; yield its events up to and including the final {"k": "done", ...}."""
        self.start(code, tag)
        while True:
            for event in self.events():
                yield event
                if event["k"] == "done":
                    return

    def interrupt(self) -> None:
        self.bridge.interrupt()

    def force_stop(self) -> bool:
        return bool(self.bridge.forceStop())

    def close(self) -> None:
        jvm, self.jvm = self.jvm, None
        if jvm is not None:
            jvm.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _compile(intp: Any, source: Path, printed: Any) -> None:
    if not intp.compileString(source.read_text()):
        raise JvmError(f"{source.name} did not compile:\n{printed.toString()[-2000:]}")


def _bind_spark(attach: Any) -> None:
    try:
        problem = attach()
    except Exception as e:
        raise JvmError(f"Scala could not connect to the cluster: {java_message(e)}") from None
    if problem:
        raise JvmError(f"could not bind `spark` in Scala: {problem}")


def _objects(gateway: Any, *items: Any) -> Any:
    """A Java Object[] (for reflective calls)."""
    array = gateway.new_array(gateway.jvm.java.lang.Object, len(items))
    for index, item in enumerate(items):
        array[index] = item
    return array


def java_message(e: BaseException) -> str:
    """The Java exception's own message for a Py4JJavaError, else str(e)."""
    java = getattr(e, "java_exception", None)
    if java is not None:
        try:
            return str(java.toString())
        except Exception:
            pass
    return str(e)
