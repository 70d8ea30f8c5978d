// The JVM side of %scala. The kernel compiles this file, after Sessions.scala, with the REPL's
// own compiler when the Scala JVM starts (IMain.compileString), so it needs no build step and
// always matches the Scala and Spark versions of the installed pyspark.
//
// Python drives it through py4j: `start` runs a cell on a thread of its own, `poll` hands the
// cell's output and events to Python as JSON, `interrupt` stops the cell.

package jupyterlakehouse

import java.io.{ByteArrayOutputStream, OutputStream, PrintStream, StringWriter}
import java.nio.charset.StandardCharsets.UTF_8
import java.nio.file.Paths
import java.util.concurrent.{CompletableFuture, ExecutionException}

import scala.collection.mutable
import scala.reflect.internal.Reporter.Severity
import scala.reflect.internal.util.{CodeAction, Position}
import scala.tools.nsc.Settings
import scala.tools.nsc.interpreter.{IMain, Results}
import scala.tools.nsc.reporters.FilteringReporter

import org.apache.spark.sql.connect.SparkSession
import org.apache.spark.sql.jupyterlakehouse.{ReplClassUploader, Sessions}


object Json {
  final case class Raw(json: String)

  def str(s: String): String = {
    if (s == null) return "null"
    val b = new java.lang.StringBuilder(s.length + 2).append('"')
    s.foreach {
      case '"' => b.append("\\\"")
      case '\\' => b.append("\\\\")
      case '\n' => b.append("\\n")
      case '\r' => b.append("\\r")
      case '\t' => b.append("\\t")
      case c if c < ' ' => b.append("\\u%04x".format(c.toInt))
      case c => b.append(c)
    }
    b.append('"').toString
  }

  def obj(fields: (String, Any)*): String = fields.map {
    case (k, null) => s"${str(k)}:null"
    case (k, v: String) => s"${str(k)}:${str(v)}"
    case (k, Raw(v)) => s"${str(k)}:$v"
    case (k, v) => s"${str(k)}:$v"
  }.mkString("{", ",", "}")

  def arr(items: Iterable[String]): Raw = Raw(items.mkString("[", ",", "]"))
}

/** Everything a cell produces, in order, until Python polls it. */
final class Sink {
  private val events = mutable.ArrayBuffer.empty[String]
  private val text = new java.lang.StringBuilder
  private var textKind = ""

  private def flushText(): Unit = if (text.length > 0) {
    events += Json.obj("k" -> textKind, "text" -> text.toString)
    text.setLength(0)
  }

  def write(kind: String, s: String): Unit = synchronized {
    if (kind != textKind) flushText()
    textKind = kind
    text.append(s)
    notifyAll()
  }

  def event(json: String): Unit = synchronized {
    flushText()
    events += json
    notifyAll()
  }

  /** The events so far as a JSON array, waiting up to `timeoutMs` for the first one. */
  def poll(timeoutMs: Int): String = synchronized {
    if (events.isEmpty && text.length == 0 && timeoutMs > 0) wait(timeoutMs.toLong)
    flushText()
    val out = events.mkString("[", ",", "]")
    events.clear()
    out
  }
}

/** A stream into the sink (System.out, System.err, Console): UTF-8, whole characters. */
final class SinkStream(sink: Sink, kind: String) extends OutputStream {
  private val pending = new ByteArrayOutputStream

  override def write(b: Int): Unit = synchronized {
    pending.write(b)
    if (b == '\n') flush()
  }

  override def write(b: Array[Byte], off: Int, len: Int): Unit = synchronized {
    pending.write(b, off, len)
    flush()
  }

  override def flush(): Unit = synchronized {
    if (pending.size > 0) {
      val bytes = pending.toByteArray
      val cut = bytes.length - incompleteTail(bytes)
      sink.write(kind, new String(bytes, 0, cut, UTF_8))
      pending.reset()
      pending.write(bytes, cut, bytes.length - cut)
    }
  }

