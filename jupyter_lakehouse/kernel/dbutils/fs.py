"""`dbutils.fs` (and `%fs`): files in DBFS (a folder of the workspace home) and local files.

Same calls, arguments and results as on Databricks: `ls` answers FileInfo tuples whose folder
names end in `/`, `put` refuses to overwrite unless told, `cp`/`rm` of a folder need `recurse`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import NamedTuple

from ..errors import NotebookError
from .paths import DbfsPaths
from .unsupported import unsupported

HEAD_BYTES = 65536


class FileInfo(NamedTuple):
    path: str
    name: str
    size: int
    modificationTime: int

    def isDir(self) -> bool:
        return self.name.endswith("/")

    def isFile(self) -> bool:
        return not self.isDir()


class FsError(NotebookError):
    title = "dbutils.fs"


class FileSystem:
    def __init__(self, paths: DbfsPaths) -> None:
        self.paths = paths

    def _existing(self, path: str) -> Path:
        local = self.paths.local(path)
        if local.exists():
            return local
        if self.paths.is_missing_mount(path):
            raise FsError(
                f"{path} is under /mnt, a Databricks mount point; mounts do not exist here. "
                f"Copy the data to {self.paths.root}/mnt/… (dbfs:/mnt/…) or use its real "
                "location (file:/…, s3a://…)."
            )
        raise FsError(f"{path}: no such file or directory")

    def _info(self, local: Path) -> FileInfo:
        stat = local.stat()
        uri, name = self.paths.uri(local), local.name
        if local.is_dir():
            uri, name, size = uri.rstrip("/") + "/", name + "/", 0
        else:
            size = stat.st_size
        return FileInfo(uri, name, size, int(stat.st_mtime * 1000))

    def ls(self, dir: str = "dbfs:/") -> list[FileInfo]:
        local = self._existing(dir)
        if local.is_file():
            return [self._info(local)]
        return [self._info(child) for child in sorted(local.iterdir())]

    def mkdirs(self, dir: str) -> bool:
        local = self.paths.local(dir)
        if local.is_file():
            raise FsError(f"{dir} exists and is a file")
        local.mkdir(parents=True, exist_ok=True)
        return True

    def put(self, file: str, contents: str, overwrite: bool = False) -> bool:
        local = self.paths.local(file)
        if local.is_dir():
            raise FsError(f"{file} is a folder")
        if local.exists() and not overwrite:
            raise FsError(f"{file} already exists; pass overwrite=True to replace it")
        local.parent.mkdir(parents=True, exist_ok=True)
        data = contents.encode() if isinstance(contents, str) else bytes(contents)
        local.write_bytes(data)
        print(f"Wrote {len(data)} bytes.")
        return True

    def head(self, file: str, maxBytes: int = HEAD_BYTES) -> str:
        local = self._existing(file)
        if local.is_dir():
            raise FsError(f"{file} is a folder; head reads a file")
        with local.open("rb") as f:
            return f.read(maxBytes).decode("utf-8", errors="replace")

    def cp(self, from_: str, to: str, recurse: bool = False) -> bool:
        source, target = self._existing(from_), self.paths.local(to)
        if source.is_dir():
            if not recurse:
                raise FsError(f"{from_} is a folder; copy it with recurse=True")
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            if target.is_dir():
                target = target / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        return True

    def mv(self, from_: str, to: str, recurse: bool = False) -> bool:
        source, target = self._existing(from_), self.paths.local(to)
        if source.is_dir() and not recurse:
            raise FsError(f"{from_} is a folder; move it with recurse=True")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(source, target)
        return True

    def rm(self, dir: str, recurse: bool = False) -> bool:
        local = self.paths.local(dir)
        if not local.exists():
            return False
        if local == self.paths.root.resolve():
            raise FsError("refusing to delete the root of DBFS")
        if local.is_dir():
            if not recurse and any(local.iterdir()):
                raise FsError(f"{dir} is a non-empty folder; delete it with recurse=True")
            shutil.rmtree(local)
        else:
            local.unlink()
        return True

    # Mounts attach cloud storage to a Databricks workspace; nothing here can recreate that.
    mount = unmount = mounts = refreshMounts = updateMount = unsupported(
        "dbutils.fs.mount (Databricks mounts)",
        "read and write cloud storage by its own URI (s3a://, abfss://, gs://) with the "
        "credentials in the cluster's Spark settings, or copy the data under dbfs:/",
    )

    def help(self) -> None:
        print(
            "dbutils.fs: ls, mkdirs, put, head, cp, mv, rm over dbfs:/ (the folder "
            f"{self.paths.root}) and file:/ paths."
        )
