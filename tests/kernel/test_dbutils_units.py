"""dbutils pieces that need no kernel: DBFS paths, dbutils.fs, the secret store and its CLI,
widgets, `%run` argument parsing, redaction."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from jupyter_lakehouse.kernel.dbutils.fs import FileSystem, FsError
from jupyter_lakehouse.kernel.dbutils.magics import parse_run_line
from jupyter_lakehouse.kernel.dbutils.notebooks import find_notebook
from jupyter_lakehouse.kernel.dbutils.paths import DbfsPathError, DbfsPaths
from jupyter_lakehouse.kernel.dbutils.redact import Redactor
from jupyter_lakehouse.kernel.dbutils.secrets import SecretError, Secrets
from jupyter_lakehouse.kernel.dbutils.widgets import WidgetError, Widgets
from jupyter_lakehouse.kernel.dbutils.widgetsql import run_widget_statement
from jupyter_lakehouse.secrets import SecretStore, secrets_path
from jupyter_lakehouse.secrets.store import SecretStoreError


@pytest.fixture
def fs(tmp_path):
    return FileSystem(DbfsPaths(tmp_path / "dbfs"))


def test_paths_map_dbfs_into_the_root_and_refuse_escapes(tmp_path):
    paths = DbfsPaths(tmp_path / "dbfs")
    root = (tmp_path / "dbfs").resolve()
    for spelling in ("dbfs:/a/b.csv", "/dbfs/a/b.csv", "/a/b.csv", "dbfs:///a/b.csv"):
        assert paths.local(spelling) == root / "a" / "b.csv", spelling
    assert paths.local("file:/etc/hosts").as_posix() == "/etc/hosts"
    assert paths.uri(root / "a") == "dbfs:/a"
    for escape in ("dbfs:/../x", "/dbfs/a/../../x", "dbfs:/a/../../../etc/passwd"):
        with pytest.raises(DbfsPathError, match="leaves DBFS"):
            paths.local(escape)
    (tmp_path / "outside").mkdir()
    (root).mkdir(parents=True)
    (root / "link").symlink_to(tmp_path / "outside")
    with pytest.raises(DbfsPathError, match="leaves DBFS"):
        paths.local("dbfs:/link/x")  # a symlink out of the root is an escape too
    with pytest.raises(DbfsPathError, match="relative"):
        paths.local("a/b")


def test_fs_calls_behave_as_on_databricks(fs):
    assert fs.put("dbfs:/raw/a.txt", "hello") is True
    with pytest.raises(FsError, match="already exists"):
        fs.put("dbfs:/raw/a.txt", "again")
    fs.put("dbfs:/raw/a.txt", "hello world", overwrite=True)
    assert fs.head("dbfs:/raw/a.txt", 5) == "hello"
    fs.mkdirs("dbfs:/raw/sub/deeper")
    [file, folder] = fs.ls("dbfs:/raw")
    assert (file.path, file.name, file.size, file.isFile()) == (
        "dbfs:/raw/a.txt",
        "a.txt",
        11,
        True,
    )
    assert (folder.path, folder.name, folder.isDir()) == ("dbfs:/raw/sub/", "sub/", True)
    with pytest.raises(FsError, match="recurse=True"):
        fs.cp("dbfs:/raw", "dbfs:/copy")
    fs.cp("dbfs:/raw", "dbfs:/copy", recurse=True)
    assert [f.name for f in fs.ls("dbfs:/copy")] == ["a.txt", "sub/"]
    fs.mv("dbfs:/copy/a.txt", "dbfs:/moved.txt")
    assert fs.head("/moved.txt") == "hello world"
    with pytest.raises(FsError, match="non-empty"):
        fs.rm("dbfs:/copy/sub/..")  # `copy` still holds sub/
    assert fs.rm("dbfs:/copy", recurse=True) is True
    assert fs.rm("dbfs:/copy") is False  # nothing left to delete
    with pytest.raises(FsError, match="Databricks mount point"):
        fs.ls("/mnt/landing")
    with pytest.raises(FsError, match="no such file"):
        fs.head("dbfs:/nope")
    with pytest.raises(Exception, match="exists only on Databricks"):
        fs.mount("s3a://bucket", "/mnt/bucket")


def test_secret_store_is_private_and_the_cli_never_takes_values_as_arguments(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "LAKEHOUSE_HOME": str(home)}
    cli = [sys.executable, "-m", "jupyter_lakehouse.secrets"]
    subprocess.run([*cli, "put", "db", "password"], input="pa55\n", text=True, check=True, env=env)
    path = secrets_path(home)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    store = SecretStore(path)
    assert store.get("db", "password") == "pa55"
    listed = subprocess.run([*cli, "list", "db"], capture_output=True, text=True, env=env)
    assert listed.stdout == "password\n" and "pa55" not in listed.stdout
    redactor = Redactor()
    secrets = Secrets(store, redactor)
    assert secrets.get("db", "password") == "pa55"
    assert redactor.text("pw=pa55;") == "pw=[REDACTED];"
    assert [m.key for m in secrets.list("db")] == ["password"]
    assert [s.name for s in secrets.listScopes()] == ["db"]
    with pytest.raises(SecretError, match=r"python -m jupyter_lakehouse\.secrets put db user"):
        secrets.get("db", "user")
    path.chmod(0o644)
    with pytest.raises(SecretStoreError, match="readable by other users"):
        store.get("db", "password")


def test_widgets_values_arguments_and_legacy_references():
    shown = []
    widgets = Widgets(show=shown.append)
    widgets.arguments = {"run_date": "2026-01-01"}
    widgets.text("name", "world")
    widgets.dropdown("size", "M", ["S", "M", "L"])
    widgets.multiselect("colors", "red", ["red", "green", "blue"])
    widgets.combobox("city", "Oslo", ["Paris"])  # a combobox takes values outside its choices
    widgets.text("run_date", "today")  # an argument wins over the default
    assert len(shown) == 5
    shown[2].value = ("red", "blue")
    assert widgets.getAll() == {
        "run_date": "2026-01-01",
        "name": "world",
        "size": "M",
        "colors": "red,blue",
        "city": "Oslo",
    }
    shown[0].value = "there"
    widgets.text("name", "world")  # re-running the cell keeps what the user typed
    assert widgets.get("name") == "there"
    assert widgets.substitute("SELECT '${name}', $size, $unknown") == "SELECT 'there', M, $unknown"
    with pytest.raises(WidgetError, match="is not one of"):
        widgets.dropdown("bad", "X", ["A"])
    widgets.remove("size")
    assert widgets.getArgument("size", "fallback") == "fallback"
    widgets.removeAll()
    assert widgets.getAll() == {"run_date": "2026-01-01"}


def test_run_line_and_notebook_lookup(tmp_path):
    assert parse_run_line('./child $x="a b" $y=2') == ("./child", {"x": "a b", "y": "2"})
    assert parse_run_line("script.py --flag") == ("", {})  # IPython's own %run arguments
    (tmp_path / "child.py").write_text("# Databricks notebook source\nx = 1\n")
    (tmp_path / "plain.py").write_text("x = 1\n")
    (tmp_path / "other.ipynb").write_text("{}")
    assert find_notebook("./child", tmp_path) == (tmp_path / "child.py").resolve()
    assert find_notebook("other", tmp_path) == (tmp_path / "other.ipynb").resolve()
    assert find_notebook("plain.py", tmp_path) is None  # a script: IPython's %run
    assert find_notebook("./missing", tmp_path) is None


def test_sql_widget_statements():
    shown = []
    widgets = Widgets(show=shown.append)
    queries = []

    def query(sql):
        queries.append(sql)
        return [("apac",), ("emea",)]

    assert run_widget_statement('create widget text who default "ok"', widgets, query)
    assert run_widget_statement(
        "CREATE WIDGET DROPDOWN region DEFAULT 'emea' CHOICES SELECT DISTINCT region FROM t",
        widgets,
        query,
    )
    assert queries == ["SELECT DISTINCT region FROM t"]
    assert widgets.getAll() == {"who": "ok", "region": "emea"}
    assert shown[1].options == ("apac", "emea")
    assert run_widget_statement("REMOVE WIDGET who;", widgets, query)
    assert widgets.getAll() == {"region": "emea"}
    assert run_widget_statement("SELECT 1", widgets, query) is False
