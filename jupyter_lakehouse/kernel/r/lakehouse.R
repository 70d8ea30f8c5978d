# The R side of `%r` cells: a small SparkR-like API on the notebook's own Spark session.
#
# This file is evaluated into an environment attached to the search path as "lakehouse" (the way
# library() attaches a package), so cells, which run in the global environment, see `sql`,
# `table`, `createOrReplaceTempView`, `display` and `spark`, while R packages, whose namespaces
# import base directly, never see the masking of base::table. `rm(list = ls())` leaves them alone.
# The Python functions this file calls (.py_sql, .py_table, .py_create_view, .py_display,
# .py_spark_info) are put into the same environment by jupyter_lakehouse/kernel/r/runtime.py.

# -- the API ---------------------------------------------------------------------------------

# Run SQL on the notebook's Spark session and return the result as a data.frame. At most
# `max_rows` rows are fetched (by default the notebook's display row limit, or
# options(lakehouse.max_rows = n)); a warning says when the result was cut. Inf fetches all.
sql <- function(query, max_rows = getOption("lakehouse.max_rows")) {
  if (!is.character(query) || length(query) != 1L || is.na(query)) {
    stop("query must be one string", call. = FALSE)
  }
  .lakehouse_result(.py_sql(query, .max_rows(max_rows)), sys.call())
}

# A table or view of the Spark session as a data.frame, SparkR's `tableToDF`.
tableToDF <- function(tableName, max_rows = getOption("lakehouse.max_rows")) {
  if (!is.character(tableName) || length(tableName) != 1L || is.na(tableName)) {
    stop("tableName must be one string", call. = FALSE)
  }
  .lakehouse_result(.py_table(tableName, .max_rows(max_rows)), sys.call())
}

# SparkR's `table(name)`. It masks base::table the way SparkR does, but only for a single
# string (a literal or a variable), optionally with max_rows: every other call, such as
# table(df$col) or table(x, y), goes on to base::table unchanged. base::table is always there.
table <- function(...) {
  call <- sys.call()
  dots <- match.call(expand.dots = FALSE)$...
  tags <- names(dots)
  if (is.null(tags)) tags <- rep("", length(dots))
  spark_form <- length(dots) >= 1L && length(dots) <= 2L && tags[[1L]] == "" &&
    all(tags[-1L] == "max_rows")
  if (spark_form) {
    first <- dots[[1L]]
    name <- NULL
    if (is.character(first) && length(first) == 1L) {
      name <- first
    } else if (is.symbol(first)) {
      value <- eval(first, parent.frame())
      if (is.character(value) && length(value) == 1L && !is.na(value)) name <- value
    }
    if (!is.null(name)) {
      max_rows <- if (length(dots) == 2L) eval(dots[[2L]], parent.frame()) else
        getOption("lakehouse.max_rows")
      return(.lakehouse_result(.py_table(name, .max_rows(max_rows)), call))
    }
  }
  call[[1L]] <- quote(base::table)
  eval(call, parent.frame())
}

# Publish a data.frame as a temp view of the notebook's Spark session, where %sql, Python
# (spark.table) and %scala cells see it.
createOrReplaceTempView <- function(x, viewName) {
  if (!is.data.frame(x)) stop("x must be a data.frame", call. = FALSE)
  if (!is.character(viewName) || length(viewName) != 1L || is.na(viewName)) {
    stop("viewName must be one string", call. = FALSE)
  }
  .lakehouse_result(.py_create_view(.lakehouse_columns(x), viewName), sys.call())
  invisible(NULL)
}

# A data.frame in the notebook's result grid (the first rows up to the display limit);
# anything else is printed.
display <- function(x, ...) {
  if (!is.data.frame(x)) {
    print(x, ...)
    return(invisible(x))
  }
  .lakehouse_result(.py_display(.lakehouse_columns(x), nrow(x)), sys.call())
  invisible(x)
}

# The notebook's Spark session, for printing; sql() and table() use it.
spark <- structure(list(), class = "lakehouse_spark")

print.lakehouse_spark <- function(x, ...) {
  cat(.py_spark_info(), "\n", sep = "")
  invisible(x)
}

# q() and quit() would end the whole kernel, Python and all, without a word to the notebook.
quit <- q <- function(...) {
  stop("R runs inside the notebook's kernel: restart the kernel instead", call. = FALSE)
}

# -- helpers ---------------------------------------------------------------------------------

.max_rows <- function(max_rows) {
  if (is.null(max_rows)) return(NULL)
  if (!is.numeric(max_rows) || length(max_rows) != 1L || is.na(max_rows) || max_rows < 0) {
    stop("max_rows must be a non-negative number (Inf for no limit)", call. = FALSE)
  }
  as.numeric(max_rows)
}

# Columns stored in a form the Python side does not read directly, in one it reads.
.lakehouse_columns <- function(x) {
  convert <- vapply(x, function(col) inherits(col, c("POSIXlt", "integer64")), TRUE)
  if (any(convert)) {
    x[convert] <- lapply(x[convert], function(col) {
      if (inherits(col, "POSIXlt")) as.POSIXct(col) else as.numeric(col)
    })
  }
  x
}

