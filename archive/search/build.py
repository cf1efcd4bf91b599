"""A complete index built in parallel child processes, each reading its share of the catalog itself.

whoosh indexes in pure Python, so a rebuild of a large archive is CPU-bound
for minutes.  whoosh's own multi-process writer still feeds every document
through the parent (which reads the catalog, pickles each record to a file
and hands it over), so on two cores the parent competes with its workers.
Here the parent only lists what there is to index, in chunks of about equal
text; each worker takes chunks from a queue, reads their records from the
catalog through its own read-only connection, and writes one segment with a
single-process whoosh writer and a large memory pool (it is not the UI's
process: a long sort holds no one's GIL).  The parent then writes the index's
table of contents naming the workers' segments.  The parent's GIL is free
all along, so the desktop stays responsive during a rebuild.

Each article or document is read in one transaction, so each is complete;
one that arrives after the listing is added by the update that follows it
(see ``SearchIndex.update``).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import shutil
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive.background import die_with_parent, lower_priority
from archive.errors import FootnoteError
from archive.progress import CancelToken, Progress, ProgressFn

log = logging.getLogger(__name__)

WORKER_MEMORY_MB = 256  # the posting pool per worker (~20 bytes a posting): no runs spilled to disk
CHUNKS_PER_WORKER = 6  # small enough chunks that the workers finish at about the same time
ARTICLE_WEIGHT = 1.5  # an article's text is indexed twice: the article, then each claim (and note) again
STARTUP_LIMIT_S = 120.0  # a worker that has not reported by then (a Python start) is taken for dead


@dataclass(frozen=True)
class Chunk:
    kind: str  # "articles" | "documents"
    ids: tuple[str, ...]


def plan(session, workers: int) -> tuple[list[Chunk], int, int]:
    """Chunks of articles and documents of about equal text; the item count; the text's size (chars)."""
    from sqlalchemy import func
    from sqlmodel import select

    from archive.models import Article, Document

    items: list[tuple[float, str, str]] = []
    for id_, size in session.exec(select(Article.id, func.length(Article.text))):
        items.append(((size or 0) * ARTICLE_WEIGHT + 200, "articles", id_))
    for id_, size in session.exec(select(Document.id, func.length(Document.text))):
        items.append(((size or 0) + 200, "documents", id_))
    total = sum(weight for weight, _, _ in items)
    target = max(1.0, total / max(1, workers * CHUNKS_PER_WORKER))
    chunks: list[Chunk] = []
    for kind in ("documents", "articles"):
        ids: list[str] = []
        weight = 0.0
        for size, item_kind, id_ in items:
            if item_kind != kind:
                continue
            ids.append(id_)
            weight += size
            if weight >= target:
                chunks.append(Chunk(kind, tuple(ids)))
                ids, weight = [], 0.0
        if ids:
            chunks.append(Chunk(kind, tuple(ids)))
    return chunks, len(items), int(total)


