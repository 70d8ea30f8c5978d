"""Building the commands, environments and ports that start a cluster's processes.

Pure functions of a profile and a few paths: nothing here starts a process, so the commands
can be checked in tests and shown when something goes wrong.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import sys
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from ..delta.engine import DeltaEngine, merge_conf
from ..errors import Unavailable
from .profiles import ClusterProfile

CONNECT_SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
MASTER_CLASS = "org.apache.spark.deploy.master.Master"
WORKER_CLASS = "org.apache.spark.deploy.worker.Worker"
LOOPBACK = "127.0.0.1"

# Set on every process a cluster starts (inherited by executors and Python workers), so the
# service can find every last one of them when it stops the cluster.
MARKER_ENV = "LAKEHOUSE_CLUSTER"

# Variables from the Jupyter server's environment that would turn spark-submit into something
# else (a Connect client, a different Spark) if a cluster inherited them.
_SCRUBBED_ENV = (
    "SPARK_REMOTE",
    "SPARK_CONNECT_MODE_ENABLED",
    "PYSPARK_SUBMIT_ARGS",
    "SPARK_LOCAL_REMOTE",
    "SPARK_CONNECT_AUTHENTICATE_TOKEN",
)


def spark_home() -> Path:
    """The pip package's Spark distribution (bin/, jars/): pyspark's own directory."""
    spec = importlib.util.find_spec("pyspark")
    if spec is None or spec.origin is None:
        raise Unavailable(
            "pyspark is not installed; install jupyter-lakehouse's dependencies.",
            code="spark_missing",
        )
    home = Path(spec.origin).parent
    if not (home / "bin" / "spark-submit").is_file() or not (home / "jars").is_dir():
        raise Unavailable(
            f"The pyspark package at {home} has no bin/spark-submit or jars/: install the full "
            "pyspark distribution (pip install 'pyspark[connect]'), not pyspark-client.",
            code="spark_missing",
        )
    return home


def spark_version() -> str | None:
    try:
        return metadata.version("pyspark")
    except metadata.PackageNotFoundError:
        return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def port_in_use(port: int) -> bool:
    """True if binding the loopback port fails (someone listens there, on 127.0.0.1 or *)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As the JVM binds (SO_REUSEADDR): connections of a previous run lingering in
        # TIME_WAIT do not make the port busy, a listener does.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((LOOPBACK, port))
        except OSError:
            return True
    return False


@dataclass
class ProcessSpec:
    role: str
    argv: list[str]
    env: dict[str, str]
    cwd: Path
    log: Path


@dataclass
class Ports:
    connect: int
    ui: int
    master: int | None = None
    master_ui: int | None = None
    worker_ui: list[int] = field(default_factory=list)


@dataclass
class LaunchPlan:
    processes: list[ProcessSpec]
    ports: Ports
    master_url: str | None
    conf: dict[str, str]


def environment(profile: ClusterProfile, cluster_dir: Path, base: dict | None = None) -> dict:
    env = dict(os.environ if base is None else base)
    for key in _SCRUBBED_ENV:
        env.pop(key, None)
    env["SPARK_HOME"] = str(spark_home())
    # Python UDFs run in workers the server spawns; they need this interpreter's pyspark.
    env.setdefault("PYSPARK_PYTHON", sys.executable)
    env[MARKER_ENV] = str(cluster_dir)
    if profile.kind in ("local", "standalone"):
        # Driver, UI, block manager, master and workers all listen on loopback only.
        env["SPARK_LOCAL_IP"] = LOOPBACK
    env.update(profile.env)
    return env


def metastore_conf(profile: ClusterProfile, home: Path, cluster_dir: Path) -> dict[str, str]:
    if profile.metastore == "none":
        return {
            "spark.sql.catalogImplementation": "in-memory",
            "spark.sql.warehouse.dir": str(cluster_dir / "warehouse"),
        }
    root = home if profile.metastore == "workspace" else cluster_dir
    return {
        "spark.sql.catalogImplementation": "hive",
        "spark.sql.warehouse.dir": str(root / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={root / 'metastore_db'};create=true"
        ),
    }


def choose_ports(profile: ClusterProfile) -> Ports:
    taken: set[int] = set()

    def pick() -> int:
        # Ask the OS for a free port, and never hand out the same one twice in one plan.
        while True:
            port = free_port()
            if port not in taken:
                taken.add(port)
                return port

    if profile.port:
        taken.add(profile.port)
    ports = Ports(connect=profile.port or pick(), ui=pick())
    if profile.kind == "standalone":
        ports.master = pick()
        ports.master_ui = pick()
        ports.worker_ui = [pick() for _ in range(profile.workers)]
    return ports


