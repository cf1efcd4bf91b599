"""The ``footnote`` console command's entry point, kept tiny on purpose.

Extraction workers are started with "spawn", which re-imports the main script
in every worker; the generated console script imports this module.  Importing
the whole command line here would load SQLAlchemy, whoosh and the rest into
each worker (measured: 2.3 s instead of 0.46 s to start a pool, 64 MB instead
of 23 MB a worker), so the command line is imported only when it runs.

It also holds the cyclic garbage collector while Footnote starts
(:func:`hold_collector`).
"""

from __future__ import annotations

import gc

_held = False


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


def release_collector(*, enable: bool = True) -> bool:
    """Once started: freeze what start-up made (``gc.freeze``: it is never walked again, and reference
    counting still frees it), then collect as usual (unless ``enable`` is false: the caller turns it on
    later).  Returns whether the collector was held; a no-op otherwise.

    The price of freezing without collecting first: a cycle of start-up garbage is never freed (a few
    hundred kilobytes at most).  The desktop calls it through ``desktop.tasks.end_of_startup``, which
    knows when its task runner holds the collector itself.
    """
    global _held
    if not _held:
        return False
    _held = False
    gc.freeze()
    if enable:
        gc.enable()
    return True


def collector_held() -> bool:
    return _held
