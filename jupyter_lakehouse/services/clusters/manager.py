"""ClusterManager: the one facade the REST handlers, kernels, the catalog and scripts use.

State lives in files (store.py), so any number of managers, in any number of processes, agree.
Transitions are computed lazily by whoever looks, under the cluster's file lock: a launch that
its launcher never saw through (the kernel that started it exited) still becomes `running`, and
a server that died is noticed by the next reader. Nothing here ever blocks on a JVM while
holding a lock, except stop(), which holds it for at most the grace period.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psutil

from ..delta.engine import DeltaEngine, choose_engine
from ..errors import BadRequest, Conflict, LakehouseError, NotFound, Unavailable
from ..java import require_java
from . import idle, launcher, logs, process
from .livyprofile import parse_livy_url
from .profiles import (
    DEFAULT_CLUSTER,
    NAME_RE,
    ClusterProfile,
    default_profile,
    parse_remote_url,
    profile_from_file,
    validate_profile,
)
from .sparkrest import (
    SparkRest,
    SparkRestError,
    latest_stage_attempts,
    master_status,
    summarize_executor,
    summarize_job,
)
from .store import ACTIVE_STATES, ClusterState, ClusterStore

log = logging.getLogger(__name__)

SESSION_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
LOG_SOURCE_RE = re.compile(r"^(driver|master|worker-[0-9]{1,2})$")
RECENT_JOBS = 20
DEFAULT_TAIL = 200
UI_PREFIX = "lakehouse/sparkui"
# Generous for a loopback read: a driver on a loaded 2-core laptop can take seconds to answer,
# and a UI that does not answer counts as busy (never idle), which delays auto-termination.
UI_READ_TIMEOUT = 5.0

# Conf keys that move the catalog off the workspace's embedded Derby database.
_EXTERNAL_METASTORE_KEYS = (
    "spark.hadoop.javax.jdo.option.ConnectionURL",
    "spark.hadoop.hive.metastore.uris",
    "spark.sql.catalogImplementation",
)


class _StartFailure(LakehouseError):
    """A start that failed for a reason worth recording in the state, not worth an HTTP error."""


@dataclass
class ClusterInfo:
    name: str
    kind: str
    state: str
    reason: str | None
    profile: dict
    spark_version: str | None
    master: str | None = None
    connect_url: str | None = None
    spark_ui_path: str | None = None
    port: int | None = None
    app_id: str | None = None
    pid: int | None = None
    started_at: float | None = None
    ready_at: float | None = None
    stopped_at: float | None = None
    uptime_seconds: float | None = None
    idle_timeout_minutes: int | None = None
    idle_countdown_seconds: float | None = None
    last_activity: float | None = None
    cores: int | None = None
    memory: str | None = None
    resources_source: str = "profile"  # "spark" once read from the running cluster
    attached_notebooks: list[dict] = field(default_factory=list)
    pending_restart: bool = False
    reachable: bool | None = None
    # Changes at every launch (None when not running), so an attached kernel can tell that
    # the server it had a session on was restarted.
    generation: str | None = None
    # The Delta engine chosen at the last launch, and why: {"name", "reason", ...} (None before
    # the first start, and for remote endpoints, whose engine the session finds out itself).
    delta_engine: dict | None = None
    # A remote endpoint's token, for in-process callers (kernels); never serialized or shown.
    token: str | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("token", None)
        return data


def _holds_workspace_metastore(profile: ClusterProfile) -> bool:
    return profile.metastore == "workspace" and not any(
        key in profile.spark_conf for key in _EXTERNAL_METASTORE_KEYS
    )


def _memory_string(mb: int | float) -> str:
    mb = int(mb)
    return f"{mb // 1024}g" if mb and mb % 1024 == 0 else f"{mb}m"


class ClusterManager:
    """Clusters of one workspace home. Thread-safe, and safe across processes.

    idle_timeout_minutes: default auto-termination for profiles that set none (0 = never).
    start_timeout: seconds a start may take before it is killed and marked as an error.
    stop_grace: seconds between SIGTERM and SIGKILL.
    monitor: run the auto-termination thread (the Jupyter server does; kernels do not).
    default_conf: Spark conf every managed cluster starts with (profiles can override it).
    delta_jars: folder of delta-spark jars for profiles that name none (default:
        $LAKEHOUSE_DELTA_JARS); delta_maven: whether a start may probe Maven Central for them.
    """

    def __init__(
        self,
        home: str | os.PathLike,
        *,
        idle_timeout_minutes: int = 60,
        start_timeout: float = 180.0,
        stop_grace: float = 15.0,
        monitor: bool = False,
        monitor_interval: float = 30.0,
        default_conf: dict[str, str] | None = None,
        delta_jars: str | None = None,
        delta_maven: bool | None = None,
    ):
        self.home = Path(home).expanduser().resolve()
        self.delta_jars = delta_jars or os.environ.get("LAKEHOUSE_DELTA_JARS") or None
        if delta_maven is None:
            delta_maven = os.environ.get("LAKEHOUSE_DELTA_MAVEN", "").lower() not in ("0", "off")
        self.delta_maven = delta_maven
        self.store = ClusterStore(self.home)
        self.idle_timeout_minutes = idle_timeout_minutes
        self.start_timeout = start_timeout
        self.stop_grace = stop_grace
        self.default_conf = dict(default_conf or {})
        self._watchers: dict[str, threading.Thread] = {}
        self._watchers_lock = threading.Lock()
        self._closed = threading.Event()
        self._monitor = idle.IdleMonitor(self.check_idle, monitor_interval) if monitor else None
        if self._monitor:
            self._monitor.start()

    # -- profiles ------------------------------------------------------------------------------

    def _ensure_default(self) -> None:
        if self.store.exists(DEFAULT_CLUSTER):
            return
        with self.store.workspace_lock():
            if not self.store.exists(DEFAULT_CLUSTER):
                self.store.write_profile(DEFAULT_CLUSTER, default_profile().to_dict(redact=False))

    def profile(self, name: str) -> ClusterProfile:
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise NotFound(f"There is no cluster named {name!r}.", code="cluster_not_found")
        if name == DEFAULT_CLUSTER:
            self._ensure_default()
        data = self.store.read_profile(name)
        if data is None:
            raise NotFound(f"There is no cluster named {name!r}.", code="cluster_not_found")
        try:
            return profile_from_file(data)
        except (TypeError, ValueError):
            raise Unavailable(
                f"The profile of cluster {name!r} is unreadable; fix or delete "
                f"{self.store.dir(name) / 'profile.json'}.",
                code="profile_unreadable",
            ) from None

    def list(self) -> list[ClusterInfo]:
        self._ensure_default()
        out = []
        for name in self.store.names():
            try:
                out.append(self.get(name))
            except LakehouseError as e:
                log.warning("Skipping cluster %s: %s", name, e.message)
        return out

    def create(self, spec: dict) -> ClusterInfo:
        profile = validate_profile(spec)
        with self.store.workspace_lock():
            if profile.name == DEFAULT_CLUSTER:
                self._ensure_default()
            if self.store.exists(profile.name):
                raise Conflict(
                    f"A cluster named {profile.name!r} already exists.", code="cluster_exists"
                )
            self.store.write_profile(profile.name, profile.to_dict(redact=False))
            self.store.write_state(profile.name, ClusterState())
        return self.get(profile.name)

    def update(self, name: str, patch: dict) -> ClusterInfo:
        self.profile(name)
        with self.store.lock(name):
            # Re-read under the lock: two concurrent patches must not lose each other's fields.
            updated = validate_profile(patch, existing=self.profile(name))
            self.store.write_profile(name, updated.to_dict(redact=False))
        return self.get(name)

    def delete(self, name: str) -> None:
        """Delete a stopped cluster's profile, state and logs. A running one is a 409."""
        profile = self.profile(name)
        if name == DEFAULT_CLUSTER:
            raise Conflict(
                f"The default cluster {DEFAULT_CLUSTER!r} cannot be deleted; edit it instead.",
                code="cluster_default",
            )
        with self.store.workspace_lock(), self.store.lock(name):
            if profile.managed:
                st = self._refresh_locked(name, profile, self.store.read_state(name))
                if st.state in ACTIVE_STATES:
                    raise Conflict(
                        f"Cluster {name!r} is {st.state}; stop it before deleting it.",
                        code="cluster_running",
                    )
            self.store.remove(name)

    # -- lifecycle -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _metastore_guard(self, profile: ClusterProfile):
        # Deciding "nobody else holds the workspace metastore" and launching must be atomic
        # across clusters, so it happens under the workspace lock (always taken first).
        if _holds_workspace_metastore(profile):
            with self.store.workspace_lock():
                yield
        else:
            yield

    def _require_managed(self, profile: ClusterProfile, action: str) -> None:
        if not profile.managed:
            what = "a Livy endpoint" if profile.kind == "livy" else "a remote Spark Connect server"
            raise Conflict(
                f"Cluster {profile.name!r} is {what}: this workspace "
                f"only attaches to it and cannot {action} it.",
                code="cluster_remote",
            )

    @staticmethod
    def _require_spark_connect(profile: ClusterProfile) -> None:
        """A Livy endpoint has no Spark Connect server: say what to use instead (issue 10)."""
        if profile.kind == "livy":
            raise Conflict(
                f"Cluster {profile.name!r} is a Livy endpoint, not a Spark Connect server: "
                "`spark`, the catalog and the SQL editor need Spark Connect. In a notebook "
                "attached to it, run Spark code in %%spark cells and SQL in %%sql cells "
                "(sparkmagic sends both to a Livy session).",
                code="cluster_livy",
            )

    def start(self, name: str, *, wait: bool = False, timeout: float | None = None) -> ClusterInfo:
        """Start in the background (returns at once, state `pending`) unless wait=True."""
        profile = self.profile(name)
        self._require_managed(profile, "start")
        with self._metastore_guard(profile), self.store.lock(name):
            st = self._refresh_locked(name, profile, self.store.read_state(name))
            if st.state == "terminating":
                raise Conflict(
                    f"Cluster {name!r} is stopping; start it when it has stopped.",
                    code="cluster_stopping",
                )
            if st.state not in ACTIVE_STATES:
                self._launch_locked(name, profile, "pending")
        self._watch(name)
        if wait:
            return self.wait_until_running(name, timeout)
        return self.get(name)

    def restart(
        self, name: str, *, wait: bool = False, timeout: float | None = None
    ) -> ClusterInfo:
        profile = self.profile(name)
        self._require_managed(profile, "restart")
        with self._metastore_guard(profile), self.store.lock(name):
            st = self._refresh_locked(name, profile, self.store.read_state(name))
            if st.state == "terminating":
                raise Conflict(
                    f"Cluster {name!r} is stopping; start it when it has stopped.",
                    code="cluster_stopping",
                )
            was_active = st.state in ACTIVE_STATES
            if was_active:
                st.state = "restarting"
                self.store.write_state(name, st)
                process.terminate(st.processes, self._marker(name), self.stop_grace)
            self._launch_locked(name, profile, "restarting" if was_active else "pending")
        self._watch(name)
        if wait:
            return self.wait_until_running(name, timeout)
        return self.get(name)

    def stop(self, name: str, *, reason: str | None = None) -> ClusterInfo:
        """Stop gracefully (SIGTERM to each process group, SIGKILL after the grace period)."""
        profile = self.profile(name)
        self._require_managed(profile, "stop")
        with self.store.lock(name):
            st = self._refresh_locked(name, profile, self.store.read_state(name))
            if st.state in ACTIVE_STATES:
                st.state = "terminating"
                self.store.write_state(name, st)
                process.terminate(st.processes, self._marker(name), self.stop_grace)
            elif st.state == "terminated":
                return self.get(name)
            st.state, st.reason, st.stopped_at, st.processes = "terminated", reason, time.time(), []
            self.store.write_state(name, st)
        return self.get(name)

    def ensure_running(
        self, name: str = DEFAULT_CLUSTER, timeout: float | None = None
    ) -> ClusterInfo:
        """Block until the cluster runs, starting it if needed. What kernels call.

        Two callers at once (threads or processes) start one server: the second finds the
        first's launch under the lock and waits for it.
        """
        profile = self.profile(name)
        deadline = time.monotonic() + (timeout or self.start_timeout + 30)
        self._require_spark_connect(profile)
        if not profile.managed:
            info = self.get(name)
            if not info.reachable:
                raise Unavailable(
                    info.reason or f"Cluster {name!r} is not reachable.", code="cluster_unreachable"
                )
            return info
        st = self._refresh(name, profile)
        while st.state == "terminating" and time.monotonic() < deadline:
            time.sleep(0.25)
            st = self._refresh(name, profile)
        if st.state == "running":
            return self.get(name)
        if st.state in ("terminated", "error"):
            self.start(name)
        return self.wait_until_running(name, max(1.0, deadline - time.monotonic()))

    def wait_until_running(self, name: str, timeout: float | None = None) -> ClusterInfo:
        profile = self.profile(name)
        deadline = time.monotonic() + (timeout or self.start_timeout + 30)
        while True:
            st = self._refresh(name, profile)
            if st.state == "running":
                return self.get(name)
            if st.state in ("terminated", "error", "terminating"):
                raise Unavailable(
                    f"Cluster {name!r} did not start: {st.reason or st.state}.",
                    code="cluster_failed",
                    detail={"state": st.state},
                )
            if time.monotonic() > deadline:
                raise Unavailable(
                    f"Cluster {name!r} is still {st.state}; gave up waiting.",
                    code="cluster_timeout",
                )
            time.sleep(0.25)

    def _marker(self, name: str) -> str:
        return str(self.store.dir(name))

    def _check_metastore_free(self, name: str) -> None:
        for other in self.store.names():
            if other == name:
                continue
            st = self.store.read_state(other)
            if (
                st.metastore == "workspace"
                and st.state in ACTIVE_STATES
                and any(process.is_alive(p) for p in st.processes)
            ):
                raise Conflict(
                    f"The workspace metastore is in use by cluster {other!r}: its embedded Derby "
                    f"database admits one Spark server at a time. Stop {other!r} first, or set "
                    f"this cluster's 'metastore' to 'cluster' or 'none'.",
                    code="metastore_busy",
                )

    def _launch_locked(self, name: str, profile: ClusterProfile, state_name: str) -> ClusterState:
        """Launch the processes (the caller holds the cluster lock). Never waits for the JVM."""
        cluster_dir = self.store.dir(name)
        holds = _holds_workspace_metastore(profile)
        st = ClusterState(
            state=state_name,
            started_at=time.time(),
            spark_version=launcher.spark_version(),
            metastore="workspace" if holds else profile.metastore,
            launched_by={"pid": os.getpid(), "host": socket.gethostname()},
            generation=uuid.uuid4().hex,
        )
        try:
            env = launcher.environment(profile, cluster_dir)
            require_java(env)
            if holds:
                self._check_metastore_free(name)
            if profile.port and launcher.port_in_use(profile.port):
                raise _StartFailure(
                    f"Port {profile.port} is already in use by another process: choose another "
                    f"'port' in the profile, or clear it to let the service pick a free one."
                )
            ports = launcher.choose_ports(profile)
            engine = self.choose_delta_engine(profile)
            st.delta_engine = engine.to_dict()
            plan = launcher.build_plan(
                profile, self.home, cluster_dir, ports, env, self.default_conf, engine
            )
        except LakehouseError as e:
            st.state, st.reason, st.stopped_at = "error", e.message, time.time()
            self.store.write_state(name, st)
            if isinstance(e, _StartFailure):
                return st
            raise
        st.port, st.ui_port = ports.connect, ports.ui
        st.master_url, st.master_ui_port = plan.master_url, ports.master_ui
        for spec in plan.processes:
            self.store.rotate_log(name, spec.role)
        self.store.write_state(name, st)
        try:
            for spec in plan.processes:
                st.processes.append(process.launch(spec))
        except OSError as e:
            process.terminate(st.processes, self._marker(name), 5.0)
            st.state, st.stopped_at = "error", time.time()
            st.reason = f"Could not run {spec.argv[0]}: {e}"
            st.processes = []
        self.store.write_state(name, st)
        log.info(
            "Cluster %s: launched %s",
            name,
            ", ".join(f"{p.role} (pid {p.pid})" for p in st.processes) or "nothing",
        )
        return st

    def choose_delta_engine(self, profile: ClusterProfile) -> DeltaEngine:
        """delta-spark when its jars resolve, else the offline engine (services/delta)."""
        return choose_engine(profile.delta_jars or self.delta_jars, maven=self.delta_maven)

    def delta_engine(self, name: str = DEFAULT_CLUSTER) -> dict | None:
        """The engine recorded at the cluster's last launch (what `GET version` reports)."""
        try:
            profile = self.profile(name)
        except LakehouseError:
            return None
        if not profile.managed:
            return None
        return self.store.read_state(name).delta_engine

    def _watch(self, name: str) -> None:
        """Drive a launch to running/error in the background, so it happens with no reader."""
        with self._watchers_lock:
            thread = self._watchers.get(name)
            if thread and thread.is_alive():
                return
            thread = threading.Thread(
                target=self._watch_loop, args=(name,), name=f"lakehouse-cluster-{name}", daemon=True
            )
            self._watchers[name] = thread
            thread.start()

    def _watch_loop(self, name: str) -> None:
        while not self._closed.is_set():
            try:
                st = self._refresh(name, self.profile(name))
            except LakehouseError:
                return
            if st.state not in ("pending", "restarting"):
                return
            self._closed.wait(0.5)

    # -- state refresh -------------------------------------------------------------------------

    def _refresh(
        self, name: str, profile: ClusterProfile, *, wait_lock: bool = True
    ) -> ClusterState:
        st = self.store.read_state(name)
        if not profile.managed or st.state not in ACTIVE_STATES:
            return st
        with self.store.try_lock(name, self.store.lock_timeout if wait_lock else 0.2) as got:
            if not got:
                return st  # someone is changing it right now; report what is on disk
            return self._refresh_locked(name, profile, self.store.read_state(name))

    def _refresh_locked(self, name: str, profile: ClusterProfile, st: ClusterState) -> ClusterState:
        if not profile.managed or st.state not in ACTIVE_STATES:
            return st
        now = time.time()
        if st.state == "terminating":
            # Only seen if a stop died half-way: finish it when its processes are gone.
            if not any(process.is_alive(p) for p in st.processes):
                st.state, st.stopped_at, st.processes = "terminated", now, []
                self.store.write_state(name, st)
            return st

        dead = [p for p in st.processes if not process.is_alive(p)]
        if dead or not st.processes:
            record = next((p for p in dead if p.role == "driver"), dead[0] if dead else None)
            return self._fail(name, st, self._death_reason(name, st, record))

        probe = process.probe_port(st.port)
        if st.state in ("pending", "restarting"):
            if probe:
                st.state, st.reason, st.ready_at = "running", None, now
                self._fill_app(name, st)
                self.store.write_state(name, st)
            elif now - (st.started_at or now) > self.start_timeout:
                detail = logs.startup_error(self._log_lines(name, "driver"))
                return self._fail(
                    name,
                    st,
                    f"The cluster did not become ready within {self.start_timeout:.0f} s"
                    + (f"; the driver log says: {detail}" if detail else "."),
                )
            return st

        # running
        if probe is False:
            detail = logs.startup_error(self._log_lines(name, "driver"), fallback=False)
            return self._fail(
                name,
                st,
                f"The Spark Connect server stopped answering on port {st.port}"
                + (f": {detail}" if detail else "."),
            )
        if st.app_id is None:
            self._fill_app(name, st)
            if st.app_id:
                self.store.write_state(name, st)
        return st

    def _fail(self, name: str, st: ClusterState, reason: str) -> ClusterState:
        log.warning("Cluster %s: %s", name, reason)
        # Whatever is left must go: it may hold the metastore or the ports.
        process.terminate(st.processes, self._marker(name), 5.0)
        st.state, st.reason, st.stopped_at, st.processes = "error", reason, time.time(), []
        self.store.write_state(name, st)
        return st

    def _log_lines(self, name: str, source: str, n: int = 400) -> list[str]:
        return logs.tail(self.store.log_path(name, source), n)

    def _death_reason(self, name: str, st: ClusterState, record: Any) -> str:
        if record is None:
            return "The cluster has no processes (its launch was interrupted)."
        what = (
            "The Spark Connect server"
            if record.role == "driver"
            else f"The standalone {record.role.split('-')[0]} ({record.role})"
        )
        log_path = self.store.log_path(name, record.role)
        code = process.exit_status(log_path, record)
        if code is None and st.launched_by.get("pid") == os.getpid():
            # Our own child: its reaper thread records the exit code a moment after the exit.
            deadline = time.monotonic() + 2.0
            while code is None and time.monotonic() < deadline:
                time.sleep(0.05)
                code = process.exit_status(log_path, record)
        how = process.describe_exit(code)
        lines = self._log_lines(name, record.role)
        if st.state == "running":
            # A signal says it all; otherwise the log may know why (OutOfMemoryError, ...).
            detail = None if (code or 0) < 0 else logs.startup_error(lines, fallback=False)
            text = f"{what} (pid {record.pid}) {how} unexpectedly"
        else:
            detail = logs.startup_error(lines)
            text = f"{what} {how} while starting"
        return text + (f": {detail}" if detail else ".")

    def _fill_app(self, name: str, st: ClusterState) -> None:
        lines = self._log_lines(name, "driver", 2000)
        st.ui_port = logs.ui_port_from_log(lines) or st.ui_port
        if not st.ui_port:
            return
        try:
            app = SparkRest(st.ui_port, timeout=UI_READ_TIMEOUT).application()
        except SparkRestError:
            return
        st.app_id = app.get("id")
        attempts = app.get("attempts") or [{}]
        st.spark_version = attempts[-1].get("appSparkVersion") or st.spark_version

    # -- reading -------------------------------------------------------------------------------

    def get(self, name: str, *, details: bool = True, now: float | None = None) -> ClusterInfo:
        """The cluster's profile and state. details=False skips the Spark UI reads (idle
        countdown, live cores): cheap enough to call before every notebook command."""
        profile = self.profile(name)
        now = time.time() if now is None else now
        if not profile.managed:
            return self._remote_info(profile)
        st = self._refresh(name, profile, wait_lock=False)
        timeout = self._idle_timeout(profile)
        info = ClusterInfo(
            name=name,
            kind=profile.kind,
            state=st.state,
            reason=st.reason,
            profile=profile.to_dict(),
            spark_version=st.spark_version or launcher.spark_version(),
            master=st.master_url if profile.kind == "standalone" else profile.master,
            port=st.port if st.state in ACTIVE_STATES else None,
            app_id=st.app_id,
            pid=st.driver.pid if st.driver else None,
            started_at=st.started_at,
            ready_at=st.ready_at,
            stopped_at=st.stopped_at,
            idle_timeout_minutes=timeout,
            attached_notebooks=self.attached(name),
            delta_engine=st.delta_engine,
            pending_restart=(
                st.state in ACTIVE_STATES and profile.updated_at > (st.started_at or 0)
            ),
        )
        self._profile_resources(profile, info)
        if st.state != "running":
            return info
        info.generation = st.generation
        info.connect_url = f"sc://127.0.0.1:{st.port}"
        info.spark_ui_path = f"{UI_PREFIX}/{name}/"
        info.uptime_seconds = max(0.0, now - (st.ready_at or st.started_at or now))
        if not details:
            return info
        rest = SparkRest(st.ui_port, timeout=UI_READ_TIMEOUT) if st.ui_port else None
        activity = idle.measure(
            st.ready_at or st.started_at or now, info.attached_notebooks, rest, st.app_id
        )
        info.last_activity = activity.last
        info.idle_countdown_seconds = idle.countdown(timeout, activity, now)
        self._spark_resources(profile, st, rest, info)
        return info

    def _idle_timeout(self, profile: ClusterProfile) -> int:
        if profile.idle_timeout_minutes is None:
            return self.idle_timeout_minutes
        return profile.idle_timeout_minutes

    def _profile_resources(self, profile: ClusterProfile, info: ClusterInfo) -> None:
        if profile.kind == "standalone":
            info.cores = profile.workers * profile.worker_cores
            worker_mb = _memory_mb(profile.worker_memory)
            info.memory = _memory_string(worker_mb * profile.workers) if worker_mb else None
        else:
            info.cores = profile.local_cores()
            info.memory = profile.driver_memory

    def _spark_resources(
        self, profile: ClusterProfile, st: ClusterState, rest: SparkRest | None, info: ClusterInfo
    ) -> None:
        try:
            if profile.kind == "standalone" and st.master_ui_port:
                master = master_status(st.master_ui_port, timeout=UI_READ_TIMEOUT)
                info.cores = master.get("cores")
                info.memory = _memory_string(master.get("memory") or 0)
            elif rest and st.app_id:
                executors = [e for e in rest.executors(st.app_id) if e.get("isActive", True)]
                info.cores = sum(e.get("totalCores") or 0 for e in executors)
            else:
                return
            info.resources_source = "spark"
        except SparkRestError:
            pass

    def _remote_info(self, profile: ClusterProfile) -> ClusterInfo:
        """An attached endpoint is `running` while its port accepts connections (a cheap probe:
        the panel polls every cluster; a Livy endpoint's sessions are read by their own route)."""
        if profile.kind == "livy":
            _, host, port = parse_livy_url(profile.url or "")
        else:
            host, port, _ = parse_remote_url(profile.url or "")
        reachable = process.probe_port(port, host=host, timeout=1.5) is True
        info = ClusterInfo(
            name=profile.name,
            kind=profile.kind,
            state="running" if reachable else "error",
            reason=None if reachable else f"{host}:{port} does not accept connections.",
            profile=profile.to_dict(),
            spark_version=None,
            master=profile.url,
            reachable=reachable,
            resources_source="profile",
        )
        if profile.kind != "livy":
            # A Spark Connect endpoint: kernels connect to it, with its token.
            info.connect_url = (
                self._remote_url(profile, None, with_token=False) if reachable else None
            )
            info.token = profile.token
        return info

    @staticmethod
    def _remote_url(profile: ClusterProfile, session_id: str | None, *, with_token: bool) -> str:
        host, port, params = parse_remote_url(profile.url or "")
        host = f"[{host}]" if ":" in host else host
        if with_token and profile.token:
            params += f";token={profile.token}"
        if session_id:
            params += f";session_id={session_id}"
        return f"sc://{host}:{port}" + (f"/{params}" if params else "")

    def connect_url(
        self, name: str = DEFAULT_CLUSTER, session_id: str | None = None, *, with_token: bool = True
    ) -> str:
        """The sc:// URL to attach to a running cluster (with ;session_id= when given)."""
        profile = self.profile(name)
        self._require_spark_connect(profile)
        if session_id is not None:
            _check_session_id(session_id)
        if not profile.managed:
            return self._remote_url(profile, session_id, with_token=with_token)
        st = self._refresh(name, profile)
        if st.state != "running":
            raise Conflict(
                f"Cluster {name!r} is {st.state}, not running; start it first.",
                code="cluster_not_running",
            )
        url = f"sc://127.0.0.1:{st.port}"
        return f"{url}/;session_id={session_id}" if session_id else url

    def _running_state(self, name: str, what: str) -> tuple[ClusterProfile, ClusterState]:
        profile = self.profile(name)
        if not profile.managed:
            raise Conflict(
                f"{what} are only available for clusters this workspace runs; {name!r} is a "
                f"remote endpoint.",
                code="cluster_remote",
            )
        st = self._refresh(name, profile, wait_lock=False)
        if st.state != "running":
            raise Conflict(
                f"Cluster {name!r} is {st.state}, not running.", code="cluster_not_running"
            )
        if not st.app_id:
            with self.store.lock(name):
                st = self.store.read_state(name)
                self._fill_app(name, st)
                self.store.write_state(name, st)
        if not st.app_id or not st.ui_port:
            raise Unavailable(
                f"The Spark UI of cluster {name!r} is not answering yet.",
                code="spark_ui_unavailable",
            )
        return profile, st

    def ui_port(self, name: str) -> int:
        """The running cluster's Spark UI port on 127.0.0.1 (what the UI proxy forwards to)."""
        _, st = self._running_state(name, "The Spark UI and its data")
        return int(st.ui_port)

    def jobs(self, name: str, limit: int = RECENT_JOBS) -> dict:
        _, st = self._running_state(name, "Jobs")
        rest = SparkRest(st.ui_port)
        jobs = rest.jobs(st.app_id)
        stages = latest_stage_attempts(rest.stages(st.app_id))
        notebooks = {s["session_id"]: s.get("notebook_path") for s in self.attached(name)}
        summaries = [summarize_job(j, stages) for j in jobs]
        for job in summaries:
            job["notebook_path"] = notebooks.get(job["session_id"])
        summaries.sort(key=lambda j: j.get("jobId") or 0, reverse=True)
        running = [j for j in summaries if j["status"] == "RUNNING"]
        recent = [j for j in summaries if j["status"] != "RUNNING"][:limit]
        return {"app_id": st.app_id, "running": running, "recent": recent}

    def executors(self, name: str) -> dict:
        profile, st = self._running_state(name, "Executors")
        executors = [summarize_executor(e) for e in SparkRest(st.ui_port).executors(st.app_id)]
        out: dict[str, Any] = {"app_id": st.app_id, "executors": executors}
        if profile.kind == "standalone" and st.master_ui_port:
            with contextlib.suppress(SparkRestError):
                master = master_status(st.master_ui_port)
                out["workers"] = [
                    {
                        k: w.get(k)
                        for k in (
                            "id",
                            "host",
                            "state",
                            "cores",
                            "coresused",
                            "memory",
                            "memoryused",
                        )
                    }
                    for w in master.get("workers") or []
                ]
        return out

    def logs(self, name: str, tail: int = DEFAULT_TAIL, source: str = "driver") -> dict:
        profile = self.profile(name)
        if isinstance(tail, bool) or not isinstance(tail, int) or not 1 <= tail <= logs.MAX_TAIL:
            raise BadRequest(
                f"'tail' must be an integer from 1 to {logs.MAX_TAIL}.", code="invalid_tail"
            )
        if not LOG_SOURCE_RE.match(source or ""):
            raise BadRequest("'source' must be driver, master or worker-N.", code="invalid_source")
        if not profile.managed:
            return {"name": name, "source": source, "sources": [], "lines": []}
        return {
            "name": name,
            "source": source,
            "sources": self.store.log_sources(name),
            "lines": logs.tail(self.store.log_path(name, source), tail),
        }

    # -- attached notebooks --------------------------------------------------------------------

    def attach(
        self, name: str, session_id: str, notebook_path: str | None = None, pid: int | None = None
    ) -> dict:
        """Record that a kernel (pid) uses the cluster for a notebook, under its session id."""
        self.profile(name)
        _check_session_id(session_id)
        pid = os.getpid() if pid is None else int(pid)
        try:
            create_time = psutil.Process(pid).create_time()
        except psutil.Error:
            raise BadRequest(f"There is no process {pid}.", code="invalid_pid") from None
        now = time.time()
        record = {
            "session_id": session_id,
            "notebook_path": notebook_path,
            "pid": pid,
            "pid_create_time": create_time,
            "attached_at": now,
            "last_activity": now,
        }
        self.store.write_session(name, session_id, record)
        return record

    def touch(self, name: str, session_id: str) -> None:
        """A kernel ran something: this is what keeps an idle cluster from auto-terminating."""
        _check_session_id(session_id)
        record = self.store.read_session(name, session_id)
        if record is not None:
            record["last_activity"] = time.time()
            self.store.write_session(name, session_id, record)

    def detach(self, name: str, session_id: str) -> None:
        _check_session_id(session_id)
        self.store.remove_session(name, session_id)

    def attached(self, name: str) -> list[dict]:
        out = []
        for record in self.store.read_sessions(name):
            alive = process.is_alive(
                process.ProcessRecord(
                    role="kernel",
                    pid=int(record.get("pid") or 0),
                    create_time=float(record.get("pid_create_time") or 0),
                    pgid=0,
                )
            )
            if alive:
                out.append(record)
            elif record.get("session_id"):
                # The kernel is gone without detaching (crash, kill): forget it.
                self.store.remove_session(name, record["session_id"])
        return sorted(out, key=lambda r: r.get("attached_at") or 0)

    # -- auto-termination ----------------------------------------------------------------------

    def check_idle(self, now: float | None = None) -> list[str]:
        """Stop every running cluster idle for its whole timeout; the monitor calls this."""
        stopped = []
        for name in self.store.names():
            try:
                profile = self.profile(name)
                if not profile.managed:
                    continue
                # Decide and stop under one lock hold, so a start or a job that sneaks in
                # between the two is seen by the decision.
                with self.store.lock(name):
                    info = self.get(name, now=now)
                    if info.state != "running" or info.idle_countdown_seconds != 0:
                        continue
                    minutes = info.idle_timeout_minutes
                    self.stop(
                        name,
                        reason=f"Auto-terminated after {minutes} minute"
                        f"{'' if minutes == 1 else 's'} without activity.",
                    )
                log.info("Cluster %s auto-terminated (idle for %s min)", name, minutes)
                stopped.append(name)
            except LakehouseError as e:
                log.warning("Idle check of cluster %s failed: %s", name, e.message)
        return stopped

    def close(self) -> None:
        """Stop the monitor and watcher threads. Clusters keep running: they outlive us."""
        self._closed.set()
        if self._monitor:
            self._monitor.close()


def _check_session_id(session_id: Any) -> None:
    if not isinstance(session_id, str) or not SESSION_ID_RE.match(session_id):
        raise BadRequest(
            "A session id uses letters, digits, '_', '.' and '-' only.", code="invalid_session_id"
        )


def _memory_mb(text: str) -> int | None:
    match = re.match(r"^(\d+)([kmgt]?)b?$", text.lower())
    if not match:
        return None
    n, unit = int(match.group(1)), match.group(2) or "m"
    return {"k": n // 1024, "m": n, "g": n * 1024, "t": n * 1024 * 1024}[unit]