  /** How many bytes at the end start a UTF-8 character that is not complete yet. */
  private def incompleteTail(bytes: Array[Byte]): Int = {
    var i = bytes.length - 1
    while (i >= 0 && bytes.length - i <= 4 && (bytes(i) & 0xc0) == 0x80) i -= 1
    if (i < 0 || (bytes(i) & 0x80) == 0) return 0
    val need = if ((bytes(i) & 0xe0) == 0xc0) 2 else if ((bytes(i) & 0xf0) == 0xe0) 3 else 4
    val have = bytes.length - i
    if (have < need) have else 0
  }
}

/** Takes the compiler's messages so that errors keep their line and column.
 *
 *  Counting, filtering and resetting stay with the REPL's own reporter, which IMain consults;
 *  only the messages come here instead of being printed.
 */
final class CapturingReporter(delegate: FilteringReporter, onMessage: (Position, String, Severity) => Unit)
    extends FilteringReporter {
  override def settings: Settings = delegate.settings
  override def doReport(pos: Position, msg: String, severity: Severity, actions: List[CodeAction]): Unit =
    onMessage(pos, msg, severity)
  override def filter(pos: Position, msg: String, severity: Severity): Int = delegate.filter(pos, msg, severity)
  override def increment(severity: Severity): Unit = delegate.increment(severity)
  override def errorCount: Int = delegate.errorCount
  override def warningCount: Int = delegate.warningCount
  override def hasErrors: Boolean = delegate.hasErrors
  override def hasWarnings: Boolean = delegate.hasWarnings
  override def reset(): Unit = delegate.reset()
  override def flush(): Unit = delegate.flush()
  override def finish(): Unit = ()
}

/** What REPL code reaches: `spark` and `display` of the prelude. Null-safe on executors, where
 *  a REPL line's wrapper is rebuilt (to reach the outer scope of a case class) without a bridge.
 */
object Bridge {
  @volatile var current: Bridge = _
  def session: SparkSession = if (current == null) null else current.spark
  def display(value: Any): Unit = if (current != null) current.display(value)

  private[jupyterlakehouse] def delete(dir: java.nio.file.Path): Unit =
    try {
      val stream = java.nio.file.Files.walk(dir)
      try stream.sorted(java.util.Comparator.reverseOrder[java.nio.file.Path]()).forEach(p => p.toFile.delete())
      finally stream.close()
    } catch { case _: Throwable => }

  /** Runs each request's code (IMain's execution wrapper), so that `interrupt` interrupts
   *  the cell's thread only while it runs user code: an interrupt that arrives while IMain
   *  compiles or loads classes would close the NIO channels it reads class files with, and
   *  break the REPL for good.
   */
  def guard[T](body: => T): T = {
    val bridge = current
    if (bridge == null) body
    else {
      bridge.userCode(true)
      try body
      finally bridge.userCode(false)
    }
  }

  /** Every request starts with this line: it makes the request's wrapper serialize without
   *  the values that cannot be (Datasets, sessions). Closures passed to Dataset.map and the
   *  like capture the wrapper, and the Connect client serializes them without Spark's REPL
   *  closure cleaning, so `val df = ...; val n = 1` in one cell and `ds.map(_ + n)` in
   *  another would otherwise fail on `df`.
   */
  val Header = "private def writeReplace(): AnyRef = jupyterlakehouse.Bridge.serializable(this)\n"

  private lazy val unsafe: sun.misc.Unsafe = {
    val field = classOf[sun.misc.Unsafe].getDeclaredField("theUnsafe")
    field.setAccessible(true)
    field.get(null).asInstanceOf[sun.misc.Unsafe]
  }

