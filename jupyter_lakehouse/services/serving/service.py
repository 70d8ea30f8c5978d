"""ServingService: start, watch, call and stop MLflow model servers ("endpoints").

State lives in files under `<home>/serving/` (store.py), so a restarted Jupyter server finds
its endpoints again: a record whose pid and create time still match a live process is that
endpoint; one whose process is gone is marked stopped (it had been ready) or error (it never
got there), with the reason from its exit status and log, and leftovers of it are swept.

Transitions happen when someone looks (list, get, invoke, wait_ready): starting -> ready when
/ping answers 200, -> error when the process exits or the start timeout passes. There is no
background thread: the Serving panel polls while anything is starting.

On Jupyter server shutdown endpoints keep running, like clusters, because the next server
finds them again; `stop_on_shutdown=True` (LakehouseApp.serving_stop_on_shutdown) stops them.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from ..clusters.launcher import free_port
from ..clusters.process import describe_exit, exit_status, is_alive, launch, sweep, terminate
from ..errors import BadRequest, Conflict, NotFound, Unavailable
from . import server
from .endpoint import LIVE_STATES, Endpoint, parse_create, validate_name
from .registry import resolve
from .sample import build_sample
from .store import EndpointStore

TrackingUri = str | Callable[[], str | None] | None


class ServingService:
    def __init__(
        self,
        home: Path,
        tracking_uri: TrackingUri = None,
        *,
        start_timeout: float = 180.0,
        invoke_timeout: float = 60.0,
        stop_grace: float = 10.0,
        stop_on_shutdown: bool = False,
    ):
        self.home = Path(home)
        self.store = EndpointStore(self.home)
        self._tracking_uri = tracking_uri
        self.start_timeout = start_timeout
        self.invoke_timeout = invoke_timeout
        self.stop_grace = stop_grace
        self.stop_on_shutdown = stop_on_shutdown

    # -- MLflow ----------------------------------------------------------------------------------

    def tracking_uri(self) -> str:
        """The constructor's URI (or what its callable answers now), else $MLFLOW_TRACKING_URI."""
        value = self._tracking_uri() if callable(self._tracking_uri) else self._tracking_uri
        value = value or os.environ.get("MLFLOW_TRACKING_URI")
        if not value:
            raise Unavailable(
                "No MLflow tracking server is configured: set MLFLOW_TRACKING_URI.",
                code="mlflow_unavailable",
            )
        return value

    # -- reading -----------------------------------------------------------------------------------

    def list(self) -> list[dict]:
        out = []
        for name in self.store.names():
            endpoint = self._refresh(name)
            if endpoint is not None:
                out.append(endpoint.to_api())
        return out

    def get(self, name: str) -> dict:
        return self._get(name).to_api()

    def _get(self, name: str) -> Endpoint:
        validate_name(name)
        endpoint = self._refresh(name)
        if endpoint is None:
            raise NotFound(f"There is no endpoint named '{name}'.", code="endpoint_not_found")
        return endpoint

    def wait_ready(self, name: str, timeout: float, interval: float = 0.5) -> dict:
        """Look until the endpoint leaves `starting` (or `timeout` passes); return it."""
        deadline = time.monotonic() + timeout
        endpoint = self._get(name)
        while endpoint.state == "starting" and time.monotonic() < deadline:
            time.sleep(interval)
            endpoint = self._get(name)
        return endpoint.to_api()

    def logs(self, name: str, max_bytes: int = 64 * 1024) -> dict:
        self._get(name)
        return {"text": server.tail(self.store.log_path(name), max_bytes)}

    def sample(self, name: str) -> dict:
        endpoint = self._get(name)
        cached = self.store.read_sample(name)
        if cached and cached.get("model_uri") == endpoint.model_uri:
            return {k: v for k, v in cached.items() if k != "model_uri"}
        sample = build_sample(self.tracking_uri(), endpoint.model_name, endpoint.version)
        self.store.write_sample(name, {**sample, "model_uri": endpoint.model_uri})
        return sample

    # -- lifecycle -------------------------------------------------------------------------------

    def create(self, body: dict) -> dict:
        request = parse_create(body)
        if self.store.read(request.name) is not None:
            raise self._duplicate(request.name)
        tracking_uri = self.tracking_uri()
        # Before any process: an unknown model, version or alias is a 404 with MLflow's words.
        model = resolve(tracking_uri, request.model_name, request.version, request.alias)
        with self.store.lock():
            if self.store.read(request.name) is not None:
                raise self._duplicate(request.name)
            folder = self.store.dir(request.name)
            folder.mkdir(parents=True, exist_ok=True)
            port = free_port()
            log = self.store.log_path(request.name)
            spec = server.server_spec(folder, log, model.model_uri, port, tracking_uri)
            endpoint = Endpoint(
                name=request.name,
                model_name=model.model_name,
                version=model.version,
                alias=model.alias,
                model_uri=model.model_uri,
                state="starting",
                port=port,
                started_at=time.time(),
            )
            # The record exists before the process, so a crash in between leaves something to see.
            self.store.write(endpoint)
            try:
                endpoint.process = launch(spec)
            except OSError as e:
                endpoint.state = "error"
                endpoint.reason = f"The model server could not be started: {e}"
            self.store.write(endpoint)
        return endpoint.to_api()

    def delete(self, name: str) -> dict:
        """Stop the endpoint's process group (and anything it spawned) and forget it."""
        validate_name(name)
        with self.store.lock():
            endpoint = self.store.read(name)
            if endpoint is None:
                raise NotFound(f"There is no endpoint named '{name}'.", code="endpoint_not_found")
            self._stop_processes(endpoint)
            endpoint.state = "stopped"
            endpoint.reason = "Stopped by request."
            endpoint.stopped_at = time.time()
            endpoint.health = None
            endpoint.process = None
            self.store.remove(name)
        return endpoint.to_api()

    def close(self) -> None:
        """Called on Jupyter server shutdown: endpoints outlive it unless configured not to."""
        if not self.stop_on_shutdown:
            return
        for name in self.store.names():
            try:
                self.delete(name)
            except (NotFound, Unavailable):
                continue

    # -- calling the model -----------------------------------------------------------------------

    def invoke(self, name: str, body: bytes) -> dict:
        """Send a JSON body to the endpoint's own 127.0.0.1 port; {status, elapsed_ms, response}."""
        try:
            json.loads(body or b"")
        except (ValueError, UnicodeDecodeError) as e:
            raise BadRequest(f"The request body is not valid JSON: {e}", code="bad_json") from None
        endpoint = self._get(name)
        if endpoint.state != "ready" or not endpoint.port:
            raise Conflict(
                f"Endpoint '{name}' is {endpoint.state}, not ready"
                + (f": {endpoint.reason}" if endpoint.reason else "."),
                code="endpoint_not_ready",
            )
        try:
            result = server.invoke(endpoint.port, body, self.invoke_timeout)
        except TimeoutError:
            raise Unavailable(
                f"The model server did not answer within {self.invoke_timeout:.0f} s.",
                code="endpoint_timeout",
            ) from None
        except OSError as e:
            raise Unavailable(
                f"The model server could not be reached: {e}", code="endpoint_unreachable"
            ) from None
        return {
            "status": result.status,
            "elapsed_ms": result.elapsed_ms,
            "response": result.response,
        }

    # -- supervision -----------------------------------------------------------------------------

    def _refresh(self, name: str) -> Endpoint | None:
        """Read the record and bring it up to date with its process and /ping."""
        endpoint = self.store.read(name)
        if endpoint is None or endpoint.state not in LIVE_STATES:
            return endpoint
        alive = is_alive(endpoint.process)
        health = server.ping(endpoint.port) if alive else None
        with self.store.lock():
            current = self.store.read(name)
            if current is None or current.process != endpoint.process:
                return current  # deleted or replaced while we looked
            now = time.time()
            current.checked_at = now
            if not alive:
                self._mark_gone(current)
            elif health == "ok":
                current.health = "ok"
                if current.state == "starting":
                    current.state, current.ready_at, current.reason = "ready", now, None
            else:
                current.health = health
                waited = now - (current.started_at or now)
                if current.state == "starting" and waited > self.start_timeout:
                    self._stop_processes(current)
                    current.state = "error"
                    current.reason = (
                        f"The model server did not answer /ping within {self.start_timeout:.0f} s"
                        + self._log_hint(current)
                    )
                    current.process, current.health, current.stopped_at = None, None, now
            self.store.write(current)
            return current

    def _mark_gone(self, endpoint: Endpoint) -> None:
        """The process is gone: say how, keep the log, sweep anything it left behind."""
        code = exit_status(self.store.log_path(endpoint.name), endpoint.process)
        how = describe_exit(code) if endpoint.process else "has no process"
        if endpoint.state == "starting":
            endpoint.state = "error"
            endpoint.reason = f"The model server {how} before it was ready" + self._log_hint(
                endpoint
            )
        else:
            endpoint.state = "stopped"
            # A server that was serving logs requests; only an error line says something.
            endpoint.reason = f"The model server {how}" + self._log_hint(endpoint, True)
        sweep(server.marker(self.store.dir(endpoint.name)), timeout=2.0)
        endpoint.process, endpoint.health, endpoint.stopped_at = None, None, time.time()

    def _log_hint(self, endpoint: Endpoint, errors_only: bool = False) -> str:
        log = self.store.log_path(endpoint.name)
        line = server.last_meaningful_line(log, errors_only=errors_only)
        return f": {line}" if line else "."

    def _stop_processes(self, endpoint: Endpoint) -> None:
        records = [endpoint.process] if endpoint.process else []
        terminate(records, server.marker(self.store.dir(endpoint.name)), self.stop_grace)

    @staticmethod
    def _duplicate(name: str) -> Conflict:
        return Conflict(
            f"An endpoint named '{name}' already exists; delete it first or pick another name.",
            code="endpoint_exists",
        )
