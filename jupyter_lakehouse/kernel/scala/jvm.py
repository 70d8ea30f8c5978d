"""The Scala JVM process: started with py4j's GatewayServer, stopped with the kernel.

The JVM dies with the kernel however the kernel ends: `--die-on-broken-pipe` makes py4j exit the
JVM when its stdin closes, which happens when the kernel process exits, even on SIGKILL. It runs
in a process group of its own so that the SIGINT of a kernel interrupt does not reach it (the
kernel interrupts a Scala cell itself).
"""

from __future__ import annotations

import collections
import contextlib
import os
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from ..errors import NotebookError

START_TIMEOUT = 60.0


class JvmError(NotebookError):
    title = "Scala unavailable"


class Jvm:
    def __init__(
        self,
        java: str,
        classpath: list[str],
        options: tuple[str, ...] | list[str],
        workdir: Path,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.workdir = workdir
        self.log_path = workdir / "jvm.log"
        self._tail: collections.deque[str] = collections.deque(maxlen=40)
        log4j = workdir / "log4j2.properties"
        log4j.write_text(_LOG4J.format(log=self.log_path))
        command = [
            java,
            *options,
            f"-Dlog4j2.configurationFile={log4j}",
            f"-Djava.io.tmpdir={workdir}",
            "-cp",
            os.pathsep.join(classpath),
            "py4j.GatewayServer",
            "--die-on-broken-pipe",
            "--enable-auth",
            "0",
        ]
        try:
            self.proc = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=workdir,
                start_new_session=True,
            )
        except OSError as e:
            raise JvmError(f"could not start Java ({java}): {e}") from None
        self.pid = self.proc.pid
        try:
            port, token = self._handshake(start_timeout)
        except BaseException:
            self.stop()
            raise
        threading.Thread(target=self._drain, args=(self.proc.stdout,), daemon=True).start()
        from py4j.java_gateway import GatewayParameters, JavaGateway

        self.gateway = JavaGateway(
            gateway_parameters=GatewayParameters(
                port=port, auth_token=token, auto_convert=True, enable_memory_management=False
            )
        )
        self.jvm: Any = self.gateway.jvm

    def _handshake(self, timeout: float) -> tuple[int, str]:
        """Read the port and auth token that GatewayServer prints first, with a deadline."""
        lines: list[str] = []
        done = threading.Event()

        def read() -> None:
            for _ in range(2):
                line = self.proc.stdout.readline()
                if not line:
                    break
                lines.append(line.decode(errors="replace").strip())
            done.set()

        threading.Thread(target=read, daemon=True).start()
        errors = threading.Thread(target=self._drain, args=(self.proc.stderr,), daemon=True)
        errors.start()
        done.wait(timeout)
        if len(lines) < 2 or not lines[0].isdigit():
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=2)
            errors.join(timeout=2)  # what it printed before exiting
            why = "exited" if self.proc.poll() is not None else f"did not answer in {timeout:.0f} s"
            tail = self.tail()
            raise JvmError(f"the Scala JVM {why}" + (f":\n{tail}" if tail else "."))
        return int(lines[0]), lines[1]

    def _drain(self, stream: Any) -> None:
        """Keep the last lines the JVM printed outside of cells, for error messages."""
        with contextlib.suppress(ValueError, OSError):
            for raw in iter(stream.readline, b""):
                self._tail.append(raw.decode(errors="replace").rstrip())

    def tail(self) -> str:
        lines = list(self._tail)
        with contextlib.suppress(OSError):
            lines += self.log_path.read_text(errors="replace").splitlines()[-10:]
        return "\n".join(line for line in lines if line.strip())[-3000:]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self, grace: float = 5.0) -> None:
        """Close the gateway and the JVM's stdin (py4j then exits), kill it if it lingers."""
        gateway = getattr(self, "gateway", None)
        if gateway is not None:
            with contextlib.suppress(Exception):
                gateway.close(keep_callback_server=False, close_callback_server_connections=True)
        with contextlib.suppress(OSError, ValueError):
            self.proc.stdin.close()
        deadline = time.monotonic() + grace
        while self.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        if self.proc.poll() is None:
            with contextlib.suppress(OSError):
                self.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
        for stream in (self.proc.stdout, self.proc.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.close()


_LOG4J = """\
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = {log}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{{HH:mm:ss.SSS}} %p %c{{1}}: %m%n
"""
