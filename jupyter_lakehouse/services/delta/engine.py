"""Which Delta engine a cluster runs, decided when it starts.

- `delta-spark`: the JVM Delta source (full Delta SQL) whenever its jars can be found: a folder
  named in configuration (the profile's `delta_jars`, else the workspace's
  `LakehouseApp.delta_jars` / `$LAKEHOUSE_DELTA_JARS`), the local Ivy or Maven caches, or Maven
  Central itself when it answers within a short probe (then `spark.jars.packages`).
- `offline`: everything else. Spark gets the Python data source named `delta` (source.py) in
  every notebook session, and the kernel routes the Delta SQL Spark cannot (router.py).

The decision and its reason are recorded in the cluster state, so `GET clusters/{name}` and
`GET version` say which engine is in use and why.
"""

from __future__ import annotations

import os
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

DELTA_SPARK = "delta-spark"
OFFLINE = "offline"

SCALA_BINARY = "2.13"  # Spark 4 is built for Scala 2.13 only
EXTENSIONS = "io.delta.sql.DeltaSparkSessionExtension"
CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog"
# Delta Connect: what delta-spark's Python DeltaTable needs on a Spark Connect server.
CONNECT_PLUGINS = {
    "spark.connect.extensions.relation.classes": (
        "org.apache.spark.sql.connect.delta.DeltaRelationPlugin"
    ),
    "spark.connect.extensions.command.classes": (
        "org.apache.spark.sql.connect.delta.DeltaCommandPlugin"
    ),
}
_CONNECT_JAR_RE = re.compile(
    r"^(?:io\.delta_)?delta-connect-(server|common)_.*\.jar$|^(?:com\.google\.protobuf_)?protobuf-java-\d.*\.jar$"
)
MAVEN_CENTRAL = "https://repo1.maven.org/maven2"
PROBE_TIMEOUT = 1.5  # seconds: a start never waits longer than this for Maven
PROBE_CACHE_SECONDS = 300.0
# The Python data sources' filter pushdown is off by default in Spark 4.2.
OFFLINE_CONF = {"spark.sql.python.filterPushdown.enabled": "true"}

_JAR_RE = re.compile(
    rf"^(?:io\.delta_)?(?P<artifact>delta-spark_{re.escape(SCALA_BINARY)}|delta-storage)"
    r"-(?P<version>\d+\.\d+\.\d+(?:[.-][0-9A-Za-z.]+)?)\.jar$"
)


@dataclass(frozen=True)
class DeltaEngine:
    name: str
    reason: str
    jars: tuple[str, ...] = ()
    packages: str | None = None
    version: str | None = None

    @property
    def offline(self) -> bool:
        return self.name == OFFLINE

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "reason": self.reason,
            "version": self.version,
            "jars": list(self.jars),
            "packages": self.packages,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> DeltaEngine | None:
        if not isinstance(data, dict) or data.get("name") not in (DELTA_SPARK, OFFLINE):
            return None
        return cls(
            name=data["name"],
            reason=str(data.get("reason") or ""),
            jars=tuple(data.get("jars") or ()),
            packages=data.get("packages"),
            version=data.get("version"),
        )

    def spark_conf(self) -> dict[str, str]:
        """Conf the Spark Connect server starts with for this engine (merged by the launcher)."""
        if self.offline:
            return dict(OFFLINE_CONF)
        conf = {
            "spark.sql.extensions": EXTENSIONS,
            "spark.sql.catalog.spark_catalog": CATALOG,
        }
        if self.jars:
            conf["spark.jars"] = ",".join(self.jars)
        if any("delta-connect-server" in Path(j).name for j in self.jars):
            conf.update(CONNECT_PLUGINS)
        if self.packages:
            conf["spark.jars.packages"] = self.packages
        return conf


def wanted_version() -> str | None:
    """The delta-spark release that matches the installed Python package (its jars' version)."""
    try:
        return metadata.version("delta-spark")
    except metadata.PackageNotFoundError:
        return None


def _version_key(version: str) -> tuple:
    return tuple(int(p) if p.isdigit() else -1 for p in re.split(r"[.-]", version))


@dataclass
class _Found:
    spark: dict[str, Path] = field(default_factory=dict)  # version -> delta-spark jar
    storage: dict[str, Path] = field(default_factory=dict)  # version -> delta-storage jar


def _scan(paths: list[Path], found: _Found) -> None:
    for path in paths:
        match = _JAR_RE.match(path.name)
        if not match or not path.is_file():
            continue
        target = found.spark if match["artifact"].startswith("delta-spark") else found.storage
        target.setdefault(match["version"], path)


def find_jars(folder: Path, want: str | None = None) -> tuple[tuple[Path, Path], str] | None:
    """(delta-spark jar, delta-storage jar) of one release found in `folder`, and its version.

    Looks in the folder itself and in the Ivy (`cache/io.delta/<artifact>/jars/`) and Maven
    (`io/delta/<artifact>/<version>/`) layouts under it. Prefers `want`, else the newest 4.x
    (Delta 4 is the line built for Spark 4).
    """
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        return None
    found = _Found()
    _scan(sorted(folder.glob("*.jar")), found)
    _scan(sorted(folder.glob("jars/*.jar")), found)
    for artifact in (f"delta-spark_{SCALA_BINARY}", "delta-storage"):
        _scan(sorted(folder.glob(f"cache/io.delta/{artifact}/jars/*.jar")), found)
        _scan(sorted(folder.glob(f"io/delta/{artifact}/*/*.jar")), found)
    versions = [v for v in found.spark if v in found.storage and v.split(".")[0] == "4"]
    if not versions:
        return None
    version = want if want in versions else max(versions, key=_version_key)
    return (found.spark[version], found.storage[version]), version


