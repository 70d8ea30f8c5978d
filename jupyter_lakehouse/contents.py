"""Databricks source files (`.py`, `.sql`, `.scala`, `.r`) open and save as notebooks.

A contents manager answers `type=notebook` for a Databricks source file with the notebook
`databricks.read_source` makes of it, and saves a notebook model sent to such a path as
Databricks source again (`databricks.write_source`), so the file stays a Databricks notebook.
Everything else (plain `.py` files, listings, `.ipynb`, renames, checkpoints) is the server's
own contents manager, untouched: a normal `.py` still opens as a file.

This is a mixin over whatever contents manager the server runs (the default
`AsyncLargeFileManager`, jupytext's, a remote one): `enable_databricks_notebooks` swaps the
running instance's class for a subclass with the mixin, at extension load, so every holder of
the instance (the contents handlers, jupyter-collaboration's file loaders) sees it whatever the
order extensions load in. Only the public `get`/`save` API of the base is used. Real-time
collaboration loads with `get(path, type="notebook", format="json")` and saves with
`save({"type": "notebook", ...}, path)`, exactly the calls handled here.
"""

from __future__ import annotations

import inspect
import posixpath
from typing import Any

import nbformat
from tornado import web

from .databricks import SOURCE_EXTENSIONS, detect, read_source, write_source
from .databricks.commands import META


def _source_language(path: str) -> str | None:
    return SOURCE_EXTENSIONS.get(posixpath.splitext(path)[1])


def _not_databricks(path: str) -> web.HTTPError:
    return web.HTTPError(
        400,
        f"{path} is not a Databricks source notebook (its first line is not "
        "'# Databricks notebook source'); open it as a file.",
        reason="bad type",
    )


def _as_notebook_model(file_model: dict, path: str, content: bool) -> dict:
    """A file model of a Databricks source turned into a notebook model."""
    model = dict(file_model)
    model["type"] = "notebook"
    model["mimetype"] = None
    if not content:
        model["content"] = None
        model["format"] = None
        return model
    text = file_model.get("content") or ""
    if detect(text, path) is None:
        raise _not_databricks(path)
    model["content"] = read_source(text, filename=path)
    model["format"] = "json"
    return model


def _wants_source(model: dict, path: str, existing: str | None) -> bool:
    """Whether a notebook saved to `path` is written as Databricks source."""
    if model.get("type") != "notebook" or _source_language(path) is None:
        return False
    metadata = (model.get("content") or {}).get("metadata") or {}
    return META in metadata or (existing is not None and detect(existing, path) is not None)


def _source_file_model(model: dict, path: str) -> dict:
    nb = nbformat.from_dict(model["content"])
    return {"type": "file", "format": "text", "content": write_source(nb, _source_language(path))}


class DatabricksNotebooksMixin:
    """For synchronous contents managers (FileContentsManager and its kin)."""

    def get(self, path, content=True, type=None, format=None, **kwargs):
        if type != "notebook" or _source_language(path) is None:
            return super().get(path, content=content, type=type, format=format, **kwargs)
        file_model = super().get(path, content=content, type="file", format="text", **kwargs)
        model = _as_notebook_model(file_model, path, content)
        if content:
            self.mark_trusted_cells(model["content"], path)
            self.validate_notebook_model(model)
        return model

    def save(self, model, path=""):
        path = path.strip("/")
        if model.get("type") != "notebook" or _source_language(path) is None:
            return super().save(model, path)
        existing = self._existing_text(path)
        if not _wants_source(model, path, existing):
            return super().save(model, path)
        super().save(_source_file_model(model, path), path)
        return self.get(path, content=False, type="notebook")

    def _existing_text(self, path: str) -> str | None:
        if not self.file_exists(path):
            return None
        try:
            return super().get(path, content=True, type="file", format="text")["content"]
        except web.HTTPError:
            return None


class AsyncDatabricksNotebooksMixin:
    """For asynchronous contents managers (the server's default AsyncLargeFileManager)."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        if type != "notebook" or _source_language(path) is None:
            return await super().get(path, content=content, type=type, format=format, **kwargs)
        file_model = await super().get(path, content=content, type="file", format="text", **kwargs)
        model = _as_notebook_model(file_model, path, content)
        if content:
            self.mark_trusted_cells(model["content"], path)
            self.validate_notebook_model(model)
        return model

    async def save(self, model, path=""):
        path = path.strip("/")
        if model.get("type") != "notebook" or _source_language(path) is None:
            return await super().save(model, path)
        existing = await self._existing_text(path)
        if not _wants_source(model, path, existing):
            return await super().save(model, path)
        await super().save(_source_file_model(model, path), path)
        return await self.get(path, content=False, type="notebook")

    async def _existing_text(self, path: str) -> str | None:
        if not await _maybe_await(self.file_exists(path)):
            return None
        try:
            model = await super().get(path, content=True, type="file", format="text")
        except web.HTTPError:
            return None
        return model["content"]


async def _maybe_await(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


_MIXINS = (DatabricksNotebooksMixin, AsyncDatabricksNotebooksMixin)


def with_databricks_notebooks(base: type) -> type:
    """`base` with Databricks source notebooks (itself if it has them already)."""
    if issubclass(base, _MIXINS):
        return base
    mixin = (
        AsyncDatabricksNotebooksMixin
        if inspect.iscoroutinefunction(base.get)
        else DatabricksNotebooksMixin
    )
    return type(f"Databricks{base.__name__}", (mixin, base), {"__module__": base.__module__})


def enable_databricks_notebooks(contents_manager: Any) -> None:
    """Give a running contents manager Databricks source notebooks, in place."""
    contents_manager.__class__ = with_databricks_notebooks(type(contents_manager))
