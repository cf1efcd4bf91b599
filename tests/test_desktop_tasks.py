"""The task runner: work off the UI thread, in order, with progress, cancel and errors."""

from __future__ import annotations

import threading
import time

import desktop  # noqa: F401  (guards PySide6 on CPython 3.11)
from archive.errors import Cancelled, FootnoteError
from archive.progress import Progress
from desktop.task_status import TaskStatus
from desktop.tasks import TaskRunner


def test_tasks_run_off_the_ui_thread_in_order(qtbot) -> None:
    runner = TaskRunner()
    ui_thread = threading.get_ident()
    seen: list[tuple[str, bool]] = []
    results: list[object] = []
    for name in "abc":
        runner.submit(name, lambda progress, token, name=name: seen.append((name, threading.get_ident() != ui_thread))
                      or name.upper(), on_done=results.append)
    assert runner.wait(10)
    assert seen == [("a", True), ("b", True), ("c", True)] and results == ["A", "B", "C"]
    runner.shutdown()


def test_progress_cancel_and_errors_reach_the_status_bar(qtbot) -> None:
    runner = TaskRunner()
    status = TaskStatus(runner)
    qtbot.addWidget(status)
    errors: list[BaseException] = []

    def slow(progress, token):
        for step in range(100):
            progress(Progress(step, 100, f"file {step}"))
            token.raise_if_cancelled()
            time.sleep(0.01)

    task = runner.submit("Importing", slow, on_error=errors.append)
    qtbot.waitUntil(lambda: status.bar.maximum() == 100 and status.bar.value() > 2, timeout=5000)
    assert status.isVisible() and status.label.text().startswith("Importing: file")
    status.cancel_button.click()
    assert runner.wait(10)
    assert isinstance(task.error, Cancelled) and isinstance(errors[0], Cancelled)
    failing = runner.submit("Verifying", lambda p, t: (_ for _ in ()).throw(FootnoteError("no sources")),
                            on_error=errors.append)
    assert runner.wait(10) and str(failing.error) == "no sources"
    assert not status.isVisible()
    runner.shutdown()


def test_garbage_is_collected_on_the_ui_thread_while_a_task_runs(qtbot) -> None:
    """PySide6 6.12 crashed when the collector ran on the worker thread while the UI thread deleted widgets:
    while a task runs, automatic collection is off and the UI thread collects between events."""
    import gc

    runner = TaskRunner()
    ui_thread = threading.get_ident()
    enabled_in_task: list[bool] = []
    collected_in: list[int] = []

    class Cycle:
        def __del__(self) -> None:
            collected_in.append(threading.get_ident())

    def work(progress, token) -> None:
        enabled_in_task.append(gc.isenabled())
        for _ in range(20_000):  # enough allocations to start the collector many times over
            made = Cycle()
            made.me = made
        time.sleep(0.6)  # the UI thread's collector ticks meanwhile

    assert gc.isenabled()
    runner.submit("making garbage", work)
    assert runner.wait(30)
    assert enabled_in_task == [False] and gc.isenabled()  # off while it ran, back on when idle
    assert gc.get_freeze_count() > 0  # the start-up heap is out of the collector's walk (see _CollectOnUIThread)
    gc.collect()
    assert len(collected_in) == 20_000 and set(collected_in) == {ui_thread}
    runner.shutdown()
    assert gc.isenabled()


def test_the_collector_held_at_start_up_comes_back_once_the_window_is_up_and_tasks_are_done(qtbot) -> None:
    """``footnote`` starts with the cyclic collector off (archive.launcher); ``end_of_startup`` turns it back
    on, or, while a task runs (the runner holds it off then), leaves that to the last task's end."""
    import gc

    from archive import launcher
    from desktop.tasks import end_of_startup

    runner = TaskRunner()
    release = threading.Event()
    try:
        launcher.hold_collector()
        assert not gc.isenabled() and launcher.collector_held()
        running = threading.Event()
        runner.submit("still running", lambda progress, token: running.set() or release.wait(10))
        qtbot.waitUntil(running.is_set, timeout=10000)  # (the runner starts it from the event loop)
        end_of_startup()
        assert not launcher.collector_held() and not gc.isenabled()  # the task's hold wins while it runs
        release.set()
        assert runner.wait(10)
        qtbot.waitUntil(gc.isenabled, timeout=5000)
        end_of_startup()  # a second call changes nothing
        assert gc.isenabled()
    finally:
        release.set()
        runner.shutdown()
        gc.enable()