  /** `wrapper` itself, or a copy without the values that cannot or must not travel: anything
   *  not serializable, and the client's Datasets and sessions (serializable in name only).
   */
  def serializable(wrapper: AnyRef): AnyRef = {
    val fields = wrapper.getClass.getDeclaredFields.filterNot(f => java.lang.reflect.Modifier.isStatic(f.getModifiers))
    fields.foreach(_.setAccessible(true))
    def keep(f: java.lang.reflect.Field): Boolean = f.getType.isPrimitive || (f.get(wrapper) match {
      case null => true
      case _: org.apache.spark.sql.Dataset[_] | _: org.apache.spark.sql.SparkSession => false
      case _: org.apache.spark.sql.RelationalGroupedDataset | _: org.apache.spark.sql.KeyValueGroupedDataset[_, _] => false
      case v => v.isInstanceOf[java.io.Serializable]
    })
    val kept = fields.filter(keep)
    if (kept.length == fields.length) wrapper
    else {
      val copy = unsafe.allocateInstance(wrapper.getClass)
      kept.foreach(f => f.set(copy, f.get(wrapper)))
      copy
    }
  }
}

final class Bridge(val intp: IMain, replOut: StringWriter, classDir: String) {
  Bridge.current = this

  private val sink = new Sink
  private val out = new PrintStream(new SinkStream(sink, "stdout"), true, "UTF-8")
  private val err = new PrintStream(new SinkStream(sink, "stderr"), true, "UTF-8")
  System.setOut(out)
  System.setErr(err)

  // The kernel's directory (class files, log) goes with the JVM, also when the kernel was
  // killed and the JVM exits on its own (py4j's --die-on-broken-pipe).
  Runtime.getRuntime.addShutdownHook(new Thread(() => Bridge.delete(Paths.get(classDir).getParent)))

  private val errors = mutable.ArrayBuffer.empty[String]
  private val replReporter = intp.reporter.asInstanceOf[FilteringReporter]
  intp.global.reporter = new CapturingReporter(replReporter, onMessage)
  intp.setExecutionWrapper("jupyterlakehouse.Bridge.guard")

  // The bridge's own classes are uploaded too: executors rebuild the prelude's line.
  private val uploader = new ReplClassUploader(Paths.get(classDir), Seq("org"))
  @volatile var spark: SparkSession = _
  @volatile private var running: Thread = null
  @volatile private var interrupted = false
  private var inUserCode = false
  private val userCodeLock = new Object
  @volatile private var cellTag: String = null
  private var cells = 0
  private var views = 0
  private var lastException: Throwable = null

  private def onMessage(pos: Position, msg: String, severity: Severity): Unit = {
    val inCell = pos != null && pos.isDefined && pos.source.file.name == "<console>"
    // Line 1 of every request is the header: the cell's lines start at 2.
    val json = Json.obj(
      "message" -> msg,
      "line" -> (if (inCell) pos.line - 1 else 0),
      "column" -> (if (inCell) pos.column else 0),
    )
    severity.id match {
      case 2 => errors.synchronized(errors += json)
      case 1 => sink.event(Json.obj("k" -> "warning", "diagnostic" -> Json.Raw(json)))
      case _ => sink.write("stderr", msg + "\n")
    }
  }

  // -- the session --------------------------------------------------------------------

  /** Attach to the notebook's Spark Connect session and bind `spark` in the REPL. */
  def connect(url: String, userId: String): String =
    attach(CompletableFuture.completedFuture(Sessions.open(url, userId)))

  /** Bind `spark` to a session being opened (Sessions.openAsync): the prelude compiles
   *  meanwhile, `spark` being lazy. Empty, or what went wrong.
   */
  def attach(pending: CompletableFuture[SparkSession]): String = {
    val prelude =
      """@transient lazy val spark: org.apache.spark.sql.connect.SparkSession = jupyterlakehouse.Bridge.session
        |import spark.implicits._
        |import org.apache.spark.sql.functions._
        |def display(value: Any): Unit = jupyterlakehouse.Bridge.display(value)
        |""".stripMargin
    errors.synchronized(errors.clear())
    var result: Results.Result = Results.Error
    intp.beQuietDuring { result = intp.interpret(Bridge.Header + prelude) }
    replOut.getBuffer.setLength(0)
    val session = try pending.get() catch { case e: ExecutionException => throw e.getCause }
    uploader.forget()
    session.registerClassFinder(uploader)
    spark = session
    if (result == Results.Success) "" else errors.synchronized(errors.mkString("; "))
  }

