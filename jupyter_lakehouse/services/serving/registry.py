"""Finding the model version an endpoint serves, through MLflow's client, before any process
is spawned: an unknown model, version or alias is a 404 with MLflow's own message."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import NotFound, Unavailable


@dataclass
class ResolvedModel:
    model_name: str
    version: str
    alias: str | None
    model_uri: str
    source: str | None
    run_id: str | None


def _client(tracking_uri: str):
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


def resolve(tracking_uri: str, model_name: str, version: str | None, alias: str | None):
    from mlflow.exceptions import MlflowException

    client = _client(tracking_uri)
    try:
        if alias is not None:
            mv = client.get_model_version_by_alias(model_name, alias)
        else:
            mv = client.get_model_version(model_name, version)
    except MlflowException as e:
        if e.error_code in ("RESOURCE_DOES_NOT_EXIST", "INVALID_PARAMETER_VALUE", "NOT_FOUND"):
            raise NotFound(e.message, code="model_not_found") from None
        raise Unavailable(f"MLflow answered: {e.message}", code="mlflow_error") from None
    except OSError as e:
        raise Unavailable(
            f"MLflow at {tracking_uri} is not reachable: {e}", code="mlflow_unavailable"
        ) from None
    # Pinned to the version the alias names now: the endpoint shows (and the sample describes)
    # exactly what it serves, even if the alias moves while the server loads.
    uri = f"models:/{model_name}/{mv.version}"
    return ResolvedModel(
        model_name=model_name,
        version=str(mv.version),
        alias=alias,
        model_uri=uri,
        source=mv.source,
        run_id=mv.run_id,
    )
