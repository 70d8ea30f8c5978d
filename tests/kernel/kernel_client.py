"""A real IPython kernel, started the way JupyterLab starts one, for end-to-end kernel tests."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from queue import Empty

from jupyter_client.manager import start_new_kernel


@dataclass
class CellResult:
    outputs: list[dict] = field(default_factory=list)
    done: bool = False

    @property
    def text(self) -> str:
        return "".join(o["content"].get("text", "") for o in self.outputs if o["type"] == "stream")

    @property
    def error(self) -> dict | None:
        return next((o["content"] for o in self.outputs if o["type"] == "error"), None)

    def data(self, mime: str) -> list:
        return [
            o["content"]["data"][mime]
            for o in self.outputs
            if o["type"] in ("display_data", "execute_result", "update_display_data")
            and mime in o["content"]["data"]
        ]


class Kernel:
    def __init__(self, env: dict | None = None) -> None:
        self.manager, self.client = start_new_kernel(kernel_name="python3", env=env)

    def run(self, code: str, timeout: float = 120) -> CellResult:
        return self.wait(self.start(code), timeout=timeout)

    def start(self, code: str) -> str:
        """Send a cell without waiting for it; `wait` collects its outputs."""
        msg_id = self.client.execute(code)
        self._results = getattr(self, "_results", {})
        self._results[msg_id] = CellResult()
        return msg_id

    def wait(self, msg_id: str, timeout: float = 120, until=None) -> CellResult:
        """Outputs of cell `msg_id` until it is idle (or until `until(result)` is true)."""
        result = self._results[msg_id]
        while True:
            if (until is not None and until(result)) or result.done:
                return result
            try:
                msg = self.client.get_iopub_msg(timeout=timeout)
            except Empty:
                raise TimeoutError(f"no kernel output for {timeout} s\n{self.stacks()}") from None
            parent = msg["parent_header"].get("msg_id")
            target = self._results.get(parent)
            if target is None:
                continue
            kind = msg["msg_type"]
            if kind in ("stream", "display_data", "execute_result", "error", "update_display_data"):
                target.outputs.append({"type": kind, "content": msg["content"]})
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                target.done = True

    def complete(self, code: str, cursor_pos: int | None = None) -> list[str]:
        cursor = len(code) if cursor_pos is None else cursor_pos
        msg_id = self.client.complete(code, cursor)
        while True:
            reply = self.client.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]["matches"]

    def comm_send(self, target: str, data: dict) -> None:
        """Open a comm to `target` and send it `data`, as the frontend does; shell messages are
        handled in order, so the next cell runs after the kernel has handled it."""
        comm_id = uuid.uuid4().hex
        for kind, content in (
            ("comm_open", {"comm_id": comm_id, "target_name": target, "data": {}}),
            ("comm_msg", {"comm_id": comm_id, "data": data}),
        ):
            self.client.shell_channel.send(self.client.session.msg(kind, content))

    def stacks(self) -> str:
        """Every thread's Python stack in the kernel (py-spy), so a hang says where it hangs."""
        pid = getattr(self.manager.provisioner, "pid", None)
        if pid is None or shutil.which("py-spy") is None:
            return "(no stacks: py-spy is not installed)"
        dump = subprocess.run(
            ["py-spy", "dump", "--pid", str(pid)], capture_output=True, text=True, timeout=30
        )
        return f"kernel stacks:\n{dump.stdout}{dump.stderr}"

    def interrupt(self) -> None:
        self.manager.interrupt_kernel()

    def shutdown(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)
