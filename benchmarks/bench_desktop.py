"""Benchmark: the desktop application's responsiveness during a big import, and its start-up time.

Run from the repository root::

    .venv/bin/python benchmarks/bench_desktop.py [--quick] [--runs N] [--import-runs N] [--pdfs N]
                                                 [--documents N] [--articles N] [--skip-import] [--skip-startup]

Qt runs offscreen (``QT_QPA_PLATFORM=offscreen``); Qt settings go to a temporary folder
(``XDG_CONFIG_HOME``), so no run sees the window geometry of another.  Every measured run is a fresh child
process (a fresh interpreter, as a user's session would be).

1. **UI responsiveness during an import.**  ``--pdfs`` (50) text PDFs of 5 to 20 pages from
   ``tests/pdf_factory`` (``make_many_pages_pdf`` with varied word counts, and ``make_text_pdf`` with page
   breaks inside paragraphs; cached in ``benchmarks/out/pdfs/``) are imported with
   ``window.import_files(paths)`` into a window over a fresh archive (so the search index is built at the
   end of the import, as on a user's first import).  A ``QTimer`` (``Qt.PreciseTimer``) fires every 10 ms;
   a tick's lateness is its interval minus 10 ms.  Recorded from ``import_files`` until the runner is idle
   (``MainWindow._imported`` included) plus 300 ms.  Reported: worst stall, p99, p95 of lateness, the
   import's duration, and the same figures for 3 s of the idle window before the import (the machine's
   noise floor).  Target: worst stall < 100 ms.

   Also reported: the same lateness minus the time the UI thread sat in the OS run queue (the share the
   machine's load does not explain), and the time whoosh's ``SortingPool.items`` took (it sorts every
   posting of the index commit in one call, holding the GIL).

   Diagnosis, for every stall of 40 ms or more:

   * the UI thread's own scheduler figures over the stall (``/proc/thread-self/schedstat`` read at every
     tick): *cpu* (the UI thread ran: a slow slot, layout or painting), *queued* (runnable but the OS ran
     something else: machine load) and *blocked* (neither: waiting for the GIL or a lock);
   * the same for the task thread, the app's other threads and the extraction workers, and the CPU the
     rest of the machine used, from an observer *process* (it needs no GIL) reading
     ``/proc/<pid>/task/*/schedstat`` and ``/proc/stat`` every 10 ms: "UI blocked while the task thread
     ran" is a GIL hold; "UI blocked while the task thread was queued" is a GIL holder preempted by the OS;
   * stack samples of every thread taken by a watchdog thread (``sys._current_frames()`` every 5 ms while
     the UI thread is more than 20 ms late), summarised per thread as its innermost project frame; when the
     watchdog itself overslept (it waited for the GIL too), its first sample shows the frame the GIL
     holder was in right after its long call;
   * the main-thread slots that overlapped it (``TaskRunner._on_done``, ``MainWindow._imported``,
     ``LibraryPane.refresh``, the progress slots ...; timed by wrapping them in the child process);
   * the import phase the worker thread was in (``_prepare_source``, the extraction pool's wait, each
     ``_write_source``, ``auto_attach``, ``verify_articles``, ``Archive.reindex``; timed by wrapping).

2. **Start-up to a shown window**, from process start: a child ``python -c`` that holds the garbage
   collector (``archive.launcher.hold_collector``, as the ``footnote`` command starts), imports ``desktop``,
   calls ``desktop.app.application(styled=False)`` and ``create_main_window(root, explicit=True)`` (as
   ``desktop.app.run`` does: the style sheet is applied once the window is built), shows the window
   (then ``desktop.tasks.end_of_startup``, as ``run`` does)
   and processes events until it is exposed and has painted once (its first ``UpdateRequest``).  The
   parent notes ``time.perf_counter()`` before launching it; the child prints its own ``perf_counter``
   readings (the same ``CLOCK_MONOTONIC``), so the figure includes the interpreter's start.  Reported:
   total, interpreter start, imports (``import desktop`` + ``desktop.app``), ``QApplication`` + font,
   ``create_main_window`` (archive open + ``MainWindow``), show-to-painted; and the child's CPU seconds
   (less sensitive to the machine's load than wall time).  Median of ``--runs`` (3).

   (a) the demo archive (``archive.demo.ensure_demo_archive``, built beforehand); target < 1.5 s.
   (b) a big archive: ``--documents`` (5,000) documents with pages and passages and ``--articles``
   (2,500) articles of 20 claims (50,000 claims) with citations, source entries (most attached), links,
   tags and collections, written with SQLAlchemy Core bulk inserts into ``Archive.open(create=True)``
   (no files in the store, no search index); target < 3 s.  The child also says whether the window
   started any background task (e.g. a search index build) or created an index folder.

   One more, unmeasured child per archive runs under ``-X importtime`` and profiles
   ``create_main_window`` + show with cProfile, and counts the SQL statements it runs: the slowest
   imports, the heaviest functions and the statements are printed and stored.

Figures are printed as a table beside their targets and written to ``benchmarks/out/desktop.json``.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as common  # noqa: E402  (puts the repository and tests/ on sys.path)
from _common import REPO, clock, say, seconds, table  # noqa: E402

PYTHON = sys.executable
TARGET_STALL_S = 0.100
TARGET_DEMO_S = 1.5
TARGET_BIG_S = 3.0
TICK_MS = 10
STALL_REPORT_S = 0.040  # stalls this long or longer are diagnosed
SAMPLE_LATE_S = 0.020  # the watchdog samples stacks while the UI thread is this late
SAMPLE_EVERY_S = 0.005
BASELINE_S = 3.0
AFTER_IDLE_MS = 300


# =====================================================================================================
# 1. Responsiveness during an import (the child process)
# =====================================================================================================


def make_pdfs(count: int, seed: int = 7) -> list[Path]:
    """``count`` varied text PDFs of 5 to 20 pages, cached in ``benchmarks/out/pdfs/``."""
    from pdf_factory import make_many_pages_pdf, make_text_pdf

    rng = random.Random(seed)
    words = common._WORDS
    files = []
    for number in range(count):
        pages = rng.randint(5, 20)
        title = f"Bench desktop source {number:03d}: " + " ".join(rng.choices(words, k=4)).title()
        if number % 5 == 4:  # every fifth: paragraphs wrapped by pdf_factory's own line breaker
            paragraph_rng = random.Random(seed * 1000 + number)
            paragraphs = [" ".join(" ".join(paragraph_rng.choices(words, k=paragraph_rng.randint(8, 24))).capitalize()
                                   + "." for _ in range(paragraph_rng.randint(3, 8)))
                          for _ in range(pages * 6)]
            files.append(common.cached(
                f"desk-text-{number:03d}-p{pages}-s{seed}.pdf",
                lambda path, p=paragraphs, n=pages, t=title: make_text_pdf(path, p, title=t, pages_hint=n)))
        else:
            per_page = rng.choice((250, 350, 450, 550))
            files.append(common.cached(
                f"desk-many-{number:03d}-p{pages}-w{per_page}-s{seed}.pdf",
                lambda path, n=pages, w=per_page, s=seed * 1000 + number, t=title:
                    make_many_pages_pdf(path, n, w, seed=s, title=t)))
    return files


class Recorder:
    """Timed intervals on any thread: ``(name, thread, start, end)``; and slot call counts."""

    def __init__(self) -> None:
        import threading

        self.spans: list[tuple[str, str, float, float]] = []
        self.calls: dict[str, int] = {}
        self.missing: list[str] = []
        self._lock = threading.Lock()

    def wrap(self, owner: Any, name: str, label: str | None = None) -> None:
        import functools
        import threading

        label = label or f"{getattr(owner, '__name__', owner)}.{name}"
        original = getattr(owner, name, None)
        if original is None:  # renamed meanwhile: say so rather than fail
            self.missing.append(label)
            return
        recorder = self

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                end = time.perf_counter()
                with recorder._lock:
                    recorder.spans.append((label, threading.current_thread().name, start, end))
                    recorder.calls[label] = recorder.calls.get(label, 0) + 1

        setattr(owner, name, wrapper)

    def wrap_generator(self, owner: Any, name: str, label: str) -> None:
        """Time the waits of a generator: from asking for the next item until it comes."""
        import functools
        import threading

        original = getattr(owner, name)
        recorder = self

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            iterator = iter(original(*args, **kwargs))
            while True:
                start = time.perf_counter()
                try:
                    item = next(iterator)
                except StopIteration:
                    return
                finally:
                    with recorder._lock:
                        recorder.spans.append((label, threading.current_thread().name, start, time.perf_counter()))
                yield item

        setattr(owner, name, wrapper)


def _schedstat() -> tuple[int, int]:
    """This thread's (ns on a CPU, ns runnable but waiting for one) from ``/proc/thread-self/schedstat``."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as f:
            on_cpu, queued, _ = f.read().split()
        return int(on_cpu), int(queued)
    except OSError:
        return 0, 0


