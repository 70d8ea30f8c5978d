"""The kernel contract in a real kernel started like JupyterLab starts one."""

import os

import pytest

from jupyter_lakehouse.kernel.table import TABLE_MIME

from .kernel_client import Kernel


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    env = {**os.environ, "LAKEHOUSE_HOME": str(tmp_path_factory.mktemp("home"))}
    kernel = Kernel(env=env)
    yield kernel
    kernel.shutdown()


def test_extension_is_loaded_without_load_ext(kernel):
    # Proves the ipython_kernel_config.json shipped in etc/ipython reaches every kernel.
    out = kernel.run("print(type(spark).__name__, callable(display), _sqldf)")
    assert out.error is None
    assert out.text.split() == ["SparkProxy", "True", "None"]


def test_repr_of_spark_does_not_connect(kernel):
    out = kernel.run("spark")
    assert out.error is None
    assert "first use" in out.data("text/plain")[0]


def test_display_of_pandas_is_the_lakehouse_table(kernel):
    out = kernel.run("import pandas as pd\ndisplay(pd.DataFrame({'a': [1, 2], 'b': ['x', None]}))")
    (table,) = out.data(TABLE_MIME)
    assert table["data"] == [[1, "x"], [2, None]]
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
