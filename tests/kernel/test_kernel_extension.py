"""The kernel contract in a real kernel started like JupyterLab starts one."""

import os

import pytest

from jupyter_lakehouse.resulttable import TABLE_MIME, decode_arrow

from ..fixtures.clusters import managed_home
from .kernel_client import Kernel


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    # No test here should start a cluster; if one does, it must not outlive the tests.
    with managed_home(home):
        yield home


@pytest.fixture(scope="module")
def kernel(home):
    kernel = Kernel(env={**os.environ, "LAKEHOUSE_HOME": str(home)})
    yield kernel
    kernel.shutdown()


def test_extension_is_loaded_without_load_ext(kernel):
    # Proves the ipython_kernel_config.json shipped in etc/ipython reaches every kernel.
    out = kernel.run("print(type(spark).__name__, callable(display), _sqldf)")
    assert out.error is None
    assert out.text.split() == ["SparkProxy", "True", "None"]


def test_showing_spark_does_not_connect(kernel, home):
    out = kernel.run("spark")
    assert out.error is None
    assert "first use" in out.data("text/plain")[0]
    out = kernel.run("print(spark._session.connected)")
    assert out.text.strip() == "False"
    assert not (home / "clusters").exists(), "a cluster was looked up"


def test_display_of_pandas_is_the_lakehouse_table(kernel):
    out = kernel.run("import pandas as pd\ndisplay(pd.DataFrame({'a': [1, 2], 'b': ['x', None]}))")
    (table,) = out.data(TABLE_MIME)
    assert decode_arrow(table).to_pylist() == [{"a": 1, "b": "x"}, {"a": 2, "b": None}]
    assert out.data("text/html") and out.data("text/plain")


def test_display_of_other_objects_is_ipython_display(kernel):
    out = kernel.run("display('hello')")
    assert out.data("text/plain") == ["'hello'"]


def test_markdown_cell(kernel):
    out = kernel.run("%md\n# Title")
    assert out.data("text/markdown") == ["# Title"]


def test_python_marker_runs_python(kernel):
    out = kernel.run("%python\nprint(6 * 7)")
    assert out.text.strip() == "42"


def test_load_ext_again_is_harmless(kernel):
    out = kernel.run("%load_ext jupyter_lakehouse\nprint(type(spark).__name__)")
    assert out.error is None and out.text.splitlines()[-1] == "SparkProxy"


def test_sql_completion_offers_keywords_without_connecting(kernel, home):
    assert "SELECT" in kernel.complete("%sql\nSEL")
    assert kernel.run("print(spark._session.connected)").text.strip() == "False"


def test_python_completion_is_untouched(kernel):
    kernel.run("lakehouse_value = 1")
    assert "lakehouse_value" in kernel.complete("lakehouse_va")
