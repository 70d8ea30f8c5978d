"""Cancelling one notebook cell's Spark work from outside its kernel.

The kernel is busy running the cell, so it cannot take a message; but Spark Connect scopes
interrupts to a session, and any client that connects with the notebook's session id may
interrupt the operations that carry the cell's tag. Other cells and notebooks keep running.
"""

from __future__ import annotations

import re

from ..errors import BadRequest, Unavailable

TAG = re.compile(r"^lakehouse-cell-[0-9a-f]{12}$")


def check_tag(tag: object) -> str:
    if not isinstance(tag, str) or not TAG.match(tag):
        raise BadRequest("tag must be a cell tag of the form lakehouse-cell-<12 hex digits>.")
    return tag


def interrupt_tag(session_url: str, tag: str) -> list[str]:
    """Interrupt the operations tagged `tag` in the session that `session_url` names
    (sc://host:port/;session_id=…); returns the ids of the operations interrupted."""
    check_tag(tag)
    from pyspark.sql.connect.client import SparkConnectClient

    client = SparkConnectClient(session_url)
    try:
        return list(client.interrupt_tag(tag) or [])
    except Exception as e:
        raise Unavailable(f"The cluster did not take the cancel request: {e}") from None
    finally:
        client.close()
