"""A notebook attached to a `livy` cluster: sparkmagic's magics, configured for that endpoint.

When the notebook attaches to a Livy endpoint (issue 10), this loads `sparkmagic.magics`
(`%spark`, `%%spark`, `%manage_spark`) and configures sparkmagic in memory with
`conf.override_all(...)`: the endpoint's credentials pre-filled for `%manage_spark`, a bearer
token as a custom header, logging to nowhere (sparkmagic's default writes ~/.sparkmagic/logs).
~/.sparkmagic/config.json is read when it exists (a team's session configs keep working) and
never written. `%sql`/`%%sql` go to the same Livy session through sparkmagic's
`run_sqlquery`, so one SQL magic serves both kinds of cluster.

As sparkmagic's own wrapper kernels do, the first `%%spark` or `%%sql` starts a session
(pyspark) when the notebook has none; `%spark add -l scala ...` or `%manage_spark` add others.
The sessions a notebook created are deleted when it attaches elsewhere or its kernel exits.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..sqltext.split import split_statements
from .errors import NotebookError

if TYPE_CHECKING:
    from .extension import KernelLakehouse

# sparkmagic's names for the auth kinds of a livy profile (token: a header, no auth object).
SPARKMAGIC_AUTH = {"none": "None", "basic": "Basic_Access", "kerberos": "Kerberos", "token": "None"}
# sparkmagic logs through logging.dictConfig: a null handler keeps its log out of ~/.sparkmagic.
NULL_LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"magicsHandler": {"class": "logging.NullHandler"}},
    "loggers": {"magicsLogger": {"handlers": ["magicsHandler"], "level": "DEBUG", "propagate": 0}},
}
USER_CONFIG = Path("~/.sparkmagic/config.json")


class LivyError(NotebookError):
    title = "Livy"


class LivyEndpoint:
    """sparkmagic for the notebook's Livy cluster; inactive while it is attached elsewhere."""

    def __init__(self, shell: Any, lakehouse: KernelLakehouse) -> None:
        self.shell = shell
        self.lakehouse = lakehouse
        self.profile: Any = None  # the attached livy profile, None when not on a Livy endpoint
        self._magics: Any = None  # sparkmagic's RemoteSparkMagics, once loaded

    @property
    def active(self) -> bool:
        return self.profile is not None

    @property
    def session_name(self) -> str:
        """The name of the session the notebook starts by itself (`%%spark -s <name>`)."""
        return self.profile.name if self.profile is not None else "livy"

    # -- attaching ------------------------------------------------------------------------

    def on_attach(self, cluster: str | None) -> None:
        """NotebookSession calls this when the notebook attaches to another cluster."""
        profile = self._livy_profile(cluster)
        if profile is None and self.profile is None:
            return
        self._end_sessions()
        self._record_attachment(None)
        self.profile = profile
        if profile is None:
            return
        self._configure(profile)
        self._record_attachment(profile.name)
        print(
            f"Attached to Livy endpoint '{profile.name}' ({profile.url}). Run Spark code in "
            "%%spark cells and SQL in %%sql cells: the first one starts a pyspark session. "
            f"%spark add -s <name> -l scala -u {profile.url} adds a Scala session; "
            "%manage_spark (pre-filled with this endpoint) manages them. `spark` (Spark "
            "Connect) is not available on a Livy cluster."
        )

    def _record_attachment(self, cluster: str | None) -> None:
        """List the notebook on the Livy cluster's row in the Compute panel, as Spark Connect
        clusters list theirs (`cluster` None: take it off the one it leaves)."""
        session = self.lakehouse.session
        with contextlib.suppress(Exception):  # only the panel's list depends on it
            if cluster is None and self.profile is not None:
                session.manager().detach(self.profile.name, session.session_id)
            elif cluster is not None:
                session.manager().attach(cluster, session.session_id, session.notebook_path)

    def _livy_profile(self, cluster: str | None) -> Any:
        if not cluster:
            return None
        from ..services.errors import LakehouseError

        try:
            profile = self.lakehouse.session.manager().profile(cluster)
        except LakehouseError:
            return None  # an unknown cluster: the next Spark command says so
        return profile if profile.kind == "livy" else None

    def _configure(self, profile: Any) -> None:
        # A non-empty override: sparkmagic never reads (nor creates) its config file itself.
        import sparkmagic.utils.configuration as conf

        conf.override_all(sparkmagic_config(profile, read_user_config()))
        if self._magics is None:
            self.shell.extension_manager.load_extension("sparkmagic.magics")
            self._magics = self.shell.magics_manager.registry["RemoteSparkMagics"]
            self._start_sessions_on_demand(self._magics.spark_controller)

    def _start_sessions_on_demand(self, controller: Any) -> None:
        # sparkmagic's controller has no "default session" hook; its own wrapper kernels start
        # one before the first cell. Asking for "any session" here starts one when there is none.
        original = controller.get_session_by_name_or_default

        def session_or_start(name: str | None) -> Any:
            if name is None and self.active and not controller.get_client_keys():
                self.start_session()
            return original(name)

        controller.get_session_by_name_or_default = session_or_start

    def endpoint(self) -> Any:
        """sparkmagic's Endpoint for the attached profile, with its auth object."""
        from sparkmagic.livyclientlib.endpoint import Endpoint
        from sparkmagic.utils.utils import Namespace, initialize_auth

        profile = self._require()
        args = Namespace(
            auth=SPARKMAGIC_AUTH[profile.auth],
            user=profile.username or "",
            password=profile.password or "",
            url=profile.url,
        )
        return Endpoint(profile.url, initialize_auth(args))

    def start_session(self, language: str = "python") -> None:
        """Start the notebook's own Livy session (skipped when it exists)."""
        import sparkmagic.utils.configuration as conf

        controller = self._magics.spark_controller
        properties = conf.get_session_properties(language)
        controller.add_session(self.session_name, self.endpoint(), True, properties)

    def _end_sessions(self) -> None:
        if self._magics is None:
            return
        # The sessions belong to the endpoint being left; deleting them frees its resources.
        with contextlib.suppress(Exception):
            self._magics.spark_controller.cleanup()

    def _require(self) -> Any:
        if self.profile is None:
            raise LivyError("this notebook is not attached to a Livy endpoint.")
        return self.profile

    # -- SQL ------------------------------------------------------------------------------

    def sql(self, text: str, row_limit: int, remember: Callable[..., None] | None = None) -> Any:
        """Run `%sql` text on the notebook's Livy session; show and return the last result.

        `remember(statement, started_at, began, rows, error)` records each statement in the
        query history, as `%sql` on Spark Connect does.
        """
        from sparkmagic.livyclientlib.exceptions import LivyClientLibException
        from sparkmagic.livyclientlib.sqlquery import SQLQuery

        self._require()
        remember = remember or (lambda *args: None)
        result = None
        for statement in split_statements(text):
            query = SQLQuery(statement, samplemethod="take", maxrows=row_limit)
            started_at, began = time.time(), time.monotonic()
            try:
                result = self._magics.spark_controller.run_sqlquery(query, None)
            except LivyClientLibException as e:
                error = LivyError(f"{_first_line(e)}\n{statement}")
                remember(statement, started_at, began, None, error)
                raise error from None
            except BaseException as e:  # an interrupt: recorded as canceled, then re-raised
                remember(statement, started_at, began, None, e)
                raise
            remember(statement, started_at, began, len(result), None)
        if result is None:
            return None
        if len(result.columns) == 0:
            print("OK")
        else:
            self.lakehouse.display(result)
        return result

    def close(self) -> None:
        self._end_sessions()
        self._record_attachment(None)
        self.profile = None


