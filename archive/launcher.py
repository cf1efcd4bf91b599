"""The ``footnote`` console command's entry point, kept tiny on purpose.

Extraction workers are started with "spawn", which re-imports the main script
in every worker; the generated console script imports this module.  Importing
the whole command line here would load SQLAlchemy, whoosh and the rest into
each worker (measured: 2.3 s instead of 0.46 s to start a pool, 64 MB instead
of 23 MB a worker), so the command line is imported only when it runs.

It is also the one place that turns the cyclic garbage collector off and on:
held while Footnote starts (:func:`hold_collector`), paused while work that
must not meet a collection runs (:func:`pause_collector`: a search, a desktop
task), pauses counted across threads so that the last to end restores it.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager
from typing import Iterator

_held = False
_lock = threading.Lock()
_pauses = 0
_enable_after = False  # what the last pause to end does


def main() -> int:
    hold_collector()
    from archive.cli import main as run

    return run()


def hold_collector() -> None:
    """Turn the cyclic garbage collector off until :func:`release_collector`.

    Starting Footnote makes about 100,000 objects that live as long as the process
    (modules, classes, functions, SQLAlchemy's and pydantic's structures, the
    window's wrappers), and the collector walks them again and again while they
    are being made: on a desktop start-up of 1.7 s, 17 collections of the middle
    generation and one full collection took 150 ms, and found next to nothing.
    """
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release_collector() -> bool:
    """Once started: freeze what start-up made (``gc.freeze``: it is never walked again, and reference
    counting still frees it), then collect as usual; during a pause, once the last pause ends.  Returns
    whether the collector was held; a no-op otherwise.

    The price of freezing without collecting first: a cycle of start-up garbage is never freed (a few
    hundred kilobytes at most).  The desktop calls it through ``desktop.tasks.end_of_startup``.
    """
    global _held, _enable_after
    with _lock:
        if not _held:
            return False
        _held = False
        gc.freeze()
        if _pauses:
            _enable_after = True
        else:
            gc.enable()
        return True


def collector_held() -> bool:
    return _held


def pause_collector() -> None:
    """No automatic collection until the matching :func:`resume_collector` (pauses nest, across threads)."""
    global _pauses, _enable_after
    with _lock:
        if _pauses == 0:
            _enable_after = gc.isenabled()
            gc.disable()
        _pauses += 1


def resume_collector() -> None:
    """End a pause; the last one to end turns automatic collection back on if it was on before the first."""
    global _pauses
    with _lock:
        _pauses -= 1
        if _pauses == 0 and _enable_after:
            gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    pause_collector()
    try:
        yield
    finally:
        resume_collector()
