"""Footnote's desktop application: a thin Qt layer over the Qt-free ``archive`` core.

Everything here reads the archive through :mod:`archive.queries`; nothing in the
core may import from this package.  Importing it first guards CPython 3.11
against PySide6 6.12's reference-count bugs (see :mod:`desktop._pyside_refcounts`).

It also imports the core (and with it SQLAlchemy, SQLModel and pydantic) before
any PySide6 module.  Once PySide6 is imported, its ``__feature__`` import hook
(PYSIDE-2029) reads the *source file* of every module imported after it, to see
whether it mentions PySide6: for the ~400 modules of the core's stack that was
0.3 s of every start-up.  Modules imported before PySide6 are never read.  A
test checks that starting the window imports no core module after PySide6.
"""

from desktop._pyside_refcounts import protect_singletons

protect_singletons()

# The core modules the window imports when it starts (not the lazy ones: import, verify, search, bundles).
import archive.annotations  # noqa: E402,F401
import archive.attach  # noqa: E402,F401
import archive.collections  # noqa: E402,F401
import archive.documents  # noqa: E402,F401
import archive.extract.boxes  # noqa: E402,F401
import archive.launcher  # noqa: E402,F401
import archive.library  # noqa: E402,F401
import archive.progress  # noqa: E402,F401
import archive.queries  # noqa: E402,F401
import archive.recovery  # noqa: E402,F401
import archive.store  # noqa: E402,F401
import sqlalchemy.dialects.sqlite  # noqa: E402,F401  (create_engine would import it on opening the archive)
