"""Plain-Python services. Nothing in this package imports tornado or the Jupyter server."""
