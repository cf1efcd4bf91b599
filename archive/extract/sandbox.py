"""Extraction in child processes, each with a time limit and a memory limit.

A parser fed a hostile file may hang, recurse without end, allocate gigabytes
or crash outright.  Each of those must cost one file, never the application:
workers are separate processes with an address-space limit (``RLIMIT_AS``); a
worker that runs past the time limit is killed, one that dies is replaced, and
the file gets a specific reason.  Several workers run at once, one per core.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Iterable, Iterator

from archive.background import lower_priority
from archive.errors import FootnoteError
from archive.extract import ExtractedDocument, Extraction, Kind
from archive.progress import CancelToken

DEFAULT_TIME_LIMIT = 120.0  # seconds per file
STARTUP_LIMIT = 60.0  # seconds for a worker process to start
DEFAULT_MEMORY_LIMIT = 1024**3  # bytes of address space per worker (extracting 1,000 pages needs ~80 MB)


CHUNK_PAGES = 48  # a PDF longer than two chunks is split across workers


def page_chunks(count: int, workers: int) -> list[tuple[int, int]]:
    """``count`` pages cut into chunks (first, last) of at most ``CHUNK_PAGES``, as many as a multiple of
    ``workers`` and of equal size, so that every worker gets the same share: 150 pages in chunks of 48
    were 48+48 for one worker and 48+6 for the other, which waited for it."""
    chunks = workers * -(-count // (workers * CHUNK_PAGES))
    size = -(-count // chunks)
    return [(start, min(start + size, count)) for start in range(0, count, size)]


@dataclass(frozen=True)
class Task:
    path: Path
    kind: Kind
    password: str | None = None
    pages: tuple[int, int] | None = None  # a chunk of a PDF: pages first:last (0-based)
    split_over: int | None = None  # a whole PDF longer than this many pages: answer its page count instead


def extract_here(task: Task) -> ExtractedDocument | int:
    """Run the extractor for ``task`` in this process (the workers call this)."""
    if task.kind is Kind.PDF:
        from archive.extract.pdf import count_pages, extract_pdf

        if task.split_over is not None and task.pages is None:
            count = count_pages(task.path, task.password)
            if not isinstance(count, int) or count > task.split_over:
                return count  # the password failure, or a page count for the caller to split
        return extract_pdf(task.path, task.password, task.pages)
    if task.kind is Kind.HTML:
        from archive.extract.web import extract_html

        return extract_html(task.path)
    from archive.extract.plaintext import extract_text

    return extract_text(task.path, task.kind)


def _worker(connection: Connection, memory_limit: int) -> None:
    lower_priority()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    except (ImportError, ValueError, OSError):
        pass
    connection.send("ready")  # a file's time limit starts now, not while this process was starting
    while True:
        try:
            task = connection.recv()
        except EOFError:
            return
        if task is None:
            connection.close()
            os._exit(0)  # nothing to flush or finalise: skip tearing down the interpreter (~0.1 s)
        try:
            result = extract_here(task)
        except MemoryError:
            result = _failed(task, Extraction.TOO_LARGE, f"needed more than {memory_limit // 1024**2} MB")
        except RecursionError:
            result = _failed(task, Extraction.DAMAGED, "its structure loops back on itself")
        except Exception as error:  # the parser's own error: the file is damaged
            result = _failed(task, Extraction.DAMAGED, _describe(error))
        try:
            connection.send(result)
        except Exception as error:  # e.g. an unpicklable oddity: still answer
            connection.send(_failed(task, Extraction.DAMAGED, f"unreadable result ({error.__class__.__name__})"))


def _crash(code: int | None, memory_limit: int) -> str:
    """Why a worker died, as well as can be told from outside."""
    if code in (-6, -9, -11, 134, 137):  # abort, kill, segfault: how parsers die when memory runs out
        return (f"the parser crashed on it (signal {abs(code) if code < 0 else code - 128}); a compression bomb "
                f"or a file needing more than {memory_limit // 1024**2} MB does this")
    return f"the parser crashed on it (exit code {code})"


def _merged(parts: list[ExtractedDocument], page_count: int) -> ExtractedDocument:
    from archive.extract.pdf import merge_chunks

    failed = [p for p in parts if p.status not in (Extraction.OK, Extraction.PARTIAL, Extraction.NO_TEXT)]
    if len(failed) == len(parts):
        return failed[0]
    for part in failed:
        part.detail = f"{part.reason} (a chunk of pages)"
    return merge_chunks(parts, page_count)


def _describe(error: BaseException) -> str:
    cause = error.args[0] if error.args and isinstance(error.args[0], BaseException) else error
    text = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    name = type(cause).__name__
    return f"{name}: {text[:160]}" if text else name


def _failed(task: Task, status: Extraction, detail: str) -> ExtractedDocument:
    return ExtractedDocument(kind=task.kind, title=task.path.stem, status=status, detail=detail)


class _Worker:
    """A worker process, started when made; :meth:`wait_ready` waits for its first word, so that several
    can start side by side."""

    def __init__(self, context: multiprocessing.context.BaseContext, memory_limit: int) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, memory_limit), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.started = 0.0

    def wait_ready(self) -> None:
        # Wait until the worker runs: starting a Python process (seconds on a loaded machine) must not
        # count against the first file's time limit.
        try:
            ready = self.connection.poll(STARTUP_LIMIT) and self.connection.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.process.kill()
            raise FootnoteError("a document reader process could not start (see footnote.log); "
                                "nothing was imported from the remaining files")

    def give(self, task: Task) -> None:
        self.task, self.started = task, time.monotonic()
        self.connection.send(task)

    def stop(self, kill: bool = False) -> None:
        self.ask_to_stop(kill)
        self.wait_stopped()

    def ask_to_stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.connection.send(None)
            except (BrokenPipeError, OSError):
                pass

    def wait_stopped(self) -> None:
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


class ExtractionPool:
    """Extract many files in parallel child processes; results come back as they finish."""

    def __init__(self, workers: int | None = None, *, time_limit: float = DEFAULT_TIME_LIMIT,
                 memory_limit: int = DEFAULT_MEMORY_LIMIT) -> None:
        self.size = max(1, workers or min(os.cpu_count() or 1, 4))
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self._context = multiprocessing.get_context("spawn")  # safe beside threads (Qt, the task runner)
        self._idle: list[_Worker] = []
        self._starting: list[_Worker] = []

    def start(self, workers: int) -> None:
        """Start up to ``workers`` workers now, without waiting for them: a caller with other work to do
        first (hashing and storing the files) lets them start meanwhile, instead of at the first task."""
        wanted = min(workers, self.size) - len(self._idle) - len(self._starting)
        self._starting.extend(_Worker(self._context, self.memory_limit) for _ in range(max(0, wanted)))

    def run(self, tasks: Iterable[Task], cancel: CancelToken | None = None) -> Iterator[tuple[Task, ExtractedDocument]]:
        """Yield ``(task, result)`` for every task, in the order they finish.

        On cancel, running extractions are abandoned (their workers killed) and
        no new ones start.
        """
        pending = list(tasks)
        pending.reverse()
        busy: list[_Worker] = []
        try:
            while pending or busy:
                wanted = min(len(pending), self.size - len(busy)) - len(self._idle)
                if wanted > 0 and not (cancel and cancel.cancelled):  # start side by side, then wait for each
                    starting, self._starting = self._starting, []
                    starting += [_Worker(self._context, self.memory_limit) for _ in range(wanted - len(starting))]
                    try:
                        for worker in starting:
                            worker.wait_ready()
                    except BaseException:
                        for worker in starting:
                            worker.stop(kill=True)
                        raise
                    self._idle.extend(starting)
                while pending and len(busy) < self.size and not (cancel and cancel.cancelled):
                    worker = self._idle.pop()
                    worker.give(pending.pop())
                    busy.append(worker)
                if cancel is not None and cancel.cancelled:
                    for worker in busy:
                        worker.stop(kill=True)
                    busy.clear()
                    return
                ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy], timeout=0.2)
                now = time.monotonic()
                for worker in list(busy):
                    result = None
                    if worker.connection in ready:
                        try:
                            result = worker.connection.recv()
                        except (EOFError, OSError):
                            result = None
                    if result is not None:
                        busy.remove(worker)
                        self._idle.append(worker)
                        yield worker.task, result
                    elif worker.process.sentinel in ready or not worker.process.is_alive():
                        busy.remove(worker)
                        worker.process.join(timeout=1)
                        code = worker.process.exitcode
                        worker.stop(kill=True)
                        yield worker.task, _failed(worker.task, Extraction.DAMAGED, _crash(code, self.memory_limit))
                    elif now - worker.started > self.time_limit:
                        busy.remove(worker)
                        worker.stop(kill=True)
                        yield worker.task, _failed(worker.task, Extraction.TIMEOUT,
                                                   f"stopped after {self.time_limit:.0f} s")
        finally:
            for worker in busy:
                worker.stop(kill=True)

    def extract(self, tasks: Iterable[Task], cancel: CancelToken | None = None
                ) -> Iterator[tuple[Task, ExtractedDocument]]:
        """Like :meth:`run`, but long PDFs are split into chunks of pages extracted in parallel.

        A worker given a whole PDF counts its pages first (opening a hostile file
        is already parsing it, so that happens in a worker too): a PDF of up to
        two chunks it extracts at once, a longer one it answers with its page
        count, and the PDF is then cut into chunks.  Its result is yielded once
        every chunk is back.  Short files thus cost one round trip, and the
        first results come back while other files are still being read.
        """
        split_over = 2 * CHUNK_PAGES if self.size > 1 else None
        asked: dict[Task, Task] = {}
        for task in tasks:
            if task.kind is Kind.PDF and task.pages is None and split_over is not None:
                asked[replace(task, split_over=split_over)] = task
            else:
                asked[task] = task
        counts: dict[Task, int] = {}
        chunks: dict[Task, list[Task]] = {}
        jobs: list[Task] = []
        for job, result in self.run(list(asked), cancel):
            task = asked[job]
            if isinstance(result, int):
                counts[task] = result
                chunks[task] = [replace(task, pages=pages) for pages in page_chunks(result, self.size)]
                jobs.extend(chunks[task])
            else:
                yield task, result
        owner = {part: task for task, parts in chunks.items() for part in parts}
        done: dict[Task, ExtractedDocument] = {}
        for job, result in self.run(jobs, cancel):
            task = owner[job]
            done[job] = result
            if all(part in done for part in chunks[task]):
                yield task, _merged([done.pop(part) for part in chunks[task]], counts[task])

    def close(self) -> None:
        workers = self._idle + self._starting
        for worker in workers:  # all at once: each takes a moment to end
            worker.ask_to_stop()
        for worker in workers:
            worker.wait_stopped()
        self._idle.clear()
        self._starting.clear()

    def __enter__(self) -> "ExtractionPool":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
