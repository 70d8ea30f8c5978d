"""The headless kernel behind one Livy session: an ipykernel started with jupyter_client.

The service owns these kernels (not the Jupyter server's kernel manager): a Livy session is not
a notebook, so it must not show in JupyterLab's running kernels, nor be culled or shut down from
there; and a plain KernelManager keeps the service free of the server's event loop, testable
without a server. The kernel's own stdout and stderr (and what the service says about it) go to
the session's log file.

Every call goes through the session's worker thread: jupyter_client's blocking calls run an
event loop of the calling thread's, which the server's threads may not have. Only `kill` (a
plain signal) is for any thread.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from queue import Empty
from typing import IO, Any

START_TIMEOUT = 60.0
POLL = 0.5  # seconds between liveness checks while waiting for output


class KernelDied(Exception):
    """The kernel process ended while it was running something."""


class HeadlessKernel:
    def __init__(self, log_path: Path, cwd: str | None = None, kernel_name: str = "python3"):
        self.log_path = log_path
        self.cwd = cwd
        self.kernel_name = kernel_name
        self.manager: Any = None
        self.client: Any = None
        self._log: IO[bytes] | None = None
        self._shutdown_lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.manager, "provisioner", None)
        return getattr(getattr(provisioner, "process", None), "pid", None)

    def start(self, env: dict[str, str], timeout: float = START_TIMEOUT) -> None:
        from jupyter_client.manager import KernelManager

        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in shutdown)
        self.manager = KernelManager(kernel_name=self.kernel_name)
        self.manager.start_kernel(
            env={**os.environ, **env}, cwd=self.cwd, stdout=self._log, stderr=self._log
        )
        self.client = self.manager.blocking_client()
        self.client.start_channels()
        try:
            self.client.wait_for_ready(timeout=timeout)
        except RuntimeError as e:
            raise KernelDied(f"the kernel did not start: {e}") from None

    def alive(self) -> bool:
        return self.manager is not None and self.manager.is_alive()

    def execute(
        self,
        code: str,
        on_message: Callable[[dict], None],
        silent: bool = False,
        tick: Callable[[], None] | None = None,
    ) -> str:
        """Run `code`, handing each IOPub message of it to `on_message` until the kernel is idle;
        the execute reply's status (ok, error, aborted)."""
        msg_id = self.client.execute(
            code, silent=silent, store_history=not silent, allow_stdin=False
        )
        while True:
            if tick is not None:
                tick()
            try:
                msg = self.client.get_iopub_msg(timeout=POLL)
            except Empty:
                if not self.alive():
                    raise KernelDied("the kernel stopped") from None
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status":
                if msg["content"].get("execution_state") == "idle":
                    break
                continue
            on_message(msg)
        return self._reply(msg_id)

    def _reply(self, msg_id: str) -> str:
        while True:
            try:
                reply = self.client.get_shell_msg(timeout=POLL * 10)
            except Empty:
                if not self.alive():
                    raise KernelDied("the kernel stopped") from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"].get("status", "ok")

    def complete(self, code: str, cursor: int, timeout: float) -> list[str]:
        """The kernel's completions at `cursor` (an idle kernel answers at once)."""
        msg_id = self.client.complete(code, cursor)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                reply = self.client.get_shell_msg(timeout=max(0.05, deadline - time.monotonic()))
            except Empty:
                break
            if reply["parent_header"].get("msg_id") == msg_id:
                return list(reply["content"].get("matches") or [])
        return []

    def interrupt(self) -> None:
        if self.alive():
            with contextlib.suppress(Exception):
                self.manager.interrupt_kernel()

    def kill(self) -> None:
        """The last resort, from any thread: jupyter_client's own calls run an event loop of
        the calling thread's, which a thread of the server's pool may not have."""
        process = getattr(getattr(self.manager, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()
            with contextlib.suppress(Exception):
                process.wait(timeout=5)

    def log(self, line: str) -> None:
        """A line of the service's own in the session log."""
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        with open(self.log_path, "a", encoding="utf-8") as f:
            f.write(f"{stamp} [livy] {line}\n")

    def shutdown(self) -> None:
        """Ask the kernel to stop, then kill it if it lingers; idempotent."""
        with self._shutdown_lock:
            self._shutdown()

    def _shutdown(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.stop_channels()
        manager = self.manager
        if manager is not None:
            with contextlib.suppress(Exception):
                if manager.has_kernel:
                    manager.shutdown_kernel(now=False)
            with contextlib.suppress(Exception):
                if manager.has_kernel and manager.is_alive():
                    manager.shutdown_kernel(now=True)
        log, self._log = self._log, None
        if log is not None:
            with contextlib.suppress(OSError):
                log.close()
