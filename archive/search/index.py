"""The search index on disk: created, validated, updated and rebuilt — never trusted blindly.

whoosh stores parts of an index as pickles, and unpickling runs code, so
Footnote opens only an index folder it made itself: the folder carries a
marker with the index format and an HMAC of its random id under a key kept in
the user's config folder.  An archive copied from someone else, a folder put
there by hand, an older format or a damaged index: each is moved aside and
rebuilt from the catalog.  A rebuild writes a new folder next to the old one
and swaps it in when complete, so searching goes on from the old index while
it runs.  All writes go through one writer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import shutil
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

import platformdirs
from whoosh import index as whoosh_index
from whoosh.codec import whoosh3
from whoosh.query import Term
from whoosh.searching import Searcher

from archive.paths import APP_NAME, ArchiveLayout
from archive.recovery import read_only_uri_flags
from archive.progress import CancelToken, Progress, ProgressFn, no_progress
from archive.search import build
from archive.search.records import article_records, document_records
from archive.search.schema import INDEX_FORMAT, make_schema
from archive.search.writing import FootnoteSegmentWriter

if TYPE_CHECKING:
    from archive.search.batch import IndexBatch

log = logging.getLogger(__name__)


def _cache_missing_columns() -> None:
    """whoosh 2.7.5 looks for a field's length column on disk for every posting it writes when the
    column does not exist (a stat() each time: ~10,000 per 1,000 claims, for DATETIME fields), because
    it caches only the readers it finds.  A segment never changes once written, so a miss can be
    cached too.  Measured: importing a 1 MB digest spent most of its time in these stat() calls."""
    reader_class = whoosh3.W3PerDocReader
    if getattr(reader_class, "_footnote_caches_misses", False):
        return
    original = reader_class._cached_reader

    def cached_reader(self, fieldname, column):
        misses = self.__dict__.setdefault("_footnote_missing", set())
        if fieldname in misses:
            return None
        reader = original(self, fieldname, column)
        if reader is None:
            misses.add(fieldname)
        return reader

    reader_class._cached_reader = cached_reader
    reader_class._footnote_caches_misses = True


_cache_missing_columns()

MARKER = "footnote-index.json"
REBUILD_PROCESSES = max(1, min(os.cpu_count() or 1, 4))
# A rebuild of at least this much text runs in child processes (``build``): starting them costs a second
# or two, which a small archive would notice; a larger one gains a core per process, and the process that
# asked (the desktop's) keeps its GIL free.
PARALLEL_MIN_CHARS = 1_000_000
# The postings a writer holds in memory are sorted and written at its commit in long calls that hold the GIL:
# in this process a small pool means short holds (whoosh's own pool of 48 MB stalled the desktop's event loop
# for 330 ms), at the cost of merging a few runs from disk at the commit.
REBUILD_MEMORY_MB = 6
UPDATE_MEMORY_MB = 6


def _key() -> bytes:
    """This user's secret for index markers, made on first use (readable by the user only)."""
    path = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "index.key"
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key.hex())
        return key