def build_in_workers(database: Path, uri_flags: str, folder: Path, chunks: list[Chunk], items: int,
                     workers: int, progress: ProgressFn, cancel: CancelToken | None) -> int:
    """Index ``chunks`` into the (new, empty) index at ``folder``; returns the record count."""
    from whoosh import index as whoosh_index
    from whoosh.index import TOC, clean_files

    context = multiprocessing.get_context("spawn")  # safe beside threads (Qt, the task runner)
    jobs: Any = context.Queue()
    results: Any = context.Queue()
    for chunk in chunks:
        jobs.put(chunk)
    workers = max(1, min(workers, len(chunks)))
    for _ in range(workers):
        jobs.put(None)
    processes = [context.Process(target=_work, args=(str(database), uri_flags, str(folder), jobs, results,
                                                      os.getpid()), daemon=True, name=f"footnote-index-{n}")
                 for n in range(workers)]
    for process in processes:
        process.start()
    segments: list[Any] = []
    finished, items_done, records = 0, 0, 0
    started = time.monotonic()
    heard = False
    ended = 0.0
    try:
        while finished < workers:
            if cancel is not None:
                cancel.raise_if_cancelled()
            try:
                message = results.get(timeout=0.2)
            except queue.Empty:
                dead = [p for p in processes if p.exitcode not in (None, 0)]
                if dead:
                    raise FootnoteError(f"an indexing process died (exit code {dead[0].exitcode}); "
                                        "the old search index is kept")
                if all(p.exitcode is not None for p in processes):
                    ended = ended or time.monotonic()
                    if time.monotonic() - ended > 5:  # all gone, their last words never came
                        raise FootnoteError("an indexing process ended without its result; "
                                            "the old search index is kept")
                if not heard and time.monotonic() - started > STARTUP_LIMIT_S:
                    raise FootnoteError("the indexing processes did not start; the old search index is kept")
                continue
            heard = True
            kind = message[0]
            if kind == "progress":
                items_done += message[1]
                records += message[2]
                progress(Progress(items_done, items, "indexing"))
            elif kind == "segment":
                if message[1] is not None:
                    segments.append(message[1])
                finished += 1
            else:  # "error"
                log.error("indexing process failed:\n%s", message[1])
                raise FootnoteError(f"indexing failed: {message[1].strip().splitlines()[-1]}")
        for process in processes:
            process.join(timeout=30)
    except BaseException:
        for process in processes:
            if process.is_alive():
                process.kill()
        for process in processes:
            process.join(timeout=5)
        raise
    finally:
        jobs.close()
        results.close()
    for scratch in folder.glob("*.tmp"):  # the workers' scratch folders (whoosh's writers leave them)
        if scratch.is_dir():
            shutil.rmtree(scratch, ignore_errors=True)
    ix = whoosh_index.open_dir(str(folder))
    generation = ix.latest_generation() + 1
    TOC(ix.schema, segments, generation).write(ix.storage, ix.indexname)
    clean_files(ix.storage, ix.indexname, generation, segments)
    return records


def _work(database: str, uri_flags: str, folder: str, jobs: Any, results: Any, parent: int) -> None:
    """A worker: take chunks until told to stop, then finish one segment and hand it over."""
    die_with_parent(parent)
    lower_priority()
    try:
        import sqlite3

        from sqlalchemy import create_engine
        from sqlmodel import Session
        from whoosh import index as whoosh_index

        import archive.search.index  # noqa: F401  (its whoosh fix for missing length columns)
        from archive.search.records import article_records, document_records
        from archive.search.writing import FootnoteSegmentWriter

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(f"file:{database}?mode=ro{uri_flags}", uri=True, check_same_thread=False)

        engine = create_engine("sqlite://", creator=connect)
        ix = whoosh_index.open_dir(folder)
        writer = FootnoteSegmentWriter(ix, _lk=False, limitmb=WORKER_MEMORY_MB,  # the parent owns the new folder
                                       temp_name=f"{ix.indexname}.worker-{os.getpid()}.tmp")
        added = 0
        while True:
            try:
                chunk = jobs.get(timeout=1.0)
            except queue.Empty:
                if os.getppid() != parent:
                    os._exit(1)  # the parent is gone: nobody will use this segment
                continue
            if chunk is None:
                break
            with Session(engine) as session:
                source = article_records if chunk.kind == "articles" else document_records
                count = 0
                for record in source(session, chunk.ids):
                    writer.add_document(**record)
                    count += 1
                    if count % 500 == 0 and os.getppid() != parent:
                        os._exit(1)  # the parent is gone (killed): nobody will use this segment
            added += count
            results.put(("progress", len(chunk.ids), count))
        if added:
            segment = writer._finalize_segment()  # what whoosh's own multi-process writer does
        else:
            writer.cancel()
            segment = None
        engine.dispose()
        results.put(("segment", segment))
    except BaseException:
        results.put(("error", traceback.format_exc()))