_PROJECT = (str(REPO / "archive"), str(REPO / "desktop"))


def _stack(frame: Any, depth: int = 12) -> list[str]:
    """Innermost first: ``path:line function`` (paths relative to the repository or site-packages)."""
    out = []
    while frame is not None and len(out) < depth:
        code = frame.f_code
        path = code.co_filename
        if path.startswith(str(REPO) + "/"):
            path = path[len(str(REPO)) + 1:]
            if path.startswith(".venv/"):
                path = path.split("site-packages/", 1)[-1]
        elif "site-packages/" in path:
            path = path.split("site-packages/", 1)[-1]
        elif "/lib/python3" in path:
            path = "stdlib/" + path.split("/lib/python3", 1)[-1].split("/", 1)[-1]
        out.append(f"{path}:{frame.f_lineno} {code.co_name}")
        frame = frame.f_back
    return out


def _where(stack: list[str]) -> str:
    """A stack's innermost frame, and its innermost project frame when that is another one."""
    if not stack:
        return "(no Python frame)"
    if stack[0].endswith(" child_import") and stack[0].startswith("benchmarks/"):
        return "(in Qt's event loop: C++ code, or waiting for the GIL to call a slot)"
    project = next((s for s in stack if s.startswith(("archive/", "desktop/"))), None)
    if project is None or project == stack[0]:
        return stack[0]
    return f"{stack[0]}  <- {project}"


