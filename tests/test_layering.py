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
