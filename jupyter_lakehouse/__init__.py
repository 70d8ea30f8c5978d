"""jupyter-lakehouse: a lakehouse workspace in JupyterLab.

Only entry points live here: the labextension path, the server extension point and the
IPython extension hooks. Everything else is imported lazily so that a kernel that loads
the IPython extension never imports the server side, and vice versa.
"""

try:
    from ._version import __version__
except ImportError:  # running from a source tree that was never built
    __version__ = "0.0.0+unknown"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "jupyter-lakehouse"}]


def _jupyter_server_extension_points():
    from .app import LakehouseApp

    return [{"module": "jupyter_lakehouse.app", "app": LakehouseApp}]


def load_ipython_extension(ipython):
    from .kernel.extension import load

    load(ipython)


def unload_ipython_extension(ipython):
    from .kernel.extension import unload

    unload(ipython)