def connect_jars(folder: Path) -> list[Path]:
    """Delta Connect server jars (and the protobuf runtime they need) beside delta-spark's."""
    folder = Path(folder).expanduser()
    return sorted(p for p in folder.glob("*.jar") if _CONNECT_JAR_RE.match(p.name))


def default_caches(home: Path | None = None) -> list[Path]:
    """Where spark-submit --packages (Ivy) and Maven leave jars on this machine."""
    home = Path.home() if home is None else home
    out = []
    ivy = os.environ.get("SPARK_IVY_HOME")
    if ivy:
        out.append(Path(ivy))
    # Spark 4 keeps its Ivy home in ~/.ivy2.5.2; Spark 3 used ~/.ivy2.
    out += [home / ".ivy2.5.2", home / ".ivy2", home / ".m2" / "repository"]
    return out


class _ProbeCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.results: dict[str, tuple[float, bool, str]] = {}


_PROBES = _ProbeCache()


def probe_maven(
    repo: str = MAVEN_CENTRAL,
    version: str | None = None,
    timeout: float = PROBE_TIMEOUT,
) -> tuple[bool, str]:
    """(reachable, detail): does the repository answer for the delta-spark POM within timeout?

    Answers are cached for a few minutes per process, so repeated starts do not wait again.
    """
    version = version or wanted_version() or "4.0.0"
    artifact = f"delta-spark_{SCALA_BINARY}"
    url = f"{repo.rstrip('/')}/io/delta/{artifact}/{version}/{artifact}-{version}.pom"
    now = time.monotonic()
    with _PROBES.lock:
        cached = _PROBES.results.get(url)
        if cached and now - cached[0] < PROBE_CACHE_SECONDS:
            return cached[1], cached[2]
    try:
        request = urllib.request.Request(url, method="HEAD")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            ok, detail = 200 <= response.status < 300, f"HTTP {response.status}"
    except urllib.error.HTTPError as e:
        ok, detail = False, f"HTTP {e.code} for {url}"
    except (OSError, ValueError) as e:
        reason = getattr(e, "reason", None) or e
        ok, detail = False, f"{type(reason).__name__}: {reason}"
    with _PROBES.lock:
        _PROBES.results[url] = (now, ok, detail)
    return ok, detail


def choose_engine(
    delta_jars: str | os.PathLike | None = None,
    *,
    caches: list[Path] | None = None,
    maven: bool = True,
    maven_repo: str = MAVEN_CENTRAL,
    probe_timeout: float = PROBE_TIMEOUT,
) -> DeltaEngine:
    """Decide the engine for a cluster start. Never raises; never waits more than the probe."""
    want = wanted_version()
    searched: list[str] = []
    folders: list[Path] = []
    if delta_jars:
        folders.append(Path(delta_jars).expanduser())
    folders += default_caches() if caches is None else list(caches)
    for folder in folders:
        searched.append(str(folder))
        hit = find_jars(folder, want)
        if hit:
            (spark_jar, storage_jar), version = hit
            note = "" if version == want or not want else f" (the Python package is {want})"
            extra = [str(p) for p in connect_jars(spark_jar.parent)]
            return DeltaEngine(
                name=DELTA_SPARK,
                reason=f"delta-spark {version} jars found in {folder}{note}"
                + ("; Delta Connect server jars too" if extra else ""),
                jars=(str(spark_jar), str(storage_jar), *extra),
                version=version,
            )
    where = ", ".join(searched) or "no folder"
    missing = f"delta-spark jars not found in {where}"
    if delta_jars and not Path(delta_jars).expanduser().is_dir():
        missing += f" (the configured delta_jars folder {delta_jars} does not exist)"
    if not maven:
        return DeltaEngine(name=OFFLINE, reason=f"{missing}; Maven Central not consulted")
    if want is None:
        return DeltaEngine(
            name=OFFLINE,
            reason=f"{missing}; the delta-spark Python package is not installed, so no "
            "release to download is known",
        )
    ok, detail = probe_maven(maven_repo, want, probe_timeout)
    if ok:
        return DeltaEngine(
            name=DELTA_SPARK,
            reason=f"{missing}; Maven Central is reachable: spark.jars.packages downloads "
            f"delta-spark {want} at start",
            packages=f"io.delta:delta-spark_{SCALA_BINARY}:{want}",
            version=want,
        )
    return DeltaEngine(
        name=OFFLINE,
        reason=f"{missing}; Maven Central not reachable ({detail})",
    )


def merge_conf(base: dict[str, str], engine: DeltaEngine | None) -> dict[str, str]:
    """`base` (the profile's conf) with the engine's conf; list-valued keys are joined."""
    if engine is None:
        return dict(base)
    out = dict(engine.spark_conf())
    for key, value in base.items():
        if key in ("spark.jars", "spark.jars.packages", "spark.sql.extensions") and key in out:
            parts = [p for p in (value + "," + out[key]).split(",") if p]
            out[key] = ",".join(dict.fromkeys(parts))
        else:
            out[key] = value
    return out
