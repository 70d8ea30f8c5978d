"""A real IPython kernel, started the way JupyterLab starts one, for end-to-end kernel tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from queue import Empty

from jupyter_client.manager import start_new_kernel


@dataclass
class CellResult:
    outputs: list[dict] = field(default_factory=list)

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
            if o["type"] in ("display_data", "execute_result") and mime in o["content"]["data"]
        ]


class Kernel:
    def __init__(self, env: dict | None = None) -> None:
        self.manager, self.client = start_new_kernel(kernel_name="python3", env=env)

    def run(self, code: str, timeout: float = 120) -> CellResult:
        msg_id = self.client.execute(code)
        result = CellResult()
        while True:
            try:
                msg = self.client.get_iopub_msg(timeout=timeout)
            except Empty:
                raise TimeoutError(f"cell did not finish in {timeout} s: {code!r}") from None
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind in ("stream", "display_data", "execute_result", "error", "update_display_data"):
                result.outputs.append({"type": kind, "content": msg["content"]})
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                return result

    def shutdown(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)
