"""Databricks notebook formats: source files (`.py`, `.sql`, `.scala`, `.r`) and `.dbc`
archives, read into and written from nbformat notebooks. Plain Python (no tornado): the
server's contents manager and REST routes and the kernel's `%run` all use it.

- `source.detect`, `source.read_source`, `source.write_source`
- `dbc.read_dbc`, `dbc.write_dbc`
- `commands`: one command's text <-> one cell (what both formats share)
"""

from .commands import LANGUAGES, magic_of
from .dbc import DbcFormatError, read_dbc, write_dbc
from .source import (
    LANGUAGE_EXTENSIONS,
    SOURCE_EXTENSIONS,
    SourceFormatError,
    detect,
    read_source,
    write_source,
)

__all__ = [
    "LANGUAGES",
    "LANGUAGE_EXTENSIONS",
    "SOURCE_EXTENSIONS",
    "DbcFormatError",
    "SourceFormatError",
    "detect",
    "magic_of",
    "read_dbc",
    "read_source",
    "write_dbc",
    "write_source",
]