  def display(value: Any): Unit = value match {
    case ds: org.apache.spark.sql.Dataset[_] => sink.event(Json.obj("k" -> "display", "view" -> publish(ds)))
    case other => out.println(String.valueOf(other))
  }

  /** A temp view of the Dataset in the shared session: Python shows it, then drops it. */
  private def publish(ds: org.apache.spark.sql.Dataset[_]): String = {
    views += 1
    val name = s"_lakehouse_scala_${cells}_$views"
    ds.toDF().createOrReplaceTempView(name)
    name
  }

  // -- cells --------------------------------------------------------------------------

  def isRunning: Boolean = running != null

  /** Run a cell on a thread of its own; its output and its end arrive through `poll`. */
  def start(code: String, tag: String): Unit = synchronized {
    if (running != null) throw new IllegalStateException("a Scala cell is still running")
    cells += 1
    interrupted = false
    cellTag = s"lakehouse-scala-cell-$cells-${java.util.UUID.randomUUID()}"
    val thread = new Thread(() => runCell(code, tag), s"lakehouse-scala-cell-$cells")
    thread.setDaemon(true)
    running = thread
    thread.start()
  }

  def poll(timeoutMs: Int): String = sink.poll(timeoutMs)

  private[jupyterlakehouse] def userCode(entering: Boolean): Unit = userCodeLock.synchronized {
    inUserCode = entering
    if (!entering) Thread.interrupted() // an interrupt meant for the code it has just left
  }

  /** Stop the running cell: its Spark operations on the server, and the thread itself while
   *  it runs user code. Python calls this again until the cell ends.
   */
  def interrupt(): Unit = {
    val thread = running
    if (thread == null) return
    interrupted = true
    val session = spark
    if (session != null) try session.interruptTag(cellTag) catch { case _: Throwable => }
    userCodeLock.synchronized { if (inUserCode && running == thread) thread.interrupt() }
  }

  /** The last resort when the cell's code ignores interrupts (a busy loop): stop its thread.
   *  False when that cannot be done (Java 20+, or the cell is not in user code); Python then
   *  restarts the JVM.
   */
  @annotation.nowarn("cat=deprecation")
  def forceStop(): Boolean = userCodeLock.synchronized {
    val thread = running
    if (thread == null) true
    else if (!inUserCode) false
    else
      try { thread.stop(); true }
      catch { case _: UnsupportedOperationException => false }
  }

  private def runCell(code: String, tag: String): Unit = {
    var done = Json.obj("k" -> "done", "status" -> "error")
    val session = spark
    try {
      if (session != null) {
        session.addTag(cellTag)
        if (tag != null && tag.nonEmpty) session.addTag(tag)
      }
      val before = intp.mostRecentVar
      var result: Results.Result = Results.Success
      val parts = requests(code).iterator
      while (result == Results.Success && parts.hasNext) {
        errors.synchronized(errors.clear())
        replOut.getBuffer.setLength(0)
        val request = Bridge.Header + parts.next()
        result = Console.withOut(out) { Console.withErr(err) { intp.interpret(request) } }
        out.flush()
        err.flush()
        if (result == Results.Success) {
          val shown = replOut.toString.replaceAll("(?m)^val (?=[^\\s:]+: )", "")
          if (shown.nonEmpty) sink.write("result", shown)
        }
      }
      done = result match {
        case Results.Success =>
          val name = intp.mostRecentVar
          if (name != before && name.matches("res\\d+")) intp.valueOfTerm(name) match {
            case Some(ds: org.apache.spark.sql.Dataset[_]) => display(ds)
            case _ =>
          }
          Json.obj("k" -> "done", "status" -> "success")
        case Results.Incomplete => Json.obj("k" -> "done", "status" -> "incomplete")
        case _ => failure()
      }
    } catch {
      case t: Throwable =>
        forgetUploadsAfter(t)
        done = Json.obj("k" -> "done", "status" -> status, "exception" -> describe(t))
    } finally {
      if (session != null) try session.clearTags() catch { case _: Throwable => }
      running = null
      sink.event(done)
    }
  }

  private def status: String = if (interrupted) "interrupted" else "exception"

