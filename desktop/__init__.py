"""Footnote's desktop application: a thin Qt layer over the Qt-free ``archive`` core.

Everything here reads the archive through :mod:`archive.queries`; nothing in the
core may import from this package.  Importing it first guards CPython 3.11
against PySide6 6.12's reference-count bugs (see :mod:`desktop._pyside_refcounts`).
"""

from desktop._pyside_refcounts import protect_singletons

protect_singletons()
