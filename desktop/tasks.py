"""The one background task runner: all work on the archive runs here, off the UI thread.

Tasks run one at a time, in the order they were submitted, on a single worker
thread: the archive has one writer, and queueing keeps every change in order
(an undo never overtakes the edit it undoes).  A task is a plain function of a
progress callback and a cancel token — the same interface the core offers —
and its result or error comes back on the UI thread.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from archive import recovery
from archive.errors import Cancelled, FootnoteError
from archive.progress import CancelToken, Progress

log = logging.getLogger(__name__)

Work = Callable[[Callable[[Progress], None], CancelToken], Any]


@dataclass
class Task:
    label: str
    work: Work
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException], None] | None = None
    cancellable: bool = True
    token: CancelToken = field(default_factory=CancelToken)
    result: Any = None
    error: BaseException | None = None


class _Worker(QObject):
    """Lives on the worker thread; runs what it is handed and reports back through signals."""

    progressed = Signal(object, int, int, str)
    done = Signal(object)

    @Slot(object)
    def run(self, task: Task) -> None:
        def progress(update: Progress) -> None:
            self.progressed.emit(task, update.done, update.total, update.label)

        try:
            task.token.raise_if_cancelled()
            task.result = task.work(progress, task.token)
        except BaseException as error:  # reported on the UI thread, never lost
            task.error = error
            if not isinstance(error, (FootnoteError, Cancelled)) and not recovery.is_disk_full(error):
                log.error("task %r failed:\n%s", task.label, "".join(traceback.format_exception(error)))
        self.done.emit(task)


class TaskRunner(QObject):
    """Queue of archive work.  Signals come on the UI thread."""

    started = Signal(object)  # Task
    progressed = Signal(object, int, int, str)  # Task, done, total, label
    finished = Signal(object)  # Task (result or error set)
    idle = Signal()
    _dispatch = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: deque[Task] = deque()
        self.current: Task | None = None
        self._thread = QThread()
        self._thread.setObjectName("footnote-tasks")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._dispatch.connect(self._worker.run)
        self._worker.progressed.connect(self.progressed)
        self._worker.done.connect(self._on_done)
        self._thread.start()
        self._idle_event = threading.Event()
        self._idle_event.set()

    def submit(self, label: str, work: Work, *, on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None, cancellable: bool = True) -> Task:
        task = Task(label, work, on_done, on_error, cancellable)
        self._queue.append(task)
        self._idle_event.clear()
        if self.current is None:
            QTimer.singleShot(0, self._next)
        return task

    def cancel(self) -> None:
        """Ask the running task to stop; queued tasks that can be cancelled are dropped."""
        if self.current is not None and self.current.cancellable:
            self.current.token.cancel()
        for task in list(self._queue):
            if task.cancellable:
                self._queue.remove(task)

    @property
    def busy(self) -> bool:
        return self.current is not None or bool(self._queue)

    def wait(self, timeout: float = 30.0) -> bool:
        """Process events until the queue is empty (tests, and closing the window)."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop

        deadline = QDeadlineTimer(int(timeout * 1000))
        while self.busy and not deadline.hasExpired():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
            self._idle_event.wait(0.01)
        return not self.busy

    def shutdown(self) -> None:
        self.cancel()
        self.wait(60)
        self._thread.quit()
        self._thread.wait()

    def _next(self) -> None:
        if self.current is not None or not self._queue:
            return
        self.current = self._queue.popleft()
        self.started.emit(self.current)
        self._dispatch.emit(self.current)

    def _on_done(self, task: Task) -> None:
        self.current = None
        try:
            if task.error is None:
                if task.on_done is not None:
                    task.on_done(task.result)
            elif task.on_error is not None:
                task.on_error(task.error)
        finally:
            self.finished.emit(task)
            if self._queue:
                self._next()
            else:
                self._idle_event.set()
                self.idle.emit()
