"""API paths (POSIX, relative to the served root) -> real files that stay inside the root."""

from __future__ import annotations

import posixpath
from pathlib import Path, PurePosixPath

from ..errors import BadRequest, Forbidden


def clean_api_path(path: str, *, what: str = "path") -> str:
    """A relative POSIX path with no `.`/`..` parts, or a 400 naming what is wrong."""
    if not isinstance(path, str):
        raise BadRequest(f"'{what}' must be a string.", code="bad_path")
    raw = path.replace("\\", "/")
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        raise BadRequest(
            f"'{what}' must be relative to the served folder, not absolute: {path!r}.",
            code="bad_path",
        )
    parts = [p for p in raw.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise BadRequest(f"'{what}' may not contain '..': {path!r}.", code="bad_path")
    if any("\x00" in p for p in parts):
        raise BadRequest(f"'{what}' holds a NUL character.", code="bad_path")
    return "/".join(parts)


class ServedRoot:
    """The server's root folder; every file the service touches is checked against it."""

    def __init__(self, root_dir: str | Path):
        self.root = Path(root_dir).expanduser().resolve()

    def resolve(self, api_path: str, *, what: str = "path") -> Path:
        """The file for an API path; symlinks that lead outside the root are refused."""
        cleaned = clean_api_path(api_path, what=what)
        target = (self.root / cleaned).resolve()
        if target != self.root and self.root not in target.parents:
            raise Forbidden(
                f"'{what}' {api_path!r} leads outside the served folder.", code="outside_root"
            )
        return target

    def api_path(self, target: Path) -> str:
        return PurePosixPath(target.relative_to(self.root)).as_posix()


def stem(api_path: str) -> str:
    return posixpath.splitext(api_path)[0]
