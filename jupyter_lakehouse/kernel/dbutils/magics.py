"""`%run` of notebooks, `%sh` and `%fs`: the Databricks magics IPython lacks or does differently.

`%run ./child` runs a notebook's cells in this kernel (its definitions, temp views and widgets
stay); `%run script.py` and any other target keep IPython's `%run`. `%sh` runs the cell with
bash, streaming its output, and fails the cell on a non-zero exit. `%pip` is IPython's.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class

from ..errors import NotebookError
from .notebooks import code_cells, find_notebook, read_notebook

if TYPE_CHECKING:
    from .compat import DatabricksCompat


class ShellError(NotebookError):
    title = "%sh"


class RunError(NotebookError):
    title = "%run"


def parse_run_line(line: str) -> tuple[str, dict[str, str]]:
    """`./child $x="1" $y=2` → ('./child', {'x': '1', 'y': '2'}) (Databricks' %run arguments)."""
    words = shlex.split(line)
    if not words:
        return "", {}
    arguments = {}
    for word in words[1:]:
        name, eq, value = word.partition("=")
        if not (word.startswith("$") and eq):
            return "", {}  # not Databricks' form: leave the whole line to IPython
        arguments[name[1:]] = value
    return words[0], arguments


@magics_class
class DatabricksMagics(Magics):
    def __init__(self, shell: Any, compat: DatabricksCompat, ipython_run: Any) -> None:
        super().__init__(shell)
        self.compat = compat
        self._ipython_run = ipython_run

    @line_magic
    def run(self, line: str) -> Any:
        """`%run ./notebook [$name=value …]` runs a notebook here; other targets: IPython's %run."""
        target, arguments = parse_run_line(line)
        path = find_notebook(target, self.compat.base_dir) if target else None
        if path is None:
            return self._ipython_run(line)
        self.run_notebook(path, arguments)
        return None

    def run_notebook(self, path: Path, arguments: dict[str, str]) -> None:
        shell = self.shell
        widgets = self.compat.dbutils.widgets
        saved = dict(widgets.arguments)
        widgets.arguments.update(arguments)
        try:
            for number, source in enumerate(code_cells(read_notebook(path)), start=1):
                # The same transforms as a typed cell (so `%sql`, `%scala`, `%md` cells work),
                # then run in the notebook's namespace; an error stops the run, as on Databricks.
                code = shell.transform_cell(source)
                filename = shell.compile.cache(code, number, raw_code=source)
                exec(shell.compile(code, filename, "exec"), shell.user_global_ns, shell.user_ns)
        finally:
            widgets.arguments = saved

    @line_cell_magic
    def sh(self, line: str, cell: str | None = None) -> None:
        """Run the cell (or line) with bash in the notebook's folder; non-zero exit fails it."""
        script = line if cell is None else f"{line}\n{cell}"
        process = subprocess.Popen(
            ["bash", "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            bufsize=1,
        )
        try:
            for text in process.stdout:
                sys.stdout.write(text)
                sys.stdout.flush()
            code = process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait()
            raise
        if code != 0:
            raise ShellError(f"the command exited with status {code}")

    @line_magic
    def fs(self, line: str) -> Any:
        """`%fs ls dbfs:/path`, `%fs cp -r a b`, `%fs head f`, … — dbutils.fs as a magic."""
        words = shlex.split(line)
        if not words:
            raise NotebookError(
                "%fs needs a command: ls, head, mkdirs, put, cp, mv, rm", title="%fs"
            )
        command, rest = words[0], words[1:]
        recurse = any(w in ("-r", "--recurse", "--recurse=true") for w in rest)
        rest = [w for w in rest if not w.startswith("-")]
        fs = self.compat.dbutils.fs
        if command == "ls":
            self.compat.show_files(fs.ls(*(rest or ["dbfs:/"])))
            return None
        if command == "head":
            print(fs.head(*rest))
            return None
        if command in ("cp", "mv", "rm"):
            return getattr(fs, command)(*rest, recurse=recurse)
        if command == "put":
            overwrite = any(w in ("-f", "--overwrite", "--overwrite=true") for w in words[1:])
            return fs.put(*rest, overwrite=overwrite)
        if command == "mkdirs":
            return fs.mkdirs(*rest)
        action = getattr(fs, command, None) if not command.startswith("_") else None
        if not callable(action):
            raise NotebookError(f"unknown %fs command {command!r}", title="%fs")
        return action(*rest)
