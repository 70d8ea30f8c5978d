"""MLflow's exceptions as the workspace's domain errors (and so as clear HTTP statuses)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..errors import BadRequest, Conflict, LakehouseError, NotFound, Unavailable

UNAVAILABLE = "mlflow_unavailable"


class TooLarge(LakehouseError):
    """An artifact too large to send through the Jupyter server."""

    status = 413
    code = "too_large"


_BY_CODE: dict[str, Callable[[str], LakehouseError]] = {
    "RESOURCE_DOES_NOT_EXIST": lambda m: NotFound(m, code="mlflow_not_found"),
    "NOT_FOUND": lambda m: NotFound(m, code="mlflow_not_found"),
    "INVALID_PARAMETER_VALUE": lambda m: BadRequest(m, code="mlflow_bad_request"),
    "BAD_REQUEST": lambda m: BadRequest(m, code="mlflow_bad_request"),
    "INVALID_STATE": lambda m: Conflict(m, code="mlflow_conflict"),
    "RESOURCE_ALREADY_EXISTS": lambda m: Conflict(m, code="mlflow_conflict"),
    "RESOURCE_CONFLICT": lambda m: Conflict(m, code="mlflow_conflict"),
    "TEMPORARILY_UNAVAILABLE": lambda m: Unavailable(m, code=UNAVAILABLE),
}

# How MLflow's REST client words a server it could not reach (it wraps requests' errors).
_UNREACHABLE = ("Max retries exceeded", "Connection refused", "Failed to establish", "timed out")


def translate(e: Exception, bad_request_code: str | None = None) -> LakehouseError:
    from mlflow.exceptions import MlflowException

    message = getattr(e, "message", None) or str(e)
    if isinstance(e, MlflowException):
        if any(marker in message for marker in _UNREACHABLE):
            return Unavailable(
                f"The MLflow tracking server did not answer: {message}", code=UNAVAILABLE
            )
        make = _BY_CODE.get(str(e.error_code))
        if make is not None:
            error = make(message)
            if bad_request_code and isinstance(error, BadRequest):
                error.code = bad_request_code
            return error
        return LakehouseError(f"MLflow failed: {message}", code="mlflow_error")
    return Unavailable(f"The MLflow tracking server did not answer: {message}", code=UNAVAILABLE)


@contextmanager
def mlflow_errors(bad_request_code: str | None = None) -> Iterator[None]:
    """Inside the block, MLflow and connection failures become LakehouseErrors."""
    try:
        yield
    except LakehouseError:
        raise
    except Exception as e:
        from mlflow.exceptions import MlflowException

        if isinstance(e, MlflowException):
            raise translate(e, bad_request_code) from None
        # requests' exceptions derive from OSError (IOError); anything else is a real bug.
        if isinstance(e, OSError) or type(e).__module__.startswith(("requests", "urllib3")):
            raise translate(e) from None
        raise
