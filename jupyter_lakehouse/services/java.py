"""Finding a Java runtime that can run Spark 4 (Java 17 or newer)."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass

from .errors import Unavailable

MIN_JAVA = 17
HOW_TO_GET_JAVA = (
    "Install a Java 17+ runtime (on Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless) "
    "and put it on PATH or set JAVA_HOME."
)


@dataclass(frozen=True)
class JavaInfo:
    executable: str | None
    version: str | None
    major: int | None

    @property
    def usable(self) -> bool:
        return self.major is not None and self.major >= MIN_JAVA

    def to_dict(self) -> dict:
        return {**asdict(self), "usable": self.usable, "required": f">={MIN_JAVA}"}


def java_executable(environ: dict | None = None) -> str | None:
    env = os.environ if environ is None else environ
    home = env.get("JAVA_HOME")
    if home:
        candidate = os.path.join(home, "bin", "java")
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("java", path=env.get("PATH"))


def parse_java_version(text: str) -> tuple[str | None, int | None]:
    """Read the version from `java -version` output (it prints to stderr)."""
    match = re.search(r'version "([^"]+)"', text)
    if not match:
        return None, None
    version = match.group(1)
    parts = version.split(".")
    # Java 8 and older call themselves 1.8; 9+ start with the major number.
    major = (
        int(parts[1]) if parts[0] == "1" and len(parts) > 1 else int(re.match(r"\d+", version)[0])
    )
    return version, major


@functools.lru_cache(maxsize=8)
def _probe(executable: str) -> JavaInfo:
    try:
        out = subprocess.run(
            [executable, "-version"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return JavaInfo(executable, None, None)
    version, major = parse_java_version(out.stderr + out.stdout)
    return JavaInfo(executable, version, major)


def detect_java(environ: dict | None = None) -> JavaInfo:
    executable = java_executable(environ)
    if executable is None:
        return JavaInfo(None, None, None)
    return _probe(executable)


def require_java(environ: dict | None = None) -> JavaInfo:
    """Return a usable Java or raise Unavailable with a message saying how to get one."""
    info = detect_java(environ)
    if info.executable is None:
        raise Unavailable(f"Java was not found. {HOW_TO_GET_JAVA}", code="java_missing")
    if not info.usable:
        raise Unavailable(
            f"Spark needs Java {MIN_JAVA} or newer, but {info.executable} is "
            f"{info.version or 'of unknown version'}. {HOW_TO_GET_JAVA}",
            code="java_too_old",
        )
    return info