def driver_conf(
    profile: ClusterProfile,
    home: Path,
    cluster_dir: Path,
    ports: Ports,
    defaults: dict[str, str] | None = None,
    delta_engine: DeltaEngine | None = None,
) -> dict[str, str]:
    conf: dict[str, str] = {
        "spark.ui.showConsoleProgress": "false",
        **metastore_conf(profile, home, cluster_dir),
        **(defaults or {}),
    }
    if profile.kind == "standalone":
        conf.update(
            {
                "spark.dynamicAllocation.shuffleTracking.enabled": "true",
                "spark.executor.cores": str(profile.worker_cores),
            }
        )
    # The user's conf wins over our defaults (an external metastore, say); the Delta engine's
    # conf (services/delta/engine.py) comes first, list-valued keys such as spark.jars joined...
    conf.update(merge_conf(profile.spark_conf, delta_engine))
    # ...but not over the plumbing the service depends on (profiles.RESERVED_CONF).
    conf.update(
        {
            "spark.connect.grpc.binding.address": LOOPBACK,
            "spark.connect.grpc.binding.port": str(ports.connect),
            "spark.ui.enabled": "true",
            "spark.ui.port": str(ports.ui),
        }
    )
    if profile.kind == "standalone":
        conf.update(
            {
                "spark.dynamicAllocation.enabled": "true",
                "spark.dynamicAllocation.minExecutors": str(profile.min_executors),
                "spark.dynamicAllocation.maxExecutors": str(profile.max_executors),
            }
        )
    return conf


def build_plan(
    profile: ClusterProfile,
    home: Path,
    cluster_dir: Path,
    ports: Ports,
    env: dict[str, str],
    defaults: dict[str, str] | None = None,
    delta_engine: DeltaEngine | None = None,
) -> LaunchPlan:
    sh = Path(env["SPARK_HOME"])
    processes: list[ProcessSpec] = []
    master_url = None
    if profile.kind == "standalone":
        master_url = f"spark://{LOOPBACK}:{ports.master}"
        processes.append(
            ProcessSpec(
                role="master",
                argv=[
                    str(sh / "bin" / "spark-class"),
                    MASTER_CLASS,
                    "--host",
                    LOOPBACK,
                    "--port",
                    str(ports.master),
                    "--webui-port",
                    str(ports.master_ui),
                ],
                env=env,
                cwd=cluster_dir,
                log=cluster_dir / "master.log",
            )
        )
        for i, ui in enumerate(ports.worker_ui):
            work = cluster_dir / "work" / f"worker-{i}"
            processes.append(
                ProcessSpec(
                    role=f"worker-{i}",
                    argv=[
                        str(sh / "bin" / "spark-class"),
                        WORKER_CLASS,
                        "--host",
                        LOOPBACK,
                        "--cores",
                        str(profile.worker_cores),
                        "--memory",
                        profile.worker_memory,
                        "--webui-port",
                        str(ui),
                        "--work-dir",
                        str(work),
                        master_url,
                    ],
                    env=env,
                    cwd=cluster_dir,
                    log=cluster_dir / f"worker-{i}.log",
                )
            )
        master = master_url
    else:
        master = profile.master or "local[*]"

    conf = driver_conf(profile, home, cluster_dir, ports, defaults, delta_engine)
    argv = [
        str(sh / "bin" / "spark-submit"),
        "--class",
        CONNECT_SERVER_CLASS,
        "--master",
        master,
        "--driver-memory",
        profile.driver_memory,
        "--name",
        f"lakehouse-{profile.name}",
    ]
    for key, value in conf.items():
        argv += ["--conf", f"{key}={value}"]
    argv.append("spark-internal")
    # spark-submit sizes a Connect server (like the Thrift server) by SPARK_DAEMON_MEMORY when
    # set, over --driver-memory: that variable is for the standalone daemons, not the driver.
    driver_env = {k: v for k, v in env.items() if k != "SPARK_DAEMON_MEMORY"}
    processes.append(
        ProcessSpec(
            role="driver",
            argv=argv,
            env=driver_env,
            cwd=cluster_dir,
            log=cluster_dir / "driver.log",
        )
    )
    return LaunchPlan(processes=processes, ports=ports, master_url=master_url, conf=conf)
