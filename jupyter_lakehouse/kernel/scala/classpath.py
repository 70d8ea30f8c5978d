"""The classpath and JVM options of the %scala JVM, taken from the installed pyspark.

Spark's own `spark-shell --remote` puts every jar of pyspark on the classpath (about 320) except
`spark-sql`, `spark-sql-api`, `spark-connect-common` and `spark-connect`: the Connect client jar
(jars/connect-repl/) bundles shaded copies of the sql-api and connect-common classes, so those
two jars would only duplicate them, and the other two are the classic engine and the server.
That set works here too (with the Connect builder named explicitly: with the classic jars
present, the generic `SparkSession.builder()` picks classic mode), but the REPL compiler indexes
every jar on its classpath, so it starts about a second later on this machine.

This module takes the 29 jars the client and the REPL need: the client jar, the Scala compiler
and library, py4j, and the jars the client loads at run time (found by running its operations:
collect of every type, schema JSON, stat sketches, encoders for case classes, closures and UDFs).
The rest of jars/connect-repl/ is the Ammonite shell, which IMain does not need. Without
spark-core, py4j cannot call the client's classes by reflection (their method signatures name
SparkContext and RDD); the kernel reaches them only through Scala code compiled in the REPL.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import NotebookError

# The Spark Connect Scala client (in jars/connect-repl/): SparkSession, Dataset, grpc, arrow, all
# shaded into one jar.
CLIENT_PREFIX = "spark-connect-client-jvm_"

# Jars of jars/ the client and the REPL need, by file name prefix (version-free).
REQUIRED = (
    # The REPL: IMain, the compiler and the library.
    "scala-compiler-",
    "scala-library-",
    "scala-reflect-",
    # Python talks to the JVM through py4j's GatewayServer.
    "py4j-",
    # Spark's own utilities that the client is compiled against but does not bundle:
    # logging and closure cleaning (common-utils), UTF8String and collations (unsafe),
    # stat sketches (sketch).
    "spark-common-utils_",
    "spark-common-utils-java_",
    "spark-unsafe_",
    "spark-sketch_",
    # Spark's annotations (@Unstable, @DeveloperApi): Scala reflection reads them when it
    # derives encoders for case classes.
    "spark-tags_",
    # Their dependencies: logging, JSON schemas, collations, UTF8String's Kryo interfaces,
    # jackson-module-scala's parameter names, the closure cleaner's ASM.
    "slf4j-api-",
    "log4j-api-",
    "log4j-core-",
    "log4j-slf4j2-impl-",
    "json4s-ast_",
    "json4s-core_",
    "json4s-jackson-core_",
    "json4s-jackson_",
    "json4s-scalap_",
    "jackson-core-",
    "jackson-databind-",
    "jackson-annotations-",
    "jackson-module-scala_",
    "commons-lang3-",
    "icu4j-",
    "kryo-shaded-",
    "paranamer-",
    "xbean-asm9-shaded-",
    "zstd-jni-",
)

# What Spark's launcher passes to every JVM on Java 17+ (JavaModuleOptions): Arrow and netty
# reach into java.nio and sun.misc.
JAVA_OPTIONS = (
    "-XX:+IgnoreUnrecognizedVMOptions",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "--sun-misc-unsafe-memory-access=allow",
    "--enable-native-access=ALL-UNNAMED",
    # The Scala compiler recurses deeply (cells run on threads this JVM creates, with this size).
    "-Xss4m",
    # C1 only, and one GC thread: on two shared cores the C2 compiler threads slowed the REPL's
    # start and small cells by about 2x; driver-side hot loops run slower in exchange.
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
)


def pyspark_jars() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent / "jars"


def _newest(directory: Path, prefix: str) -> Path | None:
    found = sorted(p for p in directory.glob(f"{prefix}*.jar") if p.name.startswith(prefix))
    return found[-1] if found else None


def repl_classpath(jars: Path | None = None) -> list[str]:
    """The jars of the Scala REPL JVM, or a NotebookError naming what is missing."""
    jars = jars or pyspark_jars()
    chosen = [_newest(jars / "connect-repl", CLIENT_PREFIX)]
    chosen += [_newest(jars, prefix) for prefix in REQUIRED]
    missing = [
        prefix for prefix, path in zip((CLIENT_PREFIX, *REQUIRED), chosen, strict=True) if not path
    ]
    if missing:
        raise NotebookError(
            f"pyspark's jars in {jars} lack {', '.join(p.rstrip('-_') for p in missing)}; "
            "reinstall pyspark[connect] to use %scala.",
            title="Scala unavailable",
        )
    return [str(p) for p in chosen if p]
