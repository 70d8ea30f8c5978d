"""lakehouse/api/mlflow: the tracking server's status, experiments, runs, artifacts, compare,
and the model registry (DESIGN.md's MLflow contract).

Ids, model names, metric and tag keys are path segments (URL-encoded: a metric named
`train/loss` travels as `train%2Floss`); artifact paths are query parameters.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from ..services.mlflow import MLflowService
from .base import LakehouseHandler

# The first request may start the embedded tracking server (seconds; longer on a busy machine).
MLFLOW_TIMEOUT = 150.0
UI_PREFIX = "lakehouse/mlflow-ui/"


class MLflowBaseHandler(LakehouseHandler):
    auth_resource = "lakehouse:mlflow"

    @property
    def mlflow(self) -> MLflowService:
        return self.service("mlflow")

    def arg(self, name: str) -> str | None:
        return self.get_query_argument(name, None)

    async def call(self, fn, *args: Any) -> Any:
        return await self.run_blocking(fn, *args, timeout=MLFLOW_TIMEOUT)


class StatusHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        status = await self.call(self.mlflow.status)
        ui = status.pop("ui_available")
        status["ui_path"] = url_path_join(self.base_url, UI_PREFIX) if ui else None
        self.finish_json(status)


class ExperimentsHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        q, limit, token = self.arg("q"), self.arg("max_results"), self.arg("page_token")
        self.finish_json(await self.call(self.mlflow.experiments, q, limit, token))


class ExperimentHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, experiment_id: str) -> None:
        self.finish_json(await self.call(self.mlflow.experiment, experiment_id))


class RunsHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, experiment_id: str) -> None:
        args = (
            experiment_id,
            self.arg("filter"),
            self.get_query_arguments("order_by"),
            self.arg("max_results"),
            self.arg("page_token"),
        )
        self.finish_json(await self.call(self.mlflow.runs, *args))


class RunHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        self.finish_json(await self.call(self.mlflow.run, run_id))


class MetricHistoryHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, run_id: str, key: str) -> None:
        self.finish_json(await self.call(self.mlflow.metric_history, run_id, key))


class ArtifactsHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        self.finish_json(await self.call(self.mlflow.artifacts, run_id, self.arg("path")))


class ArtifactPreviewHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        self.finish_json(await self.call(self.mlflow.artifact_preview, run_id, self.arg("path")))


class ArtifactRawHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        data, media_type = await self.call(self.mlflow.artifact_raw, run_id, self.arg("path"))
        # The API's content security policy (default-src 'none') applies: an SVG or HTML
        # artifact opened directly cannot run scripts.
        self.set_header("X-Content-Type-Options", "nosniff")
        self.finish(data, set_content_type=media_type)


class CompareHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.finish_json(await self.call(self.mlflow.compare, self.arg("run_ids")))


class RegisterHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def post(self, run_id: str) -> None:
        body = self.json_body()
        self.finish_json(await self.call(self.mlflow.register, run_id, body), status=201)


class ModelsHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        q, limit, token = self.arg("q"), self.arg("max_results"), self.arg("page_token")
        self.finish_json(await self.call(self.mlflow.models, q, limit, token))


class ModelHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str) -> None:
        self.finish_json(await self.call(self.mlflow.model, name))

    @web.authenticated
    @authorized
    async def patch(self, name: str) -> None:
        body = self.json_body()
        self.finish_json(await self.call(self.mlflow.update_model, name, body))


class ModelTagHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def put(self, name: str, key: str) -> None:
        body = self.json_body()
        self.finish_json(await self.call(self.mlflow.set_model_tag, name, key, body))

    @web.authenticated
    @authorized
    async def delete(self, name: str, key: str) -> None:
        self.finish_json(await self.call(self.mlflow.delete_model_tag, name, key))


class VersionHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def patch(self, name: str, version: str) -> None:
        body = self.json_body()
        self.finish_json(await self.call(self.mlflow.update_version, name, version, body))


class VersionTagHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def put(self, name: str, version: str, key: str) -> None:
        body = self.json_body()
        result = await self.call(self.mlflow.set_version_tag, name, version, key, body)
        self.finish_json(result)

    @web.authenticated
    @authorized
    async def delete(self, name: str, version: str, key: str) -> None:
        self.finish_json(await self.call(self.mlflow.delete_version_tag, name, version, key))


class AliasHandler(MLflowBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, name: str, alias: str) -> None:
        self.finish_json(await self.call(self.mlflow.alias, name, alias))

    @web.authenticated
    @authorized
    async def put(self, name: str, alias: str) -> None:
        body = self.json_body()
        self.finish_json(await self.call(self.mlflow.set_alias, name, alias, body))

    @web.authenticated
    @authorized
    async def delete(self, name: str, alias: str) -> None:
        self.finish_json(await self.call(self.mlflow.delete_alias, name, alias))


_PART = r"[^/]+"


def mlflow_routes(api: str) -> list[tuple[str, type]]:
    base = rf"{api}/mlflow"
    run = rf"{base}/runs/(?P<run_id>{_PART})"
    model = rf"{base}/models/(?P<name>{_PART})"
    version = rf"{model}/versions/(?P<version>{_PART})"
    return [
        (rf"{base}/status", StatusHandler),
        (rf"{base}/experiments", ExperimentsHandler),
        (rf"{base}/experiments/(?P<experiment_id>{_PART})/runs", RunsHandler),
        (rf"{base}/experiments/(?P<experiment_id>{_PART})", ExperimentHandler),
        (rf"{run}/metrics/(?P<key>{_PART})", MetricHistoryHandler),
        (rf"{run}/artifacts/preview", ArtifactPreviewHandler),
        (rf"{run}/artifacts/raw", ArtifactRawHandler),
        (rf"{run}/artifacts", ArtifactsHandler),
        (rf"{run}/register", RegisterHandler),
        (run, RunHandler),
        (rf"{base}/compare", CompareHandler),
        (rf"{base}/models", ModelsHandler),
        (rf"{model}/tags/(?P<key>{_PART})", ModelTagHandler),
        (rf"{version}/tags/(?P<key>{_PART})", VersionTagHandler),
        (version, VersionHandler),
        (rf"{model}/aliases/(?P<alias>{_PART})", AliasHandler),
        (model, ModelHandler),
    ]
