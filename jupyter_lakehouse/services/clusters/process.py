"""Starting, finding and stopping a cluster's OS processes.

Every process starts in its own session (so its process group holds the JVM and anything it
spawns) with a marker variable in its environment (so leftovers, such as executors a standalone
worker forked, can still be found). A process is identified by pid *and* create_time: a pid the
OS reused for something else never passes for the cluster.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil

from .launcher import MARKER_ENV, ProcessSpec
from .store import ProcessRecord

# create_time comes from /proc in clock ticks; allow for rounding, not for another process.
_CREATE_TIME_SLACK = 1.0


def _exit_file(log: Path, role: str) -> Path:
    return log.parent / f".{role}.exit"


def launch(spec: ProcessSpec) -> ProcessRecord:
    spec.cwd.mkdir(parents=True, exist_ok=True)
    exit_file = _exit_file(spec.log, spec.role)
    with contextlib.suppress(FileNotFoundError):
        exit_file.unlink()
    with open(spec.log, "ab") as log:
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        log.write(f"[jupyter-lakehouse] {stamp}: starting the {spec.role}\n".encode())
        log.flush()
        proc = subprocess.Popen(
            spec.argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=spec.cwd,
            env=spec.env,
            # A new session: the cluster outlives this process (clusters outlive JupyterLab by
            # design), gets no terminal signals, and its whole tree is one process group.
            start_new_session=True,
            close_fds=True,
        )
    try:
        create_time = psutil.Process(proc.pid).create_time()
    except psutil.Error:
        create_time = 0.0
    # Reap our child as soon as it exits (no zombie that looks alive) and leave its exit status
    # where any process can read it for the error reason.
    threading.Thread(
        target=_reap, args=(proc, exit_file), name=f"lakehouse-reap-{proc.pid}", daemon=True
    ).start()
    return ProcessRecord(role=spec.role, pid=proc.pid, create_time=create_time, pgid=proc.pid)


def _reap(proc: subprocess.Popen, exit_file: Path) -> None:
    code = proc.wait()
    with contextlib.suppress(OSError):
        exit_file.write_text(json.dumps({"pid": proc.pid, "returncode": code}))


def exit_status(log: Path, record: ProcessRecord) -> int | None:
    """The exit code of a process this host launched and reaped, if known."""
    try:
        data = json.loads(_exit_file(log, record.role).read_text())
    except (OSError, ValueError):
        return None
    return data.get("returncode") if data.get("pid") == record.pid else None


def describe_exit(code: int | None) -> str:
    if code is None:
        return "exited"
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with code {code}"


def is_alive(record: ProcessRecord | None) -> bool:
    if record is None:
        return False
    try:
        proc = psutil.Process(record.pid)
        if abs(proc.create_time() - record.create_time) > _CREATE_TIME_SLACK:
            return False
        return proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
    except psutil.AccessDenied:
        return False


def probe_port(port: int | None, host: str = "127.0.0.1", timeout: float = 1.0) -> bool | None:
    """True if something accepts connections, False if refused, None if we cannot tell."""
    if not port:
        return False
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except ConnectionRefusedError:
        return False
    except OSError:
        return None


def find_cluster_processes(marker: str) -> list[psutil.Process]:
    """Every process (of this user) that a cluster started, found by the marker variable."""
    found = []
    me = os.getpid()
    for proc in psutil.process_iter():
        if proc.pid == me:
            continue
        try:
            if proc.environ().get(MARKER_ENV) == marker:
                found.append(proc)
        except (psutil.Error, OSError):
            continue
    return found


def _signal_group(record: ProcessRecord, sig: int) -> None:
    # Only while the group leader is provably ours: a dead leader's pgid could be reused.
    if is_alive(record):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(record.pgid, sig)


def _wait_dead(records: list[ProcessRecord], timeout: float) -> list[ProcessRecord]:
    deadline = time.monotonic() + timeout
    alive = [r for r in records if is_alive(r)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.1)
        alive = [r for r in alive if is_alive(r)]
    return alive


def terminate(records: list[ProcessRecord], marker: str, grace: float) -> None:
    """Stop a cluster: SIGTERM each group (driver first), SIGKILL what is left after `grace`.

    The driver goes first and alone, so it can release its executors and the metastore
    cleanly while the master and workers are still there to hear about it.
    """
    drivers = [r for r in records if r.role == "driver"]
    daemons = [r for r in records if r.role != "driver"]
    for batch in (drivers, daemons):
        for record in batch:
            _signal_group(record, signal.SIGTERM)
        for record in _wait_dead(batch, grace):
            _signal_group(record, signal.SIGKILL)
        _wait_dead(batch, 5.0)
    sweep(marker)


def sweep(marker: str, timeout: float = 5.0) -> int:
    """Kill whatever still carries the cluster's marker (executors, Python workers)."""
    leftovers = find_cluster_processes(marker)
    for proc in leftovers:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    if leftovers:
        psutil.wait_procs(leftovers, timeout=timeout)
    return len(leftovers)