# What the Python side returned: the value, or a failure to raise as an R condition.
.lakehouse_result <- function(res, call) {
  if (inherits(res, "lakehouse_failure")) {
    if (identical(attr(res, "kind"), "interrupt")) {
      stop(structure(class = c("interrupt", "condition"), list(message = "interrupted", call = NULL)))
    }
    stop(simpleError(as.character(res), call))
  }
  rows <- attr(res, "lakehouse_truncated")
  if (!is.null(rows)) {
    attr(res, "lakehouse_truncated") <- NULL
    warning(sprintf(paste0("the result has more than %d rows: only the first %d were fetched ",
                           "(pass max_rows = Inf, or a larger number, to fetch more)"), rows, rows),
            call. = FALSE)
  }
  res
}

# -- running a cell --------------------------------------------------------------------------

# How R's console shows a condition's call: "Error in f(x) : message", without our own frames.
.lakehouse_call_text <- function(cond) {
  call <- conditionCall(cond)
  if (is.null(call) || identical(call, quote(eval(expr, envir)))) return(NULL)
  text <- deparse(call, nlines = 1L)[[1L]]
  if (nchar(text) > 60L) text <- paste0(substr(text, 1L, 57L), "...")
  text
}

.lakehouse_error_text <- function(cond) {
  message <- conditionMessage(cond)
  call <- .lakehouse_call_text(cond)
  if (is.null(call)) return(paste0("Error: ", message))
  head <- paste0("Error in ", call, " : ")
  first <- strsplit(message, "\n", fixed = TRUE)[[1L]][1L]
  if (nchar(head) + nchar(if (is.na(first)) "" else first) > 77L) {
    return(paste0(head, "\n  ", message))
  }
  paste0(head, message)
}

.lakehouse_print_warnings <- function(warnings) {
  if (length(warnings) == 0L) return(invisible())
  one <- function(w) {
    call <- .lakehouse_call_text(w)
    if (is.null(call)) conditionMessage(w) else paste0("In ", call, " : ", conditionMessage(w))
  }
  if (length(warnings) == 1L) {
    text <- paste0("Warning message:\n", one(warnings[[1L]]))
  } else {
    shown <- utils::head(warnings, 50L)
    text <- paste0("Warning messages:\n",
                   paste0(seq_along(shown), ": ", vapply(shown, one, ""), collapse = "\n"))
    if (length(warnings) > 50L) {
      text <- paste0(text, "\n[", length(warnings) - 50L, " more warnings not shown]")
    }
  }
  cat(text, "\n", sep = "", file = stderr())
}

# Evaluate a cell's code the way R's console does: one top-level expression after the other,
# each visible value printed (so a ggplot is drawn), warnings told after their expression,
# and the first error ends the cell. Returns list(status, message).
.lakehouse_run_cell <- function(code, envir = globalenv()) {
  exprs <- tryCatch(parse(text = code, keep.source = FALSE), error = function(e) e)
  if (inherits(exprs, "error")) {
    message <- sub("^<text>:", "", conditionMessage(exprs))
    return(list("error", paste0("Error: ", message)))
  }
  for (expr in exprs) {
    warnings <- list()
    collect <- identical(as.integer(getOption("warn", 0L)), 0L)
    outcome <- withCallingHandlers(
      tryCatch({
        result <- withVisible(eval(expr, envir))
        if (result$visible) {
          if (isS4(result$value)) methods::show(result$value) else print(result$value)
        }
        NULL
      }, error = function(e) e, interrupt = function(i) i),
      warning = function(w) {
        if (collect) {
          warnings[[length(warnings) + 1L]] <<- w
          invokeRestart("muffleWarning")
        }
      }
    )
    .lakehouse_print_warnings(warnings)
    if (inherits(outcome, "interrupt")) return(list("interrupt", ""))
    if (inherits(outcome, "error")) return(list("error", .lakehouse_error_text(outcome)))
  }
  list("ok", "")
}

# -- plots -----------------------------------------------------------------------------------

# Each cell draws into PNG files in a directory of its own: one device opened when the cell
# starts, and another for each dev.new() (options(device)) the cell makes. Their numbers are
# kept so that the cell's end closes exactly these, and the kernel shows every file written.
.lakehouse_plots <- new.env()

.lakehouse_open_png <- function(...) {
  state <- .lakehouse_plots
  state$count <- state$count + 1L
  file <- file.path(state$dir, sprintf("plot-%02d-%%03d.png", state$count))
  grDevices::png(file, width = getOption("lakehouse.plot.width", 7),
                 height = getOption("lakehouse.plot.height", 5), units = "in",
                 res = getOption("lakehouse.plot.res", 120))
  state$devices <- c(state$devices, grDevices::dev.cur())
  invisible()
}

.lakehouse_begin_plots <- function(dir) {
  state <- .lakehouse_plots
  state$dir <- dir
  state$count <- 0L
  state$devices <- integer()
  options(device = .lakehouse_open_png)
  .lakehouse_open_png()
}

.lakehouse_end_plots <- function() {
  state <- .lakehouse_plots
  open <- grDevices::dev.list()
  for (device in state$devices) {
    if (device %in% open) grDevices::dev.off(device)
  }
  state$devices <- integer()
  invisible()
}
