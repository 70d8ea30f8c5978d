"""MLflowService: the tracking server the workspace uses, and every query the panels make.

Plain Python (no tornado). The tracking server is the embedded one of the workspace home
(services/mlflow/tracking.py) unless a tracking URI is configured (`MLFLOW_TRACKING_URI` when
the Jupyter server starts, or `c.LakehouseApp.mlflow_tracking_uri`). Every query goes through
`mlflow.MlflowClient` on that URI; failures become the workspace's domain errors (errors.py).

Other services learn where MLflow is from `tracking_uri` (settings key `lakehouse_mlflow`).
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..clusters import process
from ..errors import BadRequest, LakehouseError, NotFound, Unavailable
from . import artifacts, compare, entities
from .errors import UNAVAILABLE, TooLarge, mlflow_errors
from .tracking import TrackingServer, health

if TYPE_CHECKING:  # mlflow takes seconds to import: only when a query needs it
    from mlflow import MlflowClient

MAX_RESULTS = 1000
DEFAULT_RUNS = 100
DEFAULT_LIST = 100
# Versions of a model whose runs are looked up for their notebook (one get_run per run).
NOTEBOOK_LOOKUPS = 100
_HEALTHY_FOR = 5.0  # seconds a successful health probe is trusted
_STATISTICS_EVERY = 60.0  # seconds between checks that the embedded store's statistics hold
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


def _int(value: Any, name: str, default: int, low: int = 1, high: int = MAX_RESULTS) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadRequest(f"'{name}' must be an integer.") from None
    if not low <= number <= high:
        raise BadRequest(f"'{name}' must be between {low} and {high}.")
    return number


def _page_token(value: Any) -> str | None:
    """MLflow's page tokens are base64 text; anything else is the caller's mistake, not a 500
    (MLflow's SQL store fails on a non-ASCII token with an internal error)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not value.isascii() or len(value) > 4096:
        raise BadRequest(
            "'page_token' is not a page token this server gave out.", code="bad_page_token"
        )
    return value


def _quoted(value: str) -> str:
    """A string literal for an MLflow filter (MLflow has no escapes: pick a quote it lacks)."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise BadRequest("A search text cannot hold both ' and \" characters.")


def _like(q: str | None) -> str | None:
    q = (q or "").strip()
    if not q:
        return None
    if len(q) > 200:
        raise BadRequest("'q' is longer than 200 characters.")
    return f"name ILIKE {_quoted('%' + q + '%')}"


def _id(value: str, what: str) -> str:
    if not _SAFE_ID.match(value or ""):
        raise BadRequest(f"'{value}' is not a valid {what}.", code="mlflow_bad_request")
    return value


class MLflowService:
    def __init__(
        self,
        home: Path,
        tracking_uri: str | None = None,
        root_dir: Path | None = None,
        start_timeout: float = 120.0,
        stop_on_shutdown: bool = False,
    ) -> None:
        self.home = Path(home)
        self.stop_on_shutdown = stop_on_shutdown
        self.root_dir = Path(root_dir).resolve() if root_dir else None
        self.server = TrackingServer(self.home, start_timeout=start_timeout)
        configured = (tracking_uri or "").strip() or None
        # The URI this very home's server was exported as (an earlier server in this process,
        # or a kernel's environment) is the embedded server, not an external one.
        if configured and configured.rstrip("/") in self._embedded_uris():
            configured = None
        self._external = configured
        self._client: MlflowClient | None = None
        self._client_uri: str | None = None
        self._client_lock = threading.Lock()
        self._healthy_at = 0.0
        self._starting: threading.Thread | None = None
        self._statistics_at = 0.0
        self._start_error: str | None = None

    # -- where MLflow is -------------------------------------------------------------------------

    def _embedded_uris(self) -> set[str]:
        port = self.server.read_state().port
        return {TrackingServer.uri(port)} if port else set()

    @property
    def embedded(self) -> bool:
        return self._external is None

    @property
    def tracking_uri(self) -> str:
        """The tracking URI for clients (kernels, serving): known before the server answers."""
        if self._external:
            return self._external
        state = self.server.read_state()
        if state.port and process.is_alive(state.process):
            return TrackingServer.uri(state.port)  # no lock: the common case, asked often
        return TrackingServer.uri(self.server.reserve_port())

    @property
    def proxyable(self) -> bool:
        """The UI proxy only ever goes to an http(s) tracking server (the embedded one, or a
        configured http(s) URI), never to an address a client names."""
        return urlsplit(self.tracking_uri).scheme in ("http", "https")

    def start_background(self) -> None:
        """Start the embedded server in a thread, so the Jupyter server starts at once."""
        if not self.embedded or (self._starting and self._starting.is_alive()):
            return

        def run() -> None:
            try:
                self.server.ensure_running()
                self._start_error = None
            except LakehouseError as e:
                self._start_error = e.message

        self._starting = threading.Thread(target=run, name="lakehouse-mlflow-start", daemon=True)
        self._starting.start()

    def ensure_ready(self) -> None:
        """Start the embedded server on first need; a 503 when the tracking server is away."""
        now = time.monotonic()
        if now - self._healthy_at < _HEALTHY_FOR:
            return
        if self.embedded:
            state = self.server.current()
            if state.state == "running" and health(state.port):
                self._healthy_at = now
                return
            self.server.ensure_running()
            self._healthy_at = time.monotonic()
            return
        parts = urlsplit(self._external or "")
        if parts.scheme in ("http", "https"):
            base = self._external.rstrip("/")
            if not _http_health(base):
                raise Unavailable(
                    f"The MLflow tracking server at {base} did not answer.", code=UNAVAILABLE
                )
        self._healthy_at = now

    def client(self) -> MlflowClient:
        self.ensure_ready()
        uri = self.tracking_uri
        with self._client_lock:
            # A new client when the URI changed (a restart that had to take another port).
            if self._client is None or self._client_uri != uri:
                from mlflow import MlflowClient

                self._client = MlflowClient(tracking_uri=uri, registry_uri=uri)
                self._client_uri = uri
            return self._client

    def status(self) -> dict:
        out: dict[str, Any] = {
            "tracking_uri": self.tracking_uri,
            "embedded": self.embedded,
            "version": _mlflow_version(),
            "ui_available": self.proxyable,
        }
        if self.embedded:
            state = self.server.current()
            name, reason = state.state, state.reason
            if self._starting is not None and self._starting.is_alive():
                name, reason = "starting", None  # launched or about to be, by our thread
            elif name in ("stopped", "error") and self._start_error:
                reason = self._start_error
            out.update(state=name, reason=reason, port=state.port)
            return out
        try:
            self.ensure_ready()
            out.update(state="running", reason=None)
        except Unavailable as e:
            out.update(state="error", reason=e.message)
        return out

    def close(self) -> None:
        # By default the embedded server is left running, like clusters: kernels may still log
        # to it, and the next JupyterLab finds it again.
        if self.stop_on_shutdown:
            self.stop()

    def stop(self) -> None:
        if self._starting is not None:
            # A start in flight would launch the server right after a stop: let it finish.
            self._starting.join(self.server.start_timeout)
        if self.embedded:
            self.server.stop()
        self._healthy_at = 0.0

    # -- experiments and runs --------------------------------------------------------------------

    def experiments(self, q=None, max_results=None, page_token=None) -> dict:
        limit = _int(max_results, "max_results", DEFAULT_LIST)
        with mlflow_errors():
            page = self.client().search_experiments(
                max_results=limit,
                filter_string=_like(q),
                order_by=["last_update_time DESC"],
                page_token=_page_token(page_token),
            )
        return {
            "experiments": [entities.experiment(e) for e in page],
            "next_page_token": page.token or None,
        }

    def experiment(self, experiment_id: str) -> dict:
        with mlflow_errors():
            return entities.experiment(self.client().get_experiment(experiment_id))

    def runs(
        self, experiment_id, filter=None, order_by=None, max_results=None, page_token=None
    ) -> dict:
        limit = _int(max_results, "max_results", DEFAULT_RUNS)
        orders = [o.strip() for o in order_by or [] if o and o.strip()]
        self._refresh_statistics()
        with mlflow_errors(bad_request_code="bad_filter"):
            client = self.client()
            page = client.search_runs(
                experiment_ids=[experiment_id],
                filter_string=(filter or "").strip(),
                max_results=limit,
                order_by=orders or None,
                page_token=_page_token(page_token),
            )
            if not page and not page_token:
                # MLflow answers an unknown experiment with no runs: make that a clear 404
                # (asked only then, so a page of runs costs one round trip).
                client.get_experiment(experiment_id)
        runs = [entities.run_summary(r, self.root_dir) for r in page]
        return {
            "runs": runs,
            "next_page_token": page.token or None,
            # Keys on this page (listing every key of a large experiment would scan every run).
            "param_keys": sorted({k for r in runs for k in r["params"]}),
            "metric_keys": compare.metric_keys(runs),
        }

    def _refresh_statistics(self) -> None:
        # The embedded store only (an external server's database is not ours to touch), and
        # at most once a minute: a count of the runs, and ANALYZE when the store has grown.
        now = time.monotonic()
        if self.embedded and now - self._statistics_at > _STATISTICS_EVERY:
            self._statistics_at = now
            self.server.refresh_statistics()

    def run(self, run_id: str) -> dict:
        with mlflow_errors():
            client = self.client()
            run = client.get_run(_id(run_id, "run id"))
            out = entities.run_summary(run, self.root_dir)
            out["artifact_uri"] = run.info.artifact_uri
            out["inputs"] = entities.run_inputs(run)
            out["models"] = self._run_models(client, run)
        return out

    def _run_models(self, client: MlflowClient, run: Any) -> list[dict]:
        run_id = run.info.run_id
        logged = client.search_logged_models(
            experiment_ids=[run.info.experiment_id],
            filter_string=f"source_run_id = '{run_id}'",
        )
        versions = client.search_model_versions(f"run_id = '{run_id}'")
        models = []
        for m in logged:
            meta = self._mlmodel(m.artifact_location)
            models.append(
                {
                    "model_id": m.model_id,
                    "name": m.name,
                    "artifact_path": m.name,
                    "artifact_location": m.artifact_location,
                    "model_uri": m.model_uri,
                    "flavors": meta.get("flavors", {}),
                    "signature": meta.get("signature"),
                    "registered": [
                        {"name": v.name, "version": str(v.version)}
                        for v in versions
                        if entities.version_model_id(v) == m.model_id
                    ],
                }
            )
        return models

    def _mlmodel(self, artifact_location: str) -> dict:
        """Flavors and signature from a logged model's MLmodel file (only that file is read)."""
        from mlflow.artifacts import download_artifacts
        from mlflow.exceptions import MlflowException
        from mlflow.models import Model

        uri = self.tracking_uri
        with tempfile.TemporaryDirectory(prefix="lakehouse-mlmodel-") as tmp:
            try:
                local = download_artifacts(
                    artifact_uri=f"{artifact_location.rstrip('/')}/MLmodel",
                    dst_path=tmp,
                    tracking_uri=uri,
                )
                model = Model.load(local)
            except (MlflowException, OSError, ValueError):
                return {}
        signature = model.signature.to_dict() if model.signature is not None else None
        return {"flavors": dict(model.flavors or {}), "signature": signature}

    def metric_history(self, run_id: str, key: str) -> dict:
        with mlflow_errors():
            client = self.client()
            client.get_run(_id(run_id, "run id"))
            history = client.get_metric_history(run_id, key)
        points = sorted(
            ({"step": m.step, "value": m.value, "timestamp": m.timestamp} for m in history),
            key=lambda p: (p["step"], p["timestamp"]),
        )
        return {"key": key, "history": points}

    def compare(self, run_ids: str | list[str] | None) -> dict:
        ids = run_ids.split(",") if isinstance(run_ids, str) else list(run_ids or [])
        ids = list(dict.fromkeys(i.strip() for i in ids if i.strip()))
        if not compare.MIN_RUNS <= len(ids) <= compare.MAX_RUNS:
            raise BadRequest(
                f"Compare takes {compare.MIN_RUNS} to {compare.MAX_RUNS} distinct run ids "
                "(run_ids=a,b,...)."
            )
        with mlflow_errors():
            client = self.client()
            runs = [
                entities.run_summary(client.get_run(_id(i, "run id")), self.root_dir) for i in ids
            ]
        return {
            "runs": runs,
            "param_diff": compare.param_diff(runs),
            "metric_keys": compare.metric_keys(runs),
        }

    # -- artifacts -------------------------------------------------------------------------------

    def artifacts(self, run_id: str, path: str | None = None) -> dict:
        rel = artifacts.safe_path(path)
        with mlflow_errors():
            client = self.client()
            client.get_run(_id(run_id, "run id"))
            files = client.list_artifacts(run_id, rel or None)
        return {
            "path": rel,
            "files": [
                {"path": f.path, "is_dir": bool(f.is_dir), "file_size": f.file_size} for f in files
            ],
        }

    def _file_info(self, client: MlflowClient, run_id: str, rel: str) -> Any:
        parent = rel.rsplit("/", 1)[0] if "/" in rel else None
        for f in client.list_artifacts(run_id, parent):
            if f.path == rel:
                if f.is_dir:
                    raise BadRequest(f"'{rel}' is a folder, not a file.", code="bad_artifact_path")
                return f
        raise NotFound(f"Run {run_id} has no artifact '{rel}'.", code="artifact_not_found")

    def artifact_preview(self, run_id: str, path: str | None) -> dict:
        rel = artifacts.safe_path(path, allow_root=False)
        kind = artifacts.kind(rel)
        with mlflow_errors():
            client = self.client()
            client.get_run(_id(run_id, "run id"))
            info = self._file_info(client, run_id, rel)
            size = info.file_size
            base = {"path": rel, "kind": kind, "media_type": artifacts.media_type(rel)}
            limit = artifacts.size_limit(kind)
            if limit is None:  # images and binaries: the panel fetches /raw itself
                return {**base, "size": size}
            # Text is shown from its start (the first 256 KB) up to the raw download limit.
            if kind == "text":
                limit = artifacts.RAW_LIMIT
            if size is not None and size > limit:
                return {**base, "kind": "too_large", "size": size, "limit": limit}
            with tempfile.TemporaryDirectory(prefix="lakehouse-artifact-") as tmp:
                local = Path(client.download_artifacts(run_id, rel, tmp))
                out = artifacts.preview(rel, local)
        if kind == "text" and out["size"] > artifacts.TEXT_LIMIT:
            out["truncated"] = True
        return out

    def artifact_raw(self, run_id: str, path: str | None) -> tuple[bytes, str]:
        rel = artifacts.safe_path(path, allow_root=False)
        with mlflow_errors():
            client = self.client()
            client.get_run(_id(run_id, "run id"))
            info = self._file_info(client, run_id, rel)
            if info.file_size is not None and info.file_size > artifacts.RAW_LIMIT:
                raise TooLarge(
                    f"'{rel}' is larger than {artifacts.RAW_LIMIT // (1024 * 1024)} MB; "
                    "download it with the MLflow client."
                )
            with tempfile.TemporaryDirectory(prefix="lakehouse-artifact-") as tmp:
                data = Path(client.download_artifacts(run_id, rel, tmp)).read_bytes()
        return data, artifacts.media_type(rel)

    # -- model registry --------------------------------------------------------------------------

    def register(self, run_id: str, body: dict) -> dict:
        name = body.get("name")
        model_id, artifact_path = body.get("model_id"), body.get("artifact_path")
        if not isinstance(name, str) or not name.strip():
            raise BadRequest("'name' (the registered model's name) is required.")
        if bool(model_id) == bool(artifact_path):
            raise BadRequest("Give one of 'model_id' or 'artifact_path'.")
        with mlflow_errors():
            client = self.client()
            run = client.get_run(_id(run_id, "run id"))
            if model_id:
                logged = client.get_logged_model(_id(str(model_id), "model id"))
                if logged.source_run_id != run_id:
                    raise BadRequest(f"Model {model_id} was not logged by run {run_id}.")
            else:
                rel = artifacts.safe_path(str(artifact_path), allow_root=False)
                logged = next((m for m in self._logged_models(client, run) if m.name == rel), None)
                if logged is None:
                    raise NotFound(
                        f"Run {run_id} logged no model named '{rel}'.", code="model_not_found"
                    )
            from mlflow.exceptions import MlflowException

            try:
                client.create_registered_model(name.strip())
            except MlflowException as e:
                if e.error_code != "RESOURCE_ALREADY_EXISTS":
                    raise
            version = client.create_model_version(
                name=name.strip(),
                source=logged.artifact_location,
                run_id=run_id,
                model_id=logged.model_id,
            )
            notebook = entities.source_notebook(run.data.tags, self.root_dir)
            return entities.model_version(version, notebook)

    @staticmethod
    def _logged_models(client: MlflowClient, run: Any) -> list:
        return list(
            client.search_logged_models(
                experiment_ids=[run.info.experiment_id],
                filter_string=f"source_run_id = '{run.info.run_id}'",
            )
        )

    def models(self, q=None, max_results=None, page_token=None) -> dict:
        limit = _int(max_results, "max_results", DEFAULT_LIST)
        with mlflow_errors():
            page = self.client().search_registered_models(
                filter_string=_like(q), max_results=limit, page_token=_page_token(page_token)
            )
        return {
            "models": [entities.registered_model(m) for m in page],
            "next_page_token": page.token or None,
        }

    def model(self, name: str) -> dict:
        with mlflow_errors():
            client = self.client()
            model = client.get_registered_model(name)
            versions = list(client.search_model_versions(f"name = {_quoted(name)}"))
            aliases = entities.registered_model(model)["aliases"]
            by_version: dict[str, list[str]] = {}
            for alias, version in aliases.items():
                by_version.setdefault(version, []).append(alias)
            notebooks = self._notebooks(client, [v.run_id for v in versions if v.run_id])
        out = entities.registered_model(model)
        out["versions"] = [
            entities.model_version(
                v, notebooks.get(v.run_id), sorted(by_version.get(str(v.version), []))
            )
            for v in sorted(versions, key=lambda v: int(v.version), reverse=True)
        ]
        return out

    def _notebooks(self, client: MlflowClient, run_ids: list[str]) -> dict[str, str | None]:
        from mlflow.exceptions import MlflowException

        out: dict[str, str | None] = {}
        for run_id in list(dict.fromkeys(run_ids))[:NOTEBOOK_LOOKUPS]:
            try:
                out[run_id] = entities.source_notebook(
                    client.get_run(run_id).data.tags, self.root_dir
                )
            except MlflowException:
                out[run_id] = None  # the run was deleted; the version still shows
        return out

    def update_model(self, name: str, body: dict) -> dict:
        description = _description(body)
        with mlflow_errors():
            self.client().update_registered_model(name, description=description)
        return self.model(name)

    def set_model_tag(self, name: str, key: str, body: dict) -> dict:
        value = _tag_value(body)
        with mlflow_errors():
            self.client().set_registered_model_tag(name, key, value)
        return self.model(name)

    def delete_model_tag(self, name: str, key: str) -> dict:
        with mlflow_errors():
            client = self.client()
            if key not in client.get_registered_model(name).tags:
                raise NotFound(f"Model '{name}' has no tag '{key}'.", code="mlflow_not_found")
            client.delete_registered_model_tag(name, key)
        return self.model(name)

    def _version(self, client: MlflowClient, name: str, version: str) -> dict:
        v = client.get_model_version(name, _version_number(version))
        notebook = self._notebooks(client, [v.run_id]).get(v.run_id) if v.run_id else None
        return entities.model_version(v, notebook)

    def update_version(self, name: str, version: str, body: dict) -> dict:
        description = _description(body)
        with mlflow_errors():
            client = self.client()
            client.update_model_version(name, _version_number(version), description=description)
            return self._version(client, name, version)

    def set_version_tag(self, name: str, version: str, key: str, body: dict) -> dict:
        value = _tag_value(body)
        with mlflow_errors():
            client = self.client()
            client.set_model_version_tag(name, _version_number(version), key, value)
            return self._version(client, name, version)

    def delete_version_tag(self, name: str, version: str, key: str) -> dict:
        with mlflow_errors():
            client = self.client()
            current = client.get_model_version(name, _version_number(version))
            if key not in current.tags:
                raise NotFound(
                    f"Version {version} of '{name}' has no tag '{key}'.", code="mlflow_not_found"
                )
            client.delete_model_version_tag(name, _version_number(version), key)
            return self._version(client, name, version)

    @staticmethod
    def _alias_version(client: MlflowClient, name: str, alias: str) -> str:
        # MLflow answers INVALID_PARAMETER_VALUE for an alias that is not set; that is a 404.
        aliases = entities.registered_model(client.get_registered_model(name))["aliases"]
        if alias not in aliases:
            raise NotFound(f"Model '{name}' has no alias '{alias}'.", code="mlflow_not_found")
        return aliases[alias]

    def alias(self, name: str, alias: str) -> dict:
        with mlflow_errors():
            client = self.client()
            return self._version(client, name, self._alias_version(client, name, alias))

    def set_alias(self, name: str, alias: str, body: dict) -> dict:
        """Set or move an alias: an alias names one version at a time."""
        version = _version_number(body.get("version"))
        with mlflow_errors():
            client = self.client()
            client.get_model_version(name, version)  # 404 for a version that does not exist
            client.set_registered_model_alias(name, alias, version)
            return self._version(client, name, version)

    def delete_alias(self, name: str, alias: str) -> dict:
        with mlflow_errors():
            client = self.client()
            self._alias_version(client, name, alias)
            client.delete_registered_model_alias(name, alias)
        return {"name": name, "alias": alias, "deleted": True}


def _description(body: dict) -> str:
    description = body.get("description")
    if not isinstance(description, str):
        raise BadRequest("'description' must be a string.")
    return description


def _tag_value(body: dict) -> str:
    value = body.get("value")
    if not isinstance(value, str):
        raise BadRequest("'value' must be a string.")
    return value


def _version_number(version: Any) -> str:
    text = str(version if version is not None else "").strip()
    if not text.isdigit() or int(text) < 1:
        raise BadRequest("A model version is a positive integer.", code="mlflow_bad_request")
    return str(int(text))


def _http_health(base: str, timeout: float = 3.0) -> bool:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/health", timeout=timeout) as r:
            return r.status == 200
    except urllib.error.HTTPError:
        return True  # it answered: a server without /health is still a server
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _mlflow_version() -> str | None:
    try:
        return metadata.version("mlflow")
    except metadata.PackageNotFoundError:
        return None
