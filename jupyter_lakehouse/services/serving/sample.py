"""A request body for an endpoint, from what MLflow knows about the model.

The model's own serving example (`serving_input_example.json`, saved when an input example was
logged) is preferred; otherwise one row is made up from the signature's input schema, with a
plausible value per type. The files come through MLflow's own download and Model APIs, so any
artifact store MLflow supports works.
"""

from __future__ import annotations

import json
import tempfile
from typing import Any

from ..errors import NotFound, Unavailable

# One plausible value per MLflow DataType name.
_VALUES: dict[str, Any] = {
    "boolean": True,
    "integer": 1,
    "long": 1,
    "float": 1.0,
    "double": 1.0,
    "string": "text",
    "binary": "",
    "datetime": "2024-01-01T00:00:00",
}


def build_sample(tracking_uri: str, model_name: str, version: str) -> dict:
    """{request, source: input_example|signature|none, message}."""
    from mlflow import MlflowClient
    from mlflow.artifacts import download_artifacts
    from mlflow.exceptions import MlflowException
    from mlflow.models import Model

    # MLflow resolves `models:/` URIs against its process-global registry URI; asking the
    # client for the version's storage location keeps this call on our tracking URI.
    client = MlflowClient(tracking_uri, registry_uri=tracking_uri)
    try:
        location = client.get_model_version_download_uri(model_name, version)
    except MlflowException as e:
        raise NotFound(e.message, code="model_not_found") from None

    def fetch(file_name: str, dst: str) -> str:
        return download_artifacts(
            artifact_uri=f"{location.rstrip('/')}/{file_name}",
            dst_path=dst,
            tracking_uri=tracking_uri,
            registry_uri=tracking_uri,
        )

    with tempfile.TemporaryDirectory(prefix="lakehouse-sample-") as tmp:
        try:
            info = Model.load(fetch("MLmodel", tmp))
        except MlflowException as e:
            raise NotFound(e.message, code="model_not_found") from None
        except OSError as e:
            raise Unavailable(
                f"The model's files could not be read: {e}", code="mlflow_error"
            ) from None
        serving_path = (info.saved_input_example_info or {}).get("serving_input_path")
        if serving_path:
            try:
                fetch(serving_path, tmp)
                text = info.get_serving_input(tmp)
                if text:
                    return {
                        "request": json.loads(text),
                        "source": "input_example",
                        "message": "The input example logged with the model.",
                    }
            except (MlflowException, OSError, ValueError):
                pass  # fall back to the signature
    signature = info.signature
    if signature is None or signature.inputs is None:
        return {
            "request": {"dataframe_split": {"columns": [], "data": [[]]}},
            "source": "none",
            "message": "The model was logged without a signature or input example: "
            "fill in the columns and values it expects.",
        }
    return {
        "request": request_from_schema(signature.inputs),
        "source": "signature",
        "message": "Made up from the model signature: one row with a placeholder per column.",
    }


def request_from_schema(schema) -> dict:
    """A `dataframe_split` body for column schemas, an `inputs` body for tensor schemas."""
    if schema.is_tensor_spec():
        tensors = {spec.name: _tensor(spec) for spec in schema.inputs}
        if schema.has_input_names():
            return {"inputs": tensors}
        return {"inputs": next(iter(tensors.values()))}
    row = [_value(spec.type) for spec in schema.inputs]
    if schema.has_input_names():
        return {"dataframe_split": {"columns": schema.input_names(), "data": [row]}}
    return {"dataframe_split": {"data": [row]}}


def _value(dtype) -> Any:
    """A plausible value for a column type: scalars, arrays, objects and maps included."""
    from mlflow.types.schema import Array, DataType, Map, Object

    if isinstance(dtype, DataType):
        return _VALUES.get(dtype.name)
    if isinstance(dtype, Array):
        return [_value(dtype.dtype)]
    if isinstance(dtype, Object):
        return {p.name: _value(p.dtype) for p in dtype.properties}
    if isinstance(dtype, Map):
        return {"key": _value(dtype.value_type)}
    return None


def _tensor(spec) -> Any:
    """Zeros (or placeholders) in the spec's shape, with -1 (any size) taken as 1."""
    kind = spec.type.kind
    fill: Any = 0.0 if kind == "f" else 0 if kind in "iu" else False if kind == "b" else ""
    shape = [1 if d is None or d < 0 else d for d in spec.shape] or [1]
    value: Any = fill
    for size in reversed(shape):
        value = [value] * size if not isinstance(value, list) else [list(value)] * size
    return value
