"""Keeping PySide6 6.12 from aborting CPython 3.11 (reference-count bugs on ``None``, ``True``, ``False``).

PySide6 6.12 hands some singletons back to Python without taking a reference:
``None`` from every void C++ call (``setText``, ``resize``, ...) and from null
results, ``True``/``False`` from ``Signal.emit()``.  From Python 3.12 on these
objects are immortal and that is harmless; on 3.11 each call drops one of the
few thousand references they have, and after seconds of normal use the
interpreter stops with "Fatal Python error: none_dealloc" (or bool_dealloc).
Until Footnote runs on Python >= 3.12 only, :func:`protect_singletons` gives
them a reference count they cannot run out of, which is what 3.12 does.
"""

from __future__ import annotations

import ctypes
import sys

_RESERVE = 1 << 48  # far more than any session can drop (a call drops one)
_SINGLETONS = (None, True, False)


def affected() -> bool:
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def protect_singletons() -> None:
    """Raise the singletons' reference counts out of reach (CPython < 3.12 only; idempotent)."""
    if not affected():
        return
    for singleton in _SINGLETONS:
        # ob_refcnt is the first field of every object in a release build of CPython.
        refcount = ctypes.c_ssize_t.from_address(id(singleton))
        if refcount.value < _RESERVE:
            refcount.value += _RESERVE
