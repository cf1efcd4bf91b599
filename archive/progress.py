"""Progress reporting and cancellation for long operations.

Core functions take a ``progress`` callable and a :class:`CancelToken` rather
than any widget, so the same code runs under the command line's progress bar,
the desktop's task runner and the tests.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Protocol

from archive.errors import Cancelled


@dataclass(frozen=True)
class Progress:
    """Where a long operation stands: ``done`` of ``total`` steps, on ``label``."""

    done: int
    total: int
    label: str = ""


class ProgressCallback(Protocol):
    def __call__(self, progress: Progress) -> None: ...


def no_progress(progress: Progress) -> None:
    """The default callback: report nothing."""


class CancelToken:
    """A thread-safe flag a caller sets to ask an operation to stop early.

    Operations call :meth:`raise_if_cancelled` between units of work, so that a
    cancelled batch keeps what it finished and leaves nothing half-done.
    """

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


ProgressFn = Callable[[Progress], None]
