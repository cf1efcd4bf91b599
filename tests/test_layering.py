"""The core never loads Qt: every ``archive.*`` module imports in a fresh interpreter without PySide6."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

PROBE = """
import importlib, pkgutil, sys
import archive
names = sorted(m.name for m in pkgutil.walk_packages(archive.__path__, "archive."))
for name in names:
    if name != "archive.__main__":
        importlib.import_module(name)
qt = sorted(m for m in sys.modules if m == "PySide6" or m.startswith("PySide6.") or m.startswith("shiboken"))
print(len(names))
print(",".join(qt))
"""


def test_archive_modules_never_import_qt() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, check=True)
    count, qt = result.stdout.strip().split("\n") + [""] * (2 - len(result.stdout.strip().split("\n")))
    assert int(count) >= 10, "the probe found suspiciously few archive modules"
    assert qt == "", f"archive modules loaded Qt: {qt}"


STARTUP_PROBE = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import desktop.app
names = list(sys.modules)
late = names[names.index("PySide6"):]
stack = ("archive", "sqlalchemy", "sqlmodel", "pydantic", "pydantic_core", "rapidfuzz", "platformdirs")
print(",".join(name for name in late if name.split(".")[0] in stack))
"""


def test_window_start_imports_the_core_before_qt() -> None:
    """PySide6's import hook reads the source of every module imported after it (0.3 s of start-up for the core's
    stack), so :mod:`desktop` imports the core modules the window needs first.  A new core import in a desktop
    module that starts with the window belongs in ``desktop/__init__.py``."""
    result = subprocess.run([sys.executable, "-c", STARTUP_PROBE], cwd=REPO, capture_output=True, text=True, check=True)
    late = result.stdout.strip()
    assert late == "", f"imported after PySide6 (add them to desktop/__init__.py): {late}"
