"""Every lakehouse route with a concrete sample path, for tests that must cover all of them."""

from __future__ import annotations

import re

from jupyter_lakehouse.handlers import CATCH_ALL, ROUTES

METHODS = ("get", "post", "put", "patch", "delete")


def _sample_path(pattern: str) -> str:
    # Fill every regex group with a harmless value; the request is refused before it is used.
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)|\([^)]*\)", "sample", pattern)
    path = path.replace(r"\.", ".").replace(".*", "sample").rstrip("$")
    return path.lstrip("/")


def all_routes() -> list[tuple[str, str, type]]:
    """(method, path, handler class) for every method each handler defines."""
    cases = []
    for pattern, handler, *_ in [*ROUTES, *CATCH_ALL]:
        for method in METHODS:
            own = getattr(handler, method, None)
            base = getattr(handler.__mro__[-1], method, None)
            if own is not None and own is not base and _defines(handler, method):
                cases.append((method.upper(), _sample_path(pattern), handler))
    return cases


def _defines(handler: type, method: str) -> bool:
    """True when a lakehouse class (not tornado's default 405 stub) implements the method."""
    for cls in handler.__mro__:
        if method in cls.__dict__:
            return cls.__module__.startswith("jupyter_lakehouse")
    return False
