"""`dbfs:/…` paths in Spark: `spark.read.csv("dbfs:/raw/a.csv")`, `df.write.save("dbfs:/out")`,
and SQL over files (SELECT * FROM parquet.`dbfs:/…`).

Hadoop's ViewFileSystemOverloadScheme serves the `dbfs` scheme from a mount table whose
fallback link is the workspace's dbfs/ folder, so every `dbfs:/x` is the local `<home>/dbfs/x`.
Set per Spark session (session settings reach the session's Hadoop configuration), only on
clusters this machine runs (a remote cluster would write into its own disk's folder of that
name). No Spark code or SQL text is rewritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def dbfs_hadoop_settings(root: Path) -> dict[str, str]:
    return {
        "fs.dbfs.impl": "org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme",
        # A cached instance would keep the first session's root.
        "fs.dbfs.impl.disable.cache": "true",
        "fs.viewfs.mounttable.default.linkFallback": root.resolve().as_uri(),
        "fs.viewfs.overload.scheme.target.file.impl": "org.apache.hadoop.fs.LocalFileSystem",
    }


def map_dbfs(spark: Any, root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for key, value in dbfs_hadoop_settings(root).items():
        spark.conf.set(key, value)