def read_user_config(path: Path = USER_CONFIG) -> dict:
    """The user's sparkmagic config, read only (never created, unlike sparkmagic's reader)."""
    try:
        data = json.loads(path.expanduser().read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def sparkmagic_config(profile: Any, base: dict | None = None) -> dict:
    """sparkmagic's whole configuration for one livy profile, on top of the user's own."""
    config = dict(base or {})
    credentials = {
        "username": profile.username or "",
        "password": profile.password or "",
        "url": profile.url,
        "auth": SPARKMAGIC_AUTH[profile.auth],
    }
    headers = dict(config.get("custom_headers") or {})
    headers.pop("Authorization", None)
    if profile.auth == "token" and profile.token:
        headers["Authorization"] = f"Bearer {profile.token}"
    config.update(
        {
            "logging_config": NULL_LOGGING,
            "custom_headers": headers,
            "kernel_python_credentials": credentials,
            "kernel_scala_credentials": credentials,
            "kernel_r_credentials": credentials,
            "cleanup_all_sessions_on_exit": True,
            # Errors are shown in the cell; the session stays usable for the next one.
            "all_errors_are_fatal": False,
            "shutdown_session_on_spark_statement_errors": False,
        }
    )
    # Deleting a session joins its heartbeat thread, which sleeps this long between beats: 5 s
    # rather than 30 keeps re-attaching and kernel exit quick; Livy still sees the heartbeats.
    config.setdefault("heartbeat_refresh_seconds", 5)
    config.setdefault("heartbeat_retry_seconds", 5)
    # An unreachable endpoint fails within seconds rather than sparkmagic's default minute.
    config.setdefault("retry_policy", "configurable")
    config.setdefault("retry_seconds_to_sleep_list", [0.2, 0.5, 1, 2])
    config.setdefault("configurable_retry_policy_max_retries", 4)
    return config


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text if len(text) < 4000 else text[:4000] + "…"
