"""The JupyterLab server the UI tests drive.

Galata's test setup (no token, galata's helper extension, throwaway root
and workspaces), on a fixed unusual port, with throwaway user settings so
the persona a test saves never leaks into the next run or into ~/.jupyter,
and a throwaway Lakehouse workspace home, so the clusters a test creates
and starts are never the user's (whatever LAKEHOUSE_HOME the shell has).
Clusters outlive the server by design: the specs stop what they start.
"""

import json
import os
from pathlib import Path
from tempfile import mkdtemp

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (`c` is given to config files by traitlets)

# LAKEHOUSE_UI_PORT lets two spec runs share a machine; playwright.config.js reads it too.
c.ServerApp.port = int(os.environ.get("LAKEHOUSE_UI_PORT", "8971"))  # noqa: F821
c.ServerApp.ip = "127.0.0.1"  # noqa: F821
# CI containers run as root; the server is local and throwaway.
c.ServerApp.allow_root = True  # noqa: F821

settings_dir = Path(mkdtemp(prefix="lakehouse-ui-settings-"))
# The news prompt would sit on top of what the screenshots show.
notification = settings_dir / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
notification.parent.mkdir(parents=True)
notification.write_text(json.dumps({"checkForUpdates": False, "fetchNews": "false"}))
c.LabApp.user_settings_dir = str(settings_dir)  # noqa: F821

# The server exports the home to the kernels it starts, so they see the same clusters.
# A spec that restarts a server of its own (collaboration.spec.ts) passes the same home each time
# (and the same root, through galata's JUPYTERLAB_GALATA_ROOT_DIR). Collaboration state (the Y
# store, file ids, room sessions) goes under the home too, so it is throwaway as well.
lakehouse_home = Path(os.environ.get("LAKEHOUSE_UI_HOME") or mkdtemp(prefix="lakehouse-ui-home-"))
os.environ["LAKEHOUSE_HOME"] = str(lakehouse_home)
c.LakehouseApp.home = str(lakehouse_home)  # noqa: F821
