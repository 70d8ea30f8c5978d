"""MLflow's model server as a process: its command, its health, and talking to it.

Nothing here takes a URL from anyone: every call goes to 127.0.0.1 and the port the endpoint's
own record holds, so a client can never make the Jupyter server fetch an address of its choice.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..clusters.launcher import MARKER_ENV, ProcessSpec

LOOPBACK = "127.0.0.1"
ROLE = "server"

# Lines that say why a server failed, as Python and uvicorn print them.
_ERROR_LINE = re.compile(r"^(?:[\w.]*(?:Error|Exception|Exit)\b|ERROR\b|CRITICAL\b)")
# MLflow's wrapper around the scoring server's exit says nothing the server's own error did not.
_WRAPPER = re.compile(r"returned non zero return code|Application startup failed")
_NOISE = re.compile(r"^(?:Traceback|\s|File \"|\^|~|During handling|The above exception)")


def marker(endpoint_dir: Path) -> str:
    """The value of the process-marker variable for an endpoint (see clusters/launcher.py).

    Shared with clusters so one sweep finds anything a model server spawned; the `serving:`
    prefix keeps it from ever equalling a cluster's marker.
    """
    return f"serving:{endpoint_dir.resolve()}"


def server_spec(
    endpoint_dir: Path, log: Path, model_uri: str, port: int, tracking_uri: str, workers: int = 1
) -> ProcessSpec:
    # The MLflow of this environment, never another one found on PATH.
    prefix = [sys.executable, "-m", "mlflow"]
    argv = [
        *prefix,
        "models",
        "serve",
        "-m",
        model_uri,
        "--env-manager",
        "local",
        "-h",
        LOOPBACK,
        "-p",
        str(port),
        "-w",
        str(workers),
    ]
    env = dict(os.environ)
    env["MLFLOW_TRACKING_URI"] = tracking_uri
    env["MLFLOW_REGISTRY_URI"] = tracking_uri
    env[MARKER_ENV] = marker(endpoint_dir)
    # The model server must not think it is part of a Spark Connect client.
    env.pop("SPARK_REMOTE", None)
    return ProcessSpec(role=ROLE, argv=argv, env=env, cwd=endpoint_dir, log=log)


def ping(port: int | None, timeout: float = 2.0) -> str:
    """'ok' when /ping answers 200; otherwise a short description of what happened."""
    if not port:
        return "no port"
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        conn.request("GET", "/ping")
        response = conn.getresponse()
        response.read()
        return "ok" if response.status == 200 else f"/ping answered {response.status}"
    except ConnectionRefusedError:
        return "not listening"
    except (OSError, http.client.HTTPException) as e:
        return f"unreachable: {e}"
    finally:
        conn.close()


@dataclass
class Invocation:
    status: int
    elapsed_ms: float
    response: Any  # the parsed JSON, or the text when the server did not answer JSON


def invoke(port: int, body: bytes, timeout: float) -> Invocation:
    """POST the body to the model server's /invocations on 127.0.0.1:<port>."""
    conn = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    start = time.perf_counter()
    try:
        conn.request(
            "POST", "/invocations", body=body, headers={"Content-Type": "application/json"}
        )
        response = conn.getresponse()
        raw = response.read()
        elapsed = (time.perf_counter() - start) * 1000
        text = raw.decode("utf-8", errors="replace")
        try:
            parsed: Any = json.loads(text)
        except ValueError:
            parsed = text
        return Invocation(status=response.status, elapsed_ms=round(elapsed, 1), response=parsed)
    finally:
        conn.close()


def last_meaningful_line(
    log: Path, max_bytes: int = 64 * 1024, errors_only: bool = False
) -> str | None:
    """The line of the log that best says why the server stopped: the last exception line,
    else (unless `errors_only`) the last line that is not part of a traceback."""
    lines = tail(log, max_bytes).splitlines()
    lines = [line.rstrip() for line in lines if line.strip()]
    errors = [line.strip() for line in lines if _ERROR_LINE.match(line.strip())]
    for line in reversed(errors):
        if not _WRAPPER.search(line):
            return line
    if errors:
        return errors[-1]
    if errors_only:
        return None
    for line in reversed(lines):
        if not _NOISE.match(line) and not line.startswith("[jupyter-lakehouse]"):
            return line.strip()
    return None


def tail(log: Path, max_bytes: int) -> str:
    try:
        with open(log, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - max_bytes))
            data = f.read()
    except FileNotFoundError:
        return ""
    text = data.decode("utf-8", errors="replace")
    if size > max_bytes:
        # Drop the partial first line.
        text = text.split("\n", 1)[-1]
    return text
