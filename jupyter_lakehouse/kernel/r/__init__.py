"""`%r` cells: R embedded in the kernel (rpy2), with a SparkR-like API on the notebook's session."""

from .magics import RMagics

__all__ = ["RMagics"]
