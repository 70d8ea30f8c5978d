"""Domain errors raised by services.

Handlers turn these into JSON errors with the status code each class names, so a service
never needs to know about HTTP and a handler never needs to know about a service's internals.
"""


class LakehouseError(Exception):
    """Base class: a failure the user can understand and act on."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, detail: dict | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.detail = detail or {}


class BadRequest(LakehouseError):
    status = 400
    code = "bad_request"


class Forbidden(LakehouseError):
    status = 403
    code = "forbidden"


class NotFound(LakehouseError):
    status = 404
    code = "not_found"


class Conflict(LakehouseError):
    status = 409
    code = "conflict"


class Unprocessable(LakehouseError):
    status = 422
    code = "unprocessable"


class Unavailable(LakehouseError):
    """A backend (a cluster, MLflow, Java) is not there or not ready."""

    status = 503
    code = "unavailable"
