"""Child processes that work in the background give way to the application that started them.

Extraction and indexing workers run CPU-bound for seconds or minutes.  On a
laptop with two cores they compete with the desktop's own threads: when the
operating system preempts the application's task thread while it holds the
GIL, the window cannot repaint until it runs again (measured: 100–280 ms
stalls during a 50-PDF import on a loaded machine).  A lower priority (a
higher niceness) makes the scheduler prefer the application; the workers
still get every cycle nobody else wants.
"""

from __future__ import annotations

import os
import signal

NICENESS = 10


def lower_priority() -> None:
    """Called first thing in a worker process; harmless where priorities cannot be changed."""
    try:
        os.nice(NICENESS)
    except (AttributeError, OSError):
        pass


def die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when ``parent`` dies (Linux), and exit now if it already has.

    A worker whose parent was killed would otherwise run on, or wait forever on its job queue.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # elsewhere the workers also look at their parent between jobs
    if os.getppid() != parent:
        os._exit(1)
