"""`dbutils.notebook`: `run` another notebook as an ephemeral job, `exit` with a value.

`run` starts a new kernel (in a runner process, `runner.py`) attached to the caller's cluster,
with the arguments as its widget values, and answers what that notebook passed to `exit`.
The executed copy is kept under `<workspace home>/notebook-runs/`, as Databricks keeps the
ephemeral job's run, and its path is printed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from ..errors import NotebookError
from .notebooks import require_notebook
from .unsupported import unsupported

# How long a runner may take to stop its kernel after being told to stop.
STOP_GRACE = 20.0


class NotebookExit(Exception):
    """Raised by `dbutils.notebook.exit(value)`: stops the notebook there, with `value`."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[0;32mNotebook exited\x1b[0m: {self.value}"]


class NotebookRunError(NotebookError):
    title = "dbutils.notebook.run"


class NotebookWorkflow:
    def __init__(self, session: Any, base_dir: Path) -> None:
        self._session = session
        self.base_dir = base_dir

    def exit(self, value: Any) -> None:
        raise NotebookExit("" if value is None else str(value))

    def run(self, path: str, timeout_seconds: int = 0, arguments: dict | None = None) -> str:
        """Run the notebook at `path`; what it passed to `exit` ("" if it never called it).

        `timeout_seconds` 0 waits without limit, as on Databricks.
        """
        notebook = require_notebook(path, self.base_dir)
        arguments = {str(k): str(v) for k, v in (arguments or {}).items()}
        runs = self._session.home / "notebook-runs"
        runs.mkdir(parents=True, exist_ok=True)
        output = (
            runs / f"{notebook.stem}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.ipynb"
        )
        command = [
            sys.executable,
            "-m",
            "jupyter_lakehouse.kernel.dbutils.runner",
            str(notebook),
            "--cluster",
            self._session.cluster_name,
            "--arguments",
            json.dumps(arguments),
            "--output",
            str(output),
        ]
        env = {**os.environ, "LAKEHOUSE_HOME": str(self._session.home)}
        runner = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # interrupting this cell must not interrupt the runner
        )
        try:
            out, err = runner.communicate(timeout=timeout_seconds or None)
        except subprocess.TimeoutExpired:
            _stop(runner)
            raise NotebookRunError(
                f"{path} did not finish within timeout_seconds={timeout_seconds}; it was "
                f"stopped. What it ran so far: {output}"
            ) from None
        except KeyboardInterrupt:
            _stop(runner)
            raise
        return _result(path, runner.returncode, out, err, output)

    def getContext(self) -> Any:
        return unsupported(
            "dbutils.notebook.getContext()",
            "the notebook's path is in os.environ['JPY_SESSION_NAME'], its cluster in "
            "spark (repr(spark))",
        )()

    def help(self) -> None:
        print(
            "dbutils.notebook: run(path, timeout_seconds, arguments) runs a notebook in a new "
            "kernel on this cluster and returns its exit value; exit(value) stops this one."
        )


def _stop(runner: subprocess.Popen) -> None:
    """Ask the runner to stop its kernel; kill its process group if it does not in time."""
    with contextlib.suppress(ProcessLookupError):
        runner.send_signal(signal.SIGTERM)
    try:
        runner.communicate(timeout=STOP_GRACE)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(runner.pid, signal.SIGKILL)
        runner.communicate()


def _result(path: str, code: int, out: str, err: str, output: Path) -> str:
    last = out.strip().rsplit("\n", 1)[-1] if out.strip() else ""
    try:
        result = json.loads(last)
    except ValueError:
        tail = "\n".join(err.strip().splitlines()[-5:])
        raise NotebookRunError(f"the runner for {path} failed (exit code {code}): {tail}") from None
    print(f"Notebook run {path}: {result['status']}; executed copy: {output}")
    if result["status"] == "failed":
        raise NotebookRunError(
            f"{path} failed in cell {result['cell']}: {result['ename']}: {result['evalue']}"
        )
    return result.get("value") or ""
