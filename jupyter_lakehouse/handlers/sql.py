"""lakehouse/api/sql: the SQL editor's statements, parameters and completion, and the query
history (DESIGN.md, "SQL editor and query history")."""

from __future__ import annotations

from jupyter_server.auth.decorator import authorized
from tornado import web

from ..services.sql import QueryHistory, StatementService
from .base import LakehouseHandler

# Connecting to a cluster for the first time takes a few seconds; submitting never waits for
# the statement itself.
SUBMIT_TIMEOUT = 60.0


class SqlBaseHandler(LakehouseHandler):
    auth_resource = "lakehouse:sql"

    @property
    def statements(self) -> StatementService:
        return self.service("sql")

    @property
    def history(self) -> QueryHistory:
        return self.service("sql_history")


class StatementsHandler(SqlBaseHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body()
        user = self.current_user.username if self.current_user else None
        cluster = body.get("cluster")
        result = await self.run_blocking(
            self.statements.submit, cluster, body, user, timeout=SUBMIT_TIMEOUT
        )
        self.finish_json(result, status=202)


class StatementHandler(SqlBaseHandler):
    @web.authenticated
    @authorized
    async def get(self, statement_id: str) -> None:
        self.finish_json(await self.run_blocking(self.statements.get, statement_id))


class StatementCancelHandler(SqlBaseHandler):
    @web.authenticated
    @authorized
    async def post(self, statement_id: str) -> None:
        self.finish_json(await self.run_blocking(self.statements.cancel, statement_id))


class ParametersHandler(SqlBaseHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body()
        self.finish_json(await self.run_blocking(self.statements.parameters, body.get("text")))


class CompleteHandler(SqlBaseHandler):
    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.json_body()
        result = await self.run_blocking(
            self.statements.complete, body.get("cluster"), body.get("text"), body.get("cursor")
        )
        self.finish_json(result)


class HistoryHandler(SqlBaseHandler):
    @web.authenticated
    @authorized
    async def get(self) -> None:
        args = {
            name: self.get_query_argument(name, None)
            for name in ("status", "cluster", "source", "limit", "before")
        }
        q = self.get_query_argument("q", None)
        self.finish_json(await self.run_blocking(lambda: self.history.search(q, **args)))


def sql_routes(api: str) -> list[tuple[str, type]]:
    base = rf"{api}/sql"
    statement = rf"{base}/statements/(?P<statement_id>[^/]+)"
    return [
        (rf"{base}/statements", StatementsHandler),
        (rf"{statement}/cancel", StatementCancelHandler),
        (statement, StatementHandler),
        (rf"{base}/parameters", ParametersHandler),
        (rf"{base}/complete", CompleteHandler),
        (rf"{base}/history", HistoryHandler),
    ]
