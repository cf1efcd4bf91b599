"""The one background task runner: all work on the archive runs here, off the UI thread.

Tasks run one at a time, in the order they were submitted, on a single worker
thread: the archive has one writer, and queueing keeps every change in order
(an undo never overtakes the edit it undoes).  A task is a plain function of a
progress callback and a cancel token — the same interface the core offers —
and its result or error comes back on the UI thread.

While a task runs, Python's cyclic garbage collector runs only on the UI thread
(see :class:`_CollectOnUIThread`): PySide6 6.12 crashes when the collector,
started by an allocation on the worker thread, walks Qt wrappers while the UI
thread deletes widgets.
"""

from __future__ import annotations

import gc
import logging
import threading
import traceback
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from archive import recovery
from archive.launcher import pause_collector, release_collector, resume_collector
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


class _CollectOnUIThread:
    """Keeps the cyclic garbage collector off the worker thread while tasks run.

    CPython collects in whichever thread happens to allocate; a task allocates a
    lot (SQLAlchemy, whoosh), so the collector mostly ran on the worker thread.
    When the UI thread deletes a widget (the inspector rebuilds its cards after
    every edit), PySide6 6.12's ``Shiboken::Object::destroy`` lets go of the GIL
    halfway through taking the wrappers apart (seen in gdb: the UI thread waiting
    for the GIL inside ``~QBoxLayout`` → ``destroy``); a collection on the worker
    thread in that moment walks a layout wrapper whose children are already
    freed, and the process dies with a segmentation fault (about one run in
    three of a few hundred edits with their undo).  So while any runner is busy,
    automatic collection is off and the UI thread collects on a timer, between
    events, where no wrapper is half taken apart; when every runner is idle
    again, automatic collection is back as it was.

    The first time a task starts in a process, what is alive is frozen
    (``gc.freeze``, which costs nothing): by then the heap is mostly modules, classes,
    functions and the window's wrappers (SQLAlchemy, pydantic, PySide6: about
    110,000 objects) that live as long as the process.  A full collection walked
    all of them, 90 ms on the UI thread every few seconds: the longest stalls of a
    big import.  Frozen objects are never walked again (a full collection of what
    is left takes a few ms); reference counting still frees them.  The price: a
    reference cycle among objects alive at that moment that dies later is never
    collected (nor is garbage the collector had not yet found), which for a window
    that has just started is a few widgets at most.
    """

    INTERVAL_MS = 250
    FULL_EVERY = 20  # every 5 s, all generations (young ones at every tick)

    _froze = False  # once per process: see the class docstring

    def __init__(self, parent: QObject) -> None:
        self._timer = QTimer(parent)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self._collect)
        self._ticks = 0
        self._holding = False

    def hold(self) -> None:
        if self._holding:
            return
        self._holding = True
        cls = _CollectOnUIThread
        if not cls._froze:
            cls._froze = True
            gc.freeze()  # no collection first: that would be the 90 ms stall this avoids
        pause_collector()
        self._timer.start()

    def release(self) -> None:
        if not self._holding:
            return
        self._holding = False
        self._timer.stop()
        resume_collector()

    def _collect(self) -> None:
        self._ticks += 1
        gc.collect(2 if self._ticks % self.FULL_EVERY == 0 else 1)

    @classmethod
    def end_of_startup(cls) -> None:
        """The collector held since the process started (``archive.launcher``) goes back to automatic,
        start-up's objects frozen; while a task runs, only once the last one ends."""
        if release_collector():
            cls._froze = True


def end_of_startup() -> None:
    """Call once the first window is shown: see :meth:`_CollectOnUIThread.end_of_startup`."""
    _CollectOnUIThread.end_of_startup()


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
        self._collector = _CollectOnUIThread(self)

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
        self._collector.release()  # (a task that never finished: the worker thread is stopped now)

    def _next(self) -> None:
        if self.current is not None or not self._queue:
            return
        self.current = self._queue.popleft()
        self._collector.hold()
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
                self._collector.release()
                self._idle_event.set()
                self.idle.emit()
