"""Where a Databricks path lives on this machine.

`dbfs:/x`, `/dbfs/x` (the Databricks FUSE view) and scheme-less `/x` (dbutils' default scheme is
DBFS) all map into `<workspace home>/dbfs/`; `file:/x` is the local file `/x`. A DBFS path may
never leave its root (`dbfs:/../etc` is refused), so a notebook can't reach outside the
workspace's DBFS by accident.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import NotebookError


class DbfsPathError(NotebookError):
    title = "DBFS path"


class DbfsPaths:
    def __init__(self, root: Path) -> None:
        self.root = root

    def local(self, path: str) -> Path:
        """The local file or folder that `path` names."""
        if not isinstance(path, str) or not path:
            raise DbfsPathError(f"a path must be a non-empty string, not {path!r}")
        if path.startswith("file:"):
            return Path("/" + path[len("file:") :].lstrip("/"))
        if path.startswith("dbfs:"):
            rest = path[len("dbfs:") :]
        elif path == "/dbfs" or path.startswith("/dbfs/"):
            rest = path[len("/dbfs") :] or "/"
        else:
            rest = path
        if not rest.startswith("/"):
            raise DbfsPathError(
                f"{path!r} is relative; DBFS paths start at the root (dbfs:/{rest}), "
                f"local ones are written file:/absolute/path"
            )
        root = self.root.resolve()
        target = (root / rest.lstrip("/")).resolve()
        if target != root and root not in target.parents:
            raise DbfsPathError(f"{path!r} leaves DBFS (the folder {root})")
        return target

    def uri(self, local: Path) -> str:
        """The Databricks spelling of a local path: dbfs:/… inside the root, file:/… outside."""
        root = self.root.resolve()
        local = local.resolve()
        if local == root:
            return "dbfs:/"
        if root in local.parents:
            return "dbfs:/" + local.relative_to(root).as_posix()
        return "file:" + local.as_posix()

    def is_missing_mount(self, path: str) -> bool:
        """A `/mnt/...` path that does not exist here (Databricks mounts are not recreated)."""
        rest = path[len("dbfs:") :] if path.startswith("dbfs:") else path
        return rest.startswith("/mnt/") and not self.local(path).exists()
