"""Footnote's core: the archive, its importers and its command line.

Nothing in this package may import Qt: the desktop application is a thin layer
on top, and the command line, tests and benchmarks run without a display.
"""

__version__ = "0.1.0"
