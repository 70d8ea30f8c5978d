// The Spark Connect side of %scala, compiled first when the Scala JVM starts (see Bridge.scala),
// so that the session opens while the compiler works on the bridge.
//
// In Spark's package: the client's Artifact class and its RetryPolicy are private to it.

package org.apache.spark.sql.jupyterlakehouse

import java.nio.file.{Files, Path}
import java.util.concurrent.CompletableFuture

import scala.collection.mutable
import scala.concurrent.duration._

import org.apache.spark.sql.Artifact
import org.apache.spark.sql.connect.SparkSession
import org.apache.spark.sql.connect.client.{ClassFinder, RetryPolicy, SparkConnectClient}

object Sessions {
  /** A client of the notebook's session. The user id must be Python's, or the server keeps two
   *  sessions apart: Python sends none ("") when $USER is unset, where Scala's client would
   *  send the JVM's user.name. Retries are as short as Python's: a lost cluster is reported
   *  within seconds instead of after minutes of backoff.
   */
  def open(url: String, userId: String): SparkSession = {
    val retries = RetryPolicy.defaultPolicies().map(
      _.copy(maxRetries = Some(4), initialBackoff = 100.millis, maxBackoff = Some(1.second)))
    val builder = SparkConnectClient.builder().connectionString(url).retryPolicy(retries)
    // Not builder.userId: it refuses the empty id that Python's missing one amounts to.
    val client = new SparkConnectClient.Builder(builder.configuration.copy(userId = userId)).build()
    val session = SparkSession.builder().client(client).create()
    session.version // one round trip: the channel is up, errors show here
    session
  }

  /** `open` on a thread of its own, while the REPL compiles. */
  def openAsync(url: String, userId: String): CompletableFuture[SparkSession] =
    CompletableFuture.supplyAsync(() => open(url, userId))
}

/** Hands the REPL's new and changed class files to the client, which uploads them to the
 *  server before each operation (the client's own REPLClassDirMonitor sends all, every time).
 */
final class ReplClassUploader(root: Path, skip: Seq[String]) extends ClassFinder {
  private val sent = mutable.Map.empty[Path, (Long, Long)]

  /** Send everything again with the next operation (after a failure, or to a new session). */
  def forget(): Unit = synchronized(sent.clear())

  override def findClasses(): Iterator[Artifact] = synchronized {
    val found = mutable.ArrayBuffer.empty[Artifact]
    if (Files.isDirectory(root)) {
      val stream = Files.walk(root)
      try {
        val it = stream.iterator()
        while (it.hasNext) {
          val file = it.next()
          val rel = root.relativize(file)
          if (file.toString.endsWith(".class") && !skip.exists(s => rel.startsWith(s))) {
            val stamp = (Files.size(file), Files.getLastModifiedTime(file).toMillis)
            if (!sent.get(file).contains(stamp)) {
              sent(file) = stamp
              found += Artifact.newClassArtifact(rel, new Artifact.LocalFile(file))
            }
          }
        }
      } finally stream.close()
    }
    found.iterator
  }
}
