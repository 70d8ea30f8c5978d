"""GET lakehouse/api/openapi.json: the REST contract as an OpenAPI document."""

import json
from importlib import resources

from jupyter_server.auth.decorator import authorized
from tornado import web

from .. import __version__
from .base import LakehouseHandler


def openapi_document() -> dict:
    doc = json.loads(resources.files("jupyter_lakehouse").joinpath("openapi.json").read_text())
    doc["info"]["version"] = __version__
    return doc


class OpenAPIHandler(LakehouseHandler):
    auth_resource = "lakehouse:api"

    @web.authenticated
    @authorized
    def get(self) -> None:
        self.finish_json(openapi_document())