def _mac(index_id: str, fmt: int) -> str:
    return hmac.new(_key(), f"{index_id}:{fmt}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class IndexState:
    ok: bool
    reason: str = ""


def check_folder(folder: Path) -> IndexState:
    """Is ``folder`` an index this user's Footnote made, in the current format? Reads no pickle."""
    marker = folder / MARKER
    if not folder.exists():
        return IndexState(False, "missing")
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        index_id, fmt, mac = data["id"], int(data["format"]), data["mac"]
    except (OSError, ValueError, KeyError, TypeError):
        return IndexState(False, "not made by Footnote (no valid marker)")
    if not hmac.compare_digest(str(mac), _mac(str(index_id), fmt)):
        return IndexState(False, "not made by this Footnote user (marker does not match)")
    if fmt != INDEX_FORMAT:
        return IndexState(False, f"format {fmt}, this Footnote writes format {INDEX_FORMAT}")
    return IndexState(True)


class SearchIndex:
    """The archive's index: one writer, any number of searchers."""

    def __init__(self, layout: ArchiveLayout) -> None:
        self.layout = layout
        self.folder = layout.index
        self._ix: whoosh_index.Index | None = None
        self._write_lock = threading.Lock()
        self._open_lock = threading.Lock()
        self._rebuild_lock = threading.Lock()  # one rebuild at a time
        # One searcher kept open between searches: opening one costs ~150 ms on a large index, and
        # refreshing it after an update reopens only the new segments.  ``_epoch`` changes whenever the
        # folder may have been replaced (rebuild, damage), so a kept searcher is then closed, not refreshed.
        self._search_lock = threading.Lock()
        self._kept: tuple[Searcher, int] | None = None
        self._epoch = 0
        self._missed: dict[str, set[str]] | None = None  # changes made while a rebuild runs

    # --- opening -----------------------------------------------------------------

    def state(self) -> IndexState:
        state = check_folder(self.folder)
        if not state.ok:
            return state
        try:
            self._open().doc_count()
        except Exception as error:  # whoosh raises many kinds on a damaged index
            self._forget()
            return IndexState(False, f"damaged ({type(error).__name__}: {error})")
        return state

    def _open(self) -> whoosh_index.Index:
        with self._open_lock:
            if self._ix is None:
                if not check_folder(self.folder).ok:  # never open what we did not make
                    raise IndexUnavailable(f"the search index at {self.folder} is not usable")
                self._ix = whoosh_index.open_dir(str(self.folder))
            return self._ix

    def _forget(self) -> None:
        """Drop the open index (and, at its next use, the kept searcher): the folder changed under it."""
        self._ix = None
        self._epoch += 1

    def searcher(self) -> Searcher:
        """A new searcher of its own for the caller (close it after use)."""
        return self._open().searcher()

    @contextmanager
    def searching(self) -> Iterator[Searcher]:
        """The kept searcher, or a new one when the index changed: for one search at a time (not
        reentrant: a search must not start another inside it).

        Not whoosh's ``Searcher.refresh()``: with whoosh-reloaded 0.7 it keeps readers of segments an
        update merged away and the deletions they had when opened, so replaced records would show twice.
        """
        with self._search_lock:
            searcher = None
            if self._kept is not None:
                kept, epoch = self._kept
                self._kept = None
                if epoch == self._epoch and _up_to_date(kept):
                    searcher = kept
                else:
                    _close_quietly(kept)
            if searcher is None:
                epoch = self._epoch
                searcher = self.searcher()
            try:
                yield searcher
            except BaseException:
                _close_quietly(searcher)  # it may be what failed: the next search opens a new one
                raise
            self._kept = (searcher, epoch)

    def ensure(self, archive, *, progress: ProgressFn = no_progress) -> IndexState:
        """Rebuild now if the index is missing, foreign, old or damaged; say why."""
        state = self.state()
        if not state.ok:
            if state.reason != "missing":
                log.warning("search index %s: %s; rebuilding", self.folder, state.reason)
            self.rebuild(archive, progress=progress, keep_aside=state.reason != "missing")
        return state

    # --- writing -----------------------------------------------------------------

    def update(self, archive, *, articles: Iterable[str] = (), documents: Iterable[str] = (),
               removed: Iterable[str] = ()) -> None:
        """Re-index these articles and documents (and drop removed ones) in one commit.

        During a rebuild the change is also noted and made again in the new index once it is swapped
        in: the rebuild may have read those items before the change.
        """
        articles, documents, removed = list(dict.fromkeys(articles)), list(dict.fromkeys(documents)), list(removed)
        if not (articles or documents or removed):
            return
        with self._write_lock:
            if self._missed is not None:
                self._missed["articles"].update(articles)
                self._missed["documents"].update(documents)
                self._missed["removed"].update(removed)
                if not check_folder(self.folder).ok:
                    return  # the rebuild under way makes the index, with these in it
        if not check_folder(self.folder).ok:
            # The rebuild reads the catalog as it is now: nothing more to do.
            self.rebuild(archive, keep_aside=self.folder.exists())
            return
        self._write(archive, articles, documents, removed)

    def begin_batch(self, archive) -> "IndexBatch | None":
        """An open writer that an import adds its documents to as it writes them (see
        :mod:`archive.search.batch`); None when the index cannot take one now: a read-only archive, a
        rebuild under way, or an index that needs one (missing, old, foreign).  The caller then updates
        the index at the end, as :meth:`update` does (rebuilding it then reads the whole import at once).
        """
        from archive.search.batch import IndexBatch

        if archive.read_only or self._missed is not None or not check_folder(self.folder).ok:
            return None
        self._write_lock.acquire()
        try:
            if self._missed is not None or not check_folder(self.folder).ok:
                self._write_lock.release()
                return None
            writer = FootnoteSegmentWriter(self._open(), timeout=30, limitmb=UPDATE_MEMORY_MB)
        except Exception:
            self._write_lock.release()
            log.exception("search index writer not opened; the import updates the index at its end")
            return None
        return IndexBatch(self, archive, writer, self._write_lock.release)

    def _write(self, archive, articles: list[str], documents: list[str], removed: list[str]) -> None:
        with self._write_lock:
            ix = self._open()
            writer = FootnoteSegmentWriter(ix, timeout=30, limitmb=UPDATE_MEMORY_MB)
            try:
                for key in [*articles, *documents, *removed]:
                    writer.delete_by_term("document", key)
                with archive.session() as session:
                    for record in article_records(session, articles):
                        writer.add_document(**record)
                    for record in document_records(session, documents):
                        writer.add_document(**record)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def rebuild(self, archive, *, progress: ProgressFn = no_progress, cancel: CancelToken | None = None,
                keep_aside: bool = False) -> int:
        """Build a complete new index beside the current one, then swap it in. Returns the record count.

        ``keep_aside`` keeps the replaced folder (one copy, ``index.aside-…``) for a
        look, when it was damaged or not ours; a sound old index is deleted.
        """
        with self._rebuild_lock:
            return self._rebuild(archive, progress, cancel, keep_aside)

    def _rebuild(self, archive, progress: ProgressFn, cancel: CancelToken | None, keep_aside: bool) -> int:
        started = time.monotonic()
        new = self.folder.with_name(f"{self.folder.name}.new-{uuid.uuid4().hex[:8]}")
        new.mkdir(parents=True)
        with self._write_lock:
            self._missed = {"articles": set(), "documents": set(), "removed": set()}
        try:
            count = self._build(archive, new, progress, cancel)
            index_id = uuid.uuid4().hex
            (new / MARKER).write_text(json.dumps({"format": INDEX_FORMAT, "id": index_id,
                                                  "mac": _mac(index_id, INDEX_FORMAT)}), encoding="utf-8")
        except BaseException:
            with self._write_lock:
                self._missed = None
            shutil.rmtree(new, ignore_errors=True)
            raise
        with self._write_lock, self._open_lock:
            old = None
            if self.folder.exists():
                # A sound old index is deleted; anything else is kept aside (one copy) for a look.
                kind = "aside" if keep_aside or not check_folder(self.folder).ok else "old"
                old = self.folder.with_name(f"{self.folder.name}.{kind}-{uuid.uuid4().hex[:8]}")
                os.replace(self.folder, old)
            os.replace(new, self.folder)
            self._forget()
            missed, self._missed = self._missed, None
        for stale in self.folder.parent.glob(f"{self.folder.name}.*-*"):
            if stale != old or stale.name.startswith(f"{self.folder.name}.old-"):
                shutil.rmtree(stale, ignore_errors=True)  # open searchers keep their files (POSIX)
        if missed and any(missed.values()):
            try:
                self._write(archive, *(sorted(missed[kind]) for kind in ("articles", "documents", "removed")))
            except BaseException:
                self.invalidate()  # the new index lacks those changes: the next use rebuilds it
                raise
        log.info("search index rebuilt: %d records in %.1f s", count, time.monotonic() - started)
        return count

    def _build(self, archive, folder: Path, progress: ProgressFn, cancel: CancelToken | None) -> int:
        ix = whoosh_index.create_in(str(folder), make_schema())
        with archive.read_session() as session:
            chunks, items, size = build.plan(session, REBUILD_PROCESSES)
            if REBUILD_PROCESSES > 1 and size >= PARALLEL_MIN_CHARS:
                records = None
            else:
                records = [*article_records(session), *document_records(session)]
        if records is None:
            return build.build_in_workers(archive.layout.database, read_only_uri_flags(archive.layout), folder,
                                          chunks, items, REBUILD_PROCESSES, progress, cancel)
        writer = FootnoteSegmentWriter(ix, limitmb=REBUILD_MEMORY_MB)
        try:
            step = max(1, len(records) // 100)
            for done, record in enumerate(records):
                if done % step == 0:
                    progress(Progress(done, len(records), "indexing"))
                    if cancel is not None:
                        cancel.raise_if_cancelled()
                writer.add_document(**record)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        progress(Progress(len(records), len(records), ""))
        return len(records)

    def invalidate(self) -> None:
        """Make the next use rebuild the index (after a failed update: it may be incomplete)."""
        with self._open_lock:
            self._forget()
            try:
                (self.folder / MARKER).unlink()
            except OSError:
                pass

    def count(self, type_: str | None = None) -> int:
        with self.searcher() as searcher:
            if type_ is None:
                return searcher.doc_count()
            return len(searcher.search(Term("type", type_), limit=None))

    def close(self) -> None:
        with self._open_lock:
            self._forget()
        with self._search_lock:
            if self._kept is not None:
                _close_quietly(self._kept[0])
                self._kept = None


def _up_to_date(searcher: Searcher) -> bool:
    try:
        return searcher._ix.latest_generation() == searcher.reader().generation()
    except Exception:  # the folder went away or was damaged: open afresh
        return False


def _close_quietly(searcher: Searcher) -> None:
    try:
        searcher.close()
    except Exception:
        log.debug("closing a searcher failed", exc_info=True)


class IndexUnavailable(Exception):
    """The index folder is not one we may open; rebuild it."""
