"""`%scala`: a Scala REPL per kernel, in a JVM of its own, on the notebook's Spark session."""

from .magics import ScalaMagics

__all__ = ["ScalaMagics"]