class Watchdog:
    """A thread that samples every thread's stack while the UI thread is late."""

    def __init__(self, main_ident: int) -> None:
        import threading

        self.main_ident = main_ident
        self.last_tick = time.perf_counter()
        # (time, UI late by, watchdog overslept by, {thread: stack}): a watchdog that overslept by much more
        # than its 5 ms could not get the GIL either, and its sample shows who just released it.
        self.samples: list[tuple[float, float, float, dict[str, list[str]]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        import threading

        names = {}
        before = time.perf_counter()
        while not self._stop.wait(SAMPLE_EVERY_S):
            now = time.perf_counter()
            overslept, before = now - before - SAMPLE_EVERY_S, now
            late = now - self.last_tick - TICK_MS / 1000
            if late < SAMPLE_LATE_S and overslept < SAMPLE_LATE_S:
                continue
            frames = sys._current_frames()
            if len(names) != len(frames):
                names = {t.ident: t.name for t in threading.enumerate()}
            stacks = {}
            for ident, frame in frames.items():
                if ident == threading.get_ident():
                    continue
                name = "UI" if ident == self.main_ident else names.get(ident, str(ident))
                stacks[name] = _stack(frame)
            self.samples.append((now, late, overslept, stacks))


OBSERVER = r"""
import os, sys, time
pid, out_path, every = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
me = os.getpid()
names = {}
def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None
with open(out_path, "w") as out:
    while os.path.exists(f"/proc/{pid}") and not os.path.exists(out_path + ".stop"):
        now = time.perf_counter()
        procs = [pid]
        for tid in os.listdir(f"/proc/{pid}/task") if os.path.exists(f"/proc/{pid}/task") else []:
            kids = read(f"/proc/{pid}/task/{tid}/children")
            if kids:
                procs += [int(k) for k in kids.split() if int(k) != me]
        fields = []
        for proc in procs:
            try:
                tids = os.listdir(f"/proc/{proc}/task")
            except OSError:
                continue
            for tid in tids:
                stat = read(f"/proc/{proc}/task/{tid}/schedstat")
                if stat is None:
                    continue
                key = (proc, tid)
                if key not in names:
                    names[key] = (read(f"/proc/{proc}/task/{tid}/comm") or b"?").decode().strip().replace(" ", "_")
                on_cpu, queued = stat.split()[:2]
                fields.append(f"{proc}:{tid}:{names[key]}:{int(on_cpu)}:{int(queued)}")
        total = (read("/proc/stat") or b"cpu 0").split(b"\n", 1)[0].split()[1:]
        busy = sum(int(x) for i, x in enumerate(total) if i not in (3, 4))  # all but idle and iowait
        out.write(f"{now} {busy} " + " ".join(fields) + "\n")
        out.flush()
        time.sleep(every)
"""


def read_observer(path: Path) -> list[tuple[float, int, dict[tuple[int, int], tuple[str, int, int]]]]:
    """The observer's samples: (time, machine busy ticks, {(pid, tid): (name, ns on CPU, ns queued)})."""
    samples = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        threads = {}
        for field in parts[2:]:
            proc, tid, rest = field.split(":", 2)
            name, on_cpu, queued = rest.rsplit(":", 2)
            threads[(int(proc), int(tid))] = (name, int(on_cpu), int(queued))
        samples.append((float(parts[0]), int(parts[1]), threads))
    return samples


def observed(samples: list, main_pid: int, a: float, b: float) -> dict[str, Any] | None:
    """CPU and run-queue time of the app's threads, its child processes and the machine between ``a`` and ``b``."""
    import bisect

    times = [s[0] for s in samples]
    i = max(0, bisect.bisect_right(times, a) - 1)
    j = min(len(samples) - 1, bisect.bisect_left(times, b))
    if j <= i:
        return None
    (t0, busy0, first), (t1, busy1, _) = samples[i], samples[j]
    last: dict[tuple[int, int], tuple[str, int, int]] = {}
    for _, _, threads in samples[i:j + 1]:  # the last reading of each thread (some end before ``b``)
        last.update(threads)
    groups: dict[str, list[float]] = {}
    for key, (name, on_cpu, queued) in last.items():
        before = first.get(key, (name, 0, 0))  # a thread or process started meanwhile
        if key[0] == main_pid:
            group = "UI thread" if key[1] == main_pid else ("task thread" if name.startswith("footnote-tas")
                                                            else "other app threads")
        else:
            group = "extraction workers"
        values = groups.setdefault(group, [0.0, 0.0])
        values[0] += (on_cpu - before[1]) / 1e9
        values[1] += (queued - before[2]) / 1e9
    ticks = os.sysconf("SC_CLK_TCK")
    return {"window_s": t1 - t0, "machine_busy_cpu_s": (busy1 - busy0) / ticks,
            "cpus": os.cpu_count(), **{group: {"cpu_s": v[0], "queued_s": v[1]} for group, v in groups.items()}}


def _lateness_stats(late: list[float]) -> dict[str, Any]:
    if not late:
        return {"ticks": 0}
    ordered = sorted(late)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return {"ticks": len(late), "worst_s": ordered[-1], "p99_s": pct(99), "p95_s": pct(95), "median_s": pct(50),
            "over_50ms": sum(1 for x in late if x >= 0.050), "over_100ms": sum(1 for x in late if x >= 0.100)}


def child_import(work: Path, files: list[Path], switch_interval: float | None) -> dict[str, Any]:
    """One import in a window over a fresh archive, its event-loop lateness recorded and diagnosed."""
    import threading

    import desktop  # noqa: F401  (first: guards PySide6 6.12's refcount bug on Python 3.11)
    from PySide6.QtCore import QEventLoop, QSettings, Qt, QTimer

    import archive.importing as importing
    from archive.extract.sandbox import ExtractionPool
    from archive.store import Archive
    from desktop.app import application
    from desktop.library import LibraryPane
    from desktop.main_window import MainWindow
    from desktop.search_panel import SearchPanel
    from desktop.task_status import TaskStatus
    from desktop.tasks import TaskRunner

    if switch_interval:
        sys.setswitchinterval(switch_interval)
    recorder = Recorder()
    # Main-thread slots (wrapped on the classes before the window connects them).
    for owner, name in ((TaskRunner, "_on_done"), (TaskRunner, "_next"), (TaskStatus, "_on_progress"),
                        (TaskStatus, "_on_started"), (TaskStatus, "_on_finished"), (SearchPanel, "_on_progress"),
                        (MainWindow, "_imported"), (MainWindow, "open_article"), (MainWindow, "show_error"),
                        (LibraryPane, "refresh")):
        recorder.wrap(owner, name, f"{owner.__name__}.{name}")
    # Phases of the import on the worker thread.
    for name in ("_prepare_source", "_write_source", "auto_attach", "verify_articles", "_articles_citing"):
        recorder.wrap(importing, name, name)
    recorder.wrap(Archive, "reindex", "Archive.reindex")
    import archive.documents as documents

    recorder.wrap(documents, "rects_for_span", "rects_for_span (in _write_source)")  # per passage
    recorder.wrap(documents, "unpack", "unpack word boxes (in _write_source)")
    recorder.wrap_generator(ExtractionPool, "extract", "extraction (waiting for the pool)")
    # The search index's in-memory sort of all postings (whoosh): one C call that holds the GIL.
    from whoosh.externalsort import SortingPool

    sorted_items: list[tuple[int, int, float]] = []  # (items in memory, runs on disk, seconds)
    original_items = SortingPool.items

    def timed_items(self: Any, *args: Any, **kwargs: Any) -> Any:
        count, runs, start = len(self.current), len(self.runs), time.perf_counter()
        try:
            return original_items(self, *args, **kwargs)
        finally:
            sorted_items.append((count, runs, time.perf_counter() - start))

    SortingPool.items = timed_items

    app = application()
    archive = Archive.open(work / "archive", create=True)
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(archive, settings=settings)
    window.show()
    deadline = time.perf_counter() + 10
    while not (window.windowHandle() and window.windowHandle().isExposed()) and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.001)

    def run_loop(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    run_loop(1000)  # settle: first paints, deferred layout

    observer_file = work / "observer.txt"
    observer = subprocess.Popen([PYTHON, "-c", OBSERVER, str(os.getpid()), str(observer_file), "0.01"])
    watchdog = Watchdog(threading.get_ident())
    ticks: list[tuple[float, int, int]] = []

    def tick() -> None:
        now = time.perf_counter()
        watchdog.last_tick = now
        ticks.append((now, *_schedstat()))

    ticker = QTimer()
    ticker.setTimerType(Qt.TimerType.PreciseTimer)
    ticker.setInterval(TICK_MS)
    ticker.timeout.connect(tick)
    watchdog.start()
    ticker.start()

    # Baseline: the idle window, the same timer.
    baseline_start = time.perf_counter()
    run_loop(int(BASELINE_S * 1000))
    baseline_ticks = [t for t in ticks if t[0] >= baseline_start]

    # The import.
    finished: dict[str, float] = {}
    loop = QEventLoop()

    def on_idle() -> None:
        finished.setdefault("idle", time.perf_counter())
        QTimer.singleShot(AFTER_IDLE_MS, loop.quit)

    window.runner.idle.connect(on_idle)
    QTimer.singleShot(30 * 60 * 1000, loop.quit)  # a safety net
    started = time.perf_counter()
    window.import_files(files)
    loop.exec()
    ticker.stop()
    watchdog.stop()
    (work / "observer.txt.stop").touch()
    observer.wait(10)
    observations = read_observer(observer_file)
    import_ticks = [t for t in ticks if t[0] >= started]

    status = window.statusBar().currentMessage()
    with archive.session() as session:
        from sqlmodel import func, select

        from archive.models import Document, Passage

        document_count = session.exec(select(func.count()).select_from(Document)).one()
        passage_count = session.exec(select(func.count()).select_from(Passage)).one()
    window.close()

    def lateness(series: list[tuple[float, int, int]]) -> list[float]:
        return [b[0] - a[0] - TICK_MS / 1000 for a, b in zip(series, series[1:])]

    stalls = []
    for a, b in zip(import_ticks, import_ticks[1:]):
        late = b[0] - a[0] - TICK_MS / 1000
        if late < STALL_REPORT_S:
            continue
        interval = b[0] - a[0]
        cpu, queued = (b[1] - a[1]) / 1e9, (b[2] - a[2]) / 1e9
        samples = [s for s in watchdog.samples if a[0] <= s[0] <= b[0] + 0.03]
        by_thread: dict[str, dict[str, int]] = {}
        # The first sample after the watchdog itself waited long (for the GIL, or for a CPU): where the
        # other threads were when it got going again -- the GIL holder's frame right after its long call.
        resumed = next(({thread: _where(stack) for thread, stack in s[3].items()
                         if not thread.startswith("bench-") and thread != "UI"}
                        for s in samples if s[2] >= STALL_REPORT_S / 2), None)
        for _, _, _, stacks in samples:
            for thread, stack in stacks.items():
                if thread.startswith("bench-"):
                    continue
                where = _where(stack)
                by_thread.setdefault(thread, {})
                by_thread[thread][where] = by_thread[thread].get(where, 0) + 1
        slots = sorted({name for name, thread, s, e in recorder.spans
                        if thread == "MainThread" and s < b[0] and e > a[0]})
        phases = sorted({name for name, thread, s, e in recorder.spans
                         if thread != "MainThread" and s < b[0] and e > a[0]})
        stalls.append({
            "at_s": a[0] - started, "late_s": late, "ui_cpu_s": cpu, "ui_queued_s": queued,
            "ui_blocked_s": max(0.0, interval - cpu - queued), "samples": len(samples),
            "stacks": {thread: sorted(counts.items(), key=lambda kv: -kv[1])[:4]
                       for thread, counts in by_thread.items()},
            "ui_slots": slots, "worker_phases": phases, "after_watchdog_wait": resumed, "threads": observed(observations, os.getpid(), a[0], b[0])})
    stalls.sort(key=lambda s: -s["late_s"])

    # Time per phase and per slot (totals), and the longest single main-thread slot calls.
    totals: dict[str, dict[str, float]] = {}
    for name, thread, s, e in recorder.spans:
        if s < started:
            continue
        entry = totals.setdefault(name, {"calls": 0, "total_s": 0.0, "max_s": 0.0})
        entry["calls"] += 1
        entry["total_s"] += e - s
        entry["max_s"] = max(entry["max_s"], e - s)
    import_late = lateness(import_ticks)
    # Lateness the OS scheduler does not explain: minus the time the UI thread sat runnable in the run queue.
    unqueued = [max(0.0, b[0] - a[0] - (b[2] - a[2]) / 1e9 - TICK_MS / 1000)
                for a, b in zip(import_ticks, import_ticks[1:])]
    ui_cpu = (import_ticks[-1][1] - import_ticks[0][1]) / 1e9 if import_ticks else 0.0
    ui_queued = (import_ticks[-1][2] - import_ticks[0][2]) / 1e9 if import_ticks else 0.0
    return {
        "files": len(files), "documents": document_count, "passages": passage_count,
        "whoosh_sorts": [{"items": n, "runs_on_disk": r, "seconds": t} for n, r, t in sorted_items],
        "import_s": finished.get("idle", time.perf_counter()) - started,
        "import": _lateness_stats(import_late), "baseline": _lateness_stats(lateness(baseline_ticks)),
        "import_unqueued": _lateness_stats(unqueued),
        "ui_cpu_s": ui_cpu, "ui_queued_s": ui_queued, "switch_interval_s": sys.getswitchinterval(),
        "load_average": os.getloadavg(), "status_message": status, "spans": totals,
        "stalls": stalls[:12], "stall_count": len(stalls), "samples": len(watchdog.samples),
        "not_wrapped": recorder.missing,
        "threads_during_import": observed(observations, os.getpid(), started, import_ticks[-1][0]) if import_ticks else None,
        "threads_during_baseline": observed(observations, os.getpid(), baseline_start, started),
    }


def run_import_child(files: list[Path], switch_interval: float | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="footnote-bench-desktop-") as tmp:
        work = Path(tmp)
        (work / "files.json").write_text(json.dumps([str(f) for f in files]))
        command = [PYTHON, str(Path(__file__).resolve()), "--child-import", str(work)]
        if switch_interval:
            command += ["--switch-interval", str(switch_interval)]
        proc = subprocess.run(command, env=_child_env(work), capture_output=True, text=True, timeout=1800)
        result_file = work / "result.json"
        if proc.returncode != 0 or not result_file.exists():
            raise RuntimeError(f"import child failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
        return json.loads(result_file.read_text())


def _child_env(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(work / "config")
    env["XDG_DATA_HOME"] = str(work / "data")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
    return env


# =====================================================================================================
# 2. Start-up (the child process is plain ``python -c``)
# =====================================================================================================

STARTUP_CHILD = r'''
import time
T = {"top": time.perf_counter()}
import resource
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
C = {"top": cpu()}
def mark(name):
    T[name] = time.perf_counter()
    C[name] = cpu()
import json, os, sys
from pathlib import Path
root, mode = Path(sys.argv[1]), sys.argv[2]
from archive.launcher import hold_collector
hold_collector()  # as the footnote command starts (archive.launcher.main)
import desktop
mark("import_desktop")
from desktop.app import application, create_main_window
mark("imports")
from PySide6.QtCore import QEvent, QObject
app = application(styled=False)  # as desktop.app.run: create_main_window styles it once the window is built
mark("app")
index_before = (root / "index").exists()
extra = {}
if mode == "profile":
    import cProfile
    import sqlalchemy.event
    from sqlalchemy.engine import Engine
    statements = {}
    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("bench_start", []).append(time.perf_counter())
    def after(conn, cursor, statement, parameters, context, executemany):
        took = time.perf_counter() - conn.info["bench_start"].pop()
        key = " ".join(statement.split())[:160]
        n, total = statements.get(key, (0, 0.0))
        statements[key] = (n + 1, total + took)
    sqlalchemy.event.listen(Engine, "before_cursor_execute", before)
    sqlalchemy.event.listen(Engine, "after_cursor_execute", after)
    profiler = cProfile.Profile()
    profiler.enable()
window = create_main_window(root, explicit=True)
mark("window")
started = []
window.runner.started.connect(lambda task: started.append(task.label))
busy_after_init = window.runner.busy
class Painted(QObject):
    done = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.UpdateRequest:
            Painted.done = True
        return False
painted = Painted()
window.installEventFilter(painted)
window.show()
from desktop.tasks import end_of_startup
end_of_startup()  # as desktop.app.run does once the window is shown
mark("show")
deadline = time.perf_counter() + 30
while not (window.windowHandle() is not None and window.windowHandle().isExposed()):
    app.processEvents()
    if time.perf_counter() > deadline:
        break
    if not (window.windowHandle() is not None and window.windowHandle().isExposed()):
        time.sleep(0.0005)
mark("exposed")
while not Painted.done and time.perf_counter() < deadline:
    app.processEvents()
    if not Painted.done:
        time.sleep(0.0005)
app.processEvents()
mark("painted")
if mode == "profile":
    profiler.disable()
    import io, pstats
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"(archive|desktop)/", 30)
    extra["profile_cumulative"] = out.getvalue()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
    extra["profile_tottime"] = out.getvalue()
    extra["sql"] = sorted(([n, round(total, 4), s] for s, (n, total) in statements.items()), key=lambda r: -r[1])
if mode == "profile":
    # What a refresh of the library costs on the UI thread (as after every import or edit): median of 3.
    refresh, reload = [], []
    for _ in range(3):
        t = time.perf_counter(); window.library.refresh(); refresh.append(time.perf_counter() - t)
        t = time.perf_counter(); window.reload(); reload.append(time.perf_counter() - t)
    extra["library_refresh_s"] = sorted(refresh)[1]
    extra["window_reload_s"] = sorted(reload)[1]
# Anything the window starts on its own shortly after showing (e.g. a search index check or build)?
t_end = time.perf_counter() + 0.7
while time.perf_counter() < t_end:
    app.processEvents()
    time.sleep(0.005)
window.runner.wait(60)
result = {"T": T, "C": C, "cpu_s": C["painted"], "busy_after_init": busy_after_init, "tasks_started": started,
          "index_before": index_before, "index_after": (root / "index").exists(),
          "index_folders_after": sorted(p.name for p in root.glob("index*")),
          "load_average": os.getloadavg(), "title": window.windowTitle(),
          "size": [window.width(), window.height()], **extra}
window.close()
print("RESULT " + json.dumps(result), flush=True)
'''


def run_startup_child(root: Path, mode: str = "plain") -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="footnote-bench-startup-") as tmp:
        command = [PYTHON, *(["-X", "importtime"] if mode == "profile" else []), "-c", STARTUP_CHILD, str(root), mode]
        launched = time.perf_counter()
        proc = subprocess.run(command, env=_child_env(Path(tmp)), capture_output=True, text=True, timeout=300,
                              cwd=str(REPO))
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"start-up child failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")
    result = json.loads(line[len("RESULT "):])
    T = result["T"]
    result["phases"] = {
        "total_s": T["painted"] - launched,
        "interpreter_s": T["top"] - launched,
        "import_desktop_s": T["import_desktop"] - T["top"],
        "imports_s": T["imports"] - T["top"],
        "application_s": T["app"] - T["imports"],
        "create_main_window_s": T["window"] - T["app"],
        "show_to_exposed_s": T["exposed"] - T["window"],
        "exposed_to_painted_s": T["painted"] - T["exposed"],
    }
    C = result["C"]
    result["cpu"] = {
        "total_s": C["painted"],  # the interpreter's start included
        "interpreter_s": C["top"],
        "imports_s": C["imports"] - C["top"],
        "application_s": C["app"] - C["imports"],
        "create_main_window_s": C["window"] - C["app"],
        "show_to_painted_s": C["painted"] - C["window"],
    }
    if mode == "profile":
        result["importtime"] = _slowest_imports(proc.stderr)
    return result


def _slowest_imports(stderr: str, count: int = 15) -> list[tuple[str, float]]:
    """From ``-X importtime``: import time (the modules' own, summed) per top-level package, largest first."""
    rows = []
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:"):].split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        self_us, cumulative_us, name = int(parts[0]), int(parts[1]), parts[2]
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append((name.strip(), depth, self_us / 1e6, cumulative_us / 1e6))
    by_package: dict[str, float] = {}
    for name, _, self_s, _ in rows:
        package = name.split(".")[0]
        by_package[package] = by_package.get(package, 0.0) + self_s
    return sorted(((package, round(total, 4)) for package, total in by_package.items()), key=lambda r: -r[1])[:count]


# --- the big archive --------------------------------------------------------------------------------


def build_big_archive(root: Path, documents: int, articles: int, claims_per_article: int = 20,
                      sources_per_article: int = 5, seed: int = 11) -> dict[str, Any]:
    """An archive of ``documents`` documents and ``articles`` articles, written with Core bulk inserts."""
    import hashlib
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import insert

    from archive.models import (Article, ArticleSection, Citation, Claim, ClaimTag, Collection, CollectionItem,
                                CrossReference, Document, DocumentPage, Link, Passage, SourceEntry, StoredFile)
    from archive.store import Archive

    rng = random.Random(seed)
    words = common._WORDS

    def ident() -> str:
        return f"{rng.getrandbits(128):032x}"

    def sentence() -> str:
        return " ".join(rng.choices(words, k=rng.randint(10, 24))).capitalize() + "."

    pool = [sentence() for _ in range(4000)]
    base = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)  # timestamps are stored aware (archive.clock)
    naive = base.replace(tzinfo=None)  # publication dates are stored naive (as the article states them)
    counts: dict[str, int] = {}
    started = clock()
    with Archive.open(root, create=True) as archive:
        with archive.engine.begin() as conn:
            batches: dict[Any, list[dict[str, Any]]] = {}
            order = [StoredFile, Document, DocumentPage, Passage, Article, ArticleSection, CrossReference,
                     SourceEntry, Claim, Citation, Link, ClaimTag, Collection, CollectionItem]

            def put(model: Any, row: dict[str, Any]) -> None:
                rows = batches.setdefault(model, [])
                rows.append(row)
                if len(rows) >= 5000:
                    flush(model)

            def flush(model: Any) -> None:
                """Write the rows of ``model`` waiting, after those of the tables it refers to."""
                for table_model in order[:order.index(model) + 1]:
                    rows = batches.get(table_model)
                    if rows:
                        conn.execute(insert(table_model.__table__), rows)
                        counts[table_model.__tablename__] = counts.get(table_model.__tablename__, 0) + len(rows)
                        batches[table_model] = []

            def stored(kind: str, name: str, size: int) -> str:
                sha = hashlib.sha256(f"{kind}:{name}".encode()).hexdigest()
                put(StoredFile, dict(sha256=sha, size=size, media_type=kind, original_name=name, added_at=base))
                return sha

            # Documents with pages and sentence passages.
            doc_ids, doc_spans, doc_titles = [], {}, {}
            for number in range(documents):
                doc_id = ident()
                kind = "pdf" if rng.random() < 0.8 else "html"
                status = rng.choices(["ok", "partial", "no_text", "damaged", "password"], [94, 2, 2, 1, 1])[0]
                readable = status in ("ok", "partial")
                title = f"{' '.join(rng.choices(words, k=rng.randint(3, 8))).title()} ({number})"
                page_count = rng.randint(1, 6) if kind == "pdf" and readable else (1 if readable else 0)
                text_parts, pages, passages, offset = [], [], [], 0
                for page in range(1, page_count + 1):
                    page_start = offset
                    for _ in range(rng.randint(6, 14)):
                        s = rng.choice(pool)
                        passages.append((offset, offset + len(s), page))
                        text_parts.append(s)
                        offset += len(s) + 1
                    pages.append((page, page_start, offset - 1))
                text = " ".join(text_parts)
                sha = stored("application/pdf" if kind == "pdf" else "text/html", f"doc-{number}.{kind}",
                             len(text) * 3 + 1000)
                when = base - timedelta(days=rng.randint(0, 1000))
                put(Document, dict(id=doc_id, file_sha256=sha, kind=kind, title=title, author=None,
                                   publisher=rng.choice(["Reuters", "AP", "Fortune", "Engadget", None]),
                                   published=when.replace(tzinfo=None), url=None, page_count=page_count if kind == "pdf" else 0,
                                   status=status, status_detail="" if status == "ok" else "bench",
                                   text=text, imported_at=when, extracted_at=when))
                if kind == "pdf":
                    for page, start, end in pages:
                        put(DocumentPage, dict(document_id=doc_id, number=page, width=612.0, height=792.0,
                                               start=start, end=end, words=b""))
                for position, (start, end, page) in enumerate(passages, start=1):
                    put(Passage, dict(document_id=doc_id, position=position, page=page if kind == "pdf" else None,
                                      start=start, end=end,
                                      rects=[[page, 72.0, 100.0 + position % 40 * 15, 540.0, 112.0 + position % 40 * 15]]
                                      if kind == "pdf" else []))
                doc_ids.append(doc_id)
                doc_titles[doc_id] = title
                doc_spans[doc_id] = (text, passages) if readable else None
            flush(Passage)

            # Articles with claims, citations, sources (mostly attached), links, sections.
            tags = [f"topic-{t}" for t in ("energy", "courts", "budget", "health", "ai", "water", "housing",
                                           "labor", "schools", "police", "climate", "trade")]
            article_ids, claim_ids = [], []
            statuses = ["verified", "partial", "not_found", "no_source"]
            for number in range(articles):
                article_id = ident()
                sources = []
                for n in range(1, sources_per_article + 1):
                    attached = rng.random() < 0.85
                    doc_id = rng.choice(doc_ids) if attached else None
                    sources.append((n, doc_id))
                text_parts, claims, offset = [], [], 0
                title = f"{' '.join(rng.choices(words, k=rng.randint(4, 10))).title()} digest {number}"
                summary = sentence()
                header = f"{title}\n\n{summary}\n\n"
                text_parts.append(header)
                offset = len(header)
                for position in range(claims_per_article):
                    lead = rng.choice(pool) + " "
                    text_parts.append(lead)
                    offset += len(lead)
                    claim_text = rng.choice(pool)
                    claims.append((position, claim_text, offset, offset + len(claim_text)))
                    text_parts.append(claim_text + "\n\n")
                    offset += len(claim_text) + 2
                text = "".join(text_parts)
                published = None if rng.random() < 0.02 else naive - timedelta(days=rng.randint(0, 1100),
                                                                                  minutes=rng.randint(0, 1440))
                sha = stored("text/plain", f"article-{number}.txt", len(text))
                put(Article, dict(id=article_id, file_sha256=sha, format="digest", title=title, summary=summary,
                                  published=published, category=rng.choice(["Policy", "Tech", "Courts", "Local",
                                                                             "Business", None]),
                                  text=text, imported_at=base))
                for i, heading in enumerate(("Background", "What happened", "What comes next")):
                    put(ArticleSection, dict(article_id=article_id, position=i, title=heading,
                                             start=len(header) + i * (len(text) - len(header)) // 3))
                for i in range(2):
                    put(CrossReference, dict(article_id=article_id, position=i, title=rng.choice(pool)[:60]))
                for n, doc_id in sources:
                    put(SourceEntry, dict(article_id=article_id, number=n,
                                          title=doc_titles[doc_id] if doc_id else sentence()[:80],
                                          publisher=None, cited=True, document_id=doc_id,
                                          attached_by="auto" if doc_id else None))
                for position, claim_text, start, end in claims:
                    claim_id = ident()
                    source, doc_id = rng.choice(sources)
                    status = rng.choices(statuses, [45, 20, 10, 25])[0] if doc_id else "no_source"
                    user_status = rng.choices([None, "confirmed", "disputed"], [94, 4, 2])[0]
                    put(Claim, dict(id=claim_id, article_id=article_id, position=position, text=claim_text,
                                    start=start, end=end, status=status, user_status=user_status,
                                    note="checked by phone" if rng.random() < 0.03 else "", origin="marker",
                                    created_at=base, updated_at=base))
                    put(Citation, dict(claim_id=claim_id, position=0, source_number=source,
                                       sentences=[rng.randint(1, 30)]))
                    if rng.random() < 0.2:
                        other = rng.choice(sources)[0]
                        put(Citation, dict(claim_id=claim_id, position=1, source_number=other, sentences=[]))
                    spans = doc_spans.get(doc_id) if doc_id else None
                    if status != "no_source" and spans:
                        doc_text, passages = spans
                        p_start, p_end, page = rng.choice(passages)
                        put(Link, dict(id=ident(), claim_id=claim_id, document_id=doc_id, source_number=source,
                                       page=page, start=p_start, end=p_end, exact=doc_text[p_start:p_end],
                                       prefix=doc_text[max(0, p_start - 32):p_start],
                                       suffix=doc_text[p_end:p_end + 32],
                                       rects=[[page, 72.0, 100.0, 540.0, 112.0]],
                                       score=round(rng.uniform(0.5, 1.0), 3), coverage=round(rng.uniform(0.5, 1.0), 3),
                                       verdict=status, reason="", origin="auto", relation="supports",
                                       decision=None, created_at=base, updated_at=base))
                    if rng.random() < 0.12:
                        for tag in rng.sample(tags, rng.randint(1, 2)):
                            put(ClaimTag, dict(claim_id=claim_id, tag=tag))
                    claim_ids.append(claim_id)
                article_ids.append(article_id)
            flush(ClaimTag)

            # Collections of articles and documents.
            for name, n_articles, n_documents in (("Energy desk", 120, 300), ("Court watch", 60, 150),
                                                  ("Budget 2026", 250, 40), ("To check", 30, 0),
                                                  ("Shared with legal", 0, 500)):
                collection_id = ident()
                put(Collection, dict(id=collection_id, name=name, created_at=base))
                flush(Collection)
                for item in rng.sample(article_ids, min(n_articles, len(article_ids))):
                    put(CollectionItem, dict(collection_id=collection_id, item_id=item, item_type="article",
                                             added_at=base))
                for item in rng.sample(doc_ids, min(n_documents, len(doc_ids))):
                    put(CollectionItem, dict(collection_id=collection_id, item_id=item, item_type="document",
                                             added_at=base))
            flush(CollectionItem)
        with archive.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")  # as a long-lived archive would have had (no-op cost for the bench)
            conn.exec_driver_sql("COMMIT")
    size_mb = sum(p.stat().st_size for p in root.glob("archive.db*")) / 1e6
    return {"rows": counts, "build_s": clock() - started, "database_mb": round(size_mb, 1)}


# =====================================================================================================
# The parent: runs, medians, the table, the JSON
# =====================================================================================================


def attempt(what: str, fn: Any, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
    """``fn(*args)``; a failing child is retried once after a pause (the tree may be in the middle of an
    edit), then reported and skipped."""
    for tries in (1, 2):
        try:
            return fn(*args, **kwargs)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            last = [line for line in str(error).splitlines() if line.strip()][-1:] or [repr(error)]
            say(f"   {what}: the child failed ({last[0][:200]})" + ("; trying again in 20 s" if tries == 1 else
                                                                      "; skipped"))
            if tries == 1:
                time.sleep(20)
            FAILURES.append({"what": what, "error": str(error)[-4000:]})
    return None


FAILURES: list[dict[str, Any]] = []


def median_of(results: list[dict[str, Any]], *path: str) -> float:
    values = []
    for result in results:
        value: Any = result
        for key in path:
            value = value[key]
        values.append(value)
    return statistics.median(values)


def import_section(args: argparse.Namespace) -> dict[str, Any]:
    say(f"== 1. UI responsiveness during an import of {args.pdfs} PDFs ==")
    started = clock()
    files = make_pdfs(args.pdfs)
    pages = [common.page_count(f) for f in files]
    say(f"   {len(files)} PDFs, {sum(pages)} pages ({min(pages)}-{max(pages)} each), ready in "
        f"{seconds(clock() - started)}")
    runs = []
    for number in range(args.import_runs):
        result = attempt(f"import run {number + 1}", run_import_child, files)
        if result is None:
            continue
        runs.append(result)
        say(f"   run {number + 1}: import {seconds(result['import_s'])}, worst stall "
            f"{result['import']['worst_s'] * 1000:.0f} ms, p99 {result['import']['p99_s'] * 1000:.0f} ms, "
            f"p95 {result['import']['p95_s'] * 1000:.0f} ms, {result['stall_count']} stalls >= "
            f"{STALL_REPORT_S * 1000:.0f} ms; idle baseline worst {result['baseline']['worst_s'] * 1000:.0f} ms, "
            f"p99 {result['baseline']['p99_s'] * 1000:.0f} ms; load {result['load_average'][0]:.1f}")
        say(f"          without the UI thread's run-queue waits: worst {result['import_unqueued']['worst_s'] * 1000:.0f} ms, "
            f"p99 {result['import_unqueued']['p99_s'] * 1000:.0f} ms, p95 {result['import_unqueued']['p95_s'] * 1000:.0f} ms")
        for sort in result.get("whoosh_sorts", []):
            say(f"          search index: whoosh SortingPool.items sorted {sort['items']} postings in memory "
                f"({sort['runs_on_disk']} runs on disk) in {sort['seconds'] * 1000:.0f} ms, holding the GIL")
        if result.get("threads_during_import"):
            say("          cpu/queued ms over the import: " + _threads_line(result["threads_during_import"]))
    if not runs:
        return {"files": len(files), "pages": sum(pages), "runs": [], "error": "every run failed"}
    section = {"files": len(files), "pages": sum(pages), "runs": runs,
               "median": {key: median_of(runs, "import", key) for key in ("worst_s", "p99_s", "p95_s", "median_s")},
               "median_import_s": median_of(runs, "import_s"),
               "median_unqueued": {key: median_of(runs, "import_unqueued", key) for key in ("worst_s", "p99_s", "p95_s")},
               "median_baseline": {key: median_of(runs, "baseline", key) for key in ("worst_s", "p99_s", "p95_s")}}
    if args.switch_interval_check and section["median"]["worst_s"] >= TARGET_STALL_S:
        say("   worst stall over target: one more run with sys.setswitchinterval(0.001) to test GIL hand-offs")
        section["switch_1ms"] = r = attempt("import with switch interval 1 ms", run_import_child, files,
                                            switch_interval=0.001)
        if r is not None:
            say(f"   switch 1 ms: import {seconds(r['import_s'])}, worst {r['import']['worst_s'] * 1000:.0f} ms, "
                f"p99 {r['import']['p99_s'] * 1000:.0f} ms, p95 {r['import']['p95_s'] * 1000:.0f} ms; without "
                f"run-queue waits worst {r['import_unqueued']['worst_s'] * 1000:.0f} ms")
    print_stalls(runs)
    return section


def print_stalls(runs: list[dict[str, Any]]) -> None:
    stalls = sorted(((number, s) for number, run in enumerate(runs, 1) for s in run["stalls"]),
                    key=lambda item: -item[1]["late_s"])[:8]
    if not stalls:
        say(f"   no stall of {STALL_REPORT_S * 1000:.0f} ms or more")
        return
    say(f"   the longest stalls (all runs): where the UI thread's time went, what the threads were doing")
    for number, s in stalls:
        say(f"   - run {number}, at {s['at_s']:.2f} s: {s['late_s'] * 1000:.0f} ms late; UI thread cpu "
            f"{s['ui_cpu_s'] * 1000:.0f} ms, queued {s['ui_queued_s'] * 1000:.0f} ms, blocked "
            f"{s['ui_blocked_s'] * 1000:.0f} ms; worker in {', '.join(s['worker_phases']) or '-'}; UI slots "
            f"{', '.join(s['ui_slots']) or '-'}; {s['samples']} samples")
        if s.get("threads"):
            say("       threads over the stall (cpu/queued ms): " + _threads_line(s["threads"]))
        if s.get("after_watchdog_wait"):
            say("       when the watchdog got the GIL back: " + "; ".join(
                f"{thread}: {where}" for thread, where in s["after_watchdog_wait"].items()))
        for thread, wheres in s["stacks"].items():
            top = "; ".join(f"{where} x{n}" for where, n in wheres[:2])
            say(f"       {thread}: {top}")
    spans = runs[0]["spans"]
    say("   time per phase (run 1): " + ", ".join(
        f"{name} {v['calls']}x {seconds(v['total_s'])} (max {seconds(v['max_s'])})"
        for name, v in sorted(spans.items(), key=lambda kv: -kv[1]["total_s"])))


def _threads_line(threads: dict[str, Any]) -> str:
    parts = [f"{group} {v['cpu_s'] * 1000:.0f}/{v['queued_s'] * 1000:.0f}"
             for group, v in threads.items() if isinstance(v, dict)]
    capacity = threads["window_s"] * threads["cpus"]
    ours = sum(v["cpu_s"] for v in threads.values() if isinstance(v, dict))
    parts.append(f"rest of the machine {max(0.0, threads['machine_busy_cpu_s'] - ours) * 1000:.0f} cpu-ms "
                 f"(of {capacity * 1000:.0f} over {threads['window_s'] * 1000:.0f} ms)")
    return ", ".join(parts)


def _cpu_line(cpu: dict[str, float]) -> str:
    return (f"{seconds(cpu['total_s'])} (interpreter {seconds(cpu['interpreter_s'])}, imports "
            f"{seconds(cpu['imports_s'])}, app {seconds(cpu['application_s'])}, window "
            f"{seconds(cpu['create_main_window_s'])}, show+paint {seconds(cpu['show_to_painted_s'])})")


def startup_section(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from archive.demo import ensure_demo_archive

    say("== 2. Start-up to a shown window ==")
    # Bytecode for Footnote's own modules, as a user has it from their second start on (Python writes it on the
    # first) and the packaged app ships it; without it, PYTHONDONTWRITEBYTECODE in the environment would make
    # every measured start compile the modules changed since the last run.
    for package in ("archive", "desktop"):
        compileall.compile_dir(str(REPO / package), quiet=1)
    demo = work / "demo"
    started = clock()
    ensure_demo_archive(demo)
    say(f"   demo archive built in {seconds(clock() - started)}")
    big = work / "big"
    say(f"   building the big archive: {args.documents} documents, {args.articles} articles x 20 claims ...")
    built = build_big_archive(big, args.documents, args.articles)
    say(f"   built in {seconds(built['build_s'])}: {built['database_mb']} MB, "
        + ", ".join(f"{n} {t}" for t, n in sorted(built["rows"].items())))
    section: dict[str, Any] = {"big_archive": built}
    for name, root, target in (("demo", demo, TARGET_DEMO_S), ("big", big, TARGET_BIG_S)):
        runs = []
        for number in range(args.runs):
            result = attempt(f"{name} start-up run {number + 1}", run_startup_child, root)
            if result is None:
                continue
            runs.append(result)
            p = result["phases"]
            say(f"   {name} run {number + 1}: {seconds(p['total_s'])} to a painted window (interpreter "
                f"{seconds(p['interpreter_s'])}, imports {seconds(p['imports_s'])}, app "
                f"{seconds(p['application_s'])}, window {seconds(p['create_main_window_s'])}, show+paint "
                f"{seconds(p['show_to_exposed_s'] + p['exposed_to_painted_s'])}); CPU {_cpu_line(result['cpu'])}; "
                f"load {result['load_average'][0]:.1f}")
        if not runs:
            section[name] = {"target_s": target, "error": "every run failed"}
            continue
        profile = attempt(f"{name} profiled start-up", run_startup_child, root, "profile") or {
            "importtime": [], "sql": [], "profile_cumulative": "", "library_refresh_s": float("nan"),
            "window_reload_s": float("nan")}
        medians = {key: median_of(runs, "phases", key) for key in runs[0]["phases"]}
        medians["cpu_s"] = median_of(runs, "cpu_s")
        medians["cpu"] = {key: median_of(runs, "cpu", key) for key in runs[0]["cpu"]}
        section[name] = {"target_s": target, "runs": [{k: v for k, v in r.items() if k != "T"} for r in runs],
                         "median": medians, "profile": profile,
                         "tasks_started": sorted({t for r in runs for t in r["tasks_started"]}),
                         "index_before": runs[0]["index_before"],
                         "index_after": any(r["index_after"] for r in runs)}
        say(f"   {name}: UI-thread cost of a library refresh (as after each import) "
            f"{seconds(profile['library_refresh_s'])}, of MainWindow.reload {seconds(profile['window_reload_s'])} "
            f"(median of 3, in the profiled child)")
        say(f"   {name}: background tasks started at start-up: {section[name]['tasks_started'] or 'none'}; "
            f"search index folder before/after: {runs[0]['index_before']}/{section[name]['index_after']}")
        say(f"   {name}: import time by package (-X importtime, own time summed; inflated by the tool): "
            + ", ".join(f"{m} {t:.2f} s" for m, t in profile["importtime"][:10]))
        sql = profile.get("sql", [])
        say(f"   {name}: {sum(r[0] for r in sql)} SQL statements in create_main_window+show, "
            f"{sum(r[1] for r in sql) * 1000:.0f} ms; the slowest:")
        for n, total, statement in sql[:6]:
            say(f"       {n}x {total * 1000:.0f} ms  {statement[:130]}")
        if medians["total_s"] >= target or args.verbose:
            say(f"   {name}: cProfile of create_main_window + show (cumulative, project functions):")
            say("\n".join("       " + l for l in profile["profile_cumulative"].splitlines()[6:36] if l.strip()))
    return section


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="15 PDFs, 1 run each, a smaller big archive")
    parser.add_argument("--runs", type=int, default=None, help="start-up runs per archive (3)")
    parser.add_argument("--import-runs", type=int, default=None, help="import runs (3)")
    parser.add_argument("--pdfs", type=int, default=None, help="PDFs to import (50)")
    parser.add_argument("--documents", type=int, default=None, help="documents in the big archive (5000)")
    parser.add_argument("--articles", type=int, default=None, help="articles (20 claims each) in the big archive (2500)")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--no-switch-interval-check", dest="switch_interval_check", action="store_false",
                        help="do not add a run with sys.setswitchinterval(0.001) when the stall target is missed")
    parser.add_argument("--verbose", action="store_true", help="print the start-up profiles even when on target")
    parser.add_argument("--child-import", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--switch-interval", type=float, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_import is not None:
        files = [Path(p) for p in json.loads((args.child_import / "files.json").read_text())]
        result = child_import(args.child_import, files, args.switch_interval)
        (args.child_import / "result.json").write_text(json.dumps(result, default=str))
        return 0

    quick = args.quick
    args.runs = args.runs or (1 if quick else 3)
    args.import_runs = args.import_runs or (1 if quick else 3)
    args.pdfs = args.pdfs or (15 if quick else 50)
    args.documents = args.documents or (1000 if quick else 5000)
    args.articles = args.articles or (500 if quick else 2500)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    say(f"bench_desktop: {common.machine()}, load average {os.getloadavg()[0]:.1f}")
    data: dict[str, Any] = {"machine": common.machine(), "quick": quick,
                            "targets": {"worst_stall_s": TARGET_STALL_S, "startup_demo_s": TARGET_DEMO_S,
                                        "startup_big_s": TARGET_BIG_S}}
    started = clock()
    if not args.skip_import:
        data["import"] = import_section(args)
    if not args.skip_startup:
        with tempfile.TemporaryDirectory(prefix="footnote-bench-archives-") as tmp:
            data["startup"] = startup_section(args, Path(tmp))

    rows = []
    if "import" in data and "error" in data["import"]:
        rows.append(("import: worst stall", "(failed)", f"< {TARGET_STALL_S * 1000:.0f} ms", "?"))
    elif "import" in data:
        m, section = data["import"]["median"], data["import"]
        base = section["median_baseline"]
        rows += [
            ("import: worst stall", f"{m['worst_s'] * 1000:.0f} ms", f"< {TARGET_STALL_S * 1000:.0f} ms",
             "met" if m["worst_s"] < TARGET_STALL_S else "MISSED"),
            ("import: p99 lateness", f"{m['p99_s'] * 1000:.0f} ms", "", ""),
            ("import: p95 lateness", f"{m['p95_s'] * 1000:.0f} ms", "", ""),
            (f"import: duration ({section['files']} PDFs, {section['pages']} pages)",
             seconds(section["median_import_s"]), "", ""),
            ("import: worst / p99 minus UI run-queue waits (app's share)",
             f"{section['median_unqueued']['worst_s'] * 1000:.0f} / {section['median_unqueued']['p99_s'] * 1000:.0f} ms",
             "", ""),
            ("idle window: worst / p99 lateness (noise floor)",
             f"{base['worst_s'] * 1000:.0f} / {base['p99_s'] * 1000:.0f} ms", "", ""),
        ]
    if "startup" in data:
        for name, label in (("demo", "demo archive"), ("big", f"big archive ({args.documents} docs, "
                                                               f"{args.articles * 20} claims)")):
            s = data["startup"][name]
            if "error" in s:
                rows.append((f"start-up, {label}", "(failed)", f"< {s['target_s']} s", "?"))
                continue
            m = s["median"]
            rows += [
                (f"start-up, {label}", seconds(m["total_s"]), f"< {s['target_s']} s",
                 "met" if m["total_s"] < s["target_s"] else "MISSED"),
                ("   of which imports (desktop + desktop.app)", seconds(m["imports_s"]), "", ""),
                ("   of which create_main_window", seconds(m["create_main_window_s"]), "", ""),
                ("   of which show to painted", seconds(m["show_to_exposed_s"] + m["exposed_to_painted_s"]), "", ""),
                ("   child CPU seconds (all; imports; create_main_window)",
                 f"{seconds(m['cpu']['total_s'])}; {seconds(m['cpu']['imports_s'])}; "
                 f"{seconds(m['cpu']['create_main_window_s'])}", "", ""),
            ]
    say()
    say(table(["figure (median)", "value", "target", ""], rows))
    if FAILURES:
        say(f"\n{len(FAILURES)} child runs failed (details in the JSON under 'failures')")
    data["failures"] = FAILURES
    data["elapsed_s"] = clock() - started
    path = common.write_json("desktop.json", data)
    say(f"\nwritten to {path.relative_to(REPO)} (elapsed {seconds(data['elapsed_s'])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
