"""{base_url}lakehouse/livy/: Apache Livy's sessions and statements API (issue 10).

Errors are Livy's `{"msg": "..."}` rather than the lakehouse's `{"error": {...}}`: Livy clients
(sparkmagic) read `msg`. Everything else is as for every lakehouse route: Jupyter's
authentication, authorization on `lakehouse:livy`, blocking work off the event loop.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from jupyter_server.auth.decorator import authorized
from jupyter_server.utils import url_path_join
from tornado import web

from ..services.errors import LakehouseError
from ..services.livy import LivyService
from .base import LakehouseHandler

LIVY = r"/lakehouse/livy"
COMPLETION_TIMEOUT = 30.0


class LivyHandler(LakehouseHandler):
    auth_resource = "lakehouse:livy"

    @property
    def livy(self) -> LivyService:
        return self.service("livy")

    def session_json(self, data: dict) -> dict:
        # The service knows no base_url; the Spark UI proxy lives under this server's.
        info = data.get("appInfo") or {}
        if info.get("sparkUiUrl"):
            info["sparkUiUrl"] = url_path_join(self.base_url, info["sparkUiUrl"])
        return data

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Livy's error shape, {"msg": ...}; never a traceback."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, LakehouseError):
            status_code, message = exc.status, exc.message
        elif isinstance(exc, web.HTTPError):
            message = (
                exc.log_message % exc.args if exc.log_message and exc.args else exc.log_message
            )
            message = message or exc.reason or HTTPStatus(status_code).phrase
        elif status_code >= 500:
            message = "The server hit an unexpected error; the server log has the details."
        else:
            message = HTTPStatus(status_code).phrase
        self.set_status(status_code)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"msg": message}))


class SessionsHandler(LivyHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        result = await self.run_blocking(
            self.livy.list_sessions,
            self.get_query_argument("from", None),
            self.get_query_argument("size", None),
        )
        result["sessions"] = [self.session_json(s) for s in result["sessions"]]
        self.finish_json(result)

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body()
        owner = self.current_user.username if self.current_user else None
        session = await self.run_blocking(self.livy.create_session, body, owner)
        self.finish_json(self.session_json(session), status=201)


class SessionHandler(LivyHandler):
    @web.authenticated
    @authorized
    async def get(self, session_id: str) -> None:
        session = await self.run_blocking(self.livy.get_session, session_id)
        self.finish_json(self.session_json(session))

    @web.authenticated
    @authorized
    async def delete(self, session_id: str) -> None:
        self.finish_json(await self.run_blocking(self.livy.delete_session, session_id))


class SessionStateHandler(LivyHandler):
    @web.authenticated
    @authorized
    async def get(self, session_id: str) -> None:
        self.finish_json(await self.run_blocking(self.livy.session_state, session_id))


class SessionLogHandler(LivyHandler):
    @web.authenticated
    @authorized
    async def get(self, session_id: str) -> None:
        result = await self.run_blocking(
            self.livy.session_log,
            session_id,
            self.get_query_argument("from", None),
            self.get_query_argument("size", None),
        )
        self.finish_json(result)


class StatementsHandler(LivyHandler):
    @web.authenticated
    @authorized
    async def get(self, session_id: str) -> None:
        result = await self.run_blocking(
            self.livy.list_statements,
            session_id,
            self.get_query_argument("from", None),
            self.get_query_argument("size", None),
        )
        self.finish_json(result)

    @web.authenticated
    @authorized
    async def post(self, session_id: str) -> None:
        body = self.json_body()
        statement = await self.run_blocking(self.livy.submit_statement, session_id, body)
        self.finish_json(statement, status=201)


class StatementHandler(LivyHandler):
    @web.authenticated
    @authorized
    async def get(self, session_id: str, statement_id: str) -> None:
        result = await self.run_blocking(self.livy.get_statement, session_id, statement_id)
        self.finish_json(result)


class StatementCancelHandler(LivyHandler):
    @web.authenticated
    @authorized
    async def post(self, session_id: str, statement_id: str) -> None:
        result = await self.run_blocking(self.livy.cancel_statement, session_id, statement_id)
        self.finish_json(result)


class CompletionHandler(LivyHandler):
    @web.authenticated
    @authorized
    async def post(self, session_id: str) -> None:
        body = self.json_body()
        result = await self.run_blocking(
            self.livy.complete, session_id, body, timeout=COMPLETION_TIMEOUT
        )
        self.finish_json(result)


class LivyNotFoundHandler(LivyHandler):
    """Unknown paths under lakehouse/livy/ answer Livy's JSON 404, not an HTML page."""

    @web.authenticated
    @authorized
    def _not_found(self, *args: Any) -> None:
        raise web.HTTPError(404, "No such Livy route.")

    get = post = put = patch = delete = _not_found


def livy_routes() -> list[tuple[str, type]]:
    session = rf"{LIVY}/sessions/(?P<session_id>[^/]+)"
    statement = rf"{session}/statements/(?P<statement_id>[^/]+)"
    return [
        (rf"{LIVY}/sessions", SessionsHandler),
        (rf"{statement}/cancel", StatementCancelHandler),
        (statement, StatementHandler),
        (rf"{session}/statements", StatementsHandler),
        (rf"{session}/state", SessionStateHandler),
        (rf"{session}/log", SessionLogHandler),
        (rf"{session}/completion", CompletionHandler),
        (session, SessionHandler),
        (rf"{LIVY}/.*", LivyNotFoundHandler),
    ]
