"""The one base handler: authentication, authorization, JSON in and out, error mapping."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web

from ..services.errors import LakehouseError

T = TypeVar("T")

# Status codes we answer with; anything else a backend raises becomes a 500 with no detail.
_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "unprocessable",
    503: "unavailable",
}

DEFAULT_TIMEOUT = 60.0


class LakehouseHandler(ExtensionHandlerMixin, APIHandler):
    """Base for every lakehouse route.

    Subclasses set `auth_resource` ("lakehouse:<area>") and decorate each method with
    `@web.authenticated` and `@authorized`; `tests/handlers/test_auth.py` proves they do.
    """

    auth_resource = "lakehouse"

    def service(self, name: str) -> Any:
        return self.settings["lakehouse"][name]

    def json_body(self) -> dict:
        """The request body as a JSON object, or a 400 saying what is wrong with it."""
        raw = self.request.body or b"{}"
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as e:
            raise web.HTTPError(400, f"The request body is not valid JSON: {e}") from None
        except RecursionError:
            # json.loads recurses per nesting level: [[[[…]]]] 100k deep was a 500 (issue 11).
            raise web.HTTPError(400, "The request body is nested too deeply.") from None
        if not isinstance(body, dict):
            raise web.HTTPError(400, "The request body must be a JSON object.")
        return body

    def finish_json(self, payload: Any, status: int = 200) -> None:
        self.set_status(status)
        self.finish(json.dumps(payload, default=str))

    async def run_blocking(
        self, fn: Callable[..., T], *args: Any, timeout: float = DEFAULT_TIMEOUT
    ) -> T:
        """Run a blocking service call (Spark, delta-rs, MLflow) off the event loop, on the
        threads of this handler's area (pools.py), so a stuck backend cannot starve others."""
        pools = self.settings.get("lakehouse_pools")
        call = pools.run(self.auth_resource, fn, *args) if pools else asyncio.to_thread(fn, *args)
        try:
            return await asyncio.wait_for(call, timeout)
        except TimeoutError:
            raise web.HTTPError(
                503, f"The backend did not answer within {timeout:.0f} s."
            ) from None

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Every error is {"error": {"code", "message"}}; never a traceback."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        detail: dict = {}
        if isinstance(exc, LakehouseError):
            status_code, code, message, detail = exc.status, exc.code, exc.message, exc.detail
        elif isinstance(exc, web.HTTPError):
            code = _CODES.get(status_code, "error")
            message = (
                exc.log_message % exc.args if exc.log_message and exc.args else exc.log_message
            )
            message = message or exc.reason or HTTPStatus(status_code).phrase
        else:
            code = _CODES.get(status_code, "internal_error")
            message = (
                "The server hit an unexpected error; the server log has the details."
                if status_code >= 500
                else HTTPStatus(status_code).phrase
            )
        self.set_status(status_code)
        self.set_header("Content-Type", "application/json")
        error = {"code": code, "message": message}
        if detail:
            error["detail"] = detail
        self.finish(json.dumps({"error": error}, default=str))

    def log_exception(self, typ, value, tb) -> None:
        # Domain errors are expected outcomes, not server faults: log them without a traceback.
        if isinstance(value, LakehouseError):
            self.log.info(
                "%s %s -> %s: %s",
                self.request.method,
                self.request.path,
                value.status,
                value.message,
            )
            return
        super().log_exception(typ, value, tb)


class NotFoundHandler(LakehouseHandler):
    """Unknown paths under lakehouse/api/ answer a JSON 404 rather than an HTML page."""

    @web.authenticated
    @authorized
    def _not_found(self, *args: Any) -> None:
        raise web.HTTPError(404, "No such lakehouse API route.")

    get = post = put = patch = delete = _not_found
