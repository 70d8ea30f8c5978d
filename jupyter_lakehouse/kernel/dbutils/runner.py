"""`python -m jupyter_lakehouse.kernel.dbutils.runner NOTEBOOK`: run a notebook in a new kernel.

The process behind `dbutils.notebook.run`: executes every cell with nbclient in a fresh kernel
that attaches to `--cluster` and sees `--arguments` as its widget values, writes the executed
notebook to `--output`, and prints one JSON line: `{status: finished | exited | failed, value,
cell, ename, evalue}`. SIGTERM stops it, kernel included.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from .environment import ARGUMENTS_ENV, CLUSTER_ENV
from .notebooks import read_notebook


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # nbclient shuts its kernel down on the way out


def _failed_cell(nb: nbformat.NotebookNode) -> int | None:
    for index, cell in enumerate(nb.cells):
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return index + 1
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("notebook")
    parser.add_argument("--cluster", default="")
    parser.add_argument("--arguments", default="{}")
    parser.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    path = Path(args.notebook)
    nb = read_notebook(path)
    # The kernel inherits these; the extension reads them once at load (environment.py).
    os.environ[ARGUMENTS_ENV] = args.arguments
    os.environ[CLUSTER_ENV] = args.cluster
    os.environ["JPY_SESSION_NAME"] = str(path)
    client = NotebookClient(
        nb, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    result: dict = {"status": "finished", "value": None}
    try:
        client.execute()
    except CellExecutionError as e:
        if e.ename == "NotebookExit":
            result = {"status": "exited", "value": e.evalue}
        else:
            cell = _failed_cell(nb)
            result = {"status": "failed", "cell": cell, "ename": e.ename, "evalue": e.evalue}
    finally:
        nbformat.write(nb, args.output)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