  /** A failed request: compiler errors, or the exception the code threw (IMain binds it). */
  private def failure(): String = {
    val compileErrors = errors.synchronized(errors.toList)
    if (compileErrors.nonEmpty)
      return Json.obj("k" -> "done", "status" -> "compile_error", "errors" -> Json.arr(compileErrors))
    val thrown = intp.valueOfTerm("lastException").collect { case t: Throwable => t }.orNull
    if (thrown != null && (thrown ne lastException)) {
      lastException = thrown
      forgetUploadsAfter(thrown)
      Json.obj("k" -> "done", "status" -> status, "exception" -> describe(thrown))
    } else Json.obj("k" -> "done", "status" -> (if (interrupted) "interrupted" else "error"), "text" -> replOut.toString)
  }

  /** After a failure that may have been a class upload that did not arrive (a lost connection,
   *  classes missing on the server), send every class file again with the next operation.
   */
  private def forgetUploadsAfter(t: Throwable): Unit = {
    val suspicious = Seq("ClassNotFound", "NoClassDefFound", "rtifact", "StatusRuntimeException", "UNAVAILABLE")
    val chain = Iterator.iterate(t)(_.getCause).takeWhile(_ != null).take(8)
    if (chain.exists(c => suspicious.exists(s => s"${c.getClass.getName} ${c.getMessage}".contains(s))))
      uploader.forget()
  }

  private def describe(t: Throwable): Json.Raw = {
    val (condition, sqlstate) = t match {
      case s: org.apache.spark.SparkThrowable => (s.getCondition, s.getSqlState)
      case _ => (null, null)
    }
    val causes = Iterator.iterate(t.getCause)(_.getCause).takeWhile(_ != null).take(4)
    Json.Raw(Json.obj(
      "class" -> t.getClass.getName,
      "message" -> t.getMessage,
      "condition" -> condition,
      "sqlstate" -> sqlstate,
      "causes" -> Json.arr(causes.map(c => Json.str(s"${c.getClass.getName}: ${c.getMessage}")).toList),
    ))
  }

  /** The cell as REPL requests. A cell that mixes type definitions (classes, case classes,
   *  traits, objects) with statements runs as several requests, definitions apart: an executor
   *  that needs a case class's outer scope rebuilds its request's wrapper, and that must not
   *  run the statements of the cell again. Blank lines and spaces in front keep the line and
   *  column numbers of compiler messages those of the cell.
   */
  private def requests(code: String): List[String] = {
    val g = intp.global
    val stats =
      try {
        var incomplete = false
        val parsed = g.currentRun.parsing.withIncompleteHandler((_, _) => incomplete = true) {
          g.newUnitParser(code, "<console>").parseStats()
        }
        if (incomplete || replReporter.hasErrors) Nil else parsed
      } catch { case _: Throwable => Nil }
      finally {
        errors.synchronized(errors.clear())
        replReporter.reset()
      }
    def kind(t: g.Tree): Int = t match {
      case _: g.ClassDef | _: g.ModuleDef | _: g.TypeDef => 1
      case _: g.Import => 0
      case _ => 2
    }
    def start(t: g.Tree): Int = t match {
      case d: g.MemberDef => (d.pos.start :: d.mods.annotations.map(_.pos.start)).min
      case _ => t.pos.start
    }
    val kinds = stats.map(kind).filter(_ != 0).distinct
    if (kinds.size < 2 || !stats.forall(_.pos.isRange)) return List(code)
    // Cut where a statement of the other kind begins.
    val cuts = mutable.ArrayBuffer(0)
    var current = 0
    stats.foreach { t =>
      val k = kind(t)
      if (k != 0) {
        if (current != 0 && k != current) cuts += start(t)
        current = k
      }
    }
    cuts += code.length
    cuts.toList.sliding(2).map { window =>
      val (from, to) = (window.head, window.last)
      val lineStart = code.lastIndexOf('\n', from - 1) + 1
      val lines = code.substring(0, from).count(_ == '\n')
      "\n" * lines + " " * (from - lineStart) + code.substring(from, to)
    }.toList
  }
}
